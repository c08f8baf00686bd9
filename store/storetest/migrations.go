package storetest

import (
	"context"
	"testing"
)

// exerciseMigrationStatus: on a migrated store every migration the build
// knows is applied, with its time, and none is unknown.
func exerciseMigrationStatus(t *testing.T, open Open) {
	t.Run("MigrationStatus", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		states, err := s.MigrationStatus(context.Background())
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
