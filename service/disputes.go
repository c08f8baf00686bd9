package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/store"
)

// recordDispute creates, or moves forward, the dispute the processor's
// event ev reports on payment p, in the event's database transaction tx:
// one dispute per processor dispute id (unique in the database), its
// status never moved backwards by an event arriving late.
func (s *Service) recordDispute(ctx context.Context, tx store.Executor, p *tender.Transaction, processor string, ev *gateway.Event, now tender.Time) error {
	if ev.ChildRef == "" {
		return nil
	}
	status := ev.Status
	if !slices.Contains(tender.DisputeStatuses, status) {
		status = ""
	}
	var due *tender.Time
	if !ev.DueBy.IsZero() {
		t := tender.NewTime(ev.DueBy)
		due = &t
	}
	d, err := tx.DisputeByProcessorRef(ctx, p.MerchantID, processor, ev.ChildRef)
	switch {
	case tender.ErrorCode(err) == tender.ENOTFOUND:
		if status == "" {
			status = tender.DisputeNeedsResponse
		}
		d = &tender.Dispute{ID: tender.NewID(), MerchantID: p.MerchantID, TransactionID: p.ID, Processor: processor,
			ProcessorDisputeID: ev.ChildRef, Amount: ev.Amount, Currency: strings.ToUpper(ev.Currency), Reason: ev.Reason,
			Status: status, DueBy: due, CreatedAt: now, UpdatedAt: now}
		if d.Currency == "" {
			d.Currency = "USD"
		}
		if d.Amount <= 0 {
			d.Amount = p.Captured
		}
		return tx.DisputeCreate(ctx, d)
	case err != nil:
		return err
	}
	changed := false
	if status != "" && tender.DisputeStatusAdvances(d.Status, status) {
		d.Status, changed = status, true
	}
	if ev.Amount > 0 && ev.Amount != d.Amount {
		d.Amount, changed = ev.Amount, true
	}
	if ev.Reason != "" && ev.Reason != d.Reason {
		d.Reason, changed = ev.Reason, true
	}
	if due != nil && (d.DueBy == nil || !d.DueBy.Equal(due.Time)) {
		d.DueBy, changed = due, true
	}
	if !changed {
		return nil
	}
	d.UpdatedAt = now
	return tx.DisputeUpdate(ctx, d)
}

// Disputes lists a merchant's disputes, each with its evidence files.
func (s *Service) Disputes(ctx context.Context, merchantID string, f tender.DisputeFilter, p tender.ListParams) (*tender.Page[*tender.Dispute], error) {
	page, err := s.store.DisputeList(ctx, merchantID, f, p)
	if err != nil {
		return nil, err
	}
	return page, s.withEvidenceFiles(ctx, s.store, merchantID, page.Items...)
}

// PartnerDisputes lists the disputes of one of partnerID's merchants
// (ENOTFOUND for another partner's merchant).
func (s *Service) PartnerDisputes(ctx context.Context, partnerID, merchantID string, f tender.DisputeFilter, p tender.ListParams) (*tender.Page[*tender.Dispute], error) {
	if _, err := s.PartnerMerchant(ctx, partnerID, merchantID); err != nil {
		return nil, err
	}
	return s.Disputes(ctx, merchantID, f, p)
}

