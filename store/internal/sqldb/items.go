package sqldb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/tenderpay/tender"
)

func init() {
	requiredQueries = append(requiredQueries, "ItemCreate", "ItemGet", "ItemUpdate", "ItemDelete", "ItemList", "ItemCount", "ItemAdjustStock")
}

func itemArgs(e *exec, it *tender.Item) []any {
	return []any{it.ID, it.MerchantID, it.Item, it.Code, it.Category, it.Details, it.IsActive, it.IsTaxable,
		it.IsService, it.IsDiscount, int64(it.Price), it.InStock, it.LowStockAlert, string(it.Meta),
		e.t(it.CreatedAt.Time), e.t(it.UpdatedAt.Time)}
}

func (e *exec) ItemCreate(ctx context.Context, it *tender.Item) error {
	_, err := e.w.ExecContext(ctx, e.q("ItemCreate"), itemArgs(e, it)...)
	return e.d.wrap(err)
}

func scanItem(row rowScanner) (*tender.Item, error) {
	var it tender.Item
	var meta jsonCol
	var price int64
	var created, updated, deleted timeCol
	err := row.Scan((*textCol)(&it.ID), (*textCol)(&it.MerchantID), &it.Item, &it.Code, &it.Category, &it.Details,
		&it.IsActive, &it.IsTaxable, &it.IsService, &it.IsDiscount, &price, &it.InStock, &it.LowStockAlert, &meta,
		&created, &updated, &deleted)
	if err != nil {
		return nil, err
	}
	it.Price = tender.Amount(price)
	it.Meta = json.RawMessage(meta)
	it.CreatedAt, it.UpdatedAt, it.DeletedAt = created.tender(), updated.tender(), deleted.ptr()
	return &it, nil
}

func (e *exec) ItemGet(ctx context.Context, merchantID, id string) (*tender.Item, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("item")
	}
	it, err := scanItem(e.r.QueryRowContext(ctx, e.q("ItemGet"), merchantID, id))
	if err != nil {
		return nil, e.notFound(err, "item")
	}
	return it, nil
}

func (e *exec) ItemUpdate(ctx context.Context, it *tender.Item) error {
	if !validID(it.ID) {
		return tender.NotFound("item")
	}
	return e.execOne(ctx, "ItemUpdate", itemArgs(e, it)...)
}

func (e *exec) ItemDelete(ctx context.Context, merchantID, id string, at time.Time) error {
	if !validID(id) {
		return tender.NotFound("item")
	}
	if err := e.execOne(ctx, "ItemDelete", merchantID, id, e.t(at)); err != nil {
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return tender.NotFound("item")
		}
		return err
	}
	return nil
}

func (e *exec) ItemAdjustStock(ctx context.Context, merchantID, id string, delta int64, at time.Time) (*tender.Item, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("item")
	}
	it, err := scanItem(e.w.QueryRowContext(ctx, e.q("ItemAdjustStock"), merchantID, id, delta, e.t(at)))
	if err != nil {
		return nil, e.notFound(err, "item")
	}
	return it, nil
}

func (e *exec) ItemList(ctx context.Context, merchantID string, f tender.ItemFilter, p tender.ListParams) (*tender.Page[*tender.Item], error) {
	if f.IsZero() && p.Sort == "created_at" && p.Desc {
		return listPage(ctx, e, scanItem, "items", merchantID, p)
	}
	if rangePaged(f.CreatedOnly(), p) {
		return listRangePage(ctx, e, scanItem, "items", merchantID, f.CreatedFrom, f.CreatedTo, p)
	}
	active := -1
	if f.Active != nil {
		active = 0
		if *f.Active {
			active = 1
		}
	}
	args := []any{merchantID, f.Category, f.Code, active, likeKeywords(f.Keywords), e.t(f.CreatedFrom), e.t(f.CreatedTo),
		e.t(f.UpdatedFrom), e.t(f.UpdatedTo)}
	sv, sarg := e.search(f.Keywords)
	page := &tender.Page[*tender.Item]{Items: []*tender.Item{}}
	if err := e.r.QueryRowContext(ctx, e.q("ItemCount"+sv), withArgs(args, sarg...)...).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	if page.Total == 0 {
		return page, nil
	}
	items, err := all(ctx, e, e.r, scanItem, e.ordered("ItemList"+sv, p), withArgs(args, append([]any{p.PerPage, p.Offset()}, sarg...)...)...)
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}
