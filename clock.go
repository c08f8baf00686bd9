package tender

import (
	"sync"
	"time"
)

// Clock is the server's one clock: a base clock (the wall clock, or a
// test's) plus an offset that only a sandbox server moves forward
// (POST /sandbox/clock). Every time-driven job reads it: schedules,
// settlement and terminal batches, webhook retries (River reads it through
// Now and NowOrNil, its rivertype.TimeGenerator), message reminders and
// token expiry. Request budgets (rate limits) and network deadlines stay
// on the wall clock. One Clock serves the whole process, every merchant.
type Clock struct {
	base func() time.Time

	mu      sync.Mutex
	offset  time.Duration
	changed chan struct{}
}

// NewClock returns a Clock on base (nil: time.Now) with no offset.
func NewClock(base func() time.Time) *Clock {
	if base == nil {
		base = time.Now
	}
	return &Clock{base: base, changed: make(chan struct{})}
}

// Now is the base time plus the offset. It keeps the monotonic reading of
// time.Now, so durations measured on it stay right.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	off := c.offset
	c.mu.Unlock()
	return c.base().Add(off)
}

// NowOrNil is Now once the clock has been advanced, nil before: River then
// keeps using the database's own now().
func (c *Clock) NowOrNil() *time.Time {
	c.mu.Lock()
	off := c.offset
	c.mu.Unlock()
	if off == 0 {
		return nil
	}
	t := c.base().Add(off).UTC()
	return &t
}

// Offset is how far the clock has been advanced.
func (c *Clock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

// Advance moves the clock forward by d (> 0) and wakes whatever waits on
// Changed. It returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	c.offset += d
	close(c.changed)
	c.changed = make(chan struct{})
	off := c.offset
	c.mu.Unlock()
	return c.base().Add(off)
}

// Changed is closed at the next Advance: a job that sleeps until a time of
// this clock selects on it too, and recomputes its wait.
func (c *Clock) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed
}

// MaxClockAdvance bounds one advance of the sandbox clock (ten years).
const MaxClockAdvance = 10 * 365 * 24 * time.Hour

// ParseAdvance reads a clock advance: a Go duration ("720h", "90m"), a
// number of days ("30d"), or whole seconds ("3600"). It must be positive
// and at most MaxClockAdvance.
func ParseAdvance(s string) (time.Duration, bool) {
	var d time.Duration
	switch {
	case s == "":
		return 0, false
	case s[len(s)-1] == 'd':
		n, ok := atoiPositive(s[:len(s)-1])
		if !ok || n > int64(MaxClockAdvance/(24*time.Hour)) {
			return 0, false
		}
		d = time.Duration(n) * 24 * time.Hour
	default:
		if n, ok := atoiPositive(s); ok {
			if n > int64(MaxClockAdvance/time.Second) {
				return 0, false
			}
			d = time.Duration(n) * time.Second
			break
		}
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, false
		}
	}
	return d, d > 0 && d <= MaxClockAdvance
}

func atoiPositive(s string) (int64, bool) {
	if s == "" || len(s) > 12 {
		return 0, false
	}
	var n int64
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int64(r-'0')
	}
	return n, true
}
