package client

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// StreamOptions picks and positions an event stream.
type StreamOptions struct {
	// Names are the event names to stream (none: every event).
	Names []string
	// After resumes after a stream position (a StreamEvent's ID); "" starts
	// with the events committed from the connection on.
	After string
	// OnConnect, when set, is called each time the stream is connected (at
	// first and after each reconnection), with the position it resumes
	// after: from then on, committed events are received.
	OnConnect func(position string)
	// MaxReconnectWait bounds the wait between reconnection attempts
	// (default 5 s; the first waits as the server's retry field says).
	MaxReconnectWait time.Duration
}

// StreamEvent is one message of the event stream: ID is the stream
// position once it is received (resume after it with StreamOptions.After),
// Type the SSE event type ("event"), Event the event as GET /event/{id}
// shows it.
type StreamEvent struct {
	ID    string
	Type  string
	Event *Event
}

// errStreamEnded is a stream that ended without an error (the server shut
// down, or a proxy closed it): the client reconnects.
var errStreamEnded = errors.New("tender: the event stream ended")

// StreamEvents follows the merchant's events as they are committed (GET
// /event/stream, Server-Sent Events) and calls f with each, in order. A
// dropped connection is reconnected with Last-Event-ID, so no event is
// missed or received twice. It returns when ctx ends (ctx's error), when
// f returns an error (that error), or on an answer that retrying cannot
// change (an *Error: a bad key, a bad filter).
func (c *Client) StreamEvents(ctx context.Context, opts *StreamOptions, f func(*StreamEvent) error) error {
	var o StreamOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxReconnectWait <= 0 {
		o.MaxReconnectWait = 5 * time.Second
	}
	q := url.Values{}
	if len(o.Names) > 0 {
		q.Set("name", strings.Join(o.Names, ","))
	}
	cl := call{method: "GET", path: "/event/stream", query: q}
	u := c.BaseURL + cl.path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	// The stream outlives any request timeout: a copy of the HTTP client
	// without one (ctx ends it).
	hc := http.Client{}
	if c.HTTP != nil {
		hc = *c.HTTP
	}
	hc.Timeout = 0
	s := &sseState{last: o.After, retry: 1000 * time.Millisecond}
	for attempt := 0; ; attempt++ {
		connected, err := c.streamOnce(ctx, &hc, cl, u, s, o.OnConnect, f)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var ce *Error
		if errors.As(err, &ce) && ce.Status != http.StatusTooManyRequests && ce.Status < 500 {
			return err
		}
		var fe callbackError
		if errors.As(err, &fe) {
			return fe.err
		}
		if connected {
			attempt = 0
		}
		wait := min(s.retry<<min(attempt, 6), o.MaxReconnectWait)
		if ce != nil && ce.Status == http.StatusTooManyRequests {
			wait = c.retryWait(ce.retryAfter, attempt)
		}
		if err := sleepCtx(ctx, wait); err != nil {
			return err
		}
	}
}

// callbackError carries f's error out of the read loop.
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }

// sseState is what survives a reconnection: the last position and the
// server's retry delay.
type sseState struct {
	last  string
	retry time.Duration
}

// streamOnce reads one connection of the stream until it ends; connected
// says the server accepted it.
func (c *Client) streamOnce(ctx context.Context, hc *http.Client, cl call, u string, s *sseState,
	onConnect func(string), f func(*StreamEvent) error) (connected bool, err error) {
	req, err := http.NewRequestWithContext(ctx, cl.method, u, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cache-Control", "no-cache")
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	if s.last != "" {
		req.Header.Set("Last-Event-ID", s.last)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		err := decodeAnswer(resp, body, cl)
		if ce, ok := err.(*Error); ok {
			ce.retryAfter = resp.Header.Get("Retry-After")
		}
		return false, err
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		return false, fmt.Errorf("tender: GET /event/stream answered %q, not text/event-stream", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 16<<20) // an event's data is one line
	var id, typ string
	var data strings.Builder
	hasID, first := false, true
	for sc.Scan() {
		line := sc.Text()
		if line == "" { // dispatch
			if hasID {
				s.last = id
			}
			if first && hasID {
				first = false
				if onConnect != nil {
					onConnect(s.last)
				}
			}
			if data.Len() > 0 {
				ev := &StreamEvent{ID: s.last, Type: typ}
				if ev.Type == "" {
					ev.Type = "message"
				}
				if ev.Type == "event" {
					ev.Event = new(Event)
					if err := json.Unmarshal([]byte(data.String()), ev.Event); err != nil {
						return true, fmt.Errorf("tender: event stream: %w", err)
					}
				}
				if err := f(ev); err != nil {
					return true, callbackError{err}
				}
			}
			typ, hasID = "", false
			data.Reset()
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue // a comment (heartbeat)
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			if !strings.Contains(value, "\x00") {
				id, hasID = value, true
			}
		case "event":
			typ = value
		case "data":
			if data.Len() > 0 {
				data.WriteByte('\n')
			}
			data.WriteString(value)
		case "retry":
			if ms, err := strconv.Atoi(value); err == nil && ms >= 0 {
				s.retry = time.Duration(ms) * time.Millisecond
			}
		}
	}
	if err := sc.Err(); err != nil {
		return !first, err
	}
	return !first, errStreamEnded
}
