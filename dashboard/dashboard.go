// Package dashboard serves the merchant dashboard at / from the same
// binary as the API: server-rendered html/template pages, a little
// progressive JavaScript, assets embedded in the binary and nothing
// fetched from elsewhere, under a strict Content-Security-Policy. Team
// users sign in with an email and a password (or a one-time link); their
// session lives in the database, every POST carries the session's CSRF
// token, and the pages call package service, never the store.
package dashboard

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/ratelimit"
	"github.com/tenderpay/tender/service"
)

//go:embed templates/*.html
var templatesFS embed.FS

//go:embed static
var staticFS embed.FS

// Config holds the dashboard's dependencies.
type Config struct {
	Service *service.Service
	// Limiter throttles sign-in attempts (nil: not throttled);
	// SignInLimit is the budget per client address and per email
	// (default 10 per 10 minutes).
	Limiter     ratelimit.Limiter
	SignInLimit ratelimit.Limit
	// Secure marks cookies Secure (and names the session cookie with the
	// __Host- prefix): set when the server is reached over HTTPS.
	Secure bool
	// ClientIP names the client of a request (the API's rule, proxies
	// included).
	ClientIP func(*http.Request) string
	Logger   *slog.Logger
	// OpenAPI builds the API's OpenAPI document, which /docs renders
	// (nil: /docs is 404).
	OpenAPI func() map[string]any
}

// Dashboard is the http.Handler of / and /dashboard/....
type Dashboard struct {
	cfg    Config
	svc    *service.Service
	log    *slog.Logger
	pages  map[string]*template.Template
	assets *assets
	mux    *http.ServeMux
	docs   docsOnce
}

// New builds the dashboard.
func New(cfg Config) *Dashboard {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SignInLimit.Rate == 0 {
		cfg.SignInLimit = ratelimit.Limit{Rate: 10, Period: 10 * time.Minute}
	}
	if cfg.ClientIP == nil {
		cfg.ClientIP = func(r *http.Request) string { return r.RemoteAddr }
	}
	d := &Dashboard{cfg: cfg, svc: cfg.Service, log: cfg.Logger, assets: loadAssets()}
	d.pages = parsePages(d.assets)
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", d.signedIn(d.home))
	m.HandleFunc("GET /dashboard/signin", d.signInForm)
	m.HandleFunc("POST /dashboard/signin", d.signIn)
	m.HandleFunc("GET /dashboard/link/{token}", d.linkForm)
	m.HandleFunc("POST /dashboard/link", d.signInLink)
	m.HandleFunc("POST /dashboard/signout", d.signedIn(d.signOut))
	m.HandleFunc("GET /dashboard/transactions", d.signedIn(d.transactions))
	m.HandleFunc("GET /dashboard/transactions/{id}", d.signedIn(d.transaction))
	m.HandleFunc("GET /dashboard/transactions/{id}/refund", d.signedIn(d.refundForm))
	m.HandleFunc("POST /dashboard/transactions/{id}/refund", d.signedIn(d.refund))
	m.HandleFunc("GET /dashboard/transactions/{id}/act/{op}", d.signedIn(d.actionForm))
	m.HandleFunc("POST /dashboard/transactions/{id}/act/{op}", d.signedIn(d.action))
	m.HandleFunc("POST /dashboard/transactions/{id}/receipt", d.signedIn(d.receipt))
	m.HandleFunc("GET /dashboard/customers", d.signedIn(d.customers))
	m.HandleFunc("GET /dashboard/customers/{id}", d.signedIn(d.customer))
	m.HandleFunc("GET /dashboard/events", d.signedIn(d.events))
	m.HandleFunc("GET /dashboard/invoices", d.signedIn(d.invoices))
	m.HandleFunc("GET /dashboard/invoices/new", d.signedIn(d.newInvoiceForm))
	m.HandleFunc("POST /dashboard/invoices/new", d.signedIn(d.createInvoice))
	m.HandleFunc("GET /dashboard/invoices/scheduled", d.signedIn(d.schedules))
	m.HandleFunc("GET /dashboard/invoices/scheduled/new", d.signedIn(d.newScheduleForm))
	m.HandleFunc("POST /dashboard/invoices/scheduled/new", d.signedIn(d.createSchedule))
	m.HandleFunc("GET /dashboard/invoices/scheduled/{id}", d.signedIn(d.scheduleForm))
	m.HandleFunc("POST /dashboard/invoices/scheduled/{id}/save", d.signedIn(d.updateSchedule))
	m.HandleFunc("GET /dashboard/invoices/{id}", d.signedIn(d.invoice))
	m.HandleFunc("POST /dashboard/invoices/{id}/send", d.signedIn(d.sendInvoice))
	m.HandleFunc("POST /dashboard/invoices/{id}/pay", d.signedIn(d.payInvoice))
	m.HandleFunc("GET /dashboard/catalog", d.signedIn(d.catalog))
	m.HandleFunc("POST /dashboard/catalog", d.signedIn(d.createItem))
	m.HandleFunc("GET /dashboard/catalog/{id}", d.signedIn(d.itemForm))
	m.HandleFunc("POST /dashboard/catalog/{id}", d.signedIn(d.updateItem))
	m.HandleFunc("POST /dashboard/catalog/{id}/delete", d.signedIn(d.deleteItem))
	m.HandleFunc("GET /dashboard/terminals", d.signedIn(d.terminals))
	m.HandleFunc("POST /dashboard/terminals", d.signedIn(d.createRegister))
	m.HandleFunc("GET /dashboard/terminals/{id}", d.signedIn(d.register))
	m.HandleFunc("POST /dashboard/terminals/{id}/pair", d.signedIn(d.pairRegister))
	m.HandleFunc("POST /dashboard/terminals/{id}/sale", d.signedIn(d.sale))
	m.HandleFunc("GET /dashboard/webhooks", d.signedIn(d.webhooks))
	m.HandleFunc("POST /dashboard/webhooks", d.signedIn(d.createWebhook))
	m.HandleFunc("GET /dashboard/webhooks/{id}", d.signedIn(d.webhook))
	m.HandleFunc("POST /dashboard/webhooks/{id}/delete", d.signedIn(d.deleteWebhook))
	m.HandleFunc("POST /dashboard/webhooks/{id}/deliveries/{delivery}/replay", d.signedIn(d.replayDelivery))
	m.HandleFunc("GET /dashboard/keys", d.signedIn(d.keys))
	m.HandleFunc("POST /dashboard/keys", d.signedIn(d.createKey))
	m.HandleFunc("POST /dashboard/keys/{id}/revoke", d.signedIn(d.revokeKey))
	m.HandleFunc("GET /dashboard/settings", d.signedIn(d.settings))
	m.HandleFunc("POST /dashboard/settings", d.signedIn(d.saveSettings))
	m.HandleFunc("POST /dashboard/settings/branding", d.signedIn(d.saveBranding))
	m.HandleFunc("GET /docs", d.apiDocs)
	m.HandleFunc("GET /dashboard/static/{file}", d.assets.serve)
	m.HandleFunc("/dashboard/", func(w http.ResponseWriter, r *http.Request) {
		d.errorPage(w, r, nil, http.StatusNotFound, "This page does not exist.")
	})
	d.mux = m
	return d
}

