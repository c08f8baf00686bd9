package service

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// The payer's side of a payment link: its public page (the link id is the
// capability, as an invoice's is for the hosted invoice page) and the
// payment keyed in there. A payment takes one of the link's uses in the
// same database transaction that creates its invoice, by one conditional
// statement (store.PaymentLinkUse), so concurrent payers never take more
// than max_uses between them; a declined payment gives its use back, so
// uses counts the payments that went through (or are still pending).

// PaymentLinkURL is the base of a link's public page: the base followed by
// the link id.
func (s *Service) PaymentLinkURL() string {
	return strings.TrimSuffix(s.InvoiceURL(), "invoice/") + "link/"
}

// PaymentLinkPage is what a link's public page shows.
type PaymentLinkPage struct {
	Link     *tender.PaymentLink
	Merchant string
	// WebToken is the merchant's public web-payments token (for the hosted
	// card fields).
	WebToken string
	Branding tender.Branding
	// Status says whether the link can be paid now, and if not, why.
	Status tender.PaymentLinkStatus
}

// ViewPaymentLink loads a link for its public page by id alone and counts
// the view (a deleted link's page counts none). ENOTFOUND for an unknown
// id; a link that can no longer be paid is returned with its reason.
func (s *Service) ViewPaymentLink(ctx context.Context, id string) (*PaymentLinkPage, error) {
	l, err := s.store.PaymentLinkByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if l.DeletedAt == nil {
		viewed, err := s.RecordPaymentLinkView(ctx, l.MerchantID, l.ID)
		switch {
		case err == nil:
			l = viewed
		case tender.ErrorCode(err) != tender.ENOTFOUND: // deleted since the read: shown as deleted
			return nil, err
		}
	}
	m, err := s.store.MerchantGet(ctx, l.MerchantID)
	if err != nil {
		return nil, err
	}
	return &PaymentLinkPage{Link: l, Merchant: m.CompanyName, WebToken: m.WebPaymentsToken, Branding: m.Branding,
		Status: l.Status(s.now())}, nil
}

// linkUnavailable is the 422 of a payment on a link that cannot be paid.
func linkUnavailable(l *tender.PaymentLink, now tender.Time) error {
	reason := "unavailable"
	if r := l.Status(now.Time).Reason; r != nil {
		reason = *r
	}
	msg := map[string]string{
		tender.LinkReasonInactive: "This payment link is no longer available: it is inactive.",
		tender.LinkReasonExpired:  "This payment link is no longer available: it has expired.",
		tender.LinkReasonUsedUp:   "This payment link is no longer available: it has been used the maximum number of times.",
	}[reason]
	if msg == "" {
		msg = "This payment link is no longer available."
	}
	return invalid("payment_link", msg)
}

