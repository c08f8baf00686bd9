package httpapi_test

import (
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

type disputeJSON struct {
	ID, Status, Reason string
	TransactionID      string            `json:"transaction_id"`
	ProcessorDisputeID string            `json:"processor_dispute_id"`
	Amount             float64           `json:"amount"`
	DueBy              *string           `json:"due_by"`
	Evidence           map[string]string `json:"evidence"`
	EvidenceFiles      []struct {
		ID   string
		Type string `json:"evidence_type"`
	} `json:"evidence_files"`
	EvidenceDetails struct {
		HasEvidence     bool `json:"has_evidence"`
		SubmissionCount int  `json:"submission_count"`
		FileCount       int  `json:"file_count"`
	} `json:"evidence_details"`
}

// disputedSale charges card and settles the batch: the sandbox's dispute
// cards are disputed then. It returns the sale's id and its dispute.
func disputedSale(t *testing.T, e *apitest.Env, card string) (string, disputeJSON) {
	t.Helper()
	sale := e.Call("POST", "/charge", map[string]any{"payment_method_id": newCard(t, e, card), "total": 12.34}, 200).Map(t)["id"].(string)
	e.Call("POST", "/sandbox/batch", nil, 200)
	var page struct{ Data []disputeJSON }
	e.Call("GET", "/underwriting/disputes?transaction_id="+sale, nil, 200).JSON(t, &page)
	if len(page.Data) != 1 {
		t.Fatalf("disputes of %s: %+v", sale, page)
	}
	return sale, page.Data[0]
}

func TestDisputes(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		// An ordinary card's settled sale is not disputed.
		e.Call("POST", "/charge", map[string]any{"payment_method_id": newCard(t, e, "4111111111111111"), "total": 5}, 200)
		sale, d := disputedSale(t, e, "4000000000000259")
		if d.TransactionID != sale || d.Status != "needs_response" || d.Reason != "fraudulent" || d.Amount != 12.34 ||
			d.DueBy == nil || d.ProcessorDisputeID == "" || d.EvidenceDetails.HasEvidence {
			t.Fatalf("dispute: %+v", d)
		}
		// Filters; an unknown one or an unknown status is a 422.
		var page struct {
			Total int
			Data  []disputeJSON
		}
		e.Call("GET", "/underwriting/disputes?status=needs_response", nil, 200).JSON(t, &page)
		if page.Total != 1 {
			t.Errorf("status filter: %+v", page)
		}
		e.Call("GET", "/underwriting/disputes?status=won", nil, 200).JSON(t, &page)
		if page.Total != 0 {
			t.Errorf("won filter: %+v", page)
		}
		wantFieldError(t, e.Do(apitest.Request{Method: "GET", Path: "/underwriting/disputes?colour=red", Key: e.Key}), "colour")
		wantFieldError(t, e.Do(apitest.Request{Method: "GET", Path: "/underwriting/disputes?status=open", Key: e.Key}), "status")
		// By merchant id: its own; another id is 404.
		e.Call("GET", "/underwriting/disputes/"+e.MerchantID, nil, 200).JSON(t, &page)
		if page.Total != 1 || page.Data[0].ID != d.ID {
			t.Errorf("by merchant id: %+v", page)
		}
		e.Call("GET", "/underwriting/disputes/0b6f4f6c-5b5e-4c4c-9b8b-1d2f3e4a5b6c", nil, 404)

		// Evidence files: one per type; removed while the dispute needs a response.
		pdf := []byte("%PDF-1.4\n%receipt\n")
		up := upload(t, e, e.Key, "POST", "/file/dispute", map[string]string{"dispute_id": d.ID, "evidence_type": "receipt"}, "receipt.pdf", "application/pdf", pdf)
		if up.Status != 200 || up.Map(t)["evidence_type"] != "receipt" {
			t.Fatalf("evidence upload: %d %s", up.Status, up.Body)
		}
		first := up.Map(t)["id"].(string)
		wantFieldError(t, upload(t, e, e.Key, "POST", "/file/dispute", map[string]string{"dispute_id": d.ID, "evidence_type": "receipt"}, "r2.pdf", "application/pdf", pdf), "evidence_type")
		wantFieldError(t, upload(t, e, e.Key, "POST", "/file/dispute", map[string]string{"dispute_id": d.ID, "evidence_type": "diary"}, "r2.pdf", "application/pdf", pdf), "evidence_type")
		wantFieldError(t, upload(t, e, e.Key, "POST", "/file/dispute", map[string]string{"evidence_type": "receipt"}, "r2.pdf", "application/pdf", pdf), "dispute_id")
		wantFieldError(t, upload(t, e, e.Key, "POST", "/file/dispute", map[string]string{"dispute_id": d.ID}, "x.html", "text/html", []byte("<!DOCTYPE html><html></html>")), "file")
		e.Call("DELETE", "/file/dispute/"+first, nil, 200)
		e.Call("DELETE", "/file/dispute/"+first, nil, 404)
		up = upload(t, e, e.Key, "POST", "/file/dispute", map[string]string{"dispute_id": d.ID, "evidence_type": "receipt"}, "receipt.pdf", "application/pdf", pdf)
		if up.Status != 200 {
			t.Fatalf("evidence upload again: %d %s", up.Status, up.Body)
		}

		// Submission: unknown fields are a 422; the sandbox decides by the text.
		wantFieldError(t, e.Do(apitest.Request{Method: "POST", Path: "/underwriting/dispute/" + d.ID + "/submit", Key: e.Key,
			Body: map[string]any{"favourite_colour": "red"}}), "favourite_colour")
		var got disputeJSON
		e.Call("POST", "/underwriting/dispute/"+d.ID+"/submit", map[string]any{"customer_name": "Jane Doe",
			"uncategorized_text": "Signed receipt attached. winning_evidence"}, 200).JSON(t, &got)
		if got.Status != "won" || got.Evidence["customer_name"] != "Jane Doe" || got.EvidenceDetails.SubmissionCount != 1 ||
			got.EvidenceDetails.FileCount != 1 || got.EvidenceFiles[0].Type != "receipt" {
			t.Fatalf("submitted: %+v", got)
		}
		// Once submitted: no second submission, no new or removed files.
		wantFieldError(t, e.Do(apitest.Request{Method: "POST", Path: "/underwriting/dispute/" + d.ID + "/submit", Key: e.Key,
			Body: map[string]any{"customer_name": "Jane"}}), "status")
		wantFieldError(t, upload(t, e, e.Key, "POST", "/file/dispute", map[string]string{"dispute_id": d.ID, "evidence_type": "refund_policy"}, "p.pdf", "application/pdf", pdf), "status")
		// The events: opened, updated (under review), closed (won).
		for _, name := range []string{"update_transaction_dispute_opened", "update_transaction_dispute_updated", "update_transaction_dispute_closed"} {
			var ev struct{ Total int }
			e.Call("GET", "/event?name="+name, nil, 200).JSON(t, &ev)
			if ev.Total != 1 {
				t.Errorf("%s events: %d", name, ev.Total)
			}
		}

		// An inquiry lost by its evidence; another past due is refused.
		_, inq := disputedSale(t, e, "4000000000001976")
		if inq.Status != "warning_needs_response" {
			t.Fatalf("inquiry: %+v", inq)
		}
		e.Call("POST", "/underwriting/dispute/"+inq.ID+"/submit", map[string]any{"uncategorized_text": "losing_evidence"}, 200).JSON(t, &got)
		if got.Status != "lost" {
			t.Errorf("inquiry after losing evidence: %+v", got)
		}
		_, late := disputedSale(t, e, "4000000000000259")
		e.Call("POST", "/sandbox/clock", map[string]any{"advance": "8d"}, 200)
		wantFieldError(t, e.Do(apitest.Request{Method: "POST", Path: "/underwriting/dispute/" + late.ID + "/submit", Key: e.Key,
			Body: map[string]any{"customer_name": "Jane"}}), "due_by")
	})
}
