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
)

//go:embed pgbench/schema.sql pgbench/charge.sql
var pgbenchFiles embed.FS

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// PGBench measures the database's own limit for the rows a charge writes:
// it runs pgbench with pgbench/charge.sql (the same statements, in the same
// transactions, as one idempotent charge, with a real charge's payloads)
// against a scratch schema of dbURL's database, with the given clients, for
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
	ddl, _ := pgbenchFiles.ReadFile("pgbench/schema.sql")
	if _, err := db.ExecContext(ctx, "SET search_path = "+schema+";\n"+string(ddl)); err != nil {
		return 0, fmt.Errorf("schema: %w", err)
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
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench: no tps in output:\n%s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}
