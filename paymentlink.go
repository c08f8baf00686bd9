package tender

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// PaymentLink is a shareable payment page for a fixed amount (Stax's
// /query/payment-links): a payer pays total for the described product
// without an invoice being made first. It can be paid while it is active,
// not past expires_at and, when max_uses is set, while uses < max_uses.
type PaymentLink struct {
	ID          string          `json:"id"`
	MerchantID  string          `json:"merchant_id"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Total       Amount          `json:"total"`
	Meta        json.RawMessage `json:"meta"`
	IsActive    bool            `json:"is_active"`
	ExpiresAt   *Time           `json:"expires_at"`
	MaxUses     *int64          `json:"max_uses"`
	Uses        int64           `json:"uses"`
	Views       int64           `json:"views"`
	CreatedAt   Time            `json:"created_at"`
	UpdatedAt   Time            `json:"updated_at"`
	DeletedAt   *Time           `json:"deleted_at"`
	// URL is the link's public payment page (not stored: the server's
	// public URL followed by /pay/link/ and the id).
	URL string `json:"url"`
}

// Reasons a payment link cannot be paid now (PaymentLinkStatus.Reason).
const (
	LinkReasonDeleted  = "deleted"
	LinkReasonInactive = "inactive"
	LinkReasonExpired  = "expired"
	LinkReasonUsedUp   = "max_uses_reached"
)

// PaymentLinkStatus is the answer of GET /query/payment-links/{id}/is-active.
type PaymentLinkStatus struct {
	ID       string `json:"id"`
	IsActive bool   `json:"is_active"`
	// Reason is why it cannot be paid now; nil when it can.
	Reason *string `json:"reason"`
}

// Status says whether l can be paid at now, and if not, why.
func (l *PaymentLink) Status(now time.Time) PaymentLinkStatus {
	reason := ""
	switch {
	case l.DeletedAt != nil:
		reason = LinkReasonDeleted
	case !l.IsActive:
		reason = LinkReasonInactive
	case l.ExpiresAt != nil && !now.Before(l.ExpiresAt.Time):
		reason = LinkReasonExpired
	case l.MaxUses != nil && l.Uses >= *l.MaxUses:
		reason = LinkReasonUsedUp
	}
	st := PaymentLinkStatus{ID: l.ID, IsActive: reason == ""}
	if reason != "" {
		st.Reason = &reason
	}
	return st
}

// PaymentLinkInput is the body of POST and PUT /query/payment-links; absent
// fields are unchanged, and expires_at or max_uses given as null clear them
// (no expiry, unlimited uses).
type PaymentLinkInput struct {
	Name        *string         `json:"name"`
	Description *string         `json:"description"`
	Total       AmountInput     `json:"total"`
	Meta        json.RawMessage `json:"meta"`
	IsActive    *bool           `json:"is_active"`
	ExpiresAt   json.RawMessage `json:"expires_at"`
	MaxUses     json.RawMessage `json:"max_uses"`
}

// maxLinkUses bounds max_uses (and so uses).
const maxLinkUses = 1_000_000_000

// Apply validates in and copies its set fields onto l. create says whether
// this is a new link (then name and total are required, and it is active).
// now is when the request is made: a new expires_at must be after it.
func (in *PaymentLinkInput) Apply(l *PaymentLink, create bool, now time.Time) error {
	errs := FieldErrors{}
	if create {
		l.IsActive = true
		l.Meta = json.RawMessage("{}")
	}
	set(&l.Name, in.Name)
	set(&l.Description, in.Description)
	if in.IsActive != nil {
		l.IsActive = *in.IsActive
	}
	if create || in.Total.IsSet() {
		l.Total = in.Total.Parse(errs, "total", true, 1)
	}
	if len(in.Meta) > 0 && string(in.Meta) != "null" {
		if !IsJSONObject(in.Meta) {
			errs.Add("meta", "The meta must be an object.")
		} else {
			l.Meta = in.Meta
		}
	}
	if len(in.ExpiresAt) > 0 {
		var s *string
		if err := json.Unmarshal(in.ExpiresAt, &s); err != nil {
			errs.Add("expires_at", "The expires at must be a date.")
		} else if s == nil {
			l.ExpiresAt = nil
		} else if t, ok := ParseTime(*s); !ok {
			errs.Add("expires_at", "The expires at must be a date.")
		} else if !t.After(now) {
			errs.Add("expires_at", "The expires at must be a date after now.")
		} else {
			l.ExpiresAt = TimePtr(t)
		}
	}
	if len(in.MaxUses) > 0 {
		raw := strings.TrimSpace(string(in.MaxUses))
		if raw == "null" {
			l.MaxUses = nil
		} else if n, err := strconv.ParseInt(raw, 10, 64); err != nil || n < 1 || n > maxLinkUses {
			errs.Add("max_uses", "The max uses must be a whole number between 1 and 1000000000.")
		} else {
			l.MaxUses = &n
		}
	}
	if l.Name == "" {
		errs.Required("name")
	}
	MaxLen(errs, "name", l.Name, 255)
	MaxLen(errs, "description", l.Description, 2000)
	if len(l.Meta) > 16<<10 {
		errs.Add("meta", "The meta may not be greater than 16384 bytes.")
	}
	return errs.Err()
}

// PaymentLinkFilter narrows GET /query/payment-links.
type PaymentLinkFilter struct {
	Active   *bool
	Keywords []string
}

// IsZero reports whether f filters nothing.
func (f PaymentLinkFilter) IsZero() bool { return f.Active == nil && len(f.Keywords) == 0 }
