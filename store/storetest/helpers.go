package storetest

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"

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
