package webhook

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

type worker struct {
	river.WorkerDefaults[deliverArgs]
	d *Deliverer
}

func (w *worker) NextRetry(job *river.Job[deliverArgs]) time.Time {
	base := time.Duration(max(job.Args.RetryBase, 1)) * time.Second
	return w.d.cfg.Now().Add(RetryDelay(base, job.Attempt+job.Args.Offset, w.d.cfg.MaxRetryDelay))
}

func (w *worker) Timeout(*river.Job[deliverArgs]) time.Duration {
	return w.d.cfg.Timeout + 5*time.Second
}

// Work makes one delivery attempt.
func (w *worker) Work(ctx context.Context, job *river.Job[deliverArgs]) error {
	st := w.d.cfg.Store
	work, err := st.DeliveryWork(ctx, job.Args.DeliveryID)
	if err != nil {
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return river.JobCancel(err)
		}
		return err
	}
	del, hook := work.Delivery, work.Webhook
	if del.Status != tender.DeliveryPending {
		return nil
	}
	// Ordered per object: wait while an earlier event of the same object
	// to the same webhook is still pending.
	if work.Blocked {
		return river.JobSnooze(time.Second)
	}
	now := w.d.cfg.Now()
	if hook.DeletedAt != nil {
		del.Status, del.LastError, del.UpdatedAt = tender.DeliveryFailed, "The webhook was deleted.", tender.NewTime(now)
		return st.DeliveryUpdate(ctx, del)
	}
	ev := &tender.Event{ID: del.EventID, Name: del.EventName, Payload: work.Payload}
	code, sendErr := w.d.send(ctx, hook, del, ev)
	del.Attempts, del.LastStatusCode, del.UpdatedAt = job.Attempt+job.Args.Offset, code, tender.NewTime(w.d.cfg.Now())
	del.LastError = ""
	if sendErr == nil {
		at := tender.NewTime(w.d.cfg.Now())
		del.Status, del.DeliveredAt = tender.DeliveryDelivered, &at
		return st.DeliveryUpdate(ctx, del)
	}
	del.LastError = tender.Truncate(sendErr.Error(), 500)
	if job.Attempt >= job.MaxAttempts {
		del.Status = tender.DeliveryFailed
	}
	if err := st.DeliveryUpdate(ctx, del); err != nil {
		return errors.Join(sendErr, err)
	}
	return sendErr
}

// batchDuration bounds a batch job: no send starts after timeout, and each
// send takes at most timeout.
func batchDuration(timeout time.Duration) time.Duration { return 2*timeout + 10*time.Second }

type batchWorker struct {
	river.WorkerDefaults[batchArgs]
	d *Deliverer
}

func (w *batchWorker) Timeout(*river.Job[batchArgs]) time.Duration {
	return batchDuration(w.d.cfg.Timeout)
}

// outcome is what a batch did with one delivery.
type outcome struct {
	work *store.DeliveryWork
	// state, under the sending's lock: waiting, then sending, then done;
	// or deferred (not attempted: to its own job, as it was blocked, came
	// after a failure in its group, or its turn came too late); or handed
	// off (still sending when the relay recorded the batch).
	state outcomeState
	code  int
	err   error
	at    time.Time
}

type outcomeState int

const (
	waiting outcomeState = iota
	sending
	done
	deferred
	handedOff
)

// sendingBatch is a batch's first attempts in progress.
type sendingBatch struct {
	d  *Deliverer
	mu sync.Mutex
	// cut: no send starts any more.
	cut bool
	// written is closed once the relay's transaction ended; ok tells
	// whether it committed, so that handed-off sends record their outcome.
	written chan struct{}
	ok      bool
}

// recorded tells the handed-off sends whether the batch was recorded.
func (b *sendingBatch) recorded(ok bool) {
	b.ok = ok
	close(b.written)
}

