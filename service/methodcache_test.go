package service

import (
	"fmt"
	"testing"

	"github.com/tenderpay/tender"
)

// TestMethodCache: the cache is bounded, hands out copies (a charge may set
// fields on its own), and forgets a customer's methods at once.
func TestMethodCache(t *testing.T) {
	var c methodCache
	held := func(i int, cust string) (*tender.PaymentMethod, *tender.PaymentMethodSecret, *tender.Customer) {
		return &tender.PaymentMethod{ID: fmt.Sprint("pm", i), MerchantID: "m", CustomerID: cust},
			&tender.PaymentMethodSecret{SealedNumber: "sealed"}, &tender.Customer{ID: cust, MerchantID: "m"}
	}
	for i := range methodCacheMax + 10 {
		c.put(held(i, fmt.Sprint("c", i%3)))
	}
	if n := len(c.m); n != methodCacheMax {
		t.Fatalf("%d held, want at most %d", n, methodCacheMax)
	}
	c.put(held(-1, "c-one"))
	pm, sec, cust, ok := c.get("m", "pm-1")
	if !ok || pm.ID != "pm-1" || sec.SealedNumber != "sealed" || cust.ID != "c-one" {
		t.Fatalf("get = %v %v %v %v", pm, sec, cust, ok)
	}
	pm.Nickname, cust.Email = "changed", "changed"
	if again, _, cust2, _ := c.get("m", "pm-1"); again.Nickname != "" || cust2.Email != "" {
		t.Fatal("a caller's change reached the held copy")
	}
	if _, _, _, ok := c.get("other", "pm-1"); ok {
		t.Fatal("held for another merchant")
	}
	c.forgetCustomer("other", "c-one")
	if _, _, _, ok := c.get("m", "pm-1"); !ok {
		t.Fatal("another merchant's customer of the same id forgot it")
	}
	c.forgetCustomer("m", "c-one")
	if _, _, _, ok := c.get("m", "pm-1"); ok {
		t.Fatal("still held after its customer changed")
	}
	c.forget("m", "pm5")
	for k, h := range c.m {
		if h.pm.ID == "pm5" {
			t.Fatalf("still held after forget: %s", k)
		}
	}
}
