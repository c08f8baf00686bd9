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
	switch {
	case r.URL.Query().Get("created") != "":
		data.Notice = "Item added."
	case r.URL.Query().Get("updated") != "":
		data.Notice = "Item saved."
	case r.URL.Query().Get("deleted") != "":
		data.Notice = "Item deleted."
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

// readItemForm reads the item form into its fields and an ItemInput
// (every field set: the form shows them all).
func readItemForm(r *http.Request) (itemForm, *tender.ItemInput, []string) {
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
	return form, in, errs
}

func (d *Dashboard) createItem(w http.ResponseWriter, r *http.Request) error {
	form, in, errs := readItemForm(r)
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

// itemData is an item's edit page.
type itemData struct {
	ID     string
	Form   itemForm
	Active bool
	Errors []string
}

// liveItem returns one of the merchant's items that is not deleted.
func (d *Dashboard) liveItem(r *http.Request) (*tender.Item, error) {
	it, err := d.svc.Item(r.Context(), session(r).Merchant.ID, r.PathValue("id"))
	if err == nil && it.DeletedAt != nil {
		err = tender.NotFound("item")
	}
	return it, err
}

func (d *Dashboard) itemForm(w http.ResponseWriter, r *http.Request) error {
	it, err := d.liveItem(r)
	if err != nil {
		return err
	}
	form := itemForm{Item: it.Item, Code: it.Code, Category: it.Category, Details: it.Details, Price: amountField(it.Price)}
	form.InStock = strconv.FormatInt(it.InStock, 10)
	d.render(w, r, http.StatusOK, "item.html", "Edit item", "catalog", itemData{ID: it.ID, Form: form, Active: it.IsActive})
	return nil
}

// updateItem saves the edit form through the service (a 422 shows the
// form again with what went wrong).
func (d *Dashboard) updateItem(w http.ResponseWriter, r *http.Request) error {
	it, err := d.liveItem(r)
	if err != nil {
		return err
	}
	form, in, errs := readItemForm(r)
	active := r.PostFormValue("is_active") != ""
	in.IsActive = &active
	if errs == nil {
		_, err := d.svc.UpdateItem(r.Context(), session(r).Merchant.ID, it.ID, in)
		if err == nil {
			http.Redirect(w, r, "/dashboard/catalog?updated=1", http.StatusSeeOther)
			return nil
		}
		if tender.ErrorCode(err) != tender.EINVALID {
			return err
		}
		errs = fieldErrors(err)
	}
	d.render(w, r, http.StatusUnprocessableEntity, "item.html", "Edit item", "catalog",
		itemData{ID: it.ID, Form: form, Active: active, Errors: errs})
	return nil
}

func (d *Dashboard) deleteItem(w http.ResponseWriter, r *http.Request) error {
	it, err := d.liveItem(r)
	if err != nil {
		return err
	}
	if _, err := d.svc.DeleteItem(r.Context(), session(r).Merchant.ID, it.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/dashboard/catalog?deleted=1", http.StatusSeeOther)
	return nil
}
