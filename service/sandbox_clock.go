package service

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/tenderpay/tender"
)

// ClockInput is the body of POST /sandbox/clock: advance is a duration
// ("720h", "30d", "90m") or a whole number of seconds (3600 or "3600").
type ClockInput struct {
	Advance json.RawMessage `json:"advance"`
}

// ClockView is the sandbox clock: its time, how far it runs ahead of the
// wall clock, and whether it is the server's (every merchant's) clock.
type ClockView struct {
	Now           tender.Time `json:"now"`
	OffsetSeconds int64       `json:"offset_seconds"`
	Scope         string      `json:"scope"`
}

// sandboxClock answers whether m may read or move the clock: only on a
// sandbox server (404 elsewhere, as though the route did not exist), and
// only a sandbox merchant (403).
func (s *Service) sandboxClock(m *tender.Merchant) error {
	if !s.SandboxMode || s.Clock == nil {
		return tender.Errorf(tender.ENOTFOUND, "The sandbox clock exists only on a server run in sandbox mode.")
	}
	if !m.Sandbox {
		return tender.Errorf(tender.EFORBIDDEN, "Only sandbox merchants can use the sandbox clock.")
	}
	return nil
}

// SandboxClock is the clock as m sees it.
func (s *Service) SandboxClock(m *tender.Merchant) (*ClockView, error) {
	if err := s.sandboxClock(m); err != nil {
		return nil, err
	}
	return s.clockView(s.Clock.Now()), nil
}

// AdvanceClock moves the server's clock forward: schedules, settlement,
// webhook retries, message reminders and token expiry then act as at the
// new time, at once (the jobs wake on the advance).
func (s *Service) AdvanceClock(ctx context.Context, m *tender.Merchant, in *ClockInput) (*ClockView, error) {
	if err := s.sandboxClock(m); err != nil {
		return nil, err
	}
	d, ok := parseAdvance(in.Advance)
	if !ok {
		errs := tender.FieldErrors{}
		errs.Add("advance", "The advance must be a positive duration of at most ten years, such as \"720h\", \"30d\" or a number of seconds.")
		return nil, errs.Err()
	}
	now := s.Clock.Advance(d)
	s.log().InfoContext(ctx, "sandbox clock advanced", "merchant_id", m.ID, "advance", d.String(), "offset", s.Clock.Offset().String())
	return s.clockView(now), nil
}

func (s *Service) clockView(now time.Time) *ClockView {
	return &ClockView{Now: tender.NewTime(now), OffsetSeconds: int64(s.Clock.Offset() / time.Second), Scope: "server"}
}

func parseAdvance(raw json.RawMessage) (time.Duration, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] == 'n' {
		return 0, false
	}
	if raw[0] == '"' {
		var v string
		if json.Unmarshal(raw, &v) != nil {
			return 0, false
		}
		return tender.ParseAdvance(v)
	}
	// A JSON number: whole seconds only.
	return tender.ParseAdvance(string(raw))
}
