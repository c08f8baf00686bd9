package tender

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif"  // DecodeConfig of GIF uploads
	_ "image/jpeg" // and of JPEG
	_ "image/png"  // and of PNG
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// File is an uploaded file's metadata (Stax's file object). The bytes are
// stored beside it in the database but never read with it: lists and
// metadata reads do not touch them.
type File struct {
	ID         string
	MerchantID string
	Name       string
	// Tag classifies the file ("generic", "itemThumbnail", ...); nil is
	// Stax's null.
	Tag *string
	// Mime is the type sniffed from the content at upload, never the
	// client's claim; Size is the length in bytes.
	Mime string
	Size int64
	// Width and Height of an image (0 when not an image or unknown).
	Width, Height int
	// SHA256 is the hex digest of the content.
	SHA256 string
	// The object the file is attached to: at most one of them ("" none).
	InvoiceID, ItemID, TransactionID string
	CreatedAt, UpdatedAt             Time
	DeletedAt                        *Time
	// PublicURL is where the bytes are downloaded (set by the API from its
	// base URL; the route needs the merchant's key, unlike Stax's S3 link).
	PublicURL string
}

// FileMeta is the meta object Stax shows on a file.
type FileMeta struct {
	FilesizeBytes int64     `json:"filesize_bytes"`
	Filesize      string    `json:"filesize"`
	Extension     string    `json:"extension"`
	Size          *FileSize `json:"size"`
	Mime          string    `json:"mime"`
	SHA256        string    `json:"sha256"`
}

// FileSize is an image's dimensions in pixels.
type FileSize struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// MarshalJSON writes Stax's shape: id, merchant_id, user_id (null: Tender's
// keys are not users), name, public_url, tag, meta{...}, the attachment ids
// and the timestamps.
func (f *File) MarshalJSON() ([]byte, error) {
	meta := FileMeta{FilesizeBytes: f.Size, Filesize: HumanSize(f.Size), Extension: FileExtension(f.Mime),
		Mime: f.Mime, SHA256: f.SHA256}
	if f.Width > 0 && f.Height > 0 {
		meta.Size = &FileSize{Width: f.Width, Height: f.Height}
	}
	orNull := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	return json.Marshal(struct {
		ID            string   `json:"id"`
		MerchantID    string   `json:"merchant_id"`
		UserID        *string  `json:"user_id"`
		Name          string   `json:"name"`
		PublicURL     string   `json:"public_url"`
		Tag           *string  `json:"tag"`
		Meta          FileMeta `json:"meta"`
		InvoiceID     *string  `json:"invoice_id"`
		ItemID        *string  `json:"item_id"`
		TransactionID *string  `json:"transaction_id"`
		CreatedAt     Time     `json:"created_at"`
		UpdatedAt     Time     `json:"updated_at"`
		DeletedAt     *Time    `json:"deleted_at"`
	}{f.ID, f.MerchantID, nil, f.Name, f.PublicURL, f.Tag, meta, orNull(f.InvoiceID), orNull(f.ItemID),
		orNull(f.TransactionID), f.CreatedAt, f.UpdatedAt, f.DeletedAt})
}

// HumanSize is Stax's filesize string: decimal kilobytes with two decimals
// ("7.38 kB"), megabytes from a million bytes.
func HumanSize(n int64) string {
	if n >= 1_000_000 {
		return fmt.Sprintf("%.2f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f kB", float64(n)/1e3)
}

// DefaultMaxFileBytes is the default upload limit (10 MiB).
const DefaultMaxFileBytes = 10 << 20

// fileTypes are the types an upload may have, as sniffed from its content
// by http.DetectContentType, with the extension shown for each.
var fileTypes = map[string]string{
	"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
	"application/pdf": "pdf", "text/plain": "txt", "text/csv": "csv",
}

// FileExtension is the extension of an allowed type ("" for another).
func FileExtension(mime string) string { return fileTypes[mime] }

// SniffFile decides an upload's type from its bytes, never from what the
// client claims: PNG, JPEG, GIF, WebP, PDF, or UTF-8 plain text (CSV when
// name ends in .csv). Anything else (HTML, SVG, executables, archives,
// text in another encoding) is refused: ok is false. For images it also
// returns the dimensions when the header can be read.
func SniffFile(name string, data []byte) (mime string, width, height int, ok bool) {
	sniffed, _, _ := strings.Cut(http.DetectContentType(data), ";")
	switch sniffed {
	case "image/png", "image/jpeg", "image/gif":
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
			width, height = cfg.Width, cfg.Height
		}
		return sniffed, width, height, true
	case "image/webp", "application/pdf":
		return sniffed, 0, 0, true
	case "text/plain":
		// DetectContentType looks at the first 512 bytes and says UTF-16 or
		// UTF-8 by a byte-order mark; the whole must be UTF-8 without NUL.
		if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) ||
			bytes.HasPrefix(data, []byte{0xFF, 0xFE}) {
			return "", 0, 0, false
		}
		if strings.EqualFold(path.Ext(name), ".csv") {
			return "text/csv", 0, 0, true
		}
		return "text/plain", 0, 0, true
	}
	return "", 0, 0, false
}

