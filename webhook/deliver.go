// Package webhook delivers events to webhook URLs. An event is written in
// the same transaction as its change (the events table is a transactional
// outbox); a relay fans new events out to their webhooks' delivery rows and
// durable River jobs (github.com/riverqueue/river, on the same database) in
// batches; a batch job makes the first attempts of up to 100 deliveries
// concurrently and records them in one transaction; a delivery that fails
// gets its own job, which retries with exponential backoff. Deliveries are
// signed with HMAC-SHA256, kept in order per object, and every attempt is
// logged.
package webhook

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
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
	guarded *http.Client // refuses private addresses at connect time
	open    *http.Client // for allow-listed hosts

	// sends bounds the concurrent first attempts of all batch jobs of the
	// process, so deliveries never crowd out the API.
	sends chan struct{}

	stopRelay context.CancelFunc
	relayDone chan struct{}
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
	d := &Deliverer{cfg: cfg, sends: make(chan struct{}, cfg.Workers)}
	d.guarded = &http.Client{Timeout: cfg.Timeout, Transport: transport(true), CheckRedirect: noRedirects}
	d.open = &http.Client{Timeout: cfg.Timeout, Transport: transport(false), CheckRedirect: noRedirects}
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

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// transport dials with a guard: a target that resolves to a private,
// loopback or link-local address is refused (DNS rebinding included).
func transport(guard bool) *http.Transport {
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
	return &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second,
		TLSHandshakeTimeout: 5 * time.Second, ResponseHeaderTimeout: 10 * time.Second}
}

// Start starts the relay and the workers.
func (d *Deliverer) Start(ctx context.Context) error {
	if err := d.client.Start(ctx); err != nil {
		return err
	}
	rctx, cancel := context.WithCancel(ctx)
	d.stopRelay = cancel
	d.relayDone = make(chan struct{})
	go func() {
		defer close(d.relayDone)
		d.relay(rctx)
	}()
	return nil
}

// Stop stops the relay, waits for running deliveries (up to ctx) and stops.
func (d *Deliverer) Stop(ctx context.Context) error {
	if d.stopRelay != nil {
		d.stopRelay()
		<-d.relayDone
	}
	return d.client.Stop(ctx)
}

// relayBatch is how many deliveries the relay turns into jobs at once, and
// relayJobSize how many deliveries one batch job sends.
const (
	relayBatch   = 500
	relayJobSize = 100
	// batchMaxAttempts: a batch job is retried only when it could not run
	// (database errors); a delivery's own retries are its own jobs.
	batchMaxAttempts = 5
)

// relay turns events (written in the API's transaction: the outbox) into
// deliveries and River jobs, in batches, in one database transaction per
// batch: an event is fanned out exactly once, even with several processes
// relaying (PostgreSQL: one relay at a time, by an advisory lock; SQLite:
// one writer). Keeping this off the request path keeps the fan-out and
// River's insert cost out of API latency whatever the number of webhooks.
func (d *Deliverer) relay(ctx context.Context) {
	for {
		n, err := d.RelayOnce(ctx)
		if err != nil && ctx.Err() == nil {
			d.cfg.Logger.Warn("webhook relay", "error", err.Error())
		}
		if n == relayBatch && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(d.cfg.PollInterval):
		}
	}
}

// RelayOnce fans one batch of events out to deliveries and enqueues them,
// with any delivery written without a job (a replay), and returns how many
// events and deliveries it took.
func (d *Deliverer) RelayOnce(ctx context.Context) (int, error) {
	n := 0
	err := d.cfg.Store.InTx(ctx, func(tx store.Executor) error {
		ids, events, err := tx.EventsDispatch(ctx, relayBatch)
		if err != nil {
			return err
		}
		replays, err := tx.DeliveriesToEnqueue(ctx, relayBatch)
		if err != nil {
			return err
		}
		n = max(events, len(replays))
		if len(ids)+len(replays) == 0 {
			return nil
		}
		var params []river.InsertManyParams
		for _, list := range [][]string{ids, replays} {
			for chunk := range slices.Chunk(list, relayJobSize) {
				params = append(params, river.InsertManyParams{
					Args:       batchArgs{DeliveryIDs: chunk},
					InsertOpts: &river.InsertOpts{Queue: queue, MaxAttempts: batchMaxAttempts},
				})
			}
		}
		sqlTx, ok := tx.(interface{ SQLTx() *sql.Tx })
		if !ok || sqlTx.SQLTx() == nil {
			return errors.New("webhook: the store's transaction is not a database/sql transaction")
		}
		if _, err := d.client.InsertManyFastTx(ctx, sqlTx.SQLTx(), params); err != nil {
			return err
		}
		return tx.DeliveriesMarkEnqueued(ctx, replays)
	})
	return n, err
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
	work    *store.DeliveryWork
	sent    bool // attempted (delivered or failed)
	code    int
	err     error
	at      time.Time
	deferTo bool // not attempted: to its own job (blocked, or after a failure in its group)
}

