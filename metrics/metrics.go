// Package metrics is Tender's business metrics on GET /metrics, beside the
// HTTP ones httpapi keeps: payments by outcome and declines by code,
// counted as the service commits them (service.PaymentObserver), and the
// backlogs (PENDING payments, webhook deliveries, the message outbox, the
// webhook relay's lag, the job queue), read from the database at scrape
// time under a short timeout. A scrape while the database is unreachable
// still answers: tender_database_up is 0 and the backlogs are left out.
package metrics

import (
	"cmp"
	"context"
	"log/slog"
	"regexp"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river/rivertype"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/service"
)

// Config configures Metrics.
type Config struct {
	Service *service.Service
	// Jobs counts the job queue's jobs by state (jobs.Client); nil leaves
	// the job figures out.
	Jobs interface {
		Depth(ctx context.Context) (map[rivertype.JobState]int, error)
	}
	// Timeout bounds a scrape's database reads (default 2 s).
	Timeout time.Duration
	// Now is the clock the backlogs' ages are measured by (the service's:
	// the sandbox clock when advanced).
	Now    func() time.Time
	Logger *slog.Logger
}

// Metrics is a prometheus.Collector and a service.PaymentObserver.
type Metrics struct {
	cfg      Config
	payments *prometheus.CounterVec
	declines *prometheus.CounterVec

	up       *prometheus.Desc
	backlogs []backlogDescs
	jobs     *prometheus.Desc
}

// backlogDescs are one backlog's two gauges: its size and its oldest
// entry's age.
type backlogDescs struct {
	count, age *prometheus.Desc
	of         func(*tender.Operations) tender.Backlog
}

var _ service.PaymentObserver = (*Metrics)(nil)

// New builds the metrics; register them on the API's registry and set them
// as the service's Payments observer.
func New(cfg Config) *Metrics {
	cfg.Timeout = cmp.Or(cfg.Timeout, 2*time.Second)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{cfg: cfg}
	m.payments = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tender_payments_total",
		Help: "Payments (charges, pre-auths, credits) whose outcome was committed, by type and outcome (approved, declined).",
	}, []string{"type", "outcome"})
	m.declines = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tender_payment_declines_total",
		Help: "Declined payments by the processor's decline code (unspecified when it gave none).",
	}, []string{"code"})
	for _, typ := range []string{tender.TxCharge, tender.TxPreAuth} {
		for _, outcome := range []string{"approved", "declined"} {
			m.payments.WithLabelValues(typ, outcome)
		}
	}
	m.up = prometheus.NewDesc("tender_database_up",
		"Whether the last scrape could read the backlogs from the database (1) or not (0).", nil, nil)
	backlog := func(name, what string, of func(*tender.Operations) tender.Backlog) backlogDescs {
		return backlogDescs{
			count: prometheus.NewDesc("tender_"+name, what+".", nil, nil),
			age:   prometheus.NewDesc("tender_"+name+"_oldest_age_seconds", "Age of the oldest of the "+lower(what)+" (0 when none).", nil, nil),
			of:    of,
		}
	}
	m.backlogs = []backlogDescs{
		backlog("transactions_pending", "Transactions PENDING (awaiting the processor's answer)",
			func(o *tender.Operations) tender.Backlog { return o.PendingTransactions }),
		backlog("webhook_deliveries_pending", "Webhook deliveries pending (a retry to come)",
			func(o *tender.Operations) tender.Backlog { return o.WebhookDeliveries }),
		backlog("messages_outbox", "Messages (email, SMS) queued or sending",
			func(o *tender.Operations) tender.Backlog { return o.Messages }),
		backlog("webhook_relay_events", "Events the webhook relay has not yet fanned out to deliveries",
			func(o *tender.Operations) tender.Backlog { return o.EventsToRelay }),
	}
	m.jobs = prometheus.NewDesc("tender_jobs", "Job queue (River) jobs still to run, by state.", []string{"state"}, nil)
	return m
}

func lower(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}

// declineCode keeps the label's values to processors' machine codes, so
// that an unexpected answer cannot make a new series per payment.
var declineCode = regexp.MustCompile(`^[a-z0-9_]{1,40}$`)

// PaymentFinalized counts a committed outcome.
func (m *Metrics) PaymentFinalized(t *tender.Transaction) {
	outcome := "approved"
	if !t.Success {
		outcome = "declined"
		code := t.DeclineCode
		switch {
		case code == "":
			code = "unspecified"
		case !declineCode.MatchString(code):
			code = "other"
		}
		m.declines.WithLabelValues(code).Inc()
	}
	m.payments.WithLabelValues(t.Type, outcome).Inc()
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	m.payments.Describe(ch)
	m.declines.Describe(ch)
	ch <- m.up
	for _, b := range m.backlogs {
		ch <- b.count
		ch <- b.age
	}
	ch <- m.jobs
}

// Collect implements prometheus.Collector: the counters, then the backlogs
// read now (under Timeout).
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.payments.Collect(ch)
	m.declines.Collect(ch)
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.Timeout)
	defer cancel()
	up := 1.0
	ops, err := m.cfg.Service.Operations(ctx)
	if err != nil {
		up = 0
		m.cfg.Logger.Warn("metrics: cannot read the backlogs", "error", err.Error())
	} else {
		now := m.cfg.Now()
		for _, b := range m.backlogs {
			v := b.of(ops)
			ch <- prometheus.MustNewConstMetric(b.count, prometheus.GaugeValue, float64(v.Count))
			ch <- prometheus.MustNewConstMetric(b.age, prometheus.GaugeValue, v.Age(now).Seconds())
		}
	}
	if m.cfg.Jobs != nil && up == 1 {
		depth, err := m.cfg.Jobs.Depth(ctx)
		if err != nil {
			up = 0
			m.cfg.Logger.Warn("metrics: cannot count the job queue", "error", err.Error())
		} else {
			for state, n := range depth {
				ch <- prometheus.MustNewConstMetric(m.jobs, prometheus.GaugeValue, float64(n), string(state))
			}
		}
	}
	ch <- prometheus.MustNewConstMetric(m.up, prometheus.GaugeValue, up)
}
