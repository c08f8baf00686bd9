package dashboard

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/service"
)

var invoiceStatuses = []string{tender.InvoiceDraft, tender.InvoiceSent, tender.InvoiceViewed,
	tender.InvoicePartiallyApplied, tender.InvoicePaid, tender.InvoiceAttempted, tender.InvoiceDeleted}

// pickLimit is how many customers and catalog items the new invoice form
// offers (the first page of each, by name).
const pickLimit = 100

func (d *Dashboard) invoices(w http.ResponseWriter, r *http.Request) error {
	f := tender.InvoiceFilter{Status: pick(r.URL.Query().Get("status"), invoiceStatuses)}
	lp := listPage(r)
	page, err := d.svc.Invoices(r.Context(), session(r).Merchant.ID, f, lp)
	if err != nil {
		return err
	}
	d.render(w, r, http.StatusOK, "invoices.html", "Invoices", "invoices", struct {
		Items    []*service.InvoiceView
		Pager    pager
		Filter   tender.InvoiceFilter
		Statuses []string
	}{page.Items, newPager(r, lp, page.Total), f, invoiceStatuses})
	return nil
}

// newInvoiceData is the new invoice form: the customers and items to pick
// from, what was entered and what went wrong.
type newInvoiceData struct {
	Customers []*tender.Customer
	// CustomerQ narrows the customers offered (by name, email or
	// company; the first pickLimit that match).
	CustomerQ  string
	Items      []*tender.Item
	CustomerID string
	Quantity   map[string]string
	Memo       string
	DueAt      string
	Errors     []string
}

func (d *Dashboard) pickLists(r *http.Request, data *newInvoiceData) error {
	mid := session(r).Merchant.ID
	lp := tender.ListParams{Page: 1, PerPage: pickLimit, Sort: "created_at", Desc: true}
	cs, q, err := d.pickCustomers(r)
	if err != nil {
		return err
	}
	data.CustomerQ = q
	active := true
	items, err := d.svc.Items(r.Context(), mid, tender.ItemFilter{Active: &active}, lp)
	if err != nil {
		return err
	}
	data.Customers, data.Items = cs, items.Items
	return nil
}

// pickCustomers returns the customers a form offers: the newest
// pickLimit, or the first pickLimit whose name, email or company match
// the customer_q search (of the URL or the form), and that search.
func (d *Dashboard) pickCustomers(r *http.Request) ([]*tender.Customer, string, error) {
	q := strings.TrimSpace(r.FormValue("customer_q"))
	var f tender.CustomerFilter
	if q != "" {
		f.Keywords = strings.Fields(q)
	}
	cs, err := d.svc.Customers(r.Context(), session(r).Merchant.ID, f,
		tender.ListParams{Page: 1, PerPage: pickLimit, Sort: "created_at", Desc: true})
	if err != nil {
		return nil, "", err
	}
	return cs.Items, q, nil
}

func (d *Dashboard) newInvoiceForm(w http.ResponseWriter, r *http.Request) error {
	data := newInvoiceData{CustomerID: r.URL.Query().Get("customer_id"), Quantity: map[string]string{}}
	if err := d.pickLists(r, &data); err != nil {
		return err
	}
	d.render(w, r, http.StatusOK, "invoice_new.html", "New invoice", "invoices", data)
	return nil
}

type metaLineItem struct {
	ID       string `json:"id"`
	Item     string `json:"item"`
	Details  string `json:"details"`
	Quantity int64  `json:"quantity"`
	Price    string `json:"price"`
}

// createInvoice builds the invoice's line items from the catalog items
// picked (each item's price times its quantity), totals them and creates
// it through the service, sending it at once when asked.
func (d *Dashboard) createInvoice(w http.ResponseWriter, r *http.Request) error {
	data := newInvoiceData{CustomerID: r.PostFormValue("customer_id"), Quantity: map[string]string{},
		Memo: strings.TrimSpace(r.PostFormValue("memo")), DueAt: strings.TrimSpace(r.PostFormValue("due_at"))}
	if err := d.pickLists(r, &data); err != nil {
		return err
	}
	var lines []metaLineItem
	var total tender.Amount
	for _, it := range data.Items {
		q := strings.TrimSpace(r.PostFormValue("qty_" + it.ID))
		if q == "" || q == "0" {
			continue
		}
		data.Quantity[it.ID] = q
		n, err := strconv.ParseInt(q, 10, 64)
		if err != nil || n < 0 || n > 1_000_000 {
			data.Errors = append(data.Errors, "The quantity of "+it.Item+" must be a whole number from 0 to 1000000.")
			continue
		}
		lines = append(lines, metaLineItem{ID: it.ID, Item: it.Item, Details: it.Details, Quantity: n, Price: amountField(it.Price)})
		total += it.Price * tender.Amount(n)
	}
	if len(lines) == 0 && data.Errors == nil {
		data.Errors = append(data.Errors, "Pick at least one item and its quantity.")
	}
	if data.Errors == nil {
		meta, _ := json.Marshal(map[string]any{"lineItems": lines, "subtotal": json.Number(amountField(total)), "memo": data.Memo})
		in := &tender.InvoiceInput{CustomerID: &data.CustomerID, Total: tender.NewAmountInput(amountField(total)),
			Meta: meta, SendNow: r.PostFormValue("send_now") != ""}
		if data.DueAt != "" {
			in.DueAt = &data.DueAt
		}
		inv, err := d.svc.CreateInvoice(r.Context(), session(r).Merchant.ID, in)
		if err == nil {
			http.Redirect(w, r, "/dashboard/invoices/"+url.PathEscape(inv.ID)+"?created=1", http.StatusSeeOther)
			return nil
		}
		if tender.ErrorCode(err) != tender.EINVALID {
			return err
		}
		data.Errors = fieldErrors(err)
	}
	d.render(w, r, http.StatusUnprocessableEntity, "invoice_new.html", "New invoice", "invoices", data)
	return nil
}

