package sqldb

import (
	"fmt"

	"github.com/klauspost/compress/s2"
)

// Event payloads compressed (Dialect.CompressEvents): a blob of
// compressedMark and the S2 block of the JSON. JSON text never begins with
// that byte, so a column holding both (rows written before, short
// payloads) reads each back as written.
const compressedMark = 0

// compressAtLeast is the shortest payload worth compressing: a charge's,
// about 2.2 KB, took a 4 KiB page of its own in SQLite; EncodeBetter
// makes it about 1,150 bytes, and three such events fit a page (Encode's
// 1,210 fit two). One under a few hundred bytes saves little and stays
// readable in the sqlite3 shell.
const compressAtLeast = 512

// compressJSON is doc as stored: compressed where the dialect does it and
// it is long enough, the text as is otherwise.
func (d *Dialect) compressJSON(doc []byte) any {
	if !d.CompressEvents || len(doc) < compressAtLeast {
		return string(doc)
	}
	out := make([]byte, 1+s2.MaxEncodedLen(len(doc)))
	out[0] = compressedMark
	return out[:1+len(s2.EncodeBetter(out[1:], doc))]
}

// storedJSON is the JSON the stored document b holds, in a slice of its
// own (b is the driver's, valid only until the next scan): decompressed,
// or a copy of b.
func storedJSON(b []byte) ([]byte, error) {
	if len(b) == 0 || b[0] != compressedMark {
		return append([]byte(nil), b...), nil
	}
	doc, err := s2.Decode(nil, b[1:])
	if err != nil {
		return nil, fmt.Errorf("sqldb: compressed document: %w", err)
	}
	return doc, nil
}
