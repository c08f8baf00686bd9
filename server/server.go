// Package server assembles a running Tender: it opens the store named by the
// configuration (embedded SQLite by default, PostgreSQL for a postgres://
// URL), applies migrations, creates the sandbox merchant on an empty
// database, and serves the HTTP API with graceful shutdown. Tests start it on
// ":0"; the tender command's serve subcommand is a thin wrapper around it.
package server

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/dashboard"
	"github.com/tenderpay/tender/httpapi"
	"github.com/tenderpay/tender/jobs"
	"github.com/tenderpay/tender/metrics"
	"github.com/tenderpay/tender/notify"
	"github.com/tenderpay/tender/ratelimit"
	"github.com/tenderpay/tender/service"
	"github.com/tenderpay/tender/store"
	"github.com/tenderpay/tender/store/postgres"
	"github.com/tenderpay/tender/store/sqlite"
	"github.com/tenderpay/tender/terminal"
	"github.com/tenderpay/tender/vault"
	"github.com/tenderpay/tender/webhook"
)

// noFreshKeyForSealedData refuses to generate the sandbox master key when
// the database already holds values sealed under another key (a second
// instance started from another directory): its key would open none of them.
func noFreshKeyForSealedData(ctx context.Context, cfg Config, st store.Store) error {
	if !cfg.Sandbox || cfg.MasterKey != "" || cfg.MasterKeyFile != "" {
		return nil
	}
	path := filepath.Join(cfg.DataDir, "master.key")
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	used, err := service.VaultInUse(ctx, st)
	if err != nil || used == "" {
		return err
	}
	return fmt.Errorf("vault: %s does not exist, and the database holds values sealed by %s: no new key is generated for it; "+
		"copy the master.key of the server that sealed them there, or set TENDER_MASTER_KEY_FILE", path, used)
}

// SandboxKeys are the credentials of the bootstrapped sandbox merchant,
// written to DataDir/sandbox-keys.json for scripts.
type SandboxKeys struct {
	MerchantID       string `json:"merchant_id"`
	APIKey           string `json:"api_key"`
	WebPaymentsToken string `json:"webpayments_token"`
}

// Server is a running (or ready to run) Tender.
type Server struct {
	cfg     Config
	Store   store.Store
	Service *service.Service
	API     *httpapi.API
	// Sandbox holds the bootstrapped merchant's keys when this process
	// created it (nil otherwise).
	Sandbox *SandboxKeys
	// Clock is the process's clock (advanced by POST /sandbox/clock).
	Clock *tender.Clock
	// SignInLink is the one-time dashboard sign-in link the sandbox
	// banner printed at Start ("" outside sandbox mode).
	SignInLink string

	redis    *redis.Client
	replica  *readReplica
	jobs     *jobs.Client
	relay    *notify.Relay
	http     *http.Server
	listener net.Listener
	bgCancel context.CancelFunc
}

// OpenStore opens (without migrating) the store cfg names.
func OpenStore(ctx context.Context, cfg Config) (store.Store, error) {
	cfg.defaults()
	u := cfg.DatabaseURL
	switch {
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		return postgres.Open(ctx, u, postgres.Options{MaxConns: cfg.DBMaxConns})
	case u == "" || strings.HasPrefix(u, "sqlite:"):
		path := strings.TrimPrefix(u, "sqlite:")
		if path == "" {
			if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
				return nil, err
			}
			path = filepath.Join(cfg.DataDir, "tender.db")
		}
		return sqlite.Open(ctx, path)
	}
	return nil, errors.New("DATABASE_URL must start with postgres://, postgresql:// or sqlite")
}

