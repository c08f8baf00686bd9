package dashboard

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/tenderpay/tender"
)

// principal is the signed-in merchant, as the webhook service methods
// take it (the same calls the API makes with a merchant key).
func principal(r *http.Request) *tender.Principal {
	return &tender.Principal{Kind: tender.KeyMerchant, Merchant: session(r).Merchant}
}

type webhooksData struct {
	Items  []*tender.Webhook
	Pager  pager
	Events []string
	New    *tender.Webhook
	URL    string
	Event  string
	Errors []string
	Notice string
}

func (d *Dashboard) webhooks(w http.ResponseWriter, r *http.Request) error {
	data := webhooksData{}
	if r.URL.Query().Get("deleted") != "" {
		data.Notice = "Webhook deleted."
	}
	return d.renderWebhooks(w, r, http.StatusOK, data)
}

func (d *Dashboard) renderWebhooks(w http.ResponseWriter, r *http.Request, status int, data webhooksData) error {
	lp := listPage(r)
	lp.Desc = false
	page, err := d.svc.WebhookPage(r.Context(), principal(r), lp)
	if err != nil {
		return err
	}
	data.Items, data.Pager, data.Events = page.Items, newPager(r, lp, page.Total), append([]string{"*"}, tender.Events...)
	d.render(w, r, status, "webhooks.html", "Webhooks", "webhooks", data)
	return nil
}

// createWebhook shows the new subscription's signing secret once.
func (d *Dashboard) createWebhook(w http.ResponseWriter, r *http.Request) error {
	in := &tender.WebhookInput{TargetURL: strings.TrimSpace(r.PostFormValue("target_url")), Event: r.PostFormValue("event")}
	hook, err := d.svc.CreateWebhook(r.Context(), principal(r), in)
	if err != nil {
		if tender.ErrorCode(err) != tender.EINVALID {
			return err
		}
		return d.renderWebhooks(w, r, http.StatusUnprocessableEntity, webhooksData{URL: in.TargetURL, Event: in.Event, Errors: fieldErrors(err)})
	}
	return d.renderWebhooks(w, r, http.StatusOK, webhooksData{New: hook})
}

func (d *Dashboard) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	if _, err := d.svc.DeleteWebhook(r.Context(), principal(r), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/dashboard/webhooks?deleted=1", http.StatusSeeOther)
	return nil
}

// webhook is a subscription's delivery log, newest first, each delivery
// with a replay button.
func (d *Dashboard) webhook(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	id := r.PathValue("id")
	hook, err := d.svc.Webhook(r.Context(), p, id)
	if err != nil {
		return err
	}
	lp := listPage(r)
	page, err := d.svc.Deliveries(r.Context(), p, id, lp)
	if err != nil {
		return err
	}
	notice := ""
	if r.URL.Query().Get("replayed") != "" {
		notice = "Delivery replayed: the event is sent again as a new delivery."
	}
	d.render(w, r, http.StatusOK, "webhook.html", "Webhook", "webhooks", struct {
		Hook   *tender.Webhook
		Items  []*tender.WebhookDelivery
		Pager  pager
		Notice string
	}{hook, page.Items, newPager(r, lp, page.Total), notice})
	return nil
}

func (d *Dashboard) replayDelivery(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := d.svc.Replay(r.Context(), principal(r), id, r.PathValue("delivery")); err != nil {
		return err
	}
	http.Redirect(w, r, "/dashboard/webhooks/"+url.PathEscape(id)+"?replayed=1", http.StatusSeeOther)
	return nil
}
