package server

import (
	"context"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/gateway/processors"
	"github.com/tenderpay/tender/gateway/sandbox"
	"github.com/tenderpay/tender/gateway/stripe"
	"github.com/tenderpay/tender/store"
)

// processors is the registry of the processors merchants may name. Adding
// a processor is its driver package and one Register line here.
func (s *Server) processors() *processors.Registry { return Processors(s.Store, s.cfg) }

// Processors is the registry a server on st with cfg uses (the CLI checks
// and seals merchants' processor settings with it).
func Processors(st store.Store, cfg Config) *processors.Registry {
	cfg.defaults()
	r := processors.New()
	deps := processors.Deps{Store: st, Now: cfg.Now}
	r.Register(processors.Processor{Name: tender.ProcessorSandbox,
		Open: func(_ processors.Credentials, d processors.Deps) (gateway.Gateway, error) {
			return sandbox.New(d.Store, d.Now), nil
		}}, deps)
	r.Register(processors.Processor{Name: "stripe", Fields: []string{"secret_key", "webhook_secret"},
		Open: func(c processors.Credentials, d processors.Deps) (gateway.Gateway, error) {
			return stripe.New(stripe.Config{SecretKey: c["secret_key"], WebhookSecret: c["webhook_secret"], BaseURL: d.BaseURL})
		}}, processors.Deps{BaseURL: cfg.StripeBaseURL})
	for _, p := range cfg.Processors {
		r.Register(p, deps)
	}
	return r
}

// warnUnusableProcessors logs, at start outside sandbox mode, the merchants
// whose money routes will be refused for want of a usable processor.
func (s *Server) warnUnusableProcessors(ctx context.Context) error {
	var ids []string
	for page := 1; ; page++ {
		p, err := s.Store.MerchantList(ctx, "", tender.ListParams{Page: page, PerPage: 200, Sort: "created_at"})
		if err != nil {
			return err
		}
		for _, m := range p.Items {
			if why := s.Service.UnusableProcessor(m); why != "" && m.Status == "ACTIVE" {
				ids = append(ids, m.ID+" ("+why+")")
			}
		}
		if len(p.Items) < 200 {
			break
		}
	}
	if len(ids) > 0 {
		s.cfg.Logger.Warn("merchants without a usable payment processor: their payments are refused until a partner sets one (PUT /merchant/{id} or tender merchant update)",
			"count", len(ids), "merchants", strings.Join(ids, "; "))
	}
	return nil
}
