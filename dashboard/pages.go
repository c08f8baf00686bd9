package dashboard

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/service"
)

const perPage = 25

// pager is a list page's place: its page number, and the links to the
// previous and next pages ("" when there is none).
type pager struct {
	Page, Pages, Total int
	Prev, Next         string
}

func listPage(r *http.Request) tender.ListParams {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 || n > 1_000_000 {
		n = 1
	}
	return tender.ListParams{Page: n, PerPage: perPage, Sort: "created_at", Desc: true}
}

func newPager(r *http.Request, lp tender.ListParams, total int) pager {
	p := pager{Page: lp.Page, Total: total, Pages: max(1, (total+lp.PerPage-1)/lp.PerPage)}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if lp.Page > 1 {
		p.Prev = link(min(lp.Page-1, p.Pages))
	}
	if lp.Page < p.Pages {
		p.Next = link(lp.Page + 1)
	}
	return p
}

// --- home --------------------------------------------------------------------

// chartDays is how many days home's sales chart shows (today the last):
// one bounded query each on transactions_merchant_created, so the chart
// costs the window's transactions, never the table's.
const chartDays = 14

// chartHeight is the height of the chart's tallest bar (SVG units).
const chartHeight = 100

// dayBar is one day of home's chart: its sales and its bar's geometry
// (SVG attributes: the CSP allows no inline style).
type dayBar struct {
	Day    time.Time
	Volume service.DayVolume
	X, Y   int
	Height int
}

func (d *Dashboard) home(w http.ResponseWriter, r *http.Request) error {
	s := session(r)
	day := d.svc.Now().UTC().Truncate(24 * time.Hour)
	bars := make([]dayBar, chartDays)
	var top tender.Amount
	for i := range bars {
		from := day.AddDate(0, 0, i-chartDays+1)
		vol, err := d.svc.Volume(r.Context(), s.Merchant.ID, from, from.Add(24*time.Hour))
		if err != nil {
			return err
		}
		bars[i] = dayBar{Day: from, Volume: vol, X: i * 20}
		top = max(top, vol.Total)
	}
	for i := range bars {
		if top > 0 {
			bars[i].Height = int(int64(bars[i].Volume.Total) * chartHeight / int64(top))
		}
		if bars[i].Height == 0 && bars[i].Volume.Total > 0 {
			bars[i].Height = 1
		}
		bars[i].Y = chartHeight - bars[i].Height
	}
	recent, err := d.svc.TransactionPage(r.Context(), s.Merchant.ID, tender.TransactionFilter{},
		tender.ListParams{Page: 1, PerPage: 10, Sort: "created_at", Desc: true})
	if err != nil {
		return err
	}
	d.render(w, r, http.StatusOK, "home.html", "Home", "home", struct {
		Day    time.Time
		Volume service.DayVolume
		Chart  []dayBar
		Recent []*tender.Transaction
	}{day, bars[chartDays-1].Volume, bars, recent.Items})
	return nil
}

// --- transactions --------------------------------------------------------------

var (
	txStatuses = []string{tender.StatusSuccess, tender.StatusFailed, tender.StatusPending}
	txTypes    = []string{tender.TxCharge, "pre_auth", tender.TxCapture, tender.TxRefund, "void", "credit"}
)

func (d *Dashboard) transactions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := tender.TransactionFilter{Status: pick(q.Get("status"), txStatuses), Type: pick(q.Get("type"), txTypes),
		CustomerID: strings.TrimSpace(q.Get("customer_id"))}
	lp := listPage(r)
	page, err := d.svc.TransactionPage(r.Context(), session(r).Merchant.ID, f, lp)
	if err != nil {
		return err
	}
	d.render(w, r, http.StatusOK, "transactions.html", "Transactions", "transactions", struct {
		Items           []*tender.Transaction
		Pager           pager
		Filter          tender.TransactionFilter
		Statuses, Types []string
	}{page.Items, newPager(r, lp, page.Total), f, txStatuses, txTypes})
	return nil
}

// pick returns v when it is one of allowed, else "" (no filter).
func pick(v string, allowed []string) string {
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	return ""
}

type txPage struct {
	Tx         *service.TransactionView
	CanRefund  bool
	CanCapture bool
	// Refund form: the amount entered and what went wrong.
	Amount string
	Errors []string
	// IdempotencyID makes the form's refund happen once, however often
	// it is sent.
	IdempotencyID string
	Notice        string
}

