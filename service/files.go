package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// MaxFileSize is the upload limit in bytes (MaxFileBytes, or
// tender.DefaultMaxFileBytes when unset).
func (s *Service) MaxFileSize() int64 {
	if s.MaxFileBytes > 0 {
		return s.MaxFileBytes
	}
	return tender.DefaultMaxFileBytes
}

// CreateFile validates an upload (type sniffed from the bytes, size,
// attachment) and stores it with its bytes.
func (s *Service) CreateFile(ctx context.Context, merchantID string, in *tender.FileInput) (*tender.File, error) {
	now := tender.NewTime(s.now())
	f := &tender.File{ID: tender.NewID(), MerchantID: merchantID, CreatedAt: now, UpdatedAt: now}
	if err := in.Apply(f, true, s.MaxFileSize()); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(in.Data)
	f.SHA256 = hex.EncodeToString(sum[:])
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		if err := checkAttachment(ctx, tx, f, &tender.File{}); err != nil {
			return err
		}
		return tx.FileCreate(ctx, f, in.Data)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// UpdateFile renames, retags, re-attaches a live file or replaces its
// bytes (the same checks as an upload). Another merchant's or a deleted
// file is ENOTFOUND, whatever the input.
func (s *Service) UpdateFile(ctx context.Context, merchantID, id string, in *tender.FileInput) (*tender.File, error) {
	var f *tender.File
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		var err error
		if f, err = tx.FileGet(ctx, merchantID, id); err != nil {
			return err
		}
		if f.DeletedAt != nil {
			return tender.NotFound("file")
		}
		before := *f
		if err := in.Apply(f, false, s.MaxFileSize()); err != nil {
			return err
		}
		if in.Data != nil {
			sum := sha256.Sum256(in.Data)
			f.SHA256 = hex.EncodeToString(sum[:])
		}
		if err := checkAttachment(ctx, tx, f, &before); err != nil {
			return err
		}
		f.UpdatedAt = tender.NewTime(s.now())
		return tx.FileUpdate(ctx, f, in.Data)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// checkAttachment makes sure a file newly attached (not already so in
// before) names a live invoice, item or transaction of the file's
// merchant: else a 422 on the field, never a hint of another merchant's.
func checkAttachment(ctx context.Context, tx store.Executor, f, before *tender.File) error {
	errs := tender.FieldErrors{}
	invalid := func(field string, err error) error {
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			errs.Add(field, "The selected "+map[string]string{"invoice_id": "invoice id", "item_id": "item id",
				"transaction_id": "transaction id"}[field]+" is invalid.")
			return errs.Err()
		}
		return err
	}
	switch {
	case f.InvoiceID != "" && f.InvoiceID != before.InvoiceID:
		inv, err := tx.InvoiceGet(ctx, f.MerchantID, f.InvoiceID)
		if err == nil && inv.DeletedAt != nil {
			err = tender.NotFound("invoice")
		}
		if err != nil {
			return invalid("invoice_id", err)
		}
	case f.ItemID != "" && f.ItemID != before.ItemID:
		it, err := tx.ItemGet(ctx, f.MerchantID, f.ItemID)
		if err == nil && it.DeletedAt != nil {
			err = tender.NotFound("item")
		}
		if err != nil {
			return invalid("item_id", err)
		}
	case f.TransactionID != "" && f.TransactionID != before.TransactionID:
		if _, err := tx.TransactionGet(ctx, f.MerchantID, f.TransactionID); err != nil {
			return invalid("transaction_id", err)
		}
	}
	return nil
}

// DeleteFile soft-deletes a file, drops its bytes, and returns it (with
// deleted_at); ENOTFOUND when absent or already deleted.
func (s *Service) DeleteFile(ctx context.Context, merchantID, id string) (*tender.File, error) {
	var f *tender.File
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		if err := tx.FileDelete(ctx, merchantID, id, s.now()); err != nil {
			return err
		}
		var err error
		f, err = tx.FileGet(ctx, merchantID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// GetFile returns a file's metadata (deleted ones too, as Stax shows them).
func (s *Service) GetFile(ctx context.Context, merchantID, id string) (*tender.File, error) {
	return s.store.FileGet(ctx, merchantID, id)
}

// FileContent returns a live file and its bytes; ENOTFOUND once deleted.
func (s *Service) FileContent(ctx context.Context, merchantID, id string) (*tender.File, []byte, error) {
	return s.store.FileContent(ctx, merchantID, id)
}

// ListFiles lists the merchant's live files, without their bytes.
func (s *Service) ListFiles(ctx context.Context, merchantID string, f tender.FileFilter, p tender.ListParams) (*tender.Page[*tender.File], error) {
	return s.store.FileList(ctx, merchantID, f, p)
}
