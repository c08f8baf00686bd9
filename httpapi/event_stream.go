package httpapi

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/service"
)

const (
	// streamHeartbeat is how often an idle event stream writes a comment,
	// so that proxies keep the connection and a gone client is noticed.
	streamHeartbeat = 15 * time.Second
	// streamRetry is the reconnection delay the stream asks of clients.
	streamRetry = 1000 // ms
)

// streamContent is the 2xx body of a Server-Sent Events route: an example
// message carrying the JSON of the route's schema.
func streamContent(example any) schema {
	b, _ := json.Marshal(example)
	return schema{"text/event-stream": schema{
		"schema":  schema{"type": "string", "description": "Server-Sent Events: messages of type event whose data is the JSON of the schema " + "shown in the example, with an id (the stream position), and comment lines (heartbeats)"},
		"example": "id: 1042\nevent: event\ndata: " + string(b) + "\n\n: heartbeat\n\n",
	}}
}

// CloseStreams ends the open event streams, and refuses new ones: the
// server calls it as it shuts down (http.Server.Shutdown waits for
// connections to go idle, which a stream never does).
func (a *API) CloseStreams() { a.closeStreams.Do(func() { close(a.closing) }) }

// streamEvents serves GET /event/stream (see its OpenAPI description).
func (a *API) streamEvents(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var f service.EventStreamFilter
	for _, v := range q["name"] {
		for n := range strings.SplitSeq(v, ",") {
			if n = strings.TrimSpace(n); n != "" {
				f.Names = append(f.Names, n)
			}
		}
	}
	since := r.Header.Get("Last-Event-ID")
	if since == "" {
		since = q.Get("since")
	}
	if since != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(since), 10, 64)
		if err != nil {
			return tender.FieldErrors{"since": {"The since (or Last-Event-ID) must be a stream position: the id of an event received."}}.Err()
		}
		f.After = &n
	}
	select {
	case <-a.closing:
		return tender.Errorf(tender.EUNAVAILABLE, "The server is shutting down.")
	default:
	}
	ctx := r.Context()
	es, err := a.svc.OpenEventStream(ctx, merchantID(r), f)
	if err != nil {
		return err
	}
	defer es.Close()

	// The server's read and write timeouts are for requests that end; a
	// stream lives on, so it keeps the write deadline a heartbeat or two
	// ahead (a client that stops reading is let go) and none for reads.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriter(w)
	flush := func() bool {
		_ = rc.SetWriteDeadline(time.Now().Add(2 * streamHeartbeat))
		return bw.Flush() == nil && rc.Flush() == nil
	}
	// The position first, so that a client reconnecting before any event
	// resumes where this stream began.
	bw.WriteString("retry: " + strconv.Itoa(streamRetry) + "\nid: " + strconv.FormatInt(es.Position(), 10) + "\n\n")
	if !flush() {
		return nil
	}
	heartbeat := time.NewTicker(streamHeartbeat)
	defer heartbeat.Stop()
	poll := time.NewTimer(a.cfg.StreamPoll)
	defer poll.Stop()
	for {
		evs, err := es.Next(ctx)
		for _, le := range evs {
			b, merr := json.Marshal(eventOut(le.Event))
			if merr != nil {
				return nil
			}
			bw.WriteString("id: " + strconv.FormatInt(le.Seq, 10) + "\nevent: event\ndata: ")
			bw.Write(b)
			bw.WriteString("\n\n")
		}
		if len(evs) > 0 && !flush() {
			return nil
		}
		if err != nil {
			if ctx.Err() == nil {
				a.log.WarnContext(ctx, "event stream", "request_id", info(ctx).id, "error", err.Error())
			}
			return nil // the client reconnects with Last-Event-ID
		}
		poll.Reset(a.cfg.StreamPoll)
		// Wait for a wake-up or the poll; heartbeats in between only write.
	wait:
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-a.closing:
				return nil
			case <-heartbeat.C:
				bw.WriteString("id: " + strconv.FormatInt(es.Position(), 10) + "\n: heartbeat\n\n")
				if !flush() {
					return nil
				}
			case <-es.Wake():
				break wait
			case <-poll.C:
				break wait
			}
		}
	}
}