// Dispute returns one of the merchant's disputes with its evidence files.
func (s *Service) Dispute(ctx context.Context, merchantID, id string) (*tender.Dispute, error) {
	d, err := s.store.DisputeGet(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	return d, s.withEvidenceFiles(ctx, s.store, merchantID, d)
}

func (s *Service) withEvidenceFiles(ctx context.Context, r store.Executor, merchantID string, ds ...*tender.Dispute) error {
	if len(ds) == 0 {
		return nil
	}
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	files, err := r.DisputeFiles(ctx, merchantID, ids)
	if err != nil {
		return err
	}
	for _, d := range ds {
		d.Files = files[d.ID]
	}
	return nil
}

// openForEvidence says why evidence cannot be added to or submitted on d
// now (a 422), or nil.
func (s *Service) openForEvidence(d *tender.Dispute) error {
	errs := tender.FieldErrors{}
	switch {
	case !tender.DisputeAwaitsEvidence(d.Status):
		errs.Add("status", "The dispute is "+d.Status+": evidence is taken only while it needs a response.")
	case d.DueBy != nil && s.now().After(d.DueBy.Time):
		errs.Add("due_by", "The evidence was due by "+d.DueBy.Format("2006-01-02 15:04:05")+".")
	}
	return errs.Err()
}

// EvidenceFileInput is POST /file/dispute's form: the file, its name, the
// dispute and the evidence type (default uncategorized_file).
type EvidenceFileInput struct {
	tender.FileInput
	DisputeID    string
	EvidenceType string
}

// AddEvidenceFile stores an upload (the files feature's sniffing and
// limits) and attaches it to one of the merchant's disputes that still
// needs a response, as the one file of its evidence type.
func (s *Service) AddEvidenceFile(ctx context.Context, merchantID string, in *EvidenceFileInput) (*tender.EvidenceFile, error) {
	errs := tender.FieldErrors{}
	if strings.TrimSpace(in.DisputeID) == "" {
		errs.Required("dispute_id")
	}
	if in.Name != nil {
		if flaw := tender.TextFlaw(*in.Name); flaw != "" {
			errs.AddTextFlaw("name", flaw)
		}
	}
	typ := strings.TrimSpace(in.EvidenceType)
	if typ == "" {
		typ = "uncategorized_file"
	}
	if !slices.Contains(tender.EvidenceFileTypes, typ) {
		errs.Add("evidence_type", "The evidence type must be one of: "+strings.Join(tender.EvidenceFileTypes, ", ")+".")
	}
	// A dispute's file is attached to the dispute only.
	if in.InvoiceID != nil || in.ItemID != nil || in.TransactionID != nil {
		errs.Add("dispute_id", "An evidence file is attached to its dispute only (no invoice_id, item_id or transaction_id).")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	tag := "dispute_evidence"
	in.Tag = &tag
	now := tender.NewTime(s.now())
	f := &tender.File{ID: tender.NewID(), MerchantID: merchantID, CreatedAt: now, UpdatedAt: now}
	if err := in.Apply(f, true, s.MaxFileSize()); err != nil {
		return nil, err
	}
	f.SHA256 = sha256Hex(in.Data)
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		d, err := tx.DisputeGetForUpdate(ctx, merchantID, strings.ToLower(strings.TrimSpace(in.DisputeID)))
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			errs.Add("dispute_id", "The selected dispute id is invalid.")
			return errs.Err()
		} else if err != nil {
			return err
		}
		if err := s.openForEvidence(d); err != nil {
			return err
		}
		if err := tx.FileCreate(ctx, f, in.Data); err != nil {
			return err
		}
		err = tx.DisputeFileAttach(ctx, merchantID, d.ID, f.ID, typ, now.Time)
		if tender.ErrorCode(err) == tender.ECONFLICT {
			errs.Add("evidence_type", "The dispute already has a "+typ+" file; delete it first.")
			return errs.Err()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &tender.EvidenceFile{Type: typ, File: f}, nil
}

// RemoveEvidenceFile detaches an evidence file from its dispute (which
// must still need a response) and deletes the file.
func (s *Service) RemoveEvidenceFile(ctx context.Context, merchantID, fileID string) (*tender.EvidenceFile, error) {
	var out *tender.EvidenceFile
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		disputeID, err := tx.DisputeFileOf(ctx, merchantID, fileID)
		if err != nil {
			return err
		}
		d, err := tx.DisputeGetForUpdate(ctx, merchantID, disputeID)
		if err != nil {
			return err
		}
		if err := s.openForEvidence(d); err != nil {
			return err
		}
		files, err := tx.DisputeFiles(ctx, merchantID, []string{d.ID})
		if err != nil {
			return err
		}
		for _, f := range files[d.ID] {
			if f.ID == fileID {
				out = f
			}
		}
		if err := tx.DisputeFileDetach(ctx, merchantID, fileID); err != nil {
			return err
		}
		if out == nil { // the file itself was deleted already
			return tender.NotFound("evidence file")
		}
		if err := tx.FileDelete(ctx, merchantID, fileID, s.now()); err != nil {
			return err
		}
		out.File, err = tx.FileGet(ctx, merchantID, fileID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SubmitDisputeEvidence submits the text evidence in and the dispute's
// attached files to the merchant's processor (while the dispute needs a
// response and before it is due), then records what was submitted and the
// status the processor answers, with its events: the dispute under review
// (update_transaction_dispute_updated) and, when the processor decides at
// once (the sandbox), closed (update_transaction_dispute_closed). A
// processor that takes no evidence through its API is a 422 naming it,
// and nothing is written.
func (s *Service) SubmitDisputeEvidence(ctx context.Context, merchantID, id string, in *tender.DisputeSubmitInput) (*tender.Dispute, error) {
	d, err := s.Dispute(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := s.openForEvidence(d); err != nil {
		return nil, err
	}
	pe, err := s.processorFor(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	resp, ok := pe.raw.(gateway.DisputeResponder)
	if !ok || pe.raw.Name() != d.Processor {
		errs := tender.FieldErrors{}
		name := pe.raw.Name()
		if name != d.Processor {
			name = d.Processor
		}
		errs.Add("processor", "This dispute's processor ("+name+") does not take dispute evidence through Tender; respond in the processor's dashboard.")
		return nil, errs.Err()
	}
	if len(in.Evidence) == 0 && len(d.Files) == 0 {
		errs := tender.FieldErrors{}
		errs.Add("evidence", "Give at least one evidence field or attach a file (POST /file/dispute) first.")
		return nil, errs.Err()
	}
	ev := gateway.DisputeEvidence{Text: in.Evidence}
	fileIDs := []string{}
	for _, f := range d.Files {
		_, data, err := s.store.FileContent(ctx, merchantID, f.ID)
		if err != nil {
			return nil, err
		}
		ev.Files = append(ev.Files, gateway.EvidenceFile{Type: f.Type, Name: f.Name, Mime: f.Mime, Data: data})
		fileIDs = append(fileIDs, f.ID)
	}
	status, err := resp.SubmitDisputeEvidence(ctx, d.ProcessorDisputeID, ev)
	var refused *gateway.DisputeRefusedError
	switch {
	case errors.As(err, &refused):
		errs := tender.FieldErrors{}
		errs.Add("evidence", "The processor refused the evidence: "+refused.Message)
		return nil, errs.Err()
	case err != nil:
		s.log().Warn("dispute submission: processor failed", "dispute_id", d.ID, "error", err.Error())
		return nil, tender.Errorf(tender.EUNAVAILABLE, "The processor did not answer; submit the evidence again.")
	}
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		cur, err := tx.DisputeGetForUpdate(ctx, merchantID, d.ID)
		if err != nil {
			return err
		}
		if !tender.DisputeAwaitsEvidence(cur.Status) {
			errs := tender.FieldErrors{}
			errs.Add("status", "The dispute is "+cur.Status+": its evidence was submitted already.")
			return errs.Err()
		}
		now := tender.NewTime(s.now())
		review := tender.DisputeUnderReview
		if strings.HasPrefix(cur.Status, "warning_") {
			review = tender.DisputeWarningUnderReview
		}
		cur.Evidence = &tender.DisputeEvidence{Text: in.Evidence, FileIDs: fileIDs}
		cur.SubmittedAt, cur.UpdatedAt, cur.Status = &now, now, review
		if err := tx.DisputeUpdate(ctx, cur); err != nil {
			return err
		}
		if err := s.withEvidenceFiles(ctx, tx, merchantID, cur); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, merchantID, tender.EventTransactionDisputeUpdated, "dispute", cur.ID, cur.View(now.Time)); err != nil {
			return err
		}
		d = cur
		if !tender.DisputeStatusAdvances(cur.Status, status) || !slices.Contains(tender.DisputeStatuses, status) ||
			tender.DisputeAwaitsEvidence(status) || status == review {
			return nil
		}
		// The processor decided at once: the dispute is closed, recorded as
		// its own closing event would be.
		cur.Status = status
		if err := tx.DisputeUpdate(ctx, cur); err != nil {
			return err
		}
		rec := &tender.ProcessorEvent{ID: tender.NewID(), MerchantID: merchantID, Processor: cur.Processor,
			EventID: "tender_decision_" + cur.ID, Kind: string(gateway.EventDisputeClosed), TransactionID: cur.TransactionID,
			ChildRef: cur.ProcessorDisputeID, Amount: cur.Amount, Reason: cur.Reason, Status: status,
			Message: "Dispute " + status + " (" + cur.Reason + ").", CreatedAt: now}
		if err := tx.ProcessorEventInsert(ctx, rec); err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventTransactionDisputeClosed, "transaction_dispute", rec.ID, rec)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
