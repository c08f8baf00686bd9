package tender_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
)

func TestNewID(t *testing.T) {
	t.Parallel()
	prev := ""
	seen := map[string]bool{}
	for range 10000 {
		id := tender.NewID()
		u, err := uuid.Parse(id)
		if err != nil || len(id) != 36 || u.Version() != 7 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("%q: not a version 7 UUID (%v)", id, err)
		}
		if sec, _ := u.Time().UnixTime(); time.Since(time.Unix(sec, 0)).Abs() > time.Minute {
			t.Fatalf("%s: its time is %v", id, time.Unix(sec, 0))
		}
		// One after another sort one after another (what keeps inserts on
		// the last page of an index), and never repeat.
		if id <= prev || seen[id] {
			t.Fatalf("%s after %s", id, prev)
		}
		prev, seen[id] = id, true
	}
}
