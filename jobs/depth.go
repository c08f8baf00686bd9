package jobs

import (
	"context"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"
)

// DepthStates are the states of the jobs still to run that Depth counts
// (completed, cancelled and discarded jobs are history, not depth).
var DepthStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStateRunning,
	rivertype.JobStateScheduled, rivertype.JobStateRetryable}

// Depth counts the job queue's jobs in each of DepthStates, through River's
// driver: one count per state, each a range of River's index led by the
// job's state, so finished jobs (however many are kept) cost nothing.
func (c *Client) Depth(ctx context.Context) (map[rivertype.JobState]int, error) {
	exec := c.driver.GetExecutor()
	out := make(map[rivertype.JobState]int, len(DepthStates))
	for _, state := range DepthStates {
		n, err := exec.JobCountByState(ctx, &riverdriver.JobCountByStateParams{State: state})
		if err != nil {
			return nil, err
		}
		out[state] = n
	}
	return out, nil
}
