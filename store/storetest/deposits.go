package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseDeposits checks deposits and the reports (/query/*): a deposit's
// sums, fees and net, its lines, pages in both orders against a list
// computed here, batched_at ranges, other merchants' rows never showing,
// a transaction in one deposit once, each statement report's rows and the
// team summary.
func exerciseDeposits(t *testing.T, open Open) {
	t.Run("Deposits", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		s := open(t)
		base := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		m := newMerchant(t, s, tender.NewTime(base))
		other := newMerchant(t, s, tender.NewTime(base))
		c := createCustomer(t, s, m.ID, tender.NewTime(base))
		mc := newPaymentMethod(m.ID, c.ID, tender.NewTime(base))
		mc.CardType = "mastercard"
		createPaymentMethod(t, s, mc)
		// Deposit i (0..6) is batched on day i and holds i+1 sales of
		// 10.00 (fee 0.59 each); deposit 3 also pays out a credit and
		// deposit 5 has a bank return.
		type want struct {
			id    string
			count int64
			net   tender.Amount
		}
		var deposits []want
		for i := range 7 {
			at := base.AddDate(0, 0, i)
			w := want{id: tender.NewID()}
			add := func(kind string, amount, fee tender.Amount) {
				t.Helper()
				tx := newTransaction(m.ID, "", tender.NewTime(at))
				tx.PaymentMethodID, tx.Status, tx.Success, tx.Total, tx.Captured = mc.ID, tender.StatusSuccess, true, amount, amount
				if kind == tender.DepositCredit {
					tx.Type = tender.TxCredit
				}
				if err := s.TransactionCreate(ctx, tx); err != nil {
					t.Fatal(err)
				}
				err := s.InTx(ctx, func(x store.Executor) error {
					return x.DepositRecord(ctx, &tender.DepositEntry{MerchantID: m.ID, DepositID: w.id, TransactionID: tx.ID,
						Kind: kind, Amount: amount, Fee: fee, At: at})
				})
				if err != nil {
					t.Fatal(err)
				}
				w.count++
				if kind == tender.DepositSale {
					w.net += amount - fee
				} else {
					w.net -= amount + fee
				}
			}
			for range i + 1 {
				add(tender.DepositSale, 1000, 59)
			}
			if i == 3 {
				add(tender.DepositCredit, 250, 0)
			}
			if i == 5 {
				add(tender.DepositReturn, 1000, 0)
			}
			deposits = append(deposits, w)
		}
		// Another merchant's deposit, on the same day as the last.
		otx := newTransaction(other.ID, "", tender.NewTime(base))
		if err := s.TransactionCreate(ctx, otx); err != nil {
			t.Fatal(err)
		}
		oid := tender.NewID()
		if err := s.DepositRecord(ctx, &tender.DepositEntry{MerchantID: other.ID, DepositID: oid, TransactionID: otx.ID,
			Kind: tender.DepositSale, Amount: 1000, At: base.AddDate(0, 0, 6)}); err != nil {
			t.Fatal(err)
		}
		// A transaction is in one deposit once.
		err := s.DepositRecord(ctx, &tender.DepositEntry{MerchantID: other.ID, DepositID: oid, TransactionID: otx.ID,
			Kind: tender.DepositSale, Amount: 1000, At: base.AddDate(0, 0, 6)})
		if tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("recording a transaction twice: %v, want ECONFLICT", err)
		}

		d, err := s.DepositGet(ctx, m.ID, deposits[3].id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Count != 5 || d.Sales != 4000 || d.Credits != 250 || d.Fees != 4*59 || d.Net != 4000-250-4*59 ||
			!d.BatchedAt.Equal(base.AddDate(0, 0, 3)) {
			t.Fatalf("deposit 3: %+v", d)
		}
		if d, err := s.DepositGet(ctx, m.ID, deposits[5].id); err != nil || d.Returns != 1000 || d.Net != deposits[5].net {
			t.Fatalf("deposit 5: %+v, %v", d, err)
		}
		if _, err := s.DepositGet(ctx, other.ID, deposits[3].id); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("another merchant's deposit: %v", err)
		}

		day := func(i int) time.Time { return base.AddDate(0, 0, i) }
		for _, c := range []struct {
			f        tender.DepositFilter
			from, to int // deposits[from..to] match
		}{
			{tender.DepositFilter{}, 0, 6},
			{tender.DepositFilter{BatchedFrom: day(2)}, 2, 6},
			{tender.DepositFilter{BatchedTo: day(4).Add(-time.Second)}, 0, 3},
			{tender.DepositFilter{BatchedFrom: day(1).Add(time.Second), BatchedTo: day(5)}, 2, 5},
			{tender.DepositFilter{BatchedFrom: day(9)}, 7, 6},
		} {
			match := deposits[c.from : c.to+1]
			for _, desc := range []bool{true, false} {
				for perPage := 1; perPage <= 3; perPage++ {
					var got []string
					for page := 1; page <= 8; page++ {
						p, err := s.DepositList(ctx, m.ID, c.f, tender.ListParams{Page: page, PerPage: perPage, Sort: "batched_at", Desc: desc})
						if err != nil {
							t.Fatal(err)
						}
						if p.Total != len(match) {
							t.Fatalf("%+v: total %d, want %d", c.f, p.Total, len(match))
						}
						for _, d := range p.Items {
							got = append(got, d.ID)
						}
					}
					var wantIDs []string
					for i := range match {
						if desc {
							wantIDs = append(wantIDs, match[len(match)-1-i].id)
						} else {
							wantIDs = append(wantIDs, match[i].id)
						}
					}
					if fmt.Sprint(got) != fmt.Sprint(wantIDs) {
						t.Fatalf("%+v desc=%v per_page=%d: %v, want %v", c.f, desc, perPage, got, wantIDs)
					}
				}
			}
		}
		if p, err := s.DepositList(ctx, other.ID, tender.DepositFilter{}, tender.ListParams{Page: 1, PerPage: 25, Desc: true}); err != nil || p.Total != 1 {
			t.Fatalf("the other merchant's deposits: %+v, %v", p, err)
		}

		// Lines: newest first, each with its fee, net and the card's brand.
		lines, err := s.DepositLines(ctx, m.ID, deposits[5].id, tender.ListParams{Page: 1, PerPage: 4, Desc: true})
		if err != nil {
			t.Fatal(err)
		}
		if lines.Total != 7 || len(lines.Items) != 4 || lines.Items[0].Kind != tender.DepositReturn || lines.Items[0].Net != -1000 ||
			lines.Items[1].Fee != 59 || lines.Items[1].Net != 941 || lines.Items[1].CardType != "mastercard" {
			b, _ := json.Marshal(lines)
			t.Fatalf("deposit 5's lines: %s", b)
		}
		rest, err := s.DepositLines(ctx, m.ID, deposits[5].id, tender.ListParams{Page: 2, PerPage: 4, Desc: true})
		if err != nil || len(rest.Items) != 3 || rest.Items[2].Kind != tender.DepositSale {
			t.Fatalf("deposit 5's second page: %+v, %v", rest, err)
		}
		if _, err := s.DepositLines(ctx, other.ID, deposits[5].id, tender.ListParams{Page: 1, PerPage: 4}); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("another merchant's deposit lines: %v", err)
		}
	})

	t.Run("Reports", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		s := open(t)
		base := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
		m := newMerchant(t, s, tender.NewTime(base))
		other := newMerchant(t, s, tender.NewTime(base))
		c := createCustomer(t, s, m.ID, tender.NewTime(base))
		visa := newPaymentMethod(m.ID, c.ID, tender.NewTime(base))
		amex := newPaymentMethod(m.ID, c.ID, tender.NewTime(base))
		amex.CardType = "amex"
		createPaymentMethod(t, s, visa)
		createPaymentMethod(t, s, amex)
		mk := func(merchantID string, dayN int, f func(*tender.Transaction)) *tender.Transaction {
			t.Helper()
			tx := newTransaction(merchantID, "", tender.NewTime(base.AddDate(0, 0, dayN)))
			tx.PaymentMethodID, tx.Status, tx.Success, tx.Total, tx.Captured, tx.IsCaptured = visa.ID, tender.StatusSuccess, true, 1000, 1000, true
			if f != nil {
				f(tx)
			}
			if err := s.TransactionCreate(ctx, tx); err != nil {
				t.Fatal(err)
			}
			return tx
		}
		// Day 0: two visa sales (one surcharged 0.30), an amex sale of 25.
		sale := mk(m.ID, 0, func(x *tender.Transaction) { x.Surcharge = 30; x.TotalRefunded = 400 })
		mk(m.ID, 0, nil)
		mk(m.ID, 0, func(x *tender.Transaction) { x.PaymentMethodID, x.Total, x.Captured = amex.ID, 2500, 2500 })
		// Day 1: a refund of 4 on the first sale, a void of a sale (not a
		// sale any more), a declined sale, a bank sale of 50 that came back
		// R01, a credit of 3.
		mk(m.ID, 1, func(x *tender.Transaction) {
			x.Type, x.ParentID, x.Total, x.Captured = tender.TxRefund, sale.ID, 400, 0
		})
		voided := mk(m.ID, 1, func(x *tender.Transaction) { x.IsVoided = true })
		mk(m.ID, 1, func(x *tender.Transaction) { x.Type, x.ParentID, x.Captured = tender.TxVoid, voided.ID, 0 })
		mk(m.ID, 1, func(x *tender.Transaction) { x.Success, x.Status = false, tender.StatusFailed })
		bank := mk(m.ID, 1, func(x *tender.Transaction) {
			x.Method, x.PaymentMethodID, x.Total, x.Captured, x.TotalRefunded = "bank", "", 5000, 5000, 5000
		})
		mk(m.ID, 1, func(x *tender.Transaction) {
			x.Type, x.ParentID, x.Source, x.Method, x.Total, x.Captured, x.DeclineCode = tender.TxRefund, bank.ID, "ach_return", "bank", 5000, 0, "R01"
		})
		mk(m.ID, 1, func(x *tender.Transaction) { x.Type, x.Total, x.Captured = tender.TxCredit, 300, 0 })
		// Outside the range, and another merchant's: never counted.
		mk(m.ID, 40, nil)
		mk(other.ID, 0, nil)
		ev := &tender.ProcessorEvent{ID: uuid.NewString(), MerchantID: m.ID, Processor: "stripe", EventID: "evt_d1",
			Kind: "dispute_opened", TransactionID: sale.ID, ChildRef: "dp_1", Amount: 1000, Status: "needs_response",
			CreatedAt: tender.NewTime(base.AddDate(0, 0, 1))}
		if err := s.ProcessorEventInsert(ctx, ev); err != nil {
			t.Fatal(err)
		}

		from, to := base.Truncate(24*time.Hour), base.AddDate(0, 0, 2)
		row := func(r *tender.ReportRow) string {
			return fmt.Sprintf("%s/%s/%d/%s/%s", r.Date, r.Key, r.Count, r.Amount, r.Refunded)
		}
		for report, want := range map[string]string{
			tender.ReportDailySales:  "[2026-07-01//3/45/0 2026-07-02//1/50/54]",
			tender.ReportMethod:      "[/bank/1/50/50 /card/3/45/4]",
			tender.ReportCardType:    "[/amex/1/25/0 /visa/2/20/4]",
			tender.ReportSurcharges:  "[2026-07-01//1/0.3/0]",
			tender.ReportAdjustments: "[2026-07-02/credit/1/3/0 2026-07-02/refund/1/4/0 2026-07-02/void/1/10/0]",
			tender.ReportACHRejects:  "[2026-07-02/R01/1/50/0]",
			tender.ReportDisputes:    "[2026-07-02/needs_response/1/10/0]",
		} {
			rows, err := s.ReportSummary(ctx, m.ID, tender.ReportFilter{Report: report, From: from, To: to})
			if err != nil {
				t.Fatalf("%s: %v", report, err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, row(r))
			}
			if fmt.Sprint(got) != want {
				t.Errorf("%s: %v, want %s", report, got, want)
			}
		}

		sum, err := s.TeamSummary(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sum.CustomerCount != 1 || sum.InvoiceCount != 0 || sum.ScheduledInvoiceCount != 0 || !sum.HasACH || sum.HasHostedPayments {
			t.Fatalf("team summary: %+v", sum)
		}
		if sum, err := s.TeamSummary(ctx, other.ID); err != nil || sum.CustomerCount != 0 || sum.HasACH || sum.HasHostedPayments {
			t.Fatalf("the other merchant's summary: %+v, %v", sum, err)
		}
		// A payment made on a public page (source webpayment, as the
		// hosted invoice page's source invoice) is a hosted payment.
		mk(other.ID, 0, func(x *tender.Transaction) { x.Source, x.PaymentMethodID = "webpayment", "" })
		if sum, err := s.TeamSummary(ctx, other.ID); err != nil || !sum.HasHostedPayments || sum.HasACH {
			t.Fatalf("the other merchant's summary after a web payment: %+v, %v", sum, err)
		}
	})
}
