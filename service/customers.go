package service

import (
	"context"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// CreateCustomer validates in and stores a new customer of merchantID.
func (s *Service) CreateCustomer(ctx context.Context, merchantID string, in *tender.CustomerInput) (*tender.Customer, error) {
	now := tender.NewTime(s.now())
	c := &tender.Customer{ID: tender.NewID(), MerchantID: merchantID, AllowInvoiceCreditCardPayments: true, CreatedAt: now, UpdatedAt: now}
	in.Apply(c)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		if err := tx.CustomerCreate(ctx, c); err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventCreateCustomer, "customer", c.ID, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateCustomer applies the set fields of in to the customer.
func (s *Service) UpdateCustomer(ctx context.Context, merchantID, id string, in *tender.CustomerInput) (*tender.Customer, error) {
	var c *tender.Customer
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		var err error
		if c, err = tx.CustomerGet(ctx, merchantID, id); err != nil {
			return err
		}
		if c.DeletedAt != nil {
			return tender.NotFound("customer")
		}
		in.Apply(c)
		if err := c.Validate(); err != nil {
			return err
		}
		c.UpdatedAt = tender.NewTime(s.now())
		if err := tx.CustomerUpdate(ctx, c); err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventUpdateCustomer, "customer", c.ID, c)
	})
	if err != nil {
		return nil, err
	}
	s.methods.forgetCustomer(merchantID, id)
	return c, nil
}

// DeleteCustomer soft-deletes the customer and returns it.
func (s *Service) DeleteCustomer(ctx context.Context, merchantID, id string) (*tender.Customer, error) {
	var c *tender.Customer
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		if err := tx.CustomerDelete(ctx, merchantID, id, s.now()); err != nil {
			return err
		}
		var err error
		if c, err = tx.CustomerGet(ctx, merchantID, id); err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventDeleteCustomer, "customer", c.ID, c)
	})
	if err != nil {
		return nil, err
	}
	s.methods.forgetCustomer(merchantID, id)
	return c, nil
}
