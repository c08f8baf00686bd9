package loadgen

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/tenderpay/tender/store/postgres"
)

//go:embed pgbench/charge.sql
var pgbenchFiles embed.FS

// pgbenchRows are the merchant every row of pgbench/charge.sql names (its
// foreign keys need the row), and the customer and payment method its
// charges are made on (their check, g, reads them).
var pgbenchRows = []string{`INSERT INTO merchants (id, company_name, status, sandbox, webpayments_token, created_at, updated_at)
VALUES ('00000000-0000-4000-8000-000000000001', 'pgbench', 'ACTIVE', true, 'tnd_wp_pgbench', now(), now())`,
	`INSERT INTO customers (id, merchant_id, firstname, lastname, email, created_at, updated_at)
VALUES ('01a24e99-8a0e-7b6a-a395-37447594f95a', '00000000-0000-4000-8000-000000000001', 'Load', 'Test', 'load@example.com',
    '2026-12-07', '2026-12-07')`,
	`INSERT INTO payment_methods (id, merchant_id, customer_id, method, person_name, card_type, card_last_four, card_exp,
    fingerprint, sealed_number, created_at, updated_at)
VALUES ('01a24e99-8a14-7270-b045-c3f8e6104883', '00000000-0000-4000-8000-000000000001', '01a24e99-8a0e-7b6a-a395-37447594f95a',
    'card', 'Load Test', 'visa', '1111', '122030', 'pgbench', 'pgbench', '2026-12-07', '2026-12-07')`,
}

var (
	tpsLine       = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	processedLine = regexp.MustCompile(`number of transactions actually processed: ([0-9]+)`)
)

// PGBench measures the database's own limit for the rows a charge writes:
// it runs pgbench with pgbench/charge.sql (the same statement as one
// idempotent charge on the sandbox processor, with a real charge's payloads)
// against a scratch schema of dbURL's database made by Tender's own
// migrations (PGBenchSchema: every index and trigger the charge's rows
// meet, so that the baseline does the same work), with the given clients, for
// d. Statements are prepared (-M prepared), as the server's are. It returns
// transactions (= charges) per second.
func PGBench(ctx context.Context, dbURL string, clients int, d time.Duration) (float64, error) {
	if _, err := exec.LookPath("pgbench"); err != nil {
		return 0, fmt.Errorf("pgbench not found (Debian: apt-get install postgresql-client): %w", err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return 0, err
	}
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var b [4]byte
	_, _ = rand.Read(b[:])
	schema := "tender_pgbench_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return 0, err
	}
	defer db.Exec("DROP SCHEMA " + schema + " CASCADE")
	if err := PGBenchSchema(ctx, dbURL, schema); err != nil {
		return 0, err
	}
	dir, err := os.MkdirTemp("", "tender-pgbench")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	script, _ := pgbenchFiles.ReadFile("pgbench/charge.sql")
	path := filepath.Join(dir, "charge.sql")
	if err := os.WriteFile(path, script, 0o600); err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, "pgbench", "-n", "-M", "prepared", "-c", strconv.Itoa(clients), "-j", strconv.Itoa(min(clients, 4)),
		"-T", strconv.Itoa(max(1, int(d.Seconds()))), "-f", path, u.String())
	cmd.Env = append(os.Environ(), "PGOPTIONS=-c search_path="+schema)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench: %w\n%s", err, out)
	}
	m, n := tpsLine.FindSubmatch(out), processedLine.FindSubmatch(out)
	if m == nil || n == nil {
		return 0, fmt.Errorf("pgbench: no tps or count in output:\n%s", out)
	}
	// Every transaction is a charge written: a check (g) that held nothing
	// would insert no row and still count.
	var rows int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+schema+".transactions").Scan(&rows); err != nil {
		return 0, err
	}
	if rows == 0 && string(n[1]) != "0" {
		return 0, fmt.Errorf("pgbench: %s transactions run but no charge written", n[1])
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// PGBenchSchema makes schema (which must exist) of dbURL's database what
// pgbench/charge.sql writes to: Tender's own tables, by Tender's PostgreSQL
// migrations (every index, trigger and foreign key a charge's rows meet),
// and the merchant the script's rows name.
func PGBenchSchema(ctx context.Context, dbURL, schema string) error {
	u, err := url.Parse(dbURL)
	if err != nil {
		return err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	st, err := postgres.Open(ctx, u.String(), postgres.Options{MaxConns: 2})
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	for _, q := range pgbenchRows {
		if _, err := st.SQLDB().ExecContext(ctx, q); err != nil {
			return fmt.Errorf("schema: %w", err)
		}
	}
	return nil
}
