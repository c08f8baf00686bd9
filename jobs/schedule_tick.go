package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
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
		func() (river.JobArgs, *river.InsertOpts) {
			// One tick at a time: a tick still queued absorbs the next.
			return tickArgs{}, &river.InsertOpts{Queue: scheduleQueue, MaxAttempts: 1,
				UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
					rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
		}, &river.PeriodicJobOpts{RunOnStart: true, ID: "schedule_tick"})}})
}
