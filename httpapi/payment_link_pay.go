package httpapi

import (
	"net/http"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/notify"
	"github.com/tenderpay/tender/service"
)

// hostedPaymentLink serves a payment link's public page (the link's url);
// opening it counts a view. A link that can no longer be paid shows so,
// with 410 Gone; an unknown id is a 404.
func (a *API) hostedPaymentLink(w http.ResponseWriter, r *http.Request) {
	pg, err := a.svc.ViewPaymentLink(r.Context(), r.PathValue("id"))
	if err != nil {
		if tender.ErrorCode(err) != tender.ENOTFOUND {
			a.log.ErrorContext(r.Context(), "payment link page", "error", err.Error())
		}
		hostedPageHeaders(w)
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<!doctype html><title>Not found</title><p>This payment link does not exist.</p>\n"))
		return
	}
	data := struct {
		*service.PaymentLinkPage
		Nonce, Total, Amount string
		Payable, CardAllowed bool
		Asset                hostedAssets
	}{PaymentLinkPage: pg, Nonce: hostedPageHeaders(w), Total: notify.Dollars(pg.Link.Total),
		Amount: amountField(pg.Link.Total), Payable: pg.Status.IsActive, CardAllowed: true, Asset: pageAssets()}
	if !data.Payable {
		w.WriteHeader(http.StatusGone)
	}
	if err := pages.ExecuteTemplate(w, "payment_link.html", data); err != nil {
		a.log.ErrorContext(r.Context(), "payment link template", "error", err.Error())
	}
}

// payPaymentLink serves POST /pay/link/{id}: the payment keyed in on the
// link's page (hostedPayment).
func (a *API) payPaymentLink(w http.ResponseWriter, r *http.Request) error {
	return hostedPayment(w, r, a.svc.PayPaymentLink)
}
