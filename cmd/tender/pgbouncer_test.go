package main_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenderpay/tender/client"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// startPgBouncer runs Debian's pgbouncer on a free port in front of the
// PostgreSQL server of dbURL, in transaction pooling mode with poolSize
// server connections per database, and returns dbURL rewritten to go
// through it (with pgx's default_query_exec_mode=cache_describe: PgBouncer
// 1.18 has no max_prepared_statements, so Tender must not keep named
// prepared statements on a connection it does not own between
// transactions). It is stopped when the test ends.
func startPgBouncer(t *testing.T, dbURL string, poolSize int) string {
	t.Helper()
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		bin = "/usr/sbin/pgbouncer"
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("pgbouncer is not installed (.ci/run installs Debian's pgbouncer)")
			}
			t.Skip("pgbouncer is not installed (apt-get install pgbouncer)")
		}
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(u.Host, ":")
	if port == "" {
		port = "5432"
	}
	listen := freePort(t)
	dir := t.TempDir()
	conf := fmt.Sprintf(`[databases]
* = host=%s port=%s user=%s
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = %d
max_client_conn = 500
server_reset_query =
ignore_startup_parameters = extra_float_digits
`, host, port, u.User.Username(), listen, poolSize)
	ini := filepath.Join(dir, "pgbouncer.ini")
	if err := os.WriteFile(ini, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{ini}
	if os.Geteuid() == 0 {
		// PgBouncer refuses to run as root; it reads its configuration
		// first, then switches user.
		if _, err := user.Lookup("postgres"); err != nil {
			t.Fatal("pgbouncer cannot run as root and there is no postgres user")
		}
		args = []string{"-u", "postgres", ini}
	}
	cmd := exec.Command(bin, args...)
	var log strings.Builder
	var logMu sync.Mutex
	cmd.Stdout, cmd.Stderr = lockedWriter{&log, &logMu}, lockedWriter{&log, &logMu}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	addr := fmt.Sprintf("127.0.0.1:%d", listen)
	waitFor(t, "pgbouncer to listen", 10*time.Second, func() bool {
		select {
		case <-exited:
			logMu.Lock()
			defer logMu.Unlock()
			t.Fatalf("pgbouncer exited:\n%s", log.String())
		default:
		}
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	u.Host = addr
	q := u.Query()
	q.Set("default_query_exec_mode", "cache_describe")
	u.RawQuery = q.Encode()
	return u.String()
}

type lockedWriter struct {
	b  *strings.Builder
	mu *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestThroughPgBouncer runs two server processes through a PgBouncer in
// transaction pooling mode with three server connections (the two
// processes' pools hold up to forty client connections): concurrent charges
// and invoice payments succeed, each idempotency id once, the webhooks'
// River jobs are worked and every event is delivered, and PostgreSQL saw no
// more than the three connections PgBouncer multiplexed them on.
func TestThroughPgBouncer(t *testing.T) {
	direct := pgtest.Database(t)
	const poolSize = 3
	bounced := startPgBouncer(t, direct, poolSize)
	sink := newHookSink(t)
	// LISTEN needs a session of its own: the instances listen directly,
	// as README says to deploy them.
	a, b, key := twoInstances(t, bounced, "TENDER_WEBHOOK_POLL=50ms", "TENDER_DATABASE_LISTEN_URL="+direct)
	ca, cb := api(a.url, key), api(b.url, key)
	subscribe(t, ca, sink.URL, "*")
	cust, pm := customerWithCard(t, cb, "Bouncer", "Bo Uncer", "4111111111111111")

	const workers, each = 8, 6
	var wg sync.WaitGroup
	errs := make(chan string, workers*each*3)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, other := ca, cb
			if w%2 == 1 {
				c, other = cb, ca
			}
			for i := range each {
				idem := fmt.Sprintf("pgb-%d-%d", w, i)
				if w%4 == 3 {
					inv, err := c.CreateInvoice(ctx, &client.InvoiceInput{CustomerID: cust.ID, Total: client.Dollars(12, 50)})
					if err != nil {
						errs <- fmt.Sprintf("POST /invoice: %v", err)
						continue
					}
					if tx, err := c.PayInvoice(ctx, inv.ID, &client.PayInvoiceInput{PaymentMethodID: pm.ID, IdempotencyID: idem}); err != nil {
						errs <- fmt.Sprintf("invoice pay: %v %+v", err, tx)
					}
					continue
				}
				in := &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(3, 25), IdempotencyID: idem}
				tx1, err1 := c.Charge(ctx, in)
				// The same idempotency id again, on the other instance.
				tx2, err2 := other.Charge(ctx, in)
				if err1 != nil || err2 != nil || tx1.ID != tx2.ID {
					errs <- fmt.Sprintf("charge %s: %v %+v, again %v %+v", idem, err1, tx1, err2, tx2)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}

	db, err := sql.Open("pgx", direct)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	count := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM transactions WHERE idempotency_id LIKE 'pgb-%' AND parent_id IS NULL`); n != workers*each {
		t.Errorf("%d transactions for %d idempotency ids", n, workers*each)
	}
	if n := count(`SELECT count(*) FROM invoices WHERE status = 'PAID'`); n != workers/4*each {
		t.Errorf("%d invoices paid, want %d", n, workers/4*each)
	}
	events := count(`SELECT count(*) FROM events`)
	waitFor(t, fmt.Sprintf("%d events delivered", events), 30*time.Second, func() bool { e, _, _ := sink.counts(); return e >= events })
	if e, _, dup := sink.counts(); e != events || dup != 0 {
		t.Errorf("%d events: %d delivered, %d twice", events, e, dup)
	}
	// River's workers finish their jobs on their own schedule; the
	// completed state is the signal, not the end of the HTTP traffic.
	waitFor(t, "a River job completed through PgBouncer", 30*time.Second, func() bool {
		return count(`SELECT count(*) FROM river_job WHERE state = 'completed'`) > 0
	})
	// PgBouncer multiplexed the two processes on its pool: PostgreSQL
	// never had more connections to this database than the pool holds.
	u, _ := url.Parse(direct)
	if n := count(`SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()
	    AND application_name <> 'tender-listen'`, strings.TrimPrefix(u.Path, "/")); n > poolSize {
		t.Errorf("%d server connections, want at most PgBouncer's %d", n, poolSize)
	}
	_ = a.stop(t)
	_ = b.stop(t)
}
