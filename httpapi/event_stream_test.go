package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/tenderpay/tender/client"
	"github.com/tenderpay/tender/internal/apitest"
)

// streamed follows GET /event/stream through the Go client in the
// background: connected receives each (re)connection's position, events
// each event.
type streamed struct {
	connected chan string
	events    chan *client.StreamEvent
	done      chan error
	cancel    context.CancelFunc
}

func openStream(t *testing.T, c *client.Client, opts client.StreamOptions) *streamed {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &streamed{connected: make(chan string, 10), events: make(chan *client.StreamEvent, 100), done: make(chan error, 1), cancel: cancel}
	opts.OnConnect = func(pos string) { s.connected <- pos }
	go func() {
		s.done <- c.StreamEvents(ctx, &opts, func(ev *client.StreamEvent) error {
			s.events <- ev
			return nil
		})
	}()
	t.Cleanup(func() { cancel(); <-s.done })
	select {
	case <-s.connected:
	case err := <-s.done:
		t.Fatalf("stream ended before connecting: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("stream did not connect within 30 s")
	}
	return s
}

// until receives events until one named name about objectID, and returns
// them all.
func (s *streamed) until(t *testing.T, name, objectID string) []*client.StreamEvent {
	t.Helper()
	var got []*client.StreamEvent
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev := <-s.events:
			got = append(got, ev)
			if ev.Event.Name == name && ev.Event.ObjectID == objectID {
				return got
			}
		case err := <-s.done:
			t.Fatalf("stream ended: %v", err)
		case <-deadline:
			t.Fatalf("no %s of %s within 30 s; got %d events", name, objectID, len(got))
		}
	}
}

func eventIDs(evs []*client.StreamEvent) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.Event.Name + " " + ev.Event.ID
	}
	return out
}

// TestEventStream: GET /event/stream delivers a charge's events as they
// are committed (create_customer, create_payment_method,
// create_transaction, each as GET /event/{id} shows it); a stream resumed
// after the first of them (Last-Event-ID) gets exactly the later ones, no
// event twice; a name filter passes only its names; bad filters are 422.
func TestEventStream(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		e.Call("GET", "/event/stream?since=abc", nil, 422)
		e.Call("GET", "/event/stream?since=-1", nil, 422)
		e.Call("GET", "/event/stream?name=bad%20name", nil, 422)
		e.Call("GET", "/event/stream?colour=red", nil, 422)
		ctx := context.Background()
		c := client.New(e.URL, e.Key)

		all := openStream(t, c, client.StreamOptions{})
		charges := openStream(t, c, client.StreamOptions{Names: []string{"create_transaction"}})
		cust, err := c.CreateCustomer(ctx, &client.CustomerInput{Firstname: "Stream", Email: "stream@example.com"})
		must(t, err)
		pm, err := c.CreatePaymentMethod(ctx, &client.PaymentMethodInput{Method: "card", CustomerID: cust.ID,
			PersonName: "Stream Test", CardNumber: "4111111111111111", CardCVV: "123", CardExp: "1240"})
		must(t, err)
		tx, err := c.Charge(ctx, &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(12, 34)})
		must(t, err)

		got := all.until(t, "create_transaction", tx.ID)
		if len(got) != 3 || got[0].Event.Name != "create_customer" || got[0].Event.ObjectID != cust.ID ||
			got[1].Event.Name != "create_payment_method" || got[1].Event.ObjectID != pm.ID || got[2].Type != "event" {
			t.Fatalf("stream = %v", eventIDs(got))
		}
		// The same event as GET /event/{id} shows it.
		one, err := c.Event(ctx, got[2].Event.ID)
		must(t, err)
		if string(one.Data) != string(got[2].Event.Data) || one.CreatedAt != got[2].Event.CreatedAt || one.MerchantID != e.MerchantID {
			t.Fatalf("streamed %s\n   GET /event/{id} %s", got[2].Event.Data, one.Data)
		}
		if f := charges.until(t, "create_transaction", tx.ID); len(f) != 1 {
			t.Fatalf("filtered stream = %v", eventIDs(f))
		}

		// Resumed after the customer's event: the later ones, once each,
		// then what comes next.
		resumed := openStream(t, c, client.StreamOptions{After: got[0].ID})
		cust2, err := c.CreateCustomer(ctx, &client.CustomerInput{Firstname: "Later"})
		must(t, err)
		again := resumed.until(t, "create_customer", cust2.ID)
		want := append(eventIDs(got[1:]), "create_customer "+again[len(again)-1].Event.ID)
		if g := eventIDs(again); len(g) != len(want) || g[0] != want[0] || g[1] != want[1] || g[2] != want[2] {
			t.Fatalf("resumed after %s: %v, want %v", got[0].ID, g, want)
		}
		// The filtered stream skipped the customer: its next event is the
		// next charge's.
		tx2, err := c.Charge(ctx, &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(1, 0)})
		must(t, err)
		if f := charges.until(t, "create_transaction", tx2.ID); len(f) != 1 {
			t.Fatalf("filtered stream after the customer = %v", eventIDs(f))
		}

		// A bad key is refused, not retried.
		err = client.New(e.URL, "not-a-key").StreamEvents(ctx, nil, func(*client.StreamEvent) error { return nil })
		var ce *client.Error
		if !errors.As(err, &ce) || ce.Status != http.StatusUnauthorized {
			t.Fatalf("bad key: %v", err)
		}
	})
}

// TestEventStreamShutdown: an open stream does not hold up the server's
// graceful shutdown; the stream ends and the client sees it.
func TestEventStreamShutdown(t *testing.T) {
	e := apitest.Start(t, "sqlite", apitest.Options{})
	s := openStream(t, client.New(e.URL, e.Key), client.StreamOptions{})
	start := time.Now()
	if err := e.Server.Close(); err != nil {
		t.Fatalf("close with a stream open: %v (after %s)", err, time.Since(start))
	}
	// The client reconnects, to a server that is gone: it keeps trying
	// until cancelled.
	s.cancel()
	select {
	case err := <-s.done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("stream ended with %v", err)
		}
		s.done <- err // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("stream did not end")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
