// Package apitest starts real Tender servers for end-to-end tests, on
// SQLite or PostgreSQL, and talks to them over real HTTP. Every response a
// test receives is validated against the server's own OpenAPI document, so
// the document cannot drift from what the handlers write.
package apitest

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/gateway/processors"
	"github.com/tenderpay/tender/server"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// AllLogs receives the log lines of every server the tests start, so a
// package can scan them all when its tests end (see ScanLogs).
var AllLogs SyncBuffer

// SyncBuffer is a bytes.Buffer safe for concurrent writers.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// Bytes returns a copy of the contents.
func (s *SyncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.b.Bytes()...)
}

// Secrets are the sandbox card and bank account numbers the tests use; no
// log line may contain one.
var Secrets = []string{"4111111111111111", "4242424242424242", "5555555555554444", "378282246310005",
	"6011111111111117", "4000000000000002", "4000000000009995", "4000000000009987", "4000000000009979",
	"4000000000000069", "4000000000000127", "4000000000000119", "9876543210", "9876543211", "9876543212",
	"000123456789"}

var scannedServers atomic.Int64

// ScanLogs reports which secrets appear in the logs of every server started
// so far, how many bytes of logs it scanned and from how many servers.
func ScanLogs() (found []string, scanned, servers int) {
	logs := AllLogs.Bytes()
	for _, s := range append(Secrets, "card_cvv", "card_number", "bank_account") {
		if bytes.Contains(logs, []byte(s)) {
			found = append(found, s)
		}
	}
	return found, len(logs), int(scannedServers.Load())
}

// Stores lists the stores every end-to-end test runs on.
var Stores = []string{"sqlite", "postgres"}

// Options tune a test server.
type Options struct {
	// RateLimit per minute per IP; 0 disables throttling in tests.
	RateLimit int
	// WebRateLimit and WebPayRateLimit: the Stax.js budgets; 0 disables.
	WebRateLimit, WebPayRateLimit int
	RedisURL                      string
	// PairRateLimit is server.Config's (0: the server default; -1 off).
	PairRateLimit int
	// MasterKey is the vault keyring (default: the sandbox key file in
	// DataDir, or a fresh key with Live).
	MasterKey string
	// DatabaseURL overrides the fresh database (to share one between servers).
	DatabaseURL string
	// DatabaseListenURL is server.Config's ("" listens on the database;
	// "off" polls only).
	DatabaseListenURL string
	DataDir           string
	Now               func() time.Time
	// Logs receives the server's JSON log lines (default: discarded unless
	// TENDER_TEST_LOGS=1).
	Logs io.Writer
	// NoLogScan keeps the logs out of AllLogs (benchmarks: unbounded volume).
	NoLogScan bool
	// DBMaxConns sizes the PostgreSQL pool.
	DBMaxConns int
	// WebhookTimeout bounds a delivery attempt (default 2 s in tests).
	WebhookTimeout time.Duration
	// WebhookPollInterval is how often delivery workers poll (default 50 ms
	// in tests, for quick deliveries; benchmarks use the server's 1 s).
	WebhookPollInterval time.Duration
	// ScheduleInterval is how often the scheduler ticks (default 1 min).
	ScheduleInterval time.Duration
	// SMTPURL delivers email (default: none, messages stay in the outbox).
	SMTPURL string
	// WrapGateway wraps the sandbox processor (server.Config.WrapGateway).
	WrapGateway func(gateway.Gateway) gateway.Gateway
	// MetricsToken and MetricsTokenFile: server.Config's.
	MetricsToken, MetricsTokenFile string
	// Live starts the server outside sandbox mode (--sandbox=false): no
	// sandbox merchant, a fresh vault key, the sandbox processor only for
	// test merchants.
	Live bool
	// Processors are registered besides the built-in ones; StripeBaseURL
	// is server.Config.StripeBaseURL.
	Processors    []processors.Processor
	StripeBaseURL string
	// MaxFileBytes is server.Config's (0: the default, 10 MiB).
	MaxFileBytes int64
}

