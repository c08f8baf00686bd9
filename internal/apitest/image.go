package apitest

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

// PNG is a blank 3×2 PNG image, for the suites' uploads (files, dispute
// evidence, logos).
func PNG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 3, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
