package httpapi

import (
	"crypto/rand"
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/notify"
	"github.com/tenderpay/tender/service"
)

//go:embed pages/*.html
var pagesFS embed.FS

var pages = template.Must(template.ParseFS(pagesFS, "pages/*.html"))

// newNonce returns a fresh CSP nonce.
func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawStdEncoding.EncodeToString(b)
}

// hostedPageHeaders are the security headers of every HTML page: a strict
// CSP (Tender's own stylesheet and scripts, the page's own nonce-tagged
// style for the merchant's colours, and hosted fields), no framing, no
// referrer.
func hostedPageHeaders(w http.ResponseWriter) string {
	nonce := newNonce()
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-"+nonce+"'; img-src 'self' data:; "+
		"frame-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Content-Type", "text/html; charset=utf-8")
	return nonce
}

// hostedAssets are the versioned links of what both hosted pages load:
// their stylesheet, favicon, the library and the card form's script.
type hostedAssets struct{ Style, Favicon, Library, Script string }

func pageAssets() hostedAssets {
	return hostedAssets{Style: assetURL("hosted.css"), Favicon: assetURL("favicon.svg"), Library: assetURL("stax.js"),
		Script: assetURL("payform.js")}
}

// hostedInvoice serves the invoice page the emailed link (url + id) opens;
// opening a sent invoice marks it VIEWED.
func (a *API) hostedInvoice(w http.ResponseWriter, r *http.Request) {
	h, err := a.svc.ViewInvoice(r.Context(), r.PathValue("id"))
	if err != nil {
		if tender.ErrorCode(err) != tender.ENOTFOUND {
			a.log.ErrorContext(r.Context(), "hosted invoice", "error", err.Error())
		}
		hostedPageHeaders(w)
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<!doctype html><title>Not found</title><p>This invoice does not exist.</p>\n"))
		return
	}
	inv := h.Invoice
	data := struct {
		*service.HostedInvoice
		Nonce, Total, Paid, Balance, DueAt, BalanceAmount string
		Payable                                           bool
		Asset                                             hostedAssets
	}{HostedInvoice: h, Nonce: hostedPageHeaders(w), Total: notify.Dollars(inv.Total), Balance: notify.Dollars(inv.Payable()),
		BalanceAmount: amountField(inv.Payable()), Payable: inv.Payable() > 0 && inv.Status != tender.InvoicePaid,
		Asset: pageAssets()}
	if inv.TotalPaid > 0 {
		data.Paid = notify.Dollars(inv.TotalPaid)
	}
	if inv.DueAt != nil {
		data.DueAt = inv.DueAt.Format("Jan 2, 2006")
	}
	if err := pages.ExecuteTemplate(w, "invoice.html", data); err != nil {
		a.log.ErrorContext(r.Context(), "hosted invoice template", "error", err.Error())
	}
}

// amountField writes an amount for a form field: dollars and cents, no
// thousands separator (46.40).
func amountField(a tender.Amount) string {
	whole, frac, _ := strings.Cut(a.String(), ".")
	return whole + "." + (frac + "00")[:2]
}
