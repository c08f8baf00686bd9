package service

import (
	"sync"

	"github.com/tenderpay/tender"
)

// methodCacheMax bounds the payment methods held; past it one entry (the
// map's pick, in effect random) makes room.
const methodCacheMax = 2048

// heldMethod is a payment method as read for a charge: the method, its
// sealed secrets (never the plain card) and its customer.
type heldMethod struct {
	pm   *tender.PaymentMethod
	sec  *tender.PaymentMethodSecret
	cust *tender.Customer
}

// methodCache holds the live payment methods this process charged on an
// inline processor (the sandbox), so that the next charge on one need not
// read it: the charge's one statement then writes only while the method
// and its customer are still as held (store.Unchanged), and a charge that
// finds them changed by any process reads them again (Charge). It is never
// the authority: a stale entry costs a retry, not a wrong answer. Changes
// made in this process drop their entries at once (forgetCustomer).
type methodCache struct {
	mu sync.Mutex
	m  map[string]heldMethod
}

func methodKey(merchantID, id string) string { return merchantID + "/" + id }

// get returns copies of the held method, secrets and customer (callers
// may set fields on theirs), ok false when none is held.
func (c *methodCache) get(merchantID, id string) (pm *tender.PaymentMethod, sec *tender.PaymentMethodSecret, cust *tender.Customer, ok bool) {
	c.mu.Lock()
	h, ok := c.m[methodKey(merchantID, id)]
	c.mu.Unlock()
	if !ok {
		return nil, nil, nil, false
	}
	p, se, cu := *h.pm, *h.sec, *h.cust
	return &p, &se, &cu, true
}

// put holds copies of pm, sec and cust (live, as just read).
func (c *methodCache) put(pm *tender.PaymentMethod, sec *tender.PaymentMethodSecret, cust *tender.Customer) {
	p, cu, se := *pm, *cust, *sec
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]heldMethod{}
	}
	k := methodKey(pm.MerchantID, pm.ID)
	if _, held := c.m[k]; !held && len(c.m) >= methodCacheMax {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = heldMethod{pm: &p, sec: &se, cust: &cu}
}

// forget drops one payment method.
func (c *methodCache) forget(merchantID, id string) {
	c.mu.Lock()
	delete(c.m, methodKey(merchantID, id))
	c.mu.Unlock()
}

// forgetCustomer drops every payment method of a customer (the customer
// changed, or one of its methods did, which may change the others'
// is_default).
func (c *methodCache) forgetCustomer(merchantID, customerID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, h := range c.m {
		if h.cust.ID == customerID && h.pm.MerchantID == merchantID {
			delete(c.m, k)
		}
	}
}
