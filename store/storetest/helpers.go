package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// racing runs f(0..n-1) at once and counts the calls that succeeded; the
// others must fail with the code loser (any other error fails the test).
func racing(t *testing.T, n int, loser string, f func(i int) error) int {
	t.Helper()
	var wg sync.WaitGroup
	var won atomic.Int32
	for i := range n {
		wg.Go(func() {
			switch err := f(i); tender.ErrorCode(err) {
			case "":
				won.Add(1)
			case loser:
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	return int(won.Load())
}

func compact(b []byte) []byte {
	var v any
	_ = json.Unmarshal(b, &v)
	out, _ := json.Marshal(v)
	return out
}

func newMerchant(t *testing.T, s store.Store, now tender.Time) *tender.Merchant {
	t.Helper()
	m := &tender.Merchant{ID: uuid.NewString(), CompanyName: "M", Status: "ACTIVE", Sandbox: true,
		WebPaymentsToken: "tok-" + uuid.NewString(), AllowedOrigins: []string{}, CreatedAt: now, UpdatedAt: now}
	if err := s.MerchantCreate(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

func newCustomer(merchantID string, at tender.Time, f func(*tender.Customer)) *tender.Customer {
	c := &tender.Customer{ID: uuid.NewString(), MerchantID: merchantID, Firstname: "F", CCEmails: []string{}, CreatedAt: at, UpdatedAt: at}
	if f != nil {
		f(c)
	}
	return c
}

func newPaymentMethod(merchantID, customerID string, at tender.Time) *tender.PaymentMethod {
	return &tender.PaymentMethod{ID: uuid.NewString(), MerchantID: merchantID, CustomerID: customerID, Method: "card",
		PersonName: "P", CardType: "visa", CardLastFour: "1111", CardExp: "122030", HasCVV: true, IsDefault: true,
		Meta: json.RawMessage(`{}`), IsUsableInVT: true, Fingerprint: uuid.NewString(), CreatedAt: at, UpdatedAt: at}
}

func newTransaction(merchantID, parentID string, at tender.Time) *tender.Transaction {
	return &tender.Transaction{ID: uuid.NewString(), MerchantID: merchantID, ParentID: parentID, CustomerID: "c-1",
		PaymentMethodID: "pm-1", Type: tender.TxCharge, Method: "card", Status: tender.StatusPending, Total: 1000,
		Meta: json.RawMessage(`{}`), CreatedAt: at, UpdatedAt: at}
}

// pageIDs is the ids of a page's items, in order (empty, not nil, for none).
func pageIDs[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, v := range items {
		out[i] = id(v)
	}
	return out
}

// newItem is an item named I in category c.
func newItem(merchantID string, at tender.Time) *tender.Item {
	return &tender.Item{ID: tender.NewID(), MerchantID: merchantID, Item: "I", Category: "c", Meta: json.RawMessage(`{}`),
		CreatedAt: at, UpdatedAt: at}
}

// newInvoice is a draft invoice of 1.00 to customerID.
func newInvoice(merchantID, customerID string, at tender.Time) *tender.Invoice {
	return &tender.Invoice{ID: tender.NewID(), MerchantID: merchantID, CustomerID: customerID, Total: 100, BalanceDue: 100,
		Meta: json.RawMessage(`{}`), Status: tender.InvoiceDraft, URL: "https://pay.example/", CreatedAt: at, UpdatedAt: at}
}

// newSchedule is an active monthly schedule of 1.00 for customerID.
func newSchedule(merchantID, customerID string, at tender.Time) *tender.Schedule {
	return &tender.Schedule{ID: tender.NewID(), MerchantID: merchantID, CustomerID: customerID, Rule: "FREQ=MONTHLY", Total: 100,
		Meta: json.RawMessage(`{}`), Active: true, Status: "ACTIVE", CreatedAt: at, UpdatedAt: at}
}

// createCustomer stores a customer of merchantID created at at.
func createCustomer(t *testing.T, s store.Store, merchantID string, at tender.Time) *tender.Customer {
	t.Helper()
	c := newCustomer(merchantID, at, nil)
	if err := s.CustomerCreate(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// createPaymentMethod stores pm with a sealed number.
func createPaymentMethod(t *testing.T, s store.Store, pm *tender.PaymentMethod) {
	t.Helper()
	if err := s.PaymentMethodCreate(context.Background(), pm, &tender.PaymentMethodSecret{SealedNumber: "sealed"}); err != nil {
		t.Fatal(err)
	}
}

// seedKind is one of migration 012's lists as the list tests fill it:
// create stores one object created at at in tx, del deletes one, restore
// undeletes one (nil for the lists whose delete the store cannot undo).
type seedKind struct {
	create  func(tx store.Executor, at tender.Time) (string, error)
	del     func(id string) error
	restore func(id string) error
}

// seedKinds are the lists of migration 012 by name (customers, items,
// payment_links, and customerID's payment_methods, invoices and
// schedules), for merchantID; deletes happen at now.
func seedKinds(s store.Store, merchantID, customerID string, now tender.Time) map[string]seedKind {
	ctx := context.Background()
	invoices := map[string]*tender.Invoice{}
	schedules := map[string]*tender.Schedule{}
	return map[string]seedKind{
		"customers": {
			create: func(tx store.Executor, at tender.Time) (string, error) {
				c := newCustomer(merchantID, at, nil)
				return c.ID, tx.CustomerCreate(ctx, c)
			},
			del: func(id string) error { return s.CustomerDelete(ctx, merchantID, id, now.Time) },
		},
		"items": {
			create: func(tx store.Executor, at tender.Time) (string, error) {
				it := newItem(merchantID, at)
				return it.ID, tx.ItemCreate(ctx, it)
			},
			del: func(id string) error { return s.ItemDelete(ctx, merchantID, id, now.Time) },
		},
		"payment_links": {
			create: func(tx store.Executor, at tender.Time) (string, error) {
				l := &tender.PaymentLink{ID: tender.NewID(), MerchantID: merchantID, Name: "L", Total: 100, IsActive: true,
					Meta: json.RawMessage(`{}`), CreatedAt: at, UpdatedAt: at}
				return l.ID, tx.PaymentLinkCreate(ctx, l)
			},
			del: func(id string) error { return s.PaymentLinkDelete(ctx, merchantID, id, now.Time) },
		},
		"payment_methods": {
			create: func(tx store.Executor, at tender.Time) (string, error) {
				pm := newPaymentMethod(merchantID, customerID, at)
				return pm.ID, tx.PaymentMethodCreate(ctx, pm, &tender.PaymentMethodSecret{SealedNumber: "sealed"})
			},
			del: func(id string) error { return s.PaymentMethodDelete(ctx, merchantID, id, now.Time) },
		},
		"invoices": {
			create: func(tx store.Executor, at tender.Time) (string, error) {
				inv := newInvoice(merchantID, customerID, at)
				invoices[inv.ID] = inv
				return inv.ID, tx.InvoiceCreate(ctx, inv)
			},
			del: func(id string) error {
				inv := invoices[id]
				at := now
				inv.DeletedAt, inv.Status = &at, tender.InvoiceDeleted
				return s.InvoiceUpdate(ctx, inv)
			},
			restore: func(id string) error {
				inv := invoices[id]
				inv.DeletedAt, inv.Status = nil, tender.InvoiceDraft
				return s.InvoiceUpdate(ctx, inv)
			},
		},
		"schedules": {
			create: func(tx store.Executor, at tender.Time) (string, error) {
				sc := newSchedule(merchantID, customerID, at)
				schedules[sc.ID] = sc
				return sc.ID, tx.ScheduleCreate(ctx, sc)
			},
			del: func(id string) error {
				sc := schedules[id]
				at := now
				sc.DeletedAt, sc.Active = &at, false
				return s.ScheduleUpdate(ctx, sc)
			},
			restore: func(id string) error {
				sc := schedules[id]
				sc.DeletedAt, sc.Active = nil, true
				return s.ScheduleUpdate(ctx, sc)
			},
		},
	}
}

// seed stores n objects of k in one transaction, object i created at
// at(i), and returns their ids in that order.
func seed(t *testing.T, s store.Store, name string, k seedKind, n int, at func(i int) time.Time) []string {
	t.Helper()
	ids := make([]string, 0, n)
	if err := s.InTx(context.Background(), func(tx store.Executor) error {
		for i := range n {
			id, err := k.create(tx, tender.NewTime(at(i)))
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	}); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ids
}

// assignPositions runs the list numberer once: 700 positions at most, to
// the objects created over an hour before now, oldest first.
func assignPositions(t *testing.T, s store.Store, now tender.Time) {
	t.Helper()
	if err := s.InTx(context.Background(), func(tx store.Executor) error {
		_, err := tx.ListPositionsAssign(context.Background(), now.Add(-time.Hour), 700)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// checkPages reads a list with read(page, perPage) at each page size of
// pers, every page and the one past the end, and checks each page and the
// total against want (the whole list, in order). At the last page size it
// reads a sample: the first two pages, the last two and every every-th.
func checkPages(t *testing.T, what string, want []string, pers []int, every int, read func(page, per int) ([]string, int, error)) {
	t.Helper()
	for i, per := range pers {
		last := (len(want) + per - 1) / per
		for page := 1; page <= last+1; page++ {
			if i == len(pers)-1 && page%every != 0 && page > 2 && page < last-1 {
				continue // a sample
			}
			got, total, err := read(page, per)
			if err != nil || total != len(want) {
				t.Fatalf("%s: per %d page %d: total %d, want %d (%v)", what, per, page, total, len(want), err)
			}
			from := min((page-1)*per, len(want))
			if w := want[from:min(from+per, len(want))]; !slices.Equal(got, w) {
				t.Fatalf("%s: per %d page %d = %v, want %v", what, per, page, got, w)
			}
		}
	}
}
