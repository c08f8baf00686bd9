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

// exerciseTerminals covers terminal registers, devices and batches.
func exerciseTerminals(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("Terminals", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		exp := tender.NewTime(now.Add(24 * time.Hour))
		a := &tender.Register{ID: uuid.NewString(), MerchantID: m.ID, Nickname: "front", Type: "simulator", BatchTime: "23:00",
			PairingCodeHash: "code-a", PairingExpiresAt: &exp, CreatedAt: now, UpdatedAt: now}
		b := &tender.Register{ID: uuid.NewString(), MerchantID: m.ID, Nickname: "back", Type: "simulator", BatchTime: "22:30", CreatedAt: now, UpdatedAt: now}
		c := &tender.Register{ID: uuid.NewString(), MerchantID: other.ID, Type: "simulator", BatchTime: "23:00", CreatedAt: now, UpdatedAt: now}
		for _, r := range []*tender.Register{a, b, c} {
			if err := s.RegisterCreate(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if a.RegisterNum != 1 || b.RegisterNum != 2 || c.RegisterNum != 1 {
			t.Fatalf("register numbers %d %d %d, want 1 2 (per merchant) 1", a.RegisterNum, b.RegisterNum, c.RegisterNum)
		}
		if _, err := s.RegisterGet(ctx, other.ID, a.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("another merchant's register: %v", err)
		}
		if got, err := s.RegisterGetByNum(ctx, m.ID, 2); err != nil || got.ID != b.ID || got.BatchTime != "22:30" {
			t.Fatalf("by num = %+v, %v", got, err)
		}
		// Pairing: the code finds the register (locked in InTx), the update
		// swaps the code for a device token.
		err := s.InTx(ctx, func(tx store.Executor) error {
			r, err := tx.RegisterByPairingCode(ctx, "code-a")
			if err != nil {
				return err
			}
			if r.ID != a.ID || r.PairingExpiresAt == nil || !r.PairingExpiresAt.Equal(exp.Time) {
				return fmt.Errorf("by pairing code = %+v", r)
			}
			r.PairingCodeHash, r.PairingExpiresAt, r.DeviceTokenHash, r.PairedAt, r.Serial = "", nil, "token-a", &now, "SIM-1"
			return tx.RegisterUpdate(ctx, r)
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RegisterByPairingCode(ctx, "code-a"); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("a used code still pairs: %v", err)
		}
		got, err := s.RegisterByDeviceToken(ctx, "token-a")
		if err != nil || got.ID != a.ID || got.Serial != "SIM-1" || got.PairedAt == nil || got.RegisterNum != 1 {
			t.Fatalf("by device token = %+v, %v", got, err)
		}
		seen := now.Add(time.Minute)
		if err := s.RegisterTouch(ctx, a.ID, seen); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.RegisterGet(ctx, m.ID, a.ID); got.LastSeenAt == nil || !got.LastSeenAt.Equal(seen) {
			t.Fatalf("touch: %+v", got.LastSeenAt)
		}
		if list, err := s.RegisterList(ctx, m.ID); err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
			t.Fatalf("list = %v, %v", list, err)
		}

		// Requests: claimed oldest first, each by one claimant.
		tx := newTransaction(m.ID, "", now)
		tx.Status, tx.Success, tx.Captured, tx.IsCaptured, tx.Source = tender.StatusSuccess, true, tx.Total, true, "terminal"
		if err := s.TransactionCreate(ctx, tx); err != nil {
			t.Fatal(err)
		}
		var reqs []*tender.TerminalRequest
		for i := range 3 {
			r := &tender.TerminalRequest{ID: uuid.NewString(), MerchantID: m.ID, RegisterID: a.ID, Kind: tender.TermSale,
				Amount: tender.Amount(100 * (i + 1)), Params: json.RawMessage(`{"tip":true}`), State: tender.TermQueued,
				CreatedAt: tender.NewTime(now.Add(time.Duration(i) * time.Second))}
			if i == 0 {
				r.TransactionID = tx.ID
			}
			if err := s.TerminalRequestCreate(ctx, r); err != nil {
				t.Fatal(err)
			}
			reqs = append(reqs, r)
		}
		since := now.Add(-time.Hour)
		claimed := make(chan string, 3)
		errs := make(chan error, 3)
		for range 3 {
			go func() {
				r, err := s.TerminalRequestClaim(ctx, a.ID, now.Add(time.Minute), since)
				if err == nil && r != nil {
					if r.State != tender.TermDelivered || r.DeliveredAt == nil {
						err = fmt.Errorf("claimed = %+v", r)
					}
					claimed <- r.ID
				}
				errs <- err
			}()
		}
		got3 := map[string]bool{}
		for range 3 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		close(claimed)
		for id := range claimed {
			if got3[id] {
				t.Fatalf("request %s claimed twice", id)
			}
			got3[id] = true
		}
		if len(got3) != 3 {
			t.Fatalf("claimed %d of 3", len(got3))
		}
		if r, err := s.TerminalRequestClaim(ctx, a.ID, now.Time, since); err != nil || r != nil {
			t.Fatalf("claim with nothing queued = %+v, %v", r, err)
		}
		open, err := s.TerminalRequestsOpen(ctx, a.ID, since)
		if err != nil || len(open) != 3 || open[0].ID != reqs[0].ID || open[2].ID != reqs[2].ID {
			t.Fatalf("open = %v, %v", open, err)
		}
		err = s.InTx(ctx, func(q store.Executor) error {
			r, err := q.TerminalRequestGetForUpdate(ctx, m.ID, reqs[0].ID)
			if err != nil {
				return err
			}
			done := tender.NewTime(now.Add(2 * time.Minute))
			r.State, r.Result, r.DoneAt = tender.TermDone, json.RawMessage(`{"transaction_id":"x"}`), &done
			return q.TerminalRequestUpdate(ctx, r)
		})
		if err != nil {
			t.Fatal(err)
		}
		if r, err := s.TerminalRequestByTransaction(ctx, tx.ID); err != nil || r.ID != reqs[0].ID || r.State != tender.TermDone ||
			string(compact(r.Result)) != `{"transaction_id":"x"}` || string(compact(r.Params)) != `{"tip":true}` || r.Amount != 100 {
			t.Fatalf("by transaction = %+v, %v", r, err)
		}
		for _, c := range []struct {
			merchant, register string
			want               int
		}{{m.ID, a.ID, 1}, {m.ID, b.ID, 0}, {other.ID, a.ID, 0}} {
			ts, err := s.TerminalTransactionsUnsettled(ctx, c.merchant, c.register, now.Add(time.Hour), nil, 10)
			if err != nil || len(ts) != c.want || c.want == 1 && ts[0].ID != tx.ID {
				t.Fatalf("unsettled of register %s: %v, %v; want %d", c.register, ts, err, c.want)
			}
		}
		// Keyset pages over identical timestamps: after the previous page's
		// last row, ties on created_at broken by id, every row exactly once.
		all := map[string]bool{tx.ID: true}
		for i := range 5 {
			u := newTransaction(m.ID, "", tender.NewTime(now.Add(time.Duration(i/3)*time.Second)))
			u.Status, u.Success, u.Captured, u.IsCaptured, u.Source = tender.StatusSuccess, true, u.Total, true, "terminal"
			if err := s.TransactionCreate(ctx, u); err != nil {
				t.Fatal(err)
			}
			done := tender.NewTime(now.Add(time.Minute))
			r := &tender.TerminalRequest{ID: uuid.NewString(), MerchantID: m.ID, RegisterID: a.ID, Kind: tender.TermSale,
				Amount: u.Total, Params: json.RawMessage(`{}`), State: tender.TermDone, TransactionID: u.ID,
				CreatedAt: u.CreatedAt, DoneAt: &done}
			if err := s.TerminalRequestCreate(ctx, r); err != nil {
				t.Fatal(err)
			}
			all[u.ID] = true
		}
		paged := map[string]bool{}
		var after *tender.Transaction
		for pages := 0; ; pages++ {
			page, err := s.TerminalTransactionsUnsettled(ctx, m.ID, a.ID, now.Add(time.Hour), after, 2)
			if err != nil || pages > 3 {
				t.Fatalf("page %d: %v %v", pages, page, err)
			}
			if len(page) == 0 {
				break
			}
			for _, u := range page {
				if paged[u.ID] || !all[u.ID] {
					t.Fatalf("page %d: %s again or unknown", pages, u.ID)
				}
				paged[u.ID] = true
			}
			after = page[len(page)-1]
		}
		if len(paged) != len(all) {
			t.Fatalf("pages gave %d of %d unsettled", len(paged), len(all))
		}
		if _, err := s.TerminalRequestGet(ctx, other.ID, reqs[0].ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("another merchant's request: %v", err)
		}
		// Expiry takes the unanswered ones only.
		if n, err := s.TerminalRequestsExpire(ctx, now.Add(time.Hour)); err != nil || n != 2 {
			t.Fatalf("expired %d, %v; want 2", n, err)
		}
		if r, _ := s.TerminalRequestGet(ctx, m.ID, reqs[1].ID); r.State != tender.TermExpired {
			t.Fatalf("state after expiry %q", r.State)
		}

		// A customer and a card recorded for a transaction only are created
		// already soft-deleted.
		cu := newCustomer(m.ID, now, func(c *tender.Customer) { c.DeletedAt = &now })
		if err := s.CustomerCreate(ctx, cu); err != nil {
			t.Fatal(err)
		}
		if got, err := s.CustomerGet(ctx, m.ID, cu.ID); err != nil || got.DeletedAt == nil {
			t.Fatalf("customer created deleted = %+v, %v", got, err)
		}
		pm := newPaymentMethod(m.ID, cu.ID, now)
		pm.DeletedAt = &now
		if err := s.PaymentMethodCreate(ctx, pm, &tender.PaymentMethodSecret{PaymentMethodID: pm.ID, SealedNumber: "x"}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.PaymentMethodGet(ctx, m.ID, pm.ID); err != nil || got.DeletedAt == nil {
			t.Fatalf("payment method created deleted = %+v, %v", got, err)
		}
	})
}
