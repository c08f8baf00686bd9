// Package httpapi serves Tender's Stax-compatible HTTP API: the route table,
// authentication, throttling, request ids, logs and metrics, and the JSON
// shapes of responses and errors. Handlers are thin: decode, call package
// service, encode.
package httpapi

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/tenderpay/tender/ratelimit"
	"github.com/tenderpay/tender/service"
)

// Config holds the API's dependencies and settings.
type Config struct {
	Service *service.Service
	// Limiter throttles API routes per client IP; nil disables throttling.
	Limiter ratelimit.Limiter
	// RateLimit is the per-IP budget of API routes (Stax: 150/min).
	RateLimit ratelimit.Limit
	// WebRateLimit is the per-IP budget of the web-payments routes
	// (Stax.js: 10/min); WebPayRateLimit that of payments made with them
	// and on the hosted invoice page (Stax.js pay(): 5/min).
	WebRateLimit, WebPayRateLimit ratelimit.Limit
	// PairRateLimit is the per-IP budget of device pairing attempts; a
	// Rate of 0 or less turns the pairing budgets off.
	PairRateLimit ratelimit.Limit
	// AccountRateLimit is the budget of the account routes (password
	// reset) per client IP; ForgotEmailRateLimit that of POST /forgot per
	// email.
	AccountRateLimit, ForgotEmailRateLimit ratelimit.Limit
	Logger                                 *slog.Logger
	// PublicURL is the externally visible base URL (for pagination links);
	// empty means derive it from the request.
	PublicURL string
	// TrustProxy makes the client IP the first X-Forwarded-For address.
	TrustProxy bool
	// MetricsToken, when set, is the bearer token GET /metrics requires
	// (401 without it).
	MetricsToken string
	// Ready reports whether the server can serve (for /readyz).
	Ready func(ctx context.Context) error
	// Replica, when set, is the read replica's state /readyz reports
	// ("streaming", "lagging", "down", "starting"); it never fails
	// readiness: reads fall back to the primary.
	Replica func() string
	// MaxBodyBytes bounds request bodies (default 1 MiB).
	MaxBodyBytes int64
	// Version is reported in the OpenAPI document.
	Version string
	// StreamPoll is how often an event stream reads the log without a
	// wake-up (the fallback, should one be lost; default 5 s).
	StreamPoll time.Duration
	// Terminal serves device connections (GET /terminal/connect, a
	// WebSocket); nil leaves the route out.
	Terminal http.Handler
	// Dashboard builds the merchant dashboard served at / and
	// /dashboard/..., given the API's rule for a request's client address
	// (for its sign-in throttle) and the OpenAPI document (for /docs, the
	// API reference it renders); nil serves no dashboard.
	Dashboard func(clientIP func(*http.Request) string, openapi func() map[string]any) http.Handler
}

// API is the HTTP handler.
type API struct {
	cfg     Config
	svc     *service.Service
	log     *slog.Logger
	handler http.Handler
	routes  []route

	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	throttle *prometheus.CounterVec

	// closing is closed by CloseStreams: open event streams end.
	closing      chan struct{}
	closeStreams sync.Once
}

// New builds the API.
func New(cfg Config) *API {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	if cfg.StreamPoll <= 0 {
		cfg.StreamPoll = 5 * time.Second
	}
	a := &API{cfg: cfg, svc: cfg.Service, log: cfg.Logger, registry: prometheus.NewRegistry(), closing: make(chan struct{})}
	a.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tender_http_requests_total", Help: "HTTP requests by route, method and status code.",
	}, []string{"route", "method", "code"})
	a.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "tender_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"route", "method"})
	a.throttle = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tender_http_throttled_total", Help: "Requests refused with 429, by limiter.",
	}, []string{"limiter"})
	a.registry.MustRegister(a.requests, a.latency, a.throttle,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	a.routes = a.routeTable()
	mux := http.NewServeMux()
	for _, rt := range a.routes {
		if rt.mux != "" {
			mux.Handle(rt.method+" "+rt.mux, literalSegments(rt, a.wrap(rt)))
			continue
		}
		mux.Handle(rt.method+" "+rt.path, a.wrap(rt))
	}
	mux.Handle("GET /healthz", a.plain("/healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}))
	mux.Handle("GET /readyz", a.plain("/readyz", a.readyz))
	mux.Handle("GET /metrics", a.plain("/metrics", a.metrics(promhttp.HandlerFor(a.registry, promhttp.HandlerOpts{}))))
	mux.Handle("GET /pay/invoice/{id}", a.plain("/pay/invoice/{id}", a.hostedInvoice))
	mux.Handle("GET /pay/link/{id}", a.plain("/pay/link/{id}", a.hostedPaymentLink))
	mux.Handle("GET /hosted/field/{kind}", a.plain("/hosted/field/{kind}", a.hostedField))
	mux.Handle("GET /js/{file}", a.plain("/js/{file}", a.serveAsset))
	mux.Handle("GET /branding/{merchant_id}/logo", a.plain("/branding/{merchant_id}/logo", a.serveLogo))
	mux.Handle("OPTIONS /webpayment/{token}/{action}", a.plain("OPTIONS /webpayment/{token}/{action}", a.webPreflight))
	mux.Handle("GET /openapi.json", a.plain("/openapi.json", a.serveOpenAPI))
	if cfg.Dashboard != nil {
		d := cfg.Dashboard(a.clientIP, a.OpenAPI)
		mux.Handle("GET /{$}", a.plain("/", d.ServeHTTP))
		mux.Handle("GET /docs", a.plain("/docs", d.ServeHTTP))
		mux.Handle("/dashboard/", a.plain("/dashboard", d.ServeHTTP))
	}
	if cfg.Terminal != nil {
		mux.Handle("GET /terminal/connect", a.plain("/terminal/connect", a.throttlePairing(cfg.Terminal.ServeHTTP)))
	}
	a.handler = a.outer(mux)
	return a
}

// ServeHTTP implements http.Handler.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// Registry exposes the metrics registry (for other components' collectors).
func (a *API) Registry() *prometheus.Registry { return a.registry }

// metrics serves the metrics, behind the bearer token when one is set.
func (a *API) metrics(h http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if want := a.cfg.MetricsToken; want != "" {
			scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
			if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(want)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
				writeJSON(w, http.StatusUnauthorized, ErrorBody{Error: "Unauthorized"})
				return
			}
		}
		h.ServeHTTP(w, r)
	}
}

func (a *API) readyz(w http.ResponseWriter, r *http.Request) {
	if a.cfg.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.cfg.Ready(ctx); err != nil {
			a.log.WarnContext(r.Context(), "not ready", "error", err.Error())
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
	}
	body := map[string]string{"status": "ready"}
	if a.cfg.Replica != nil {
		body["replica"] = a.cfg.Replica()
	}
	writeJSON(w, http.StatusOK, body)
}
