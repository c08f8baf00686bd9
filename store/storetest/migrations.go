package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/tenderpay/tender/store"
)

// exerciseMigrationStatus: on a migrated store every migration the build
// knows is applied, with its time, and none is unknown, also once a
// one-time step (OnceClaim, kept in the same table) was taken: Migrate
// again sees no schema ahead of the build.
func exerciseMigrationStatus(t *testing.T, open Open) {
	t.Run("MigrationStatus", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := context.Background()
		if err := s.InTx(ctx, func(tx store.Executor) error {
			_, err := tx.OnceClaim(ctx, "storetest-step", time.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("migrate again after a one-time step: %v", err)
		}
		states, err := s.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(states) < 20 {
			t.Fatalf("%d migrations listed", len(states))
		}
		for i, st := range states {
			if !st.Known || !st.Applied || st.AppliedAt.IsZero() {
				t.Errorf("migration %s: %+v, want known and applied with a time", st.Version, st)
			}
			if i > 0 && states[i-1].Version >= st.Version {
				t.Errorf("migrations out of order: %s then %s", states[i-1].Version, st.Version)
			}
		}
	})
}
