package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/tenderpay/tender"
)

func init() {
	requiredQueries = append(requiredQueries, "PaymentLinkCreate", "PaymentLinkGet", "PaymentLinkUpdate",
		"PaymentLinkDelete", "PaymentLinkRecordView", "PaymentLinkCount", "PaymentLinkList", "PaymentLinkByID", "PaymentLinkUse",
		"PaymentLinkReleaseUse")
	listObjects["payment_links"] = struct{ table, columns string }{"payment_links", `o.id, o.merchant_id, o.name,
    o.description, o.total, o.meta, o.is_active, o.expires_at, o.max_uses, o.uses, o.views, o.created_at,
    o.updated_at, o.deleted_at`}
}

func paymentLinkArgs(e *exec, l *tender.PaymentLink) []any {
	var maxUses any
	if l.MaxUses != nil {
		maxUses = *l.MaxUses
	}
	return []any{l.ID, l.MerchantID, l.Name, l.Description, int64(l.Total), string(l.Meta), l.IsActive,
		e.t(tp(l.ExpiresAt)), maxUses, e.t(l.CreatedAt.Time), e.t(l.UpdatedAt.Time)}
}

func scanPaymentLink(row rowScanner) (*tender.PaymentLink, error) {
	var l tender.PaymentLink
	var meta jsonCol
	var total int64
	var maxUses sql.NullInt64
	var expires, created, updated, deleted timeCol
	err := row.Scan((*textCol)(&l.ID), (*textCol)(&l.MerchantID), &l.Name, &l.Description, &total, &meta,
		&l.IsActive, &expires, &maxUses, &l.Uses, &l.Views, &created, &updated, &deleted)
	if err != nil {
		return nil, err
	}
	l.Total = tender.Amount(total)
	l.Meta = json.RawMessage(meta)
	if maxUses.Valid {
		l.MaxUses = &maxUses.Int64
	}
	l.ExpiresAt = expires.ptr()
	l.CreatedAt, l.UpdatedAt, l.DeletedAt = created.tender(), updated.tender(), deleted.ptr()
	return &l, nil
}

func (e *exec) PaymentLinkCreate(ctx context.Context, l *tender.PaymentLink) error {
	_, err := e.w.ExecContext(ctx, e.q("PaymentLinkCreate"), paymentLinkArgs(e, l)...)
	return e.d.wrap(err)
}

func (e *exec) PaymentLinkGet(ctx context.Context, merchantID, id string) (*tender.PaymentLink, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("payment link")
	}
	l, err := scanPaymentLink(e.r.QueryRowContext(ctx, e.q("PaymentLinkGet"), merchantID, id))
	if err != nil {
		return nil, e.notFound(err, "payment link")
	}
	return l, nil
}

func (e *exec) PaymentLinkUpdate(ctx context.Context, l *tender.PaymentLink) error {
	if !validID(l.ID) || !validID(l.MerchantID) {
		return tender.NotFound("payment link")
	}
	if err := e.execOne(ctx, "PaymentLinkUpdate", paymentLinkArgs(e, l)...); err != nil {
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return tender.NotFound("payment link")
		}
		return err
	}
	return nil
}

func (e *exec) PaymentLinkDelete(ctx context.Context, merchantID, id string, at time.Time) error {
	if !validID(id) || !validID(merchantID) {
		return tender.NotFound("payment link")
	}
	if err := e.execOne(ctx, "PaymentLinkDelete", merchantID, id, e.t(at)); err != nil {
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return tender.NotFound("payment link")
		}
		return err
	}
	return nil
}

func (e *exec) PaymentLinkRecordView(ctx context.Context, merchantID, id string) (*tender.PaymentLink, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("payment link")
	}
	l, err := scanPaymentLink(e.w.QueryRowContext(ctx, e.q("PaymentLinkRecordView"), merchantID, id))
	if err != nil {
		return nil, e.notFound(err, "payment link")
	}
	return l, nil
}

func (e *exec) PaymentLinkByID(ctx context.Context, id string) (*tender.PaymentLink, error) {
	if !validID(id) {
		return nil, tender.NotFound("payment link")
	}
	l, err := scanPaymentLink(e.r.QueryRowContext(ctx, e.q("PaymentLinkByID"), id))
	if err != nil {
		return nil, e.notFound(err, "payment link")
	}
	return l, nil
}

func (e *exec) PaymentLinkUse(ctx context.Context, merchantID, id string, now time.Time) (*tender.PaymentLink, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("payment link")
	}
	l, err := scanPaymentLink(e.w.QueryRowContext(ctx, e.q("PaymentLinkUse"), merchantID, id, e.t(now)))
	if err != nil {
		return nil, e.notFound(err, "payment link")
	}
	return l, nil
}

func (e *exec) PaymentLinkReleaseUse(ctx context.Context, merchantID, id string) error {
	if !validID(id) || !validID(merchantID) {
		return tender.NotFound("payment link")
	}
	if err := e.execOne(ctx, "PaymentLinkReleaseUse", merchantID, id); err != nil {
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return tender.NotFound("payment link")
		}
		return err
	}
	return nil
}

func (e *exec) PaymentLinkList(ctx context.Context, merchantID string, f tender.PaymentLinkFilter, p tender.ListParams) (*tender.Page[*tender.PaymentLink], error) {
	if !validID(merchantID) {
		return &tender.Page[*tender.PaymentLink]{Items: []*tender.PaymentLink{}}, nil
	}
	if f.IsZero() && p.Sort == "created_at" && p.Desc {
		return listPage(ctx, e, scanPaymentLink, "payment_links", merchantID, p)
	}
	active := -1
	if f.Active != nil {
		active = 0
		if *f.Active {
			active = 1
		}
	}
	args := []any{merchantID, active, likeKeywords(f.Keywords)}
	page := &tender.Page[*tender.PaymentLink]{Items: []*tender.PaymentLink{}}
	if err := e.r.QueryRowContext(ctx, e.q("PaymentLinkCount"), args...).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	if page.Total == 0 {
		return page, nil
	}
	links, err := all(ctx, e, e.r, scanPaymentLink, e.ordered("PaymentLinkList", p),
		append(args, p.PerPage, p.Offset())...)
	if err != nil {
		return nil, err
	}
	page.Items = links
	return page, nil
}
