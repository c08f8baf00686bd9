// Request layers: the request context, logging and request ids, path
// normalisation, authentication and throttling that every route passes
// through (wrap), and the guards of the route table.

package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/ratelimit"
	"github.com/tenderpay/tender/service"
)

// --- request context ----------------------------------------------------

type ctxKey int

const infoKey ctxKey = 0

// reqInfo is filled in as the request passes through the layers, and read by
// the outermost one for logs and metrics.
type reqInfo struct {
	id        string
	route     string
	principal *tender.Principal
}

func info(ctx context.Context) *reqInfo {
	if ri, ok := ctx.Value(infoKey).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

func requestID(ctx context.Context) string { return info(ctx).id }

func principal(ctx context.Context) *tender.Principal { return info(ctx).principal }

// merchantID is the authenticated merchant's id.
func merchantID(r *http.Request) string { return principal(r.Context()).Merchant.ID }

// --- the outer layers ---------------------------------------------------

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// outer adds the request id, security headers, path normalisation, panic
// recovery, JSON 404/405, the access log and metrics.
func (a *API) outer(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{id: incomingRequestID(r.Header.Get("X-Request-Id"))}
		r = r.WithContext(context.WithValue(r.Context(), infoKey, ri))
		h := w.Header()
		h.Set("X-Request-Id", ri.id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		h.Set("Referrer-Policy", "no-referrer")
		sw := &statusWriter{ResponseWriter: w}

		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				a.log.ErrorContext(r.Context(), "panic", "request_id", ri.id, "panic", tender.Truncate(panicString(p), 500))
				if sw.status == 0 {
					writeJSON(sw, http.StatusInternalServerError, ErrorBody{Error: "An internal error occurred."})
				}
			}
			route := ri.route
			if route == "" {
				route = "unmatched"
			}
			elapsed := time.Since(start)
			a.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
			a.latency.WithLabelValues(route, r.Method).Observe(elapsed.Seconds())
			attrs := []slog.Attr{
				slog.String("request_id", ri.id), slog.String("method", r.Method), slog.String("route", route),
				slog.String("path", tender.Truncate(logPath(r.URL.Path), 200)), slog.Int("status", sw.status),
				slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000), slog.Int("bytes", sw.bytes),
				slog.String("remote_ip", a.clientIP(r)),
			}
			if p := ri.principal; p != nil && p.Merchant != nil {
				attrs = append(attrs, slog.String("merchant_id", p.Merchant.ID))
			}
			a.log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
		}()

		r.URL.Path = normalizePath(r.URL.Path)
		r.URL.RawPath = ""
		_, pattern := mux.Handler(r)
		if pattern == "" {
			a.unmatched(sw, r, mux)
			return
		}
		// A path or query with a NUL or invalid UTF-8 names nothing a
		// store could hold (text.go): 404, or 422 naming the parameter.
		if tender.TextFlaw(r.URL.Path) != "" {
			ri.route = pattern
			writeJSON(sw, http.StatusNotFound, ErrorBody{Error: "Not found."})
			return
		}
		if err := queryTextErrors(r.URL.Query()); err != nil {
			ri.route = pattern
			a.writeError(sw, r, err)
			return
		}
		mux.ServeHTTP(sw, r)
	})
}

// logPath is p as the request log shows it: a path segment that is a
// capability (the public web-payments token of /webpayment/{token}/..., the
// invoice id of the hosted page /pay/invoice/{id}) is cut to its first
// characters, enough to tell requests apart, too few to reuse.
func logPath(p string) string {
	segs := strings.Split(p, "/")
	for i := 1; i < len(segs); i++ {
		if segs[i-1] == "webpayment" && i == 2 || segs[i-1] == "invoice" && i == 3 && segs[1] == "pay" ||
			segs[i-1] == "reset" && i == 2 || segs[i-1] == "verify" && i == 3 && segs[1] == "self" && segs[i] != "resend" {
			segs[i] = secretPrefix(segs[i])
		}
	}
	return strings.Join(segs, "/")
}

// secretPrefix keeps the first 10 bytes of a secret, marked as cut.
func secretPrefix(s string) string {
	if len(s) <= 10 {
		return s[:len(s)/2] + "…"
	}
	return s[:10] + "…"
}

// unmatched answers a request no route takes: JSON 404, or 405 with Allow.
func (a *API) unmatched(w http.ResponseWriter, r *http.Request, mux *http.ServeMux) {
	probe := &headerProbe{header: http.Header{}}
	h, _ := mux.Handler(r)
	h.ServeHTTP(probe, r)
	if probe.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", probe.header.Get("Allow"))
		writeJSON(w, http.StatusMethodNotAllowed, ErrorBody{Error: "Method " + r.Method + " is not allowed on this route."})
		return
	}
	writeJSON(w, http.StatusNotFound, ErrorBody{Error: "Not found."})
}

