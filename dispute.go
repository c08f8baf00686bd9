package tender

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Dispute statuses, Stripe's: an inquiry ("warning_") may become a
// chargeback; needs_response waits for the merchant's evidence until DueBy,
// under_review waits for the issuer's decision, won and lost are final.
const (
	DisputeNeedsResponse        = "needs_response"
	DisputeUnderReview          = "under_review"
	DisputeWon                  = "won"
	DisputeLost                 = "lost"
	DisputeWarningNeedsResponse = "warning_needs_response"
	DisputeWarningUnderReview   = "warning_under_review"
	DisputeWarningClosed        = "warning_closed"
)

// DisputeStatuses lists every status (the order of a dispute's life).
var DisputeStatuses = []string{DisputeWarningNeedsResponse, DisputeWarningUnderReview, DisputeWarningClosed,
	DisputeNeedsResponse, DisputeUnderReview, DisputeWon, DisputeLost}

// disputeStage orders statuses: waiting for evidence, under review, closed.
func disputeStage(status string) int {
	switch status {
	case DisputeNeedsResponse, DisputeWarningNeedsResponse:
		return 0
	case DisputeUnderReview, DisputeWarningUnderReview:
		return 1
	case DisputeWon, DisputeLost, DisputeWarningClosed:
		return 2
	}
	return -1
}

// DisputeStatusAdvances reports whether a dispute in status from may move
// to status to: never backwards (a late "opened" event does not reopen a
// dispute under review), never out of a final status, and an inquiry may
// become a chargeback (warning_closed is then followed by needs_response).
func DisputeStatusAdvances(from, to string) bool {
	f, t := disputeStage(from), disputeStage(to)
	switch {
	case t < 0 || from == to:
		return false
	case from == DisputeWarningClosed && !strings.HasPrefix(to, "warning_"):
		return true // the inquiry escalated to a chargeback
	case f == 2:
		return false
	}
	return t >= f
}

// DisputeAwaitsEvidence reports whether evidence may be submitted in status.
func DisputeAwaitsEvidence(status string) bool { return disputeStage(status) == 0 }

// Dispute is a chargeback (or an inquiry) on a payment, as the payment's
// processor reported it. Tender keeps one per processor dispute id.
type Dispute struct {
	ID            string
	MerchantID    string
	TransactionID string
	// Processor names the driver ("sandbox", "stripe"); ProcessorDisputeID
	// is the processor's own id of the dispute (unique per merchant and
	// processor, in the database).
	Processor          string
	ProcessorDisputeID string
	Amount             Amount
	Currency           string
	Reason             string
	Status             string
	// DueBy is when evidence must be submitted (nil when the processor
	// gave no date).
	DueBy *Time
	// Evidence is what was submitted (nil before): the text fields and the
	// ids of the evidence files sent with them.
	Evidence    *DisputeEvidence
	SubmittedAt *Time
	CreatedAt   Time
	UpdatedAt   Time
	// Files are the live evidence files attached (set by the service for
	// the API).
	Files []*EvidenceFile
}

// EvidenceFile is a file attached to a dispute as evidence, of one
// evidence type (Stripe's file fields; one file per type and dispute).
type EvidenceFile struct {
	Type string `json:"evidence_type"`
	*File
}

// MarshalJSON writes the file's own shape with evidence_type and
// dispute_id besides.
func (f *EvidenceFile) MarshalJSON() ([]byte, error) {
	b, err := f.File.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	m["evidence_type"], _ = json.Marshal(f.Type)
	return json.Marshal(m)
}

// DisputeEvidence is the evidence submitted on a dispute.
type DisputeEvidence struct {
	Text    map[string]string `json:"text"`
	FileIDs []string          `json:"file_ids"`
}

// DisputeTextFields are the text evidence fields (Stripe's).
var DisputeTextFields = []string{"access_activity_log", "billing_address", "cancellation_policy_disclosure",
	"cancellation_rebuttal", "customer_email_address", "customer_name", "customer_purchase_ip",
	"duplicate_charge_explanation", "duplicate_charge_id", "product_description", "refund_policy_disclosure",
	"refund_refusal_explanation", "service_date", "shipping_address", "shipping_carrier", "shipping_date",
	"shipping_tracking_number", "uncategorized_text"}

// EvidenceFileTypes are the evidence file types (Stripe's file fields).
var EvidenceFileTypes = []string{"cancellation_policy", "customer_communication", "customer_signature",
	"duplicate_charge_documentation", "receipt", "refund_policy", "service_documentation",
	"shipping_documentation", "uncategorized_file"}

