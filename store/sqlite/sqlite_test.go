package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tenderpay/tender/store"
	"github.com/tenderpay/tender/store/sqlite"
	"github.com/tenderpay/tender/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Exercise(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "tender.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		return s
	})
}
