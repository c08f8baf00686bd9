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
	// PollInterval is how often idle workers look for jobs (default 1 s).
	PollInterval time.Duration
	// Workers is the number of concurrent deliveries (default 10).
	Workers int
	// MaxRetryDelay caps the backoff (default tender.MaxWebhookRetryDelay s).
	MaxRetryDelay time.Duration
}

// Deliverer enqueues and works webhook deliveries.
type Deliverer struct {
	cfg     Config
	client  *river.Client[*sql.Tx]
	guarded *http.Client // refuses private addresses at connect time
	open    *http.Client // for allow-listed hosts
}

type deliverArgs struct {
	DeliveryID string `json:"delivery_id"`
	RetryBase  int    `json:"retry_base"`
}

func (deliverArgs) Kind() string { return "webhook_delivery" }

const queue = "webhooks"

// New migrates River's tables and builds the client (not started).
func New(ctx context.Context, cfg Config) (*Deliverer, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
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
	if err := migrate(ctx, driver, cfg.Logger); err != nil {
		return nil, err
	}
	d := &Deliverer{cfg: cfg}
	d.guarded = &http.Client{Timeout: cfg.Timeout, Transport: transport(true), CheckRedirect: noRedirects}
	d.open = &http.Client{Timeout: cfg.Timeout, Transport: transport(false), CheckRedirect: noRedirects}
	workers := river.NewWorkers()
	river.AddWorker(workers, &worker{d: d})
	d.client, err = river.NewClient(driver, &river.Config{
		Queues:            map[string]river.QueueConfig{queue: {MaxWorkers: cfg.Workers}},
		Workers:           workers,
		FetchPollInterval: cfg.PollInterval,
		FetchCooldown:     min(cfg.PollInterval, 100*time.Millisecond),
		Logger:            cfg.Logger,
		JobTimeout:        cfg.Timeout + 5*time.Second,
		// A process killed mid-delivery leaves its job "running"; another
		// process rescues it this long after it started (River's default is
		// an hour).
		RescueStuckJobsAfter: cfg.Timeout + 30*time.Second,
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

func migrate(ctx context.Context, driver riverdriver.Driver[*sql.Tx], logger *slog.Logger) error {
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
	return migrate(ctx, driver, slog.New(slog.DiscardHandler))
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
	return &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 4, IdleConnTimeout: 30 * time.Second,
		TLSHandshakeTimeout: 5 * time.Second, ResponseHeaderTimeout: 10 * time.Second}
}

// Start starts the workers.
func (d *Deliverer) Start(ctx context.Context) error { return d.client.Start(ctx) }

// Stop waits for running deliveries (up to ctx) and stops.
func (d *Deliverer) Stop(ctx context.Context) error { return d.client.Stop(ctx) }

// Enqueue adds the durable jobs of deliveries (hooks[i] is the webhook of
// dels[i]) in one insert. Inside InTx it joins the database transaction, so
// the jobs exist exactly when the event does.
func (d *Deliverer) Enqueue(ctx context.Context, tx store.Executor, dels []*tender.WebhookDelivery, hooks []*tender.Webhook) error {
	params := make([]river.InsertManyParams, len(dels))
	for i, del := range dels {
		params[i] = river.InsertManyParams{
			Args:       deliverArgs{DeliveryID: del.ID, RetryBase: hooks[i].RetryBaseSeconds},
			InsertOpts: &river.InsertOpts{Queue: queue, MaxAttempts: hooks[i].MaxAttempts},
		}
	}
	if t, ok := tx.(interface{ SQLTx() *sql.Tx }); ok && t.SQLTx() != nil {
		_, err := d.client.InsertManyFastTx(ctx, t.SQLTx(), params)
		return err
	}
	_, err := d.client.InsertManyFast(ctx, params)
	return err
}

type worker struct {
	river.WorkerDefaults[deliverArgs]
	d *Deliverer
}

func (w *worker) NextRetry(job *river.Job[deliverArgs]) time.Time {
	base := time.Duration(max(job.Args.RetryBase, 1)) * time.Second
	return time.Now().Add(RetryDelay(base, job.Attempt, w.d.cfg.MaxRetryDelay))
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
	del.Attempts, del.LastStatusCode, del.UpdatedAt = job.Attempt, code, tender.NewTime(time.Now())
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
