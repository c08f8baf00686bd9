package sqlite

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// fakeCheckpointDB blocks each ExecContext until released, announcing it.
type fakeCheckpointDB struct {
	calls   chan time.Time
	release chan struct{}
	closed  chan struct{}
}

func (f *fakeCheckpointDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if query != "PRAGMA wal_checkpoint(PASSIVE)" {
		panic("unexpected query " + query)
	}
	f.calls <- time.Now()
	<-f.release
	return nil, nil
}

func (f *fakeCheckpointDB) Close() error { close(f.closed); return nil }

// TestCheckpointerKicked: the checkpointer runs after a commit's kick, not
// on its own; kicks that arrive while it works (or within its period
// after) make one more checkpoint, not one each; and it stops and closes
// its connection.
func TestCheckpointerKicked(t *testing.T) {
	const every = 20 * time.Millisecond
	f := &fakeCheckpointDB{calls: make(chan time.Time, 10), release: make(chan struct{}), closed: make(chan struct{})}
	kick := make(chan struct{}, 1)
	send := func() {
		select {
		case kick <- struct{}{}:
		default:
		}
	}
	stop := checkpointer(f, kick, every)
	send()
	<-f.calls // the first kick's checkpoint, held
	for range 5 {
		send()
	}
	ended := time.Now()
	f.release <- struct{}{}
	second := <-f.calls // the kicks while it ran: one more
	if gap := second.Sub(ended); gap < every {
		t.Fatalf("the next checkpoint came %v after the last, within its period %v", gap, every)
	}
	f.release <- struct{}{}
	stop()
	<-f.closed
	if n := len(f.calls); n != 0 {
		t.Fatalf("%d more checkpoints with no kick", n)
	}
}
