package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender/client"
)

// listenCmd runs "tender listen": it follows the merchant's events (GET
// /event/stream, through the Go client, which reconnects where it left
// off) and prints one line per event; with --forward-to it also POSTs each
// one to a local URL as Tender's webhooks do (the object as the body, the
// Stax-* headers, a Stax-Signature made with this listen's secret) and
// prints the answer's status.
func listenCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("listen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	events := fs.String("events", "", "event names to listen for, comma-separated (default: all)")
	forward := fs.String("forward-to", "", "URL each event is POSTed to as a signed webhook (e.g. http://localhost:3000/hooks)")
	secret := fs.String("secret", env("TENDER_LISTEN_SECRET", ""), "signing secret of the forwarded webhooks (TENDER_LISTEN_SECRET; default: a new whsec_... printed at start)")
	printJSON := fs.Bool("print-json", false, "print each event's JSON (as GET /event/{id}) instead of a summary line")
	timeout := fs.Duration("forward-timeout", 10*time.Second, "how long a forwarded POST may take")
	var af apiFlags
	af.register(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("listen: unexpected %q", pos[0])
	}
	var names []string
	for n := range strings.SplitSeq(*events, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	if *forward != "" {
		u, err := url.Parse(*forward)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("listen: --forward-to %q is not an http(s) URL", *forward)
		}
		if *secret == "" {
			b := make([]byte, 24)
			_, _ = rand.Read(b)
			*secret = "whsec_" + hex.EncodeToString(b)
		}
	}
	c, err := af.client()
	if err != nil {
		return err
	}
	fw := &forwarder{url: *forward, secret: *secret, http: &http.Client{Timeout: *timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	filter := "all events"
	if len(names) > 0 {
		filter = strings.Join(names, ", ")
	}
	connected := false
	opts := &client.StreamOptions{Names: names, OnConnect: func(position string) {
		if connected {
			fmt.Fprintf(stderr, "reconnected, resuming after %s\n", position)
			return
		}
		connected = true
		fmt.Fprintf(stdout, "Ready! Listening to %s for %s (Ctrl-C to stop)\n", af.server, filter)
		if fw.url != "" {
			fmt.Fprintf(stdout, "Forwarding to %s; webhook signing secret: %s\n", fw.url, fw.secret)
		}
	}}
	err = c.StreamEvents(ctx, opts, func(se *client.StreamEvent) error {
		ev := se.Event
		if ev == nil {
			return nil // a message of another type
		}
		if *printJSON {
			b, err := json.Marshal(ev)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s\n", b)
		} else {
			fmt.Fprintf(stdout, "%s  --> %-28s %s  [event %s]\n", ev.CreatedAt.Format(client.TimeLayout), ev.Name, ev.ObjectID, ev.ID)
		}
		if fw.url != "" {
			status, err := fw.send(ctx, ev)
			at := time.Now().UTC().Format(client.TimeLayout)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				fmt.Fprintf(stdout, "%s  <-- [ERR] POST %s [event %s]: %v\n", at, fw.url, ev.ID, err)
			} else {
				fmt.Fprintf(stdout, "%s  <-- [%d] POST %s [event %s]\n", at, status, fw.url, ev.ID)
			}
		}
		return nil
	})
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil // Ctrl-C
	}
	return err
}

// forwarder POSTs events to a local URL as Tender's webhook deliveries.
type forwarder struct {
	url, secret string
	http        *http.Client
}

// send POSTs ev's object as a webhook delivery (webhook/deliver.go: the
// same body, headers and signature) and returns the answer's status.
func (f *forwarder) send(ctx context.Context, ev *client.Event) (int, error) {
	body := []byte(ev.Data)
	req, err := http.NewRequestWithContext(ctx, "POST", f.url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Tender-Webhooks/1 (tender listen)")
	req.Header.Set(client.HeaderEvent, ev.Name)
	req.Header.Set(client.HeaderEventID, ev.ID)
	req.Header.Set(client.HeaderDelivery, uuid.NewString())
	req.Header.Set(client.HeaderSignature, client.SignWebhook(body, f.secret, time.Now()))
	resp, err := f.http.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode, nil
}
