package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/service"
)

// scheduleQueue is the River queue of the schedule tick.
const scheduleQueue = "schedules"

type tickArgs struct{}

func (tickArgs) Kind() string { return "schedule_tick" }

type scheduleWorker struct {
	river.WorkerDefaults[tickArgs]
	svc *service.Service
}

func (w *scheduleWorker) Work(ctx context.Context, _ *river.Job[tickArgs]) error {
	_, _, err := w.svc.RunSchedules(ctx)
	return err
}

// ScheduleTick runs scheduled invoices: a River periodic job (inserted by
// the elected leader among the server processes, worked by any) calls
// service.RunSchedules every interval (and once at start), which makes each
// occurrence's invoice and autopay charge exactly once, guarded by the
// database.
func (c *Client) ScheduleTick(svc *service.Service, interval time.Duration) {
	river.AddWorker(c.workers, &scheduleWorker{svc: svc})
	c.Register(Registration{Queues: map[string]river.QueueConfig{scheduleQueue: {MaxWorkers: 1}}, Periodic: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(interval),
		tickJob, &river.PeriodicJobOpts{RunOnStart: true, ID: "schedule_tick"})}})
	if c.cfg.Clock != nil {
		c.Add(Loop(func(ctx context.Context) { c.tickOnAdvance(ctx, c.cfg.Clock) }))
	}
}

func tickJob() (river.JobArgs, *river.InsertOpts) {
	// One tick at a time: a tick still queued absorbs the next.
	return tickArgs{}, &river.InsertOpts{Queue: scheduleQueue, MaxAttempts: 1,
		UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
			rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
}

// tickOnAdvance inserts a schedule tick each time clock is advanced, so
// occurrences that the advance made due run without waiting for the next
// periodic tick. It is not unique: a tick running since before the
// advance must not absorb it (the queue runs one tick at a time per
// process, and RunSchedules makes each occurrence once across processes).
func (c *Client) tickOnAdvance(ctx context.Context, clock *tender.Clock) {
	for {
		changed := clock.Changed()
		select {
		case <-ctx.Done():
			return
		case <-changed:
		}
		if _, err := c.river.Insert(ctx, tickArgs{}, &river.InsertOpts{Queue: scheduleQueue, MaxAttempts: 1}); err != nil && ctx.Err() == nil {
			c.cfg.Logger.Warn("schedule tick after a clock advance", "error", err.Error())
		}
	}
}