// MigrateForServe applies the migrations this build knows. A schema that a
// newer release has migrated further is no error here (a rolling upgrade
// runs the two releases side by side on it, see
// docs/postgres-operations.md): it is logged and the server goes on.
func MigrateForServe(ctx context.Context, st store.Store, logger *slog.Logger) error {
	err := st.Migrate(ctx)
	var ahead *store.SchemaAheadError
	if errors.As(err, &ahead) {
		if logger != nil {
			logger.Warn("database schema is newer than this release (rolling upgrade: upgrade this instance next)",
				"unknown_migrations", ahead.Unknown, "newest_known", ahead.Newest)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// New opens the store, migrates it, bootstraps the sandbox merchant when the
// database is empty, and builds the API. It does not listen yet.
func New(ctx context.Context, cfg Config) (*Server, error) {
	// Whether the caller brought its own clock, read before defaults()
	// fills in time.Now.
	ownClock := cfg.Now != nil
	cfg.defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	if cfg.MetricsToken == "" && cfg.MetricsTokenFile != "" {
		b, err := os.ReadFile(cfg.MetricsTokenFile)
		if err != nil {
			return nil, fmt.Errorf("TENDER_METRICS_TOKEN_FILE: %w", err)
		}
		if cfg.MetricsToken = strings.TrimSpace(string(b)); cfg.MetricsToken == "" {
			return nil, errors.New("TENDER_METRICS_TOKEN_FILE: the file is empty")
		}
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, Store: st}
	if err := MigrateForServe(ctx, st, cfg.Logger); err != nil {
		st.Close()
		return nil, err
	}
	if err := noFreshKeyForSealedData(ctx, cfg, st); err != nil {
		st.Close()
		return nil, err
	}
	keys, err := Keyring(cfg)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("vault: %w", err)
	}
	if s.replica, err = openReplica(ctx, cfg, st); err != nil {
		st.Close()
		return nil, err
	}
	s.Service = service.New(st)
	var replicaStatus func() string
	if s.replica != nil {
		s.Service.Replica = s.replica.Replica
		replicaStatus = func() string { st, _ := s.replica.Status(); return st }
	}
	// One clock for the service and every time-driven job; a sandbox
	// server can advance it (POST /sandbox/clock).
	s.Clock = tender.NewClock(cfg.Now)
	s.Service.Now = s.Clock.Now
	s.Service.Clock = s.Clock
	s.Service.Vault = vault.New(keys)
	s.Service.Fingerprinter = vault.NewFingerprinter(vault.FingerprintSecret(keys))
	if err := s.Service.CheckVaultKeys(ctx); err != nil {
		st.Close()
		return nil, err
	}
	s.Service.Processors = s.processors()
	s.Service.SandboxMode = cfg.Sandbox
	s.Service.WrapGateway = cfg.WrapGateway
	s.Service.GatewayTimeout = cfg.GatewayTimeout
	s.Service.Logger = cfg.Logger
	// River follows the sandbox clock only on the wall clock: with a test's
	// own base clock (cfg.Now) River would schedule jobs at the test's time
	// yet fetch them by the database's now() until an advance, and never run
	// them.
	var riverClock *tender.Clock
	if !ownClock {
		riverClock = s.Clock
	}
	listenURL := cmp.Or(cfg.DatabaseListenURL, cfg.DatabaseURL)
	if listenURL == "off" {
		listenURL = ""
	}
	s.jobs, err = jobs.New(ctx, jobs.Config{Store: st, Logger: cfg.Logger, PollInterval: cfg.WebhookPollInterval, Clock: riverClock,
		ListenURL: listenURL})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("jobs: %w", err)
	}
	allow := webhook.AllowList(cfg.Sandbox, cfg.WebhookAllowHosts)
	if _, err := webhook.New(ctx, webhook.Config{Store: st, Jobs: s.jobs, Logger: cfg.Logger, Timeout: cfg.WebhookTimeout,
		PollInterval: cfg.WebhookPollInterval, AllowPrivate: allow, Now: s.Clock.Now}); err != nil {
		s.jobs.Close()
		st.Close()
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	s.jobs.ScheduleTick(s.Service, cfg.ScheduleInterval)
	s.jobs.AccountMail(s.Service)
	s.Service.EventsCommitted = s.jobs.Wake()
	s.Service.WebhookAllowPrivate = allow
	s.Service.WebhookSpecialHost = webhook.RefusedHost
	s.Service.PublicURL = cfg.PublicURL
	s.Service.SignupOpen = cfg.Signup == "open" || cfg.Signup == "" && cfg.Sandbox
	s.relay = &notify.Relay{Store: st, SMS: cfg.SMS, Logger: cfg.Logger, Now: s.Clock.Now, Interval: cfg.MessageInterval}
	if cfg.SMTPURL != "" {
		smtp, err := notify.NewSMTP(cfg.SMTPURL)
		if err != nil {
			s.jobs.Close()
			st.Close()
			return nil, err
		}
		s.relay.Email = smtp
		s.Service.AccountMail = smtp
	}
	s.Service.EmailEnabled, s.Service.SMSEnabled = s.relay.Email != nil, cfg.SMS != nil
	s.jobs.Add(jobs.KeySweep(s.Service, cfg.Logger),
		jobs.Janitor(s.Service, cfg.Logger, cfg.JanitorInterval, cfg.GatewayTimeout),
		jobs.Settlement(s.Service, cfg.Logger, s.Clock, cfg.SettleAt),
		jobs.ListPositions(s.Service, cfg.Logger, cfg.ListPositionInterval),
		jobs.SalesRollup(s.Service, cfg.Logger, jobs.SalesRollupInterval),
		jobs.Messages(s.relay))
	s.Service.TerminalWait = cfg.TerminalWait
	s.Service.MaxFileBytes = cfg.MaxFileBytes

	// The limiter exists even when the per-route budgets are off: device
	// pairing is always throttled (httpapi/terminal_pairing.go).
	var limiter ratelimit.Limiter = ratelimit.NewMemory(cfg.Now)
	{
		if cfg.RedisURL != "" {
			opt, err := redis.ParseURL(cfg.RedisURL)
			if err != nil {
				s.jobs.Close()
				st.Close()
				return nil, fmt.Errorf("REDIS_URL: %w", err)
			}
			s.redis = redis.NewClient(opt)
			limiter = ratelimit.NewRedis(s.redis)
		}
	}
	s.API = httpapi.New(httpapi.Config{
		Service:          s.Service,
		Limiter:          limiter,
		RateLimit:        ratelimit.Limit{Rate: cfg.RateLimit, Period: time.Minute},
		WebRateLimit:     ratelimit.Limit{Rate: cfg.WebRateLimit, Period: time.Minute},
		WebPayRateLimit:  ratelimit.Limit{Rate: cfg.WebPayRateLimit, Period: time.Minute},
		PairRateLimit:    ratelimit.Limit{Rate: cfg.PairRateLimit, Period: 10 * time.Minute},
		AccountRateLimit: ratelimit.Limit{Rate: cfg.AccountRateLimit, Period: 10 * time.Minute},
		ForgotEmailRateLimit: ratelimit.Limit{Rate: map[bool]int{true: DefaultForgotEmailRateLimit, false: -1}[cfg.AccountRateLimit > 0],
			Period: 10 * time.Minute},
		Logger:       cfg.Logger,
		PublicURL:    cfg.PublicURL,
		TrustProxy:   cfg.TrustProxy,
		MetricsToken: cfg.MetricsToken,
		Ready:        s.ready,
		Replica:      replicaStatus,
		Version:      cfg.Version,
		// An event stream wakes on commits; its fallback poll is the
		// webhook relay's, at least 5 s.
		StreamPoll: max(cfg.WebhookPollInterval, 5*time.Second),
		Terminal:   &terminal.Hub{Service: s.Service, Logger: cfg.Logger},
		Dashboard: func(clientIP func(*http.Request) string, openapi func() map[string]any) http.Handler {
			return dashboard.New(dashboard.Config{Service: s.Service, Limiter: limiter, ClientIP: clientIP, OpenAPI: openapi,
				Secure: strings.HasPrefix(cfg.PublicURL, "https://"), Logger: cfg.Logger})
		},
	})
	// Business metrics beside the HTTP ones on GET /metrics.
	m := metrics.New(metrics.Config{Service: s.Service, Jobs: s.jobs, Now: s.Clock.Now, Logger: cfg.Logger})
	s.Service.Payments = m
	s.API.Registry().MustRegister(m)
	if s.replica != nil {
		s.API.Registry().MustRegister(s.replica.collectors()...)
	}
	if cfg.Sandbox {
		if err := s.bootstrap(ctx); err != nil {
			s.closeDeps()
			return nil, fmt.Errorf("sandbox bootstrap: %w", err)
		}
	} else if err := s.warnUnusableProcessors(ctx); err != nil {
		s.closeDeps()
		return nil, err
	}
	return s, nil
}

func (s *Server) ready(ctx context.Context) error {
	if err := s.Store.Ping(ctx); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	if s.redis != nil {
		if err := s.redis.Ping(ctx).Err(); err != nil {
			return fmt.Errorf("redis: %w", err)
		}
	}
	return nil
}

// bootstrap creates the sandbox merchant on an empty database, prints its
// credentials and writes them to DataDir/sandbox-keys.json.
func (s *Server) bootstrap(ctx context.Context) error {
	n, err := s.Store.MerchantCount(ctx)
	if err != nil || n > 0 {
		return err
	}
	name, email := "Sandbox Merchant", "sandbox@example.com"
	out, err := s.Service.BootstrapSandbox(ctx, &tender.MerchantInput{
		CompanyName: &name, ContactEmail: &email,
		Features: &tender.Features{SplitFunding: true, CPSurcharging: true, CPTokenization: true, SurchargeRateBasis: 300,
			FundingAccounts: []tender.FundingAccount{{ID: "fa_operating", Name: "Operating account"}, {ID: "fa_partner", Name: "Partner revenue share"}}},
	})
	if err != nil || out == nil {
		return err // another process bootstrapped it
	}
	s.Sandbox = &SandboxKeys{MerchantID: out.Merchant.ID, APIKey: out.APIKey.Key, WebPaymentsToken: out.Merchant.WebPaymentsToken}
	if _, err := s.Service.EnsureSandboxOwner(ctx, out.Merchant.ID, SandboxOwnerEmail); err != nil {
		return fmt.Errorf("sandbox dashboard user: %w", err)
	}
	path := filepath.Join(s.cfg.DataDir, "sandbox-keys.json")
	if err := os.MkdirAll(s.cfg.DataDir, 0o700); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(s.Sandbox, "", "  ")
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(s.cfg.Out, `
Tender sandbox merchant created (shown once; also saved to %s):
  merchant id:        %s
  API key:            %s
  web payments token: %s

`, path, s.Sandbox.MerchantID, s.Sandbox.APIKey, s.Sandbox.WebPaymentsToken)
	return nil
}

// Start listens on the configured address and serves in the background.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	s.listener = ln
	s.http = &http.Server{
		Handler:           s.API,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      90 * time.Second, // a terminal charge may wait 60 s for the device
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
	}
	// Shutdown waits for connections to go idle; event streams never do,
	// so they are told to end.
	s.http.RegisterOnShutdown(s.API.CloseStreams)
	bg, cancel := context.WithCancel(context.Background())
	s.bgCancel = cancel
	if s.Service.PublicURL == "" {
		s.Service.PublicURL = "http://" + localAddr(ln.Addr())
	}
	if err := s.jobs.Start(bg); err != nil {
		cancel()
		return fmt.Errorf("start background work: %w", err)
	}
	if s.replica != nil {
		go s.replica.Run(bg)
	}
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.cfg.Logger.Error("http server stopped", "error", err.Error())
		}
	}()
	s.cfg.Logger.Info("listening", "addr", ln.Addr().String(), "store", s.Store.Dialect(), "sandbox", s.cfg.Sandbox)
	if s.cfg.Sandbox {
		if err := s.printSignInLink(bg); err != nil {
			s.cfg.Logger.Warn("dashboard sign-in link", "error", err.Error())
		}
	}
	return nil
}

