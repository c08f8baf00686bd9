package service

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/gateway/processors"
)

// processorCacheTTL bounds how long an opened driver is used without
// reading its merchant again: credentials changed by another instance are
// picked up within this time (this instance's own changes at once).
const processorCacheTTL = 5 * time.Second

// processorEntry is a merchant's opened driver. version is what it was
// opened from (processor, test flag, sealed credentials: a new seal is a
// new ciphertext), so a re-read merchant reopens only when it changed.
type processorEntry struct {
	version string
	gw      gateway.Gateway // wrapped by WrapGateway
	raw     gateway.Gateway // the driver itself (a gateway.Receiver, maybe)
	name    string
	checked time.Time
}

type processorCache struct {
	mu sync.Mutex
	m  map[string]*processorEntry
}

func (c *processorCache) get(merchantID string) *processorEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[merchantID]
}

func (c *processorCache) put(merchantID string, e *processorEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > authCacheMax {
		c.m = map[string]*processorEntry{}
	}
	c.m[merchantID] = e
}

func (c *processorCache) drop(merchantID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, merchantID)
}

func credentialsAAD(merchantID string) []byte { return sealAAD("processor_credentials", merchantID) }

// noProcessor is the answer of every money route of a merchant whose
// processor cannot serve it: a 422 on the processor, before anything is
// written.
func noProcessor(msg string) error {
	return invalid("processor", msg)
}

// processorName is the processor that serves m in this server's mode, or
// the reason none does.
func (s *Service) processorName(m *tender.Merchant) (string, error) {
	name := m.Processor
	switch {
	case name == "" && s.SandboxMode:
		return tender.ProcessorSandbox, nil
	case name == "":
		return "", noProcessor("This merchant has no payment processor (processor: none); a partner sets one with PUT /merchant/{id} (processor and processor_credentials).")
	case name == tender.ProcessorSandbox && !s.SandboxMode && !m.IsTest:
		return "", noProcessor("This merchant's processor is the sandbox, which serves only test merchants outside sandbox mode; a partner sets a real processor with PUT /merchant/{id}.")
	case s.Processors == nil || !s.Processors.Known(name):
		return "", noProcessor("This merchant's processor (" + name + ") is not available on this server.")
	case name != tender.ProcessorSandbox && m.ProcessorCredentials == "":
		return "", noProcessor("This merchant's processor (" + name + ") has no credentials; a partner sets them with PUT /merchant/{id} (processor_credentials).")
	}
	return name, nil
}

// UnusableProcessor tells why m's processor cannot serve it ("" when it
// can); tender serve warns at start about such merchants.
func (s *Service) UnusableProcessor(m *tender.Merchant) string {
	if _, err := s.processorName(m); err != nil {
		return tender.ErrorMessage(err)
	}
	return ""
}

