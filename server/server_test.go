package server_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenderpay/tender/server"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// TestSandboxBootstrapOnce: several instances starting at once on one empty
// PostgreSQL database create one sandbox merchant, not one each.
func TestSandboxBootstrapOnce(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	dir := t.TempDir() // one deployment: one keyring (the first creates it)
	var wg sync.WaitGroup
	servers := make([]*server.Server, 4)
	for i := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv, err := server.New(context.Background(), server.Config{
				Addr: "127.0.0.1:0", DataDir: dir, DatabaseURL: dbURL, Sandbox: true, RateLimit: -1,
				Out: io.Discard, Logger: slog.New(slog.DiscardHandler),
			})
			if err != nil {
				t.Error(err)
				return
			}
			servers[i] = srv
		}()
	}
	wg.Wait()
	created := 0
	for _, srv := range servers {
		if srv == nil {
			t.FailNow()
		}
		if srv.Sandbox != nil {
			created++
		}
		defer srv.Close()
	}
	n, err := servers[0].Store.MerchantCount(context.Background())
	if err != nil || n != 1 || created != 1 {
		t.Fatalf("%d merchants, %d bootstraps (%v)", n, created, err)
	}
}

// TestSlowClientsAreDropped: a client that trickles its request headers
// (slowloris) is disconnected after ReadHeaderTimeout instead of holding a
// connection forever.
func TestSlowClientsAreDropped(t *testing.T) {
	t.Parallel()
	srv, err := server.New(context.Background(), server.Config{
		Addr: "127.0.0.1:0", DataDir: t.TempDir(), Sandbox: true, RateLimit: -1, Out: io.Discard,
		Logger: slog.New(slog.DiscardHandler), ReadHeaderTimeout: 300 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	_, _ = conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n"))
	for range 20 { // one header byte every 100 ms: never finishing
		time.Sleep(100 * time.Millisecond) // the slowloris drip itself: pacing, not a wait
		if _, err := conn.Write([]byte("X")); err != nil {
			break
		}
	}
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	if _, err := bufio.NewReader(conn).ReadString('\n'); err == nil {
		// The server may answer 408 before closing; then the next read ends.
		_, _ = io.ReadAll(conn)
	}
	if elapsed := time.Since(start); elapsed > 4*time.Second {
		t.Fatalf("slow client held the connection for %v", elapsed)
	}
}

// TestReplicaNeedsPostgres: a read replica beside SQLite is a startup
// error, not a setting silently ignored.
func TestReplicaNeedsPostgres(t *testing.T) {
	t.Parallel()
	_, err := server.New(context.Background(), server.Config{
		Addr: "127.0.0.1:0", DataDir: t.TempDir(), Sandbox: true, Out: io.Discard, Logger: slog.New(slog.DiscardHandler),
		DatabaseReplicaURL: "postgres://127.0.0.1:1/replica",
	})
	if err == nil || !strings.Contains(err.Error(), "TENDER_DATABASE_REPLICA_URL needs PostgreSQL") {
		t.Fatalf("New with SQLite and a replica: %v", err)
	}
}

// TestConfigValidate: a setting no zero value covers is refused at start
// with what is wrong; the defaults themselves are valid.
func TestConfigValidate(t *testing.T) {
	d := server.Defaults()
	if err := d.Validate(); err != nil {
		t.Fatalf("the defaults: %v", err)
	}
	for name, tc := range map[string]struct {
		set  func(*server.Config)
		want string
	}{
		"negative timeout": {func(c *server.Config) { c.GatewayTimeout = -time.Second }, "gateway timeout must not be negative"},
		"settle time":      {func(c *server.Config) { c.SettleAt = "25:00" }, `settle time "25:00"`},
		"signup":           {func(c *server.Config) { c.Signup = "maybe" }, "signup must be open or closed"},
		"pool size":        {func(c *server.Config) { c.DBMaxConns = -1 }, "pool size must not be negative"},
	} {
		c := server.Defaults()
		tc.set(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
	c := server.Config{Signup: "maybe", DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)}
	if _, err := server.New(t.Context(), c); err == nil || !strings.Contains(err.Error(), "signup") {
		t.Fatalf("New with a bad signup mode: %v", err)
	}
}
