// Package webhook delivers events to webhook URLs. An event is written in
// the same transaction as its change (the events table is a transactional
// outbox). A relay (one at a time across processes, by a lease) reads new
// events with their webhooks, makes the first attempts itself, concurrently
// and in order per object, and writes each delivery once, with its outcome,
// in the transaction that marks its events relayed. A delivery that
// failed, had to wait behind an earlier one of its object, or was still
// being sent when the relay moved on gets a durable River job
// (github.com/riverqueue/river, on the same database), which retries with
// exponential backoff. Deliveries are signed with HMAC-SHA256, kept in order
// per object, and every attempt is logged.
package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/jobs"
	"github.com/tenderpay/tender/store"
	"github.com/valyala/fasthttp"
)

// Config configures a Deliverer.
type Config struct {
	Store store.Store
	// Jobs is the process's job client: New registers the delivery
	// workers on it, and the Deliverer's relay as one of its services.
	Jobs   *jobs.Client
	Logger *slog.Logger
	// Timeout bounds one delivery attempt (default 10 s).
	Timeout time.Duration
	// AllowPrivate permits targets on private and loopback addresses for
	// host (always, in sandbox mode); otherwise the dialer refuses them, even
	// when a public name resolves to one.
	AllowPrivate func(host string) bool
	// PollInterval is how often idle workers look for jobs (default 250 ms).
	PollInterval time.Duration
	// Workers is the number of concurrent deliveries (default 10).
	Workers int
	// MaxRetryDelay caps the backoff (default tender.MaxWebhookRetryDelay s).
	MaxRetryDelay time.Duration
	// Now is the clock that retries are scheduled on and deliveries
	// stamped with (default time.Now; the server's sandbox-advanceable
	// clock). Signatures and network deadlines use the wall clock.
	Now func() time.Time
}

// Deliverer enqueues and works webhook deliveries.
type Deliverer struct {
	cfg     Config
	guarded *fasthttp.Client // refuses private addresses at connect time
	open    *fasthttp.Client // for allow-listed hosts

	// sends bounds the concurrent first attempts of all batch jobs of the
	// process, so deliveries never crowd out the API.
	sends chan struct{}

	stopRelay context.CancelFunc
	quit      chan struct{}   // closed by Stop: the relay ends after its batch
	wake      <-chan struct{} // events were committed: relay now
	stopOnce  sync.Once
	relayDone chan struct{}

	// holder names this process in the relay's lease; leaseUntil is when
	// its lease ends (the relay's goroutine only).
	holder     string
	leaseUntil time.Time
	// targeted: the last batch had an event a webhook receives, so the
	// next one's payloads are read with its events; while batches go
	// nowhere, the store skips reading them (the relay's goroutine only).
	targeted bool
	// running counts the relay's sends, handed-off ones included, so that
	// Stop waits for them; slow counts each webhook's handed-off sends.
	running sync.WaitGroup
	slowMu  sync.Mutex
	slow    map[string]int
}

// deliverArgs is one delivery's job: its retries after the first attempt
// (Offset attempts were made by a batch), or a delivery a batch could not
// send in order.
type deliverArgs struct {
	DeliveryID string `json:"delivery_id"`
	RetryBase  int    `json:"retry_base"`
	Offset     int    `json:"offset,omitempty"`
}

func (deliverArgs) Kind() string { return "webhook_delivery" }

// batchArgs is the first attempt of up to relayJobSize deliveries: one job
// loads them in one query, sends them concurrently (in order per object and
// webhook) and records them in one transaction, so a delivery costs a
// fraction of a job and of a commit. Failures become deliverArgs jobs.
type batchArgs struct {
	DeliveryIDs []string `json:"delivery_ids"`
}

func (batchArgs) Kind() string { return "webhook_batch" }

const queue = "webhooks"

// newClient makes the HTTP client of deliveries. Its dialer has a guard
// when guard is set: a target that resolves to a special-purpose address
// (address.go) is refused (DNS rebinding included), as the check runs on the
// address actually connected to.
//
// It is fasthttp's client, not net/http's: a delivery is the hottest
// outbound request Tender makes (each event times each webhook), and
// fasthttp reuses its requests, responses and connection buffers, where
// net/http allocates them and runs two goroutines per connection; it
// halves a delivery's client-side CPU (see the README, Benchmarks). It
// follows no redirects (Do does not) and reads at most 64 KiB of an answer.
func newClient(guard bool) *fasthttp.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if guard {
		dialer.Control = DialControl
	}
	return &fasthttp.Client{
		Dial:            func(addr string) (net.Conn, error) { return dialer.Dial("tcp", addr) },
		MaxConnsPerHost: 64,
		// Past MaxConnsPerHost a send waits for a connection rather than
		// failing at once (sends are bounded by Workers, twice over at most).
		MaxConnWaitTimeout:       5 * time.Second,
		MaxIdleConnDuration:      30 * time.Second,
		MaxResponseBodySize:      maxAnswer,
		NoDefaultUserAgentHeader: true,
	}
}

// maxAnswer is how much of a receiver's answer is read.
const maxAnswer = 64 << 10

// send POSTs the event's object, signed, within the attempt timeout. It
// returns at once when ctx ends (the server stops); the request then runs
// on to its own deadline in the background.
func (d *Deliverer) send(ctx context.Context, hook *tender.Webhook, del *tender.WebhookDelivery, ev *tender.Event) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	u, err := url.Parse(hook.TargetURL)
	if err != nil {
		return 0, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return 0, fmt.Errorf("webhook: unsupported scheme %q", u.Scheme)
	}
	client := d.guarded
	if d.cfg.AllowPrivate(u.Hostname()) {
		client = d.open
	}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	req.SetRequestURI(hook.TargetURL)
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.SetContentType("application/json")
	req.Header.SetUserAgent("Tender-Webhooks/1")
	req.Header.Set(HeaderEvent, ev.Name)
	req.Header.Set(HeaderEventID, ev.ID)
	req.Header.Set(HeaderDelivery, del.ID)
	req.Header.Set(HeaderSignature, Sign(hook.Secret, time.Now(), ev.Payload))
	req.SetBodyRaw(ev.Payload)
	deadline := time.Now().Add(d.cfg.Timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	type answer struct {
		code int
		err  error
	}
	do := func() answer {
		defer fasthttp.ReleaseRequest(req)
		defer fasthttp.ReleaseResponse(resp)
		err := client.DoDeadline(req, resp, deadline)
		code := resp.StatusCode()
		switch {
		case errors.Is(err, fasthttp.ErrBodyTooLarge):
			// The answer's status is what counts; its body is not kept.
		case err != nil:
			return answer{0, err}
		}
		if code < 200 || code > 299 {
			return answer{code, fmt.Errorf("receiver answered HTTP %d", code)}
		}
		return answer{code, nil}
	}
	if ctx.Done() == nil {
		a := do()
		return a.code, a.err
	}
	got := make(chan answer, 1)
	go func() { got <- do() }()
	select {
	case a := <-got:
		return a.code, a.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// AllowList returns an AllowPrivate func: everything in sandbox, else the
// listed hosts.
func AllowList(sandbox bool, hosts []string) func(string) bool {
	return func(host string) bool { return sandbox || slices.Contains(hosts, host) }
}
