// Configuration: the server's settings, their defaults (written once here;
// the serve command's flags start from them) and the keyring they name.

package server

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/gateway/processors"
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

func (c *Config) defaults() {
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	if c.DataDir == "" {
		c.DataDir = "tender-data"
	}
	if c.RateLimit == 0 {
		c.RateLimit = DefaultRateLimit
	}
	if c.WebRateLimit == 0 {
		c.WebRateLimit = DefaultWebRateLimit
	}
	if c.WebPayRateLimit == 0 {
		c.WebPayRateLimit = DefaultWebPayRateLimit
	}
	if c.AccountRateLimit == 0 {
		c.AccountRateLimit = DefaultAccountRateLimit
	}
	if c.PairRateLimit == 0 {
		c.PairRateLimit = DefaultPairRateLimit
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if c.Out == nil {
		c.Out = os.Stdout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 20 * time.Second
	}
	if c.GatewayTimeout == 0 {
		c.GatewayTimeout = service.DefaultGatewayTimeout
	}
	if c.JanitorInterval == 0 {
		c.JanitorInterval = 30 * time.Second
	}
	if c.ScheduleInterval == 0 {
		c.ScheduleInterval = time.Minute
	}
	if c.ListPositionInterval == 0 {
		c.ListPositionInterval = 250 * time.Millisecond
	}
	if c.SettleAt == "" {
		c.SettleAt = "02:00"
	}
	if c.ReadHeaderTimeout == 0 {
		c.ReadHeaderTimeout = 10 * time.Second
	}
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
