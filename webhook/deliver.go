// Package webhook delivers events to webhook URLs. An event is written in
// the same transaction as its change (the events table is a transactional
// outbox). A relay (one at a time across processes, by a lease) reads new
// events with their webhooks, makes the first attempts itself, concurrently
// and in order per object, and writes each delivery once, with its outcome,
// in the transaction that marks its events relayed. A delivery that
// failed, had to wait behind an earlier one of its object, or was still
// being sent when the relay moved on gets a durable River job
// (github.com/riverqueue/river, on the same database), which retries with
// exponential backoff. Deliveries are signed with HMAC-SHA256, kept in order
// per object, and every attempt is logged.
package webhook

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
	"github.com/valyala/fasthttp"
)

// Config configures a Deliverer.
type Config struct {
	Store store.Store
	// DB is the store's writing pool and Dialect its kind ("sqlite" or
	// "postgres"): River keeps its jobs in the same database.
	DB      *sql.DB
	Dialect string
	Logger  *slog.Logger
	// Timeout bounds one delivery attempt (default 10 s).
	Timeout time.Duration
	// AllowPrivate permits targets on private and loopback addresses for
	// host (always, in sandbox mode); otherwise the dialer refuses them, even
	// when a public name resolves to one.
	AllowPrivate func(host string) bool
	// PollInterval is how often idle workers look for jobs (default 250 ms).
	PollInterval time.Duration
	// Workers is the number of concurrent deliveries (default 10).
	Workers int
	// MaxRetryDelay caps the backoff (default tender.MaxWebhookRetryDelay s).
	MaxRetryDelay time.Duration
	// Jobs lets other packages share this River client (one client per
	// process keeps one leader election): it registers their workers and
	// returns their periodic jobs; ExtraQueues are their queues.
	Jobs        func(*river.Workers) []*river.PeriodicJob
	ExtraQueues map[string]river.QueueConfig
}

// Deliverer enqueues and works webhook deliveries.
type Deliverer struct {
	cfg     Config
	client  *river.Client[*sql.Tx]
	guarded *fasthttp.Client // refuses private addresses at connect time
	open    *fasthttp.Client // for allow-listed hosts

	// sends bounds the concurrent first attempts of all batch jobs of the
	// process, so deliveries never crowd out the API.
	sends chan struct{}

	stopRelay context.CancelFunc
	quit      chan struct{} // closed by Stop: the relay ends after its batch
	stopOnce  sync.Once
	relayDone chan struct{}

	// holder names this process in the relay's lease; leaseUntil is when
	// its lease ends (the relay's goroutine only).
	holder     string
	leaseUntil time.Time
	// running counts the relay's sends, handed-off ones included, so that
	// Stop waits for them; slow counts each webhook's handed-off sends.
	running sync.WaitGroup
	slowMu  sync.Mutex
	slow    map[string]int
}

// deliverArgs is one delivery's job: its retries after the first attempt
// (Offset attempts were made by a batch), or a delivery a batch could not
// send in order.
type deliverArgs struct {
	DeliveryID string `json:"delivery_id"`
	RetryBase  int    `json:"retry_base"`
	Offset     int    `json:"offset,omitempty"`
}

func (deliverArgs) Kind() string { return "webhook_delivery" }

// batchArgs is the first attempt of up to relayJobSize deliveries: one job
// loads them in one query, sends them concurrently (in order per object and
// webhook) and records them in one transaction, so a delivery costs a
// fraction of a job and of a commit. Failures become deliverArgs jobs.
type batchArgs struct {
	DeliveryIDs []string `json:"delivery_ids"`
}

func (batchArgs) Kind() string { return "webhook_batch" }

const queue = "webhooks"

