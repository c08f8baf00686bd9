package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/tenderpay/tender"
)

// exercisePaymentMethods covers payment methods.
func exercisePaymentMethods(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("PaymentMethods", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		c := createCustomer(t, s, m.ID, now)
		if has, err := s.PaymentMethodCustomerHasAny(ctx, m.ID, c.ID); err != nil || has {
			t.Fatalf("has any before the first: %v %v", has, err)
		}
		pm := newPaymentMethod(m.ID, c.ID, now)
		if err := s.PaymentMethodCreate(ctx, pm, &tender.PaymentMethodSecret{SealedNumber: "v1.k1.num", SealedCVV: "v1.k1.cvv"}); err != nil {
			t.Fatal(err)
		}
		pm2 := newPaymentMethod(m.ID, c.ID, now)
		pm2.Method, pm2.IsDefault = "bank", false
		if err := s.PaymentMethodCreate(ctx, pm2, &tender.PaymentMethodSecret{SealedNumber: "v1.k1.acct", BankRouting: "021000021"}); err != nil {
			t.Fatal(err)
		}
		got, err := s.PaymentMethodGet(ctx, m.ID, pm.ID)
		if err != nil || got.CardLastFour != "1111" || got.Fingerprint != pm.Fingerprint || !got.IsDefault || !got.HasCVV {
			t.Fatalf("get = %+v, %v", got, err)
		}
		both, sec, cust, err := s.PaymentMethodWithSecret(ctx, m.ID, pm.ID)
		if err != nil || both.CardLastFour != "1111" || sec.PaymentMethodID != pm.ID || sec.SealedNumber != "v1.k1.num" ||
			sec.SealedCVV != "v1.k1.cvv" {
			t.Fatalf("with secret = %+v %+v, %v", both, sec, err)
		}
		if wantC, _ := s.CustomerGet(ctx, m.ID, c.ID); cust == nil || cust.ID != c.ID || cust.MerchantID != m.ID ||
			cust.Firstname != wantC.Firstname || cust.Email != wantC.Email || !slices.Equal(cust.CCEmails, wantC.CCEmails) ||
			!cust.CreatedAt.Equal(wantC.CreatedAt.Time) || (cust.DeletedAt == nil) != (wantC.DeletedAt == nil) {
			t.Fatalf("with secret: customer = %+v, want %+v", cust, wantC)
		}
		if _, _, _, err := s.PaymentMethodWithSecret(ctx, other.ID, pm.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("another merchant read a secret")
		}
		if err := s.PaymentMethodEraseCVV(ctx, pm.ID, now.Time); err != nil {
			t.Fatal(err)
		}
		if _, sec, _, _ := s.PaymentMethodWithSecret(ctx, m.ID, pm.ID); sec.SealedCVV != "" {
			t.Fatal("cvv not erased")
		}
		if got, _ := s.PaymentMethodGet(ctx, m.ID, pm.ID); got.HasCVV {
			t.Fatal("has_cvv after erase")
		}
		if err := s.PaymentMethodClearDefault(ctx, m.ID, c.ID, pm2.ID, now.Time); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.PaymentMethodGet(ctx, m.ID, pm.ID); got.IsDefault {
			t.Fatal("default not cleared")
		}
		got.Nickname, got.AddressZip = "work", "32801"
		if err := s.PaymentMethodUpdate(ctx, got); err != nil {
			t.Fatal(err)
		}
		for f, want := range map[tender.PaymentMethodFilter]int{{}: 2, {CustomerID: c.ID}: 2, {Method: "bank"}: 1} {
			if p, err := s.PaymentMethodList(ctx, m.ID, f, tender.ListParams{Page: 1, PerPage: 5}); err != nil || p.Total != want {
				t.Errorf("list %+v: %+v %v", f, p, err)
			}
		}
		if has, err := s.PaymentMethodCustomerHasAny(ctx, m.ID, c.ID); err != nil || !has {
			t.Fatalf("has any: %v %v", has, err)
		}
		if has, _ := s.PaymentMethodCustomerHasAny(ctx, other.ID, c.ID); has {
			t.Fatal("another merchant sees the customer's payment methods")
		}
		if list, err := s.PaymentMethodsOfCustomer(ctx, m.ID, c.ID); err != nil || len(list) != 2 {
			t.Fatalf("of customer: %v %v", list, err)
		}
		page, err := s.PaymentMethodSecretsPage(ctx, "", 1)
		if err != nil || len(page) != 1 {
			t.Fatalf("secrets page: %v %v", page, err)
		}
		rest, _ := s.PaymentMethodSecretsPage(ctx, page[0].PaymentMethodID, 10)
		if len(rest) != 1 || rest[0].PaymentMethodID == page[0].PaymentMethodID {
			t.Fatal("secrets paging")
		}
		page[0].SealedNumber = "v1.k2.new"
		if err := s.PaymentMethodSetSealed(ctx, page[0]); err != nil {
			t.Fatal(err)
		}
		if err := s.PaymentMethodDelete(ctx, m.ID, pm.ID, now.Time); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.PaymentMethodsOfCustomer(ctx, m.ID, c.ID); len(list) != 1 {
			t.Fatal("deleted payment method still listed")
		}
		if err := s.PaymentMethodDelete(ctx, m.ID, pm.ID, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("deleted twice")
		}
	})
}
