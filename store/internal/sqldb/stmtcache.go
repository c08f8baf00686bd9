package sqldb

import (
	"context"
	"database/sql"
	"sync"
)

// stmtDB runs queries as statements prepared once per connection and kept:
// SQLite (modernc) parses every statement it is given afresh, which cost a
// fifth of a charge's CPU. The SQL is the cache key; every query comes from
// the dialect's .sql files (sorts are whitelisted), so the cache is bounded.
//
// A statement is prepared when first used: all of them ahead, each on
// every connection, held about 12 MB of SQLite's memory (idle RSS 26 MB
// with them, 14 without) for queries most servers seldom or never run.
// A transaction cannot prepare on the pool (see stmtTx): what it runs
// unprepared is noted (missed) and prepared once the transaction is over
// (prepareMissed).
type stmtDB struct {
	db     *sql.DB
	mu     sync.RWMutex
	stmts  map[string]*sql.Stmt
	missed map[string]struct{}
}

func newStmtDB(db *sql.DB) *stmtDB {
	return &stmtDB{db: db, stmts: map[string]*sql.Stmt{}, missed: map[string]struct{}{}}
}

func (s *stmtDB) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := s.cached(query); st != nil {
		return st, nil
	}
	// Prepared without holding mu: on the single writer, preparing waits
	// for its connection, which a transaction holds while it looks up its
	// own statements (cached) under mu.
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev := s.stmts[query]; prev != nil {
		_ = st.Close()
		return prev, nil
	}
	s.stmts[query] = st
	delete(s.missed, query)
	return st, nil
}

func (s *stmtDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (s *stmtDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (s *stmtDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := s.stmt(ctx, query)
	if err != nil {
		// A Row carrying the error: QueryRowContext on the pool re-reports it.
		return s.db.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

func (s *stmtDB) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.stmts {
		_ = st.Close()
	}
	s.stmts = map[string]*sql.Stmt{}
}

// cached returns the statement already prepared for query, or nil.
func (s *stmtDB) cached(query string) *sql.Stmt {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.stmts[query]
}

// miss notes a query a transaction ran unprepared.
func (s *stmtDB) miss(query string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.stmts[query]; !ok {
		s.missed[query] = struct{}{}
	}
}

// prepareMissed prepares the queries transactions ran unprepared, on the
// pool: the caller has just ended its transaction, so the connection is
// free. A query that fails to prepare keeps running unprepared, and is
// tried again after the next transaction that runs it.
func (s *stmtDB) prepareMissed(ctx context.Context) {
	s.mu.Lock()
	missed := s.missed
	if len(missed) == 0 {
		s.mu.Unlock()
		return
	}
	s.missed = map[string]struct{}{}
	s.mu.Unlock()
	for q := range missed {
		_, _ = s.stmt(ctx, q)
	}
}

// stmtTx runs a transaction's queries through the pool's prepared
// statements (database/sql reuses the one prepared on the transaction's
// connection). It never prepares on the pool itself: with SQLite's single
// writer connection held by this transaction, that would wait for ever; a
// query not prepared yet runs unprepared.
type stmtTx struct {
	tx *sql.Tx
	db *stmtDB
}

func (t *stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.db.cached(query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	t.db.miss(query)
	return t.tx.ExecContext(ctx, query, args...)
}

func (t *stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.db.cached(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	t.db.miss(query)
	return t.tx.QueryContext(ctx, query, args...)
}

func (t *stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.db.cached(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	t.db.miss(query)
	return t.tx.QueryRowContext(ctx, query, args...)
}