// SandboxOwnerEmail is the sandbox merchant's dashboard owner, who signs
// in with the one-time links the start banner prints.
const SandboxOwnerEmail = "sandbox@example.com"

// printSignInLink prints a fresh one-time dashboard sign-in link for the
// sandbox owner (each start prints one; a link works once, for 15
// minutes) and keeps it in SignInLink.
func (s *Server) printSignInLink(ctx context.Context) error {
	u, err := s.Store.TeamUserByEmail(ctx, SandboxOwnerEmail)
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		// A sandbox database from before the dashboard: its merchant is
		// in sandbox-keys.json.
		b, rerr := os.ReadFile(filepath.Join(s.cfg.DataDir, "sandbox-keys.json"))
		var keys SandboxKeys
		if rerr != nil || json.Unmarshal(b, &keys) != nil || keys.MerchantID == "" {
			return nil
		}
		u, err = s.Service.EnsureSandboxOwner(ctx, keys.MerchantID, SandboxOwnerEmail)
	}
	if err != nil {
		return err
	}
	token, err := s.Service.CreateSignInLink(ctx, u)
	if err != nil {
		return err
	}
	s.SignInLink = strings.TrimSuffix(s.Service.PublicURL, "/") + "/dashboard/link/" + token
	fmt.Fprintf(s.cfg.Out, "Dashboard: %s/ (one-time sign-in link, 15 minutes: %s)\n",
		strings.TrimSuffix(s.Service.PublicURL, "/"), s.SignInLink)
	return nil
}

// localAddr names a listening address as a browser on this machine would.
func localAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// Addr is the address actually listened on (useful with ":0").
func (s *Server) Addr() string { return s.listener.Addr().String() }

// URL is the base URL of the running server.
func (s *Server) URL() string {
	addr := s.listener.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(addr.Port))
}

// Close stops accepting requests, waits for in-flight ones (up to the
// shutdown timeout) and closes the database.
func (s *Server) Close() error {
	var err error
	if s.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		err = s.http.Shutdown(ctx)
		cancel()
	}
	if s.bgCancel != nil {
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		err = errors.Join(err, s.jobs.Stop(ctx))
		cancel()
		s.bgCancel()
	}
	if s.jobs != nil {
		s.jobs.Close()
	}
	return errors.Join(err, s.closeDeps())
}

func (s *Server) closeDeps() error {
	var err error
	if s.redis != nil {
		err = s.redis.Close()
	}
	if s.replica != nil {
		err = errors.Join(err, s.replica.close())
	}
	return errors.Join(err, s.Store.Close())
}
