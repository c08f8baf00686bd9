package stripetest

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Disputes and evidence files, as Stripe takes them: a file uploaded to
// POST /v1/files (multipart, purpose dispute_evidence), then POST
// /v1/disputes/{id} with evidence[field] (text, or a file's id under a
// file type) and submit (default true). Only an open dispute takes
// evidence; submitting puts it under review.

var reDispute = regexp.MustCompile(`^/v1/disputes/(dp_[A-Za-z0-9_]+)$`)

type dispute struct {
	ID, PI, Status string
	Amount         int64
	Evidence       map[string]string
	Submissions    int
}

type file struct {
	ID, Purpose, Filename string
	Data                  []byte
}

// fileFields are Stripe's evidence fields that take a file id.
var fileFields = map[string]bool{"cancellation_policy": true, "customer_communication": true, "customer_signature": true,
	"duplicate_charge_documentation": true, "receipt": true, "refund_policy": true, "service_documentation": true,
	"shipping_documentation": true, "uncategorized_file": true}

// textFields are Stripe's evidence fields that take text.
var textFields = map[string]bool{"access_activity_log": true, "billing_address": true, "cancellation_policy_disclosure": true,
	"cancellation_rebuttal": true, "customer_email_address": true, "customer_name": true, "customer_purchase_ip": true,
	"duplicate_charge_explanation": true, "duplicate_charge_id": true, "product_description": true,
	"refund_policy_disclosure": true, "refund_refusal_explanation": true, "service_date": true, "shipping_address": true,
	"shipping_carrier": true, "shipping_date": true, "shipping_tracking_number": true, "uncategorized_text": true}

// createFile is POST /v1/files (called with s.mu held).
func (s *Server) createFile(r *http.Request) answer {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return stripeErr(400, "invalid_request_error", "", "The file upload must be multipart/form-data.")
	}
	purpose := r.MultipartForm.Value["purpose"]
	if len(purpose) != 1 || purpose[0] != "dispute_evidence" {
		return stripeErr(400, "invalid_request_error", "parameter_invalid_string", "Invalid purpose: must be dispute_evidence here.")
	}
	fhs := r.MultipartForm.File["file"]
	if len(fhs) != 1 {
		return stripeErr(400, "invalid_request_error", "parameter_missing", "Missing required param: file.")
	}
	fh, err := fhs[0].Open()
	if err != nil {
		return stripeErr(400, "invalid_request_error", "", "Unreadable file.")
	}
	defer fh.Close()
	data, _ := io.ReadAll(fh)
	if len(data) == 0 {
		return stripeErr(400, "invalid_request_error", "", "The file is empty.")
	}
	f := &file{ID: s.newID("file"), Purpose: purpose[0], Filename: fhs[0].Filename, Data: data}
	s.files[f.ID] = f
	return answer{200, map[string]any{"id": f.ID, "object": "file", "purpose": f.Purpose, "filename": f.Filename, "size": len(data)}}
}

// updateDispute is POST /v1/disputes/{id} (called with s.mu held).
func (s *Server) updateDispute(id string, form url.Values) answer {
	dp := s.disputes[id]
	if dp == nil {
		return stripeErr(404, "invalid_request_error", "resource_missing", "No such dispute: '"+id+"'")
	}
	if dp.Status != "needs_response" && dp.Status != "warning_needs_response" {
		return stripeErr(400, "invalid_request_error", "", "This dispute is already closed or under review and cannot take more evidence.")
	}
	staged := map[string]string{}
	for k, v := range form {
		field, ok := strings.CutPrefix(k, "evidence[")
		if !ok {
			continue
		}
		field = strings.TrimSuffix(field, "]")
		switch {
		case fileFields[field]:
			if f := s.files[v[0]]; f == nil || f.Purpose != "dispute_evidence" {
				return stripeErr(400, "invalid_request_error", "", "No such file upload: '"+v[0]+"' (evidence["+field+"]).")
			}
		case !textFields[field]:
			return stripeErr(400, "invalid_request_error", "parameter_unknown", "Received unknown parameter: evidence["+field+"]")
		}
		staged[field] = v[0]
	}
	for k, v := range staged {
		dp.Evidence[k] = v
	}
	if form.Get("submit") != "false" {
		dp.Submissions++
		dp.Status = strings.Replace(dp.Status, "needs_response", "under_review", 1)
	}
	return answer{200, s.disputeJSON(dp)}
}

func (s *Server) disputeJSON(dp *dispute) map[string]any {
	ev := map[string]any{}
	for k, v := range dp.Evidence {
		ev[k] = v
	}
	return map[string]any{"id": dp.ID, "object": "dispute", "amount": dp.Amount, "currency": "usd",
		"payment_intent": dp.PI, "reason": "fraudulent", "status": dp.Status, "evidence": ev,
		"evidence_details": map[string]any{"submission_count": dp.Submissions}}
}

// DisputeEvidence returns what dispute id holds at the double: its status,
// its evidence (text, and file ids under file types) and the uploaded
// files' contents by file type.
func (s *Server) DisputeEvidence(id string) (status string, evidence map[string]string, files map[string][]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	dp := s.disputes[id]
	if dp == nil {
		return "", nil, nil
	}
	evidence, files = map[string]string{}, map[string][]byte{}
	for k, v := range dp.Evidence {
		evidence[k] = v
		if f := s.files[v]; fileFields[k] && f != nil {
			files[k] = f.Data
		}
	}
	return dp.Status, evidence, files
}
