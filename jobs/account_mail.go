package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/tenderpay/tender/service"
	"github.com/tenderpay/tender/store"
)

// accountMailQueue is the River queue of account emails.
const accountMailQueue = "account_mail"

// accountMailAttempts bounds an account email's tries; River's default
// backoff (attempt⁴ seconds) spreads them over about an hour and a half.
const accountMailAttempts = 8

// accountMailArgs name the user and the kind of email, never the link:
// its token is issued when the job runs, so no usable secret is stored.
type accountMailArgs struct {
	MerchantID string `json:"merchant_id"`
	UserID     string `json:"user_id"`
	Mail       string `json:"mail"`
}

func (accountMailArgs) Kind() string { return "account_mail" }

type accountMailWorker struct {
	river.WorkerDefaults[accountMailArgs]
	svc *service.Service
}

func (w *accountMailWorker) Work(ctx context.Context, job *river.Job[accountMailArgs]) error {
	return w.svc.SendAccountMail(ctx, job.Args.MerchantID, job.Args.UserID, job.Args.Mail)
}

// Timeout bounds one delivery attempt.
func (w *accountMailWorker) Timeout(*river.Job[accountMailArgs]) time.Duration {
	return 30 * time.Second
}

// AccountMail makes svc's account emails (password reset, email
// verification) durable: svc queues each as a job in the transaction of
// the change that calls for it, and a worker here sends it
// (service.SendAccountMail), retrying on failure.
func (c *Client) AccountMail(svc *service.Service) {
	river.AddWorker(c.workers, &accountMailWorker{svc: svc})
	c.Register(Registration{Queues: map[string]river.QueueConfig{accountMailQueue: {MaxWorkers: 2}}})
	svc.QueueAccountMail = func(ctx context.Context, tx store.Executor, merchantID, userID, kind string) error {
		return c.InsertManyTx(ctx, tx, []river.InsertManyParams{{
			Args:       accountMailArgs{MerchantID: merchantID, UserID: userID, Mail: kind},
			InsertOpts: &river.InsertOpts{Queue: accountMailQueue, MaxAttempts: accountMailAttempts},
		}})
	}
}
