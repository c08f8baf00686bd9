package httpapi

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/tenderpay/tender"
)

// maxFormField bounds a text field of an upload form (name, tag, ids).
const maxFormField = 4 << 10

// bodyLimit bounds rt's request body: MaxBodyBytes, and for an upload
// the file limit besides (room for the form around the file).
func (a *API) bodyLimit(rt route) int64 {
	if rt.form != "" {
		return a.cfg.MaxBodyBytes + a.svc.MaxFileSize()
	}
	return a.cfg.MaxBodyBytes
}

// fileForm reads a file upload (uploadForm): the file and the text fields
// name, tag, invoice_id, item_id and transaction_id.
func fileForm(r *http.Request, in *tender.FileInput, limit int64) error {
	set := func(dst **string) func(string) { return func(s string) { *dst = &s } }
	var err error
	in.Data, in.FileName, err = uploadForm(r, limit, map[string]func(string){"name": set(&in.Name), "tag": set(&in.Tag),
		"invoice_id": set(&in.InvoiceID), "item_id": set(&in.ItemID), "transaction_id": set(&in.TransactionID)})
	return err
}

// uploadForm reads a multipart/form-data body: the part "file" (its bytes
// read up to limit plus one, so a larger one is a 422 on file; data is nil
// when there is none) and the text fields named in fields, each given to
// its setter. Other fields are ignored, as Laravel does. It streams the
// parts: nothing goes to a temporary file.
func uploadForm(r *http.Request, limit int64, fields map[string]func(string)) (data []byte, filename string, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", tender.Errorf(tender.EMEDIATYPE, "Content-Type must be multipart/form-data with a boundary.")
	}
	errs := tender.FieldErrors{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", formError(err)
		}
		name := part.FormName()
		switch set, ok := fields[name]; {
		case name == "file":
			if data != nil {
				errs.Add("file", "Only one file may be uploaded at a time.")
				continue
			}
			if data, err = io.ReadAll(io.LimitReader(part, limit+1)); err != nil {
				return nil, "", formError(err)
			}
			if data == nil {
				data = []byte{}
			}
			filename = part.FileName()
		case ok:
			v, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
			if err != nil {
				return nil, "", formError(err)
			}
			if len(v) > maxFormField {
				errs.Add(name, "The "+name+" may not be greater than 4096 characters.")
				continue
			}
			set(string(v))
		}
	}
	return data, filename, errs.Err()
}

// formError is the error of a multipart body that cannot be read: 413 past
// the body limit, else a 422 on the body.
func formError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tender.Errorf(tender.ETOOLARGE, "The request body is larger than %d bytes.", mbe.Limit)
	}
	errs := tender.FieldErrors{}
	errs.Add("body", "The request body must be a valid multipart/form-data form.")
	return errs.Err()
}

func isMultipart(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "multipart/form-data"
}

// withURL sets the download address of each file shown.
func (a *API) withURL(r *http.Request, files ...*tender.File) {
	base := a.baseURL(r)
	for _, f := range files {
		f.PublicURL = base + "/file/" + f.ID + "/download"
	}
}

func (a *API) createFile(w http.ResponseWriter, r *http.Request) error {
	if !isMultipart(r.Header.Get("Content-Type")) {
		return tender.Errorf(tender.EMEDIATYPE, "Content-Type must be multipart/form-data.")
	}
	var in tender.FileInput
	if err := fileForm(r, &in, a.svc.MaxFileSize()); err != nil {
		return err
	}
	f, err := a.svc.CreateFile(r.Context(), merchantID(r), &in)
	if err != nil {
		return err
	}
	a.withURL(r, f)
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (a *API) listFiles(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	errs := tender.FieldErrors{}
	lp := listParams(q, tender.FileSorts, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	f := tender.FileFilter{Tag: q.Get("tag"), InvoiceID: strings.ToLower(q.Get("invoice_id")),
		ItemID: strings.ToLower(q.Get("item_id")), TransactionID: strings.ToLower(q.Get("transaction_id"))}
	page, err := a.svc.ListFiles(r.Context(), merchantID(r), f, lp)
	if err != nil {
		return err
	}
	a.withURL(r, page.Items...)
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

func (a *API) getFile(w http.ResponseWriter, r *http.Request) error {
	f, err := a.svc.GetFile(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	a.withURL(r, f)
	writeJSON(w, http.StatusOK, f)
	return nil
}

// updateFile takes Stax's multipart form (name, tag, a new file, an
// attachment) or the same text fields as JSON.
func (a *API) updateFile(w http.ResponseWriter, r *http.Request) error {
	var in tender.FileInput
	if isMultipart(r.Header.Get("Content-Type")) {
		if err := fileForm(r, &in, a.svc.MaxFileSize()); err != nil {
			return err
		}
	} else {
		// JSON carries no file: the API's usual body limit, not the upload's.
		r.Body = http.MaxBytesReader(w, r.Body, a.cfg.MaxBodyBytes)
		if err := decode(r, &in); err != nil {
			return err
		}
	}
	f, err := a.svc.UpdateFile(r.Context(), merchantID(r), r.PathValue("id"), &in)
	if err != nil {
		return err
	}
	a.withURL(r, f)
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (a *API) deleteFile(w http.ResponseWriter, r *http.Request) error {
	f, err := a.svc.DeleteFile(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	a.withURL(r, f)
	writeJSON(w, http.StatusOK, f)
	return nil
}

// downloadFile answers a live file's bytes as an attachment, with the type
// sniffed at upload, never rendered by a browser as a page of this origin
// (nosniff, a sandboxing Content-Security-Policy). Range and
// If-None-Match (the ETag is the content's SHA-256) are honoured.
func (a *API) downloadFile(w http.ResponseWriter, r *http.Request) error {
	f, data, err := a.svc.FileContent(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	ct := f.Mime
	if strings.HasPrefix(ct, "text/") {
		ct += "; charset=utf-8"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", contentDisposition(f.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", `"`+f.SHA256+`"`)
	http.ServeContent(w, r, "", f.UpdatedAt.Time, bytes.NewReader(data))
	return nil
}

// contentDisposition names the download: an ASCII fallback and the UTF-8
// name (RFC 6266, RFC 5987); the name was sanitized at upload (no quotes,
// backslashes or control characters).
func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	v := `attachment; filename="` + ascii + `"`
	if ascii != name {
		v += "; filename*=UTF-8''" + url.PathEscape(name)
	}
	return v
}
