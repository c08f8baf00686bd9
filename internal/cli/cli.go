// Package cli implements the tender command's subcommands: serve, migrate,
// merchant and partner. Every flag has an environment variable, so the same
// binary configures from a shell or a container.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/jobs"
	"github.com/tenderpay/tender/server"
	"github.com/tenderpay/tender/service"
	"github.com/tenderpay/tender/store"
	"github.com/tenderpay/tender/vault"
)

// Version is set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = "dev"

const usage = `tender — a self-hosted, Stax-compatible payments server

Usage:
  tender serve                     run the API server (sandbox on SQLite by default)
  tender migrate                   apply database migrations and exit
  tender migrate --status          list each migration, applied or pending
  tender merchant create --name N  create a merchant, print its API key and web-payments token
  tender merchant update --id ID   change a merchant: --processor stripe --stripe-secret-key-file F
                                   --stripe-webhook-secret-file F (or TENDER_STRIPE_SECRET_KEY,
                                   TENDER_STRIPE_WEBHOOK_SECRET), --test (sandbox processor when live)
  tender merchant list             list merchants
  tender merchant key --id ID      issue another API key for a merchant
  tender partner create --name N   create a partner (ISV), print its partner API key
  tender apikey list [--merchant ID]  list a merchant's API keys (id, name, prefix; never the secret)
  tender apikey revoke --id KEY_ID [--merchant ID]  revoke one (running servers refuse it within 5 s)
  tender user create --merchant ID --email E --role owner|admin|staff
                                   add a dashboard user (--password-file F, or a random password printed once)
  tender user link --email E       print a one-time dashboard sign-in link for a user
  tender vault rotate [--generate] re-wrap stored card/account numbers under the current master key
  tender terminal pair             add a register and print its one-time pairing code
  tender terminal simulate --code C  run a terminal device (console, or --auto approve|decline|cancel|timeout|offline)
  tender listen [--forward-to URL] print the merchant's events as they happen; --forward-to POSTs each
                                   as a signed webhook (--events a,b, --secret whsec_..., --print-json)
  tender trigger <event>           make sandbox objects that emit an event (--list for the names)
  tender clock [advance 30d]       show or advance the sandbox clock of a running server (30d, 12h, 1h30m)
  tender bench [--spawn] [--pgbench] load the API over scenarios; req/s, p50/p95/p99/max, server RSS
  tender version

Run "tender <command> -h" for flags. Every flag also reads an environment
variable, shown in its help.
`

