package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/tenderpay/tender"
)

// exercisePaymentLinks covers payment links: their fields (nullable limits
// included), the edit that leaves uses and views alone, the database's
// bound of uses by max_uses, filters, sorts, and concurrent views.
func exercisePaymentLinks(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("PaymentLinks", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		other := newMerchant(t, s, now)
		expires := tender.NewTime(now.Add(48 * time.Hour))
		three := int64(3)
		l := &tender.PaymentLink{ID: tender.NewID(), MerchantID: m.ID, Name: "Yoga pass", Description: "ten classes",
			Total: 12050, Meta: json.RawMessage(`{"a":1}`), IsActive: true, ExpiresAt: &expires, MaxUses: &three,
			CreatedAt: now, UpdatedAt: now}
		if err := s.PaymentLinkCreate(ctx, l); err != nil {
			t.Fatal(err)
		}
		off := &tender.PaymentLink{ID: tender.NewID(), MerchantID: m.ID, Name: "Old offer", Total: 500,
			Meta: json.RawMessage(`{}`), CreatedAt: now, UpdatedAt: now}
		if err := s.PaymentLinkCreate(ctx, off); err != nil {
			t.Fatal(err)
		}
		got, err := s.PaymentLinkGet(ctx, m.ID, l.ID)
		if err != nil || got.Total != 12050 || got.Name != "Yoga pass" || got.MaxUses == nil || *got.MaxUses != 3 ||
			got.ExpiresAt == nil || !got.ExpiresAt.Equal(expires.Time) || !got.IsActive || got.Uses != 0 ||
			string(compact(got.Meta)) != `{"a":1}` || !got.CreatedAt.Equal(now.Time) || got.DeletedAt != nil {
			t.Fatalf("link = %+v, %v", got, err)
		}
		if o, err := s.PaymentLinkGet(ctx, m.ID, off.ID); err != nil || o.MaxUses != nil || o.ExpiresAt != nil || o.IsActive {
			t.Fatalf("unlimited link = %+v, %v", o, err)
		}
		if _, err := s.PaymentLinkGet(ctx, other.ID, l.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("another merchant's link: %v", err)
		}
		if _, err := s.PaymentLinkGet(ctx, m.ID, "not-a-uuid"); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("bad id: %v", err)
		}
		bad := *l
		bad.ID, bad.Total = tender.NewID(), 0
		if err := s.PaymentLinkCreate(ctx, &bad); err == nil {
			t.Error("a zero total was stored")
		}

		// Concurrent views all count, and change nothing else.
		const views = 12
		if won := racing(t, views, "", func(int) error {
			_, err := s.PaymentLinkRecordView(ctx, m.ID, l.ID)
			return err
		}); won != views {
			t.Fatalf("%d of %d views counted", won, views)
		}
		if got, _ := s.PaymentLinkGet(ctx, m.ID, l.ID); got.Views != views || !got.UpdatedAt.Equal(now.Time) {
			t.Fatalf("after views: %+v", got)
		}
		if _, err := s.PaymentLinkRecordView(ctx, other.ID, l.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("another merchant's view: %v", err)
		}

		// An edit writes the link's fields but never uses or views.
		later := tender.NewTime(now.Add(time.Minute))
		edit := *got
		edit.Name, edit.Total, edit.ExpiresAt, edit.MaxUses, edit.Views, edit.UpdatedAt = "Yoga", 9900, nil, nil, 0, later
		if err := s.PaymentLinkUpdate(ctx, &edit); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.PaymentLinkGet(ctx, m.ID, l.ID); got.Name != "Yoga" || got.Total != 9900 || got.ExpiresAt != nil ||
			got.MaxUses != nil || got.Views != views || !got.UpdatedAt.Equal(later.Time) {
			t.Fatalf("after edit: %+v", got)
		}
		foreign := edit
		foreign.MerchantID = other.ID
		if err := s.PaymentLinkUpdate(ctx, &foreign); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("another merchant's edit: %v", err)
		}

		yes, no := true, false
		for name, tc := range map[string]struct {
			f    tender.PaymentLinkFilter
			want int
		}{
			"all": {tender.PaymentLinkFilter{}, 2}, "active": {tender.PaymentLinkFilter{Active: &yes}, 1},
			"inactive": {tender.PaymentLinkFilter{Active: &no}, 1},
			"keyword":  {tender.PaymentLinkFilter{Keywords: []string{"YOGA"}}, 1},
			"keywords": {tender.PaymentLinkFilter{Keywords: []string{"yoga", "offer"}}, 0},
			"wildcard": {tender.PaymentLinkFilter{Keywords: []string{"%"}}, 0},
		} {
			if p, err := s.PaymentLinkList(ctx, m.ID, tc.f, tender.ListParams{Page: 1, PerPage: 5, Sort: "created_at", Desc: true}); err != nil || p.Total != tc.want || len(p.Items) != tc.want {
				t.Errorf("%s: %+v %v", name, p, err)
			}
		}
		for _, col := range tender.PaymentLinkSorts {
			p, err := s.PaymentLinkList(ctx, m.ID, tender.PaymentLinkFilter{}, tender.ListParams{Page: 1, PerPage: 5, Sort: col})
			if err != nil || p.Total != 2 {
				t.Errorf("sort %s: %+v %v", col, p, err)
			}
		}
		if p, _ := s.PaymentLinkList(ctx, m.ID, tender.PaymentLinkFilter{}, tender.ListParams{Page: 1, PerPage: 5, Sort: "total"}); len(p.Items) != 2 || p.Items[0].ID != off.ID {
			t.Errorf("by total ascending: %+v", p)
		}
		if p, _ := s.PaymentLinkList(ctx, other.ID, tender.PaymentLinkFilter{}, tender.ListParams{Page: 1, PerPage: 5, Sort: "created_at", Desc: true}); p.Total != 0 {
			t.Errorf("another merchant's list: %+v", p)
		}

		if err := s.PaymentLinkDelete(ctx, m.ID, l.ID, later.Time); err != nil {
			t.Fatal(err)
		}
		if err := s.PaymentLinkDelete(ctx, m.ID, l.ID, later.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("deleted twice: %v", err)
		}
		if got, err := s.PaymentLinkGet(ctx, m.ID, l.ID); err != nil || got.DeletedAt == nil {
			t.Errorf("deleted link: %+v %v", got, err)
		}
		if _, err := s.PaymentLinkRecordView(ctx, m.ID, l.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("view of a deleted link: %v", err)
		}
		if err := s.PaymentLinkUpdate(ctx, &edit); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("edit of a deleted link: %v", err)
		}
		if p, _ := s.PaymentLinkList(ctx, m.ID, tender.PaymentLinkFilter{}, tender.ListParams{Page: 1, PerPage: 5, Sort: "created_at", Desc: true}); p.Total != 1 {
			t.Errorf("list after delete: %+v", p)
		}
	})

	t.Run("PaymentLinkUses", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		other := newMerchant(t, s, now)
		expires := tender.NewTime(now.Add(time.Hour))
		two := int64(2)
		l := &tender.PaymentLink{ID: tender.NewID(), MerchantID: m.ID, Name: "Class", Total: 1000,
			Meta: json.RawMessage(`{}`), IsActive: true, ExpiresAt: &expires, MaxUses: &two, CreatedAt: now, UpdatedAt: now}
		if err := s.PaymentLinkCreate(ctx, l); err != nil {
			t.Fatal(err)
		}
		if got, err := s.PaymentLinkByID(ctx, l.ID); err != nil || got.MerchantID != m.ID || got.Name != "Class" {
			t.Fatalf("by id: %+v %v", got, err)
		}
		if _, err := s.PaymentLinkByID(ctx, tender.NewID()); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("unknown id: %v", err)
		}
		if _, err := s.PaymentLinkUse(ctx, other.ID, l.ID, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("another merchant's use: %v", err)
		}
		if _, err := s.PaymentLinkUse(ctx, m.ID, l.ID, expires.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("use at expiry: %v", err)
		}
		// Eight concurrent payers of a two-use link: two get a use.
		if won := racing(t, 8, tender.ENOTFOUND, func(int) error {
			_, err := s.PaymentLinkUse(ctx, m.ID, l.ID, now.Time)
			return err
		}); won != 2 {
			t.Fatalf("%d uses taken of 2", won)
		}
		if got, _ := s.PaymentLinkGet(ctx, m.ID, l.ID); got.Uses != 2 {
			t.Fatalf("uses = %d", got.Uses)
		}
		if err := s.PaymentLinkReleaseUse(ctx, m.ID, l.ID); err != nil {
			t.Fatal(err)
		}
		got, err := s.PaymentLinkUse(ctx, m.ID, l.ID, now.Time)
		if err != nil || got.Uses != 2 {
			t.Fatalf("use after release: %+v %v", got, err)
		}
		off := *got
		off.IsActive, off.UpdatedAt = false, now
		if err := s.PaymentLinkUpdate(ctx, &off); err != nil {
			t.Fatal(err)
		}
		if err := s.PaymentLinkReleaseUse(ctx, m.ID, l.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PaymentLinkUse(ctx, m.ID, l.ID, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("use of an inactive link: %v", err)
		}
		off.IsActive, off.MaxUses = true, nil
		if err := s.PaymentLinkUpdate(ctx, &off); err != nil {
			t.Fatal(err)
		}
		if err := s.PaymentLinkDelete(ctx, m.ID, l.ID, now.Time); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PaymentLinkUse(ctx, m.ID, l.ID, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("use of a deleted link: %v", err)
		}
	})
}
