package webhook

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/riverqueue/river"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// Start starts the relay (the job client, started before it, works the
// delivery jobs).
func (d *Deliverer) Start(ctx context.Context) error {
	rctx, cancel := context.WithCancel(ctx)
	d.stopRelay = cancel
	d.quit = make(chan struct{})
	d.relayDone = make(chan struct{})
	go func() {
		defer close(d.relayDone)
		d.relay(rctx)
	}()
	return nil
}

// Stop lets the relay finish its batch, waits for its sends (up to ctx,
// then cancels them) and hands the relay's lease back. The job client,
// stopped after it, waits for running retries.
func (d *Deliverer) Stop(ctx context.Context) error {
	d.stopOnce.Do(func() { d.stopRelayAndSends(ctx) })
	return nil
}

func (d *Deliverer) stopRelayAndSends(ctx context.Context) {
	if d.stopRelay != nil {
		close(d.quit)
		sent := make(chan struct{})
		go func() { <-d.relayDone; d.running.Wait(); close(sent) }()
		select {
		case <-sent:
		case <-ctx.Done():
			d.stopRelay()
			<-sent
		}
		d.stopRelay()
		if !d.leaseUntil.IsZero() {
			now := time.Now()
			if _, err := d.cfg.Store.RelayLease(context.WithoutCancel(ctx), d.holder, now, now); err != nil {
				d.cfg.Logger.Warn("webhook relay lease", "error", err.Error())
			}
		}
	}
}

// relayBatch is how many events the relay takes at once, and relayJobSize
// how many replayed deliveries one batch job sends.
const (
	relayBatch   = 500
	relayJobSize = 100
	// batchMaxAttempts: a batch job is retried only when it could not run
	// (database errors); a delivery's own retries are its own jobs.
	batchMaxAttempts = 5
	// relayWindow bounds how long the relay waits for its first attempts
	// (at most half the attempt timeout): a send still running then is
	// handed off (recorded as pending, with a job that retries it should
	// the process die) and finishes on its own, so a slow receiver holds up
	// the relay once per window, not once per delivery.
	relayWindow = 2 * time.Second
	// relayLease is how long the relay's lease lasts; it is renewed with
	// every batch recorded and halfway through when idle. A batch takes a
	// window and its queries; an instance that dies holding the lease
	// leaves the relay to another this long after (one stopping hands it
	// back at once).
	relayLease = 10 * time.Second
	// relayGap is the least time between two relay runs woken by commits:
	// under load the events of several charges then make one batch (one
	// read, one record transaction) instead of a run each, which cost a
	// charge on PostgreSQL about 2.5 more statements (pg_stat_statements,
	// docs/benchmarks.md). A first attempt waits at most this much longer.
	relayGap = 25 * time.Millisecond
)

// relay makes the first attempts of new events' deliveries, in batches.
// Keeping this off the request path keeps the fan-out, the sends and
// their recording out of API latency whatever the number of webhooks.
func (d *Deliverer) relay(ctx context.Context) {
	for {
		started := time.Now()
		n, err := d.RelayOnce(ctx)
		if err != nil && ctx.Err() == nil {
			d.cfg.Logger.Warn("webhook relay", "error", err.Error())
		}
		if n == relayBatch && err == nil && ctx.Err() == nil {
			select {
			case <-d.quit:
				return
			default:
				continue
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-d.quit:
			return
		case <-d.wake: // events committed, here or in another instance
			if wait := relayGap - time.Since(started); wait > 0 {
				select {
				case <-ctx.Done():
					return
				case <-d.quit:
					return
				case <-time.After(wait):
				}
			}
		case <-time.After(d.cfg.PollInterval):
		}
	}
}

var errLeaseLost = errors.New("webhook: the relay's lease passed to another process")

// lease takes or renews the relay's lease when it is not held or half
// spent, and reports whether this process holds it.
func (d *Deliverer) lease(ctx context.Context, st store.Executor, force bool) (bool, error) {
	now := time.Now()
	if !force && now.Before(d.leaseUntil.Add(-relayLease/2)) {
		return true, nil
	}
	until := now.Add(relayLease)
	ok, err := st.RelayLease(ctx, d.holder, now, until)
	if err != nil || !ok {
		d.leaseUntil = time.Time{}
		return false, err
	}
	d.leaseUntil = until
	return true, nil
}

// RelayOnce relays one batch of events (when this process holds the
// relay's lease), enqueues any delivery written without a job (a replay),
// and returns how many events or replays it took.
func (d *Deliverer) RelayOnce(ctx context.Context) (int, error) {
	if ok, err := d.lease(ctx, d.cfg.Store, false); err != nil || !ok {
		return 0, err
	}
	replays, err := d.enqueueReplays(ctx)
	if err != nil {
		return 0, err
	}
	events, err := d.cfg.Store.EventsToRelay(ctx, relayBatch, d.targeted)
	if err != nil || len(events) == 0 {
		return replays, err
	}
	d.targeted = slices.ContainsFunc(events, func(re *store.RelayEvent) bool { return len(re.Targets) > 0 })
	var all []*outcome
	for _, re := range events {
		ev, at := re.Event, tender.NewTime(re.Event.CreatedAt)
		for _, t := range re.Targets {
			del := &tender.WebhookDelivery{ID: tender.NewID(), WebhookID: t.Webhook.ID, MerchantID: ev.MerchantID,
				EventID: ev.ID, EventName: ev.Name, ObjectID: ev.ObjectID, Status: tender.DeliveryPending,
				CreatedAt: at, UpdatedAt: at}
			all = append(all, &outcome{work: &store.DeliveryWork{Delivery: del, Webhook: t.Webhook, Payload: ev.Payload,
				Blocked: t.Blocked}})
		}
	}
	sending := d.sendAll(ctx, all, min(relayWindow, d.cfg.Timeout/2), true)
	// Recorded whatever the caller's context: the attempts were made.
	wctx := context.WithoutCancel(ctx)
	err = d.record(wctx, all, func(tx store.Executor, deliveries []*tender.WebhookDelivery) error {
		if ok, err := d.lease(wctx, tx, true); err != nil || !ok {
			return cmp.Or(err, errLeaseLost)
		}
		return tx.EventsRelayed(wctx, events, deliveries)
	})
	sending.recorded(err == nil)
	return max(len(events), replays), err
}

// enqueueReplays gives deliveries written without a job (replays) their
// batch jobs.
func (d *Deliverer) enqueueReplays(ctx context.Context) (int, error) {
	// Replays are rare and the relay runs after every commit that wrote an
	// event: a plain read first, so that an iteration without replays costs
	// one statement, not a write transaction (BEGIN, the locking read,
	// COMMIT; on SQLite the write lock).
	if first, err := d.cfg.Store.DeliveriesToEnqueue(ctx, 1); err != nil || len(first) == 0 {
		return 0, err
	}
	n := 0
	err := d.cfg.Store.InTx(ctx, func(tx store.Executor) error {
		replays, err := tx.DeliveriesToEnqueue(ctx, relayBatch)
		if err != nil || len(replays) == 0 {
			return err
		}
		n = len(replays)
		var params []river.InsertManyParams
		for chunk := range slices.Chunk(replays, relayJobSize) {
			params = append(params, river.InsertManyParams{
				Args:       batchArgs{DeliveryIDs: chunk},
				InsertOpts: &river.InsertOpts{Queue: queue, MaxAttempts: batchMaxAttempts},
			})
		}
		if err := d.insertJobs(ctx, tx, params); err != nil {
			return err
		}
		return tx.DeliveriesMarkEnqueued(ctx, replays)
	})
	return n, err
}
