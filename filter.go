package tender

import (
	"slices"
	"time"
)

// Filters narrow the lists (GET /transaction, /customer, /invoice, ...).
// The HTTP edge parses query parameters into them, their Validate checks
// them (errors named after the query parameters), and the stores apply
// them as query arguments, never as SQL text.

// MaxKeywords bounds keywords[] on every list.
const MaxKeywords = 10

// validateRange adds an error under toField when both ends are set and to
// is before from.
func validateRange(from, to time.Time, toField string, errs FieldErrors) {
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		errs.Add(toField, "The "+humanField(toField)+" must be a date after or equal to the start date.")
	}
}

// validateKeywords checks keywords[] (at most MaxKeywords, each ≤ 100
// characters).
func validateKeywords(kws []string, errs FieldErrors) {
	if len(kws) > MaxKeywords {
		errs.Add("keywords", "At most 10 keywords are allowed.")
		return
	}
	for _, k := range kws {
		if len(k) > 100 {
			errs.Add("keywords", "Each keyword may not be greater than 100 characters.")
			return
		}
	}
}

func allowedOrEmpty(v string, allowed ...string) bool { return v == "" || slices.Contains(allowed, v) }

// Validate checks the filter's values (the query parameters' names in the
// errors).
func (f TransactionFilter) Validate() error {
	errs := FieldErrors{}
	if !allowedOrEmpty(f.Type, TxCharge, TxPreAuth, TxCapture, TxRefund, TxVoid, TxCredit) {
		errs.Add("type", "The selected type is invalid.")
	}
	if !allowedOrEmpty(f.Method, MethodCard, MethodBank, "cash", "check", "giftcard", "paypal", "venmo", "bank transfer", "other") {
		errs.Add("method", "The selected method is invalid.")
	}
	if !allowedOrEmpty(f.Status, StatusPending, StatusSuccess, StatusFailed) {
		errs.Add("status", "The selected status is invalid.")
	}
	validateRange(f.CreatedFrom, f.CreatedTo, "end_date", errs)
	validateRange(f.UpdatedFrom, f.UpdatedTo, "updated_end_date", errs)
	if f.TotalMin != nil && *f.TotalMin < 0 {
		errs.Add("total_min", "The total min must be at least 0.")
	}
	if f.TotalMin != nil && f.TotalMax != nil && *f.TotalMax < *f.TotalMin {
		errs.Add("total_max", "The total max must be greater than or equal to total min.")
	}
	validateKeywords(f.Keywords, errs)
	return errs.Err()
}

// IsZero reports whether f filters nothing.
func (f TransactionFilter) IsZero() bool {
	return f.Type == "" && f.Method == "" && f.Status == "" && f.Success == nil && f.CustomerID == "" &&
		f.PaymentMethodID == "" && f.InvoiceID == "" && f.ScheduleID == "" && f.CreatedFrom.IsZero() &&
		f.CreatedTo.IsZero() && f.UpdatedFrom.IsZero() && f.UpdatedTo.IsZero() && f.TotalMin == nil &&
		f.TotalMax == nil && len(f.Keywords) == 0
}

// Positioned reports whether f is one that lists read by list position
// (O(page) however deep the page): nothing but a created_at range and at
// most one of customer_id and payment_method_id. It returns the filtered
// dimension ("customer", "payment_method", or "" for the whole list) and
// its value.
func (f TransactionFilter) Positioned() (dim, val string, ok bool) {
	rest := f
	rest.CreatedFrom, rest.CreatedTo, rest.CustomerID, rest.PaymentMethodID = time.Time{}, time.Time{}, "", ""
	if !rest.IsZero() || (f.CustomerID != "" && f.PaymentMethodID != "") {
		return "", "", false
	}
	switch {
	case f.CustomerID != "":
		return "customer", f.CustomerID, true
	case f.PaymentMethodID != "":
		return "payment_method", f.PaymentMethodID, true
	}
	return "", "", true
}

// validateDates checks the created_at and updated_at ranges every list
// takes.
func validateDates(createdFrom, createdTo, updatedFrom, updatedTo time.Time, errs FieldErrors) {
	validateRange(createdFrom, createdTo, "end_date", errs)
	validateRange(updatedFrom, updatedTo, "updated_end_date", errs)
}

