package sqldb

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// Dialect is what differs between databases.
type Dialect struct {
	Name string
	// Queries are the named statements of the dialect's queries.sql.
	Queries map[string]string
	// Migrations holds NNN_name.sql files.
	Migrations fs.FS
	// MigrationLock is run first in the migration transaction to serialise
	// concurrent migrators ("" when BEGIN already serialises).
	MigrationLock string
	// Interpret maps a driver error to a *tender.Error where it has a
	// meaning (unique violation → ECONFLICT); others are returned wrapped.
	Interpret func(error) error
	// Unreachable, if set, reports whether a driver error means the
	// database could not be reached (or dropped the connection); such
	// errors become EUNAVAILABLE (503 with Retry-After).
	Unreachable func(error) bool
	// TimeArg converts a time for use as a query argument.
	TimeArg func(time.Time) any
	// PrepareOnce keeps statements prepared per connection (for drivers
	// that do not cache them themselves; pgx does).
	PrepareOnce bool
	// FTSSearch: the " by keywords" query variants take an FTS5 MATCH
	// expression (SQLite's trigram tables); otherwise a LIKE pattern for a
	// trigram index (search.go).
	FTSSearch bool
	// GroupCommit: the single writer runs concurrent write transactions
	// as savepoints of one shared transaction (group_commit.go).
	GroupCommit bool

	// Capabilities: what the dialect can do in one statement or needs
	// done besides the common queries. Each is declared here, not inferred
	// from a query's presence; New checks that a declared capability's
	// queries exist and that an undeclared one's do not (they would never
	// run), so a typo in a query name fails at open, not as a silent
	// fallback.

	// CreateClaimedInOne: TransactionCreateClaimed inserts the transaction
	// and claims its idempotency key in one statement (no BEGIN and
	// COMMIT round trips); otherwise the two inserts run in InTx.
	CreateClaimedInOne bool
	// CreateDecidedInOne: TransactionCreateDecided writes the decided
	// transaction, its idempotency key, its ledger entry and its event in
	// one statement; otherwise the four inserts run in InTx.
	CreateDecidedInOne bool
	// FinalizeInOne: TransactionFinalize updates the pending transaction,
	// writes its event and completes its idempotency key in one
	// statement; otherwise the three run in InTx.
	FinalizeInOne bool
	// PositionBatch is how many objects one numbering transaction takes
	// (Store.PositionBatch).
	PositionBatch int
	// NumbererLocks: the list numberers take a transaction-scoped try-lock
	// (ListPositionsLock, TransactionPositionsLock) so that one numbers at
	// a time; without it (SQLite) InTx already holds the one write lock.
	NumbererLocks bool
	// SearchIndexedByNumberer: a transaction's keyword-search index entry
	// is written by the numberer, in its batch (TransactionSearchIndex),
	// not by the transaction's own insert; until then keyword search
	// finds it among the queued (SQLite: FTS5 writes a segment at every
	// savepoint release, and each group-commit unit is one).
	SearchIndexedByNumberer bool
	// ResponseInEvent: a decided payment's idempotency key whose response
	// is its event's payload, byte for byte, stores no copy and points at
	// the event (IdempotencyInsertEventResponse); IdempotencyGet reads the
	// payload back (SQLite: the copy took a 4 KiB page of its own a
	// charge).
	ResponseInEvent bool
	// CompressEvents: event payloads of compressAtLeast bytes or more are
	// stored S2-compressed (compressed.go), and every JSON column read
	// back decompresses what is (SQLite: a charge's event took a 4 KiB page
	// of its own; PostgreSQL compresses them in TOAST).
	CompressEvents bool
}

// capability is a Dialect flag and the queries it needs.
type capability struct {
	name    string
	on      bool
	queries []string
}

// capabilities lists the dialect's flags with their queries.
func (d *Dialect) capabilities() []capability {
	return []capability{
		{"CreateClaimedInOne", d.CreateClaimedInOne, []string{"TransactionCreateClaimed"}},
		{"CreateDecidedInOne", d.CreateDecidedInOne, []string{"TransactionCreateDecided"}},
		{"FinalizeInOne", d.FinalizeInOne, []string{"TransactionFinalize"}},
		{"NumbererLocks", d.NumbererLocks, []string{"ListPositionsLock", "TransactionPositionsLock"}},
		{"SearchIndexedByNumberer", d.SearchIndexedByNumberer, []string{"TransactionSearchIndex"}},
		{"ResponseInEvent", d.ResponseInEvent, []string{"IdempotencyInsertEventResponse"}},
	}
}

