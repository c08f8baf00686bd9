package ratelimit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestMemorySlidingLog(t *testing.T) {
	t.Parallel()
	for _, l := range []Limit{{Rate: 150, Period: time.Minute}, {Rate: 10, Period: time.Minute}, {Rate: 5, Period: time.Second}} {
		t.Run(fmt.Sprintf("%d per %v", l.Rate, l.Period), func(t *testing.T) {
			t.Parallel()
			c := &clock{t: time.Unix(1_700_000_000, 0)}
			m := NewMemory(c.now)
			ctx := context.Background()
			for i := range l.Rate {
				r, _ := m.Allow(ctx, "ip", l)
				if !r.Allowed || r.Remaining != l.Rate-i-1 {
					t.Fatalf("request %d: %+v", i+1, r)
				}
			}
			r, _ := m.Allow(ctx, "ip", l)
			if r.Allowed || r.RetryAfter != l.Period {
				t.Fatalf("over budget: %+v, want refused until the first request leaves the window (%v)", r, l.Period)
			}
			if r, _ := m.Allow(ctx, "other", l); !r.Allowed {
				t.Fatal("other key refused")
			}
			// A token bucket would let one more through after Period/Rate;
			// the window still holds Rate requests until Period has passed.
			c.add(l.Period - time.Nanosecond)
			if r, _ := m.Allow(ctx, "ip", l); r.Allowed || r.RetryAfter != time.Nanosecond {
				t.Fatalf("just before the window moves: %+v", r)
			}
			c.add(time.Nanosecond)
			for i := range l.Rate {
				if r, _ := m.Allow(ctx, "ip", l); !r.Allowed {
					t.Fatalf("request %d of the next window refused", i+1)
				}
			}
		})
	}
}

// TestNoMinuteHoldsMoreThanRate: random arrivals (bursts and trickles) for
// ten minutes; among the allowed requests, no window of one Period holds
// more than Rate, and a client that keeps asking gets Rate in each Period.
func TestNoMinuteHoldsMoreThanRate(t *testing.T) {
	t.Parallel()
	l := Limit{Rate: 150, Period: time.Minute}
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	m := NewMemory(c.now)
	rng := rand.New(rand.NewPCG(1, 2))
	var allowed []time.Time
	start := c.now()
	for c.now().Sub(start) < 10*time.Minute {
		if rng.IntN(100) == 0 {
			c.add(time.Duration(rng.IntN(20)) * time.Second) // a pause
		} else {
			c.add(time.Duration(rng.IntN(200)) * time.Millisecond)
		}
		if r, _ := m.Allow(context.Background(), "ip", l); r.Allowed {
			allowed = append(allowed, c.now())
		}
	}
	for i := range allowed {
		j := i
		for j < len(allowed) && allowed[j].Sub(allowed[i]) < l.Period {
			j++
		}
		if j-i > l.Rate {
			t.Fatalf("%d requests allowed in the minute from %v", j-i, allowed[i].Sub(start))
		}
	}
	if len(allowed) < 9*l.Rate {
		t.Fatalf("only %d allowed over ten busy minutes", len(allowed))
	}
}

func TestMemoryConcurrentAndBounded(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	m := NewMemory(c.now)
	l := Limit{Rate: 100, Period: time.Minute}
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if r, _ := m.Allow(context.Background(), "shared", l); r.Allowed {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if allowed != 100 {
		t.Fatalf("allowed %d of 400 concurrent requests, want 100", allowed)
	}
	for i := range 5000 {
		m.Allow(context.Background(), fmt.Sprint("ip-", i), l)
	}
	c.add(2 * time.Minute)
	m.Allow(context.Background(), "late", l)
	if n := m.Len(); n != 1 {
		t.Fatalf("%d keys kept after they went idle, want 1", n)
	}
}

func redisClient(t *testing.T) *redis.Client {
	t.Helper()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		if os.Getenv("CI") == "true" {
			t.Fatalf("Redis unreachable at %s: %v", url, err)
		}
		t.Skipf("Redis unreachable at %s: %v", url, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestRedisSharedBudget: two limiters on two connections (as two server
// processes would have) spend one budget.
func TestRedisSharedBudget(t *testing.T) {
	t.Parallel()
	a, b := NewRedis(redisClient(t)), NewRedis(redisClient(t))
	key := fmt.Sprintf("test:%d", rand.Int64())
	l := Limit{Rate: 10, Period: time.Minute}
	allowed := 0
	var last Result
	for i := range 16 {
		lim := a
		if i%2 == 1 {
			lim = b
		}
		r, err := lim.Allow(context.Background(), key, l)
		if err != nil {
			t.Fatal(err)
		}
		if r.Allowed {
			allowed++
		}
		last = r
	}
	if allowed != 10 {
		t.Fatalf("allowed %d, want 10 across both", allowed)
	}
	// Refused until the first request leaves its minute.
	if last.Allowed || last.RetryAfter <= 50*time.Second || last.RetryAfter > time.Minute {
		t.Fatalf("last = %+v", last)
	}
}
