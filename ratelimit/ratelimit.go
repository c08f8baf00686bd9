// Package ratelimit throttles requests per key (a client IP) with a sliding
// log: a key may spend at most Rate requests in any Period, whichever
// Period one looks at. Stax documents "150 requests per minute per IP"; a
// token bucket (burst, then refill) lets about twice that through over a
// minute, a sliding log never more than 150. Memory keeps each key's log
// in the process; Redis keeps it in a sorted set, spent by one Lua script
// on Redis's own clock, so several server processes share one budget.
package ratelimit

import (
	"context"
	_ "embed"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Limit is at most Rate requests in any Period.
type Limit struct {
	Rate   int
	Period time.Duration
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

// Memory is an in-process sliding-log limiter. Idle keys are swept, so a
// flood of distinct keys cannot grow memory without bound.
type Memory struct {
	now       func() time.Time
	mu        sync.Mutex
	logs      map[string]*log
	lastSweep time.Time
}

// log holds the times of a key's last (up to Rate) allowed requests, oldest
// first, in a ring.
type log struct {
	at     []time.Time
	start  int // index of the oldest
	period time.Duration
}

func (g *log) oldest() time.Time { return g.at[g.start] }
func (g *log) newest() time.Time { return g.at[(g.start+len(g.at)-1)%len(g.at)] }

// NewMemory returns an in-memory limiter on the clock now (nil: time.Now).
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{now: now, logs: map[string]*log{}}
}

// Allow implements Limiter.
func (m *Memory) Allow(_ context.Context, key string, l Limit) (Result, error) {
	if l.Rate <= 0 || l.Period <= 0 {
		return Result{Allowed: true}, nil
	}
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
	g := m.logs[key]
	if g == nil || g.period != l.Period || cap(g.at) != l.Rate {
		g = &log{at: make([]time.Time, 0, l.Rate), period: l.Period}
		m.logs[key] = g
	}
	res := Result{Limit: l.Rate, ResetAfter: l.Period}
	switch {
	case len(g.at) < l.Rate:
		g.at = append(g.at, now)
	case g.oldest().Add(l.Period).After(now):
		// Full, and the oldest request has not left the window yet.
		res.RetryAfter = g.oldest().Add(l.Period).Sub(now)
		res.ResetAfter = g.newest().Add(l.Period).Sub(now)
		return res, nil
	default:
		g.at[g.start] = now
		g.start = (g.start + 1) % len(g.at)
	}
	res.Allowed = true
	res.Remaining = l.Rate
	for _, t := range g.at {
		if t.Add(l.Period).After(now) {
			res.Remaining--
		}
	}
	return res, nil
}

// sweep drops keys whose newest request has left its window (their budget
// is full again, so forgetting them changes nothing). It runs at most once
// a second.
func (m *Memory) sweep(now time.Time) {
	if now.Sub(m.lastSweep) < time.Second && len(m.logs) < 100_000 {
		return
	}
	m.lastSweep = now
	for k, g := range m.logs {
		if len(g.at) == 0 || !g.newest().Add(g.period).After(now) {
			delete(m.logs, k)
		}
	}
}

// Len is the number of keys tracked (for tests and metrics).
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.logs)
}

// Redis is a sliding-log limiter shared through Redis.
type Redis struct {
	client redis.UniversalClient
	prefix string
	seq    atomic.Uint64
	nonce  string
}

//go:embed sliding_log.lua
var slidingLogSource string

var slidingLog = redis.NewScript(slidingLogSource)

// NewRedis returns a limiter storing its state in client's Redis.
func NewRedis(client redis.UniversalClient) *Redis {
	return &Redis{client: client, prefix: "tender:rl:",
		nonce: strconv.FormatInt(time.Now().UnixNano(), 36)}
}

// Allow implements Limiter.
func (r *Redis) Allow(ctx context.Context, key string, l Limit) (Result, error) {
	if l.Rate <= 0 || l.Period <= 0 {
		return Result{Allowed: true}, nil
	}
	// The member must be unique per request: two requests in one
	// microsecond are two entries.
	member := r.nonce + ":" + strconv.FormatUint(r.seq.Add(1), 36)
	v, err := slidingLog.Run(ctx, r.client, []string{r.prefix + key},
		l.Rate, l.Period.Microseconds(), member).Int64Slice()
	if err != nil {
		return Result{}, err
	}
	out := Result{Allowed: v[0] == 1, Limit: l.Rate, Remaining: int(v[1]),
		ResetAfter: time.Duration(v[3]) * time.Microsecond}
	if !out.Allowed {
		out.RetryAfter = time.Duration(v[2]) * time.Microsecond
	}
	return out, nil
}