// checkCapabilities reports a declared capability whose queries are
// missing, or queries of an undeclared one.
func (d *Dialect) checkCapabilities() error {
	for _, c := range d.capabilities() {
		for _, name := range c.queries {
			if _, ok := d.Queries[name]; ok != c.on {
				if c.on {
					return fmt.Errorf("sqldb: dialect %s declares %s but lacks query %s", d.Name, c.name, name)
				}
				return fmt.Errorf("sqldb: dialect %s has query %s but does not declare %s", d.Name, name, c.name)
			}
		}
	}
	return nil
}

// ParseQueries splits a .sql file into statements named by "-- name: X"
// lines. Comment lines after a statement (those introducing the next one)
// are not part of it: SQLite's driver takes text after a statement's ";"
// for a script, which it parses afresh on every run instead of keeping
// it prepared.
func ParseQueries(src string) (map[string]string, error) {
	out := map[string]string{}
	var name string
	var b strings.Builder
	flush := func() {
		if name != "" {
			lines := strings.Split(strings.TrimSpace(b.String()), "\n")
			for len(lines) > 1 {
				if l := strings.TrimSpace(lines[len(lines)-1]); l != "" && !strings.HasPrefix(l, "--") {
					break
				}
				lines = lines[:len(lines)-1]
			}
			out[name] = strings.TrimSpace(strings.Join(lines, "\n"))
		}
		b.Reset()
	}
	sc := bufio.NewScanner(strings.NewReader(src))
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
			flush()
			name = strings.TrimSpace(n)
			if _, dup := out[name]; dup {
				return nil, fmt.Errorf("query %s defined twice", name)
			}
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	flush()
	return out, sc.Err()
}

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is a store.Store. For SQLite, write is a single-connection pool whose
// transactions begin IMMEDIATE and read is a pool of readers; for PostgreSQL
// both are the same pool.
type DB struct {
	*exec
	read, write *sql.DB
	// stmtW, stmtR cache prepared statements (Dialect.PrepareOnce).
	stmtW, stmtR *stmtDB
	onClose      []func()
	eventsHook   atomic.Pointer[func()]
	// gc groups write transactions (Dialect.GroupCommit), or is nil.
	gc *groupCommit
}

// OnEventsCommitted has f called after every commit that wrote an event
// (EventInsert or TransactionFinalize), outside the transaction: the
// webhook relay is woken by it instead of waiting for its next poll.
func (db *DB) OnEventsCommitted(f func()) { db.eventsHook.Store(&f) }

func (db *DB) eventsCommitted() {
	if f := db.eventsHook.Load(); f != nil {
		(*f)()
	}
}

// OnClose has Close call f first (to stop a dialect's background work).
func (db *DB) OnClose(f func()) { db.onClose = append(db.onClose, f) }

// New wraps opened pools. It checks that every query the code uses exists,
// as the dialect wrote it or as generated from what it wrote.
func New(d *Dialect, read, write *sql.DB) (*DB, error) {
	if err := d.checkCapabilities(); err != nil {
		return nil, err
	}
	expanded := *d
	queries, err := withVariants(maps.Clone(d.Queries))
	if err != nil {
		return nil, err
	}
	for _, name := range requiredQueries {
		_, written := d.Queries[name]
		if _, generated := queries[name]; !written && !generated {
			return nil, fmt.Errorf("sqldb: dialect %s lacks query %s", d.Name, name)
		}
	}
	if queries, err = withMultiRow(withListPages(queries)); err != nil {
		return nil, err
	}
	// TransactionUpdatePending is TransactionUpdate on condition that the
	// row is still PENDING, derived so that the two cannot drift apart. The
	// state is compared with a subquery's value, not a literal: with the
	// literal, PostgreSQL's planner can prove the partial index
	// transactions_pending's predicate and reaches the row through it
	// (filtering on id), and under load that index holds the dead entries of
	// every charge finished since the last vacuum: 290 buffers instead of 6
	// at 20,000 finished charges (EXPLAIN ANALYZE, docs/benchmarks.md). A
	// value known only when the statement runs leaves the primary key.
	queries["TransactionUpdatePending"] = strings.TrimSuffix(strings.TrimSpace(queries["TransactionUpdate"]), ";") +
		"\n  AND status = (SELECT 'PENDING');"
	if err := withIncludes(queries); err != nil {
		return nil, err
	}
	expanded.Queries = queries
	d = &expanded
	db := &DB{read: read, write: write}
	db.exec = &exec{d: d, r: read, w: write, wroteEvent: db.eventsCommitted}
	if d.PrepareOnce {
		db.stmtW, db.stmtR = newStmtDB(write), newStmtDB(read)
		if read == write {
			db.stmtR = db.stmtW
		}
		db.exec = &exec{d: d, r: db.stmtR, w: db.stmtW, wroteEvent: db.eventsCommitted}
	}
	if d.GroupCommit {
		db.gc = newGroupCommit(db)
		db.exec.w = &batchedWriter{querier: db.exec.w, gc: db.gc}
	}
	return db, nil
}