// ServeHTTP implements http.Handler.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) { d.mux.ServeHTTP(w, r) }

// --- sessions ---------------------------------------------------------------

// sessionCookie names the session cookie: with the __Host- prefix over
// HTTPS (the browser then refuses it from any other origin or path).
func (d *Dashboard) sessionCookie() string {
	if d.cfg.Secure {
		return "__Host-tender_session"
	}
	return "tender_session"
}

func (d *Dashboard) preCookie() string {
	if d.cfg.Secure {
		return "__Host-tender_presignin"
	}
	return "tender_presignin"
}

func (d *Dashboard) setCookie(w http.ResponseWriter, name, value string, expires time.Time) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: d.cfg.Secure,
		SameSite: http.SameSiteLaxMode}
	if value == "" {
		c.MaxAge = -1
	} else if !expires.IsZero() {
		c.Expires = expires
	}
	http.SetCookie(w, c)
}

// csrfToken is the CSRF token of a session (or of a pre-sign-in cookie):
// derived from its secret, so it needs no storage and differs per session.
func csrfToken(secret string) string {
	sum := sha256.Sum256([]byte("tender-dashboard-csrf\x00" + secret))
	return hex.EncodeToString(sum[:])
}

func csrfOK(r *http.Request, secret string) bool {
	got := r.PostFormValue("csrf")
	return secret != "" && got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(csrfToken(secret))) == 1
}

// maxFormBytes bounds a dashboard POST's body (the branding form's logo
// is the largest part, at most tender.MaxLogoBytes).
const maxFormBytes = 1 << 20

type ctxKey struct{}

func session(r *http.Request) *service.DashboardSession {
	s, _ := r.Context().Value(ctxKey{}).(*service.DashboardSession)
	return s
}

