package sqldb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/tenderpay/tender"
)

func init() {
	requiredQueries = append(requiredQueries, "PaymentMethodCreate", "PaymentMethodGet", "PaymentMethodUpdate", "PaymentMethodDelete",
		"PaymentMethodList", "PaymentMethodCount", "PaymentMethodsOfCustomer", "PaymentMethodCustomerHasAny", "PaymentMethodClearDefault",
		"PaymentMethodEraseCVV", "PaymentMethodSecretsPage", "PaymentMethodSetSealed", "PaymentMethodWithSecret", "PaymentMethodUnchanged")
}

func pmArgs(e *exec, pm *tender.PaymentMethod) []any {
	meta := string(pm.Meta)
	if meta == "" {
		meta = "{}"
	}
	return []any{pm.ID, pm.MerchantID, pm.CustomerID, pm.Method, pm.Nickname, pm.PersonName, pm.CardType,
		pm.CardLastFour, pm.CardExp, pm.BinType, pm.HasCVV, pm.IsDefault, pm.BankName, pm.BankType,
		pm.BankHolderType, pm.Address1, pm.Address2, pm.AddressCity, pm.AddressState, pm.AddressZip,
		pm.AddressCountry, meta, pm.IsUsableInVT, pm.Fingerprint, e.t(pm.CreatedAt.Time), e.t(pm.UpdatedAt.Time)}
}

func (e *exec) PaymentMethodCreate(ctx context.Context, pm *tender.PaymentMethod, s *tender.PaymentMethodSecret) error {
	args := append(pmArgs(e, pm), s.SealedNumber, s.SealedCVV, s.BankRouting, e.t(tp(pm.DeletedAt)))
	_, err := e.w.ExecContext(ctx, e.q("PaymentMethodCreate"), args...)
	return e.d.wrap(err)
}

func scanPaymentMethod(row rowScanner) (*tender.PaymentMethod, error) {
	return scanPaymentMethodAnd(row)
}

// scanPaymentMethodAnd scans a payment method's columns, then extra.
func scanPaymentMethodAnd(row rowScanner, extra ...any) (*tender.PaymentMethod, error) {
	var pm tender.PaymentMethod
	var meta jsonCol
	var created, updated, deleted timeCol
	err := row.Scan(append([]any{(*textCol)(&pm.ID), (*textCol)(&pm.MerchantID), (*textCol)(&pm.CustomerID), &pm.Method,
		&pm.Nickname, &pm.PersonName, &pm.CardType, &pm.CardLastFour, &pm.CardExp, &pm.BinType, &pm.HasCVV,
		&pm.IsDefault, &pm.BankName, &pm.BankType, &pm.BankHolderType, &pm.Address1, &pm.Address2,
		&pm.AddressCity, &pm.AddressState, &pm.AddressZip, &pm.AddressCountry, &meta, &pm.IsUsableInVT,
		&pm.Fingerprint, &created, &updated, &deleted}, extra...)...)
	if err != nil {
		return nil, err
	}
	pm.Meta = json.RawMessage(meta)
	pm.CreatedAt, pm.UpdatedAt, pm.DeletedAt = created.tender(), updated.tender(), deleted.ptr()
	return &pm, nil
}

func (e *exec) PaymentMethodGet(ctx context.Context, merchantID, id string) (*tender.PaymentMethod, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("payment method")
	}
	pm, err := scanPaymentMethod(e.r.QueryRowContext(ctx, e.q("PaymentMethodGet"), merchantID, id))
	if err != nil {
		return nil, e.notFound(err, "payment method")
	}
	return pm, nil
}

func (e *exec) PaymentMethodWithSecret(ctx context.Context, merchantID, id string) (*tender.PaymentMethod, *tender.PaymentMethodSecret, *tender.Customer, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, nil, nil, tender.NotFound("payment method")
	}
	sec := &tender.PaymentMethodSecret{PaymentMethodID: id}
	var cd customerDest
	pm, err := scanPaymentMethodAnd(e.r.QueryRowContext(ctx, e.q("PaymentMethodWithSecret"), merchantID, id),
		append([]any{&sec.SealedNumber, &sec.SealedCVV, &sec.BankRouting}, cd.dest()...)...)
	if err != nil {
		return nil, nil, nil, e.notFound(err, "payment method")
	}
	c, err := cd.finish()
	if err != nil {
		return nil, nil, nil, e.d.wrap(err)
	}
	return pm, sec, c, nil
}

func (e *exec) PaymentMethodUpdate(ctx context.Context, pm *tender.PaymentMethod) error {
	if !validID(pm.ID) {
		return tender.NotFound("payment method")
	}
	return e.execOne(ctx, "PaymentMethodUpdate", pmArgs(e, pm)...)
}

