package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/tenderpay/tender"
)

func init() {
	requiredQueries = append(requiredQueries, "DisputeCreate", "DisputeByProcessorRef", "DisputeGet",
		"DisputeGetForUpdate", "DisputeUpdate", "DisputeCount", "DisputeList", "DisputeFileAttach", "DisputeFileOf",
		"DisputeFileDetach", "DisputeFiles")
}

// evidenceArg is the evidence column's value (NULL before a submission).
func evidenceArg(d *tender.Dispute) (any, error) {
	if d.Evidence == nil {
		return nil, nil
	}
	b, err := json.Marshal(d.Evidence)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

func (e *exec) optTime(t *tender.Time) any {
	if t == nil {
		return nil
	}
	return e.t(t.Time)
}

func (e *exec) DisputeCreate(ctx context.Context, d *tender.Dispute) error {
	ev, err := evidenceArg(d)
	if err != nil {
		return err
	}
	_, err = e.w.ExecContext(ctx, e.q("DisputeCreate"), d.ID, d.MerchantID, d.TransactionID, d.Processor,
		d.ProcessorDisputeID, int64(d.Amount), d.Currency, d.Reason, d.Status, ev, e.optTime(d.DueBy), e.optTime(d.SubmittedAt),
		e.t(d.CreatedAt.Time), e.t(d.UpdatedAt.Time))
	return e.d.wrap(err)
}

func scanDispute(row rowScanner) (*tender.Dispute, error) {
	var d tender.Dispute
	var amount int64
	var evidence jsonCol
	var due, submitted, created, updated timeCol
	if err := row.Scan((*textCol)(&d.ID), (*textCol)(&d.MerchantID), (*textCol)(&d.TransactionID), &d.Processor,
		&d.ProcessorDisputeID, &amount, &d.Currency, &d.Reason, &d.Status, &evidence, &due, &submitted, &created,
		&updated); err != nil {
		return nil, err
	}
	d.Amount = tender.Amount(amount)
	if len(evidence) > 0 {
		d.Evidence = &tender.DisputeEvidence{}
		if err := json.Unmarshal(evidence, d.Evidence); err != nil {
			return nil, err
		}
	}
	d.DueBy, d.SubmittedAt = due.ptr(), submitted.ptr()
	d.CreatedAt, d.UpdatedAt = created.tender(), updated.tender()
	return &d, nil
}

func (e *exec) disputeOne(ctx context.Context, query string, args ...any) (*tender.Dispute, error) {
	d, err := scanDispute(e.r.QueryRowContext(ctx, e.q(query), args...))
	if err != nil {
		return nil, e.notFound(err, "dispute")
	}
	return d, nil
}

func (e *exec) DisputeByProcessorRef(ctx context.Context, merchantID, processor, ref string) (*tender.Dispute, error) {
	if !validID(merchantID) {
		return nil, tender.NotFound("dispute")
	}
	return e.disputeOneW(ctx, "DisputeByProcessorRef", merchantID, processor, ref)
}

// disputeOneW reads on the writing connection (inside a transaction, the
// transaction's), as a read that locks must.
func (e *exec) disputeOneW(ctx context.Context, query string, args ...any) (*tender.Dispute, error) {
	d, err := scanDispute(e.w.QueryRowContext(ctx, e.q(query), args...))
	if err != nil {
		return nil, e.notFound(err, "dispute")
	}
	return d, nil
}

func (e *exec) DisputeGet(ctx context.Context, merchantID, id string) (*tender.Dispute, error) {
	if !validID(merchantID) || !validID(id) {
		return nil, tender.NotFound("dispute")
	}
	return e.disputeOne(ctx, "DisputeGet", merchantID, id)
}

func (e *exec) DisputeGetForUpdate(ctx context.Context, merchantID, id string) (*tender.Dispute, error) {
	if !validID(merchantID) || !validID(id) {
		return nil, tender.NotFound("dispute")
	}
	return e.disputeOneW(ctx, "DisputeGetForUpdate", merchantID, id)
}

func (e *exec) DisputeUpdate(ctx context.Context, d *tender.Dispute) error {
	if !validID(d.MerchantID) || !validID(d.ID) {
		return tender.NotFound("dispute")
	}
	ev, err := evidenceArg(d)
	if err != nil {
		return err
	}
	err = e.execOne(ctx, "DisputeUpdate", d.MerchantID, d.ID, int64(d.Amount), d.Currency, d.Reason, d.Status,
		e.optTime(d.DueBy), e.optTime(d.SubmittedAt), ev, e.t(d.UpdatedAt.Time))
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		return tender.NotFound("dispute")
	}
	return err
}