// Main runs the command line args and returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stdout, stderr)
	case "migrate":
		err = migrate(ctx, args[1:], stdout, stderr)
	case "merchant":
		err = merchant(ctx, args[1:], stdout, stderr)
	case "partner":
		err = partner(ctx, args[1:], stdout, stderr)
	case "apikey":
		err = apikeyCmd(ctx, args[1:], stdout, stderr)
	case "user":
		err = user(ctx, args[1:], stdout, stderr)
	case "vault":
		err = vaultCmd(ctx, args[1:], stdout, stderr)
	case "bench":
		err = benchCmd(ctx, args[1:], stdout, stderr)
	case "terminal":
		err = terminalCmd(ctx, args[1:], stdout, stderr)
	case "listen":
		err = listenCmd(ctx, args[1:], stdout, stderr)
	case "trigger":
		err = triggerCmd(ctx, args[1:], stdout, stderr)
	case "clock":
		err = clockCmd(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, Version)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "tender:", err)
		return 1
	}
	return 0
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if v, ok := os.LookupEnv(name); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, ok := os.LookupEnv(name); ok {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

func envBool(name string, def bool) bool {
	if v, ok := os.LookupEnv(name); ok {
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return def
}

// storeFlagSet is the flag set of command name, its usage and errors
// written to stderr, with the store's flags (storeFlags) into cfg.
func storeFlagSet(name string, stderr io.Writer, cfg *server.Config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	storeFlags(fs, cfg)
	return fs
}

// sandboxKeys reads the sandbox merchant's id and keys that the server
// wrote into dataDir.
func sandboxKeys(dataDir string) (server.SandboxKeys, error) {
	var keys server.SandboxKeys
	b, err := os.ReadFile(filepath.Join(dataDir, "sandbox-keys.json"))
	if err != nil {
		return keys, err
	}
	return keys, json.Unmarshal(b, &keys)
}

// storeFlags are the flags every database-using command shares.
func storeFlags(fs *flag.FlagSet, cfg *server.Config) {
	fs.StringVar(&cfg.MasterKey, "master-key", env("TENDER_MASTER_KEY", ""), "vault keyring kid:base64[,kid:base64...], newest first (TENDER_MASTER_KEY)")
	fs.StringVar(&cfg.MasterKeyFile, "master-key-file", env("TENDER_MASTER_KEY_FILE", ""), "file holding the vault keyring (TENDER_MASTER_KEY_FILE)")
	fs.BoolVar(&cfg.Sandbox, "sandbox", envBool("TENDER_SANDBOX", true), "sandbox mode: sandbox merchant on an empty database, sandbox processor, generated vault key (TENDER_SANDBOX)")
	fs.StringVar(&cfg.DataDir, "data", env("TENDER_DATA_DIR", server.Defaults().DataDir), "data directory for the SQLite file and sandbox keys (TENDER_DATA_DIR)")
	fs.StringVar(&cfg.DatabaseURL, "database-url", env("DATABASE_URL", ""), "postgres://... to use PostgreSQL; empty for SQLite in the data directory (DATABASE_URL)")
	fs.StringVar(&cfg.DatabaseReplicaURL, "database-replica-url", env("TENDER_DATABASE_REPLICA_URL", ""), "PostgreSQL: a streaming read replica for reports and lists, behind a per-merchant read-your-writes fence (TENDER_DATABASE_REPLICA_URL)")
	fs.StringVar(&cfg.DatabaseListenURL, "database-listen-url", env("TENDER_DATABASE_LISTEN_URL", ""), "PostgreSQL: where jobs and the webhook relay LISTEN for work (default: the database URL; a direct URL when DATABASE_URL goes through PgBouncer in transaction pooling mode; off: poll only) (TENDER_DATABASE_LISTEN_URL)")
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// defaultGOGC is the server's GOGC when the environment sets none.
const defaultGOGC = 300

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg server.Config
	fs := storeFlagSet("serve", stderr, &cfg)
	d := server.Defaults()
	addr := env("TENDER_ADDR", "")
	if addr == "" && os.Getenv("PORT") != "" {
		addr = ":" + os.Getenv("PORT")
	}
	if addr == "" {
		addr = d.Addr
	}
	fs.StringVar(&cfg.Addr, "addr", addr, "listen address (TENDER_ADDR, or PORT)")
	fs.StringVar(&cfg.RedisURL, "redis-url", env("REDIS_URL", ""), "redis://... to share rate limits across instances (REDIS_URL)")
	fs.StringVar(&cfg.StripeBaseURL, "stripe-base-url", os.Getenv("TENDER_STRIPE_BASE_URL"), "Stripe API address for the stripe processor (stripe-mock, a test double); empty for Stripe's (TENDER_STRIPE_BASE_URL)")
	fs.DurationVar(&cfg.GatewayTimeout, "gateway-timeout", envDuration("TENDER_GATEWAY_TIMEOUT", d.GatewayTimeout), "timeout of each processor call (TENDER_GATEWAY_TIMEOUT)")
	fs.DurationVar(&cfg.JanitorInterval, "janitor-interval", envDuration("TENDER_JANITOR_INTERVAL", d.JanitorInterval), "how often PENDING transactions older than twice the gateway timeout are resolved (TENDER_JANITOR_INTERVAL)")
	fs.DurationVar(&cfg.WebhookTimeout, "webhook-timeout", envDuration("TENDER_WEBHOOK_TIMEOUT", d.WebhookTimeout), "timeout of one webhook delivery attempt (TENDER_WEBHOOK_TIMEOUT)")
	fs.DurationVar(&cfg.WebhookPollInterval, "webhook-poll", envDuration("TENDER_WEBHOOK_POLL", d.WebhookPollInterval), "how often idle webhook workers look for deliveries (TENDER_WEBHOOK_POLL)")
	fs.DurationVar(&cfg.ScheduleInterval, "schedule-interval", envDuration("TENDER_SCHEDULE_INTERVAL", d.ScheduleInterval), "how often scheduled invoices are checked for due occurrences (TENDER_SCHEDULE_INTERVAL)")
	allowHosts := fs.String("webhook-allow-hosts", env("TENDER_WEBHOOK_ALLOW_HOSTS", ""), "comma-separated hosts that webhooks may target on private networks outside sandbox (TENDER_WEBHOOK_ALLOW_HOSTS)")
	fs.StringVar(&cfg.SettleAt, "settle-at", env("TENDER_SETTLE_AT", d.SettleAt), "daily settlement batch time, HH:MM UTC (TENDER_SETTLE_AT)")
	fs.IntVar(&cfg.RateLimit, "rate-limit", envInt("TENDER_RATE_LIMIT", d.RateLimit), "API requests per minute per client IP; -1 disables (TENDER_RATE_LIMIT)")
	fs.IntVar(&cfg.WebRateLimit, "web-rate-limit", envInt("TENDER_WEB_RATE_LIMIT", d.WebRateLimit), "Stax.js (web-payments) requests per minute per client IP; -1 disables (TENDER_WEB_RATE_LIMIT)")
	fs.IntVar(&cfg.WebPayRateLimit, "web-pay-rate-limit", envInt("TENDER_WEB_PAY_RATE_LIMIT", d.WebPayRateLimit), "Stax.js pay() and hosted invoice payments per minute per client IP; -1 disables (TENDER_WEB_PAY_RATE_LIMIT)")
	fs.IntVar(&cfg.PairRateLimit, "pair-rate-limit", envInt("TENDER_PAIR_RATE_LIMIT", d.PairRateLimit), "device pairing attempts per client IP per 10 minutes; -1 disables the pairing budgets (TENDER_PAIR_RATE_LIMIT)")
	fs.StringVar(&cfg.Signup, "signup", env("TENDER_SIGNUP", ""), "open lets anyone create a merchant with POST /self, closed refuses it (TENDER_SIGNUP; default open in sandbox mode, closed otherwise)")
	fs.StringVar(&cfg.SMTPURL, "smtp-url", env("TENDER_SMTP_URL", ""), "send email through this SMTP server: smtp://user:pass@host:587?from=billing@example.com (TENDER_SMTP_URL); unset keeps mail in the outbox")
	fs.StringVar(&cfg.PublicURL, "public-url", env("TENDER_PUBLIC_URL", ""), "external base URL, for links (TENDER_PUBLIC_URL)")
	fs.StringVar(&cfg.MetricsToken, "metrics-token", env("TENDER_METRICS_TOKEN", ""), "bearer token GET /metrics requires; empty leaves it open (TENDER_METRICS_TOKEN)")
	fs.StringVar(&cfg.MetricsTokenFile, "metrics-token-file", env("TENDER_METRICS_TOKEN_FILE", ""), "file holding the metrics bearer token (TENDER_METRICS_TOKEN_FILE)")
	fs.BoolVar(&cfg.TrustProxy, "trust-proxy", envBool("TENDER_TRUST_PROXY", false), "take the client IP from X-Forwarded-For (TENDER_TRUST_PROXY)")
	fs.DurationVar(&cfg.TerminalWait, "terminal-wait", envDuration("TENDER_TERMINAL_WAIT", d.TerminalWait), "how long POST /terminal/charge waits for the device (TENDER_TERMINAL_WAIT)")
	fs.Int64Var(&cfg.MaxFileBytes, "max-file-bytes", int64(envInt("TENDER_MAX_FILE_BYTES", int(d.MaxFileBytes))), "largest file POST /file accepts, in bytes (TENDER_MAX_FILE_BYTES)")
	fs.IntVar(&cfg.DBMaxConns, "db-max-conns", envInt("TENDER_DB_MAX_CONNS", d.DBMaxConns), "PostgreSQL pool size (TENDER_DB_MAX_CONNS)")
	level := fs.String("log-level", env("TENDER_LOG_LEVEL", "info"), "debug, info, warn or error (TENDER_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Logger = newLogger(stderr, *level)
	cfg.Out = stdout
	if os.Getenv("GOGC") == "" {
		// The live heap is small (tens of MB) and allocation steady, so the
		// default GOGC=100 collects often: a tenth of a charge's CPU. 300
		// trades some tens of MB of heap for it; GOGC overrides.
		debug.SetGCPercent(defaultGOGC)
	}
	for _, h := range strings.Split(*allowHosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			cfg.WebhookAllowHosts = append(cfg.WebhookAllowHosts, h)
		}
	}
	cfg.Version = Version
	srv, err := server.New(ctx, cfg)
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		srv.Close()
		return err
	}
	fmt.Fprintf(stdout, "Tender %s listening on %s (store: %s)\n", Version, srv.URL(), srv.Store.Dialect())
	<-ctx.Done()
	cfg.Logger.Info("shutting down")
	return srv.Close()
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg server.Config
	fs := storeFlagSet("migrate", stderr, &cfg)
	status := fs.Bool("status", false, "list each migration, applied or pending, and change nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := server.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if *status {
		return migrationStatus(ctx, st, stdout)
	}
	// A schema a newer release migrated is refused here (the error names
	// its migrations): there are no down migrations to bring it back.
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	if err := jobs.Migrate(ctx, st); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrations applied (%s)\n", st.Dialect())
	return nil
}

// openService opens and migrates the store for an admin command.
func openService(ctx context.Context, cfg server.Config) (*service.Service, func(), error) {
	st, done, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	return service.New(st), done, nil
}

// openStore opens and migrates the store for an admin command that wires
// more than the service to it (the processor registry).
func openStore(ctx context.Context, cfg server.Config) (store.Store, func(), error) {
	st, err := server.OpenStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	if err := server.MigrateForServe(ctx, st, nil); err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, func() { st.Close() }, nil
}

func merchant(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("merchant: want create, update, list or key")
	}
	var cfg server.Config
	fs := storeFlagSet("merchant "+args[0], stderr, &cfg)
	name := fs.String("name", "", "company name (create)")
	email := fs.String("email", "", "contact email (create)")
	partnerID := fs.String("partner", "", "partner id that owns the merchant (create)")
	id := fs.String("id", "", "merchant id (key, update)")
	proc := processorFlags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	st, done, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	svc := service.New(st)
	in := &tender.MerchantInput{}
	if err := proc.apply(fs, in); err != nil {
		return err
	}
	if in.Processor != nil || in.ProcessorCredentials != nil {
		keys, err := server.Keyring(cfg)
		if err != nil {
			return err
		}
		svc.Vault = vault.New(keys)
	}
	svc.Processors, svc.SandboxMode = server.Processors(st, cfg), cfg.Sandbox
	switch args[0] {
	case "update":
		m, err := svc.Merchant(ctx, *id)
		if err != nil {
			return describe(err)
		}
		if *name != "" {
			in.CompanyName = name
		}
		if *email != "" {
			in.ContactEmail = email
		}
		if m, err = svc.UpdateMerchant(ctx, m.PartnerID, m.ID, in); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "merchant %s: processor %q, configured %v, test %v\n", m.ID, m.Processor, m.ProcessorConfigured, m.IsTest)
	case "create":
		in.CompanyName = name
		if *email != "" {
			in.ContactEmail = email
		}
		out, err := svc.CreateMerchant(ctx, *partnerID, cfg.Sandbox, in)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "merchant id:        %s\nAPI key:            %s\nweb payments token: %s\n",
			out.Merchant.ID, out.APIKey.Key, out.Merchant.WebPaymentsToken)
	case "list":
		page, err := svc.PartnerMerchants(ctx, "", tender.ListParams{Page: 1, PerPage: tender.MaxPerPage, Sort: "created_at"})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tSANDBOX\tWEB PAYMENTS TOKEN\tCREATED")
		for _, m := range page.Items {
			fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\n", m.ID, m.CompanyName, m.Sandbox, m.WebPaymentsToken, m.CreatedAt.Format(tender.TimeLayout))
		}
		tw.Flush()
		if page.Total > len(page.Items) {
			fmt.Fprintf(stdout, "(%d of %d shown)\n", len(page.Items), page.Total)
		}
	case "key":
		if _, err := svc.Merchant(ctx, *id); err != nil {
			return describe(err)
		}
		k, err := svc.CreateMerchantKey(ctx, *id, "cli", "")
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "API key: %s\n", k.Key)
	default:
		return fmt.Errorf("merchant: unknown subcommand %q", args[0])
	}
	return nil
}

