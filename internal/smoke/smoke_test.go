package smoke

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
	"github.com/tenderpay/tender/store/postgres"
	"github.com/tenderpay/tender/store/sqlite"
)

func TestSmoke(t *testing.T) {
	ctx := context.Background()
	s1, err := sqlite.Open(ctx, t.TempDir()+"/x.db")
	if err != nil {
		t.Fatal(err)
	}
	run(t, s1)
	// fresh schema on pg
	db, _ := sql.Open("pgx", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	db.Exec("DROP SCHEMA IF EXISTS smoke CASCADE")
	if _, err := db.Exec("CREATE SCHEMA smoke"); err != nil {
		t.Fatal(err)
	}
	s2, err := postgres.Open(ctx, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable&search_path=smoke", postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	run(t, s2)
}

func run(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := tender.NewTime(time.Now())
	m := &tender.Merchant{ID: uuid.NewString(), CompanyName: "x", Status: "ACTIVE", WebPaymentsToken: "wp" + uuid.NewString(), AllowedOrigins: []string{}, CreatedAt: now, UpdatedAt: now}
	if err := s.MerchantCreate(ctx, m); err != nil {
		t.Fatal(err)
	}
	c := &tender.Customer{ID: uuid.NewString(), MerchantID: m.ID, Firstname: "A", CCEmails: []string{}, CreatedAt: now, UpdatedAt: now}
	if err := s.CustomerCreate(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := s.CustomerGet(ctx, m.ID, c.ID)
	if err != nil || got.Firstname != "A" || !got.CreatedAt.Equal(now.Time) {
		t.Fatal(got, err)
	}
	p, err := s.CustomerList(ctx, m.ID, tender.CustomerFilter{Keywords: []string{"a"}}, tender.ListParams{Page: 1, PerPage: 10, Desc: true})
	if err != nil || p.Total != 1 {
		t.Fatal(p, err)
	}
	pm := &tender.PaymentMethod{ID: uuid.NewString(), MerchantID: m.ID, CustomerID: c.ID, Method: "card", Meta: []byte("{}"), Fingerprint: "f", CreatedAt: now, UpdatedAt: now}
	if err := s.PaymentMethodCreate(ctx, pm, &tender.PaymentMethodSecret{SealedNumber: "sealed"}); err != nil {
		t.Fatal(err)
	}
	pm.Nickname = "n"
	if err := s.PaymentMethodUpdate(ctx, pm); err != nil {
		t.Fatal(err)
	}
	tx := &tender.Transaction{ID: uuid.NewString(), MerchantID: m.ID, Type: "charge", Status: "PENDING", Total: 100, Meta: []byte("{}"), CreatedAt: now, UpdatedAt: now}
	if err := s.TransactionCreate(ctx, tx); err != nil {
		t.Fatal(err)
	}
	tx.Status, tx.Success, tx.Captured = "SUCCESS", true, 100
	if err := s.InTx(ctx, func(e store.Executor) error {
		if _, err := e.TransactionGetForUpdate(ctx, m.ID, tx.ID); err != nil {
			return err
		}
		return e.TransactionUpdate(ctx, tx)
	}); err != nil {
		t.Fatal(err)
	}
	child := &tender.Transaction{ID: uuid.NewString(), ParentID: tx.ID, MerchantID: m.ID, Type: "refund", Status: "PENDING", Total: 10, Meta: []byte("{}"), CreatedAt: now, UpdatedAt: now}
	if err := s.TransactionCreate(ctx, child); err != nil {
		t.Fatal(err)
	}
	if err := s.TransactionUpdate(ctx, child); err != nil {
		t.Fatal(err)
	}
	kids, err := s.TransactionChildren(ctx, m.ID, []string{tx.ID})
	if err != nil || len(kids) != 1 {
		t.Fatal(kids, err)
	}
	tl, err := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 10})
	if err != nil || tl.Total != 2 {
		t.Fatal(tl, err)
	}
	if _, err := s.TransactionsPending(ctx, time.Now().Add(time.Hour), 10); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TransactionsUnsettled(ctx, "", time.Now().Add(time.Hour), 10); err != nil {
		t.Fatal(err)
	}
	r := &tender.IdempotencyRecord{MerchantID: m.ID, Scope: "charge", Key: "k", RequestHash: "h", State: "in_flight", TransactionID: tx.ID, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := s.IdempotencyInsert(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := s.IdempotencyInsert(ctx, r); tender.ErrorCode(err) != tender.ECONFLICT {
		t.Fatal("want conflict", err)
	}
	if _, err := s.IdempotencyByTransaction(ctx, tx.ID); err != nil {
		t.Fatal(err)
	}
	e := &store.SandboxEntry{Key: "k1", Op: "sale", Ref: "r1", Amount: 5, Approved: true, CreatedAt: time.Now()}
	if _, ins, err := s.SandboxRecord(ctx, e); err != nil || !ins {
		t.Fatal(err)
	}
	if st, ins, err := s.SandboxRecord(ctx, &store.SandboxEntry{Key: "k1", Op: "fenced", CreatedAt: time.Now()}); err != nil || ins || st.Op != "sale" {
		t.Fatal(st, err)
	}
	if sums, err := s.SandboxSums(ctx, "r1"); err != nil || sums.Captured != 0 {
		t.Fatal(err)
	}
	if g, err := s.SandboxGet(ctx, "none"); err != nil || g != nil {
		t.Fatal(g, err)
	}
	if _, err := s.PaymentMethodSecretsPage(ctx, "", 10); err != nil {
		t.Fatal(err)
	}
	if err := s.PaymentMethodClearDefault(ctx, m.ID, c.ID, pm.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PaymentMethodList(ctx, m.ID, tender.PaymentMethodFilter{CustomerID: c.ID}, tender.ListParams{Page: 1, PerPage: 5}); err != nil {
		t.Fatal(err)
	}
}