// New migrates River's tables and builds the client (not started).
func New(ctx context.Context, cfg Config) (*Deliverer, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 250 * time.Millisecond
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 10
	}
	if cfg.MaxRetryDelay <= 0 {
		cfg.MaxRetryDelay = tender.MaxWebhookRetryDelay * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.AllowPrivate == nil {
		cfg.AllowPrivate = func(string) bool { return false }
	}
	driver, err := riverDriver(cfg.DB, cfg.Dialect)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, cfg.DB, cfg.Dialect, driver, cfg.Logger); err != nil {
		return nil, err
	}
	d := &Deliverer{cfg: cfg, sends: make(chan struct{}, cfg.Workers), holder: tender.NewID(), slow: map[string]int{}}
	d.guarded, d.open = newClient(true), newClient(false)
	workers := river.NewWorkers()
	river.AddWorker(workers, &worker{d: d})
	river.AddWorker(workers, &batchWorker{d: d})
	var periodic []*river.PeriodicJob
	if cfg.Jobs != nil {
		periodic = cfg.Jobs(workers)
	}
	queues := map[string]river.QueueConfig{queue: {MaxWorkers: cfg.Workers}}
	for name, q := range cfg.ExtraQueues {
		queues[name] = q
	}
	d.client, err = river.NewClient(driver, &river.Config{
		Queues:            queues,
		Workers:           workers,
		PeriodicJobs:      periodic,
		FetchPollInterval: cfg.PollInterval,
		FetchCooldown:     min(cfg.PollInterval, 100*time.Millisecond),
		Logger:            cfg.Logger,
		JobTimeout:        cfg.Timeout + 5*time.Second,
		// A process killed mid-delivery leaves its job "running"; another
		// process rescues it this long after it started (River's default is
		// an hour). A batch job runs at most batchDuration.
		RescueStuckJobsAfter: batchDuration(cfg.Timeout) + 30*time.Second,
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func riverDriver(db *sql.DB, dialect string) (riverdriver.Driver[*sql.Tx], error) {
	switch dialect {
	case "sqlite":
		return riversqlite.New(db), nil
	case "postgres":
		return riverdatabasesql.New(db), nil
	}
	return nil, fmt.Errorf("webhook: unknown dialect %q", dialect)
}

func migrate(ctx context.Context, db *sql.DB, dialect string, driver riverdriver.Driver[*sql.Tx], logger *slog.Logger) error {
	if dialect == "postgres" {
		// River's migrator does not serialise concurrent runs: several
		// instances starting at once on an empty database collide creating
		// its types. Hold a session advisory lock around it.
		conn, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext('tender_river_migrate'))`); err != nil {
			return fmt.Errorf("river migrations lock: %w", err)
		}
		defer func() {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext('tender_river_migrate'))`)
		}()
	}
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: logger})
	if err != nil {
		return err
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return nil
}

// Migrate applies River's own migrations (its job tables) to db.
func Migrate(ctx context.Context, db *sql.DB, dialect string) error {
	driver, err := riverDriver(db, dialect)
	if err != nil {
		return err
	}
	return migrate(ctx, db, dialect, driver, slog.New(slog.DiscardHandler))
}

// newClient makes the HTTP client of deliveries. Its dialer has a guard
// when guard is set: a target that resolves to a private, loopback or
// link-local address is refused (DNS rebinding included), as the check
// runs on the address actually connected to.
//
// It is fasthttp's client, not net/http's: a delivery is the hottest
// outbound request Tender makes (each event times each webhook), and
// fasthttp reuses its requests, responses and connection buffers, where
// net/http allocates them and runs two goroutines per connection; it
// halves a delivery's client-side CPU (see the README, Benchmarks). It
// follows no redirects (Do does not) and reads at most 64 KiB of an answer.
func newClient(guard bool) *fasthttp.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if guard {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || tender.PrivateIP(ip) {
				return fmt.Errorf("webhook: refusing to connect to private address %s", host)
			}
			return nil
		}
	}
	return &fasthttp.Client{
		Dial:            func(addr string) (net.Conn, error) { return dialer.Dial("tcp", addr) },
		MaxConnsPerHost: 64,
		// Past MaxConnsPerHost a send waits for a connection rather than
		// failing at once (sends are bounded by Workers, twice over at most).
		MaxConnWaitTimeout:       5 * time.Second,
		MaxIdleConnDuration:      30 * time.Second,
		MaxResponseBodySize:      maxAnswer,
		NoDefaultUserAgentHeader: true,
	}
}

// maxAnswer is how much of a receiver's answer is read.
const maxAnswer = 64 << 10

