package tender

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// Schedule statuses (Stax's names).
const (
	ScheduleNotStarted = "NOT STARTED"
	ScheduleWaiting    = "WAITING"
	SchedulePending    = "PENDING"
	SchedulePaused     = "PAUSED"
	ScheduleCompleted  = "COMPLETED"
	ScheduleDeleted    = "DELETED"
)

// Schedule events.
const (
	EventCreateSchedule = "create_scheduled_invoice"
	EventUpdateSchedule = "update_scheduled_invoice"
	EventDeleteSchedule = "delete_scheduled_invoice"
)

// Schedule is a scheduled (recurring) invoice: at each occurrence of its
// RFC 5545 rule an invoice is created, emailed when asked, and paid with the
// autopay payment method when there is one. Each occurrence runs once.
type Schedule struct {
	ID                string          `json:"id"`
	MerchantID        string          `json:"merchant_id"`
	CustomerID        string          `json:"customer_id"`
	PaymentMethodID   string          `json:"payment_method_id"`
	Rule              string          `json:"rule"`
	Total             Amount          `json:"total"`
	URL               string          `json:"url"`
	Meta              json.RawMessage `json:"meta"`
	EmailNotification bool            `json:"email_notification"`
	Active            bool            `json:"active"`
	Status            string          `json:"status"`
	NextRunAt         *Time           `json:"next_run_at"`
	LastRunAt         *Time           `json:"last_run_at"`
	Count             int             `json:"count"` // invoices created so far
	CreatedAt         Time            `json:"created_at"`
	UpdatedAt         Time            `json:"updated_at"`
	DeletedAt         *Time           `json:"deleted_at"`
}

// Refresh sets the status from the schedule's state at now.
func (s *Schedule) Refresh(now time.Time) {
	switch {
	case s.DeletedAt != nil:
		s.Status = ScheduleDeleted
	case s.NextRunAt == nil:
		s.Status = ScheduleCompleted
	case !s.Active:
		s.Status = SchedulePaused
	case !s.NextRunAt.After(now):
		s.Status = SchedulePending
	case s.Count == 0:
		s.Status = ScheduleNotStarted
	default:
		s.Status = ScheduleWaiting
	}
}

// ParseRule parses an RFC 5545 recurrence: "DTSTART:20261201T090000Z" and
// "RRULE:FREQ=MONTHLY;COUNT=12" on two lines, or one line with
// DTSTART=...; inside. DTSTART is required; the frequency is at most daily.
func ParseRule(s string) (*rrule.RRule, error) {
	r, msg := parseRule(s)
	if msg != "" {
		return nil, errRule(msg)
	}
	return r, nil
}

// parseRule is ParseRule with the refusal as a message ("" when valid).
func parseRule(s string) (*rrule.RRule, string) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return nil, "The rule field is required."
	}
	if len(s) > 1000 {
		return nil, "The rule may not be greater than 1000 characters."
	}
	opt, err := rrule.StrToROption(s)
	if err != nil {
		return nil, "The rule must be an RFC 5545 RRULE with a DTSTART (e.g. \"DTSTART:20270101T090000Z\\nRRULE:FREQ=MONTHLY;COUNT=12\")."
	}
	if opt.Dtstart.IsZero() {
		return nil, "The rule must include a DTSTART."
	}
	if opt.Freq > rrule.DAILY || len(opt.Byhour) > 1 || len(opt.Byminute) > 1 || len(opt.Bysecond) > 1 {
		// Several BYHOUR (BYMINUTE, BYSECOND) values run a day's invoice
		// several times a day.
		return nil, "The rule may repeat at most daily."
	}
	if opt.Interval > 1000 || opt.Count > 10000 {
		return nil, "The rule's INTERVAL or COUNT is too large."
	}
	if y := opt.Dtstart.Year(); y < 1970 || y > 2200 {
		return nil, "The rule's DTSTART must be a date between 1970 and 2200."
	}
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, "The rule is invalid: " + err.Error() + "."
	}
	// The library panics on some rules; find out now, not in the scheduler.
	if _, ok := after(r, r.GetDTStart(), true); !ok {
		return nil, "The rule is invalid."
	}
	return r, ""
}