func (d *Dashboard) transaction(w http.ResponseWriter, r *http.Request) error {
	s := session(r)
	v, err := d.svc.Transaction(r.Context(), s.Merchant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	notice := ""
	switch {
	case r.URL.Query().Get("refunded") != "":
		notice = "Refund sent."
	case r.URL.Query().Get("done") == tender.OpVoid:
		notice = "Payment voided."
	case r.URL.Query().Get("done") == tender.OpCapture:
		notice = "Payment captured."
	case r.URL.Query().Get("done") == "receipt":
		notice = "Receipt sent."
	}
	d.render(w, r, http.StatusOK, "transaction.html", "Transaction", "transactions",
		txPage{Tx: v, CanRefund: s.User.CanRefund(), CanCapture: capturable(v.Transaction), Notice: notice})
	return nil
}

func (d *Dashboard) refundForm(w http.ResponseWriter, r *http.Request) error {
	s := session(r)
	v, err := d.svc.Transaction(r.Context(), s.Merchant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := txPage{Tx: v, CanRefund: s.User.CanRefund(), Amount: amountField(v.Refundable()), IdempotencyID: tender.NewID()}
	status := http.StatusOK
	if !p.CanRefund {
		status, p.Errors = http.StatusForbidden, []string{"Your role (" + s.User.Role + ") may not refund payments."}
	}
	d.render(w, r, status, "refund.html", "Refund", "transactions", p)
	return nil
}

func (d *Dashboard) refund(w http.ResponseWriter, r *http.Request) error {
	s := session(r)
	id := r.PathValue("id")
	amount := strings.TrimSpace(r.PostFormValue("amount"))
	in := &tender.ActionInput{Total: tender.NewAmountInput(strconv.Quote(amount)),
		IdempotencyID: r.PostFormValue("idempotency_id")}
	_, err := d.svc.RefundAs(r.Context(), s.User, id, in)
	if err == nil {
		http.Redirect(w, r, "/dashboard/transactions/"+url.PathEscape(id)+"?refunded=1", http.StatusSeeOther)
		return nil
	}
	switch tender.ErrorCode(err) {
	case tender.EINVALID, tender.EDECLINED, tender.EFORBIDDEN, tender.ECONFLICT:
		v, gerr := d.svc.Transaction(r.Context(), s.Merchant.ID, id)
		if gerr != nil {
			return gerr
		}
		d.render(w, r, statusOf(err), "refund.html", "Refund", "transactions",
			txPage{Tx: v, CanRefund: s.User.CanRefund(), Amount: amount, Errors: fieldErrors(err), IdempotencyID: tender.NewID()})
		return nil
	}
	return err
}

// --- customers -----------------------------------------------------------------

func (d *Dashboard) customers(w http.ResponseWriter, r *http.Request) error {
	search := strings.TrimSpace(r.URL.Query().Get("q"))
	var f tender.CustomerFilter
	if search != "" {
		f.Keywords = strings.Fields(search)
	}
	lp := listPage(r)
	page, err := d.svc.Customers(r.Context(), session(r).Merchant.ID, f, lp)
	if err != nil {
		return err
	}
	d.render(w, r, http.StatusOK, "customers.html", "Customers", "customers", struct {
		Items  []*tender.Customer
		Pager  pager
		Search string
	}{page.Items, newPager(r, lp, page.Total), search})
	return nil
}

func (d *Dashboard) customer(w http.ResponseWriter, r *http.Request) error {
	s := session(r)
	c, pms, err := d.svc.CustomerWithMethods(r.Context(), s.Merchant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	recent, err := d.svc.TransactionPage(r.Context(), s.Merchant.ID, tender.TransactionFilter{CustomerID: c.ID},
		tender.ListParams{Page: 1, PerPage: 10, Sort: "created_at", Desc: true})
	if err != nil {
		return err
	}
	d.render(w, r, http.StatusOK, "customer.html", "Customer", "customers", struct {
		Customer *tender.Customer
		Methods  []*tender.PaymentMethod
		Recent   []*tender.Transaction
	}{c, pms, recent.Items})
	return nil
}

// --- events --------------------------------------------------------------------

func (d *Dashboard) events(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := tender.EventFilter{Name: strings.TrimSpace(q.Get("name")), ObjectID: strings.TrimSpace(q.Get("object_id"))}
	lp := listPage(r)
	page, err := d.svc.Events(r.Context(), session(r).Merchant.ID, f, lp)
	if err != nil {
		return err
	}
	d.render(w, r, http.StatusOK, "events.html", "Events", "events", struct {
		Items  []*tender.Event
		Pager  pager
		Filter tender.EventFilter
	}{page.Items, newPager(r, lp, page.Total), f})
	return nil
}

// amountField shows an amount as a form field's dollars, with cents.
func amountField(a tender.Amount) string {
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	return sign + strconv.FormatInt(int64(a)/100, 10) + "." + strconv.FormatInt(int64(a)%100/10, 10) + strconv.FormatInt(int64(a)%10, 10)
}
