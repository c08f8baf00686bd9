package main_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// retryingClient pays the way a careful client does through crashes and
// failovers (TestCrashRecovery, TestFailoverToSyncReplica): it sends one
// request with its idempotency id again and again, a pause apart, until
// the server answers with a final status (200 or 400; 422 for a void the
// state no longer allows). It stays raw HTTP: its own retry loop is the
// point.
type retryingClient struct {
	key   string
	pause time.Duration
	// url is the server worker w sends attempt n of a request to.
	url func(w, attempt int) string
	// interim, when set, sees each answer that is not final (202 pending,
	// 409 in flight, 5xx): not acknowledged yet.
	interim func(path string, resp *http.Response, body []byte)

	http              http.Client
	requests, retries atomic.Int64
}

// newRetryingClient is a retryingClient of API key key whose requests
// time out after 5 s.
func newRetryingClient(key string, pause time.Duration, url func(w, attempt int) string) *retryingClient {
	return &retryingClient{key: key, pause: pause, url: url, http: http.Client{Timeout: 5 * time.Second}}
}

// post sends body to path for worker w until a final answer.
func (c *retryingClient) post(w int, path string, body map[string]any) (int, map[string]any) {
	raw, _ := json.Marshal(body)
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			c.retries.Add(1)
			time.Sleep(c.pause) // a client's retry pause, not a wait for the test
		}
		c.requests.Add(1)
		req, _ := http.NewRequest("POST", c.url(w, attempt)+path, bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+c.key)
		resp, err := c.http.Do(req)
		if err != nil {
			continue // the server is down or was killed mid-request
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch resp.StatusCode {
		case 200, 400, 422:
			var m map[string]any
			_ = json.Unmarshal(out, &m)
			return resp.StatusCode, m
		}
		if c.interim != nil {
			c.interim(path, resp, out)
		}
	}
}

// pay pays total with payment method pm and idempotency id idem: as a new
// invoice to customer, paid, when invoice (creating one twice after a kill
// only leaves an extra unpaid invoice), else as a charge.
func (c *retryingClient) pay(w int, invoice bool, customer, pm string, total float64, idem string) (int, map[string]any) {
	if invoice {
		_, inv := c.post(w, "/invoice", map[string]any{"customer_id": customer, "total": total})
		invID, _ := inv["id"].(string)
		return c.post(w, "/invoice/"+invID+"/pay", map[string]any{"payment_method_id": pm, "idempotency_id": idem})
	}
	return c.post(w, "/charge", map[string]any{"payment_method_id": pm, "total": total, "idempotency_id": idem})
}

// void voids transaction txID with the idempotency id "void-" + idem.
func (c *retryingClient) void(w int, txID, idem string) int {
	st, _ := c.post(w, "/transaction/"+txID+"/void", map[string]any{"idempotency_id": "void-" + idem})
	return st
}

// untilStopped runs n load workers, each calling step(w, i) for i = 0, 1,
// ... until stop is closed; wait returns when they all have.
func untilStopped(n int, stop <-chan struct{}, step func(w, i int)) (wait func()) {
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				step(w, i)
			}
		})
	}
	return wg.Wait
}

// waitNoPending waits for the janitor to resolve what a crash or failover
// left PENDING in db.
func waitNoPending(t *testing.T, db *sql.DB, what string, d time.Duration) {
	t.Helper()
	waitFor(t, what, d, func() bool {
		var pending int
		if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM transactions WHERE status = 'PENDING'`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		return pending == 0
	})
}
