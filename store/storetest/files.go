package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseFiles covers files: metadata and bytes apart, filters, replacing
// the bytes, soft deletion (the bytes go), and merchants kept apart.
func exerciseFiles(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("Files", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		other := newMerchant(t, s, now)
		inv, item := uuid.NewString(), uuid.NewString()
		tag := "generic"
		// Every byte value, so neither store may treat the content as text.
		data := make([]byte, 3000)
		for i := range data {
			data[i] = byte(i)
		}
		mk := func(name string, tag *string, invoiceID, itemID string, at tender.Time, data []byte) *tender.File {
			t.Helper()
			f := &tender.File{ID: uuid.NewString(), MerchantID: m.ID, Name: name, Tag: tag, Mime: "image/png",
				Size: int64(len(data)), Width: 3, Height: 2, SHA256: "ab", InvoiceID: invoiceID, ItemID: itemID,
				CreatedAt: at, UpdatedAt: at}
			if err := s.InTx(ctx, func(tx store.Executor) error { return tx.FileCreate(ctx, f, data) }); err != nil {
				t.Fatal(err)
			}
			return f
		}
		a := mk("a.png", &tag, inv, "", now, data)
		b := mk("b.png", nil, "", item, tender.NewTime(now.Add(time.Second)), []byte("bb"))

		got, err := s.FileGet(ctx, m.ID, a.ID)
		if err != nil || got.Name != "a.png" || got.Tag == nil || *got.Tag != "generic" || got.Size != 3000 ||
			got.Width != 3 || got.Height != 2 || got.InvoiceID != inv || got.ItemID != "" || got.DeletedAt != nil ||
			!got.CreatedAt.Equal(now.Time) {
			t.Fatalf("get = %+v, %v", got, err)
		}
		if got, _ := s.FileGet(ctx, m.ID, b.ID); got == nil || got.Tag != nil || got.ItemID != item {
			t.Fatalf("untagged = %+v", got)
		}
		meta, content, err := s.FileContent(ctx, m.ID, a.ID)
		if err != nil || !bytes.Equal(content, data) || meta.ID != a.ID || meta.Mime != "image/png" {
			t.Fatalf("content = %d bytes, %+v, %v", len(content), meta, err)
		}
		// Another merchant sees nothing of them.
		if _, err := s.FileGet(ctx, other.ID, a.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("another merchant's get: %v", err)
		}
		if _, _, err := s.FileContent(ctx, other.ID, a.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("another merchant's content: %v", err)
		}
		if err := s.FileDelete(ctx, other.ID, a.ID, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("another merchant's delete: %v", err)
		}
		if p, err := s.FileList(ctx, other.ID, tender.FileFilter{}, tender.ListParams{Page: 1, PerPage: 5}); err != nil || p.Total != 0 {
			t.Errorf("another merchant's list: %+v %v", p, err)
		}
		if _, err := s.FileGet(ctx, m.ID, "not-an-id"); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("bad id: %v", err)
		}

		for name, tc := range map[string]struct {
			f    tender.FileFilter
			want int
		}{
			"all": {tender.FileFilter{}, 2}, "tag": {tender.FileFilter{Tag: "generic"}, 1},
			"invoice": {tender.FileFilter{InvoiceID: inv}, 1}, "item": {tender.FileFilter{ItemID: item}, 1},
			"transaction": {tender.FileFilter{TransactionID: uuid.NewString()}, 0},
			"bad id":      {tender.FileFilter{InvoiceID: "x"}, 0}, "none": {tender.FileFilter{Tag: "other"}, 0},
		} {
			if p, err := s.FileList(ctx, m.ID, tc.f, tender.ListParams{Page: 1, PerPage: 5, Sort: "created_at", Desc: true}); err != nil || p.Total != tc.want || len(p.Items) != tc.want {
				t.Errorf("%s: %+v %v", name, p, err)
			}
		}
		p, err := s.FileList(ctx, m.ID, tender.FileFilter{}, tender.ListParams{Page: 1, PerPage: 5, Sort: "created_at", Desc: true})
		if err != nil || p.Items[0].ID != b.ID || p.Items[1].ID != a.ID {
			t.Fatalf("newest first: %+v %v", p, err)
		}
		for _, col := range tender.FileSorts {
			if _, err := s.FileList(ctx, m.ID, tender.FileFilter{}, tender.ListParams{Page: 1, PerPage: 5, Sort: col}); err != nil {
				t.Errorf("sort %s: %v", col, err)
			}
		}

		// Rename, retag, re-attach, and replace the bytes.
		later := tender.NewTime(now.Add(time.Minute))
		got.Name, got.Tag, got.InvoiceID, got.ItemID, got.UpdatedAt = "renamed.png", nil, "", item, later
		got.Size = 2
		if err := s.InTx(ctx, func(tx store.Executor) error { return tx.FileUpdate(ctx, got, []byte{0, 1}) }); err != nil {
			t.Fatal(err)
		}
		meta, content, err = s.FileContent(ctx, m.ID, a.ID)
		if err != nil || !bytes.Equal(content, []byte{0, 1}) || meta.Name != "renamed.png" || meta.Tag != nil ||
			meta.InvoiceID != "" || meta.ItemID != item || !meta.UpdatedAt.Equal(later.Time) {
			t.Fatalf("after update: %+v %v %v", meta, content, err)
		}
		// Metadata alone keeps the bytes.
		meta.Name = "again.png"
		if err := s.FileUpdate(ctx, meta, nil); err != nil {
			t.Fatal(err)
		}
		if _, content, _ := s.FileContent(ctx, m.ID, a.ID); !bytes.Equal(content, []byte{0, 1}) {
			t.Fatalf("bytes changed by a metadata update: %v", content)
		}
		// Two attachments at once are refused by the database as well.
		two := *meta
		two.InvoiceID = inv
		if err := s.FileUpdate(ctx, &two, nil); err == nil {
			t.Error("a file attached to an invoice and an item was stored")
		}
		foreign := *meta
		foreign.MerchantID = other.ID
		if err := s.FileUpdate(ctx, &foreign, nil); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("update as another merchant: %v", err)
		}

		// Deleting keeps the metadata (deleted_at) and drops the bytes.
		if err := s.InTx(ctx, func(tx store.Executor) error { return tx.FileDelete(ctx, m.ID, a.ID, later.Time) }); err != nil {
			t.Fatal(err)
		}
		if err := s.FileDelete(ctx, m.ID, a.ID, later.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("second delete: %v", err)
		}
		if got, err := s.FileGet(ctx, m.ID, a.ID); err != nil || got.DeletedAt == nil || !got.DeletedAt.Equal(later.Time) {
			t.Fatalf("deleted file = %+v, %v", got, err)
		}
		if _, _, err := s.FileContent(ctx, m.ID, a.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("content of a deleted file: %v", err)
		}
		if err := s.FileUpdate(ctx, meta, nil); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("update of a deleted file: %v", err)
		}
		if p, _ := s.FileList(ctx, m.ID, tender.FileFilter{}, tender.ListParams{Page: 1, PerPage: 5}); p.Total != 1 || p.Items[0].ID != b.ID {
			t.Errorf("list after delete: %+v", p)
		}
		var n int
		if err := s.SQLDB().QueryRowContext(ctx, "SELECT count(*) FROM file_contents").Scan(&n); err != nil || n != 1 {
			t.Errorf("file_contents rows = %d, %v; want 1 (the deleted file's bytes dropped)", n, err)
		}
	})
}
