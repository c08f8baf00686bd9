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
	return []any{ev.ID, ev.MerchantID, ev.Name, ev.ObjectType, ev.ObjectID, e.d.compressJSON(ev.Payload), e.t(ev.CreatedAt)}
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

func init() { requiredQueries = append(requiredQueries, "EventsAfter", "EventMaxSeq") }

func (e *exec) EventsAfter(ctx context.Context, merchantID string, afterSeq int64, limit int) ([]*tender.LoggedEvent, error) {
	if !validID(merchantID) {
		return []*tender.LoggedEvent{}, nil
	}
	return all(ctx, e, e.r, func(row rowScanner) (*tender.LoggedEvent, error) {
		var le tender.LoggedEvent
		var ev tender.Event
		var payload jsonCol
		var created timeCol
		if err := row.Scan(&le.Seq, (*textCol)(&ev.ID), (*textCol)(&ev.MerchantID), &ev.Name, &ev.ObjectType,
			(*textCol)(&ev.ObjectID), &payload, &created); err != nil {
			return nil, err
		}
		ev.Payload, ev.CreatedAt = json.RawMessage(payload), created.t
		le.Event = &ev
		return &le, nil
	}, e.q("EventsAfter"), merchantID, afterSeq, limit)
}

func (e *exec) EventMaxSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := e.r.QueryRowContext(ctx, e.q("EventMaxSeq")).Scan(&seq); err != nil {
		return 0, e.d.wrap(err)
	}
	return seq, nil
}
