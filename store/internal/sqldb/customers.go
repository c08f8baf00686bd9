package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// requiredQueries lists every named statement the Go code runs; New checks a
// dialect defines them all.
var requiredQueries = []string{
	"PartnerCreate", "PartnerGet",
	"MerchantCreate", "MerchantGet", "MerchantGetByWebToken", "MerchantList", "MerchantCountPartner", "MerchantUpdate", "MerchantCount",
	"APIKeyCreate", "APIKeyGetByHash", "APIKeyDeleteExpired",
	"CustomerCreate", "CustomerGet", "CustomerUpdate", "CustomerDelete", "CustomerList", "CustomerCount",
	"CustomerMatchEmail", "CustomerMatchCompanyAddress", "CustomerMatchFirstnamePhone", "CustomerMatchNameAddress", "CustomerMatchLastnamePhone",
	"ItemCreate", "ItemGet", "ItemUpdate", "ItemDelete", "ItemList", "ItemCount", "ItemAdjustStock",
	"EventInsert", "EventListSince", "OnceClaim",
}

// OnceClaim records the one-time step name; false when it was already taken.
func (e *exec) OnceClaim(ctx context.Context, name string, at time.Time) (bool, error) {
	res, err := e.w.ExecContext(ctx, e.q("OnceClaim"), "once:"+name, at.UTC().Format(time.RFC3339))
	if err != nil {
		return false, e.d.wrap(err)
	}
	n, err := res.RowsAffected()
	return n == 1, e.d.wrap(err)
}

type rowScanner interface{ Scan(dest ...any) error }

// --- partners -------------------------------------------------------------

func (e *exec) PartnerCreate(ctx context.Context, p *tender.Partner) error {
	_, err := e.w.ExecContext(ctx, e.q("PartnerCreate"), p.ID, p.Name, e.t(p.CreatedAt.Time))
	return e.d.wrap(err)
}

func (e *exec) PartnerGet(ctx context.Context, id string) (*tender.Partner, error) {
	if !validID(id) {
		return nil, tender.NotFound("partner")
	}
	var p tender.Partner
	var created timeCol
	err := e.r.QueryRowContext(ctx, e.q("PartnerGet"), id).Scan((*textCol)(&p.ID), &p.Name, &created)
	if err != nil {
		return nil, e.notFound(err, "partner")
	}
	p.CreatedAt = created.tender()
	return &p, nil
}

func (e *exec) notFound(err error, what string) error {
	if err == sql.ErrNoRows {
		return tender.NotFound(what)
	}
	return e.d.wrap(err)
}

// --- merchants ------------------------------------------------------------

func (e *exec) MerchantCreate(ctx context.Context, m *tender.Merchant) error {
	_, err := e.w.ExecContext(ctx, e.q("MerchantCreate"),
		m.ID, nullable(m.PartnerID), m.CompanyName, m.ContactEmail, m.Status, m.Sandbox,
		mustJSON(m.Features), m.WebPaymentsToken, mustJSON(m.AllowedOrigins),
		e.t(m.CreatedAt.Time), e.t(m.UpdatedAt.Time), m.Processor, m.IsTest, m.ProcessorCredentials)
	return e.d.wrap(err)
}

func scanMerchant(row rowScanner) (*tender.Merchant, error) {
	var m tender.Merchant
	var features, origins jsonCol
	var created, updated timeCol
	err := row.Scan((*textCol)(&m.ID), (*textCol)(&m.PartnerID), &m.CompanyName, &m.ContactEmail, &m.Status,
		&m.Sandbox, &features, &m.WebPaymentsToken, &origins, &created, &updated, &m.Processor, &m.IsTest,
		&m.ProcessorCredentials)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(features, &m.Features); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(origins, &m.AllowedOrigins); err != nil {
		return nil, err
	}
	m.CreatedAt, m.UpdatedAt = created.tender(), updated.tender()
	m.SetProcessorConfigured()
	return &m, nil
}

func (e *exec) MerchantGet(ctx context.Context, id string) (*tender.Merchant, error) {
	if !validID(id) {
		return nil, tender.NotFound("merchant")
	}
	m, err := scanMerchant(e.r.QueryRowContext(ctx, e.q("MerchantGet"), id))
	if err != nil {
		return nil, e.notFound(err, "merchant")
	}
	return m, nil
}

func (e *exec) MerchantGetByWebToken(ctx context.Context, token string) (*tender.Merchant, error) {
	m, err := scanMerchant(e.r.QueryRowContext(ctx, e.q("MerchantGetByWebToken"), token))
	if err != nil {
		return nil, e.notFound(err, "merchant")
	}
	return m, nil
}

