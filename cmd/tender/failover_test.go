package main_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestFailoverToSyncReplica is production's worst ordinary day: the
// database machine dies. A primary streams synchronously to a replica; two
// Tender instances run on a multi-host connection string
// (host=primary,replica target_session_attrs=read-write); clients charge,
// pay invoices and void with idempotency ids and retry anything not
// acknowledged. Mid-load the primary is stopped -m immediate and the
// replica promoted. Then, on the promoted replica: every acknowledged
// payment is present exactly once (synchronous_commit=on: an acknowledged
// commit was already on the replica's disk), the processor authorized each
// idempotency id at most once, nothing stays PENDING (the janitor, a
// periodic job, resumed), and every committed event was delivered to the
// webhook at least once (the relay and the job queue resumed). The
// recovery time after promotion is logged.
func TestFailoverToSyncReplica(t *testing.T) {
	if testing.Short() {
		t.Skip("failover test: not in -short")
	}
	primary, replica := startSyncPair(t)
	dbURL := fmt.Sprintf("postgres://postgres@127.0.0.1:%d,127.0.0.1:%d/postgres?sslmode=disable&target_session_attrs=read-write",
		primary.port, replica.port)
	sink := newHookSink(t)
	a, b, key := twoInstances(t, dbURL, "TENDER_WEBHOOK_POLL=50ms", "TENDER_GATEWAY_TIMEOUT=1s", "TENDER_JANITOR_INTERVAL=500ms")
	subscribe(t, api(a.url, key), sink.URL, "*")
	var pms, custs []string
	for i, card := range []string{"4111111111111111", "5555555555554444", "4000000000000002"} {
		url := a.url
		if i%2 == 1 {
			url = b.url
		}
		c, pm := customerWithCard(t, api(url, key), "Failover", "F O", card)
		pms = append(pms, pm.ID)
		custs = append(custs, c.ID)
	}

	// Worker w alternates between the instances, attempt by attempt; the
	// 503s are counted, any other 5xx fails the test.
	c := newRetryingClient(key, 50*time.Millisecond, func(w, attempt int) string {
		if (w+attempt)%2 == 1 {
			return b.url
		}
		return a.url
	})
	var unavailable atomic.Int64
	c.interim = func(path string, resp *http.Response, out []byte) {
		switch {
		case resp.StatusCode == 503:
			unavailable.Add(1)
			if resp.Header.Get("Retry-After") == "" {
				t.Errorf("503 without Retry-After: %s", out)
			}
		case resp.StatusCode >= 500:
			t.Errorf("%s answered %d during the failover (want 503): %s", path, resp.StatusCode, out)
		}
	}

	type ack struct {
		idem, txID string
		status     int
		at         time.Time
	}
	var mu sync.Mutex
	var acks []ack
	acked := make(chan struct{}, 1<<16)
	stop := make(chan struct{})
	wait := untilStopped(4, stop, func(w, i int) {
		idem := fmt.Sprintf("failover-%d-%d", w, i)
		total := float64(rand.IntN(4000)+1000) / 100 // ≥ 10.00: no sandbox decline amount
		st, tx := c.pay(w, w == 3, custs[rand.IntN(len(custs))], pms[rand.IntN(len(pms))], total, idem)
		id, _ := tx["id"].(string)
		if st == 200 && i%4 == 0 {
			c.void(w, id, idem)
		}
		mu.Lock()
		acks = append(acks, ack{idem: idem, txID: id, status: st, at: time.Now()})
		mu.Unlock()
		acked <- struct{}{}
	})
	// waitAcks waits for n payments acknowledged after since.
	waitAcks := func(n int, since time.Time, what string) {
		t.Helper()
		timeout := time.After(60 * time.Second)
		for {
			mu.Lock()
			got := 0
			for _, a := range acks {
				if a.at.After(since) {
					got++
				}
			}
			mu.Unlock()
			if got >= n {
				return
			}
			select {
			case <-acked:
			case <-timeout:
				t.Fatalf("timed out waiting for %s (%d of %d)", what, got, n)
			}
		}
	}

	waitAcks(30, time.Time{}, "payments before the failover")
	var baseline int64
	if err := primaryDB(t, primary).QueryRow(`SELECT coalesce(max(seq), 0) FROM events`).Scan(&baseline); err != nil {
		t.Fatal(err)
	}
	killedAt := time.Now()
	primary.stopImmediate(t)
	replica.promote(t)
	promotedAt := time.Now()
	waitAcks(30, promotedAt, "payments after the promotion")
	close(stop)
	wait()

	var recovery time.Duration
	var before, after int
	for _, a := range acks {
		if a.at.Before(promotedAt) {
			before++
			continue
		}
		after++
		if d := a.at.Sub(promotedAt); recovery == 0 || d < recovery {
			recovery = d
		}
	}
	if recovery > 5*time.Second {
		t.Errorf("first acknowledged payment %v after the promotion; want ≤ 5 s", recovery)
	}

	db, err := sql.Open("pgx", replica.url("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	waitNoPending(t, db, "the janitor to resolve what the failover left PENDING", 30*time.Second)
	for _, a := range acks {
		checkAcknowledgedOnce(t, db, a.idem, a.txID, a.status)
	}
	checkMoneyInvariants(t, db)

	// Every committed event reaches the webhook, those committed after the
	// promotion included.
	var committed []string
	rows, err := db.QueryContext(ctx, `SELECT id::text FROM events WHERE seq > $1 ORDER BY seq`, baseline)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		committed = append(committed, id)
	}
	rows.Close()
	missing := func() []string {
		sink.mu.Lock()
		defer sink.mu.Unlock()
		var m []string
		for _, id := range committed {
			if sink.events[id] == 0 {
				m = append(m, id)
			}
		}
		return m
	}
	waitFor(t, fmt.Sprintf("the delivery of %d committed events", len(committed)), 30*time.Second, func() bool { return len(missing()) == 0 })
	events, deliveries, dup := sink.counts()
	t.Logf("failover: primary stopped -m immediate; promotion took %v; first acknowledged payment %v after promotion; "+
		"%d payments acknowledged before and %d after; %d HTTP requests (%d retries, %d answered 503); %d events committed since the first payments, %d delivered in all (%d deliveries, %d delivered more than once)",
		promotedAt.Sub(killedAt).Round(time.Millisecond), recovery.Round(time.Millisecond), before, after,
		c.requests.Load(), c.retries.Load(), unavailable.Load(), len(committed), events, deliveries, dup)
	if !slices.ContainsFunc(acks, func(a ack) bool { return a.status == 200 && a.at.After(promotedAt) }) {
		t.Error("no payment was approved after the promotion")
	}
}

// primaryDB is a connection to the primary, closed when the test ends.
func primaryDB(t *testing.T, c *pgCluster) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", c.url("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}
