package stripe

import (
	"bytes"
	"context"

	stripe "github.com/stripe/stripe-go/v84"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
)

var _ gateway.DisputeResponder = (*Driver)(nil)

// SubmitDisputeEvidence implements gateway.DisputeResponder. Tender's
// evidence fields and file types are Stripe's own names: each file is
// uploaded to Stripe's Files API (purpose dispute_evidence), then the
// dispute is updated with the text and the files' ids and submitted to the
// bank at once (submit=true). Stripe keeps one file per type, so two files
// of one type are refused before anything is sent.
func (d *Driver) SubmitDisputeEvidence(ctx context.Context, ref string, ev gateway.DisputeEvidence) (string, error) {
	seen := map[string]bool{}
	for _, f := range ev.Files {
		if seen[f.Type] {
			return "", &gateway.DisputeRefusedError{Message: "Stripe takes one file of each evidence type; two files are " +
				f.Type + ". Combine them into one file, or delete one."}
		}
		seen[f.Type] = true
	}
	p := &stripe.DisputeUpdateParams{Submit: stripe.Bool(true)}
	for _, f := range ev.Files {
		fp := &stripe.FileCreateParams{Purpose: stripe.String(string(stripe.FilePurposeDisputeEvidence)),
			FileReader: bytes.NewReader(f.Data), Filename: stripe.String(f.Name)}
		file, err := d.api.V1Files.Create(ctx, fp)
		if err != nil {
			return "", disputeFailed("evidence file upload", err)
		}
		p.AddExtra("evidence["+f.Type+"]", file.ID)
	}
	for k, v := range ev.Text {
		p.AddExtra("evidence["+k+"]", v)
	}
	dp, err := d.api.V1Disputes.Update(ctx, ref, p)
	if err != nil {
		return "", disputeFailed("dispute submission", err)
	}
	return disputeStatus(dp.Status), nil
}

// disputeFailed sorts a failed evidence call: Stripe's refusal (the
// dispute is closed, a field is malformed, the credentials are refused) is
// a DisputeRefusedError with Stripe's message; anything else leaves it
// unknown whether the evidence arrived.
func disputeFailed(op string, err error) error {
	kind, se := classify(err)
	switch kind {
	case kindRefused, kindConfig, kindDecline, kindKeyTaken:
		return &gateway.DisputeRefusedError{Message: refusal(se).Message}
	}
	return safeError(op, err)
}

// disputeStatus is Tender's name for a Stripe dispute status (the same
// names; "prevented", a dispute stopped before it was filed, closes as won).
func disputeStatus(st stripe.DisputeStatus) string {
	switch st {
	case stripe.DisputeStatusPrevented:
		return tender.DisputeWon
	case "":
		return tender.DisputeUnderReview
	}
	return string(st)
}
