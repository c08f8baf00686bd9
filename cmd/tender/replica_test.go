package main_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pgCluster is a PostgreSQL server of its own (initdb'd by the test, on a
// free port), from Debian's packaged binaries: a primary or a streaming
// replica.
type pgCluster struct {
	bin, dir string
	port     int
}

// pgBinDir is the newest /usr/lib/postgresql/N/bin; with CI=true a machine
// without it fails the test.
func pgBinDir(t *testing.T) string {
	t.Helper()
	versions, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(versions, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(versions[i]))))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(versions[j]))))
		return vi < vj
	})
	if len(versions) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("PostgreSQL's server binaries are not installed (Debian's postgresql package)")
		}
		t.Skip("PostgreSQL's server binaries are not installed (apt-get install postgresql)")
	}
	return filepath.Dir(versions[len(versions)-1])
}

// pgRun runs one of PostgreSQL's programs, as the postgres user when the
// test runs as root (initdb and the server refuse root).
func pgRun(t *testing.T, bin string, args ...string) {
	t.Helper()
	if out, err := pgCommand(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
}

func pgCommand(bin string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	}
	return exec.Command(bin, args...)
}

// pgWorkDir is a temporary directory the postgres user can write when the
// test runs as root.
func pgWorkDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "tender-pg")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatal("the test runs as root and there is no postgres user to run PostgreSQL as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// appendConf adds settings to a cluster's postgresql.auto.conf (read
// last, so they win over what a base backup copied).
func (c *pgCluster) appendConf(t *testing.T, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(c.dir, "postgresql.auto.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
		t.Fatal(err)
	}
}

func (c *pgCluster) start(t *testing.T) {
	t.Helper()
	pgRun(t, filepath.Join(c.bin, "pg_ctl"), "-D", c.dir, "-l", c.dir+".log", "-w", "-t", "60", "start")
}

// stopImmediate is a crash of the database machine as far as clients can
// tell: the server exits at once, without a checkpoint or a goodbye to its
// connections.
func (c *pgCluster) stopImmediate(t *testing.T) {
	t.Helper()
	pgRun(t, filepath.Join(c.bin, "pg_ctl"), "-D", c.dir, "-m", "immediate", "-w", "stop")
}

func (c *pgCluster) promote(t *testing.T) {
	t.Helper()
	pgRun(t, filepath.Join(c.bin, "pg_ctl"), "-D", c.dir, "-w", "-t", "60", "promote")
}

func (c *pgCluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// startSyncPair initdb's a primary and streams a replica from it with
// pg_basebackup; the primary waits for the replica's flush on every commit
// (synchronous_standby_names, synchronous_commit=on). Both are stopped
// when the test ends.
func startSyncPair(t *testing.T) (primary, replica *pgCluster) {
	t.Helper()
	bin := pgBinDir(t)
	base := pgWorkDir(t)
	primary = &pgCluster{bin: bin, dir: filepath.Join(base, "primary"), port: freePort(t)}
	replica = &pgCluster{bin: bin, dir: filepath.Join(base, "replica"), port: freePort(t)}
	pgRun(t, filepath.Join(bin, "initdb"), "-D", primary.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
	common := []string{
		"listen_addresses = '127.0.0.1'",
		"unix_socket_directories = '" + base + "'",
		"max_connections = 100",
		"shared_buffers = 32MB",
		"wal_level = replica",
		"max_wal_senders = 4",
		"wal_keep_size = 64MB",
		"hot_standby = on",
	}
	primary.appendConf(t, append(common,
		fmt.Sprintf("port = %d", primary.port),
		"synchronous_commit = on",
		"synchronous_standby_names = 'replica'")...)
	primary.start(t)
	t.Cleanup(func() {
		_ = pgCommand(filepath.Join(bin, "pg_ctl"), "-D", primary.dir, "-m", "immediate", "stop").Run()
	})
	pgRun(t, filepath.Join(bin, "pg_basebackup"), "-h", "127.0.0.1", "-p", strconv.Itoa(primary.port), "-U", "postgres",
		"-D", replica.dir, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync")
	// The replica names itself for synchronous_standby_names. Promoted, it
	// has no standby of its own: it must not wait for one, or every commit
	// after the failover would hang (an operator re-arms synchronous
	// replication once a new standby has caught up).
	replica.appendConf(t,
		fmt.Sprintf("port = %d", replica.port),
		fmt.Sprintf("primary_conninfo = 'host=127.0.0.1 port=%d user=postgres application_name=replica'", primary.port),
		"synchronous_standby_names = ''")
	replica.start(t)
	t.Cleanup(func() {
		_ = pgCommand(filepath.Join(bin, "pg_ctl"), "-D", replica.dir, "-m", "immediate", "stop").Run()
	})
	db, err := sql.Open("pgx", primary.url("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Streaming and synchronous before any commit counts.
	for {
		var state string
		err := db.QueryRowContext(ctx, `SELECT sync_state FROM pg_stat_replication WHERE application_name = 'replica'`).Scan(&state)
		if err == nil && state == "sync" {
			return primary, replica
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the replica did not become a synchronous standby (state %q, err %v)", state, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