// after is r.After with the library's panics turned into ok = false.
func after(r *rrule.RRule, t time.Time, inclusive bool) (next time.Time, ok bool) {
	defer func() {
		if recover() != nil {
			next, ok = time.Time{}, false
		}
	}()
	return r.After(t, inclusive), true
}

func errRule(msg string) error {
	errs := FieldErrors{}
	errs.Add("rule", msg)
	return errs.Err()
}

// NextOccurrence is the rule's first occurrence after t (inclusive says
// whether t itself counts), or nil when the rule has ended.
func NextOccurrence(r *rrule.RRule, t time.Time, inclusive bool) *Time {
	next, ok := after(r, t, inclusive)
	if !ok || next.IsZero() {
		return nil
	}
	v := NewTime(next)
	return &v
}

// ScheduleInput is the body of POST and PUT /invoice/schedule; nil fields
// are unchanged by an update.
type ScheduleInput struct {
	Rule              *string         `json:"rule"`
	Total             AmountInput     `json:"total"`
	URL               *string         `json:"url"`
	CustomerID        *string         `json:"customer_id"`
	PaymentMethodID   *string         `json:"payment_method_id"`
	EmailNotification *Flag           `json:"email_notification"`
	Meta              json.RawMessage `json:"meta"`
	Active            *Flag           `json:"active"`
}

// Apply validates in and copies its set fields onto sc, adding to errs; a
// new or changed rule must start no earlier than now (a minute's grace)
// and sets NextRunAt. It returns the catalog lines of the meta. Whether the
// customer, payment method and items exist is the caller's check; an empty
// url is the caller's to default.
func (in *ScheduleInput) Apply(sc *Schedule, create bool, now time.Time, errs FieldErrors) []InvoiceLine {
	set(&sc.Rule, in.Rule)
	set(&sc.URL, in.URL)
	set(&sc.CustomerID, in.CustomerID)
	set(&sc.PaymentMethodID, in.PaymentMethodID)
	if in.Total.IsSet() || create {
		sc.Total = in.Total.Parse(errs, "total", true, 1)
	}
	if in.EmailNotification != nil {
		sc.EmailNotification = bool(*in.EmailNotification)
	}
	if in.Active != nil {
		sc.Active = bool(*in.Active)
	}
	var lines []InvoiceLine
	if len(in.Meta) > 0 && string(in.Meta) != "null" || create {
		sc.Meta, lines = InvoiceMeta(in.Meta, errs)
	} else {
		lines = InvoiceLines(sc.Meta)
	}
	if sc.CustomerID == "" {
		errs.Required("customer_id")
	}
	if sc.URL != "" && !strings.HasPrefix(sc.URL, "https://") && !strings.HasPrefix(sc.URL, "http://") {
		errs.Add("url", "The url must start with http:// or https://.")
	}
	if in.Rule != nil || create {
		r, msg := parseRule(sc.Rule)
		switch {
		case msg != "":
			errs.Add("rule", msg)
		case r.GetDTStart().Before(now.Add(-time.Minute)):
			errs.Add("rule", "The rule's DTSTART may not be in the past.")
		default:
			sc.NextRunAt = NextOccurrence(r, r.GetDTStart(), true)
			if sc.NextRunAt == nil {
				errs.Add("rule", "The rule has no occurrence.")
			}
		}
	}
	return lines
}

// ScheduleFilter narrows GET /invoice/schedule.
type ScheduleFilter struct {
	Status                 string
	CustomerID             string
	CreatedFrom, CreatedTo time.Time
	UpdatedFrom, UpdatedTo time.Time
}

// IsZero reports whether f filters nothing.
func (f ScheduleFilter) IsZero() bool {
	return f.Status == "" && f.CustomerID == "" && f.CreatedFrom.IsZero() && f.CreatedTo.IsZero() &&
		f.UpdatedFrom.IsZero() && f.UpdatedTo.IsZero()
}