type invoicePage struct {
	Inv           *service.InvoiceView
	Link          string
	Lines         []metaLineItem
	Memo          string
	Methods       []string
	Amount        string
	IdempotencyID string
	Errors        []string
	Notice        string
}

func (d *Dashboard) invoicePage(r *http.Request, id string) (*invoicePage, error) {
	inv, err := d.svc.Invoice(r.Context(), session(r).Merchant.ID, id)
	if err != nil {
		return nil, err
	}
	p := &invoicePage{Inv: inv, Link: service.InvoiceLink(inv.Invoice), Methods: tender.ManualMethods,
		Amount: amountField(inv.BalanceDue), IdempotencyID: tender.NewID()}
	var meta struct {
		LineItems []struct {
			Item     string      `json:"item"`
			Quantity json.Number `json:"quantity"`
			Price    json.Number `json:"price"`
		} `json:"lineItems"`
		Memo string `json:"memo"`
	}
	if json.Unmarshal(inv.Meta, &meta) == nil {
		p.Memo = meta.Memo
		for _, l := range meta.LineItems {
			q, _ := l.Quantity.Int64()
			p.Lines = append(p.Lines, metaLineItem{Item: l.Item, Quantity: q, Price: l.Price.String()})
		}
	}
	return p, nil
}

func (d *Dashboard) invoice(w http.ResponseWriter, r *http.Request) error {
	p, err := d.invoicePage(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	switch {
	case q.Get("created") != "":
		p.Notice = "Invoice created."
	case q.Get("sent") != "":
		p.Notice = "Invoice sent."
	case q.Get("paid") != "":
		p.Notice = "Payment recorded."
	}
	d.render(w, r, http.StatusOK, "invoice.html", "Invoice", "invoices", p)
	return nil
}

func (d *Dashboard) sendInvoice(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	_, err := d.svc.SendInvoice(r.Context(), session(r).Merchant.ID, id, "email")
	if err == nil {
		http.Redirect(w, r, "/dashboard/invoices/"+url.PathEscape(id)+"?sent=1", http.StatusSeeOther)
		return nil
	}
	return d.invoiceFailed(w, r, id, err, "")
}

func (d *Dashboard) payInvoice(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	amount := strings.TrimSpace(r.PostFormValue("amount"))
	in := &tender.ManualPaymentInput{Total: tender.NewAmountInput(strconv.Quote(amount)),
		IdempotencyID: r.PostFormValue("idempotency_id")}
	_, err := d.svc.PayInvoiceManual(r.Context(), session(r).Merchant.ID, id, r.PostFormValue("method"), in)
	if err == nil {
		http.Redirect(w, r, "/dashboard/invoices/"+url.PathEscape(id)+"?paid=1", http.StatusSeeOther)
		return nil
	}
	return d.invoiceFailed(w, r, id, err, amount)
}

// invoiceFailed shows the invoice again with what went wrong (a 422 or
// 409), or returns the error.
func (d *Dashboard) invoiceFailed(w http.ResponseWriter, r *http.Request, id string, err error, amount string) error {
	switch tender.ErrorCode(err) {
	case tender.EINVALID, tender.ECONFLICT, tender.EDECLINED:
	default:
		return err
	}
	p, gerr := d.invoicePage(r, id)
	if gerr != nil {
		return gerr
	}
	p.Errors = fieldErrors(err)
	if amount != "" {
		p.Amount = amount
	}
	d.render(w, r, statusOf(err), "invoice.html", "Invoice", "invoices", p)
	return nil
}