func (e *exec) MerchantList(ctx context.Context, partnerID string, p tender.ListParams) (*tender.Page[*tender.Merchant], error) {
	page := &tender.Page[*tender.Merchant]{Items: []*tender.Merchant{}}
	if err := e.r.QueryRowContext(ctx, e.q("MerchantCountPartner"), partnerID).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	items, err := all(ctx, e, e.r, scanMerchant, orderBy(e.q("MerchantList"), store.MerchantSorts, p), partnerID, p.PerPage, p.Offset())
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}

func (e *exec) MerchantUpdate(ctx context.Context, m *tender.Merchant) error {
	if !validID(m.ID) {
		return tender.NotFound("merchant")
	}
	return e.execOne(ctx, "MerchantUpdate", m.ID, m.CompanyName, m.ContactEmail, m.Status,
		mustJSON(m.Features), mustJSON(m.AllowedOrigins), e.t(m.UpdatedAt.Time), m.Processor, m.IsTest,
		m.ProcessorCredentials)
}

func (e *exec) MerchantCount(ctx context.Context) (int, error) {
	var n int
	err := e.r.QueryRowContext(ctx, e.q("MerchantCount")).Scan(&n)
	return n, e.d.wrap(err)
}

// --- API keys -------------------------------------------------------------

func (e *exec) APIKeyCreate(ctx context.Context, k *tender.APIKey) error {
	_, err := e.w.ExecContext(ctx, e.q("APIKeyCreate"), k.ID, k.Kind, nullable(k.MerchantID), nullable(k.PartnerID),
		k.Name, k.Hash, k.Prefix, e.t(k.ExpiresAt), e.t(k.CreatedAt))
	return e.d.wrap(err)
}

func (e *exec) APIKeyGetByHash(ctx context.Context, hash string, now time.Time) (*tender.APIKey, error) {
	var k tender.APIKey
	var expires, created timeCol
	err := e.r.QueryRowContext(ctx, e.q("APIKeyGetByHash"), hash).Scan((*textCol)(&k.ID), &k.Kind,
		(*textCol)(&k.MerchantID), (*textCol)(&k.PartnerID), &k.Name, &k.Hash, &k.Prefix, &expires, &created)
	if err != nil {
		return nil, e.notFound(err, "key")
	}
	if expires.valid && !now.Before(expires.t) {
		return nil, tender.NotFound("key")
	}
	if expires.valid {
		k.ExpiresAt = expires.t
	}
	k.CreatedAt = created.t
	return &k, nil
}

func (e *exec) APIKeyDeleteExpired(ctx context.Context, now time.Time) (int, error) {
	res, err := e.w.ExecContext(ctx, e.q("APIKeyDeleteExpired"), e.t(now))
	if err != nil {
		return 0, e.d.wrap(err)
	}
	n, err := res.RowsAffected()
	return int(n), e.d.wrap(err)
}

// --- customers ------------------------------------------------------------

func customerArgs(e *exec, c *tender.Customer) []any {
	return []any{c.ID, c.MerchantID, c.Firstname, c.Lastname, c.Company, c.Email, mustJSON(c.CCEmails), c.Phone,
		c.Address1, c.Address2, c.AddressCity, c.AddressState, c.AddressZip, c.AddressCountry, c.Notes,
		c.Reference, c.AllowInvoiceCreditCardPayments, e.t(c.CreatedAt.Time), e.t(c.UpdatedAt.Time)}
}

func (e *exec) CustomerCreate(ctx context.Context, c *tender.Customer) error {
	args := append(customerArgs(e, c), e.t(tp(c.DeletedAt)))
	_, err := e.w.ExecContext(ctx, e.q("CustomerCreate"), args...)
	return e.d.wrap(err)
}

func scanCustomer(row rowScanner) (*tender.Customer, error) {
	var d customerDest
	if err := row.Scan(d.dest()...); err != nil {
		return nil, err
	}
	return d.finish()
}

// customerDest receives a customer's columns (scanned alone, or after
// another object's in a join).
type customerDest struct {
	c                         tender.Customer
	cc                        jsonCol
	created, updated, deleted timeCol
}

func (d *customerDest) dest() []any {
	c := &d.c
	return []any{(*textCol)(&c.ID), (*textCol)(&c.MerchantID), &c.Firstname, &c.Lastname, &c.Company, &c.Email, &d.cc,
		&c.Phone, &c.Address1, &c.Address2, &c.AddressCity, &c.AddressState, &c.AddressZip, &c.AddressCountry,
		&c.Notes, &c.Reference, &c.AllowInvoiceCreditCardPayments, &d.created, &d.updated, &d.deleted}
}

