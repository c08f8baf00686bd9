// Package scheduler runs scheduled invoices: a River periodic job (inserted
// by the elected leader among the server processes, worked by any) calls
// service.RunSchedules, which makes each occurrence's invoice and autopay
// charge exactly once, guarded by the database.
package scheduler

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/tenderpay/tender/service"
)

// Queue is the River queue of the scheduler's jobs.
const Queue = "schedules"

type tickArgs struct{}

func (tickArgs) Kind() string { return "schedule_tick" }

type worker struct {
	river.WorkerDefaults[tickArgs]
	svc *service.Service
}

func (w *worker) Work(ctx context.Context, _ *river.Job[tickArgs]) error {
	_, _, err := w.svc.RunSchedules(ctx)
	return err
}

// Jobs registers the tick worker and returns the periodic job that runs it
// every interval (and once at start).
func Jobs(svc *service.Service, workers *river.Workers, interval time.Duration) []*river.PeriodicJob {
	river.AddWorker(workers, &worker{svc: svc})
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) {
			// One tick at a time: a tick still queued absorbs the next.
			return tickArgs{}, &river.InsertOpts{Queue: Queue, MaxAttempts: 1,
				UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
					rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
		}, &river.PeriodicJobOpts{RunOnStart: true, ID: "schedule_tick"})}
}