// MaxFileNameLen bounds a file's name (bytes).
const MaxFileNameLen = 255

// SanitizeFileName makes a client's file name safe to keep and to put in a
// Content-Disposition header: the last path element only (no directories,
// either slash), control and format characters, quotes and backslashes
// dropped, spaces collapsed, at most MaxFileNameLen bytes (cut on a rune),
// never "", "." or "..".
func SanitizeFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	space := false
	for _, r := range name {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '"' || r == '\\' || r == utf8.RuneError:
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	out := b.String()
	for len(out) > MaxFileNameLen {
		_, size := utf8.DecodeLastRuneInString(out)
		out = out[:len(out)-size]
	}
	out = strings.TrimSpace(out)
	if out == "" || strings.Trim(out, ".") == "" {
		return "file"
	}
	return out
}

// MaxFileTagLen bounds a tag (bytes).
const MaxFileTagLen = 64

// FileInput is what POST /file and PUT /file/{id} carry besides the bytes:
// nil fields are unchanged on PUT. An attachment id of "" detaches.
type FileInput struct {
	Name          *string `json:"name"`
	Tag           *string `json:"tag"`
	InvoiceID     *string `json:"invoice_id"`
	ItemID        *string `json:"item_id"`
	TransactionID *string `json:"transaction_id"`
	// Data is the new content (nil: unchanged); FileName the name the
	// client gave the upload (the default name).
	Data     []byte `json:"-"`
	FileName string `json:"-"`
}

// Apply validates in against the size limit and copies it onto f; create
// says this is an upload (then the content is required). The attachment
// ids are only checked for form here; the service checks they name the
// merchant's objects.
func (in *FileInput) Apply(f *File, create bool, maxBytes int64) error {
	errs := FieldErrors{}
	for field, v := range map[string]*string{"name": in.Name, "tag": in.Tag, "invoice_id": in.InvoiceID,
		"item_id": in.ItemID, "transaction_id": in.TransactionID} {
		if v != nil {
			if flaw := TextFlaw(*v); flaw != "" {
				errs.AddTextFlaw(field, flaw)
			}
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	switch {
	case in.Data == nil && create:
		errs.Required("file")
	case in.Data != nil && len(in.Data) == 0:
		errs.Add("file", "The file must not be empty.")
	case int64(len(in.Data)) > maxBytes:
		errs.Add("file", fmt.Sprintf("The file may not be greater than %d bytes.", maxBytes))
	case in.Data != nil:
		mime, w, h, ok := SniffFile(in.FileName, in.Data)
		if !ok {
			errs.Add("file", "The file must be a file of type: png, jpg, gif, webp, pdf, txt, csv.")
			break
		}
		f.Mime, f.Width, f.Height, f.Size = mime, w, h, int64(len(in.Data))
		if create && in.Name == nil {
			f.Name = SanitizeFileName(in.FileName)
		}
	}
	if in.Name != nil {
		if strings.TrimSpace(*in.Name) == "" {
			if !create {
				errs.Add("name", "The name must not be empty.")
			} else {
				f.Name = SanitizeFileName(in.FileName)
			}
		} else {
			f.Name = SanitizeFileName(*in.Name)
		}
	}
	if in.Tag != nil {
		t := strings.TrimSpace(*in.Tag)
		switch {
		case t == "":
			f.Tag = nil
		case len(t) > MaxFileTagLen || strings.ContainsAny(t, "/\\") || strings.IndexFunc(t, unicode.IsControl) >= 0:
			errs.Add("tag", fmt.Sprintf("The tag must be at most %d characters, without slashes or control characters.", MaxFileTagLen))
		default:
			f.Tag = &t
		}
	}
	// Attaching to one object detaches from the others (re-attach); ""
	// detaches. Two objects at once is a 422.
	var to []string
	for _, a := range []struct {
		field string
		in    *string
	}{{"invoice_id", in.InvoiceID}, {"item_id", in.ItemID}, {"transaction_id", in.TransactionID}} {
		if a.in == nil {
			continue
		}
		id := strings.TrimSpace(*a.in)
		if id != "" {
			if u, err := uuid.Parse(id); err != nil || u.String() != strings.ToLower(id) {
				errs.Add(a.field, "The selected "+humanField(a.field)+" is invalid.")
				continue
			}
			to = append(to, a.field)
		}
	}
	if len(to) > 1 {
		errs.Add(to[1], "A file is attached to at most one of invoice_id, item_id and transaction_id.")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if len(to) == 1 {
		f.InvoiceID, f.ItemID, f.TransactionID = "", "", ""
	}
	for _, a := range []struct {
		in  *string
		dst *string
	}{{in.InvoiceID, &f.InvoiceID}, {in.ItemID, &f.ItemID}, {in.TransactionID, &f.TransactionID}} {
		if a.in != nil {
			*a.dst = strings.ToLower(strings.TrimSpace(*a.in))
		}
	}
	return errs.Err()
}

// FileFilter narrows GET /file: by tag and by the attached object.
type FileFilter struct {
	Tag, InvoiceID, ItemID, TransactionID string
}