// Start starts the relay and the workers.
func (d *Deliverer) Start(ctx context.Context) error {
	if err := d.client.Start(ctx); err != nil {
		return err
	}
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

// Stop lets the relay finish its batch, waits for its sends and for
// running retries (up to ctx, then cancels them), hands the relay's lease
// back, and stops.
func (d *Deliverer) Stop(ctx context.Context) error {
	d.stopOnce.Do(func() { d.stopRelayAndSends(ctx) })
	return d.client.Stop(ctx)
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
)

// relay makes the first attempts of new events' deliveries, in batches.
// Keeping this off the request path keeps the fan-out, the sends and
// their recording out of API latency whatever the number of webhooks.
func (d *Deliverer) relay(ctx context.Context) {
	for {
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
	events, err := d.cfg.Store.EventsToRelay(ctx, relayBatch)
	if err != nil || len(events) == 0 {
		return replays, err
	}
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

// insertJobs inserts River jobs in the store's transaction.
func (d *Deliverer) insertJobs(ctx context.Context, tx store.Executor, jobs []river.InsertManyParams) error {
	if len(jobs) == 0 {
		return nil
	}
	sqlTx, ok := tx.(interface{ SQLTx() *sql.Tx })
	if !ok || sqlTx.SQLTx() == nil {
		return errors.New("webhook: the store's transaction is not a database/sql transaction")
	}
	_, err := d.client.InsertManyFastTx(ctx, sqlTx.SQLTx(), jobs)
	return err
}

type worker struct {
	river.WorkerDefaults[deliverArgs]
	d *Deliverer
}

func (w *worker) NextRetry(job *river.Job[deliverArgs]) time.Time {
	base := time.Duration(max(job.Args.RetryBase, 1)) * time.Second
	return time.Now().Add(RetryDelay(base, job.Attempt+job.Args.Offset, w.d.cfg.MaxRetryDelay))
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
	now := time.Now()
	if hook.DeletedAt != nil {
		del.Status, del.LastError, del.UpdatedAt = tender.DeliveryFailed, "The webhook was deleted.", tender.NewTime(now)
		return st.DeliveryUpdate(ctx, del)
	}
	ev := &tender.Event{ID: del.EventID, Name: del.EventName, Payload: work.Payload}
	code, sendErr := w.d.send(ctx, hook, del, ev)
	del.Attempts, del.LastStatusCode, del.UpdatedAt = job.Attempt+job.Args.Offset, code, tender.NewTime(time.Now())
	del.LastError = ""
	if sendErr == nil {
		at := tender.NewTime(time.Now())
		del.Status, del.DeliveredAt = tender.DeliveryDelivered, &at
		return st.DeliveryUpdate(ctx, del)
	}
	del.LastError = truncate(sendErr.Error(), 500)
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
		o.code, o.err, o.at = code, err, time.Now()
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
		del.LastError = truncate(o.err.Error(), 500)
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
	now := time.Now()
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
			del.Attempts, del.LastStatusCode, del.LastError = del.Attempts+1, o.code, truncate(o.err.Error(), 500)
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

// send POSTs the event's object, signed, within the attempt timeout. It
// returns at once when ctx ends (the server stops); the request then runs
// on to its own deadline in the background.
func (d *Deliverer) send(ctx context.Context, hook *tender.Webhook, del *tender.WebhookDelivery, ev *tender.Event) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	u, err := url.Parse(hook.TargetURL)
	if err != nil {
		return 0, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return 0, fmt.Errorf("webhook: unsupported scheme %q", u.Scheme)
	}
	client := d.guarded
	if d.cfg.AllowPrivate(u.Hostname()) {
		client = d.open
	}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	req.SetRequestURI(hook.TargetURL)
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.SetContentType("application/json")
	req.Header.SetUserAgent("Tender-Webhooks/1")
	req.Header.Set(HeaderEvent, ev.Name)
	req.Header.Set(HeaderEventID, ev.ID)
	req.Header.Set(HeaderDelivery, del.ID)
	req.Header.Set(HeaderSignature, Sign(hook.Secret, time.Now(), ev.Payload))
	req.SetBodyRaw(ev.Payload)
	deadline := time.Now().Add(d.cfg.Timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	type answer struct {
		code int
		err  error
	}
	do := func() answer {
		defer fasthttp.ReleaseRequest(req)
		defer fasthttp.ReleaseResponse(resp)
		err := client.DoDeadline(req, resp, deadline)
		code := resp.StatusCode()
		switch {
		case errors.Is(err, fasthttp.ErrBodyTooLarge):
			// The answer's status is what counts; its body is not kept.
		case err != nil:
			return answer{0, err}
		}
		if code < 200 || code > 299 {
			return answer{code, fmt.Errorf("receiver answered HTTP %d", code)}
		}
		return answer{code, nil}
	}
	if ctx.Done() == nil {
		a := do()
		return a.code, a.err
	}
	got := make(chan answer, 1)
	go func() { got <- do() }()
	select {
	case a := <-got:
		return a.code, a.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// AllowList returns an AllowPrivate func: everything in sandbox, else the
// listed hosts.
func AllowList(sandbox bool, hosts []string) func(string) bool {
	return func(host string) bool { return sandbox || slices.Contains(hosts, host) }
}
