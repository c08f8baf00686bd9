package httpapi

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/service"
)

// Web payments: the Stax.js-compatible library and its hosted card fields
// (served from here, so the card number is typed into Tender's origin and
// never into the merchant's page), the routes the library calls with the
// merchant's public web-payments token, and CORS for them.

// webAuthenticate resolves the path's web-payments token and checks the
// caller's origin; it sets the CORS headers of the answer.
func (a *API) webAuthenticate(w http.ResponseWriter, r *http.Request) (*tender.Principal, error) {
	m, err := a.svc.WebMerchant(r.Context(), r.PathValue("token"))
	if err != nil {
		return nil, err
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		if !a.originAllowed(r, m, origin) {
			w.Header().Del("Access-Control-Allow-Origin")
			return nil, tender.Errorf(tender.EFORBIDDEN, "This origin is not allowed to use this web-payments token; add it to the merchant's allowed_origins.")
		}
		corsHeaders(w, origin)
	}
	return &tender.Principal{Kind: "webpayments", Merchant: m}, nil
}

// originAllowed: Tender's own pages (the hosted fields, on behalf of the
// page embedding them, named in Tender-Parent-Origin), the merchant's
// allowed_origins, or any origin for a sandbox merchant.
func (a *API) originAllowed(r *http.Request, m *tender.Merchant, origin string) bool {
	origin = normalizeOrigin(origin)
	if origin == normalizeOrigin(a.baseURL(r)) {
		parent := r.Header.Get("Tender-Parent-Origin")
		if parent == "" || normalizeOrigin(parent) == origin {
			return true
		}
		origin = normalizeOrigin(parent)
	}
	if m.Sandbox {
		return true
	}
	for _, o := range m.AllowedOrigins {
		if normalizeOrigin(o) == origin {
			return true
		}
	}
	return false
}

func normalizeOrigin(o string) string {
	u, err := url.Parse(strings.TrimSpace(o))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "invalid:" + o
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

func corsHeaders(w http.ResponseWriter, origin string) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	if !slices.Contains(h.Values("Vary"), "Origin") {
		h.Add("Vary", "Origin")
	}
	h.Set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, Idempotent-Replayed")
}

// webPreflight answers CORS preflights of the web-payments routes. It
// spends no throttling budget; the request that follows does.
func (a *API) webPreflight(w http.ResponseWriter, r *http.Request) {
	switch r.PathValue("action") {
	case "tokenize", "pay":
	default:
		writeJSON(w, http.StatusNotFound, ErrorBody{Error: "Not found."})
		return
	}
	m, err := a.svc.WebMerchant(r.Context(), r.PathValue("token"))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	origin := r.Header.Get("Origin")
	if origin == "" || !a.originAllowed(r, m, origin) {
		writeJSON(w, http.StatusForbidden, ErrorBody{Error: "This origin is not allowed to use this web-payments token."})
		return
	}
	corsHeaders(w, origin)
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "POST")
	h.Set("Access-Control-Allow-Headers", "Content-Type, Accept, X-Request-Id, Tender-Parent-Origin")
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) webTokenize(w http.ResponseWriter, r *http.Request) error {
	var in tender.WebPaymentInput
	if err := decode(r, &in); err != nil {
		return err
	}
	pm, err := a.svc.WebTokenize(r.Context(), principal(r.Context()).Merchant, &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pm)
	return nil
}

// webPay answers the invoice: 200 when PAID, 400 when the payment was
// declined (ATTEMPTED), 202 while the processor's answer is pending.
func (a *API) webPay(w http.ResponseWriter, r *http.Request) error {
	var in tender.WebPaymentInput
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := a.svc.WebPay(r.Context(), principal(r.Context()).Merchant, &in)
	if err != nil {
		return err
	}
	writeJSON(w, outcomeStatus(res.Outcome), res.Invoice)
	return nil
}

