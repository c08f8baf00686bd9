package service

import (
	"sync"
	"time"

	"github.com/tenderpay/tender"
)

// authCacheTTL bounds how long a resolved key is trusted without asking the
// database: merchant changes made by another process (features, status)
// are seen within this time; this process's own changes at once.
const authCacheTTL = 5 * time.Second

// authCacheMax bounds the cache; past it the cache starts over.
const authCacheMax = 10_000

type authEntry struct {
	p       *tender.Principal
	expires time.Time
}

// authCache maps a key's hash to its principal. Only successful lookups
// are cached, so a bad key costs a query every time (and is throttled).
type authCache struct {
	mu sync.Mutex
	m  map[string]authEntry
}

func (c *authCache) get(hash string, now time.Time) *tender.Principal {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || !now.Before(e.expires) {
		return nil
	}
	return e.p
}

func (c *authCache) put(hash string, p *tender.Principal, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= authCacheMax {
		c.m = map[string]authEntry{}
	}
	c.m[hash] = authEntry{p: p, expires: until}
}

// clear forgets every entry (after a merchant changed).
func (c *authCache) clear() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

// forget drops one key (revoked in this process).
func (c *authCache) forget(hash string) {
	c.mu.Lock()
	delete(c.m, hash)
	c.mu.Unlock()
}
