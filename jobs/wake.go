package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// wakeChannel is the PostgreSQL notification channel on which instances
// tell each other that events were committed.
const wakeChannel = "tender_events"

// Wake carries "events were committed" to the webhook relay, so that it
// relays them at once instead of at its next poll (which stays, as the
// fallback). In this process the signal is a channel send; between
// processes on PostgreSQL it is a NOTIFY sent after the commit, outside the
// business transaction (a NOTIFY inside it would serialise every commit
// that writes an event on PostgreSQL's notification lock), at most one in
// flight per process: commits meanwhile fold into the next one. Each
// process LISTENs on a connection of its own; a lost notification costs
// one poll interval, never an event.
type Wake struct {
	id     string
	pool   *pgxpool.Pool // nil: this process only (SQLite, or listening off)
	logger *slog.Logger

	mu   sync.Mutex
	subs []chan struct{}

	send chan struct{} // capacity 1: a NOTIFY is due
	stop context.CancelFunc
	done sync.WaitGroup
}

func newWake(id string, pool *pgxpool.Pool, logger *slog.Logger) *Wake {
	return &Wake{id: id, pool: pool, logger: logger, send: make(chan struct{}, 1)}
}

// Subscribe returns a channel that receives (coalesced) after events are
// committed, in this process or, on PostgreSQL, in another.
func (w *Wake) Subscribe() <-chan struct{} {
	ch := make(chan struct{}, 1)
	w.mu.Lock()
	w.subs = append(w.subs, ch)
	w.mu.Unlock()
	return ch
}

// Unsubscribe stops ch, which Subscribe returned, receiving (an event
// stream that ends gives its channel back).
func (w *Wake) Unsubscribe(ch <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, c := range w.subs {
		if c == ch {
			w.subs = append(w.subs[:i], w.subs[i+1:]...)
			return
		}
	}
}

// Committed is the store's hook: events were committed by this process.
// It never blocks.
func (w *Wake) Committed() {
	w.local()
	if w.pool != nil {
		select {
		case w.send <- struct{}{}:
		default:
		}
	}
}

func (w *Wake) local() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, ch := range w.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Start runs the NOTIFY sender and the LISTEN loop (PostgreSQL only).
func (w *Wake) Start(ctx context.Context) error {
	if w.pool == nil {
		return nil
	}
	ctx, w.stop = context.WithCancel(context.WithoutCancel(ctx))
	w.done.Add(2)
	go func() { defer w.done.Done(); w.sender(ctx) }()
	go func() { defer w.done.Done(); w.listener(ctx) }()
	return nil
}

// Stop ends both loops.
func (w *Wake) Stop(context.Context) error {
	if w.stop != nil {
		w.stop()
		w.done.Wait()
	}
	return nil
}

func (w *Wake) sender(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.send:
		}
		sent := time.Now()
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := w.pool.Exec(sctx, "SELECT pg_notify($1, $2)", wakeChannel, w.id)
		cancel()
		if err != nil && ctx.Err() == nil {
			w.logger.Debug("events notify", "error", err.Error())
		}
		// Commits within notifyGap of a NOTIFY fold into the next one: at
		// most one a gap, not one a commit, under load.
		if wait := notifyGap - time.Since(sent); wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
	}
}

// notifyGap is the least time between two NOTIFYs of one process: another
// instance's relay learns of a commit at most this much later.
const notifyGap = 25 * time.Millisecond

// listener holds one connection LISTENing; after a lost connection it
// reconnects (backing off up to 5 s) and wakes the relay once, for what
// it may have missed.
func (w *Wake) listener(ctx context.Context) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := w.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		w.logger.Debug("events listener", "error", err.Error())
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
		w.local()
	}
}

func (w *Wake) listen(ctx context.Context) error {
	conn, err := w.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A connection that was LISTENing is not handed to anyone else.
	defer func() { _ = conn.Hijack().Close(context.Background()) }()
	if _, err := conn.Exec(ctx, "LISTEN "+wakeChannel); err != nil {
		return err
	}
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if n.Payload != w.id { // this process's own commits woke it already
			w.local()
		}
	}
}
