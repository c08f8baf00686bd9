// Package ratelimit throttles requests per key (a client IP) with GCRA, the
// generic cell rate algorithm: each key has a theoretical arrival time (TAT)
// that moves forward by Period/Rate per request; a request is allowed while
// the TAT is at most Burst intervals ahead of now. Memory keeps TATs in the
// process; Redis keeps them in Redis (go-redis/redis_rate's Lua script), so
// several server processes spend one shared budget.
package ratelimit

import (
	"context"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Limit is Rate requests per Period with bursts up to Burst (default Rate).
type Limit struct {
	Rate   int
	Period time.Duration
	Burst  int
}

func (l Limit) burst() int {
	if l.Burst > 0 {
		return l.Burst
	}
	return l.Rate
}

// Result of one Allow call.
type Result struct {
	Allowed    bool
	Limit      int           // requests per period
	Remaining  int           // requests left now
	RetryAfter time.Duration // when refused: until one request is allowed
	ResetAfter time.Duration // until the full budget is back
}

// Limiter spends one request of key's budget under l.
type Limiter interface {
	Allow(ctx context.Context, key string, l Limit) (Result, error)
}

// Memory is an in-process GCRA limiter. Idle keys are swept, so a flood of
// distinct keys cannot grow memory without bound.
type Memory struct {
	now       func() time.Time
	mu        sync.Mutex
	tat       map[string]time.Time
	lastSweep time.Time
}

// NewMemory returns an in-memory limiter on the clock now (nil: time.Now).
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{now: now, tat: map[string]time.Time{}}
}

// Allow implements Limiter.
func (m *Memory) Allow(_ context.Context, key string, l Limit) (Result, error) {
	if l.Rate <= 0 || l.Period <= 0 {
		return Result{Allowed: true}, nil
	}
	now := m.now()
	interval := l.Period / time.Duration(l.Rate)
	window := interval * time.Duration(l.burst())

	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
	tat, ok := m.tat[key]
	if !ok || tat.Before(now) {
		tat = now
	}
	next := tat.Add(interval)
	allowAt := next.Add(-window)
	res := Result{Limit: l.Rate}
	if now.Before(allowAt) {
		res.RetryAfter = allowAt.Sub(now)
		res.ResetAfter = tat.Sub(now)
		res.Remaining = 0
		return res, nil
	}
	m.tat[key] = next
	res.Allowed = true
	res.ResetAfter = next.Sub(now)
	res.Remaining = int((window - next.Sub(now)) / interval)
	return res, nil
}

// sweep drops keys whose TAT has passed (their budget is full again, so
// forgetting them changes nothing). It runs at most once a second.
func (m *Memory) sweep(now time.Time) {
	if now.Sub(m.lastSweep) < time.Second && len(m.tat) < 100_000 {
		return
	}
	m.lastSweep = now
	for k, t := range m.tat {
		if !t.After(now) {
			delete(m.tat, k)
		}
	}
}

// Len is the number of keys tracked (for tests and metrics).
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.tat)
}

// Redis is a GCRA limiter shared through Redis.
type Redis struct {
	limiter *redis_rate.Limiter
	prefix  string
}

// NewRedis returns a limiter storing its state in client's Redis.
func NewRedis(client redis.UniversalClient) *Redis {
	return &Redis{limiter: redis_rate.NewLimiter(client), prefix: "tender:rl:"}
}

// Allow implements Limiter.
func (r *Redis) Allow(ctx context.Context, key string, l Limit) (Result, error) {
	if l.Rate <= 0 || l.Period <= 0 {
		return Result{Allowed: true}, nil
	}
	res, err := r.limiter.Allow(ctx, r.prefix+key, redis_rate.Limit{Rate: l.Rate, Period: l.Period, Burst: l.burst()})
	if err != nil {
		return Result{}, err
	}
	out := Result{Allowed: res.Allowed > 0, Limit: l.Rate, Remaining: res.Remaining, ResetAfter: res.ResetAfter}
	if !out.Allowed {
		out.RetryAfter = res.RetryAfter
	}
	return out, nil
}
