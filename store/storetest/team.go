package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

func newTeamUser(t *testing.T, s store.Store, merchantID, email, role string, at time.Time) *tender.TeamUser {
	t.Helper()
	u := &tender.TeamUser{ID: uuid.NewString(), MerchantID: merchantID, Email: email, PasswordHash: "$2a$10$hash",
		Role: role, CreatedAt: at, UpdatedAt: at}
	if err := s.TeamUserCreate(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// exerciseTeam covers the dashboard's team users, sessions, one-time
// sign-in links, the event log's list and the day's sales volume.
func exerciseTeam(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow.Time

	t.Run("TeamUsers", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, suiteNow), newMerchant(t, s, suiteNow)
		u := newTeamUser(t, s, m.ID, "owner@example.com", tender.RoleOwner, now)
		dup := &tender.TeamUser{ID: uuid.NewString(), MerchantID: other.ID, Email: "owner@example.com",
			PasswordHash: "x", Role: tender.RoleStaff, CreatedAt: now, UpdatedAt: now}
		if err := s.TeamUserCreate(ctx, dup); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("same email at another merchant: %v, want conflict", err)
		}
		got, err := s.TeamUserByEmail(ctx, "Owner@Example.com ")
		if err != nil || got.ID != u.ID || got.MerchantID != m.ID || got.Role != tender.RoleOwner || got.Disabled ||
			!got.CreatedAt.Equal(now) || got.PasswordHash != u.PasswordHash {
			t.Fatalf("by email = %+v, %v", got, err)
		}
		if _, err := s.TeamUserGet(ctx, other.ID, u.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("another merchant's user: %v", err)
		}
		if _, err := s.TeamUserByEmail(ctx, "nobody@example.com"); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("unknown email: %v", err)
		}
		u.Role, u.Disabled, u.UpdatedAt = tender.RoleStaff, true, now.Add(time.Minute)
		if err := s.TeamUserUpdate(ctx, u); err != nil {
			t.Fatal(err)
		}
		if got, err := s.TeamUserGet(ctx, m.ID, u.ID); err != nil || got.Role != tender.RoleStaff || !got.Disabled ||
			!got.UpdatedAt.Equal(now.Add(time.Minute)) {
			t.Fatalf("updated = %+v, %v", got, err)
		}
		moved := *u
		moved.MerchantID = other.ID
		if err := s.TeamUserUpdate(ctx, &moved); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("update through another merchant: %v", err)
		}
		u.Name = "Ada Lovelace ✓"
		if err := s.TeamUserUpdate(ctx, u); err != nil {
			t.Fatal(err)
		}
		if got, err := s.TeamUserGet(ctx, m.ID, u.ID); err != nil || got.Name != u.Name {
			t.Fatalf("name = %+v, %v", got, err)
		}
	})

	t.Run("TeamUserListAndOwners", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, suiteNow), newMerchant(t, s, suiteNow)
		// Three users at one instant and two later: the keyset must page
		// through identical timestamps by id.
		var want []*tender.TeamUser
		for i, role := range []string{tender.RoleOwner, tender.RoleStaff, tender.RoleOwner, tender.RoleAdmin, tender.RoleOwner} {
			at := now
			if i >= 3 {
				at = now.Add(time.Duration(i) * time.Second)
			}
			want = append(want, newTeamUser(t, s, m.ID, fmt.Sprintf("u%d@example.com", i), role, at))
		}
		newTeamUser(t, s, other.ID, "elsewhere@example.com", tender.RoleOwner, now)
		var got []*tender.TeamUser
		var after *tender.TeamUser
		for range 10 {
			page, err := s.TeamUserList(ctx, m.ID, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			got, after = append(got, page...), page[len(page)-1]
		}
		if len(got) != len(want) {
			t.Fatalf("listed %d users, want %d", len(got), len(want))
		}
		seen := map[string]bool{}
		for i, u := range got {
			if u.MerchantID != m.ID || seen[u.ID] || i > 0 && u.CreatedAt.Before(got[i-1].CreatedAt) {
				t.Fatalf("list[%d] = %+v (order, duplicate or another merchant's)", i, u)
			}
			seen[u.ID] = true
		}
		want[4].Disabled = true
		if err := s.TeamUserUpdate(ctx, want[4]); err != nil {
			t.Fatal(err)
		}
		var owners []string
		err := s.InTx(ctx, func(tx store.Executor) error {
			var err error
			owners, err = tx.TeamOwnersLock(ctx, m.ID)
			return err
		})
		if err != nil || len(owners) != 2 || !(owners[0] == want[0].ID || owners[0] == want[2].ID) ||
			!(owners[1] == want[0].ID || owners[1] == want[2].ID) {
			t.Fatalf("enabled owners = %v, %v; want the two enabled owners", owners, err)
		}
	})

	t.Run("TeamSessionsDeleteUser", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, suiteNow)
		u := newTeamUser(t, s, m.ID, "gone@example.com", tender.RoleAdmin, now)
		keep := newTeamUser(t, s, m.ID, "kept@example.com", tender.RoleAdmin, now)
		for i, x := range []*tender.TeamSession{
			{TokenHash: "d-1", Kind: tender.SessionKindSession, UserID: u.ID},
			{TokenHash: "d-2", Kind: tender.SessionKindLink, UserID: u.ID},
			{TokenHash: "d-3", Kind: tender.SessionKindSession, UserID: keep.ID},
		} {
			x.CreatedAt, x.ExpiresAt = now, now.Add(time.Hour)
			if err := s.TeamSessionCreate(ctx, x); err != nil {
				t.Fatal(i, err)
			}
		}
		if err := s.TeamSessionsDeleteUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.TeamSessionGet(ctx, "d-1", now); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("deleted user's session: %v", err)
		}
		if _, err := s.TeamLinkUse(ctx, "d-2", now); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("deleted user's link: %v", err)
		}
		if _, _, err := s.TeamSessionGet(ctx, "d-3", now); err != nil {
			t.Fatalf("another user's session: %v", err)
		}
	})

	t.Run("TeamSessions", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, suiteNow)
		u := newTeamUser(t, s, m.ID, "admin@example.com", tender.RoleAdmin, now)
		sess := &tender.TeamSession{TokenHash: "h-session", Kind: tender.SessionKindSession, UserID: u.ID,
			CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		link := &tender.TeamSession{TokenHash: "h-link", Kind: tender.SessionKindLink, UserID: u.ID,
			CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		for _, x := range []*tender.TeamSession{sess, link} {
			if err := s.TeamSessionCreate(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
		got, gu, err := s.TeamSessionGet(ctx, "h-session", now.Add(time.Minute))
		if err != nil || got.UserID != u.ID || gu.ID != u.ID || gu.MerchantID != m.ID || gu.Email != u.Email ||
			!got.ExpiresAt.Equal(now.Add(time.Hour)) {
			t.Fatalf("session = %+v %+v, %v", got, gu, err)
		}
		if _, _, err := s.TeamSessionGet(ctx, "h-session", now.Add(time.Hour)); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("expired session: %v", err)
		}
		if _, _, err := s.TeamSessionGet(ctx, "h-link", now); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("a link is no session: %v", err)
		}
		if _, err := s.TeamLinkUse(ctx, "h-session", now); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("a session is no link: %v", err)
		}
		// A link is spent once, however many try at once.
		won := racing(t, 4, tender.ENOTFOUND, func(int) error {
			lu, err := s.TeamLinkUse(ctx, "h-link", now.Add(time.Second))
			if err == nil && lu.ID != u.ID {
				return fmt.Errorf("link user %s", lu.ID)
			}
			return err
		})
		if won != 1 {
			t.Fatalf("link spent %d times", won)
		}
		late := &tender.TeamSession{TokenHash: "h-late", Kind: tender.SessionKindLink, UserID: u.ID,
			CreatedAt: now, ExpiresAt: now.Add(time.Minute)}
		if err := s.TeamSessionCreate(ctx, late); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TeamLinkUse(ctx, "h-late", now.Add(time.Minute)); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("expired link: %v", err)
		}
		if err := s.TeamSessionDelete(ctx, "h-session"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.TeamSessionGet(ctx, "h-session", now); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("signed-out session: %v", err)
		}
		if n, err := s.TeamSessionsDeleteExpired(ctx, now.Add(2*time.Hour)); err != nil || n != 2 {
			t.Fatalf("deleted expired = %d, %v (want the link and the late link)", n, err)
		}
	})

	t.Run("EventList", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, suiteNow), newMerchant(t, s, suiteNow)
		names := []string{"create_customer", "update_customer", "create_item", "update_customer", "delete_customer"}
		objects := []string{"c1", "c1", "i1", "c2", "c1"}
		var ids []string
		for i, name := range names {
			ev := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: name, ObjectType: "customer",
				ObjectID: objects[i], Payload: json.RawMessage(`{"i":` + fmt.Sprint(i) + `}`),
				CreatedAt: now.Add(time.Duration(i) * time.Second)}
			if err := s.EventInsert(ctx, ev); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, ev.ID)
		}
		if err := s.EventInsert(ctx, &tender.Event{ID: uuid.NewString(), MerchantID: other.ID, Name: "create_customer",
			ObjectType: "customer", ObjectID: "c1", Payload: json.RawMessage(`{}`), CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		list := func(f tender.EventFilter, page, per int) (int, []string) {
			t.Helper()
			p, err := s.EventList(ctx, m.ID, f, tender.ListParams{Page: page, PerPage: per, Sort: "created_at", Desc: true})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ev := range p.Items {
				if ev.MerchantID != m.ID {
					t.Fatalf("another merchant's event %+v", ev)
				}
				got = append(got, ev.ID)
			}
			return p.Total, got
		}
		if total, got := list(tender.EventFilter{}, 1, 2); total != 5 || fmt.Sprint(got) != fmt.Sprint([]string{ids[4], ids[3]}) {
			t.Fatalf("page 1 = %d %v", total, got)
		}
		if total, got := list(tender.EventFilter{}, 3, 2); total != 5 || fmt.Sprint(got) != fmt.Sprint([]string{ids[0]}) {
			t.Fatalf("page 3 = %d %v", total, got)
		}
		if total, got := list(tender.EventFilter{Name: "update_customer"}, 1, 10); total != 2 ||
			fmt.Sprint(got) != fmt.Sprint([]string{ids[3], ids[1]}) {
			t.Fatalf("by name = %d %v", total, got)
		}
		if total, got := list(tender.EventFilter{ObjectID: "c1"}, 1, 10); total != 3 ||
			fmt.Sprint(got) != fmt.Sprint([]string{ids[4], ids[1], ids[0]}) {
			t.Fatalf("by object = %d %v", total, got)
		}
		if total, got := list(tender.EventFilter{ObjectID: "c1", Name: "update_customer"}, 1, 10); total != 1 ||
			fmt.Sprint(got) != fmt.Sprint([]string{ids[1]}) {
			t.Fatalf("by object and name = %d %v", total, got)
		}
		if total, got := list(tender.EventFilter{Name: "nothing"}, 1, 10); total != 0 || len(got) != 0 {
			t.Fatalf("no match = %d %v", total, got)
		}
		p, err := s.EventList(ctx, m.ID, tender.EventFilter{}, tender.ListParams{Page: 1, PerPage: 1, Desc: true})
		if err != nil || len(p.Items) != 1 || string(compact(p.Items[0].Payload)) != `{"i":4}` ||
			!p.Items[0].CreatedAt.Equal(now.Add(4*time.Second)) || p.Items[0].Name != "delete_customer" {
			t.Fatalf("newest = %+v, %v", p.Items, err)
		}
	})

	t.Run("TransactionVolume", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, suiteNow)
		day := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
		add := func(typ string, total tender.Amount, success, voided bool, at time.Time) {
			t.Helper()
			tx := newTransaction(m.ID, "", tender.NewTime(at))
			tx.Type, tx.Total, tx.Success, tx.IsVoided, tx.Status = typ, total, success, voided, tender.StatusSuccess
			if err := s.TransactionCreate(ctx, tx); err != nil {
				t.Fatal(err)
			}
		}
		add(tender.TxCharge, 1000, true, false, day.Add(time.Hour))
		add(tender.TxCapture, 250, true, false, day.Add(2*time.Hour))
		add(tender.TxCharge, 700, false, false, day.Add(3*time.Hour)) // declined
		add(tender.TxCharge, 900, true, true, day.Add(4*time.Hour))   // voided
		add(tender.TxRefund, 100, true, false, day.Add(5*time.Hour))  // not a sale
		add(tender.TxCharge, 5000, true, false, day.Add(-time.Second))
		add(tender.TxCharge, 6000, true, false, day.Add(24*time.Hour))
		n, sum, err := s.TransactionVolume(ctx, m.ID, day, day.Add(24*time.Hour))
		if err != nil || n != 2 || sum != 1250 {
			t.Fatalf("volume = %d %d, %v (want 2 sales, 1250)", n, sum, err)
		}
		if n, sum, err := s.TransactionVolume(ctx, uuid.NewString(), day, day.Add(24*time.Hour)); err != nil || n != 0 || sum != 0 {
			t.Fatalf("another merchant = %d %d, %v", n, sum, err)
		}
	})
}
