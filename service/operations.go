package service

import (
	"context"

	"github.com/tenderpay/tender"
)

// PaymentObserver hears of a payment's outcome (approved or declined) once
// the database has committed it, once per payment: the operator's metrics
// count charges by outcome and declines by code. It must not block.
type PaymentObserver interface {
	PaymentFinalized(t *tender.Transaction)
}

func (s *Service) observePayment(t *tender.Transaction) {
	if s.Payments != nil && t.Status != tender.StatusPending {
		s.Payments.PaymentFinalized(t)
	}
}

// Operations measures Tender's backlogs across merchants for the operator's
// metrics (GET /metrics): PENDING payments, webhook deliveries still to
// succeed, the message outbox, and the events the webhook relay has yet to
// fan out. Each is a cheap indexed read; ctx bounds them all (a scrape
// must not wait on a database that does not answer).
func (s *Service) Operations(ctx context.Context) (*tender.Operations, error) {
	var out tender.Operations
	for _, f := range []struct {
		read func(context.Context) (tender.Backlog, error)
		into *tender.Backlog
	}{
		{s.store.BacklogPendingTransactions, &out.PendingTransactions},
		{s.store.BacklogWebhookDeliveries, &out.WebhookDeliveries},
		{s.store.BacklogMessages, &out.Messages},
		{s.store.BacklogEventsToRelay, &out.EventsToRelay},
	} {
		b, err := f.read(ctx)
		if err != nil {
			return nil, err
		}
		*f.into = b
	}
	return &out, nil
}