// sendAll makes the first attempts of a batch: deliveries of one object to
// one webhook in order, one at a time, after any earlier pending one;
// groups concurrently, at most Workers at once. It returns when every
// attempt is done or, when handoff is set, once window has passed: attempts
// still running are then handed off, and the rest deferred. Without
// handoff, no attempt starts after window, and sendAll waits for those
// running.
func (d *Deliverer) sendAll(ctx context.Context, all []*outcome, window time.Duration, handoff bool) *sendingBatch {
	b := &sendingBatch{d: d, written: make(chan struct{})}
	type key struct{ webhook, object string }
	groups := map[key][]*outcome{}
	var order []key
	for _, o := range all {
		if o.work.Webhook.DeletedAt != nil {
			continue
		}
		k := key{o.work.Delivery.WebhookID, o.work.Delivery.ObjectID}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], o)
	}
	deadline := time.NewTimer(window)
	defer deadline.Stop()
	var wg sync.WaitGroup
	finished := make(chan struct{})
	expired := false // the loop took the deadline's tick
start:
	for _, k := range order {
		g := groups[k]
		if g[0].work.Blocked || !d.slowAllows(k.webhook) {
			continue // deferred below
		}
		select {
		case d.sends <- struct{}{}:
		case <-deadline.C:
			expired = true
			break start
		case <-ctx.Done():
			break start
		}
		wg.Add(1)
		if handoff {
			d.running.Add(1) // the relay's: Stop waits for them
		}
		go func() {
			defer func() {
				<-d.sends
				wg.Done()
				if handoff {
					d.running.Done()
				}
			}()
			b.sendGroup(ctx, g)
		}()
	}
	go func() { wg.Wait(); close(finished) }()
	if !expired {
		select {
		case <-finished:
		case <-deadline.C:
		case <-ctx.Done():
		}
	}
	b.mu.Lock()
	b.cut = true
	for _, o := range all {
		switch o.state {
		case waiting:
			o.state = deferred
		case sending:
			if handoff {
				o.state = handedOff
				d.slowAdd(o.work.Delivery.WebhookID, 1)
			}
		}
	}
	b.mu.Unlock()
	if !handoff {
		<-finished
	}
	return b
}

