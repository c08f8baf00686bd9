package sqldb

import (
	"context"

	"github.com/tenderpay/tender"
)

func init() {
	requiredQueries = append(requiredQueries, "BacklogPendingTransactions", "BacklogWebhookDeliveries",
		"BacklogMessages", "BacklogEventsToRelay")
}

// backlog runs a query answering one row: a count and the oldest entry's
// creation time (NULL when there is none).
func (e *exec) backlog(ctx context.Context, name string) (tender.Backlog, error) {
	var b tender.Backlog
	var oldest timeCol
	if err := e.r.QueryRowContext(ctx, e.q(name)).Scan(&b.Count, &oldest); err != nil {
		return tender.Backlog{}, e.d.wrap(err)
	}
	if b.Count > 0 && oldest.valid {
		b.Oldest = oldest.t
	}
	return b, nil
}

func (e *exec) BacklogPendingTransactions(ctx context.Context) (tender.Backlog, error) {
	return e.backlog(ctx, "BacklogPendingTransactions")
}

func (e *exec) BacklogWebhookDeliveries(ctx context.Context) (tender.Backlog, error) {
	return e.backlog(ctx, "BacklogWebhookDeliveries")
}

func (e *exec) BacklogMessages(ctx context.Context) (tender.Backlog, error) {
	return e.backlog(ctx, "BacklogMessages")
}

func (e *exec) BacklogEventsToRelay(ctx context.Context) (tender.Backlog, error) {
	return e.backlog(ctx, "BacklogEventsToRelay")
}