// PayPaymentLink is a payment keyed in on a link's public page: in one
// database transaction it takes one of the link's uses, finds the
// merchant's customer with the payer's email (or creates one named after
// the payer), stores the card or bank account on them, creates an invoice
// for the link's total whose meta names the link, and reserves its
// payment; then the processor is asked, the answer recorded on the
// invoice, and the payer emailed a receipt. A declined payment gives its
// use back. A retry with the same idempotency_id answers the first
// attempt's result without a second payment.
func (s *Service) PayPaymentLink(ctx context.Context, linkID string, in *tender.WebPaymentInput) (*HostedPayResult, error) {
	l, err := s.store.PaymentLinkByID(ctx, linkID)
	if err != nil {
		return nil, err
	}
	if l.DeletedAt != nil {
		return nil, tender.NotFound("payment link")
	}
	now := tender.NewTime(s.now())
	errs := tender.FieldErrors{}
	email := strings.TrimSpace(val(in.Email))
	if email == "" {
		errs.Add("email", "The email field is required.")
	}
	name := strings.TrimSpace(val(in.PersonName))
	if name == "" {
		errs.Add("person_name", "The person name field is required.")
	}
	// The payer is a customer found by email alone; nothing else of the
	// body reaches the customer.
	probe := &tender.Customer{ID: tender.NewID(), MerchantID: l.MerchantID, AllowInvoiceCreditCardPayments: true,
		Email: email, CreatedAt: now, UpdatedAt: now}
	probe.Firstname, probe.Lastname, _ = strings.Cut(name, " ")
	probe.Lastname = strings.TrimSpace(probe.Lastname)
	var verr error
	if email != "" {
		verr = probe.Validate()
	}
	p, perr := s.preparePaymentMethod(l.MerchantID, webMethodInput(in, "pending"))
	if err := mergeInvalid(mergeInvalid(errs.Err(), verr), perr); err != nil {
		return nil, err
	}
	meta, _ := json.Marshal(map[string]string{"payment_link_id": l.ID, "payment_link_name": l.Name, "memo": l.Name})
	inv := &tender.Invoice{ID: tender.NewID(), MerchantID: l.MerchantID, Status: tender.InvoiceDraft, CreatedAt: now,
		UpdatedAt: now, Total: l.Total, Meta: meta, URL: s.InvoiceURL()}
	inv.Recompute(0, now)
	id := newIdem("payment_link_pay", in.IdempotencyID, struct {
		Link, Fingerprint, Email string
	}{l.ID, p.pm.Fingerprint, strings.ToLower(email)}, errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if s.seen(ctx, l.MerchantID, id) {
		return s.linkPayReplay(ctx, l.MerchantID, id)
	}
	if st := l.Status(now.Time); !st.IsActive {
		return nil, linkUnavailable(l, now)
	}
	r, customer, err := s.reserveNewInvoiceCharge(ctx, &newInvoiceCharge{merchantID: l.MerchantID, inv: inv, p: p, id: id,
		idempotencyID: in.IdempotencyID, payer: func(tx store.Executor) (*tender.Customer, error) {
			used, err := tx.PaymentLinkUse(ctx, l.MerchantID, l.ID, now.Time)
			if tender.ErrorCode(err) == tender.ENOTFOUND {
				cur, gerr := tx.PaymentLinkGet(ctx, l.MerchantID, l.ID)
				if gerr != nil {
					return nil, gerr
				}
				if cur.DeletedAt != nil {
					return nil, tender.NotFound("payment link")
				}
				return nil, linkUnavailable(cur, now)
			} else if err != nil {
				return nil, err
			}
			inv.Total = used.Total
			inv.Recompute(0, now)
			c, err := tx.CustomerMatch(ctx, l.MerchantID, tender.MatchEmail, probe)
			if tender.ErrorCode(err) != tender.ENOTFOUND {
				return c, err
			}
			if err := tx.CustomerCreate(ctx, probe); err != nil {
				return nil, err
			}
			return probe, s.emit(ctx, tx, l.MerchantID, tender.EventCreateCustomer, "customer", probe.ID, probe)
		}})
	if id != nil && tender.ErrorCode(err) == tender.ECONFLICT {
		return s.linkPayReplay(ctx, l.MerchantID, id)
	} else if err != nil {
		return nil, err
	}
	res, err := s.payReserved(ctx, r, customer.Email != "")
	code := tender.ErrorCode(err)
	if err == nil {
		code = res.Outcome
	}
	if code == tender.EDECLINED || code == tender.EINVALID {
		// Only payments that went through (or may still) keep their use.
		if rerr := s.store.PaymentLinkReleaseUse(context.WithoutCancel(ctx), l.MerchantID, l.ID); rerr != nil {
			s.log().Error("payment link use not given back", "payment_link_id", l.ID, "error", tender.ErrorMessage(rerr))
		}
	}
	if err != nil {
		return nil, err
	}
	return s.hostedResult(ctx, l.MerchantID, inv.ID, res)
}

// linkPayReplay answers a retry: the result of the first attempt's payment.
func (s *Service) linkPayReplay(ctx context.Context, merchantID string, id *idem) (*HostedPayResult, error) {
	res, err := s.replay(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	var t struct {
		InvoiceID string `json:"invoice_id"`
	}
	if err := json.Unmarshal(res.Replay, &t); err != nil || t.InvoiceID == "" {
		return nil, tender.Errorf(tender.EINTERNAL, "payment link replay: no invoice in the stored response")
	}
	return s.hostedResult(ctx, merchantID, t.InvoiceID, res)
}
