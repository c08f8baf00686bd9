package sqldb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

func init() {
	requiredQueries = append(requiredQueries, "ScheduleCreate", "ScheduleGet", "ScheduleGetForUpdate", "ScheduleUpdate",
		"ScheduleCount", "ScheduleList", "SchedulesDue", "InvoicesAutopayDue")
}

func scheduleArgs(e *exec, s *tender.Schedule) []any {
	meta := string(s.Meta)
	if meta == "" {
		meta = "{}"
	}
	return []any{s.ID, s.MerchantID, s.CustomerID, s.PaymentMethodID, s.Rule, int64(s.Total), s.URL, meta,
		s.EmailNotification, s.Active, s.Status, e.t(tp(s.NextRunAt)), e.t(tp(s.LastRunAt)), s.Count,
		e.t(s.CreatedAt.Time), e.t(s.UpdatedAt.Time), e.t(tp(s.DeletedAt))}
}

func (e *exec) ScheduleCreate(ctx context.Context, s *tender.Schedule) error {
	_, err := e.w.ExecContext(ctx, e.q("ScheduleCreate"), scheduleArgs(e, s)...)
	return e.d.wrap(err)
}

func scanSchedule(row rowScanner) (*tender.Schedule, error) {
	var s tender.Schedule
	var meta jsonCol
	var total int64
	var next, last, created, updated, deleted timeCol
	err := row.Scan((*textCol)(&s.ID), (*textCol)(&s.MerchantID), (*textCol)(&s.CustomerID), &s.PaymentMethodID,
		&s.Rule, &total, &s.URL, &meta, &s.EmailNotification, &s.Active, &s.Status, &next, &last, &s.Count,
		&created, &updated, &deleted)
	if err != nil {
		return nil, err
	}
	s.Total, s.Meta = tender.Amount(total), json.RawMessage(meta)
	s.NextRunAt, s.LastRunAt, s.DeletedAt = next.ptr(), last.ptr(), deleted.ptr()
	s.CreatedAt, s.UpdatedAt = created.tender(), updated.tender()
	return &s, nil
}

func (e *exec) getSchedule(ctx context.Context, q querier, name, merchantID, id string) (*tender.Schedule, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("schedule")
	}
	s, err := scanSchedule(q.QueryRowContext(ctx, e.q(name), merchantID, id))
	if err != nil {
		return nil, e.notFound(err, "schedule")
	}
	return s, nil
}

func (e *exec) ScheduleGet(ctx context.Context, merchantID, id string) (*tender.Schedule, error) {
	return e.getSchedule(ctx, e.r, "ScheduleGet", merchantID, id)
}

func (e *exec) ScheduleGetForUpdate(ctx context.Context, merchantID, id string) (*tender.Schedule, error) {
	return e.getSchedule(ctx, e.w, "ScheduleGetForUpdate", merchantID, id)
}

func (e *exec) ScheduleUpdate(ctx context.Context, s *tender.Schedule) error {
	return e.execOne(ctx, "ScheduleUpdate", scheduleArgs(e, s)...)
}

func (e *exec) ScheduleList(ctx context.Context, merchantID string, f tender.ScheduleFilter, p tender.ListParams) (*tender.Page[*tender.Schedule], error) {
	if f.IsZero() && p.Sort == "created_at" && p.Desc {
		return listPage(ctx, e, scanSchedule, "schedules", merchantID, p)
	}
	if rangePaged(f.CreatedOnly(), p) {
		return listRangePage(ctx, e, scanSchedule, "schedules", merchantID, f.CreatedFrom, f.CreatedTo, p)
	}
	if f.CustomerID != "" && !validID(f.CustomerID) {
		// No such customer (and the customer_id index takes a uuid).
		return &tender.Page[*tender.Schedule]{Items: []*tender.Schedule{}}, nil
	}
	args := []any{merchantID, f.Status, f.CustomerID, e.t(f.CreatedFrom), e.t(f.CreatedTo), e.t(f.UpdatedFrom), e.t(f.UpdatedTo)}
	page := &tender.Page[*tender.Schedule]{Items: []*tender.Schedule{}}
	if err := e.r.QueryRowContext(ctx, e.q(byCustomer("ScheduleCount", f.CustomerID)), args...).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	if page.Total == 0 {
		return page, nil
	}
	items, err := all(ctx, e, e.r, scanSchedule, e.ordered(byCustomer("ScheduleList", f.CustomerID), p), append(args, p.PerPage, p.Offset())...)
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}

func scanRef(row rowScanner) (store.Ref, error) {
	var r store.Ref
	err := row.Scan((*textCol)(&r.MerchantID), (*textCol)(&r.ID))
	return r, err
}

func (e *exec) refs(ctx context.Context, name string, args ...any) ([]store.Ref, error) {
	return all(ctx, e, e.r, scanRef, e.q(name), args...)
}

func (e *exec) SchedulesDue(ctx context.Context, now time.Time, limit int) ([]store.Ref, error) {
	return e.refs(ctx, "SchedulesDue", e.t(now), limit)
}

func (e *exec) InvoicesAutopayDue(ctx context.Context, now time.Time, limit int) ([]store.Ref, error) {
	return e.refs(ctx, "InvoicesAutopayDue", e.t(now), limit)
}