// Work makes the first attempt of a batch of deliveries.
func (w *batchWorker) Work(ctx context.Context, job *river.Job[batchArgs]) error {
	st := w.d.cfg.Store
	works, err := st.DeliveriesWork(ctx, job.Args.DeliveryIDs)
	if err != nil {
		return err
	}
	// Groups of one object to one webhook go in delivery order, one at a
	// time; groups go concurrently.
	type key struct{ webhook, object string }
	groups := map[key][]*outcome{}
	var order []key
	var all []*outcome
	for _, wk := range works {
		if wk.Delivery.Status != tender.DeliveryPending {
			continue // recorded by an earlier run of this job
		}
		o := &outcome{work: wk}
		all = append(all, o)
		if wk.Webhook.DeletedAt != nil {
			continue
		}
		k := key{wk.Delivery.WebhookID, wk.Delivery.ObjectID}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], o)
	}
	stopStarting := time.Now().Add(w.d.cfg.Timeout)
	sem := w.d.sends
	var wg sync.WaitGroup
	for _, k := range order {
		g := groups[k]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			failed := false
			for _, o := range g {
				if failed || o.work.Blocked || time.Now().After(stopStarting) || ctx.Err() != nil {
					failed, o.deferTo = true, true // keep the object's order: the rest wait their turn
					continue
				}
				ev := &tender.Event{ID: o.work.Delivery.EventID, Name: o.work.Delivery.EventName, Payload: o.work.Payload}
				o.code, o.err = w.d.send(ctx, o.work.Webhook, o.work.Delivery, ev)
				o.sent, o.at = true, time.Now()
				failed = o.err != nil
			}
		}()
	}
	wg.Wait()
	return w.d.record(ctx, all)
}

// record writes a batch's outcomes, and the jobs of what is retried or
// deferred, in one transaction.
func (d *Deliverer) record(ctx context.Context, all []*outcome) error {
	if len(all) == 0 {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	return d.cfg.Store.InTx(ctx, func(tx store.Executor) error {
		var jobs []river.InsertManyParams
		var updated []*tender.WebhookDelivery
		now := time.Now()
		for _, o := range all {
			del, hook := o.work.Delivery, o.work.Webhook
			base := max(hook.RetryBaseSeconds, 1)
			switch {
			case hook.DeletedAt != nil:
				del.Status, del.LastError = tender.DeliveryFailed, "The webhook was deleted."
			case o.deferTo:
				jobs = append(jobs, river.InsertManyParams{
					Args:       deliverArgs{DeliveryID: del.ID, RetryBase: base, Offset: del.Attempts},
					InsertOpts: &river.InsertOpts{Queue: queue, MaxAttempts: max(hook.MaxAttempts-del.Attempts, 1)},
				})
				continue
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
			del.UpdatedAt = tender.NewTime(now)
			updated = append(updated, del)
		}
		if err := tx.DeliveriesUpdate(ctx, updated); err != nil {
			return err
		}
		if len(jobs) == 0 {
			return nil
		}
		sqlTx, ok := tx.(interface{ SQLTx() *sql.Tx })
		if !ok || sqlTx.SQLTx() == nil {
			return errors.New("webhook: the store's transaction is not a database/sql transaction")
		}
		_, err := d.client.InsertManyFastTx(ctx, sqlTx.SQLTx(), jobs)
		return err
	})
}

// send POSTs the event's object, signed.
func (d *Deliverer) send(ctx context.Context, hook *tender.Webhook, del *tender.WebhookDelivery, ev *tender.Event) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.TargetURL, bytes.NewReader(ev.Payload))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Tender-Webhooks/1")
	req.Header.Set(HeaderEvent, ev.Name)
	req.Header.Set(HeaderEventID, ev.ID)
	req.Header.Set(HeaderDelivery, del.ID)
	req.Header.Set(HeaderSignature, Sign(hook.Secret, time.Now(), ev.Payload))
	client := d.guarded
	if u, err := url.Parse(hook.TargetURL); err == nil && d.cfg.AllowPrivate(u.Hostname()) {
		client = d.open
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("receiver answered HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
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