// include is a query's {{Name}}: the text of query Name there.
var include = regexp.MustCompile(`\{\{(\w+)\}\}`)

// withIncludes puts in each {{Name}} the query Name without its ";" (a
// dialect's TransactionFinalize includes TransactionUpdatePending, its
// TransactionCreateClaimed TransactionCreate), so that a statement that
// does one more thing in one round trip cannot drift apart from the plain
// one. An included query includes none.
func withIncludes(queries map[string]string) error {
	written := maps.Clone(queries)
	for name, q := range written {
		var missing string
		q = include.ReplaceAllStringFunc(q, func(m string) string {
			in, ok := written[m[2:len(m)-2]]
			if !ok || include.MatchString(in) {
				missing = m
			}
			return strings.TrimSuffix(strings.TrimSpace(in), ";")
		})
		if missing != "" {
			return fmt.Errorf("sqldb: query %s includes %s, which is no query or includes one", name, missing)
		}
		queries[name] = q
	}
	return nil
}

// SQLDB is the pool that writes (the single SQLite writer, or the
// PostgreSQL pool), for a job queue that shares the database.
func (db *DB) SQLDB() *sql.DB { return db.write }

// SQLTx is the database transaction the executor runs in, or nil outside
// InTx, so that a job queue can enqueue inside the business transaction.
func (e *exec) SQLTx() *sql.Tx {
	w := e.w
	if d, ok := w.(detached); ok {
		w = d.q
	}
	switch w := w.(type) {
	case *sql.Tx:
		return w
	case *stmtTx:
		return w.tx
	}
	return nil
}

// Dialect names the database.
func (db *DB) Dialect() string { return db.d.Name }

// PositionBatch is the dialect's numbering batch (store.Store).
func (db *DB) PositionBatch() int { return db.d.PositionBatch }

// QueryText is the text of the named query or variant ("" if none), as
// the store runs it, for tests and benchmarks of its plan.
func (db *DB) QueryText(name string) string { return db.d.Queries[name] }

// Ping checks both pools.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return err
	}
	return db.read.PingContext(ctx)
}

// Close closes the pools.
func (db *DB) Close() error {
	for _, f := range db.onClose {
		f()
	}
	if db.stmtW != nil {
		db.stmtW.close()
		db.stmtR.close()
	}
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// InTx runs fn in a transaction on the write pool.
func (db *DB) InTx(ctx context.Context, fn func(tx store.Executor) error) (err error) {
	if db.gc != nil {
		return db.gc.run(ctx, fn)
	}
	var wrote bool
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.d.wrap(err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
			return
		}
		if cerr := tx.Commit(); cerr != nil {
			err = db.d.wrap(cerr)
		} else if wrote {
			db.eventsCommitted()
		}
		if db.stmtW != nil {
			db.stmtW.prepareMissed(context.WithoutCancel(ctx))
		}
	}()
	// An event written in the transaction is announced after the commit.
	mark := func() { wrote = true }
	q := db.txQuerier(tx)
	return runLater(&exec{d: db.d, r: q, w: q, wroteEvent: mark}, fn)
}

// txQuerier runs tx's queries, through the prepared statements where the
// dialect keeps them (PrepareOnce).
func (db *DB) txQuerier(tx *sql.Tx) querier {
	if db.stmtW != nil {
		return &stmtTx{tx: tx, db: db.stmtW}
	}
	return tx
}

// Migrate applies the pending migrations in one transaction, under the
// dialect's migration lock: a concurrent instance waits for it and then
// finds nothing pending, and a failing migration leaves the schema as it
// was, with none of the set applied (an upgrade is all or nothing). One
// transaction instead of one per migration also spares a fresh schema some
// 200 round trips and 30 commits.
func (db *DB) Migrate(ctx context.Context) error {
	names, err := fs.Glob(db.d.Migrations, "*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS tender_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		// Two processes racing to create the table: the loser sees it exists.
		if _, err2 := db.write.ExecContext(ctx, `SELECT 1 FROM tender_migrations LIMIT 1`); err2 != nil {
			return fmt.Errorf("create migrations table: %w", err)
		}
	}
	if err := db.applyPending(ctx, names); err != nil {
		return err
	}
	return db.schemaAhead(ctx, names)
}

