package dashboard

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/notify"
)

// assets are the embedded stylesheet and script, served with a content
// hash in their URL, a strong ETag and a year of immutable caching.
type assets struct {
	body map[string][]byte
	hash map[string]string
}

func loadAssets() *assets {
	a := &assets{body: map[string][]byte{}, hash: map[string]string{}}
	entries, _ := fs.ReadDir(staticFS, "static")
	for _, e := range entries {
		b, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		a.body[e.Name()], a.hash[e.Name()] = b, hex.EncodeToString(sum[:8])
	}
	return a
}

// url is an asset's address, versioned by its content.
func (a *assets) url(name string) string {
	return "/dashboard/static/" + name + "?v=" + a.hash[name]
}

func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, ok := a.body[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	etag := `"` + a.hash[name] + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
	if r.URL.Query().Get("v") == a.hash[name] {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if strings.Contains(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(b)
}

func dollars(a tender.Amount) string { return notify.Dollars(a) }

// when shows a time in UTC, as the API does.
func when(t any) string {
	switch v := t.(type) {
	case tender.Time:
		return v.UTC().Format("Jan 2, 2006 15:04")
	case *tender.Time:
		if v == nil {
			return ""
		}
		return v.UTC().Format("Jan 2, 2006 15:04")
	case time.Time:
		return v.UTC().Format("Jan 2, 2006 15:04")
	}
	return ""
}
