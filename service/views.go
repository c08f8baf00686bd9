package service

import (
	"context"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// TransactionView is a transaction as the API shows it: with its computed
// flags, child transactions, customer and payment method.
type TransactionView struct {
	*tender.Transaction
	IsRefundable bool `json:"is_refundable"`
	IsVoidable   bool `json:"is_voidable"`
	IsSettling   bool `json:"is_settling"`
	// Funding is the split-funding allocation (empty unless split).
	Funding []tender.Funding `json:"funding"`
	// Surcharge shadows the transaction's: absent while a card-present sale
	// waits for its card (the surcharge depends on the card presented, so
	// Stax's charge/queue answer has none), else the transaction's.
	Surcharge         *tender.Amount        `json:"surcharge,omitempty"`
	ChildTransactions []*TransactionView    `json:"child_transactions"`
	Customer          *tender.Customer      `json:"customer"`
	PaymentMethod     *tender.PaymentMethod `json:"payment_method"`
	// Currency is always USD (Stax processes US dollars only).
	Currency string `json:"currency"`
	// IsManual marks a payment recorded on an invoice, received outside
	// Tender (cash, check, ...).
	IsManual bool `json:"is_manual"`
	// RecurringTransactionID, UserID and User are null: Tender has no
	// recurring transactions apart from scheduled invoices, and no team
	// users (transactions are made with keys).
	RecurringTransactionID *string   `json:"recurring_transaction_id"`
	UserID                 *string   `json:"user_id"`
	User                   *struct{} `json:"user"`
	// ReceiptEmailAt and ReceiptSMSAt: when the newest receipt went out by
	// each channel (null before one did); ScheduleID: the scheduled invoice
	// whose invoice the payment paid (null otherwise).
	ReceiptEmailAt *tender.Time `json:"receipt_email_at"`
	ReceiptSMSAt   *tender.Time `json:"receipt_sms_at"`
	ScheduleID     *string      `json:"schedule_id"`
}

// extras sets the fields kept beside the transaction.
func (v *TransactionView) extras(x tender.TransactionExtras) {
	v.ReceiptEmailAt, v.ReceiptSMSAt = x.ReceiptEmailAt, x.ReceiptSMSAt
	if x.ScheduleID != "" {
		id := x.ScheduleID
		v.ScheduleID = &id
	}
}

func flags(t *tender.Transaction) *TransactionView {
	return &TransactionView{Transaction: t, IsRefundable: t.IsRefundable(), IsVoidable: t.IsVoidable(),
		IsSettling: t.IsSettling(), ChildTransactions: []*TransactionView{}, Funding: []tender.Funding{},
		Currency: "USD", IsManual: t.Source == tender.SourceManual, Surcharge: knownSurcharge(t)}
}

// knownSurcharge is t's surcharge, or nil while it is not known yet: a
// card-present sale still waiting for its card.
func knownSurcharge(t *tender.Transaction) *tender.Amount {
	if t.Source == SourceTerminal && t.Status == tender.StatusPending && t.PaymentMethodID == "" {
		return nil
	}
	s := t.Surcharge
	return &s
}

// viewCache memoises customers and payment methods while building views.
type viewCache struct {
	customers map[string]*tender.Customer
	methods   map[string]*tender.PaymentMethod
	// funding holds the allocations of fresh transactions (views of them
	// skip the funding query).
	funding map[string][]tender.Funding
}

func newViewCache() *viewCache {
	return &viewCache{customers: map[string]*tender.Customer{}, methods: map[string]*tender.PaymentMethod{},
		funding: map[string][]tender.Funding{}}
}

// Views builds views of ts with their children, customers and payment
// methods, reading through q (the store or a transaction).
func (s *Service) Views(ctx context.Context, q store.Executor, merchantID string, ts []*tender.Transaction) ([]*TransactionView, error) {
	return s.views(ctx, q, merchantID, ts, newViewCache(), false)
}

// views is Views with objects already at hand in cache; childless skips
// the children query (for a transaction just created).
func (s *Service) views(ctx context.Context, q store.Executor, merchantID string, ts []*tender.Transaction, cache *viewCache, childless bool) ([]*TransactionView, error) {
	byParent := map[string][]*TransactionView{}
	if !childless {
		ids := make([]string, 0, len(ts))
		for _, t := range ts {
			ids = append(ids, t.ID)
		}
		children, err := q.TransactionChildren(ctx, merchantID, ids)
		if err != nil {
			return nil, err
		}
		for _, c := range children {
			byParent[c.ParentID] = append(byParent[c.ParentID], flags(c))
		}
	}
	funding := cache.funding
	if !childless {
		ids := make([]string, 0, len(ts))
		for _, t := range ts {
			ids = append(ids, t.ID)
			for _, k := range byParent[t.ID] {
				ids = append(ids, k.ID)
			}
		}
		var err error
		if funding, err = q.FundingOf(ctx, ids); err != nil {
			return nil, err
		}
	}
	// A fresh transaction has no receipt yet; only an invoice's payment
	// can have a schedule.
	var extraIDs []string
	for _, t := range ts {
		if !childless || t.InvoiceID != "" {
			extraIDs = append(extraIDs, t.ID)
			for _, k := range byParent[t.ID] {
				extraIDs = append(extraIDs, k.ID)
			}
		}
	}
	extras, err := q.TransactionExtras(ctx, extraIDs)
	if err != nil {
		return nil, err
	}
	out := make([]*TransactionView, 0, len(ts))
	for _, t := range ts {
		v := flags(t)
		v.extras(extras[t.ID])
		if kids := byParent[t.ID]; kids != nil {
			v.ChildTransactions = kids
			for _, k := range kids {
				if f := funding[k.ID]; f != nil {
					k.Funding = f
				}
				k.extras(extras[k.ID])
			}
		}
		if f := funding[t.ID]; f != nil {
			v.Funding = f
		}
		if v.Customer, err = cache.customer(ctx, q, merchantID, t.CustomerID); err != nil {
			return nil, err
		}
		if v.PaymentMethod, err = cache.method(ctx, q, merchantID, t.PaymentMethodID); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// View is Views for one transaction.
func (s *Service) View(ctx context.Context, q store.Executor, t *tender.Transaction) (*TransactionView, error) {
	vs, err := s.Views(ctx, q, t.MerchantID, []*tender.Transaction{t})
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

func (c *viewCache) customer(ctx context.Context, q store.Executor, merchantID, id string) (*tender.Customer, error) {
	if id == "" {
		return nil, nil
	}
	if v, ok := c.customers[id]; ok {
		return v, nil
	}
	v, err := q.CustomerGet(ctx, merchantID, id)
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		v, err = nil, nil
	}
	c.customers[id] = v
	return v, err
}

func (c *viewCache) method(ctx context.Context, q store.Executor, merchantID, id string) (*tender.PaymentMethod, error) {
	if id == "" {
		return nil, nil
	}
	if v, ok := c.methods[id]; ok {
		return v, nil
	}
	v, err := q.PaymentMethodGet(ctx, merchantID, id)
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		v, err = nil, nil
	}
	c.methods[id] = v
	return v, err
}
