package service

import (
	"context"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// CreatePaymentLink validates in and stores a new, active payment link.
// Emits create_payment_link.
func (s *Service) CreatePaymentLink(ctx context.Context, merchantID string, in *tender.PaymentLinkInput) (*tender.PaymentLink, error) {
	now := s.now()
	l := &tender.PaymentLink{ID: tender.NewID(), MerchantID: merchantID, CreatedAt: tender.NewTime(now), UpdatedAt: tender.NewTime(now)}
	if err := in.Apply(l, true, now); err != nil {
		return nil, err
	}
	s.setLinkURL(l)
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		if err := tx.PaymentLinkCreate(ctx, l); err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventCreatePaymentLink, "payment_link", l.ID, l)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// UpdatePaymentLink applies the set fields of in to a live link. max_uses
// below the link's uses is a 422. Emits update_payment_link.
func (s *Service) UpdatePaymentLink(ctx context.Context, merchantID, id string, in *tender.PaymentLinkInput) (*tender.PaymentLink, error) {
	var l *tender.PaymentLink
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		var err error
		if l, err = tx.PaymentLinkGet(ctx, merchantID, id); err != nil {
			return err
		}
		if l.DeletedAt != nil {
			return tender.NotFound("payment link")
		}
		now := s.now()
		if err := in.Apply(l, false, now); err != nil {
			return err
		}
		if l.MaxUses != nil && *l.MaxUses < l.Uses {
			return usesAboveMax()
		}
		l.UpdatedAt = tender.NewTime(now)
		if err := tx.PaymentLinkUpdate(ctx, l); err != nil {
			if tender.ErrorCode(err) != tender.ENOTFOUND {
				return err
			}
			// Deleted, or paid past the new max_uses, since the read.
			cur, gerr := tx.PaymentLinkGet(ctx, merchantID, id)
			if gerr != nil || cur.DeletedAt != nil {
				return err
			}
			return usesAboveMax()
		}
		// The stored uses and views, which the update leaves alone.
		if l, err = tx.PaymentLinkGet(ctx, merchantID, id); err != nil {
			return err
		}
		s.setLinkURL(l)
		return s.emit(ctx, tx, merchantID, tender.EventUpdatePaymentLink, "payment_link", l.ID, l)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

func usesAboveMax() error {
	errs := tender.FieldErrors{}
	errs.Add("max_uses", "The max uses may not be less than the link's uses.")
	return errs.Err()
}

// DeletePaymentLink soft-deletes the link (it can no longer be paid) and
// returns it. Emits delete_payment_link.
func (s *Service) DeletePaymentLink(ctx context.Context, merchantID, id string) (*tender.PaymentLink, error) {
	var l *tender.PaymentLink
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		if err := tx.PaymentLinkDelete(ctx, merchantID, id, s.now()); err != nil {
			return err
		}
		var err error
		if l, err = tx.PaymentLinkGet(ctx, merchantID, id); err != nil {
			return err
		}
		s.setLinkURL(l)
		return s.emit(ctx, tx, merchantID, tender.EventDeletePaymentLink, "payment_link", l.ID, l)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// PaymentLink returns one of the merchant's links, deleted ones included.
func (s *Service) PaymentLink(ctx context.Context, merchantID, id string) (*tender.PaymentLink, error) {
	return s.withURL(s.store.PaymentLinkGet(ctx, merchantID, id))
}

// setLinkURL sets the link's public page address.
func (s *Service) setLinkURL(l *tender.PaymentLink) { l.URL = s.PaymentLinkURL() + l.ID }

// withURL is a store answer with the link's url set.
func (s *Service) withURL(l *tender.PaymentLink, err error) (*tender.PaymentLink, error) {
	if err != nil {
		return nil, err
	}
	s.setLinkURL(l)
	return l, nil
}

// PaymentLinks lists the merchant's live links.
func (s *Service) PaymentLinks(ctx context.Context, merchantID string, f tender.PaymentLinkFilter, p tender.ListParams) (*tender.Page[*tender.PaymentLink], error) {
	page, err := s.store.PaymentLinkList(ctx, merchantID, f, p)
	if err != nil {
		return nil, err
	}
	for _, l := range page.Items {
		s.setLinkURL(l)
	}
	return page, nil
}

// PaymentLinkActive says whether the link can be paid now (active, not
// deleted, not expired, uses left), and if not, why.
func (s *Service) PaymentLinkActive(ctx context.Context, merchantID, id string) (*tender.PaymentLinkStatus, error) {
	l, err := s.store.PaymentLinkGet(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	st := l.Status(s.now())
	return &st, nil
}

// RecordPaymentLinkView counts one view of a live link's page, atomically:
// concurrent views all count. A view changes no field of the link itself,
// so it emits no event and leaves updated_at alone.
func (s *Service) RecordPaymentLinkView(ctx context.Context, merchantID, id string) (*tender.PaymentLink, error) {
	return s.withURL(s.store.PaymentLinkRecordView(ctx, merchantID, id))
}