// MaxEvidenceText bounds the text evidence, all fields together (Stripe's
// limit is 150,000 characters).
const MaxEvidenceText = 150_000

// DisputeSubmitInput is the body of POST /underwriting/dispute/{id}/submit:
// text evidence fields (DisputeTextFields); the attached files go with it.
type DisputeSubmitInput struct {
	Evidence map[string]string
}

// UnmarshalJSON reads the text fields either flat or under "evidence";
// a field Tender does not know is kept so Validate names it.
func (in *DisputeSubmitInput) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if ev, ok := raw["evidence"]; ok && len(raw) == 1 {
		if err := json.Unmarshal(ev, &raw); err != nil {
			return fmt.Errorf("evidence must be an object")
		}
	}
	in.Evidence = map[string]string{}
	for k, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			in.Evidence[k] = "\x00" // not a string: Validate says so
			continue
		}
		in.Evidence[k] = s
	}
	return nil
}

// Validate checks the fields: known names, strings, within the limit.
// Empty strings are dropped.
func (in *DisputeSubmitInput) Validate() error {
	errs := FieldErrors{}
	total := 0
	names := make([]string, 0, len(in.Evidence))
	for k := range in.Evidence {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := in.Evidence[k]
		field := k
		if len(field) > 64 {
			field = field[:64]
		}
		switch {
		case !slices.Contains(DisputeTextFields, k):
			errs.Add(field, "The "+field+" field is not a dispute evidence field.")
		case v == "\x00":
			errs.Add(field, "The "+strings.ReplaceAll(field, "_", " ")+" must be a string.")
		default:
			if flaw := TextFlaw(v); flaw != "" {
				errs.AddTextFlaw(field, flaw)
			}
			total += len(v)
		}
		if strings.TrimSpace(v) == "" {
			delete(in.Evidence, k)
		}
	}
	if total > MaxEvidenceText {
		errs.Add("evidence", fmt.Sprintf("The evidence may not be greater than %d characters in all.", MaxEvidenceText))
	}
	return errs.Err()
}

// DisputeFilter narrows GET /underwriting/disputes.
type DisputeFilter struct {
	Status, TransactionID string
}

// disputeJSON is the API's shape of a dispute.
type disputeJSON struct {
	ID                 string             `json:"id"`
	MerchantID         string             `json:"merchant_id"`
	TransactionID      string             `json:"transaction_id"`
	Processor          string             `json:"processor"`
	ProcessorDisputeID string             `json:"processor_dispute_id"`
	Amount             Amount             `json:"amount"`
	Currency           string             `json:"currency"`
	Reason             string             `json:"reason"`
	Status             string             `json:"status"`
	DueBy              *Time              `json:"due_by"`
	Evidence           map[string]string  `json:"evidence"`
	EvidenceFiles      []*EvidenceFile    `json:"evidence_files"`
	EvidenceDetails    disputeEvidenceSum `json:"evidence_details"`
	SubmittedAt        *Time              `json:"submitted_at"`
	CreatedAt          Time               `json:"created_at"`
	UpdatedAt          Time               `json:"updated_at"`
}

type disputeEvidenceSum struct {
	HasEvidence     bool `json:"has_evidence"`
	PastDue         bool `json:"past_due"`
	SubmissionCount int  `json:"submission_count"`
	FileCount       int  `json:"file_count"`
}

// View is the API's shape of d at now: amounts in dollars, the submitted
// text evidence, the attached files, and an evidence summary (Stripe's
// evidence_details).
func (d *Dispute) View(now time.Time) any {
	v := disputeJSON{ID: d.ID, MerchantID: d.MerchantID, TransactionID: d.TransactionID, Processor: d.Processor,
		ProcessorDisputeID: d.ProcessorDisputeID, Amount: d.Amount, Currency: d.Currency, Reason: d.Reason,
		Status: d.Status, DueBy: d.DueBy, Evidence: map[string]string{}, EvidenceFiles: d.Files,
		SubmittedAt: d.SubmittedAt, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if v.EvidenceFiles == nil {
		v.EvidenceFiles = []*EvidenceFile{}
	}
	if d.Evidence != nil && d.Evidence.Text != nil {
		v.Evidence = d.Evidence.Text
	}
	v.EvidenceDetails.FileCount = len(v.EvidenceFiles)
	v.EvidenceDetails.HasEvidence = len(v.Evidence) > 0 || len(v.EvidenceFiles) > 0
	if d.SubmittedAt != nil {
		v.EvidenceDetails.SubmissionCount = 1
	}
	v.EvidenceDetails.PastDue = d.DueBy != nil && DisputeAwaitsEvidence(d.Status) && now.After(d.DueBy.Time)
	return v
}
