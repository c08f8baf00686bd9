package service

import (
	"context"
	"fmt"

	"github.com/tenderpay/tender/store"
)

// RewrapAll re-wraps every sealed number and CVV under the vault's current
// master key (after a key was added in front of the keyring). Only the small
// wrapped data keys change; ciphertexts and fingerprints stay, and the
// server keeps serving throughout since every old key still decrypts.
// It returns how many payment methods it changed and how many it saw.
func (s *Service) RewrapAll(ctx context.Context) (changed, seen int, err error) {
	after := ""
	for {
		page, err := s.store.PaymentMethodSecretsPage(ctx, after, 500)
		if err != nil {
			return changed, seen, err
		}
		if len(page) == 0 {
			return changed, seen, nil
		}
		for _, sec := range page {
			seen++
			after = sec.PaymentMethodID
			number, err := s.Vault.Rewrap(sec.SealedNumber)
			if err != nil {
				return changed, seen, err
			}
			cvv := sec.SealedCVV
			if cvv != "" {
				if cvv, err = s.Vault.Rewrap(cvv); err != nil {
					return changed, seen, err
				}
			}
			if number == sec.SealedNumber && cvv == sec.SealedCVV {
				continue
			}
			sec.SealedNumber, sec.SealedCVV = number, cvv
			if err := s.store.PaymentMethodSetSealed(ctx, sec); err != nil {
				return changed, seen, err
			}
			changed++
		}
	}
}

// CheckVaultKeys refuses a keyring that cannot open what the database
// holds, before anything is served: every master key id recorded in the
// database (see vault.KeyFingerprint) that still wraps stored values must be
// in the keyring with the same fingerprint, and a stored value must open
// (which covers databases sealed before fingerprints were recorded). It
// then records the keyring's keys. The error names key ids and fingerprints,
// never key material.
func (s *Service) CheckVaultKeys(ctx context.Context) error {
	recorded, err := s.store.VaultKeys(ctx)
	if err != nil {
		return err
	}
	mine := map[string]string{}
	for _, k := range s.Vault.Keys().Fingerprints() {
		mine[k[0]] = k[1]
	}
	stale := map[string]string{}
	for kid, fp := range recorded {
		if mine[kid] == fp {
			continue
		}
		sample, err := s.store.VaultSealedSample(ctx, kid)
		if err != nil {
			return err
		}
		if sample == "" { // no value depends on it: the id may name another key now
			stale[kid] = fp
			continue
		}
		if _, ok := mine[kid]; !ok {
			return fmt.Errorf("vault: the database holds values sealed by master key %q (fingerprint %s), which the configured keyring lacks: start with the keyring that sealed them (TENDER_MASTER_KEY, TENDER_MASTER_KEY_FILE or the first instance's master.key)", kid, short(fp))
		}
		return fmt.Errorf("vault: master key %q of the configured keyring (fingerprint %s) is not the key that sealed this database's values (fingerprint %s): start with the keyring that sealed them (TENDER_MASTER_KEY, TENDER_MASTER_KEY_FILE or the first instance's master.key)", kid, short(mine[kid]), short(fp))
	}
	sample, err := s.store.VaultSealedSample(ctx, "")
	if err != nil {
		return err
	}
	if sample != "" {
		if err := s.Vault.CanOpen(sample); err != nil {
			return fmt.Errorf("%w: the database holds values this keyring cannot open; start with the keyring that sealed them", err)
		}
	}
	now := s.now()
	for _, k := range s.Vault.Keys().Fingerprints() {
		if err := s.store.VaultKeyRecord(ctx, k[0], k[1], stale[k[0]], now); err != nil {
			return err
		}
	}
	// Another server starting at once on an empty database may have
	// recorded another key under the same id first.
	if recorded, err = s.store.VaultKeys(ctx); err != nil {
		return err
	}
	for kid, fp := range mine {
		if recorded[kid] != fp {
			return fmt.Errorf("vault: master key %q (fingerprint %s) is recorded in the database with fingerprint %s by another server: start every server with the same keyring", kid, short(fp), short(recorded[kid]))
		}
	}
	return nil
}

// VaultInUse reports whether the database holds sealed values or recorded
// vault keys, so that no fresh key is generated against it.
func VaultInUse(ctx context.Context, st store.Store) (string, error) {
	recorded, err := st.VaultKeys(ctx)
	if err != nil {
		return "", err
	}
	for kid, fp := range recorded {
		sample, err := st.VaultSealedSample(ctx, kid)
		if err != nil {
			return "", err
		}
		if sample != "" {
			return fmt.Sprintf("master key %q (fingerprint %s)", kid, short(fp)), nil
		}
	}
	sample, err := st.VaultSealedSample(ctx, "")
	if err != nil || sample == "" {
		return "", err
	}
	return "a master key", nil
}

// short is a fingerprint's first 16 hex digits, enough to tell keys apart.
func short(fp string) string {
	if len(fp) > 16 {
		return fp[:16]
	}
	return fp
}