func (d *customerDest) finish() (*tender.Customer, error) {
	c := &d.c
	if err := json.Unmarshal(d.cc, &c.CCEmails); err != nil {
		return nil, err
	}
	if c.CCEmails == nil {
		c.CCEmails = []string{}
	}
	c.CreatedAt, c.UpdatedAt, c.DeletedAt = d.created.tender(), d.updated.tender(), d.deleted.ptr()
	return c, nil
}

func (e *exec) CustomerGet(ctx context.Context, merchantID, id string) (*tender.Customer, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("customer")
	}
	c, err := scanCustomer(e.r.QueryRowContext(ctx, e.q("CustomerGet"), merchantID, id))
	if err != nil {
		return nil, e.notFound(err, "customer")
	}
	return c, nil
}

// matchQueries names the statement of each customer-matching group.
var matchQueries = map[tender.MatchGroup]string{
	tender.MatchEmail:          "CustomerMatchEmail",
	tender.MatchCompanyAddress: "CustomerMatchCompanyAddress",
	tender.MatchFirstnamePhone: "CustomerMatchFirstnamePhone",
	tender.MatchNameAddress:    "CustomerMatchNameAddress",
	tender.MatchLastnamePhone:  "CustomerMatchLastnamePhone",
}

func (e *exec) CustomerMatch(ctx context.Context, merchantID string, g tender.MatchGroup, probe *tender.Customer) (*tender.Customer, error) {
	name, ok := matchQueries[g]
	if !ok || !validID(merchantID) || !g.Applies(probe) {
		return nil, tender.NotFound("customer")
	}
	args := []any{merchantID}
	for _, v := range g.Fields(probe) {
		args = append(args, v)
	}
	c, err := scanCustomer(e.r.QueryRowContext(ctx, e.q(name), args...))
	if err != nil {
		return nil, e.notFound(err, "customer")
	}
	return c, nil
}

func (e *exec) CustomerUpdate(ctx context.Context, c *tender.Customer) error {
	if !validID(c.ID) {
		return tender.NotFound("customer")
	}
	args := customerArgs(e, c)
	// The update statement takes the same argument list; created_at ($18) is ignored.
	return e.execOne(ctx, "CustomerUpdate", args...)
}

func (e *exec) CustomerDelete(ctx context.Context, merchantID, id string, at time.Time) error {
	if !validID(id) {
		return tender.NotFound("customer")
	}
	if err := e.execOne(ctx, "CustomerDelete", merchantID, id, e.t(at)); err != nil {
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return tender.NotFound("customer")
		}
		return err
	}
	return nil
}

func (e *exec) CustomerList(ctx context.Context, merchantID string, f tender.CustomerFilter, p tender.ListParams) (*tender.Page[*tender.Customer], error) {
	if f.IsZero() && p.Sort == "created_at" && p.Desc {
		return listPage(ctx, e, scanCustomer, "customers", merchantID, p)
	}
	args := []any{merchantID, f.Email, f.Firstname, f.Lastname, f.Company, f.Phone, f.Reference,
		likeKeywords(f.Keywords), e.t(f.CreatedFrom), e.t(f.CreatedTo)}
	page := &tender.Page[*tender.Customer]{Items: []*tender.Customer{}}
	if err := e.r.QueryRowContext(ctx, e.q("CustomerCount"), args...).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	if page.Total == 0 {
		return page, nil
	}
	items, err := all(ctx, e, e.r, scanCustomer, orderBy(e.q("CustomerList"), store.CustomerSorts, p), append(args, p.PerPage, p.Offset())...)
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}

// --- items ----------------------------------------------------------------

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
	active := -1
	if f.Active != nil {
		active = 0
		if *f.Active {
			active = 1
		}
	}
	args := []any{merchantID, f.Category, f.Code, active, likeKeywords(f.Keywords)}
	page := &tender.Page[*tender.Item]{Items: []*tender.Item{}}
	if err := e.r.QueryRowContext(ctx, e.q("ItemCount"), args...).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	if page.Total == 0 {
		return page, nil
	}
	items, err := all(ctx, e, e.r, scanItem, orderBy(e.q("ItemList"), store.ItemSorts, p), append(args, p.PerPage, p.Offset())...)
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}

// --- events ---------------------------------------------------------------

func (e *exec) EventInsert(ctx context.Context, ev *tender.Event) error {
	_, err := e.w.ExecContext(ctx, e.q("EventInsert"), eventArgs(e, ev)...)
	return e.d.wrap(err)
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
