package dashboard

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
	"github.com/tenderpay/tender"
)

// The scheduled invoices pages: the list, a form that creates one and the
// same form that changes one. The form builds the schedule's RFC 5545
// rule from a frequency, a first date and an optional number of
// invoices ("DTSTART:20270101T090000Z\nRRULE:FREQ=MONTHLY;COUNT=12");
// editing leaves the rule alone unless one of those three changed (a
// rule's DTSTART in the past is refused, and a schedule's often is).

var scheduleFreqs = []string{"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}

// scheduleHour is the time of day (UTC) of a rule the form builds.
const scheduleHour = 9

func (d *Dashboard) schedules(w http.ResponseWriter, r *http.Request) error {
	lp := listPage(r)
	page, err := d.svc.Schedules(r.Context(), session(r).Merchant.ID, tender.ScheduleFilter{}, lp)
	if err != nil {
		return err
	}
	notice := ""
	switch {
	case r.URL.Query().Get("created") != "":
		notice = "Schedule created."
	case r.URL.Query().Get("updated") != "":
		notice = "Schedule saved."
	}
	d.render(w, r, http.StatusOK, "schedules.html", "Scheduled invoices", "invoices", struct {
		Items  []*tender.Schedule
		Pager  pager
		Notice string
	}{page.Items, newPager(r, lp, page.Total), notice})
	return nil
}

// scheduleForm is the schedule form's fields as entered.
type scheduleForm struct {
	CustomerID, Total, Freq, Start, Count string
	Email, Active                         bool
}

// scheduleData is the new or edit schedule page.
type scheduleData struct {
	ID        string // "" for a new one
	Schedule  *tender.Schedule
	Customer  *tender.Customer
	Customers []*tender.Customer
	CustomerQ string
	Freqs     []string
	Form      scheduleForm
	Errors    []string
}

// ruleForm returns the form's frequency, first date and count of a rule
// ("" for what it cannot show).
func ruleForm(rule string) (freq, start, count string) {
	r, err := tender.ParseRule(rule)
	if err != nil {
		return "", "", ""
	}
	o := r.OrigOptions
	switch o.Freq {
	case rrule.DAILY:
		freq = "DAILY"
	case rrule.WEEKLY:
		freq = "WEEKLY"
	case rrule.MONTHLY:
		freq = "MONTHLY"
	case rrule.YEARLY:
		freq = "YEARLY"
	}
	if o.Count > 0 {
		count = strconv.Itoa(o.Count)
	}
	return freq, o.Dtstart.UTC().Format(time.DateOnly), count
}

// buildRule makes the rule of a frequency, a first date and a count, or
// says what is wrong with them.
func buildRule(f scheduleForm) (string, []string) {
	var errs []string
	if pick(f.Freq, scheduleFreqs) == "" {
		errs = append(errs, "Choose how often the invoice is sent.")
	}
	day, err := time.Parse(time.DateOnly, f.Start)
	if err != nil {
		errs = append(errs, "The first date must be a date (YYYY-MM-DD).")
	}
	rule := "DTSTART:" + day.Add(scheduleHour*time.Hour).Format("20060102T150405Z") + "\nRRULE:FREQ=" + f.Freq
	if f.Count != "" {
		n, err := strconv.Atoi(f.Count)
		if err != nil || n < 1 || n > 1000 {
			errs = append(errs, "The number of invoices must be a whole number from 1 to 1000 (or blank: no end).")
		}
		rule += ";COUNT=" + strconv.Itoa(n)
	}
	return rule, errs
}

func readScheduleForm(r *http.Request) scheduleForm {
	return scheduleForm{CustomerID: r.PostFormValue("customer_id"), Total: strings.TrimSpace(r.PostFormValue("total")),
		Freq: r.PostFormValue("freq"), Start: strings.TrimSpace(r.PostFormValue("start")),
		Count: strings.TrimSpace(r.PostFormValue("count")), Email: r.PostFormValue("email_notification") != "",
		Active: r.PostFormValue("active") != ""}
}

func (d *Dashboard) renderSchedule(w http.ResponseWriter, r *http.Request, status int, data scheduleData) error {
	data.Freqs = scheduleFreqs
	if data.ID == "" {
		cs, q, err := d.pickCustomers(r)
		if err != nil {
			return err
		}
		data.Customers, data.CustomerQ = cs, q
	}
	title := "New scheduled invoice"
	if data.ID != "" {
		title = "Scheduled invoice"
	}
	d.render(w, r, status, "schedule.html", title, "invoices", data)
	return nil
}

func (d *Dashboard) newScheduleForm(w http.ResponseWriter, r *http.Request) error {
	start := d.svc.Now().UTC().Add(24 * time.Hour).Format(time.DateOnly)
	return d.renderSchedule(w, r, http.StatusOK, scheduleData{Form: scheduleForm{
		CustomerID: r.URL.Query().Get("customer_id"), Freq: "MONTHLY", Start: start, Email: true, Active: true}})
}

func (d *Dashboard) createSchedule(w http.ResponseWriter, r *http.Request) error {
	f := readScheduleForm(r)
	rule, errs := buildRule(f)
	if errs == nil {
		email := tender.Flag(f.Email)
		in := &tender.ScheduleInput{Rule: &rule, Total: tender.NewAmountInput(strconv.Quote(f.Total)),
			CustomerID: &f.CustomerID, EmailNotification: &email}
		_, err := d.svc.CreateSchedule(r.Context(), session(r).Merchant.ID, in)
		if err == nil {
			http.Redirect(w, r, "/dashboard/invoices/scheduled?created=1", http.StatusSeeOther)
			return nil
		}
		if tender.ErrorCode(err) != tender.EINVALID {
			return err
		}
		errs = fieldErrors(err)
	}
	return d.renderSchedule(w, r, http.StatusUnprocessableEntity, scheduleData{Form: f, Errors: errs})
}

// schedulePage loads a schedule (another merchant's is ENOTFOUND) and its
// customer; a deleted schedule cannot be edited.
func (d *Dashboard) schedulePage(r *http.Request) (scheduleData, error) {
	mid := session(r).Merchant.ID
	sc, err := d.svc.Schedule(r.Context(), mid, r.PathValue("id"))
	if err != nil {
		return scheduleData{}, err
	}
	if sc.DeletedAt != nil {
		return scheduleData{}, tender.NotFound("schedule")
	}
	data := scheduleData{ID: sc.ID, Schedule: sc}
	if c, _, err := d.svc.CustomerWithMethods(r.Context(), mid, sc.CustomerID); err == nil {
		data.Customer = c
	} else if tender.ErrorCode(err) != tender.ENOTFOUND {
		return scheduleData{}, err
	}
	return data, nil
}

func (d *Dashboard) scheduleForm(w http.ResponseWriter, r *http.Request) error {
	data, err := d.schedulePage(r)
	if err != nil {
		return err
	}
	sc := data.Schedule
	freq, start, count := ruleForm(sc.Rule)
	data.Form = scheduleForm{CustomerID: sc.CustomerID, Total: amountField(sc.Total), Freq: freq, Start: start, Count: count,
		Email: sc.EmailNotification, Active: sc.Active}
	return d.renderSchedule(w, r, http.StatusOK, data)
}

// updateSchedule saves the amount, the email and pause settings, and the
// rule when its fields changed.
func (d *Dashboard) updateSchedule(w http.ResponseWriter, r *http.Request) error {
	data, err := d.schedulePage(r)
	if err != nil {
		return err
	}
	sc := data.Schedule
	f := readScheduleForm(r)
	f.CustomerID = sc.CustomerID
	email, active := tender.Flag(f.Email), tender.Flag(f.Active)
	in := &tender.ScheduleInput{Total: tender.NewAmountInput(strconv.Quote(f.Total)), EmailNotification: &email, Active: &active}
	var errs []string
	if freq, start, count := ruleForm(sc.Rule); f.Freq != freq || f.Start != start || f.Count != count {
		var rule string
		rule, errs = buildRule(f)
		in.Rule = &rule
	}
	if errs == nil {
		_, err := d.svc.UpdateSchedule(r.Context(), session(r).Merchant.ID, sc.ID, in)
		if err == nil {
			http.Redirect(w, r, "/dashboard/invoices/scheduled?updated=1", http.StatusSeeOther)
			return nil
		}
		if tender.ErrorCode(err) != tender.EINVALID {
			return err
		}
		errs = fieldErrors(err)
	}
	data.Form, data.Errors = f, errs
	return d.renderSchedule(w, r, http.StatusUnprocessableEntity, data)
}