// Env is one running server and a client for it.
type Env struct {
	T      testing.TB
	Server *server.Server
	URL    string
	// Key is the sandbox merchant's API key; WebToken its web-payments token.
	Key, WebToken, MerchantID string
	Client                    *http.Client
	DatabaseURL               string
}

// DatabaseURL returns a fresh, empty database for store: a temp SQLite file
// or a new PostgreSQL schema (dropped after the test).
func DatabaseURL(t testing.TB, store string) string {
	switch store {
	case "sqlite":
		return "sqlite:" + t.TempDir() + "/tender.db"
	case "postgres":
		return pgtest.URL(t)
	}
	t.Fatalf("unknown store %q", store)
	return ""
}

// Start runs a sandbox server on 127.0.0.1:0 with a fresh database of store.
func Start(t testing.TB, store string, opt Options) *Env {
	t.Helper()
	dbURL := opt.DatabaseURL
	if dbURL == "" {
		dbURL = DatabaseURL(t, store)
	}
	logs := opt.Logs
	if logs == nil {
		logs = io.Discard
		if os.Getenv("TENDER_TEST_LOGS") == "1" {
			logs = os.Stderr
		}
	}
	if !opt.NoLogScan {
		logs = io.MultiWriter(logs, &AllLogs)
		scannedServers.Add(1)
	}
	dataDir := opt.DataDir
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	orOff := func(n int) int {
		if n == 0 {
			return -1
		}
		return n
	}
	rl := orOff(opt.RateLimit)
	cfg := server.Config{
		Addr: "127.0.0.1:0", DataDir: dataDir, DatabaseURL: dbURL, RedisURL: opt.RedisURL,
		Sandbox: true, RateLimit: rl, WebRateLimit: orOff(opt.WebRateLimit), WebPayRateLimit: orOff(opt.WebPayRateLimit), Now: opt.Now, Out: io.Discard, DBMaxConns: opt.DBMaxConns,
		WebhookPollInterval: cmp.Or(opt.WebhookPollInterval, 50*time.Millisecond), WebhookTimeout: cmp.Or(opt.WebhookTimeout, 2*time.Second),
		Logger: slog.New(slog.NewJSONHandler(logs, nil)), ShutdownTimeout: 5 * time.Second,
		SMTPURL: opt.SMTPURL, WrapGateway: opt.WrapGateway, MetricsToken: opt.MetricsToken, MetricsTokenFile: opt.MetricsTokenFile, MessageInterval: 50 * time.Millisecond, ScheduleInterval: opt.ScheduleInterval,
		Processors: opt.Processors, StripeBaseURL: opt.StripeBaseURL, PairRateLimit: opt.PairRateLimit,
		MaxFileBytes: opt.MaxFileBytes, DatabaseListenURL: opt.DatabaseListenURL,
	}
	cfg.MasterKey = opt.MasterKey
	if opt.Live {
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		cfg.Sandbox, cfg.MasterKey = false, "k1:"+base64.StdEncoding.EncodeToString(key)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := server.New(ctx, cfg)
	if err != nil {
		t.Fatalf("start server on %s: %v", store, err)
	}
	if err := srv.Start(); err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	e := &Env{T: t, Server: srv, URL: srv.URL(), Client: &http.Client{Timeout: 30 * time.Second}, DatabaseURL: dbURL}
	if srv.Sandbox != nil {
		e.Key, e.WebToken, e.MerchantID = srv.Sandbox.APIKey, srv.Sandbox.WebPaymentsToken, srv.Sandbox.MerchantID
	}
	return e
}

// Response is a received response with its body read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test on error.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Request is a request to send.
type Request struct {
	Method, Path string
	// Key goes in "Authorization: Bearer"; "" sends none.
	Key string
	// Body is JSON-encoded unless it is a string or []byte (sent raw).
	Body        any
	ContentType string // default application/json when there is a body
	Header      http.Header
	// NoValidate skips OpenAPI validation (for deliberately malformed paths).
	NoValidate bool
}

// Do sends req and returns the response, validated against the OpenAPI
// document.
func (e *Env) Do(req Request) *Response {
	e.T.Helper()
	var body io.Reader
	var raw []byte
	switch b := req.Body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			e.T.Fatalf("encode body: %v", err)
		}
	}
	if raw != nil {
		body = bytes.NewReader(raw)
	}
	hr, err := http.NewRequest(req.Method, e.URL+req.Path, body)
	if err != nil {
		e.T.Fatalf("new request: %v", err)
	}
	for k, v := range req.Header {
		hr.Header[k] = v
	}
	if raw != nil {
		ct := req.ContentType
		if ct == "" {
			ct = "application/json"
		}
		if ct != "-" {
			hr.Header.Set("Content-Type", ct)
		}
	}
	hr.Header.Set("Accept", "application/json")
	if req.Key != "" {
		hr.Header.Set("Authorization", "Bearer "+req.Key)
	}
	resp, err := e.Client.Do(hr)
	if err != nil {
		e.T.Fatalf("%s %s: %v", req.Method, req.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.T.Fatalf("read body: %v", err)
	}
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
	if out.Header.Get("X-Request-Id") == "" {
		e.T.Errorf("%s %s: no X-Request-Id header", req.Method, req.Path)
	}
	if !req.NoValidate && resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
		e.validate(hr, resp, b)
	}
	return out
}

