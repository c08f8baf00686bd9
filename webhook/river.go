package webhook

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/jobs"
	"github.com/tenderpay/tender/store"
)

// New builds the Deliverer and registers its workers, its queue and its
// relay on cfg.Jobs (started with it).
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
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AllowPrivate == nil {
		cfg.AllowPrivate = func(string) bool { return false }
	}
	if cfg.Jobs == nil {
		return nil, errors.New("webhook: no job client")
	}
	d := &Deliverer{cfg: cfg, sends: make(chan struct{}, cfg.Workers), holder: tender.NewID(), slow: map[string]int{},
		wake: cfg.Jobs.Wake().Subscribe()}
	d.guarded, d.open = newClient(true), newClient(false)
	river.AddWorker(cfg.Jobs.Workers(), &worker{d: d})
	river.AddWorker(cfg.Jobs.Workers(), &batchWorker{d: d})
	cfg.Jobs.Register(jobs.Registration{
		Queues:     map[string]river.QueueConfig{queue: {MaxWorkers: cfg.Workers}},
		JobTimeout: cfg.Timeout + 5*time.Second,
		// A process killed mid-delivery leaves its job "running"; another
		// process rescues it this long after it started (River's default is
		// an hour). A batch job runs at most batchDuration.
		RescueStuckJobsAfter: batchDuration(cfg.Timeout) + 30*time.Second,
	})
	cfg.Jobs.Add(d)
	return d, nil
}

// insertJobs inserts River jobs in the store's transaction.
func (d *Deliverer) insertJobs(ctx context.Context, tx store.Executor, jobs []river.InsertManyParams) error {
	return d.cfg.Jobs.InsertManyTx(ctx, tx, jobs)
}
