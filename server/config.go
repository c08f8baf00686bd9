// Configuration: the server's settings, their defaults (written once here;
// the serve command's flags start from them) and the keyring they name.

package server

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/gateway/processors"
	"github.com/tenderpay/tender/jobs"
	"github.com/tenderpay/tender/notify"
	"github.com/tenderpay/tender/service"
	"github.com/tenderpay/tender/vault"
)

// Config configures a server. The zero value (plus defaults) is a sandbox on
// SQLite in ./tender-data listening on :8080.
type Config struct {
	Addr        string // listen address, default ":8080"
	DataDir     string // SQLite file, sandbox keys; default "tender-data"
	DatabaseURL string // postgres://... selects PostgreSQL; "" or sqlite:PATH selects SQLite
	// DatabaseListenURL is where, on PostgreSQL, jobs and the webhook relay
	// LISTEN for work ("": DatabaseURL; "off": they poll only). Through
	// PgBouncer in transaction pooling mode give a direct URL, or "off".
	DatabaseListenURL string
	// DatabaseReplicaURL, on PostgreSQL, is a streaming read replica that
	// serves reports and lists (read-only; no migrations or jobs on it),
	// behind a per-merchant read-your-writes fence; "" reads everything
	// from DatabaseURL. See docs/scaling.md.
	DatabaseReplicaURL string
	RedisURL           string // shares throttling budgets across instances when set
	// Sandbox enables the sandbox merchant bootstrap (and, later, the sandbox
	// processor and routes). Default true via the CLI.
	Sandbox bool
	// RateLimit is requests per minute per client IP on API routes: 0 means
	// the default 150, negative disables throttling.
	RateLimit int
	// WebRateLimit and WebPayRateLimit are the per-IP budgets per minute
	// of the Stax.js routes and of payments made through them (and on the
	// hosted invoice page): 0 means the defaults 10 and 5, negative
	// disables.
	WebRateLimit, WebPayRateLimit int
	// PairRateLimit is the budget of device pairing attempts per client IP
	// per 10 minutes (default DefaultPairRateLimit; -1 turns the pairing
	// budgets off, as for tests that pair many simulators from one host).
	PairRateLimit int
	// AccountRateLimit is the budget of the password-reset routes per
	// client IP per 10 minutes (default DefaultAccountRateLimit; -1 turns
	// it and the per-email budget off); POST /forgot also has a budget of
	// DefaultForgotEmailRateLimit per email per 10 minutes.
	AccountRateLimit int
	// Signup is "open" (POST /self creates a merchant; the default in
	// sandbox mode) or "closed" (the default otherwise: 403).
	Signup     string
	PublicURL  string
	TrustProxy bool
	// MetricsToken, when set, is the bearer token GET /metrics requires
	// (MetricsTokenFile: a file holding it).
	MetricsToken, MetricsTokenFile string
	// DBMaxConns sizes the PostgreSQL pool.
	DBMaxConns int
	Logger     *slog.Logger
	// Out receives the sandbox banner (default os.Stdout); nil-safe.
	Out io.Writer
	// Now is the clock (tests inject one).
	Now             func() time.Time
	ShutdownTimeout time.Duration
	Version         string

	// MasterKey is the vault keyring ("kid:base64,..."); MasterKeyFile a
	// file holding it. Sandbox mode without either keeps one in
	// DataDir/master.key.
	MasterKey     string
	MasterKeyFile string
	// GatewayTimeout bounds each processor call (default 15 s).
	GatewayTimeout time.Duration
	// WrapGateway, when set, wraps every merchant's processor driver
	// (tests use it to act while the processor holds its answer).
	WrapGateway func(gateway.Gateway) gateway.Gateway
	// StripeBaseURL points the stripe processor at another API address
	// (stripe-mock, a test double); "" for Stripe's.
	StripeBaseURL string
	// Processors are registered besides the built-in ones (tests add
	// doubles).
	Processors []processors.Processor
	// JanitorInterval is how often pending transactions are resolved
	// (default 30 s); a transaction is resolved once it is older than
	// twice the gateway timeout.
	JanitorInterval time.Duration
	// SettleAt is the daily batch time, "HH:MM" UTC (default "02:00").
	SettleAt string
	// WebhookTimeout bounds one delivery attempt (default 10 s);
	// WebhookPollInterval is how often idle delivery workers look for work
	// (default 250 ms); WebhookAllowHosts may be private-network targets
	// outside sandbox mode.
	WebhookTimeout      time.Duration
	WebhookPollInterval time.Duration
	WebhookAllowHosts   []string
	// SMTPURL sends email (invoices, receipts) through an SMTP server
	// (see notify.NewSMTP); without it, messages are kept in the outbox
	// (GET /sandbox/outbox). SMS delivers text messages; nil keeps them in
	// the outbox too.
	SMTPURL string
	SMS     notify.Sender
	// ScheduleInterval is how often scheduled invoices are checked for due
	// occurrences (default 1 min).
	ScheduleInterval time.Duration
	// MessageInterval is how often the message relay looks for due
	// messages (default 1 s).
	MessageInterval time.Duration
	// TerminalWait is how long a synchronous terminal request waits for
	// the device (default 60 s).
	TerminalWait time.Duration
	// MaxFileBytes bounds an uploaded file (POST /file, PUT /file/{id});
	// default 10 MiB.
	MaxFileBytes int64
	// ListPositionInterval is how often new transactions get their list
	// positions (default 250 ms; see Service.AssignListPositions).
	ListPositionInterval time.Duration
	// ReadHeaderTimeout drops clients that send headers too slowly
	// (slowloris); default 10 s.
	ReadHeaderTimeout time.Duration
}

