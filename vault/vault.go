// Package vault encrypts card and bank account numbers at rest (PCI DSS
// 3.4–3.6) with envelope encryption: every value gets its own random 256-bit
// data key (AES-256-GCM); the data key is wrapped by a master key from the
// Keyring (AES-256-GCM, the key id as additional data). A sealed value is
// one opaque string:
//
//	v1.<kid>.<base64url(wrapped data key)>.<base64url(nonce|ciphertext)>
//
// Rotation adds a master key in front of the keyring; Rewrap re-wraps the
// small data keys under it without touching ciphertexts, and older keys stay
// in the keyring for decryption until every value is re-wrapped.
//
// Fingerprints (to recognise one card across payment methods without
// decrypting) are HMAC-SHA256 under a secret derived from the keyring's
// oldest key, which by this convention is never removed: rotation adds keys
// in front, so fingerprints stay stable.
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// KeySize is the size of master and data keys.
const KeySize = 32

var (
	errSealed = errors.New("vault: sealed value is malformed or was tampered with")
	kidRe     = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,32}$`)
	b64       = base64.RawURLEncoding
)

type masterKey struct {
	id  string
	key []byte
}

// Keyring holds master keys by id; the first is current.
type Keyring struct {
	keys []masterKey
}

// ParseKeyring reads "kid1:BASE64,kid2:BASE64" (newest first) or a bare
// base64 key (id "k1"). Standard or URL base64, padded or not, is accepted.
func ParseKeyring(s string) (*Keyring, error) {
	s = strings.Join(strings.Fields(s), "")
	if s == "" {
		return nil, errors.New("vault: empty keyring")
	}
	k := &Keyring{}
	seen := map[string]bool{}
	for i, part := range strings.Split(s, ",") {
		id, enc, ok := strings.Cut(part, ":")
		if !ok {
			if i > 0 || strings.Contains(s, ",") {
				return nil, fmt.Errorf("vault: keyring entry %d: want kid:base64", i+1)
			}
			id, enc = "k1", part
		}
		if !kidRe.MatchString(id) {
			return nil, fmt.Errorf("vault: keyring entry %d: key id must be 1-32 of [a-zA-Z0-9_-]", i+1)
		}
		if seen[id] {
			return nil, fmt.Errorf("vault: key id %s appears twice", id)
		}
		seen[id] = true
		key, err := decodeKey(enc)
		if err != nil {
			return nil, fmt.Errorf("vault: key %s: %w", id, err)
		}
		k.keys = append(k.keys, masterKey{id: id, key: key})
	}
	return k, nil
}

func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != KeySize {
				return nil, fmt.Errorf("must be %d bytes, got %d", KeySize, len(b))
			}
			return b, nil
		}
	}
	return nil, errors.New("not valid base64")
}

// GenerateKey returns a keyring of one fresh random key named id.
func GenerateKey(id string) (*Keyring, error) {
	return (&Keyring{}).WithNewCurrent(id)
}

// WithNewCurrent returns a keyring with a fresh key named id in front of
// k's keys.
func (k *Keyring) WithNewCurrent(id string) (*Keyring, error) {
	if !kidRe.MatchString(id) {
		return nil, errors.New("vault: key id must be 1-32 of [a-zA-Z0-9_-]")
	}
	for _, mk := range k.keys {
		if mk.id == id {
			return nil, fmt.Errorf("vault: key id %s exists", id)
		}
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return &Keyring{keys: append([]masterKey{{id: id, key: key}}, k.keys...)}, nil
}

// Current is the id of the key new values are wrapped with.
func (k *Keyring) Current() string { return k.keys[0].id }

// String describes the keyring without key material.
func (k *Keyring) String() string {
	ids := make([]string, len(k.keys))
	for i, mk := range k.keys {
		ids[i] = mk.id
	}
	return fmt.Sprintf("keyring(current=%s, ids=[%s])", k.Current(), strings.Join(ids, " "))
}

// Encode is the parseable form, for a key file.
func (k *Keyring) Encode() string {
	parts := make([]string, len(k.keys))
	for i, mk := range k.keys {
		parts[i] = mk.id + ":" + base64.StdEncoding.EncodeToString(mk.key)
	}
	return strings.Join(parts, ",")
}

// LoadOrCreate reads the keyring file at path, or creates it (0600, in a
// 0700 directory) with one fresh key.
func LoadOrCreate(path string) (*Keyring, bool, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := ParseKeyring(string(b))
		return k, false, err
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	k, err := GenerateKey("k1")
	if err != nil {
		return nil, false, err
	}
	// Written whole to a file of its own, then linked into place: a
	// process starting beside this one either finds no file or a complete
	// one (never the empty file an exclusive create shows before its
	// write), and of two creators the second's link fails and it loads the
	// first's key.
	f, err := os.CreateTemp(filepath.Dir(path), ".master.key-*")
	if err != nil {
		return nil, false, err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	// CreateTemp already makes the file 0600 less the umask, so for secrecy
	// this is redundant; it is kept because a umask that strips owner bits
	// (0o277 leaves 0400, 0o677 leaves 0000: unreadable at the next start)
	// would otherwise decide the key file's mode. Exactly 0600 either way.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, false, err
	}
	if _, err := f.WriteString(k.Encode() + "\n"); err != nil {
		f.Close()
		return nil, false, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, false, err
	}
	if err := f.Close(); err != nil {
		return nil, false, err
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) { // another process won the race
			return LoadOrCreate(path)
		}
		return nil, false, err
	}
	return k, true, nil
}

func (k *Keyring) find(id string) []byte {
	for _, mk := range k.keys {
		if mk.id == id {
			return mk.key
		}
	}
	return nil
}

// Vault seals and opens values with a keyring.
type Vault struct {
	keys *Keyring
}

// New returns a vault on keys.
func New(keys *Keyring) *Vault { return &Vault{keys: keys} }

func gcm(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func seal(key, plaintext, aad []byte) ([]byte, error) {
	aead, err := gcm(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return aead.Seal(nonce, nonce, plaintext, aad), nil
}

func open(key, sealed, aad []byte) ([]byte, error) {
	aead, err := gcm(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, errSealed
	}
	out, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], aad)
	if err != nil {
		return nil, errSealed
	}
	return out, nil
}

// Seal encrypts plaintext under a fresh data key, wrapped by the current
// master key. aad binds the value to its context (e.g. its row); Open needs
// the same aad.
func (v *Vault) Seal(plaintext, aad []byte) (string, error) {
	dek := make([]byte, KeySize)
	if _, err := rand.Read(dek); err != nil {
		return "", err
	}
	ct, err := seal(dek, plaintext, aad)
	if err != nil {
		return "", err
	}
	cur := v.keys.keys[0]
	wrapped, err := seal(cur.key, dek, []byte(cur.id))
	if err != nil {
		return "", err
	}
	return "v1." + cur.id + "." + b64.EncodeToString(wrapped) + "." + b64.EncodeToString(ct), nil
}

type parsed struct {
	kid         string
	wrapped, ct []byte
}

func parse(s string) (*parsed, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 4 || parts[0] != "v1" || !kidRe.MatchString(parts[1]) {
		return nil, errSealed
	}
	wrapped, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, errSealed
	}
	ct, err := b64.DecodeString(parts[3])
	if err != nil {
		return nil, errSealed
	}
	return &parsed{kid: parts[1], wrapped: wrapped, ct: ct}, nil
}

func (v *Vault) unwrap(p *parsed) ([]byte, error) {
	mk := v.keys.find(p.kid)
	if mk == nil {
		return nil, fmt.Errorf("vault: no master key %q in the keyring", p.kid)
	}
	return open(mk, p.wrapped, []byte(p.kid))
}

// Open decrypts a sealed value. Any tampering, an unknown key id or another
// aad gives an error (never any plaintext).
func (v *Vault) Open(sealed string, aad []byte) ([]byte, error) {
	p, err := parse(sealed)
	if err != nil {
		return nil, err
	}
	dek, err := v.unwrap(p)
	if err != nil {
		return nil, err
	}
	return open(dek, p.ct, aad)
}

// KeyID tells which master key wraps a sealed value.
func (v *Vault) KeyID(sealed string) (string, error) {
	p, err := parse(sealed)
	if err != nil {
		return "", err
	}
	return p.kid, nil
}

// Rewrap re-wraps the value's data key under the current master key; the
// ciphertext is unchanged. A value already under the current key is
// returned as it is.
func (v *Vault) Rewrap(sealed string) (string, error) {
	p, err := parse(sealed)
	if err != nil {
		return "", err
	}
	cur := v.keys.keys[0]
	if p.kid == cur.id {
		return sealed, nil
	}
	dek, err := v.unwrap(p)
	if err != nil {
		return "", err
	}
	wrapped, err := seal(cur.key, dek, []byte(cur.id))
	if err != nil {
		return "", err
	}
	return "v1." + cur.id + "." + b64.EncodeToString(wrapped) + "." + b64.EncodeToString(p.ct), nil
}

// Fingerprinter computes keyed fingerprints of numbers.
type Fingerprinter struct {
	secret []byte
}

// FingerprintSecret derives the fingerprint secret from the keyring's oldest
// key (see the package comment).
func FingerprintSecret(k *Keyring) []byte {
	oldest := k.keys[len(k.keys)-1].key
	out, err := hkdf.Key(sha256.New, oldest, nil, "tender fingerprint v1", KeySize)
	if err != nil {
		panic(err) // only for lengths hkdf cannot produce
	}
	return out
}

// NewFingerprinter returns a fingerprinter keyed by secret.
func NewFingerprinter(secret []byte) *Fingerprinter { return &Fingerprinter{secret: secret} }

// Fingerprint is hex HMAC-SHA256(secret, kind ":" value).
func (f *Fingerprinter) Fingerprint(kind, value string) string {
	m := hmac.New(sha256.New, f.secret)
	m.Write([]byte(kind + ":" + value))
	return hex.EncodeToString(m.Sum(nil))
}

// KeyFingerprint identifies a master key without revealing it: the hex
// HMAC-SHA256, under the key, of a fixed label and the key id. The
// database records it for each key that sealed values there, so a server
// started with another key under the same id is told so before it tries
// to open anything.
func KeyFingerprint(id string, key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("tender vault key fingerprint v1\x00" + id))
	return hex.EncodeToString(m.Sum(nil))
}

// Fingerprints returns each key's id and fingerprint, current first.
func (k *Keyring) Fingerprints() [][2]string {
	out := make([][2]string, len(k.keys))
	for i, mk := range k.keys {
		out[i] = [2]string{mk.id, KeyFingerprint(mk.id, mk.key)}
	}
	return out
}

// Keys is the vault's keyring.
func (v *Vault) Keys() *Keyring { return v.keys }

// CanOpen reports whether the keyring unwraps the data key of a sealed
// value (it needs the right master key, not the value's context): nil, or
// an error naming the key id that is missing or does not match.
func (v *Vault) CanOpen(sealed string) error {
	p, err := parse(sealed)
	if err != nil {
		return err
	}
	if v.keys.find(p.kid) == nil {
		return fmt.Errorf("vault: no master key %q in the keyring", p.kid)
	}
	if _, err := v.unwrap(p); err != nil {
		return fmt.Errorf("vault: master key %q of the keyring is not the key that sealed the stored values", p.kid)
	}
	return nil
}
