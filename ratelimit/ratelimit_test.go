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

func TestMemoryGCRA(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		limit Limit
	}{
		{"150 per minute", Limit{Rate: 150, Period: time.Minute}},
		{"10 per minute", Limit{Rate: 10, Period: time.Minute}},
		{"5 per second burst 2", Limit{Rate: 5, Period: time.Second, Burst: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := &clock{t: time.Unix(1_700_000_000, 0)}
			m := NewMemory(c.now)
			ctx := context.Background()
			for i := range tc.limit.burst() {
				r, _ := m.Allow(ctx, "ip", tc.limit)
				if !r.Allowed {
					t.Fatalf("request %d refused", i+1)
				}
				if r.Remaining != tc.limit.burst()-i-1 {
					t.Fatalf("request %d: remaining %d", i+1, r.Remaining)
				}
			}
			r, _ := m.Allow(ctx, "ip", tc.limit)
			interval := tc.limit.Period / time.Duration(tc.limit.Rate)
			if r.Allowed || r.RetryAfter != interval {
				t.Fatalf("over budget: %+v, want refused with RetryAfter %v", r, interval)
			}
			// Another key is independent.
			if r, _ := m.Allow(ctx, "other", tc.limit); !r.Allowed {
				t.Fatal("other key refused")
			}
			// One interval later exactly one more request is allowed.
			c.add(interval)
			if r, _ := m.Allow(ctx, "ip", tc.limit); !r.Allowed {
				t.Fatal("refused after refill")
			}
			if r, _ := m.Allow(ctx, "ip", tc.limit); r.Allowed {
				t.Fatal("allowed two after one interval")
			}
			// After a whole period the full burst is back.
			c.add(tc.limit.Period)
			for range tc.limit.burst() {
				if r, _ := m.Allow(ctx, "ip", tc.limit); !r.Allowed {
					t.Fatal("full budget not restored")
				}
			}
		})
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
	if last.Allowed || last.RetryAfter <= 0 || last.RetryAfter > 6*time.Second+time.Millisecond {
		t.Fatalf("last = %+v", last)
	}
}