// gatewayFor returns the driver that moves merchantID's money, or a 422
// naming the missing processor. Call it before writing anything.
func (s *Service) gatewayFor(ctx context.Context, merchantID string) (gateway.Gateway, error) {
	e, err := s.processorFor(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	return e.gw, nil
}

func (s *Service) processorFor(ctx context.Context, merchantID string) (*processorEntry, error) {
	now := s.Now()
	e := s.procs.get(merchantID)
	if e != nil && now.Sub(e.checked) < processorCacheTTL {
		return e, nil
	}
	m, err := s.store.MerchantGet(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	return s.openProcessor(m, e, now)
}

// openProcessor opens (or keeps, when unchanged since old) m's driver.
func (s *Service) openProcessor(m *tender.Merchant, old *processorEntry, now time.Time) (*processorEntry, error) {
	name, err := s.processorName(m)
	if err != nil {
		s.procs.drop(m.ID)
		return nil, err
	}
	version := name + "\x00" + m.ProcessorCredentials
	if old != nil && old.version == version {
		e := *old
		e.checked = now
		s.procs.put(m.ID, &e)
		return &e, nil
	}
	creds := processors.Credentials{}
	if m.ProcessorCredentials != "" {
		plain, err := s.Vault.Open(m.ProcessorCredentials, credentialsAAD(m.ID))
		if err != nil {
			return nil, tender.Errorf(tender.EINTERNAL, "merchant %s: the vault could not open its processor credentials", m.ID)
		}
		if err := json.Unmarshal(plain, &creds); err != nil {
			return nil, tender.Errorf(tender.EINTERNAL, "merchant %s: its processor credentials are not an object", m.ID)
		}
	}
	raw, err := s.Processors.Open(name, creds)
	if err != nil {
		// The registry's errors never hold the credentials.
		s.log().Warn("processor: open failed", "merchant_id", m.ID, "processor", name, "error", err.Error())
		return nil, noProcessor("This merchant's processor (" + name + ") refused its configuration; a partner sets new credentials with PUT /merchant/{id}.")
	}
	e := &processorEntry{version: version, gw: raw, raw: raw, name: name, checked: now}
	if s.WrapGateway != nil {
		e.gw = s.WrapGateway(raw)
	}
	s.procs.put(m.ID, e)
	return e, nil
}

// setProcessor validates and applies in's processor and credentials to m,
// sealing the credentials. Credentials sent without a processor apply to
// m's current one; a new processor without credentials keeps none.
func (s *Service) setProcessor(m *tender.Merchant, in *tender.MerchantInput, before string) error {
	errs := tender.FieldErrors{}
	name := m.Processor
	if name != "" && (s.Processors == nil || !s.Processors.Known(name)) {
		known := []string{}
		if s.Processors != nil {
			known = s.Processors.Names()
		}
		errs.Add("processor", "The selected processor is invalid (known: "+joinNames(known)+").")
		return errs.Err()
	}
	switch {
	case in.ProcessorCredentials != nil && name == "":
		errs.Add("processor_credentials", "Credentials need a processor.")
	case in.ProcessorCredentials != nil:
		fields := s.Processors.Fields(name)
		creds := processors.Credentials{}
		for k, v := range in.ProcessorCredentials {
			if !contains(fields, k) {
				errs.Add("processor_credentials."+k, "The "+name+" processor takes no such credential.")
				continue
			}
			if len(v) > 500 {
				errs.Add("processor_credentials."+k, "The credential may not be greater than 500 characters.")
			}
			creds[k] = v
		}
		for _, f := range s.Processors.Missing(name, creds) {
			errs.Add("processor_credentials."+f, "The "+f+" field is required for the "+name+" processor.")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if len(fields) == 0 {
			m.ProcessorCredentials = ""
			break
		}
		plain, _ := json.Marshal(creds)
		sealed, err := s.Vault.Seal(plain, credentialsAAD(m.ID))
		if err != nil {
			return errors.New("processor credentials: the vault could not seal them")
		}
		m.ProcessorCredentials = sealed
	case name != before:
		// Another processor's credentials never carry over.
		m.ProcessorCredentials = ""
	}
	if err := errs.Err(); err != nil {
		return err
	}
	m.SetProcessorConfigured()
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

// supports is the pre-flight check of a payment: the 422 naming the
// processor when gw does not offer op on method, asked before anything is
// written (nil when it does).
func supports(gw gateway.Gateway, op gateway.Op, method string) error {
	if err := gw.Supports(op, method); err != nil {
		if refused := unsupported(err); refused != nil {
			return refused
		}
		return err
	}
	return nil
}

// unsupported turns a driver's UnsupportedError into the 422 the client
// gets; nil for any other error.
func unsupported(err error) error {
	var u *gateway.UnsupportedError
	if errors.As(err, &u) {
		return invalid("processor", u.Error()+".")
	}
	return nil
}

// declineUnsupported turns a driver's UnsupportedError (returned before
// the processor was called) into a decline of the PENDING transaction, so
// that it is closed rather than left to the janitor, and the 422 the
// client gets instead of the transaction. The money routes ask Supports
// before writing anything, so this happens only to a payment written
// before its merchant's processor changed (a queued terminal request) or
// to a driver whose calls disagree with its Supports.
func declineUnsupported(res *gateway.Result, err error) (*gateway.Result, error, error) {
	refused := unsupported(err)
	if refused == nil {
		return res, err, nil
	}
	var u *gateway.UnsupportedError
	errors.As(err, &u)
	return &gateway.Result{Message: u.Error() + ".", DeclineCode: "unsupported"}, nil, refused
}

// GatewayFor is the driver serving merchantID (wrapped as the service uses
// it), or the 422 its money routes answer.
func (s *Service) GatewayFor(ctx context.Context, merchantID string) (gateway.Gateway, error) {
	return s.gatewayFor(ctx, merchantID)
}
