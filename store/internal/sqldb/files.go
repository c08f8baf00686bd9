package sqldb

import (
	"context"
	"database/sql"
	"time"

	"github.com/tenderpay/tender"
)

func init() {
	requiredQueries = append(requiredQueries, "FileCreate", "FileContentPut", "FileGet", "FileContent", "FileUpdate",
		"FileDelete", "FileContentDelete", "FileCount", "FileList")
}

// fileArgs are FileCreate's and FileUpdate's arguments ($13, $14: the times).
func fileArgs(f *tender.File) []any {
	var tag any
	if f.Tag != nil {
		tag = *f.Tag
	}
	return []any{f.ID, f.MerchantID, f.Name, tag, f.Mime, f.Size, f.Width, f.Height, f.SHA256,
		nullable(f.InvoiceID), nullable(f.ItemID), nullable(f.TransactionID)}
}

func (e *exec) FileCreate(ctx context.Context, f *tender.File, data []byte) error {
	args := append(fileArgs(f), e.t(f.CreatedAt.Time), e.t(f.UpdatedAt.Time))
	if _, err := e.w.ExecContext(ctx, e.q("FileCreate"), args...); err != nil {
		return e.d.wrap(err)
	}
	_, err := e.w.ExecContext(ctx, e.q("FileContentPut"), f.ID, data)
	return e.d.wrap(err)
}

// fileCols are the columns FileGet and FileList read, in order.
func fileCols(f *tender.File, tag *sql.NullString, created, updated, deleted *timeCol) []any {
	return []any{(*textCol)(&f.ID), (*textCol)(&f.MerchantID), &f.Name, tag, &f.Mime, &f.Size, &f.Width, &f.Height,
		&f.SHA256, (*textCol)(&f.InvoiceID), (*textCol)(&f.ItemID), (*textCol)(&f.TransactionID), created, updated, deleted}
}

func finishFile(f *tender.File, tag sql.NullString, created, updated, deleted timeCol) *tender.File {
	if tag.Valid {
		f.Tag = &tag.String
	}
	f.CreatedAt, f.UpdatedAt, f.DeletedAt = created.tender(), updated.tender(), deleted.ptr()
	return f
}

func scanFile(row rowScanner) (*tender.File, error) {
	var f tender.File
	var tag sql.NullString
	var created, updated, deleted timeCol
	if err := row.Scan(fileCols(&f, &tag, &created, &updated, &deleted)...); err != nil {
		return nil, err
	}
	return finishFile(&f, tag, created, updated, deleted), nil
}

func (e *exec) FileGet(ctx context.Context, merchantID, id string) (*tender.File, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("file")
	}
	f, err := scanFile(e.r.QueryRowContext(ctx, e.q("FileGet"), merchantID, id))
	if err != nil {
		return nil, e.notFound(err, "file")
	}
	return f, nil
}

func (e *exec) FileContent(ctx context.Context, merchantID, id string) (*tender.File, []byte, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, nil, tender.NotFound("file")
	}
	var f tender.File
	var tag sql.NullString
	var created, updated, deleted timeCol
	var data []byte
	err := e.r.QueryRowContext(ctx, e.q("FileContent"), merchantID, id).
		Scan(append(fileCols(&f, &tag, &created, &updated, &deleted), &data)...)
	if err != nil {
		return nil, nil, e.notFound(err, "file")
	}
	return finishFile(&f, tag, created, updated, deleted), data, nil
}

func (e *exec) FileUpdate(ctx context.Context, f *tender.File, data []byte) error {
	if !validID(f.ID) || !validID(f.MerchantID) {
		return tender.NotFound("file")
	}
	if err := e.execOne(ctx, "FileUpdate", append(fileArgs(f), e.t(f.UpdatedAt.Time))...); err != nil {
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return tender.NotFound("file")
		}
		return err
	}
	if data == nil {
		return nil
	}
	_, err := e.w.ExecContext(ctx, e.q("FileContentPut"), f.ID, data)
	return e.d.wrap(err)
}

func (e *exec) FileDelete(ctx context.Context, merchantID, id string, at time.Time) error {
	if !validID(id) || !validID(merchantID) {
		return tender.NotFound("file")
	}
	if err := e.execOne(ctx, "FileDelete", merchantID, id, e.t(at)); err != nil {
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return tender.NotFound("file")
		}
		return err
	}
	_, err := e.w.ExecContext(ctx, e.q("FileContentDelete"), id)
	return e.d.wrap(err)
}

func (e *exec) FileList(ctx context.Context, merchantID string, f tender.FileFilter, p tender.ListParams) (*tender.Page[*tender.File], error) {
	page := &tender.Page[*tender.File]{Items: []*tender.File{}}
	if !validID(merchantID) {
		return page, nil
	}
	// An attachment filter that is no id matches no file.
	for _, id := range []string{f.InvoiceID, f.ItemID, f.TransactionID} {
		if id != "" && !validID(id) {
			return page, nil
		}
	}
	args := []any{merchantID, f.Tag, nullable(f.InvoiceID), nullable(f.ItemID), nullable(f.TransactionID)}
	if err := e.r.QueryRowContext(ctx, e.q("FileCount"), args...).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	if page.Total == 0 {
		return page, nil
	}
	files, err := all(ctx, e, e.r, scanFile, e.ordered("FileList", p), append(args, p.PerPage, p.Offset())...)
	if err != nil {
		return nil, err
	}
	page.Items = files
	return page, nil
}
