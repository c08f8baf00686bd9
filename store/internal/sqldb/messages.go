package sqldb

import (
	"context"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

func init() {
	requiredQueries = append(requiredQueries, "MessageCreate", "MessageUpdate", "MessageCount", "MessageList", "MessagesClaim")
}

func (e *exec) MessageCreate(ctx context.Context, m *tender.Message) error {
	_, err := e.w.ExecContext(ctx, e.q("MessageCreate"), m.ID, m.MerchantID, m.Channel, m.Kind, m.To, m.Subject,
		m.Text, m.HTML, m.ObjectType, m.ObjectID, m.Status, m.Attempts, m.LastError, e.t(m.NextAttempt.Time),
		e.t(m.CreatedAt.Time), e.t(tp(m.SentAt)))
	return e.d.wrap(err)
}

func (e *exec) MessageUpdate(ctx context.Context, m *tender.Message) error {
	return e.execOne(ctx, "MessageUpdate", m.ID, m.Status, m.Attempts, m.LastError, e.t(m.NextAttempt.Time), e.t(tp(m.SentAt)))
}

func scanMessage(row rowScanner) (*tender.Message, error) {
	var m tender.Message
	var next, created, sent timeCol
	err := row.Scan((*textCol)(&m.ID), (*textCol)(&m.MerchantID), &m.Channel, &m.Kind, &m.To, &m.Subject, &m.Text,
		&m.HTML, &m.ObjectType, &m.ObjectID, &m.Status, &m.Attempts, &m.LastError, &next, &created, &sent)
	if err != nil {
		return nil, err
	}
	m.NextAttempt, m.CreatedAt, m.SentAt = next.tender(), created.tender(), sent.ptr()
	return &m, nil
}

func (e *exec) queryMessages(ctx context.Context, q querier, query string, args ...any) ([]*tender.Message, error) {
	return all(ctx, e, q, scanMessage, query, args...)
}

func (e *exec) MessageList(ctx context.Context, merchantID string, p tender.ListParams) (*tender.Page[*tender.Message], error) {
	page := &tender.Page[*tender.Message]{Items: []*tender.Message{}}
	if err := e.r.QueryRowContext(ctx, e.q("MessageCount"), merchantID).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	if page.Total == 0 {
		return page, nil
	}
	items, err := e.queryMessages(ctx, e.r, e.ordered("MessageList", p), merchantID, p.PerPage, p.Offset())
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}

func (e *exec) MessagesClaim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*tender.Message, error) {
	return e.queryMessages(ctx, e.w, e.q("MessagesClaim"), e.t(now), e.t(now.Add(lease)), limit)
}

var _ store.Executor = (*exec)(nil)