// headerProbe records what the mux's own 404/405 handler would answer.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header         { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *headerProbe) WriteHeader(code int)        { p.status = code }

// normalizePath collapses doubled slashes (one real Stax client sends
// "//transaction/{id}/refund") and drops a trailing slash.
func normalizePath(p string) string {
	if !strings.Contains(p, "//") && (len(p) <= 1 || !strings.HasSuffix(p, "/")) {
		return p
	}
	var b strings.Builder
	prevSlash := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '/' && prevSlash {
			continue
		}
		prevSlash = c == '/'
		b.WriteByte(c)
	}
	out := b.String()
	if len(out) > 1 {
		out = strings.TrimSuffix(out, "/")
	}
	if out == "" {
		out = "/"
	}
	return out
}

func incomingRequestID(v string) string {
	if v != "" && len(v) <= 64 {
		ok := true
		for _, c := range v {
			if !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				ok = false
				break
			}
		}
		if ok {
			return v
		}
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "req_" + hex.EncodeToString(b[:])
}

func (a *API) clientIP(r *http.Request) string {
	if a.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (a *API) baseURL(r *http.Request) string {
	if a.cfg.PublicURL != "" {
		return strings.TrimSuffix(a.cfg.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || (a.cfg.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// --- per-route layers ---------------------------------------------------

// plain wraps an operational route (no auth, no throttling).
func (a *API) plain(path string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info(r.Context()).route = path
		h(w, r)
	})
}

// wrap adds the body limit, throttling and authentication of rt.
func (a *API) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := info(r.Context())
		ri.route = rt.method + " " + rt.path
		limit := a.bodyLimit(rt)
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if rt.query != nil {
			if err := unknownParams(rt, r.URL.Query()); err != nil {
				a.writeError(w, r, err)
				return
			}
		}
		if r.ContentLength > limit {
			a.writeError(w, r, tender.Errorf(tender.ETOOLARGE, "The request body is larger than %d bytes.", limit))
			return
		}
		// A payment through the web-payments routes spends both their
		// budgets (Stax.js: 10/min for its routes, of which pay() 5/min).
		budgets := []budget{{"api", a.cfg.RateLimit}}
		switch rt.limit {
		case limitWeb:
			budgets = []budget{{"webpayment", a.cfg.WebRateLimit}}
		case limitWebPay:
			budgets = []budget{{"webpayment_pay", a.cfg.WebPayRateLimit}, {"webpayment", a.cfg.WebRateLimit}}
		case limitAccount:
			budgets = append(budgets, budget{limitAccount, a.cfg.AccountRateLimit})
		}
		if rt.auth == authWebToken {
			// The answer to a throttled browser must be readable by it;
			// it says nothing about the merchant.
			if o := r.Header.Get("Origin"); o != "" {
				w.Header().Set("Access-Control-Allow-Origin", o)
				w.Header().Add("Vary", "Origin")
			}
		}
		for _, b := range budgets {
			if !a.allow(w, r, b.name, b.limit) {
				return
			}
		}
		switch rt.auth {
		case authPublic:
		case authWebToken:
			p, err := a.webAuthenticate(w, r)
			if err != nil {
				a.writeError(w, r, err)
				return
			}
			ri.principal = p
		default:
			p, err := a.authenticate(r, rt.auth)
			if err != nil {
				a.writeError(w, r, err)
				return
			}
			ri.principal = p
			if rt.admin || rt.auth == authMerchantKey {
				if err := service.MayAdminister(p.User, "use "+rt.method+" "+rt.path); err != nil {
					a.writeError(w, r, err)
					return
				}
			}
		}
		// A merchant's write fences its reads off the read replica until
		// the replica has replayed it (service.Writing).
		if p := ri.principal; p != nil && p.Merchant != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
			defer a.svc.Writing(p.Merchant.ID)()
		}
		if err := rt.h(w, r); err != nil {
			a.writeError(w, r, err)
		}
	})
}

// allow spends one request of the client IP's budget under l; when refused
// it has written the 429. A limiter failure lets the request through (and is
// logged): throttling protects the service, it must not take it down.
func (a *API) allow(w http.ResponseWriter, r *http.Request, name string, l ratelimit.Limit) bool {
	return a.allowKey(w, r, name, a.clientIP(r), l)
}

