// Package jobs is the one home of Tender's background work, in the manner
// of River's internal/maintenance: it owns the River client (its driver and
// its migrations, on the store's own database, so jobs are inserted in the
// business transaction), and the periodic tasks, one file each (janitor,
// settlement, key sweep, list positions, schedule tick, message relay),
// each a small Service with Start and Stop. Other packages register their
// workers, queues and services on a Client before it starts (webhook does);
// package server only wires them.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// Config configures a Client.
type Config struct {
	Store  store.Store
	Logger *slog.Logger
	// PollInterval is how often idle workers look for jobs (default 250 ms).
	PollInterval time.Duration
	// Clock is the time River schedules and fetches jobs by (nil: the
	// wall clock). An advance of it runs the schedule tick at once.
	Clock *tender.Clock
	// ListenURL, on PostgreSQL, is where River and the events wake-up
	// LISTEN (a connection of their own each): the database's own URL, or
	// a direct one when the store goes through PgBouncer in transaction
	// pooling mode (where LISTEN does not work). "" polls only.
	ListenURL string
}

// Registration is what a package adds to the Client besides its workers
// (river.AddWorker(c.Workers(), ...)).
type Registration struct {
	Queues   map[string]river.QueueConfig
	Periodic []*river.PeriodicJob
	// JobTimeout and RescueStuckJobsAfter raise the client's defaults (the
	// largest registered wins); zero leaves them.
	JobTimeout           time.Duration
	RescueStuckJobsAfter time.Duration
}

// Client is the process's one River client (one client per process keeps
// one leader election) and its periodic services.
type Client struct {
	cfg      Config
	driver   riverdriver.Driver[*sql.Tx]
	workers  *river.Workers
	reg      Registration
	services []Service
	river    *river.Client[*sql.Tx]
	started  []Service
	listen   *pgxpool.Pool
	wake     *Wake
}

// New applies River's migrations and returns a Client to register on; it
// builds the River client in Start.
func New(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 250 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	var listen *pgxpool.Pool
	if cfg.ListenURL != "" && cfg.Store.Dialect() == "postgres" {
		pc, err := pgxpool.ParseConfig(cfg.ListenURL)
		if err != nil {
			return nil, fmt.Errorf("jobs: listen URL: %w", err)
		}
		// River's listener, the events listener and the NOTIFY sender,
		// named so that an operator (or a test counting PgBouncer's
		// connections) can tell them apart.
		pc.MaxConns = 4
		if pc.ConnConfig.RuntimeParams["application_name"] == "" {
			pc.ConnConfig.RuntimeParams["application_name"] = ListenApplicationName
		}
		if listen, err = pgxpool.NewWithConfig(ctx, pc); err != nil {
			return nil, fmt.Errorf("jobs: listen URL: %w", err)
		}
	}
	driver, err := riverDriver(cfg.Store, listen)
	if err == nil {
		err = migrate(ctx, cfg.Store, driver, cfg.Logger)
	}
	if err != nil {
		if listen != nil {
			listen.Close()
		}
		return nil, err
	}
	c := &Client{cfg: cfg, driver: driver, workers: river.NewWorkers(), listen: listen,
		reg:  Registration{Queues: map[string]river.QueueConfig{}},
		wake: newWake(tender.NewID(), listen, cfg.Logger)}
	cfg.Store.OnEventsCommitted(c.wake.Committed)
	c.services = append(c.services, c.wake)
	return c, nil
}

// ListenApplicationName is the application_name of the LISTEN connections
// (unless the listen URL sets one).
const ListenApplicationName = "tender-listen"

// Wake is the signal that events were committed (in any process, where
// the database can carry it): the webhook relay subscribes to it.
func (c *Client) Wake() *Wake { return c.wake }

// Workers is where packages add their River workers.
func (c *Client) Workers() *river.Workers { return c.workers }

// Register adds queues and periodic jobs, and raises the timeouts.
func (c *Client) Register(r Registration) {
	for name, q := range r.Queues {
		c.reg.Queues[name] = q
	}
	c.reg.Periodic = append(c.reg.Periodic, r.Periodic...)
	c.reg.JobTimeout = max(c.reg.JobTimeout, r.JobTimeout)
	c.reg.RescueStuckJobsAfter = max(c.reg.RescueStuckJobsAfter, r.RescueStuckJobsAfter)
}

// Add adds services started (in order, after River) by Start and stopped
// (in reverse order, before River) by Stop.
func (c *Client) Add(s ...Service) { c.services = append(c.services, s...) }

// Start builds and starts the River client, then the services.
func (c *Client) Start(ctx context.Context) error {
	var err error
	var test river.TestConfig
	if c.cfg.Clock != nil {
		// River names its time source a test hook; it is how a sandbox
		// clock's advance reaches scheduled jobs (webhook retries).
		test.Time = c.cfg.Clock
	}
	c.river, err = river.NewClient(c.driver, &river.Config{
		Test:                 test,
		Queues:               c.reg.Queues,
		Workers:              c.workers,
		PeriodicJobs:         c.reg.Periodic,
		FetchPollInterval:    c.cfg.PollInterval,
		FetchCooldown:        min(c.cfg.PollInterval, 100*time.Millisecond),
		Logger:               routineJobLogs(c.cfg.Logger),
		JobTimeout:           c.reg.JobTimeout,
		RescueStuckJobsAfter: c.reg.RescueStuckJobsAfter,
	})
	if err != nil {
		return err
	}
	if err := c.river.Start(ctx); err != nil {
		return err
	}
	for _, s := range c.services {
		if err := s.Start(ctx); err != nil {
			return errors.Join(err, c.Stop(context.WithoutCancel(ctx)))
		}
		c.started = append(c.started, s)
	}
	return nil
}

// Stop stops the services (each waits for its work up to ctx), then River.
func (c *Client) Stop(ctx context.Context) error {
	var err error
	for i := len(c.started) - 1; i >= 0; i-- {
		err = errors.Join(err, c.started[i].Stop(ctx))
	}
	c.started = nil
	if c.river != nil {
		err = errors.Join(err, c.river.Stop(ctx))
	}
	return err
}

// Close releases the listening connections (after Stop).
func (c *Client) Close() {
	if c.listen != nil {
		c.listen.Close()
	}
}

// InsertManyTx inserts jobs in the store's transaction tx, so that they
// exist if and only if it commits. The client must have started.
func (c *Client) InsertManyTx(ctx context.Context, tx store.Executor, jobs []river.InsertManyParams) error {
	if len(jobs) == 0 {
		return nil
	}
	sqlTx := tx.SQLTx()
	if sqlTx == nil {
		return errors.New("jobs: insert outside a transaction")
	}
	if c.river == nil {
		return errors.New("jobs: the client has not started")
	}
	// Without the caller's cancellation, as the store's own statements in
	// the transaction: on SQLite an interrupted write rolls back the whole
	// transaction, which group commit shares with other requests.
	_, err := c.river.InsertManyFastTx(context.WithoutCancel(ctx), sqlTx, jobs)
	return err
}