// Call is Do with the sandbox key and a JSON body, checking the status.
func (e *Env) Call(method, path string, body any, wantStatus int) *Response {
	e.T.Helper()
	r := e.Do(Request{Method: method, Path: path, Key: e.Key, Body: body})
	if r.Status != wantStatus {
		e.T.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.Status, wantStatus, r.Body)
	}
	return r
}

var (
	validatorMu    sync.Mutex
	validatorCache = map[string]validator.Validator{}
)

func (e *Env) validate(req *http.Request, resp *http.Response, body []byte) {
	e.T.Helper()
	v := e.validator()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	// The validator matches the request path against the document's paths.
	vreq := req.Clone(context.Background())
	vreq.URL.Path = normalize(vreq.URL.Path)
	vreq.Body = nil
	validatorMu.Lock()
	ok, errs := v.ValidateHttpResponse(vreq, resp)
	validatorMu.Unlock()
	if !ok {
		var msgs []string
		for _, err := range errs {
			msg := err.Message + ": " + err.Reason
			for _, se := range err.SchemaValidationErrors {
				msg += " [" + se.FieldPath + ": " + se.Reason + "]"
			}
			msgs = append(msgs, msg)
		}
		e.T.Errorf("%s %s → %d does not match the OpenAPI document:\n  %s\n  body: %s",
			req.Method, req.URL.Path, resp.StatusCode, strings.Join(msgs, "\n  "), shown(body))
	}
}

func (e *Env) validator() validator.Validator {
	validatorMu.Lock()
	defer validatorMu.Unlock()
	if v, ok := validatorCache["doc"]; ok {
		return v
	}
	doc, err := json.Marshal(e.Server.API.OpenAPI())
	if err != nil {
		e.T.Fatalf("openapi: %v", err)
	}
	d, err := libopenapi.NewDocument(doc)
	if err != nil {
		e.T.Fatalf("parse openapi: %v", err)
	}
	v, errs := validator.NewValidator(d)
	if len(errs) > 0 {
		e.T.Fatalf("openapi validator: %v", errs)
	}
	validatorCache["doc"] = v
	return v
}

func normalize(p string) string {
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}

// shown is a response body as a failure message shows it: its first 500
// bytes.
func shown(b []byte) string {
	if len(b) > 500 {
		return tender.Truncate(string(b), 500) + "..."
	}
	return string(b)
}

// EachStore runs f as a parallel subtest per store.
func EachStore(t *testing.T, f func(t *testing.T, store string)) {
	for _, s := range Stores {
		t.Run(s, func(t *testing.T) {
			t.Parallel()
			f(t, s)
		})
	}
}

// Sprintf is fmt.Sprintf, for path building in tests.
func Sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