// sendGroup sends one object's deliveries to one webhook in order; after a
// failure the rest wait their turn in their own jobs.
func (b *sendingBatch) sendGroup(ctx context.Context, g []*outcome) {
	for _, o := range g {
		b.mu.Lock()
		if b.cut || ctx.Err() != nil {
			b.mu.Unlock()
			return
		}
		o.state = sending
		b.mu.Unlock()
		ev := &tender.Event{ID: o.work.Delivery.EventID, Name: o.work.Delivery.EventName, Payload: o.work.Payload}
		code, err := b.d.send(ctx, o.work.Webhook, o.work.Delivery, ev)
		b.mu.Lock()
		o.code, o.err, o.at = code, err, b.d.cfg.Now()
		if o.state == handedOff {
			b.mu.Unlock()
			b.finishHandedOff(o)
			return
		}
		o.state = done
		b.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// finishHandedOff records a handed-off attempt's outcome once the batch
// is recorded (its job retries it, or finds it delivered).
func (b *sendingBatch) finishHandedOff(o *outcome) {
	defer b.d.slowAdd(o.work.Delivery.WebhookID, -1)
	<-b.written
	if !b.ok {
		return // not recorded: the events are relayed again
	}
	del, hook := o.work.Delivery, o.work.Webhook
	del.Attempts, del.LastStatusCode, del.UpdatedAt = 1, o.code, tender.NewTime(o.at)
	if o.err == nil {
		at := tender.NewTime(o.at)
		del.Status, del.DeliveredAt = tender.DeliveryDelivered, &at
	} else {
		del.LastError = tender.Truncate(o.err.Error(), 500)
		if hook.MaxAttempts <= 1 {
			del.Status = tender.DeliveryFailed
		}
	}
	if err := b.d.cfg.Store.DeliveryUpdate(context.Background(), del); err != nil {
		b.d.cfg.Logger.Warn("webhook delivery", "delivery_id", del.ID, "error", err.Error())
	}
}

// slowCap is how many handed-off attempts one webhook may have running:
// past it, the relay defers its deliveries to their jobs at once rather
// than wait a window for them, so a slow receiver delays only its own.
func (d *Deliverer) slowCap() int { return max(1, d.cfg.Workers/4) }

func (d *Deliverer) slowAllows(webhookID string) bool {
	d.slowMu.Lock()
	defer d.slowMu.Unlock()
	return d.slow[webhookID] < d.slowCap()
}

func (d *Deliverer) slowAdd(webhookID string, n int) {
	d.slowMu.Lock()
	defer d.slowMu.Unlock()
	if d.slow[webhookID] += n; d.slow[webhookID] <= 0 {
		delete(d.slow, webhookID)
	}
}

// Work makes the first attempt of a batch of replayed deliveries.
func (w *batchWorker) Work(ctx context.Context, job *river.Job[batchArgs]) error {
	works, err := w.d.cfg.Store.DeliveriesWork(ctx, job.Args.DeliveryIDs)
	if err != nil {
		return err
	}
	var all []*outcome
	for _, wk := range works {
		if wk.Delivery.Status == tender.DeliveryPending { // else recorded by an earlier run of this job
			all = append(all, &outcome{work: wk})
		}
	}
	if len(all) == 0 {
		return nil
	}
	w.d.sendAll(ctx, all, w.d.cfg.Timeout, false)
	return w.d.record(context.WithoutCancel(ctx), all, func(tx store.Executor, ds []*tender.WebhookDelivery) error {
		return tx.DeliveriesUpdate(ctx, ds)
	})
}

// record writes a batch's outcomes with write (which inserts or updates
// the rows), and the jobs of what is retried, deferred or handed off, in
// one transaction.
func (d *Deliverer) record(ctx context.Context, all []*outcome, write func(store.Executor, []*tender.WebhookDelivery) error) error {
	now := d.cfg.Now()
	var jobs []river.InsertManyParams
	deliveries := make([]*tender.WebhookDelivery, 0, len(all))
	for _, o := range all {
		del, hook := o.work.Delivery, o.work.Webhook
		base := max(hook.RetryBaseSeconds, 1)
		del.UpdatedAt = tender.NewTime(now)
		deliveries = append(deliveries, del)
		switch {
		case hook.DeletedAt != nil:
			del.Status, del.LastError = tender.DeliveryFailed, "The webhook was deleted."
		case o.state == deferred || o.state == waiting:
			jobs = append(jobs, river.InsertManyParams{
				Args:       deliverArgs{DeliveryID: del.ID, RetryBase: base, Offset: del.Attempts},
				InsertOpts: &river.InsertOpts{Queue: queue, MaxAttempts: max(hook.MaxAttempts-del.Attempts, 1)},
			})
		case o.state == handedOff:
			// Its sender records the outcome; the job retries it then, or
			// makes the attempt again should this process die first.
			jobs = append(jobs, river.InsertManyParams{
				Args: deliverArgs{DeliveryID: del.ID, RetryBase: base, Offset: del.Attempts + 1},
				InsertOpts: &river.InsertOpts{Queue: queue, MaxAttempts: max(hook.MaxAttempts-del.Attempts-1, 1),
					ScheduledAt: now.Add(max(RetryDelay(time.Duration(base)*time.Second, del.Attempts+1, d.cfg.MaxRetryDelay),
						batchDuration(d.cfg.Timeout)))},
			})
		case o.err == nil:
			at := tender.NewTime(o.at)
			del.Attempts, del.LastStatusCode, del.LastError = del.Attempts+1, o.code, ""
			del.Status, del.DeliveredAt = tender.DeliveryDelivered, &at
		default:
			del.Attempts, del.LastStatusCode, del.LastError = del.Attempts+1, o.code, tender.Truncate(o.err.Error(), 500)
			if del.Attempts >= hook.MaxAttempts {
				del.Status = tender.DeliveryFailed
				break
			}
			jobs = append(jobs, river.InsertManyParams{
				Args: deliverArgs{DeliveryID: del.ID, RetryBase: base, Offset: del.Attempts},
				InsertOpts: &river.InsertOpts{Queue: queue, MaxAttempts: hook.MaxAttempts - del.Attempts,
					ScheduledAt: now.Add(RetryDelay(time.Duration(base)*time.Second, del.Attempts, d.cfg.MaxRetryDelay))},
			})
		}
	}
	return d.cfg.Store.InTx(ctx, func(tx store.Executor) error {
		if err := write(tx, deliveries); err != nil {
			return err
		}
		return d.insertJobs(ctx, tx, jobs)
	})
}
