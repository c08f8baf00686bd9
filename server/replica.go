// The read replica (TENDER_DATABASE_REPLICA_URL): a second, read-only
// store for reports and lists, and the sampler of both WAL positions that
// the service's read-your-writes fence runs on (service/replica.go).

package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tenderpay/tender/service"
	"github.com/tenderpay/tender/store"
	"github.com/tenderpay/tender/store/postgres"
)

// readReplica is the open replica: its store and the sampler's two
// single-connection pools.
type readReplica struct {
	*service.Replica
	primaryDB, replicaDB *sql.DB
}

// openReplica opens the replica cfg names (nil without one). It does not
// connect: a replica down at startup only sends reads to the primary.
func openReplica(ctx context.Context, cfg Config, primary store.Store) (*readReplica, error) {
	if cfg.DatabaseReplicaURL == "" {
		return nil, nil
	}
	if primary.Dialect() != "postgres" {
		return nil, errors.New("TENDER_DATABASE_REPLICA_URL needs PostgreSQL (DATABASE_URL is SQLite)")
	}
	u, err := replicaURL(cfg.DatabaseReplicaURL)
	if err != nil {
		return nil, err
	}
	st, err := postgres.Open(ctx, u, postgres.Options{MaxConns: cfg.DBMaxConns, Lazy: true})
	if err != nil {
		return nil, fmt.Errorf("TENDER_DATABASE_REPLICA_URL: %w", err)
	}
	r := &readReplica{}
	if r.primaryDB, err = sql.Open("pgx", cfg.DatabaseURL); err == nil {
		r.replicaDB, err = sql.Open("pgx", u)
	}
	if err != nil {
		st.Close()
		if r.primaryDB != nil {
			r.primaryDB.Close()
		}
		return nil, err
	}
	r.primaryDB.SetMaxOpenConns(1)
	r.replicaDB.SetMaxOpenConns(1)
	r.Replica = &service.Replica{Store: st, Logger: cfg.Logger,
		PrimaryLSN: lsnQuery(r.primaryDB, `SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint`),
		// NULL (an error here) when the server is not a standby: a
		// promoted or misnamed replica serves no reads.
		ReplayLSN: lsnQuery(r.replicaDB, `SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint`),
	}
	return r, nil
}

// replicaURL is u with its sessions read-only and named (for
// pg_stat_activity), unless u already sets them.
func replicaURL(u string) (string, error) {
	if !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		return "", errors.New("TENDER_DATABASE_REPLICA_URL must start with postgres:// or postgresql://")
	}
	p, err := url.Parse(u)
	if err != nil {
		return "", fmt.Errorf("TENDER_DATABASE_REPLICA_URL: %w", err)
	}
	q := p.Query()
	q.Set("default_transaction_read_only", "on")
	if q.Get("application_name") == "" {
		q.Set("application_name", "tender-replica-reads")
	}
	p.RawQuery = q.Encode()
	return p.String(), nil
}

func lsnQuery(db *sql.DB, query string) func(context.Context) (uint64, error) {
	return func(ctx context.Context) (uint64, error) {
		var lsn sql.NullInt64
		if err := db.QueryRowContext(ctx, query).Scan(&lsn); err != nil {
			return 0, err
		}
		if !lsn.Valid {
			return 0, errors.New("not a standby (pg_last_wal_replay_lsn is NULL)")
		}
		return uint64(lsn.Int64), nil
	}
}

// collectors are the replica's gauges for GET /metrics.
func (r *readReplica) collectors() []prometheus.Collector {
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tender_replica_lag_seconds",
			Help: "How long the read replica has been missing WAL the primary wrote (sampled every 50 ms)."},
			func() float64 { _, lag := r.Status(); return lag.Seconds() }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tender_replica_up",
			Help: "1 when the read replica serves reads (streaming within the lag bound), 0 when reads fall back to the primary."},
			func() float64 {
				if st, _ := r.Status(); st == "streaming" {
					return 1
				}
				return 0
			}),
	}
}

func (r *readReplica) close() error {
	return errors.Join(r.Store.Close(), r.primaryDB.Close(), r.replicaDB.Close())
}
