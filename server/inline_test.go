package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/server"
	"github.com/tenderpay/tender/service"
)

// TestSandboxPaymentsCommitOnce: on the sandbox, whose ledger is a table
// of Tender's own database, a capture, a void and an invoice's payment
// each commit once: the reservation, the processor's answer and its
// record in one database transaction. Any other processor (here the
// sandbox behind a wrapper, which hides that its ledger is local) takes
// three: the reservation, the processor's own write, the answer's record.
// Counted on SQLite's group commit, with no background worker running
// (the server is not started).
func TestSandboxPaymentsCommitOnce(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		wrap  func(gateway.Gateway) gateway.Gateway
		units int64
	}{
		{"sandbox", nil, 1},
		{"wrapped", func(g gateway.Gateway) gateway.Gateway { return struct{ gateway.Gateway }{g} }, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv, err := server.New(ctx, server.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Sandbox: true,
				RateLimit: -1, Out: io.Discard, Logger: slog.New(slog.DiscardHandler), WrapGateway: c.wrap})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			stats, ok := srv.Store.(interface{ GroupCommitStats() (int64, int64) })
			if !ok {
				t.Fatal("the SQLite store reports no group-commit stats")
			}
			svc, m := srv.Service, srv.Sandbox.MerchantID
			decode := func(v any, s string) {
				t.Helper()
				if err := json.Unmarshal([]byte(s), v); err != nil {
					t.Fatal(err)
				}
			}
			var custIn tender.CustomerInput
			decode(&custIn, `{"firstname":"Once","email":"once@example.com"}`)
			cust, err := svc.CreateCustomer(ctx, m, &custIn)
			if err != nil {
				t.Fatal(err)
			}
			var pmIn tender.PaymentMethodInput
			decode(&pmIn, `{"method":"card","customer_id":"`+cust.ID+`","person_name":"A B","card_number":"4111111111111111","card_cvv":"123","card_exp":"1230"}`)
			pm, err := svc.CreatePaymentMethod(ctx, m, &pmIn)
			if err != nil {
				t.Fatal(err)
			}
			preAuth := func() string {
				t.Helper()
				var in tender.ChargeInput
				decode(&in, `{"payment_method_id":"`+pm.ID+`","total":20,"pre_auth":true}`)
				res, err := svc.Charge(ctx, m, &in, false)
				if err != nil || res.Outcome != "" {
					t.Fatalf("pre-auth: %v %v", res, err)
				}
				return res.View.ID
			}
			// units counts the write units act takes and checks its answer.
			units := func(name string, act func() (*service.Result, error)) {
				t.Helper()
				_, before := stats.GroupCommitStats()
				res, err := act()
				if err != nil || res.Outcome != "" {
					t.Fatalf("%s: %+v %v", name, res, err)
				}
				if _, after := stats.GroupCommitStats(); after-before != c.units {
					t.Errorf("%s took %d write units, want %d", name, after-before, c.units)
				}
			}
			var capture tender.ActionInput
			decode(&capture, `{"total":15}`)
			captured := preAuth()
			units("capture", func() (*service.Result, error) { return svc.Act(ctx, m, captured, tender.OpCapture, &capture) })
			voided := preAuth()
			units("void", func() (*service.Result, error) {
				return svc.Act(ctx, m, voided, tender.OpVoid, &tender.ActionInput{})
			})
			var invIn tender.InvoiceInput
			decode(&invIn, `{"customer_id":"`+cust.ID+`","total":12,"meta":{"subtotal":12}}`)
			inv, err := svc.CreateInvoice(ctx, m, &invIn)
			if err != nil {
				t.Fatal(err)
			}
			var pay tender.PayInvoiceInput
			decode(&pay, `{"payment_method_id":"`+pm.ID+`","idempotency_id":"once"}`)
			units("invoice payment", func() (*service.Result, error) { return svc.PayInvoice(ctx, m, inv.ID, &pay) })

			// What each committed: the parents and the invoice as the
			// processor answered.
			for id, want := range map[string]func(*tender.Transaction) bool{
				captured: func(p *tender.Transaction) bool { return p.IsCaptured && p.Captured == 1500 && p.PendingOp == "" },
				voided:   func(p *tender.Transaction) bool { return p.IsVoided && p.PendingOp == "" },
			} {
				p, err := srv.Store.TransactionGet(ctx, m, id)
				if err != nil || !want(p) {
					t.Errorf("%s after its follow-up: %+v %v", id, p, err)
				}
			}
			if got, err := srv.Store.InvoiceGet(ctx, m, inv.ID); err != nil || got.Status != tender.InvoicePaid || got.PendingPayments != 0 {
				t.Errorf("the invoice after its payment: %+v %v", got, err)
			}
		})
	}
}
