package tender

import (
	"bytes"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

func TestSniffFile(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	var pngB, jpgB, gifB bytes.Buffer
	if err := png.Encode(&pngB, img); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpgB, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gifB, img, nil); err != nil {
		t.Fatal(err)
	}
	webp := []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00")
	for _, tc := range []struct {
		name string
		data []byte
		mime string
		w, h int
	}{
		{"a.png", pngB.Bytes(), "image/png", 4, 3},
		{"a.jpg", jpgB.Bytes(), "image/jpeg", 4, 3},
		{"a.gif", gifB.Bytes(), "image/gif", 4, 3},
		{"a.webp", webp, "image/webp", 0, 0},
		{"a.pdf", []byte("%PDF-1.7\n%%EOF\n"), "application/pdf", 0, 0},
		{"notes.txt", []byte("hello, world\n"), "text/plain", 0, 0},
		{"Stock.CSV", []byte("a,b\n1,2\n"), "text/csv", 0, 0},
		{"café.txt", []byte("crème brûlée\n"), "text/plain", 0, 0},
		// The name never decides the type: these are refused whatever it says.
		{"cat.png", []byte("<!DOCTYPE html><script>alert(1)</script>"), "", 0, 0},
		{"cat.png", []byte("<html><body>hi</body></html>"), "", 0, 0},
		{"logo.png", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), "", 0, 0},
		{"setup.pdf", append([]byte("MZ\x90\x00"), make([]byte, 64)...), "", 0, 0},
		{"a.zip", []byte("PK\x03\x04rest of the archive"), "", 0, 0},
		{"latin1.txt", []byte("caf\xe9 au lait, a long enough text to be called text\n"), "", 0, 0},
		{"nul.txt", []byte("a\x00b"), "", 0, 0},
		{"utf16.txt", []byte("\xff\xfeh\x00i\x00"), "", 0, 0},
	} {
		mime, w, h, ok := SniffFile(tc.name, tc.data)
		if ok != (tc.mime != "") || mime != tc.mime || w != tc.w || h != tc.h {
			t.Errorf("%s %q: %q %dx%d %v, want %q %dx%d", tc.name, short(tc.data), mime, w, h, ok, tc.mime, tc.w, tc.h)
		}
	}
}

func short(b []byte) string { return Truncate(string(b), 24) }

func TestSanitizeFileName(t *testing.T) {
	for in, want := range map[string]string{
		"receipt.png":              "receipt.png",
		"../../etc/passwd":         "passwd",
		`C:\Users\jane\scan 1.pdf`: "scan 1.pdf",
		"a\"b.png":                 "ab.png",
		"line\r\nbreak.txt":        "linebreak.txt",
		"  many   spaces  .txt ":   "many spaces .txt",
		"\u202egnp.exe":            "gnp.exe", // a right-to-left override (format character) is dropped
		"bad\xffbyte.txt":          "badbyte.txt",
		"":                         "file",
		"..":                       "file",
		"dir/":                     "file",
		"résumé.pdf":               "résumé.pdf",
		strings.Repeat("é", 200):   strings.Repeat("é", 127),
		"nul\x00.txt":              "nul.txt",
	} {
		if got := SanitizeFileName(in); got != want {
			t.Errorf("SanitizeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFileInputApply(t *testing.T) {
	inv, item := NewID(), NewID()
	f := &File{InvoiceID: inv}
	s := func(v string) *string { return &v }
	// Attaching to an item detaches from the invoice.
	if err := (&FileInput{ItemID: s(item)}).Apply(f, false, 10); err != nil || f.ItemID != item || f.InvoiceID != "" {
		t.Fatalf("re-attach: %+v %v", f, err)
	}
	// Two at once, a bad id, an empty file, one over the limit: 422s.
	for name, in := range map[string]*FileInput{
		"two":   {InvoiceID: s(inv), ItemID: s(item)},
		"bad":   {TransactionID: s("{" + inv + "}")},
		"empty": {Data: []byte{}},
		"big":   {Data: []byte("hello, world")},
		"tag":   {Tag: s("a/b")},
		"nul":   {Name: s("a\x00")},
	} {
		if err := in.Apply(&File{}, false, 10); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	// An upload without a name takes the file's.
	up := &File{}
	if err := (&FileInput{Data: []byte("hi"), FileName: "dir/notes.txt"}).Apply(up, true, 10); err != nil ||
		up.Name != "notes.txt" || up.Mime != "text/plain" || up.Size != 2 {
		t.Fatalf("upload: %+v %v", up, err)
	}
	if err := (&FileInput{}).Apply(&File{}, true, 10); ErrorCode(err) != EINVALID {
		t.Errorf("upload without a file: %v", err)
	}
}
