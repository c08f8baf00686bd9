package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
)

// exerciseMerchants covers merchants and their API keys.
func exerciseMerchants(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("Merchants", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		p := &tender.Partner{ID: uuid.NewString(), Name: "ISV", CreatedAt: now}
		if err := s.PartnerCreate(ctx, p); err != nil {
			t.Fatal(err)
		}
		if got, err := s.PartnerGet(ctx, p.ID); err != nil || got.Name != "ISV" || !got.CreatedAt.Equal(now.Time) {
			t.Fatalf("partner = %+v, %v", got, err)
		}
		m := newMerchant(t, s, now)
		m2 := &tender.Merchant{ID: uuid.NewString(), PartnerID: p.ID, CompanyName: "B", Status: "ACTIVE",
			WebPaymentsToken: "tok-" + uuid.NewString(), AllowedOrigins: []string{"https://shop.test"},
			Features: tender.Features{SplitFunding: true, SurchargeRateBasis: 250}, CreatedAt: now, UpdatedAt: now}
		if err := s.MerchantCreate(ctx, m2); err != nil {
			t.Fatal(err)
		}
		dup := *m2
		dup.ID = uuid.NewString()
		if err := s.MerchantCreate(ctx, &dup); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("duplicate web token: %v", err)
		}
		got, err := s.MerchantGetByWebToken(ctx, m2.WebPaymentsToken)
		if err != nil || got.ID != m2.ID || !got.Features.SplitFunding || got.Features.SurchargeRateBasis != 250 ||
			len(got.AllowedOrigins) != 1 || got.PartnerID != p.ID {
			t.Fatalf("by token = %+v, %v", got, err)
		}
		got.Features.CPTokenization, got.CompanyName = true, "B2"
		if err := s.MerchantUpdate(ctx, got); err != nil {
			t.Fatal(err)
		}
		if g, _ := s.MerchantGet(ctx, m2.ID); !g.Features.CPTokenization || g.CompanyName != "B2" {
			t.Fatalf("update lost: %+v", g)
		}
		if n, err := s.MerchantCount(ctx); err != nil || n != 2 {
			t.Fatalf("count = %d, %v", n, err)
		}
		for partner, want := range map[string]int{"": 2, p.ID: 1} {
			page, err := s.MerchantList(ctx, partner, tender.ListParams{Page: 1, PerPage: 10, Sort: "company_name"})
			if err != nil || page.Total != want || len(page.Items) != want {
				t.Fatalf("list %q = %+v, %v", partner, page, err)
			}
		}
		for _, id := range []string{"nope", "", uuid.NewString()} {
			if _, err := s.MerchantGet(ctx, id); tender.ErrorCode(err) != tender.ENOTFOUND {
				t.Fatalf("get %q: %v", id, err)
			}
		}
		_ = m
	})

	t.Run("APIKeys", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		k := &tender.APIKey{ID: uuid.NewString(), Kind: tender.KeyMerchant, MerchantID: m.ID, Hash: "h1", Prefix: "tnd_sk_ab", CreatedAt: now.Time}
		if err := s.APIKeyCreate(ctx, k); err != nil {
			t.Fatal(err)
		}
		if got, err := s.APIKeyGetByHash(ctx, "h1", now.Time); err != nil || got.MerchantID != m.ID || got.Kind != tender.KeyMerchant {
			t.Fatalf("get = %+v, %v", got, err)
		}
		dup := *k
		dup.ID = uuid.NewString()
		if err := s.APIKeyCreate(ctx, &dup); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("duplicate hash: %v", err)
		}
		eph := &tender.APIKey{ID: uuid.NewString(), Kind: tender.KeyEphemeral, MerchantID: m.ID, Hash: "h2", Prefix: "x",
			ExpiresAt: now.Add(time.Hour), CreatedAt: now.Time}
		if err := s.APIKeyCreate(ctx, eph); err != nil {
			t.Fatal(err)
		}
		if _, err := s.APIKeyGetByHash(ctx, "h2", now.Add(30*time.Minute)); err != nil {
			t.Fatal("live ephemeral key:", err)
		}
		if _, err := s.APIKeyGetByHash(ctx, "h2", now.Add(time.Hour)); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("expired key found")
		}
		if n, err := s.APIKeyDeleteExpired(ctx, now.Add(2*time.Hour)); err != nil || n != 1 {
			t.Fatalf("deleted %d, %v", n, err)
		}
		if _, err := s.APIKeyGetByHash(ctx, "h1", now.Add(48*time.Hour)); err != nil {
			t.Fatal("non-expiring key swept")
		}
	})

	t.Run("MerchantProfileAndLogo", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		m.ContactName, m.AddressCountry = "Ada Lovelace", "USA"
		m.Options = map[string]any{"note": "x", "max_tip": json.Number("25"), "tips": true}
		m.Branding = tender.Branding{PrimaryColor: "#0a66c2", LogoURL: "/branding/" + m.ID + "/logo?v=1"}
		if err := s.MerchantUpdate(ctx, m); err != nil {
			t.Fatal(err)
		}
		got, err := s.MerchantGet(ctx, m.ID)
		if err != nil || got.ContactName != "Ada Lovelace" || got.AddressCountry != "USA" || got.Branding != m.Branding ||
			got.Options["note"] != "x" || got.Options["max_tip"] != json.Number("25") || got.Options["tips"] != true {
			t.Fatalf("profile = %+v, %v", got, err)
		}
		if _, err := s.MerchantLogoGet(ctx, m.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("no logo yet: %v", err)
		}
		for i, data := range [][]byte{{0x89, 'P', 'N', 'G', 0, 1, 2}, {0xff, 0xd8, 0xff, 3}} {
			l := &tender.Logo{ContentType: []string{"image/png", "image/jpeg"}[i], Data: data, UpdatedAt: now}
			if err := s.MerchantLogoPut(ctx, m.ID, l); err != nil {
				t.Fatal(err)
			}
			g, err := s.MerchantLogoGet(ctx, m.ID)
			if err != nil || g.ContentType != l.ContentType || !bytes.Equal(g.Data, data) || !g.UpdatedAt.Equal(now.Time) {
				t.Fatalf("logo %d = %+v, %v", i, g, err)
			}
		}
		if err := s.MerchantLogoDelete(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MerchantLogoGet(ctx, m.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("deleted logo: %v", err)
		}
		if _, err := s.MerchantLogoGet(ctx, "nope"); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("bad id: %v", err)
		}
	})
}
