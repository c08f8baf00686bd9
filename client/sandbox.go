package client

import (
	"context"
	"time"
)

// SandboxClock is the sandbox server's clock: Now and how far it is ahead
// of the real time.
type SandboxClock struct {
	Now           Time   `json:"now"`
	OffsetSeconds int64  `json:"offset_seconds"`
	Scope         string `json:"scope"`
}

// Offset is the clock's advance as a duration.
func (s *SandboxClock) Offset() time.Duration { return time.Duration(s.OffsetSeconds) * time.Second }

// SandboxClock reads the sandbox clock.
func (c *Client) SandboxClock(ctx context.Context) (*SandboxClock, error) {
	var out SandboxClock
	return &out, c.do(ctx, call{method: "GET", path: "/sandbox/clock", out: &out})
}

// AdvanceSandboxClock moves the sandbox clock forward by a duration the
// server reads ("30d", "720h", "90m"); time-driven jobs then run.
func (c *Client) AdvanceSandboxClock(ctx context.Context, advance string) (*SandboxClock, error) {
	var out SandboxClock
	return &out, c.do(ctx, call{method: "POST", path: "/sandbox/clock", body: map[string]string{"advance": advance}, out: &out})
}

// BatchResult is how many transactions a sandbox batch settled.
type BatchResult struct {
	Settled int `json:"settled"`
}

// SettleSandboxBatch settles the sandbox merchant's open batch now.
func (c *Client) SettleSandboxBatch(ctx context.Context) (*BatchResult, error) {
	var out BatchResult
	return &out, c.do(ctx, call{method: "POST", path: "/sandbox/batch", out: &out})
}