// DefaultRateLimit is Stax's documented API budget per IP per minute.
const DefaultRateLimit = 150

// Stax.js budgets per IP per minute: its routes, and pay().
const (
	DefaultWebRateLimit    = 10
	DefaultWebPayRateLimit = 5
	// DefaultPairRateLimit: device pairing attempts per IP per 10 minutes.
	DefaultPairRateLimit = 10
	// DefaultAccountRateLimit: password-reset requests per IP per 10
	// minutes; DefaultForgotEmailRateLimit: reset emails asked for one
	// address per 10 minutes.
	DefaultAccountRateLimit     = 30
	DefaultForgotEmailRateLimit = 5
)

// Defaults are the settings a zero field of Config takes, written once:
// the serve command's flags start from them and New fills a zero field
// from them (the packages behind them keep the same values as their own
// fallbacks, for callers that build them directly).
func Defaults() Config {
	return Config{
		Addr: ":8080", DataDir: "tender-data",
		RateLimit: DefaultRateLimit, WebRateLimit: DefaultWebRateLimit, WebPayRateLimit: DefaultWebPayRateLimit,
		AccountRateLimit: DefaultAccountRateLimit, PairRateLimit: DefaultPairRateLimit,
		ShutdownTimeout: 20 * time.Second, ReadHeaderTimeout: 10 * time.Second,
		GatewayTimeout: service.DefaultGatewayTimeout, JanitorInterval: 30 * time.Second,
		WebhookTimeout: 10 * time.Second, WebhookPollInterval: 250 * time.Millisecond,
		ScheduleInterval: time.Minute, MessageInterval: time.Second, ListPositionInterval: 250 * time.Millisecond,
		TerminalWait: 60 * time.Second, SettleAt: "02:00",
		MaxFileBytes: tender.DefaultMaxFileBytes, DBMaxConns: 20,
	}
}

