package dashboard

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/tenderpay/tender"
)

// catalogData is the catalog page: its items, and the new item form's
// values and errors.
type catalogData struct {
	Items  []*tender.Item
	Pager  pager
	Search string
	Form   itemForm
	Errors []string
	Notice string
}

type itemForm struct{ Item, Code, Category, Details, Price, InStock string }

func (d *Dashboard) catalog(w http.ResponseWriter, r *http.Request) error {
	data := catalogData{Search: strings.TrimSpace(r.URL.Query().Get("q"))}
	if r.URL.Query().Get("created") != "" {
		data.Notice = "Item added."
	}
	return d.renderCatalog(w, r, http.StatusOK, data)
}

func (d *Dashboard) renderCatalog(w http.ResponseWriter, r *http.Request, status int, data catalogData) error {
	var f tender.ItemFilter
	if data.Search != "" {
		f.Keywords = strings.Fields(data.Search)
	}
	lp := listPage(r)
	page, err := d.svc.Items(r.Context(), session(r).Merchant.ID, f, lp)
	if err != nil {
		return err
	}
	data.Items, data.Pager = page.Items, newPager(r, lp, page.Total)
	d.render(w, r, status, "catalog.html", "Catalog", "catalog", data)
	return nil
}

func (d *Dashboard) createItem(w http.ResponseWriter, r *http.Request) error {
	form := itemForm{
		Item: strings.TrimSpace(r.PostFormValue("item")), Code: strings.TrimSpace(r.PostFormValue("code")),
		Category: strings.TrimSpace(r.PostFormValue("category")), Details: strings.TrimSpace(r.PostFormValue("details")),
		Price: strings.TrimSpace(r.PostFormValue("price")), InStock: strings.TrimSpace(r.PostFormValue("in_stock")),
	}
	in := &tender.ItemInput{Item: &form.Item, Code: &form.Code, Category: &form.Category, Details: &form.Details,
		Price: tender.NewAmountInput(strconv.Quote(form.Price))}
	var errs []string
	if form.InStock != "" {
		n, err := strconv.ParseInt(form.InStock, 10, 64)
		if err != nil {
			errs = append(errs, "In stock must be a whole number.")
		} else {
			in.InStock = &n
		}
	}
	if errs == nil {
		_, err := d.svc.CreateItem(r.Context(), session(r).Merchant.ID, in)
		if err == nil {
			http.Redirect(w, r, "/dashboard/catalog?created=1", http.StatusSeeOther)
			return nil
		}
		if tender.ErrorCode(err) != tender.EINVALID {
			return err
		}
		errs = fieldErrors(err)
	}
	return d.renderCatalog(w, r, http.StatusUnprocessableEntity, catalogData{Form: form, Errors: errs})
}