func (e *exec) DisputeList(ctx context.Context, merchantID string, f tender.DisputeFilter, p tender.ListParams) (*tender.Page[*tender.Dispute], error) {
	page := &tender.Page[*tender.Dispute]{Items: []*tender.Dispute{}}
	if !validID(merchantID) || (f.TransactionID != "" && !validID(f.TransactionID)) {
		return page, nil
	}
	args := []any{merchantID, f.Status, nullable(f.TransactionID)}
	if err := e.r.QueryRowContext(ctx, e.q("DisputeCount"), args...).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	if page.Total == 0 {
		return page, nil
	}
	items, err := all(ctx, e, e.r, scanDispute, e.ordered("DisputeList", p),
		append(args, p.PerPage, p.Offset())...)
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}

func (e *exec) DisputeFileAttach(ctx context.Context, merchantID, disputeID, fileID, evidenceType string, at time.Time) error {
	_, err := e.w.ExecContext(ctx, e.q("DisputeFileAttach"), fileID, disputeID, merchantID, evidenceType, e.t(at))
	return e.d.wrap(err)
}

func (e *exec) DisputeFileOf(ctx context.Context, merchantID, fileID string) (string, error) {
	if !validID(merchantID) || !validID(fileID) {
		return "", tender.NotFound("evidence file")
	}
	var id textCol
	if err := e.r.QueryRowContext(ctx, e.q("DisputeFileOf"), merchantID, fileID).Scan(&id); err != nil {
		return "", e.notFound(err, "evidence file")
	}
	return string(id), nil
}

func (e *exec) DisputeFileDetach(ctx context.Context, merchantID, fileID string) error {
	if !validID(merchantID) || !validID(fileID) {
		return tender.NotFound("evidence file")
	}
	if err := e.execOne(ctx, "DisputeFileDetach", merchantID, fileID); tender.ErrorCode(err) == tender.ENOTFOUND {
		return tender.NotFound("evidence file")
	} else if err != nil {
		return err
	}
	return nil
}

func (e *exec) DisputeFiles(ctx context.Context, merchantID string, disputeIDs []string) (map[string][]*tender.EvidenceFile, error) {
	out := map[string][]*tender.EvidenceFile{}
	ids := make([]string, 0, len(disputeIDs))
	for _, id := range disputeIDs {
		if validID(id) {
			ids = append(ids, id)
		}
	}
	if !validID(merchantID) || len(ids) == 0 {
		return out, nil
	}
	rows, err := e.r.QueryContext(ctx, e.q("DisputeFiles"), merchantID, mustJSON(ids))
	if err != nil {
		return nil, e.d.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var disputeID textCol
		ef := &tender.EvidenceFile{File: &tender.File{}}
		var tag sql.NullString
		var created, updated, deleted timeCol
		if err := rows.Scan(append([]any{&disputeID, &ef.Type}, fileCols(ef.File, &tag, &created, &updated, &deleted)...)...); err != nil {
			return nil, e.d.wrap(err)
		}
		finishFile(ef.File, tag, created, updated, deleted)
		out[string(disputeID)] = append(out[string(disputeID)], ef)
	}
	return out, e.d.wrap(rows.Err())
}