func partner(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("partner: want create")
	}
	var cfg server.Config
	fs := storeFlagSet("partner create", stderr, &cfg)
	name := fs.String("name", "", "partner name")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	svc, done, err := openService(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	p, k, err := svc.CreatePartner(ctx, strings.TrimSpace(*name))
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "partner id:      %s\npartner API key: %s\n", p.ID, k.Key)
	return nil
}

func vaultCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "rotate" {
		return fmt.Errorf("vault: want rotate")
	}
	var cfg server.Config
	fs := storeFlagSet("vault rotate", stderr, &cfg)
	generate := fs.Bool("generate", false, "first add a fresh master key in front of the keyring file (sandbox key file or --master-key-file)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *generate {
		path := cfg.MasterKeyFile
		if path == "" && cfg.MasterKey == "" && cfg.Sandbox {
			path = filepath.Join(cfg.DataDir, "master.key")
		}
		if path == "" {
			return fmt.Errorf("--generate needs a keyring file; with TENDER_MASTER_KEY, put the new key first yourself")
		}
		keys, err := server.Keyring(cfg)
		if err != nil {
			return err
		}
		next, err := keys.WithNewCurrent(fmt.Sprintf("k%d", time.Now().Unix()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(next.Encode()+"\n"), 0o600); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "new master key added to %s: %s\n", path, next)
		cfg.MasterKeyFile = path
	}
	srv, err := server.New(ctx, server.Config{DataDir: cfg.DataDir, DatabaseURL: cfg.DatabaseURL, MasterKey: cfg.MasterKey,
		MasterKeyFile: cfg.MasterKeyFile, Sandbox: cfg.Sandbox, Out: io.Discard, Logger: newLogger(stderr, "warn"), RateLimit: -1, WebRateLimit: -1, WebPayRateLimit: -1})
	if err != nil {
		return err
	}
	defer srv.Close()
	changed, seen, err := srv.Service.RewrapAll(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "re-wrapped %d of %d payment methods under the current master key\n", changed, seen)
	return nil
}

// describe turns a validation error into readable text for the terminal.
func describe(err error) error {
	var te *tender.Error
	if errors.As(err, &te) && len(te.Fields) > 0 {
		var parts []string
		for _, f := range te.Fields.Names() {
			parts = append(parts, strings.Join(te.Fields[f], " "))
		}
		return errors.New(strings.Join(parts, "; "))
	}
	if errors.As(err, &te) {
		return errors.New(te.Message)
	}
	return err
}
