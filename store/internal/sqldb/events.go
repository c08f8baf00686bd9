package sqldb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/tenderpay/tender"
)

func init() { requiredQueries = append(requiredQueries, "EventInsert", "EventListSince") }

func (e *exec) EventInsert(ctx context.Context, ev *tender.Event) error {
	if _, err := e.w.ExecContext(ctx, e.q("EventInsert"), eventArgs(e, ev)...); err != nil {
		return e.d.wrap(err)
	}
	e.wroteEvent()
	return nil
}

// eventArgs are EventInsert's arguments.
func eventArgs(e *exec, ev *tender.Event) []any {
	return []any{ev.ID, ev.MerchantID, ev.Name, ev.ObjectType, ev.ObjectID, string(ev.Payload), e.t(ev.CreatedAt)}
}

func (e *exec) EventListSince(ctx context.Context, merchantID string, after time.Time, limit int) ([]*tender.Event, error) {
	rows, err := e.r.QueryContext(ctx, e.q("EventListSince"), merchantID, e.t(after), limit)
	if err != nil {
		return nil, e.d.wrap(err)
	}
	defer rows.Close()
	out := []*tender.Event{}
	for rows.Next() {
		var ev tender.Event
		var payload jsonCol
		var created timeCol
		if err := rows.Scan((*textCol)(&ev.ID), (*textCol)(&ev.MerchantID), &ev.Name, &ev.ObjectType,
			(*textCol)(&ev.ObjectID), &payload, &created); err != nil {
			return nil, e.d.wrap(err)
		}
		ev.Payload, ev.CreatedAt = json.RawMessage(payload), created.t
		out = append(out, &ev)
	}
	return out, e.d.wrap(rows.Err())
}
