package notify

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// Relay delivers queued messages. Several relays (one per server process)
// may run against one database: each claims messages under a lease, so a
// message is sent by one of them, and again only if its sender died before
// recording the result (at least once).
type Relay struct {
	Store store.Store
	// Email and SMS deliver each channel; nil leaves that channel's
	// messages queued.
	Email, SMS Sender
	Logger     *slog.Logger
	Now        func() time.Time
	// Interval is how often the relay looks for due messages (default 1 s);
	// Lease how long a claimed message is reserved (default 2 min).
	Interval, Lease time.Duration
}

// ErrNoTransport is recorded on a message whose channel has no sender.
var ErrNoTransport = errors.New("no transport configured for this channel")

func (r *Relay) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

// Run delivers until ctx ends.
func (r *Relay) Run(ctx context.Context) {
	interval := r.Interval
	if interval <= 0 {
		interval = time.Second
	}
	for {
		n, err := r.Once(ctx)
		if err != nil && ctx.Err() == nil {
			r.log().Warn("message relay", "error", err.Error())
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

func (r *Relay) log() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

// Once claims and sends one batch of due messages; it returns how many it
// claimed.
func (r *Relay) Once(ctx context.Context) (int, error) {
	lease := r.Lease
	if lease <= 0 {
		lease = 2 * time.Minute
	}
	var batch []*tender.Message
	err := r.Store.InTx(ctx, func(tx store.Executor) error {
		var err error
		batch, err = tx.MessagesClaim(ctx, r.now(), lease, 20)
		return err
	})
	if err != nil {
		return 0, err
	}
	for _, m := range batch {
		sender := r.Email
		if m.Channel == tender.ChannelSMS {
			sender = r.SMS
		}
		err := ErrNoTransport
		if sender != nil {
			sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			err = sender.Send(sctx, m)
			cancel()
		}
		now := r.now()
		if err == nil {
			m.Status, m.LastError, m.SentAt = tender.MessageSent, "", tender.TimePtr(now)
			r.log().Info("message sent", "message_id", m.ID, "channel", m.Channel, "kind", m.Kind)
		} else {
			m.LastError = err.Error()
			m.Status = tender.MessageQueued
			// 30 s, 1, 2, 4 ... minutes.
			m.NextAttempt = tender.NewTime(now.Add(time.Duration(1<<min(m.Attempts, 12)) * 15 * time.Second))
			if m.Attempts >= tender.MaxMessageAttempts {
				m.Status = tender.MessageFailed
			}
			r.log().Warn("message not sent", "message_id", m.ID, "channel", m.Channel, "attempts", m.Attempts, "error", m.LastError)
		}
		if err := r.Store.MessageUpdate(ctx, m); err != nil {
			return len(batch), err
		}
	}
	return len(batch), nil
}