// validateTotals checks total_min and total_max.
func validateTotals(lo, hi *Amount, errs FieldErrors) {
	if lo != nil && *lo < 0 {
		errs.Add("total_min", "The total min must be at least 0.")
	}
	if hi != nil && *hi < 0 {
		errs.Add("total_max", "The total max must be at least 0.")
	} else if lo != nil && hi != nil && *hi < *lo {
		errs.Add("total_max", "The total max must be greater than or equal to total min.")
	}
}

// Validate checks the filter's values (the query parameters' names in the
// errors).
func (f CustomerFilter) Validate() error {
	errs := FieldErrors{}
	validateDates(f.CreatedFrom, f.CreatedTo, f.UpdatedFrom, f.UpdatedTo, errs)
	validateKeywords(f.Keywords, errs)
	return errs.Err()
}

// Validate checks the filter's values (the query parameters' names in the
// errors).
func (f PaymentMethodFilter) Validate() error {
	errs := FieldErrors{}
	if !allowedOrEmpty(f.Method, MethodCard, MethodBank) {
		errs.Add("method", "The selected method is invalid.")
	}
	validateDates(f.CreatedFrom, f.CreatedTo, f.UpdatedFrom, f.UpdatedTo, errs)
	return errs.Err()
}

// Validate checks the filter's values (the query parameters' names in the
// errors).
func (f ItemFilter) Validate() error {
	errs := FieldErrors{}
	validateDates(f.CreatedFrom, f.CreatedTo, f.UpdatedFrom, f.UpdatedTo, errs)
	validateKeywords(f.Keywords, errs)
	return errs.Err()
}

// Validate checks the filter's values (the query parameters' names in the
// errors).
func (f InvoiceFilter) Validate() error {
	errs := FieldErrors{}
	if !allowedOrEmpty(f.Status, InvoiceDraft, InvoiceSent, InvoiceViewed, InvoicePartiallyApplied, InvoicePaid,
		InvoiceAttempted, InvoiceDeleted) {
		errs.Add("status", "The selected status is invalid.")
	}
	validateDates(f.CreatedFrom, f.CreatedTo, f.UpdatedFrom, f.UpdatedTo, errs)
	validateRange(f.DueFrom, f.DueTo, "due_end_date", errs)
	validateTotals(f.TotalMin, f.TotalMax, errs)
	validateKeywords(f.Keywords, errs)
	return errs.Err()
}

// Validate checks the filter's values (the query parameters' names in the
// errors).
func (f ScheduleFilter) Validate() error {
	errs := FieldErrors{}
	if !allowedOrEmpty(f.Status, ScheduleNotStarted, ScheduleWaiting, SchedulePending, SchedulePaused,
		ScheduleCompleted, ScheduleDeleted) {
		errs.Add("status", "The selected status is invalid.")
	}
	validateDates(f.CreatedFrom, f.CreatedTo, f.UpdatedFrom, f.UpdatedTo, errs)
	return errs.Err()
}

// CreatedOnly reports whether f narrows by nothing but a created_at range
// (either end open): the filter lists read by list position, O(page).
func (f CustomerFilter) CreatedOnly() bool {
	g := f
	g.CreatedFrom, g.CreatedTo = time.Time{}, time.Time{}
	return g.IsZero() && !f.IsZero()
}

// CreatedOnly: as CustomerFilter's.
func (f PaymentMethodFilter) CreatedOnly() bool {
	g := f
	g.CreatedFrom, g.CreatedTo = time.Time{}, time.Time{}
	return g.IsZero() && !f.IsZero()
}

// CreatedOnly: as CustomerFilter's.
func (f ItemFilter) CreatedOnly() bool {
	g := f
	g.CreatedFrom, g.CreatedTo = time.Time{}, time.Time{}
	return g.IsZero() && !f.IsZero()
}

// CreatedOnly: as CustomerFilter's.
func (f InvoiceFilter) CreatedOnly() bool {
	g := f
	g.CreatedFrom, g.CreatedTo = time.Time{}, time.Time{}
	return g.IsZero() && !f.IsZero()
}

// CustomerOnly reports whether f narrows by one customer and at most a
// created_at range: one customer's invoices, read by their places in the
// customer's list, O(page).
func (f InvoiceFilter) CustomerOnly() bool {
	g := f
	g.CustomerID, g.CreatedFrom, g.CreatedTo = "", time.Time{}, time.Time{}
	return g.IsZero() && f.CustomerID != ""
}

// CreatedOnly: as CustomerFilter's.
func (f ScheduleFilter) CreatedOnly() bool {
	g := f
	g.CreatedFrom, g.CreatedTo = time.Time{}, time.Time{}
	return g.IsZero() && !f.IsZero()
}
