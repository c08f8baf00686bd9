package sqldb

import (
	"context"

	"github.com/tenderpay/tender"
)

var processorQueries = []string{"TransactionByGatewayRef", "ProcessorEventInsert", "ProcessorEventsOf"}

func init() { requiredQueries = append(requiredQueries, processorQueries...) }

func (e *exec) TransactionByGatewayRef(ctx context.Context, merchantID, ref string) (*tender.Transaction, error) {
	if !validID(merchantID) || ref == "" {
		return nil, tender.NotFound("transaction")
	}
	t, err := scanTransaction(e.w.QueryRowContext(ctx, e.q("TransactionByGatewayRef"), merchantID, ref))
	if err != nil {
		return nil, e.notFound(err, "transaction")
	}
	return t, nil
}

func (e *exec) ProcessorEventInsert(ctx context.Context, pe *tender.ProcessorEvent) error {
	_, err := e.w.ExecContext(ctx, e.q("ProcessorEventInsert"), pe.ID, pe.MerchantID, pe.Processor, pe.EventID,
		pe.Kind, pe.TransactionID, pe.ChildRef, int64(pe.Amount), pe.Reason, pe.Status, pe.Message, e.t(pe.CreatedAt.Time))
	return e.d.wrap(err)
}

func scanProcessorEvent(row rowScanner) (*tender.ProcessorEvent, error) {
	var pe tender.ProcessorEvent
	var amount int64
	var created timeCol
	err := row.Scan((*textCol)(&pe.ID), (*textCol)(&pe.MerchantID), &pe.Processor, &pe.EventID, &pe.Kind,
		&pe.TransactionID, &pe.ChildRef, &amount, &pe.Reason, &pe.Status, &pe.Message, &created)
	if err != nil {
		return nil, err
	}
	pe.Amount, pe.CreatedAt = tender.Amount(amount), created.tender()
	return &pe, nil
}

func (e *exec) ProcessorEventsOf(ctx context.Context, merchantID, transactionID string) ([]*tender.ProcessorEvent, error) {
	if !validID(merchantID) {
		return []*tender.ProcessorEvent{}, nil
	}
	out, err := all(ctx, e, e.r, scanProcessorEvent, e.q("ProcessorEventsOf"), merchantID, transactionID)
	if out == nil {
		out = []*tender.ProcessorEvent{}
	}
	return out, err
}