// signedIn requires a session: a GET without one goes to the sign-in page
// (and back after); a POST without one, or without the session's CSRF
// token, is refused with 403.
func (d *Dashboard) signedIn(h func(w http.ResponseWriter, r *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var token string
		if c, err := r.Cookie(d.sessionCookie()); err == nil {
			token = c.Value
		}
		sess, err := d.svc.Session(r.Context(), token)
		if err != nil {
			if tender.ErrorCode(err) != tender.EUNAUTHORIZED {
				d.errorPage(w, r, nil, 0, "", err)
				return
			}
			if r.Method != http.MethodGet {
				d.errorPage(w, r, nil, http.StatusForbidden, "Your session has ended. Sign in again.")
				return
			}
			if token != "" {
				d.setCookie(w, d.sessionCookie(), "", time.Time{})
			}
			http.Redirect(w, r, "/dashboard/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			// Forms are small; a logo is at most 512 KB.
			if r.ContentLength > maxFormBytes {
				d.errorPage(w, r, sess, http.StatusRequestEntityTooLarge, "The form is too large: a logo may be at most 512 KB.")
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		}
		if r.Method == http.MethodPost && !csrfOK(r, sess.Token) {
			d.errorPage(w, r, sess, http.StatusForbidden, "The form had expired or did not come from this dashboard. Reload the page and try again.")
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, sess))
		if r.Method != http.MethodGet && sess.Merchant != nil {
			// The merchant's reads stay off the read replica until it has
			// replayed this write (service.Writing).
			defer d.svc.Writing(sess.Merchant.ID)()
		}
		if err := h(w, r); err != nil {
			d.errorPage(w, r, sess, 0, "", err)
		}
	}
}

// --- rendering --------------------------------------------------------------

// pageHeaders are the security headers of every page: a CSP that allows
// only the dashboard's own stylesheet and script (no inline code at all),
// no framing, no referrer.
func pageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "text/html; charset=utf-8")
}

// view is what every page's template gets: the page's own data, the
// signed-in user, the CSRF token for its forms and the current section.
type view struct {
	Title   string
	Section string
	User    *tender.TeamUser
	Company string
	CSRF    string
	Data    any
}

func (d *Dashboard) render(w http.ResponseWriter, r *http.Request, status int, page, title, section string, data any) {
	v := view{Title: title, Section: section, Data: data}
	if s := session(r); s != nil {
		v.User, v.Company, v.CSRF = s.User, s.Merchant.CompanyName, csrfToken(s.Token)
	}
	d.renderView(w, r, status, page, v)
}

func (d *Dashboard) renderView(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	t := d.pages[page]
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, page, v); err != nil {
		d.log.ErrorContext(r.Context(), "dashboard template", "page", page, "error", err.Error())
		status, b = http.StatusInternalServerError, strings.Builder{}
		b.WriteString("<!doctype html><title>Error</title><p>An internal error occurred.</p>\n")
	}
	pageHeaders(w)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// errorPage answers an error: err's status (404 for another merchant's
// object) and safe message, or status and msg when err is nil.
func (d *Dashboard) errorPage(w http.ResponseWriter, r *http.Request, sess *service.DashboardSession, status int, msg string, errs ...error) {
	if len(errs) > 0 && errs[0] != nil {
		err := errs[0]
		status, msg = statusOf(err), tender.ErrorMessage(err)
		if status == http.StatusNotFound {
			msg = "This page does not exist, or is not yours to see."
		}
		if status >= 500 {
			d.log.ErrorContext(r.Context(), "dashboard", "path", r.URL.Path, "error", err.Error())
		}
	}
	if sess != nil && session(r) == nil {
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, sess))
	}
	d.render(w, r, status, "error.html", http.StatusText(status), "", msg)
}

func statusOf(err error) int {
	switch tender.ErrorCode(err) {
	case tender.ENOTFOUND:
		return http.StatusNotFound
	case tender.EINVALID, tender.EDECLINED:
		return http.StatusUnprocessableEntity
	case tender.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case tender.EFORBIDDEN:
		return http.StatusForbidden
	case tender.ERATELIMIT:
		return http.StatusTooManyRequests
	case tender.ECONFLICT, tender.EINFLIGHT:
		return http.StatusConflict
	case tender.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fieldErrors returns the messages of a 422, one per line.
func fieldErrors(err error) []string {
	var e *tender.Error
	if !errors.As(err, &e) {
		return []string{tender.ErrorMessage(err)}
	}
	if len(e.Fields) == 0 {
		return []string{e.Message}
	}
	var out []string
	for _, name := range e.Fields.Names() {
		out = append(out, e.Fields[name]...)
	}
	return out
}

func parsePages(a *assets) map[string]*template.Template {
	funcs := template.FuncMap{
		"dollars": dollars,
		"when":    when,
		"asset":   a.url,
		"add":     func(a, b int) int { return a + b },
	}
	layout := template.Must(template.New("").Funcs(funcs).ParseFS(templatesFS, "templates/layout.html"))
	names, _ := fs.Glob(templatesFS, "templates/*.html")
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimPrefix(n, "templates/")
		if name == "layout.html" {
			continue
		}
		pages[name] = template.Must(template.Must(layout.Clone()).ParseFS(templatesFS, n))
	}
	return pages
}
