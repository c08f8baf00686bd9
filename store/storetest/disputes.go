package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseDisputes covers disputes: one per processor dispute id, reads
// kept per merchant, updates with evidence, filters, and evidence files
// (one per type and dispute, detached, only live ones listed).
func exerciseDisputes(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("Disputes", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		other := newMerchant(t, s, now)
		p := newTransaction(m.ID, "", now)
		p2 := newTransaction(m.ID, "", now)
		for _, tx := range []*tender.Transaction{p, p2} {
			if err := s.TransactionCreate(ctx, tx); err != nil {
				t.Fatal(err)
			}
		}
		due := tender.NewTime(now.Add(7 * 24 * time.Hour))
		mk := func(tx *tender.Transaction, ref, status string, at tender.Time) *tender.Dispute {
			t.Helper()
			d := &tender.Dispute{ID: uuid.NewString(), MerchantID: m.ID, TransactionID: tx.ID, Processor: "sandbox",
				ProcessorDisputeID: ref, Amount: 1050, Currency: "USD", Reason: "fraudulent", Status: status,
				DueBy: &due, CreatedAt: at, UpdatedAt: at}
			if err := s.DisputeCreate(ctx, d); err != nil {
				t.Fatal(err)
			}
			return d
		}
		a := mk(p, "dp_1", tender.DisputeNeedsResponse, now)
		b := mk(p2, "dp_2", tender.DisputeWon, tender.NewTime(now.Add(time.Second)))

		// The processor's dispute id is unique per merchant and processor.
		dup := *a
		dup.ID = uuid.NewString()
		if err := s.DisputeCreate(ctx, &dup); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("second dispute with one processor id: %v", err)
		}

		got, err := s.DisputeGet(ctx, m.ID, a.ID)
		if err != nil || got.TransactionID != p.ID || got.ProcessorDisputeID != "dp_1" || got.Amount != 1050 ||
			got.Currency != "USD" || got.Status != tender.DisputeNeedsResponse || got.DueBy == nil ||
			!got.DueBy.Equal(due.Time) || got.Evidence != nil || got.SubmittedAt != nil || !got.CreatedAt.Equal(now.Time) {
			t.Fatalf("get = %+v, %v", got, err)
		}
		if _, err := s.DisputeGet(ctx, other.ID, a.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("another merchant's get: %v", err)
		}
		if _, err := s.DisputeGet(ctx, m.ID, "nope"); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("bad id: %v", err)
		}
		err = s.InTx(ctx, func(tx store.Executor) error {
			got, err := tx.DisputeByProcessorRef(ctx, m.ID, "sandbox", "dp_1")
			if err != nil || got.ID != a.ID {
				t.Errorf("by ref = %+v, %v", got, err)
			}
			if _, err := tx.DisputeByProcessorRef(ctx, m.ID, "stripe", "dp_1"); tender.ErrorCode(err) != tender.ENOTFOUND {
				t.Errorf("by ref on another processor: %v", err)
			}
			if _, err := tx.DisputeByProcessorRef(ctx, other.ID, "sandbox", "dp_1"); tender.ErrorCode(err) != tender.ENOTFOUND {
				t.Errorf("by ref of another merchant: %v", err)
			}
			locked, err := tx.DisputeGetForUpdate(ctx, m.ID, a.ID)
			if err != nil {
				return err
			}
			at := tender.NewTime(now.Add(time.Hour))
			locked.Status, locked.SubmittedAt, locked.UpdatedAt = tender.DisputeUnderReview, &at, at
			locked.Evidence = &tender.DisputeEvidence{Text: map[string]string{"uncategorized_text": "receipt attached"},
				FileIDs: []string{"f1"}}
			return tx.DisputeUpdate(ctx, locked)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err = s.DisputeGet(ctx, m.ID, a.ID)
		if err != nil || got.Status != tender.DisputeUnderReview || got.SubmittedAt == nil || got.Evidence == nil ||
			got.Evidence.Text["uncategorized_text"] != "receipt attached" || len(got.Evidence.FileIDs) != 1 {
			t.Fatalf("after update = %+v, %v", got, err)
		}
		wrong := *got
		wrong.MerchantID = other.ID
		if err := s.DisputeUpdate(ctx, &wrong); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("update as another merchant: %v", err)
		}

		for name, tc := range map[string]struct {
			f    tender.DisputeFilter
			want []string
		}{
			"all":         {tender.DisputeFilter{}, []string{b.ID, a.ID}},
			"status":      {tender.DisputeFilter{Status: tender.DisputeWon}, []string{b.ID}},
			"transaction": {tender.DisputeFilter{TransactionID: p.ID}, []string{a.ID}},
			"none":        {tender.DisputeFilter{TransactionID: uuid.NewString()}, nil},
			"bad id":      {tender.DisputeFilter{TransactionID: "x"}, nil},
		} {
			page, err := s.DisputeList(ctx, m.ID, tc.f, tender.ListParams{Page: 1, PerPage: 10, Desc: true})
			if err != nil || page.Total != len(tc.want) || len(page.Items) != len(tc.want) {
				t.Fatalf("%s: %+v %v", name, page, err)
			}
			for i, id := range tc.want {
				if page.Items[i].ID != id {
					t.Errorf("%s: item %d = %s, want %s", name, i, page.Items[i].ID, id)
				}
			}
		}
		if page, err := s.DisputeList(ctx, other.ID, tender.DisputeFilter{}, tender.ListParams{Page: 1, PerPage: 10}); err != nil || page.Total != 0 {
			t.Errorf("another merchant's list: %+v %v", page, err)
		}

		// Evidence files.
		file := func() *tender.File {
			f := &tender.File{ID: uuid.NewString(), MerchantID: m.ID, Name: "r.pdf", Mime: "application/pdf", Size: 2,
				SHA256: "ab", CreatedAt: now, UpdatedAt: now}
			if err := s.InTx(ctx, func(tx store.Executor) error { return tx.FileCreate(ctx, f, []byte("%P")) }); err != nil {
				t.Fatal(err)
			}
			return f
		}
		f1, f2, f3 := file(), file(), file()
		if err := s.DisputeFileAttach(ctx, m.ID, a.ID, f1.ID, "receipt", now.Time); err != nil {
			t.Fatal(err)
		}
		if err := s.DisputeFileAttach(ctx, m.ID, a.ID, f2.ID, "receipt", now.Time); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Errorf("second receipt: %v", err)
		}
		if err := s.DisputeFileAttach(ctx, m.ID, a.ID, f2.ID, "uncategorized_file", now.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := s.DisputeFileAttach(ctx, m.ID, b.ID, f3.ID, "receipt", now.Time); err != nil {
			t.Fatal(err)
		}
		if id, err := s.DisputeFileOf(ctx, m.ID, f2.ID); err != nil || id != a.ID {
			t.Errorf("file of = %q %v", id, err)
		}
		if _, err := s.DisputeFileOf(ctx, other.ID, f2.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("another merchant's file of: %v", err)
		}
		files, err := s.DisputeFiles(ctx, m.ID, []string{a.ID, b.ID, "x"})
		if err != nil || len(files[a.ID]) != 2 || files[a.ID][0].ID != f1.ID || files[a.ID][0].Type != "receipt" ||
			files[a.ID][1].Type != "uncategorized_file" || files[a.ID][0].Mime != "application/pdf" || len(files[b.ID]) != 1 {
			t.Fatalf("files = %+v %v", files, err)
		}
		if files, _ := s.DisputeFiles(ctx, other.ID, []string{a.ID}); len(files) != 0 {
			t.Errorf("another merchant's files: %+v", files)
		}
		// A deleted file is no longer listed; a detached one neither.
		if err := s.InTx(ctx, func(tx store.Executor) error { return tx.FileDelete(ctx, m.ID, f1.ID, now.Time) }); err != nil {
			t.Fatal(err)
		}
		if err := s.DisputeFileDetach(ctx, other.ID, f3.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("another merchant's detach: %v", err)
		}
		if err := s.DisputeFileDetach(ctx, m.ID, f3.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DisputeFileDetach(ctx, m.ID, f3.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("second detach: %v", err)
		}
		files, err = s.DisputeFiles(ctx, m.ID, []string{a.ID, b.ID})
		if err != nil || len(files[a.ID]) != 1 || files[a.ID][0].ID != f2.ID || len(files[b.ID]) != 0 {
			t.Fatalf("files after delete and detach = %+v %v", files, err)
		}
	})
}