// hostedPay serves POST /pay/invoice/{id}: the payment keyed in on the
// invoice's hosted page (hostedPayment).
func (a *API) hostedPay(w http.ResponseWriter, r *http.Request) error {
	return hostedPayment(w, r, a.svc.PayHostedInvoice)
}

// hostedPayment pays what the path's id names on a hosted page (an
// invoice, a payment link) with pay: 200; declined, 400 with success
// false; pending, 202.
func hostedPayment(w http.ResponseWriter, r *http.Request, pay func(context.Context, string, *tender.WebPaymentInput) (*service.HostedPayResult, error)) error {
	var in tender.WebPaymentInput
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := pay(r.Context(), r.PathValue("id"), &in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	switch {
	case res.Pending:
		status = http.StatusAccepted
	case !res.Success:
		status = http.StatusBadRequest
	}
	writeJSON(w, status, res)
	return nil
}

func outcomeStatus(outcome string) int {
	switch outcome {
	case tender.EDECLINED:
		return http.StatusBadRequest
	case service.OutcomePending:
		return http.StatusAccepted
	}
	return http.StatusOK
}

// --- static assets ------------------------------------------------------

//go:embed static/*.js static/*.css static/*.svg
var staticFS embed.FS

type asset struct {
	body []byte
	hash string // hex SHA-256 prefix: the ETag and the ?v= of versioned links
}

var assets = func() map[string]asset {
	out := map[string]asset{}
	entries, _ := staticFS.ReadDir("static")
	for _, e := range entries {
		b, _ := staticFS.ReadFile("static/" + e.Name())
		sum := sha256.Sum256(b)
		out[e.Name()] = asset{body: b, hash: hex.EncodeToString(sum[:])[:16]}
	}
	return out
}()

// assetURL is the versioned link of a static file (cached for good).
func assetURL(name string) string { return "/js/" + name + "?v=" + assets[name].hash }

// serveAsset serves the library and the scripts, stylesheet and favicon
// of the hosted pages (JavaScript, CSS or SVG, by the name's extension) with
// a content-hash ETag; a link carrying the current hash (?v=) is immutable.
func (a *API) serveAsset(w http.ResponseWriter, r *http.Request) {
	as, ok := assets[r.PathValue("file")]
	if !ok {
		writeJSON(w, http.StatusNotFound, ErrorBody{Error: "Not found."})
		return
	}
	h := w.Header()
	etag := `"` + as.hash + `"`
	h.Set("ETag", etag)
	h.Set("Content-Type", mime.TypeByExtension(path.Ext(r.PathValue("file"))))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if r.URL.Query().Get("v") == as.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300, must-revalidate")
	}
	if match := r.Header.Get("If-None-Match"); match != "" && (match == etag || match == "*") {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(as.body)
}

// hostedField serves one hosted field (number or cvv), the page the
// library puts in an iframe. Its scripts accept commands only from the
// embedding page's origin and answer only to it; the number it holds goes
// only to Tender. Outside sandbox only the merchant's allowed origins may
// embed it.
func (a *API) hostedField(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	m, err := a.svc.WebMerchant(r.Context(), r.URL.Query().Get("token"))
	if err != nil || kind != "number" && kind != "cvv" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("Not found.\n"))
		return
	}
	ancestors := "'self'"
	if m.Sandbox {
		ancestors = "*"
	} else {
		for _, o := range m.AllowedOrigins {
			if n := normalizeOrigin(o); !strings.HasPrefix(n, "invalid:") {
				ancestors += " " + n
			}
		}
	}
	nonce := newNonce()
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'nonce-"+nonce+"'; "+
		"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors "+ancestors)
	h.Set("Content-Type", "text/html; charset=utf-8")
	data := struct {
		Kind, Nonce, Script, Token string
		Sandbox                    bool
	}{kind, nonce, assetURL("field.js"), m.WebPaymentsToken, m.Sandbox}
	if err := pages.ExecuteTemplate(w, "field.html", data); err != nil {
		a.log.ErrorContext(r.Context(), "hosted field template", "error", err.Error())
	}
}
