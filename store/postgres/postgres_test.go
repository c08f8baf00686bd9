package postgres_test

import (
	"context"
	"testing"

	"github.com/tenderpay/tender/store"
	"github.com/tenderpay/tender/store/postgres"
	"github.com/tenderpay/tender/store/postgres/pgtest"
	"github.com/tenderpay/tender/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Exercise(t, func(t *testing.T) store.Store {
		s, err := postgres.Open(context.Background(), pgtest.URL(t), postgres.Options{MaxConns: 4})
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
