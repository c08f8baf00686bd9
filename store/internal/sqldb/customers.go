package sqldb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/tenderpay/tender"
)

func init() {
	requiredQueries = append(requiredQueries, "CustomerCreate", "CustomerGet", "CustomerUpdate", "CustomerDelete", "CustomerList", "CustomerCount",
		"CustomerMatchEmail", "CustomerMatchCompanyAddress", "CustomerMatchFirstnamePhone", "CustomerMatchNameAddress", "CustomerMatchLastnamePhone")
}

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
	if rangePaged(f.CreatedOnly(), p) {
		return listRangePage(ctx, e, scanCustomer, "customers", merchantID, f.CreatedFrom, f.CreatedTo, p)
	}
	args := []any{merchantID, f.Email, f.Firstname, f.Lastname, f.Company, f.Phone, f.Reference,
		likeKeywords(f.Keywords), e.t(f.CreatedFrom), e.t(f.CreatedTo), e.t(f.UpdatedFrom), e.t(f.UpdatedTo)}
	sv, sarg := e.search(f.Keywords)
	page := &tender.Page[*tender.Customer]{Items: []*tender.Customer{}}
	if err := e.r.QueryRowContext(ctx, e.q("CustomerCount"+sv), withArgs(args, sarg...)...).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	if page.Total == 0 {
		return page, nil
	}
	items, err := all(ctx, e, e.r, scanCustomer, e.ordered("CustomerList"+sv, p), withArgs(args, append([]any{p.PerPage, p.Offset()}, sarg...)...)...)
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}
