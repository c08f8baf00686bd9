// Package client is a typed Go client for Tender's API (the Stax API):
// customers, payment methods, transactions, invoices, items, webhooks,
// events, API keys, terminals and the sandbox clock.
//
//	c := client.New("http://localhost:8080", os.Getenv("TENDER_API_KEY"))
//	cust, err := c.CreateCustomer(ctx, &client.CustomerInput{Firstname: "Jane", Email: "jane@example.com"})
//	pm, err := c.CreatePaymentMethod(ctx, &client.PaymentMethodInput{Method: "card", CustomerID: cust.ID, ...})
//	tx, err := c.Charge(ctx, &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(10, 50)})
//
// Money calls (charge, credit, capture, void, refund, invoice payment) get an
// idempotency_id when the caller gives none, so a retried call is applied
// once. Answers 429 and 503 are retried, waiting as Retry-After says
// (bounded by MaxRetryWait), at most MaxRetries times. Errors are *Error.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Client calls one Tender server with one API key. Its fields may be set
// after New and before the first call.
type Client struct {
	BaseURL string
	APIKey  string
	HTTP    *http.Client
	// MaxRetries is how many times a 429 or 503 answer is retried (default 3;
	// negative: none).
	MaxRetries int
	// MaxRetryWait bounds one wait between attempts, whatever Retry-After
	// says (default 30 s).
	MaxRetryWait time.Duration
	// UserAgent is sent with every request.
	UserAgent string
}

// New returns a client for the server at baseURL (http://host:port) with
// an API key (a merchant's, or a partner's for partner routes).
func New(baseURL, apiKey string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), APIKey: apiKey,
		HTTP: &http.Client{Timeout: 90 * time.Second}, MaxRetries: 3, MaxRetryWait: 30 * time.Second,
		UserAgent: "tender-go-client"}
}

// Error is a non-2xx answer. Fields holds Stax's 422 field messages
// (field → messages); Message the {"error": ...} message of other answers.
// A declined payment is an *Error with Status 400 and Transaction set.
type Error struct {
	Status      int
	Message     string
	Fields      map[string][]string
	RequestID   string
	Transaction *Transaction // a declined payment's transaction (status 400)
	Body        []byte

	retryAfter string // a 429's Retry-After (for the event stream's reconnection)
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		var parts []string
		for _, k := range sortedKeys(e.Fields) {
			parts = append(parts, k+": "+strings.Join(e.Fields[k], " "))
		}
		return fmt.Sprintf("tender: %d: %s", e.Status, strings.Join(parts, "; "))
	}
	return fmt.Sprintf("tender: %d: %s", e.Status, e.Message)
}

// Declined reports whether the error is a declined payment.
func (e *Error) Declined() bool { return e.Status == http.StatusBadRequest && e.Transaction != nil }

// call is one API call: method and path template ("/transaction/{id}/refund")
// with its arguments, a JSON body (nil for none) and the value the 2xx
// answer decodes into.
type call struct {
	method, path string
	args         []string
	query        url.Values
	body         any
	out          any
	money        bool // a 400 carries the declined transaction
}

// do sends a call, retrying 429 and 503 answers.
func (c *Client) do(ctx context.Context, cl call) error {
	path := cl.path
	for _, a := range cl.args {
		i := strings.Index(path, "{")
		j := strings.Index(path, "}")
		if i < 0 || j < i {
			return fmt.Errorf("tender: %s has fewer parameters than given", cl.path)
		}
		if a == "" {
			return fmt.Errorf("tender: %s: empty %s", cl.path, path[i+1:j])
		}
		path = path[:i] + url.PathEscape(a) + path[j+1:]
	}
	u := c.BaseURL + path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	var raw []byte
	if cl.body != nil {
		var err error
		if raw, err = json.Marshal(cl.body); err != nil {
			return err
		}
	}
	maxRetries := c.MaxRetries
	for attempt := 0; ; attempt++ {
		resp, body, err := c.send(ctx, cl.method, u, raw)
		if err != nil {
			return err
		}
		retryable := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
		if retryable && attempt < maxRetries {
			if err := sleepCtx(ctx, c.retryWait(resp.Header.Get("Retry-After"), attempt)); err != nil {
				return err
			}
			continue
		}
		return decodeAnswer(resp, body, cl)
	}
}

func (c *Client) send(ctx context.Context, method, u string, raw []byte) (*http.Response, []byte, error) {
	var rd io.Reader
	if raw != nil {
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, nil, err
	}
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, nil, err
	}
	return resp, body, nil
}

func decodeAnswer(resp *http.Response, body []byte, cl call) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if cl.out == nil || len(body) == 0 {
			return nil
		}
		if err := json.Unmarshal(body, cl.out); err != nil {
			return fmt.Errorf("tender: decode %s %s answer: %w", cl.method, cl.path, err)
		}
		return nil
	}
	e := &Error{Status: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id"), Body: body}
	switch {
	case cl.money && resp.StatusCode == http.StatusBadRequest:
		var t Transaction
		if json.Unmarshal(body, &t) == nil && t.ID != "" {
			e.Transaction, e.Message = &t, t.Message
			if tx, ok := cl.out.(*Transaction); ok {
				*tx = t
			}
			return e
		}
		fallthrough
	default:
		var m struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &m) == nil && m.Error != "" {
			e.Message = m.Error
		} else if resp.StatusCode == http.StatusUnprocessableEntity {
			_ = json.Unmarshal(body, &e.Fields)
			e.Message = "validation failed"
		} else {
			e.Message = http.StatusText(resp.StatusCode)
		}
	}
	return e
}

// retryWait is the wait before the next attempt: Retry-After (seconds or
// an HTTP date) when given, else exponential backoff with jitter; never
// more than MaxRetryWait.
func (c *Client) retryWait(retryAfter string, attempt int) time.Duration {
	limit := c.MaxRetryWait
	if limit <= 0 {
		limit = 30 * time.Second
	}
	var d time.Duration
	if s, err := strconv.Atoi(strings.TrimSpace(retryAfter)); err == nil && s >= 0 {
		d = time.Duration(s) * time.Second
	} else if t, err := http.ParseTime(retryAfter); err == nil {
		d = time.Until(t)
	} else {
		d = 250 * time.Millisecond << min(attempt, 8)
		d += time.Duration(rand.Int64N(int64(d/2) + 1))
	}
	return max(0, min(d, limit))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// idempotencyID returns id, or a new random one when id is empty.
func idempotencyID(id string) string {
	if id != "" {
		return id
	}
	return "go-" + uuid.NewString()
}
