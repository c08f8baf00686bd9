package httpapi_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/apitest"
)

// fileForm builds a multipart/form-data body: fields, and the part "file"
// named filename, claiming claimedType, when data is not nil.
func fileForm(t *testing.T, fields map[string]string, filename, claimedType string, data []byte) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if data != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
		h.Set("Content-Type", claimedType)
		p, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = p.Write(data)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), w.FormDataContentType()
}

// upload sends a form to method path with key.
func upload(t *testing.T, e *apitest.Env, key, method, path string, fields map[string]string, filename, claimed string, data []byte) *apitest.Response {
	t.Helper()
	body, ct := fileForm(t, fields, filename, claimed, data)
	return e.Do(apitest.Request{Method: method, Path: path, Key: key, Body: body, ContentType: ct})
}

func wantFieldError(t *testing.T, r *apitest.Response, field string) {
	t.Helper()
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422 on %s: %s", r.Status, field, r.Body)
	}
	if fields := r.Map(t); fields[field] == nil {
		t.Fatalf("422 without %s: %s", field, r.Body)
	}
}

func TestFiles(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{MaxFileBytes: 64 << 10})
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Jane", "email": "jane@example.com"}, 200).Map(t)["id"].(string)
		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 20}, 200).Map(t)["id"].(string)
		item := e.Call("POST", "/item", map[string]any{"item": "Widget", "price": 1}, 200).Map(t)["id"].(string)
		pic := apitest.PNG(t)

		// Upload a PNG attached to the invoice; the name comes from the
		// upload, without its directories.
		r := upload(t, e, e.Key, "POST", "/file", map[string]string{"tag": "generic", "invoice_id": inv}, `C:\Users\jane\receipt.png`, "image/png", pic)
		if r.Status != 200 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		var f struct {
			ID, Name  string
			PublicURL string  `json:"public_url"`
			Tag       *string `json:"tag"`
			InvoiceID *string `json:"invoice_id"`
			Meta      struct {
				FilesizeBytes int    `json:"filesize_bytes"`
				Extension     string `json:"extension"`
				Mime          string `json:"mime"`
				Size          *struct{ Width, Height int }
			}
		}
		r.JSON(t, &f)
		fileID := f.ID
		if f.Name != "receipt.png" || f.Tag == nil || *f.Tag != "generic" || f.InvoiceID == nil || *f.InvoiceID != inv ||
			f.Meta.Mime != "image/png" || f.Meta.Extension != "png" || f.Meta.FilesizeBytes != len(pic) ||
			f.Meta.Size == nil || f.Meta.Size.Width != 3 || f.Meta.Size.Height != 2 ||
			f.PublicURL != e.URL+"/file/"+fileID+"/download" {
			t.Fatalf("uploaded file: %s", r.Body)
		}

		// The download is the same bytes, as an attachment, never sniffed.
		d := e.Call("GET", "/file/"+fileID+"/download", nil, 200)
		if !bytes.Equal(d.Body, pic) || d.Header.Get("Content-Type") != "image/png" ||
			d.Header.Get("X-Content-Type-Options") != "nosniff" ||
			d.Header.Get("Content-Disposition") != `attachment; filename="receipt.png"` {
			t.Fatalf("download: %d bytes, headers %v", len(d.Body), d.Header)
		}
		etag := d.Header.Get("ETag")
		if nm := e.Do(apitest.Request{Method: "GET", Path: "/file/" + fileID + "/download", Key: e.Key,
			Header: http.Header{"If-None-Match": {etag}}}); nm.Status != http.StatusNotModified {
			t.Errorf("If-None-Match %s: %d", etag, nm.Status)
		}

		// The type is the content's, whatever the client claims.
		html := []byte("<!DOCTYPE html><html><script>alert(document.cookie)</script></html>")
		wantFieldError(t, upload(t, e, e.Key, "POST", "/file", nil, "cat.png", "image/png", html), "file")
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), make([]byte, 200)...)
		wantFieldError(t, upload(t, e, e.Key, "POST", "/file", nil, "photo.jpg", "image/jpeg", exe), "file")
		svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`)
		wantFieldError(t, upload(t, e, e.Key, "POST", "/file", nil, "logo.png", "image/png", svg), "file")
		wantFieldError(t, upload(t, e, e.Key, "POST", "/file", map[string]string{"name": "x"}, "", "", nil), "file")
		wantFieldError(t, upload(t, e, e.Key, "POST", "/file", nil, "empty.txt", "text/plain", []byte{}), "file")
		if r := e.Do(apitest.Request{Method: "POST", Path: "/file", Key: e.Key, Body: map[string]any{"name": "x"}}); r.Status != http.StatusUnsupportedMediaType {
			t.Errorf("JSON upload: %d %s", r.Status, r.Body)
		}

		// The size limit: one byte over is a 422; a body past the limit
		// and the form's allowance a 413, read no further.
		wantFieldError(t, upload(t, e, e.Key, "POST", "/file", nil, "big.txt", "text/plain", bytes.Repeat([]byte("a"), 64<<10+1)), "file")
		if r := upload(t, e, e.Key, "POST", "/file", nil, "max.txt", "text/plain", bytes.Repeat([]byte("a"), 64<<10)); r.Status != 200 {
			t.Errorf("a file of exactly the limit: %d %s", r.Status, r.Body)
		}
		huge, ct := fileForm(t, nil, "huge.txt", "text/plain", bytes.Repeat([]byte("a"), 64<<10+(1<<20)+1))
		if r := e.Do(apitest.Request{Method: "POST", Path: "/file", Key: e.Key, Body: huge, ContentType: ct}); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("huge body: %d %s", r.Status, r.Body)
		}

		// Attachments must be the merchant's live objects.
		wantFieldError(t, upload(t, e, e.Key, "POST", "/file", map[string]string{"invoice_id": tender.NewID()}, "a.png", "image/png", pic), "invoice_id")
		wantFieldError(t, upload(t, e, e.Key, "POST", "/file", map[string]string{"item_id": "nope"}, "a.png", "image/png", pic), "item_id")
		wantFieldError(t, upload(t, e, e.Key, "POST", "/file", map[string]string{"item_id": item, "invoice_id": inv}, "a.png", "image/png", pic), "item_id")

		// A CSV, attached to the item.
		csv := []byte("sku,quantity\nW-1,3\n")
		r = upload(t, e, e.Key, "POST", "/file", map[string]string{"item_id": item, "name": "stock.csv"}, "stock.csv", "application/octet-stream", csv)
		if r.Status != 200 || r.Map(t)["meta"].(map[string]any)["mime"] != "text/csv" {
			t.Fatalf("csv: %d %s", r.Status, r.Body)
		}
		csvID := r.Map(t)["id"].(string)
		if d := e.Call("GET", "/file/"+csvID+"/download", nil, 200); d.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !bytes.Equal(d.Body, csv) {
			t.Errorf("csv download: %v %q", d.Header, d.Body)
		}

		// Lists: all, by tag, by attached object; never the bytes.
		count := func(q string) int {
			t.Helper()
			return int(e.Call("GET", "/file"+q, nil, 200).Map(t)["total"].(float64))
		}
		if n := count(""); n != 3 {
			t.Errorf("files: %d, want 3", n)
		}
		if n := count("?tag=generic"); n != 1 {
			t.Errorf("tag generic: %d", n)
		}
		if n := count("?invoice_id=" + inv); n != 1 {
			t.Errorf("invoice's files: %d", n)
		}
		if n := count("?item_id=" + item); n != 1 {
			t.Errorf("item's files: %d", n)
		}
		if n := count("?item_id=nope"); n != 0 {
			t.Errorf("bad item id: %d", n)
		}
		wantFieldError(t, e.Do(apitest.Request{Method: "GET", Path: "/file?sort=data", Key: e.Key}), "sort")

		// Rename (sanitized), retag and re-attach with JSON.
		r = e.Call("PUT", "/file/"+fileID, map[string]any{"name": "../../etc/pass\"wd\r\n.png", "tag": "", "item_id": item}, 200)
		got := r.Map(t)
		if got["name"] != "passwd.png" || got["tag"] != nil || got["invoice_id"] != nil || got["item_id"] != item {
			t.Fatalf("renamed: %s", r.Body)
		}
		wantFieldError(t, e.Do(apitest.Request{Method: "PUT", Path: "/file/" + fileID, Key: e.Key, Body: map[string]any{"name": " "}}), "name")
		wantFieldError(t, e.Do(apitest.Request{Method: "PUT", Path: "/file/" + fileID, Key: e.Key, Body: map[string]any{"tag": "a/b"}}), "tag")
		// Replace the bytes with Stax's form: a PDF now, and the download follows.
		pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
		r = upload(t, e, e.Key, "PUT", "/file/"+fileID, map[string]string{"name": "receipt.pdf"}, "receipt.pdf", "application/pdf", pdf)
		if r.Status != 200 || r.Map(t)["meta"].(map[string]any)["mime"] != "application/pdf" || r.Map(t)["item_id"] != item {
			t.Fatalf("replace: %d %s", r.Status, r.Body)
		}
		if d := e.Call("GET", "/file/"+fileID+"/download", nil, 200); !bytes.Equal(d.Body, pdf) || d.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("download after replace: %q %v", d.Body, d.Header)
		}
		wantFieldError(t, upload(t, e, e.Key, "PUT", "/file/"+fileID, nil, "x.png", "image/png", html), "file")

		// Another merchant sees none of it, and cannot attach to A's objects.
		name := "B"
		b, err := e.Server.Service.CreateMerchant(t.Context(), "", true, &tender.MerchantInput{CompanyName: &name})
		if err != nil {
			t.Fatal(err)
		}
		for _, req := range []apitest.Request{
			{Method: "GET", Path: "/file/" + fileID}, {Method: "GET", Path: "/file/" + fileID + "/download"},
			{Method: "PUT", Path: "/file/" + fileID, Body: map[string]any{"name": "mine"}}, {Method: "DELETE", Path: "/file/" + fileID},
		} {
			req.Key = b.APIKey.Key
			if r := e.Do(req); r.Status != http.StatusNotFound {
				t.Errorf("B: %s %s: %d %s", req.Method, req.Path, r.Status, r.Body)
			}
		}
		if r := e.Do(apitest.Request{Method: "GET", Path: "/file", Key: b.APIKey.Key}); r.Status != 200 || strings.Contains(string(r.Body), fileID) {
			t.Errorf("B's list: %s", r.Body)
		}
		wantFieldError(t, upload(t, e, b.APIKey.Key, "POST", "/file", map[string]string{"invoice_id": inv}, "a.png", "image/png", pic), "invoice_id")

		// Delete: the file stays readable with deleted_at; its bytes are gone.
		del := e.Call("DELETE", "/file/"+fileID, nil, 200).Map(t)
		if del["deleted_at"] == nil {
			t.Fatalf("deleted: %v", del)
		}
		if g := e.Call("GET", "/file/"+fileID, nil, 200).Map(t); g["deleted_at"] == nil {
			t.Errorf("after delete: %v", g)
		}
		for _, req := range []apitest.Request{{Method: "GET", Path: "/file/" + fileID + "/download"}, {Method: "DELETE", Path: "/file/" + fileID},
			{Method: "PUT", Path: "/file/" + fileID, Body: map[string]any{"name": "back"}}} {
			req.Key = e.Key
			if r := e.Do(req); r.Status != http.StatusNotFound {
				t.Errorf("deleted file: %s %s: %d %s", req.Method, req.Path, r.Status, r.Body)
			}
		}
		if n := count(""); n != 2 {
			t.Errorf("files after delete: %d, want 2", n)
		}
	})
}