// applyPending runs, in one transaction under the migration lock, each of
// names not yet recorded in tender_migrations, recording it.
func (db *DB) applyPending(ctx context.Context, names []string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if db.d.MigrationLock != "" {
		if _, err := tx.ExecContext(ctx, db.d.MigrationLock); err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
	}
	// Read after the lock is held: what a concurrent instance applied
	// meanwhile counts as applied.
	applied := map[string]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT version FROM tender_migrations`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := time.Now().UTC().Format(time.RFC3339)
	for _, name := range names {
		if applied[name] {
			continue
		}
		body, err := fs.ReadFile(db.d.Migrations, name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tender_migrations (version, applied_at) VALUES ($1, $2)`, name, now); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return nil
}

// schemaAhead returns a *store.SchemaAheadError when the database records
// migrations that are not among known (a newer release applied them).
func (db *DB) schemaAhead(ctx context.Context, known []string) error {
	rows, err := db.write.QueryContext(ctx, `SELECT version FROM tender_migrations ORDER BY version`)
	if err != nil {
		return err
	}
	defer rows.Close()
	have := make(map[string]bool, len(known))
	for _, n := range known {
		have[n] = true
	}
	var unknown []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return err
		}
		if !have[v] && !strings.HasPrefix(v, onceVersion) {
			unknown = append(unknown, v)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(unknown) == 0 {
		return nil
	}
	newest := "none"
	if len(known) > 0 {
		newest = known[len(known)-1]
	}
	return &store.SchemaAheadError{Unknown: unknown, Newest: newest}
}

func (d *Dialect) wrap(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return tender.Errorf(tender.ENOTFOUND, "not found")
	}
	if _, ok := err.(*tender.Error); ok {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	if d.Unreachable != nil && d.Unreachable(err) {
		return &tender.Error{Code: tender.EUNAVAILABLE, Message: unavailableMessage, Cause: err}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return d.Interpret(err)
}

// unavailableMessage is the answer while the database is unreachable.
const unavailableMessage = "The database is unavailable; retry later. A retry with the same idempotency_id is safe: the request is applied at most once."

// exec runs queries on r (reads) and w (writes).
type exec struct {
	d    *Dialect
	r, w querier
	// wroteEvent is called when a statement wrote an event: inside InTx
	// it marks the transaction (announced after its commit), outside it
	// announces the event at once.
	wroteEvent func()
	// later holds what Later queued, inside InTx (nil outside it).
	later *[]func() error
}

func (e *exec) q(name string) string {
	return e.d.Queries[name]
}

func (e *exec) t(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return e.d.TimeArg(t.UTC().Truncate(time.Microsecond))
}

func (e *exec) execOne(ctx context.Context, name string, args ...any) error {
	res, err := e.w.ExecContext(ctx, e.q(name), args...)
	if err != nil {
		return e.d.wrap(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return e.d.wrap(err)
	}
	if n == 0 {
		return tender.Errorf(tender.ENOTFOUND, "not found")
	}
	return nil
}

// requiredQueries lists every named statement the Go code runs; New checks a
// dialect defines them all. Each entity's file adds its own in an init.
var requiredQueries = []string{"OnceClaim"}

// onceVersion prefixes the one-time steps OnceClaim records in the
// migrations table: not migrations, never a schema ahead of the build.
const onceVersion = "once:"

// OnceClaim records the one-time step name; false when it was already taken.
func (e *exec) OnceClaim(ctx context.Context, name string, at time.Time) (bool, error) {
	res, err := e.w.ExecContext(ctx, e.q("OnceClaim"), onceVersion+name, at.UTC().Format(time.RFC3339))
	if err != nil {
		return false, e.d.wrap(err)
	}
	n, err := res.RowsAffected()
	return n == 1, e.d.wrap(err)
}

type rowScanner interface{ Scan(dest ...any) error }

func (e *exec) notFound(err error, what string) error {
	if err == sql.ErrNoRows {
		return tender.NotFound(what)
	}
	return e.d.wrap(err)
}

// tp is t for a nullable time column (nil: NULL).
func (e *exec) tp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return e.t(*t)
}