// allowKey is allow for a budget keyed by key (a client IP, or one key for
// a budget shared by every client).
func (a *API) allowKey(w http.ResponseWriter, r *http.Request, name, key string, l ratelimit.Limit) bool {
	if a.cfg.Limiter == nil || l.Rate <= 0 {
		return true
	}
	res, err := a.cfg.Limiter.Allow(r.Context(), name+":"+key, l)
	if err != nil {
		a.log.WarnContext(r.Context(), "rate limiter unavailable; allowing", "request_id", requestID(r.Context()), "error", err.Error())
		return true
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(res.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, res.Remaining)))
	if res.Allowed {
		return true
	}
	secs := int((res.RetryAfter + time.Second - 1) / time.Second)
	h.Set("Retry-After", strconv.Itoa(max(1, secs)))
	a.throttle.WithLabelValues(name).Inc()
	msg := "Too many requests. Retry after " + strconv.Itoa(max(1, secs)) + " seconds."
	switch {
	case strings.HasPrefix(name, "terminal_pair"):
		msg = "Too many pairing attempts. Retry after " + strconv.Itoa(max(1, secs)) + " seconds."
	case strings.HasPrefix(name, limitAccount):
		msg = "Too many account requests (password resets) " + map[bool]string{true: "for this email", false: "from this address"}[name != limitAccount] +
			". Retry after " + strconv.Itoa(max(1, secs)) + " seconds."
	case name != "api":
		// Say what was limited: the Stax.js routes together (tokenize
		// and pay), or the payments among them.
		what := "Stax.js requests (tokenize and pay)"
		if name == limitWebPay {
			what = "payments"
		}
		msg = "Too many " + what + " from this address (at most " + strconv.Itoa(l.Rate) + " " + perPeriod(l.Period) +
			"). Retry after " + strconv.Itoa(max(1, secs)) + " seconds."
	}
	writeJSON(w, http.StatusTooManyRequests, ErrorBody{Error: msg})
	return false
}

// perPeriod words a throttling period: "a minute", "per 30s".
func perPeriod(d time.Duration) string {
	switch d {
	case time.Minute:
		return "a minute"
	case time.Hour:
		return "an hour"
	case time.Second:
		return "a second"
	}
	return "per " + d.String()
}

type authKind int

const (
	authMerchant    authKind = iota // merchant API key or ephemeral token
	authMerchantKey                 // merchant API key only (not ephemeral)
	authPartner                     // partner API key
	authAny                         // merchant key, ephemeral token or partner key
	authWebToken                    // the public web-payments token, in the path ({token})
	authPublic                      // nobody: the path names the object (the hosted invoice page)
)

// budget is one throttling budget a request spends.
type budget struct {
	name  string
	limit ratelimit.Limit
}

// Throttling budgets of a route (besides the API's).
const (
	limitWeb    = "webpayment"     // Stax.js routes, 10/min per IP
	limitWebPay = "webpayment_pay" // payments through them, 5/min per IP
	// limitAccount is the account routes' (password reset): per IP, and
	// POST /forgot per email too.
	limitAccount = "account"
)

func (a *API) authenticate(r *http.Request, kind authKind) (*tender.Principal, error) {
	authz := r.Header.Get("Authorization")
	scheme, secret, ok := strings.Cut(authz, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, tender.Errorf(tender.EUNAUTHORIZED, "Unauthorized")
	}
	p, err := a.svc.Authenticate(r.Context(), strings.TrimSpace(secret))
	if err != nil {
		return nil, err
	}
	switch kind {
	case authPartner:
		if p.Kind != tender.KeyPartner {
			return nil, tender.Errorf(tender.EFORBIDDEN, "This route needs a partner API key.")
		}
	case authMerchantKey:
		if p.Kind != tender.KeyMerchant {
			return nil, tender.Errorf(tender.EFORBIDDEN, "This route needs a merchant API key.")
		}
	case authAny:
	default:
		if p.Merchant == nil {
			return nil, tender.Errorf(tender.EFORBIDDEN, "This route needs a merchant API key.")
		}
	}
	return p, nil
}

func panicString(p any) string {
	if err, ok := p.(error); ok {
		return err.Error()
	}
	if s, ok := p.(string); ok {
		return s
	}
	return "panic"
}

var _ = errors.New

// literalSegments guards a route registered under a more general mux
// pattern: where its path has a literal segment and the pattern a wildcard,
// the request's value must be that literal, else the answer is a JSON 404.
func literalSegments(rt route, next http.Handler) http.Handler {
	type check struct{ wildcard, literal string }
	var checks []check
	pathSegs, muxSegs := strings.Split(rt.path, "/"), strings.Split(rt.mux, "/")
	for i := range min(len(pathSegs), len(muxSegs)) {
		p, m := pathSegs[i], muxSegs[i]
		if !strings.HasPrefix(p, "{") && strings.HasPrefix(m, "{") {
			checks = append(checks, check{strings.Trim(m, "{}"), p})
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, c := range checks {
			if r.PathValue(c.wildcard) != c.literal {
				writeJSON(w, http.StatusNotFound, map[string]string{"error": "Not found."})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