func (e *exec) PaymentMethodDelete(ctx context.Context, merchantID, id string, at time.Time) error {
	if !validID(id) {
		return tender.NotFound("payment method")
	}
	if err := e.execOne(ctx, "PaymentMethodDelete", merchantID, id, e.t(at)); err != nil {
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return tender.NotFound("payment method")
		}
		return err
	}
	return nil
}

func (e *exec) queryPaymentMethods(ctx context.Context, query string, args ...any) ([]*tender.PaymentMethod, error) {
	return all(ctx, e, e.r, scanPaymentMethod, query, args...)
}

func (e *exec) PaymentMethodList(ctx context.Context, merchantID string, f tender.PaymentMethodFilter, p tender.ListParams) (*tender.Page[*tender.PaymentMethod], error) {
	if f.IsZero() && p.Sort == "created_at" && p.Desc {
		return listPage(ctx, e, scanPaymentMethod, "payment_methods", merchantID, p)
	}
	if rangePaged(f.CreatedOnly(), p) {
		return listRangePage(ctx, e, scanPaymentMethod, "payment_methods", merchantID, f.CreatedFrom, f.CreatedTo, p)
	}
	if f.CustomerID != "" && !validID(f.CustomerID) {
		// No such customer (and the customer_id index takes a uuid).
		return &tender.Page[*tender.PaymentMethod]{Items: []*tender.PaymentMethod{}}, nil
	}
	args := []any{merchantID, f.CustomerID, f.Method, e.t(f.CreatedFrom), e.t(f.CreatedTo), e.t(f.UpdatedFrom), e.t(f.UpdatedTo)}
	page := &tender.Page[*tender.PaymentMethod]{Items: []*tender.PaymentMethod{}}
	if err := e.r.QueryRowContext(ctx, e.q(byCustomer("PaymentMethodCount", f.CustomerID)), args...).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	if page.Total == 0 {
		return page, nil
	}
	items, err := e.queryPaymentMethods(ctx, e.ordered(byCustomer("PaymentMethodList", f.CustomerID), p), append(args, p.PerPage, p.Offset())...)
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}

func (e *exec) PaymentMethodsOfCustomer(ctx context.Context, merchantID, customerID string) ([]*tender.PaymentMethod, error) {
	if !validID(customerID) {
		return []*tender.PaymentMethod{}, nil
	}
	return e.queryPaymentMethods(ctx, e.q("PaymentMethodsOfCustomer"), merchantID, customerID)
}

func (e *exec) PaymentMethodCustomerHasAny(ctx context.Context, merchantID, customerID string) (bool, error) {
	if !validID(customerID) || !validID(merchantID) {
		return false, nil
	}
	var any bool
	err := e.r.QueryRowContext(ctx, e.q("PaymentMethodCustomerHasAny"), merchantID, customerID).Scan(&any)
	return any, e.d.wrap(err)
}

func (e *exec) PaymentMethodClearDefault(ctx context.Context, merchantID, customerID, exceptID string, at time.Time) error {
	_, err := e.w.ExecContext(ctx, e.q("PaymentMethodClearDefault"), merchantID, customerID, exceptID, e.t(at))
	return e.d.wrap(err)
}

func (e *exec) PaymentMethodEraseCVV(ctx context.Context, id string, at time.Time) error {
	_, err := e.w.ExecContext(ctx, e.q("PaymentMethodEraseCVV"), id, e.t(at))
	return e.d.wrap(err)
}

func (e *exec) PaymentMethodSecretsPage(ctx context.Context, afterID string, limit int) ([]*tender.PaymentMethodSecret, error) {
	if afterID == "" {
		afterID = "00000000-0000-0000-0000-000000000000"
	}
	rows, err := e.r.QueryContext(ctx, e.q("PaymentMethodSecretsPage"), afterID, limit)
	if err != nil {
		return nil, e.d.wrap(err)
	}
	defer rows.Close()
	var out []*tender.PaymentMethodSecret
	for rows.Next() {
		s := &tender.PaymentMethodSecret{}
		if err := rows.Scan((*textCol)(&s.PaymentMethodID), &s.SealedNumber, &s.SealedCVV, &s.BankRouting); err != nil {
			return nil, e.d.wrap(err)
		}
		out = append(out, s)
	}
	return out, e.d.wrap(rows.Err())
}

func (e *exec) PaymentMethodSetSealed(ctx context.Context, s *tender.PaymentMethodSecret) error {
	return e.execOne(ctx, "PaymentMethodSetSealed", s.PaymentMethodID, s.SealedNumber, s.SealedCVV)
}
