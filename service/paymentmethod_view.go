package service

import (
	"context"

	"github.com/tenderpay/tender"
)

// PaymentMethodView is one payment method with its customer embedded, as
// Stax answers a single payment method (GET, POST and PUT
// /payment-method). Lists carry customer_id alone.
type PaymentMethodView struct {
	PaymentMethod *tender.PaymentMethod
	Customer      *tender.Customer // nil when the customer is gone
}

// MarshalJSON writes the payment method's own fields (with its derived
// ones) and "customer" beside them.
func (v *PaymentMethodView) MarshalJSON() ([]byte, error) { return v.AppendJSON(nil) }

// AppendJSON is MarshalJSON appending to dst.
func (v *PaymentMethodView) AppendJSON(dst []byte) ([]byte, error) {
	dst, err := v.PaymentMethod.AppendJSON(dst)
	if err != nil {
		return nil, err
	}
	dst = append(dst[:len(dst)-1], `,"customer":`...)
	if v.Customer == nil {
		dst = append(dst, "null"...)
	} else {
		dst = v.Customer.AppendJSON(dst)
	}
	return append(dst, '}'), nil
}

// WithCustomer embeds pm's customer.
func (s *Service) WithCustomer(ctx context.Context, pm *tender.PaymentMethod) (*PaymentMethodView, error) {
	v := &PaymentMethodView{PaymentMethod: pm}
	c, err := s.store.CustomerGet(ctx, pm.MerchantID, pm.CustomerID)
	switch {
	case err == nil:
		v.Customer = c
	case tender.ErrorCode(err) != tender.ENOTFOUND:
		return nil, err
	}
	return v, nil
}

// PaymentMethod returns one of the merchant's payment methods with its
// customer.
func (s *Service) PaymentMethod(ctx context.Context, merchantID, id string) (*PaymentMethodView, error) {
	pm, err := s.store.PaymentMethodGet(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	return s.WithCustomer(ctx, pm)
}

// PaymentMethods lists the merchant's payment methods.
func (s *Service) PaymentMethods(ctx context.Context, merchantID string, f tender.PaymentMethodFilter, p tender.ListParams) (*tender.Page[*tender.PaymentMethod], error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return s.store.PaymentMethodList(ctx, merchantID, f, p)
}

// CustomerPaymentMethods returns one customer's payment methods (404 for
// another merchant's customer).
func (s *Service) CustomerPaymentMethods(ctx context.Context, merchantID, customerID string) ([]*tender.PaymentMethod, error) {
	c, err := s.store.CustomerGet(ctx, merchantID, customerID)
	if err != nil {
		return nil, err
	}
	return s.store.PaymentMethodsOfCustomer(ctx, merchantID, c.ID)
}