func (c *Config) defaults() {
	d := Defaults()
	c.Addr, c.DataDir = cmp.Or(c.Addr, d.Addr), cmp.Or(c.DataDir, d.DataDir)
	c.RateLimit, c.WebRateLimit = cmp.Or(c.RateLimit, d.RateLimit), cmp.Or(c.WebRateLimit, d.WebRateLimit)
	c.WebPayRateLimit, c.AccountRateLimit = cmp.Or(c.WebPayRateLimit, d.WebPayRateLimit), cmp.Or(c.AccountRateLimit, d.AccountRateLimit)
	c.PairRateLimit = cmp.Or(c.PairRateLimit, d.PairRateLimit)
	c.ShutdownTimeout, c.ReadHeaderTimeout = cmp.Or(c.ShutdownTimeout, d.ShutdownTimeout), cmp.Or(c.ReadHeaderTimeout, d.ReadHeaderTimeout)
	c.GatewayTimeout, c.JanitorInterval = cmp.Or(c.GatewayTimeout, d.GatewayTimeout), cmp.Or(c.JanitorInterval, d.JanitorInterval)
	c.WebhookTimeout, c.WebhookPollInterval = cmp.Or(c.WebhookTimeout, d.WebhookTimeout), cmp.Or(c.WebhookPollInterval, d.WebhookPollInterval)
	c.ScheduleInterval, c.MessageInterval = cmp.Or(c.ScheduleInterval, d.ScheduleInterval), cmp.Or(c.MessageInterval, d.MessageInterval)
	c.ListPositionInterval = cmp.Or(c.ListPositionInterval, d.ListPositionInterval)
	c.TerminalWait, c.SettleAt = cmp.Or(c.TerminalWait, d.TerminalWait), cmp.Or(c.SettleAt, d.SettleAt)
	c.MaxFileBytes, c.DBMaxConns = cmp.Or(c.MaxFileBytes, d.MaxFileBytes), cmp.Or(c.DBMaxConns, d.DBMaxConns)
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if c.Out == nil {
		c.Out = os.Stdout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Validate checks the settings a zero value does not cover: durations
// and sizes that must not be negative, the settlement time, the signup
// mode. New calls it after the defaults.
func (c *Config) Validate() error {
	var errs []error
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"gateway timeout", c.GatewayTimeout}, {"janitor interval", c.JanitorInterval}, {"webhook timeout", c.WebhookTimeout},
		{"webhook poll interval", c.WebhookPollInterval}, {"schedule interval", c.ScheduleInterval},
		{"message interval", c.MessageInterval}, {"list position interval", c.ListPositionInterval},
		{"terminal wait", c.TerminalWait}, {"shutdown timeout", c.ShutdownTimeout}, {"read header timeout", c.ReadHeaderTimeout}} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("the %s must not be negative (got %v)", d.name, d.v))
		}
	}
	if c.MaxFileBytes < 0 {
		errs = append(errs, fmt.Errorf("the largest file must not be negative (got %d bytes)", c.MaxFileBytes))
	}
	if c.DBMaxConns < 0 {
		errs = append(errs, fmt.Errorf("the PostgreSQL pool size must not be negative (got %d)", c.DBMaxConns))
	}
	if _, _, err := jobs.ParseClock(c.SettleAt); err != nil {
		errs = append(errs, err)
	}
	if c.Signup != "" && c.Signup != "open" && c.Signup != "closed" {
		errs = append(errs, fmt.Errorf("signup must be open or closed (got %q)", c.Signup))
	}
	return errors.Join(errs...)
}

// Keyring loads the vault's master keys as cfg says.
func Keyring(cfg Config) (*vault.Keyring, error) {
	cfg.defaults()
	switch {
	case cfg.MasterKey != "":
		return vault.ParseKeyring(cfg.MasterKey)
	case cfg.MasterKeyFile != "":
		b, err := os.ReadFile(cfg.MasterKeyFile)
		if err != nil {
			return nil, fmt.Errorf("TENDER_MASTER_KEY_FILE: %w", err)
		}
		return vault.ParseKeyring(string(b))
	case cfg.Sandbox:
		k, _, err := vault.LoadOrCreate(filepath.Join(cfg.DataDir, "master.key"))
		return k, err
	}
	return nil, errors.New("TENDER_MASTER_KEY or TENDER_MASTER_KEY_FILE is required outside sandbox mode")
}
