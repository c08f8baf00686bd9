package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseTransactions covers transactions (charges, refunds, voids): create, claim, finalize and list positions.
func exerciseTransactions(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("Transactions", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		parent := newTransaction(m.ID, "", now)
		if err := s.TransactionCreate(ctx, parent); err != nil {
			t.Fatal(err)
		}
		err := s.InTx(ctx, func(tx store.Executor) error {
			p, err := tx.TransactionGetForUpdate(ctx, m.ID, parent.ID)
			if err != nil {
				return err
			}
			p.Status, p.Success, p.Captured, p.IsCaptured, p.GatewayRef = tender.StatusSuccess, true, p.Total, true, "ref1"
			p.SettledAt = &now
			return tx.TransactionUpdate(ctx, p)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.TransactionGet(ctx, m.ID, parent.ID)
		if err != nil || !got.Success || got.Captured != 1000 || got.GatewayRef != "ref1" || got.SettledAt == nil || !got.SettledAt.Equal(now.Time) {
			t.Fatalf("get = %+v, %v", got, err)
		}
		// The refund invariant is also a database constraint.
		over := *got
		over.TotalRefunded = over.Captured + 1
		if err := s.TransactionUpdate(ctx, &over); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("refunded > captured: %v", err)
		}
		child := newTransaction(m.ID, parent.ID, tender.NewTime(now.Add(time.Second)))
		child.Type = tender.TxRefund
		if err := s.TransactionCreate(ctx, child); err != nil {
			t.Fatal(err)
		}
		kids, err := s.TransactionChildren(ctx, m.ID, []string{parent.ID, uuid.NewString()})
		if err != nil || len(kids) != 1 || kids[0].ParentID != parent.ID {
			t.Fatalf("children = %v, %v", kids, err)
		}
		if kids, _ := s.TransactionChildren(ctx, other.ID, []string{parent.ID}); len(kids) != 0 {
			t.Fatal("another merchant sees children")
		}
		yes := true
		for name, tc := range map[string]struct {
			f    tender.TransactionFilter
			want int
		}{
			"all": {tender.TransactionFilter{}, 2}, "type": {tender.TransactionFilter{Type: "refund"}, 1},
			"success": {tender.TransactionFilter{Success: &yes}, 1}, "status": {tender.TransactionFilter{Status: "PENDING"}, 1},
			"customer": {tender.TransactionFilter{CustomerID: parent.CustomerID}, 2},
			"pm":       {tender.TransactionFilter{PaymentMethodID: "nope"}, 0},
			"from":     {tender.TransactionFilter{CreatedFrom: now.Add(time.Second)}, 1},
			"to":       {tender.TransactionFilter{CreatedTo: now.Time}, 1},
		} {
			if p, err := s.TransactionList(ctx, m.ID, tc.f, tender.ListParams{Page: 1, PerPage: 5}); err != nil || p.Total != tc.want {
				t.Errorf("%s: %+v %v", name, p, err)
			}
		}
		for _, col := range tender.TransactionSorts {
			if _, err := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 5, Sort: col}); err != nil {
				t.Errorf("sort %s: %v", col, err)
			}
		}
		if p, _ := s.TransactionList(ctx, other.ID, tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 5}); p.Total != 0 {
			t.Fatal("another merchant lists transactions")
		}
		if _, err := s.TransactionGetForUpdate(ctx, other.ID, parent.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("another merchant locks a transaction")
		}
		pending, err := s.TransactionsPending(ctx, now.Add(time.Hour), 10)
		if err != nil || len(pending) != 1 || pending[0].ID != child.ID {
			t.Fatalf("pending = %v, %v", pending, err)
		}
		unsettled := newTransaction(m.ID, "", now)
		unsettled.Status, unsettled.Success, unsettled.Captured, unsettled.IsCaptured = tender.StatusSuccess, true, unsettled.Total, true
		if err := s.TransactionCreate(ctx, unsettled); err != nil {
			t.Fatal(err)
		}
		for merchant, want := range map[string]int{"": 1, m.ID: 1, other.ID: 0} {
			if u, err := s.TransactionsUnsettled(ctx, merchant, now.Add(time.Hour), nil, 10); err != nil || len(u) != want {
				t.Errorf("unsettled %q: %v %v", merchant, u, err)
			}
		}
		// Keyset pages: after the previous page's last row, ties on
		// created_at broken by id, every row exactly once.
		all := map[string]bool{unsettled.ID: true}
		for i := range 4 {
			u := newTransaction(m.ID, "", tender.NewTime(now.Add(time.Duration(i/2)*time.Second)))
			u.Status, u.Success, u.Captured, u.IsCaptured = tender.StatusSuccess, true, u.Total, true
			if err := s.TransactionCreate(ctx, u); err != nil {
				t.Fatal(err)
			}
			all[u.ID] = true
		}
		seen := map[string]bool{}
		var after *tender.Transaction
		for pages := 0; ; pages++ {
			page, err := s.TransactionsUnsettled(ctx, m.ID, now.Add(time.Hour), after, 2)
			if err != nil || pages > 3 {
				t.Fatalf("page %d: %v %v", pages, page, err)
			}
			if len(page) == 0 {
				break
			}
			for _, u := range page {
				if seen[u.ID] || !all[u.ID] {
					t.Fatalf("page %d: %s again or unknown", pages, u.ID)
				}
				seen[u.ID] = true
			}
			after = page[len(page)-1]
		}
		if len(seen) != len(all) {
			t.Fatalf("pages gave %d of %d unsettled", len(seen), len(all))
		}
	})

	t.Run("TransactionCreateClaimed", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		key := func(merchantID, txID string) *tender.IdempotencyRecord {
			return &tender.IdempotencyRecord{MerchantID: merchantID, Scope: "charge", Key: "claimed", RequestHash: "h",
				State: tender.IdemInFlight, TransactionID: txID, CreatedAt: now.Time, UpdatedAt: now.Time}
		}
		first := newTransaction(m.ID, "", now)
		if err := s.TransactionCreateClaimed(ctx, key(m.ID, first.ID), first); err != nil {
			t.Fatal(err)
		}
		if got, err := s.TransactionGet(ctx, m.ID, first.ID); err != nil || got.Status != tender.StatusPending {
			t.Fatalf("get = %+v, %v", got, err)
		}
		if k, err := s.IdempotencyGet(ctx, m.ID, "charge", "claimed"); err != nil || k.TransactionID != first.ID || k.State != tender.IdemInFlight {
			t.Fatalf("key = %+v, %v", k, err)
		}
		// A taken key writes neither row.
		second := newTransaction(m.ID, "", now)
		if err := s.TransactionCreateClaimed(ctx, key(m.ID, second.ID), second); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("same key: %v", err)
		}
		if _, err := s.TransactionGet(ctx, m.ID, second.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("the refused transaction was written: %v", err)
		}
		// Keys are per merchant; no key writes the transaction alone.
		theirs, keyless := newTransaction(other.ID, "", now), newTransaction(m.ID, "", now)
		if err := s.TransactionCreateClaimed(ctx, key(other.ID, theirs.ID), theirs); err != nil {
			t.Fatal("the same key of another merchant:", err)
		}
		if err := s.TransactionCreateClaimed(ctx, nil, keyless); err != nil {
			t.Fatal(err)
		}
		// Racing claims of one key: exactly one transaction is written.
		if won := racing(t, 8, tender.ECONFLICT, func(int) error {
			tx := newTransaction(m.ID, "", now)
			k := key(m.ID, tx.ID)
			k.Key = "race"
			return s.TransactionCreateClaimed(ctx, k, tx)
		}); won != 1 {
			t.Fatalf("%d racing claims won", won)
		}
		if p, _ := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 50}); p.Total != 3 {
			t.Fatalf("%d transactions, want 3", p.Total)
		}

		// TransactionUpdatePending finalises a PENDING row once.
		done := *first
		done.Status, done.Success, done.Captured, done.IsCaptured, done.GatewayRef = tender.StatusSuccess, true, done.Total, true, "ref"
		stranger := done
		stranger.MerchantID = other.ID
		if err := s.TransactionUpdatePending(ctx, &stranger); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("another merchant's update: %v", err)
		}
		if err := s.TransactionUpdatePending(ctx, &done); err != nil {
			t.Fatal(err)
		}
		again := done
		again.GatewayRef = "ref2"
		if err := s.TransactionUpdatePending(ctx, &again); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("update of a finalised transaction: %v", err)
		}
		if got, _ := s.TransactionGet(ctx, m.ID, first.ID); got.Status != tender.StatusSuccess || got.GatewayRef != "ref" {
			t.Fatalf("after = %+v", got)
		}

		// TransactionFinalize: the outcome, its event and the response, once,
		// all or nothing; racing finalisations of one transaction: one wins.
		event := func(tx *tender.Transaction) *tender.Event {
			return &tender.Event{ID: uuid.NewString(), MerchantID: tx.MerchantID, Name: tender.EventCreateTransaction,
				ObjectType: "transaction", ObjectID: tx.ID, Payload: json.RawMessage(`{"z": 1,"id":"` + tx.ID + `"}`), CreatedAt: now.Time}
		}
		final := *theirs
		final.Status, final.Success, final.Captured, final.IsCaptured, final.GatewayRef = tender.StatusSuccess, true, final.Total, true, "fin"
		alien := final
		alien.MerchantID = m.ID
		if err := s.TransactionFinalize(ctx, &alien, event(&alien), "success", `{"alien":1}`, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("another merchant's finalisation: %v", err)
		}
		if won := racing(t, 8, tender.ENOTFOUND, func(i int) error {
			f := final
			f.AuthCode = strconv.Itoa(i)
			return s.TransactionFinalize(ctx, &f, event(&f), "success", `{"n":`+f.AuthCode+`}`, now.Time)
		}); won != 1 {
			t.Fatalf("%d racing finalisations won", won)
		}
		got, err := s.TransactionGet(ctx, other.ID, theirs.ID)
		if err != nil || got.Status != tender.StatusSuccess || got.GatewayRef != "fin" {
			t.Fatalf("finalised = %+v, %v", got, err)
		}
		k, err := s.IdempotencyGet(ctx, other.ID, "charge", "claimed")
		if err != nil || k.State != tender.IdemDone || k.Response != `{"n":`+got.AuthCode+`}` || k.Outcome != "success" {
			t.Fatalf("key = %+v, %v (auth code %q)", k, err, got.AuthCode)
		}
		evs, err := s.EventListSince(ctx, other.ID, time.Time{}, 50)
		if err != nil || len(evs) != 1 || evs[0].ObjectID != theirs.ID {
			t.Fatalf("events = %+v, %v", evs, err)
		}
		if got, want := string(evs[0].Payload), `{"z": 1,"id":"`+theirs.ID+`"}`; got != want {
			t.Fatalf("payload %s, want the bytes written: %s", got, want)
		}
		if evs, _ := s.EventListSince(ctx, m.ID, time.Time{}, 50); len(evs) != 0 {
			t.Fatalf("the refused finalisation wrote events: %+v", evs)
		}
	})

	t.Run("TransactionPositions", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		// 23 transactions a second apart (two sharing a second: the id breaks
		// the tie), and some of another merchant's in between.
		var want []string // newest first
		for i := range 23 {
			at := tender.NewTime(now.Add(time.Duration(min(i, 21)) * time.Second))
			tx := newTransaction(m.ID, "", at)
			if err := s.TransactionCreate(ctx, tx); err != nil {
				t.Fatal(err)
			}
			want = append(want, tx.ID)
			if i%5 == 0 {
				if err := s.TransactionCreate(ctx, newTransaction(other.ID, "", at)); err != nil {
					t.Fatal(err)
				}
			}
		}
		first, _ := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 200, Sort: "created_at", Desc: true})
		want = want[:0]
		for _, tx := range first.Items {
			want = append(want, tx.ID)
		}
		// The default list pages the same way before, during and after
		// numbering, at every page size; totals hold; past the end is empty.
		check := func(stage string) {
			t.Helper()
			for _, per := range []int{1, 4, 10, 23, 50} {
				var got []string
				for page := 1; page <= (23+per-1)/per+1; page++ {
					p, err := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: page, PerPage: per, Sort: "created_at", Desc: true})
					if err != nil || p.Total != 23 {
						t.Fatalf("%s: per %d page %d: total %v, %v", stage, per, page, p, err)
					}
					for _, tx := range p.Items {
						if tx.MerchantID != m.ID {
							t.Fatalf("%s: another merchant's transaction listed", stage)
						}
						got = append(got, tx.ID)
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%s: per %d: pages = %v, want %v", stage, per, got, want)
				}
			}
			// A filter or another sort takes the counting path, and agrees.
			if p, err := s.TransactionList(ctx, m.ID, tender.TransactionFilter{Type: tender.TxCharge}, tender.ListParams{Page: 2, PerPage: 10, Sort: "created_at", Desc: true}); err != nil ||
				p.Total != 23 || len(p.Items) != 10 || p.Items[0].ID != want[10] {
				t.Fatalf("%s: filtered list = %+v, %v", stage, p, err)
			}
		}
		if len(want) != 23 || want[0] == want[1] {
			t.Fatalf("list = %v", want)
		}
		check("unnumbered")
		assign := func(before time.Time, limit int) int {
			t.Helper()
			var n int
			if err := s.InTx(ctx, func(tx store.Executor) error {
				var err error
				n, err = tx.TransactionPositionsAssign(ctx, before, limit)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// Only those created before the cutoff, oldest first, limit at a time.
		if n := assign(now.Add(10*time.Second), 4); n != 4 {
			t.Fatalf("assigned %d, want 4", n)
		}
		check("partly numbered")
		if n := assign(now.Add(10*time.Second), 100); n != 6+2 { // 10 of m's + 2 of other's, 4 done
			t.Fatalf("assigned %d, want 8", n)
		}
		check("numbered to the cutoff")
		// Several at once (PostgreSQL: one numbers, the others get 0; SQLite:
		// one after another): every transaction numbered once, no gap.
		var wg sync.WaitGroup
		var total atomic.Int64
		for range 4 {
			wg.Go(func() {
				err := s.InTx(ctx, func(tx store.Executor) error {
					n, err := tx.TransactionPositionsAssign(ctx, now.Add(time.Hour), 100)
					total.Add(int64(n))
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if rest := int(total.Load()) + assign(now.Add(time.Hour), 100); rest != 13+3 {
			t.Fatalf("numbered %d more, want 16", rest)
		}
		if n := assign(now.Add(time.Hour), 100); n != 0 {
			t.Fatalf("numbered again: %d", n)
		}
		check("all numbered")
		// New transactions after numbering come first, newest first.
		late := newTransaction(m.ID, "", tender.NewTime(now.Add(-time.Hour))) // written late, stamped early
		fresh := newTransaction(m.ID, "", tender.NewTime(now.Add(time.Minute)))
		for _, tx := range []*tender.Transaction{late, fresh} {
			if err := s.TransactionCreate(ctx, tx); err != nil {
				t.Fatal(err)
			}
		}
		p, err := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 3, Sort: "created_at", Desc: true})
		if err != nil || p.Total != 25 || len(p.Items) != 3 || p.Items[0].ID != fresh.ID || p.Items[1].ID != late.ID || p.Items[2].ID != want[0] {
			t.Fatalf("after new ones = %+v, %v", p, err)
		}
		if p, _ := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 9, PerPage: 3, Sort: "created_at", Desc: true}); p.Total != 25 ||
			len(p.Items) != 1 || p.Items[0].ID != want[22] {
			t.Fatalf("last page = %+v", p)
		}
		if p, _ := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 10, PerPage: 3, Sort: "created_at", Desc: true}); p.Total != 25 || len(p.Items) != 0 {
			t.Fatalf("past the end = %+v", p)
		}
		if p, _ := s.TransactionList(ctx, uuid.NewString(), tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 3, Sort: "created_at", Desc: true}); p.Total != 0 || len(p.Items) != 0 {
			t.Fatalf("unknown merchant = %+v", p)
		}
	})
}
