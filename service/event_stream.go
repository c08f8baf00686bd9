package service

import (
	"context"
	"strings"
	"time"

	"github.com/tenderpay/tender"
)

// EventSignal is the signal that events were committed (jobs.Wake).
type EventSignal interface {
	Subscribe() <-chan struct{}
	Unsubscribe(<-chan struct{})
}

const (
	// streamBatch is how many events a stream reads at a time.
	streamBatch = 500
	// streamGrace is how long, on PostgreSQL, a stream re-reads behind the
	// events it has seen: an event's seq is taken at its insert, so it may
	// commit after an event with a higher seq was read. An event that
	// commits more than this after a later one was streamed is missed.
	streamGrace = 30 * time.Second
	// maxStreamNames bounds the name filter.
	maxStreamNames = 50
)

// EventStreamFilter picks a stream's events: Names (none: every event),
// and After, a stream position (the SSE id of the last event received)
// to resume after; nil starts with the events committed from now on.
type EventStreamFilter struct {
	Names []string
	After *int64
}

// EventStream follows a merchant's event log as events are committed
// (GET /event/stream). Its position is the highest seq it has read; on
// PostgreSQL, where events can commit out of seq order, it also re-reads
// the events of the last streamGrace behind that position and skips the
// ones it sent. Not safe for concurrent use.
type EventStream struct {
	s          *Service
	merchantID string
	names      map[string]bool
	pos        int64
	// window: events may commit out of seq order (PostgreSQL). marks are
	// the positions at past reads, oldest first: marks[0] is the position
	// as of streamGrace ago (or the start), where a read begins; sent the
	// seqs above it already read.
	window bool
	marks  []streamMark
	sent   map[int64]bool
	wake   <-chan struct{}
}

type streamMark struct {
	at  time.Time
	pos int64
}

// OpenEventStream starts following merchantID's events. Close it.
// Returns EINVALID for a bad filter (name: an event name, at most 50;
// since: a stream position).
func (s *Service) OpenEventStream(ctx context.Context, merchantID string, f EventStreamFilter) (*EventStream, error) {
	errs := tender.FieldErrors{}
	names := map[string]bool{}
	for _, n := range f.Names {
		if flaw := tender.TextFlaw(n); flaw != "" || n == "" || len(n) > 100 || strings.ContainsAny(n, ", ") {
			errs.Add("name", "The name is not a valid event name.")
			break
		}
		names[n] = true
	}
	if len(names) > maxStreamNames {
		errs.Add("name", "At most 50 event names may be given.")
	}
	if f.After != nil && *f.After < 0 {
		errs.Add("since", "The since must be a stream position (the id of an event received), 0 or more.")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	es := &EventStream{s: s, merchantID: merchantID, names: names, window: s.store.Dialect() == "postgres"}
	if f.After != nil {
		es.pos = *f.After
	} else {
		pos, err := s.store.EventMaxSeq(ctx)
		if err != nil {
			return nil, err
		}
		es.pos = pos
	}
	if es.window {
		es.marks, es.sent = []streamMark{{at: time.Now(), pos: es.pos}}, map[int64]bool{}
	}
	if s.EventsCommitted != nil {
		es.wake = s.EventsCommitted.Subscribe()
	}
	return es, nil
}

// Wake receives (coalesced) when events were committed; nil when there is
// no signal, and the caller polls.
func (es *EventStream) Wake() <-chan struct{} { return es.wake }

// Position is the stream's position: the highest seq it has read.
func (es *EventStream) Position() int64 { return es.pos }

// Close stops the stream's wake-ups.
func (es *EventStream) Close() {
	if es.wake != nil {
		es.s.EventsCommitted.Unsubscribe(es.wake)
		es.wake = nil
	}
}

// Next returns the events committed since the last call that pass the
// filter, in the order read. Each one's Seq is the stream's position once
// it is received (the SSE id to resume after): its own seq, or the
// position already reached for one that committed late.
func (es *EventStream) Next(ctx context.Context) ([]*tender.LoggedEvent, error) {
	from := es.pos
	if es.window {
		now := time.Now()
		for len(es.marks) > 1 && now.Sub(es.marks[1].at) >= streamGrace {
			es.marks = es.marks[1:]
		}
		from = es.marks[0].pos
		for seq := range es.sent {
			if seq <= from {
				delete(es.sent, seq)
			}
		}
	}
	var out []*tender.LoggedEvent
	for {
		batch, err := es.s.store.EventsAfter(ctx, es.merchantID, from, streamBatch)
		if err != nil {
			return out, err
		}
		for _, le := range batch {
			from = le.Seq
			if es.window {
				if es.sent[le.Seq] {
					continue
				}
				es.sent[le.Seq] = true
			}
			es.pos = max(es.pos, le.Seq)
			if len(es.names) > 0 && !es.names[le.Event.Name] {
				continue
			}
			out = append(out, &tender.LoggedEvent{Seq: es.pos, Event: le.Event})
		}
		if len(batch) < streamBatch {
			break
		}
	}
	if es.window && es.pos != es.marks[len(es.marks)-1].pos {
		es.marks = append(es.marks, streamMark{at: time.Now(), pos: es.pos})
	}
	return out, nil
}
