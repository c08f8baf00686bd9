package main_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tenderpay/tender/client"
	"github.com/tenderpay/tender/store/postgres/pgtest"
	"github.com/tenderpay/tender/terminal"
)

// TestTerminalDeviceRequests drives print, promptChoice, promptInput,
// prompt/signature, tokenize and void-or-refund through simulator
// processes, against a tender server on SQLite and on PostgreSQL.
func TestTerminalDeviceRequests(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			env := []string{"TENDER_ADDR=127.0.0.1:0", "TENDER_RATE_LIMIT=-1", "TENDER_PAIR_RATE_LIMIT=-1", "TENDER_TERMINAL_WAIT=3s"}
			if store == "postgres" {
				env = append(env, "DATABASE_URL="+pgtest.URL(t))
			}
			dir := t.TempDir()
			srv := startProc(t, dir, env, "serve")
			key := sandboxKey(t, dir)
			deviceRequests(t, srv.url, key)
		})
	}
}

func deviceRequests(t *testing.T, url, key string) {
	c := api(url, key)
	post := func(t *testing.T, route string, body map[string]any) (int, map[string]any) {
		t.Helper()
		return call(t, "POST", url+route, key, body)
	}
	tl := newTill(t, url, key, "prompts", "--auto", "approve", "--name", "Ada Lovelace")
	ask := func(t *testing.T, what string, f func(context.Context, *client.TerminalAskInput) (*client.TerminalAnswer, error), in *client.TerminalAskInput) *client.TerminalAnswer {
		t.Helper()
		r, err := f(ctx, in)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return r
	}
	answer := func(r *client.TerminalAnswer) string {
		if r.Answer == nil {
			return "<nil>"
		}
		return *r.Answer
	}

	t.Run("print", func(t *testing.T) {
		r := ask(t, "print", c.TerminalPrint, &client.TerminalAskInput{RegisterID: client.RegisterRef(tl.id), Text: "Thank you!\nReturns within 30 days."})
		if !r.Answered || r.Kind != "print" || r.Message != "Printed." || r.RegisterID != tl.id {
			t.Fatalf("print: %+v", r)
		}
		tl.sim.waitLine(t, "  | Returns within 30 days.")
	})
	t.Run("promptChoice answers the first option (--auto)", func(t *testing.T) {
		r := ask(t, "promptChoice", c.TerminalPromptChoice, &client.TerminalAskInput{RegisterID: client.RegisterNum(tl.num),
			Message: "How did you hear about us?", Choices: []string{"Friend", "Online", "Other"}})
		if !r.Answered || answer(r) != "Friend" || r.ChoiceIndex == nil || *r.ChoiceIndex != 0 || r.Cancelled {
			t.Fatalf("promptChoice: %+v", r)
		}
		tl.sim.waitLine(t, "  3) Other")
	})
	t.Run("promptInput: number, and text cut to max_length", func(t *testing.T) {
		r := ask(t, "promptInput", c.TerminalPromptInput, &client.TerminalAskInput{RegisterID: client.RegisterRef(tl.id), Message: "ZIP?", InputType: "number"})
		if answer(r) != terminal.AutoInputNumber {
			t.Fatalf("promptInput number: %+v", r)
		}
		r = ask(t, "promptInput", c.TerminalPromptInput, &client.TerminalAskInput{Register: client.RegisterRef(tl.id), Message: "Name?", MaxLength: 4})
		if answer(r) != terminal.AutoInputText[:4] {
			t.Fatalf("promptInput text: %+v", r)
		}
	})
	t.Run("signature", func(t *testing.T) {
		r := ask(t, "signature", c.TerminalSignature, &client.TerminalAskInput{RegisterID: client.RegisterRef(tl.id), Message: "Sign here"})
		if r.Signature != terminal.Signature("Ada Lovelace") || !strings.HasPrefix(r.Signature, "M ") {
			t.Fatalf("signature: %+v", r)
		}
	})
	t.Run("bad input is a 422 before the device", func(t *testing.T) {
		// Raw HTTP: malformed requests, and the 422's field names.
		for _, c := range []struct {
			route, field string
			body         map[string]any
		}{
			{"/terminal/promptChoice", "choices", map[string]any{"register_id": tl.id, "message": "Q", "choices": []string{"only"}}},
			{"/terminal/promptChoice", "choices.1", map[string]any{"register_id": tl.id, "message": "Q", "choices": []string{"a", " "}}},
			{"/terminal/promptChoice", "message", map[string]any{"register_id": tl.id, "choices": []string{"a", "b"}}},
			{"/terminal/promptInput", "input_type", map[string]any{"register_id": tl.id, "message": "Q", "input_type": "date"}},
			{"/terminal/promptInput", "max_length", map[string]any{"register_id": tl.id, "message": "Q", "max_length": 0}},
			{"/terminal/print", "text", map[string]any{"register_id": tl.id, "text": "  "}},
			{"/terminal/print", "register_id", map[string]any{"text": "x"}},
			{"/terminal/prompt/signature", "register", map[string]any{"register": "no-such-register"}},
			{"/terminal/tokenize", "customer_id", map[string]any{"register_id": tl.id, "customer_id": "no-such-customer"}},
			{"/terminal/void-or-refund", "transaction_id", map[string]any{"register": tl.id}},
		} {
			st, r := post(t, c.route, c.body)
			if st != 422 || r[c.field] == nil {
				t.Errorf("%s %v: %d %v, want 422 on %s", c.route, c.body, st, r, c.field)
			}
		}
	})
	t.Run("tokenize keeps the card on the customer, without a charge", func(t *testing.T) {
		cu, err := c.CreateCustomer(ctx, &client.CustomerInput{Firstname: "Grace", Lastname: "Hopper", Email: "grace@example.com"})
		if err != nil {
			t.Fatalf("customer: %v", err)
		}
		before, err := c.Transactions(ctx, nil)
		if err != nil {
			t.Fatalf("GET /transaction: %v", err)
		}
		// Raw HTTP: that the card number is nowhere in the answer needs the
		// answer as sent, not the client's typed fields.
		st, raw := post(t, "/terminal/tokenize", map[string]any{"register_id": tl.id, "customer_id": cu.ID})
		mustStatus(t, "tokenize", st, 200, raw)
		rawPM, _ := raw["payment_method"].(map[string]any)
		if rawPM == nil || rawPM["customer_id"] != cu.ID || rawPM["card_last_four"] != "1111" || rawPM["deleted_at"] != nil ||
			metaOf(rawPM)["isCpTokenized"] != true || strings.Contains(fmt.Sprint(raw), terminal.ApproveCard) {
			t.Fatalf("tokenize: %v", raw)
		}
		// No money moved; the card is reusable.
		after, err := c.Transactions(ctx, nil)
		if err != nil || after.Total != before.Total {
			t.Fatalf("tokenize made a transaction: %d then %d (%v)", before.Total, after.Total, err)
		}
		if _, err := c.Charge(ctx, &client.ChargeInput{PaymentMethodID: rawPM["id"].(string), Total: client.Dollars(2, 0)}); err != nil {
			t.Fatalf("charge the tokenized card: %v", err)
		}
		// Without a customer: one made from the cardholder name.
		r := ask(t, "tokenize", c.TerminalTokenize, &client.TerminalAskInput{RegisterID: client.RegisterRef(tl.id)})
		pm := r.PaymentMethod
		if pm == nil {
			t.Fatalf("tokenize without a customer: %+v", r)
		}
		nc, err := c.Customer(ctx, pm.CustomerID)
		if err != nil || nc.Firstname != "Ada" || nc.Lastname != "Lovelace" || nc.DeletedAt != nil {
			t.Fatalf("customer from the cardholder name: %v %+v", err, nc)
		}
		if pm.PersonName != "Ada Lovelace" || !pm.IsDefault {
			t.Fatalf("payment method: %+v", pm)
		}
	})
	t.Run("void-or-refund: void while unsettled, refund once settled, idempotent", func(t *testing.T) {
		sale, err := c.TerminalCharge(ctx, &client.TerminalChargeInput{Total: client.Dollars(10, 0), Register: client.RegisterRef(tl.id)})
		if err != nil {
			t.Fatalf("sale: %v", err)
		}
		in := &client.TerminalActionInput{TransactionID: sale.ID, IdempotencyID: "return-" + tl.id}
		v, err := c.TerminalVoidOrRefund(ctx, in)
		if err != nil || !v.IsVoided || v.TotalRefunded != 0 {
			t.Fatalf("void-or-refund of an unsettled sale: %v %+v", err, v)
		}
		again, err := c.TerminalVoidOrRefund(ctx, in)
		if err != nil || !again.IsVoided || len(again.ChildTransactions) != 1 {
			t.Fatalf("repeated void-or-refund: %v %+v", err, again)
		}
		if n := tl.sim.count("void of a transaction"); n != 1 {
			t.Fatalf("the device confirmed %d voids, want 1", n)
		}

		sale, err = c.TerminalCharge(ctx, &client.TerminalChargeInput{Total: client.Dollars(8, 0), Register: client.RegisterRef(tl.id)})
		if err != nil {
			t.Fatalf("sale: %v", err)
		}
		if _, err := c.BatchRegister(ctx, tl.id); err != nil {
			t.Fatalf("batch: %v", err)
		}
		rf, err := c.TerminalVoidOrRefund(ctx, &client.TerminalActionInput{TransactionID: sale.ID, Total: client.Dollars(3, 0)})
		if err != nil || rf.IsVoided || rf.TotalRefunded != client.Dollars(3, 0) {
			t.Fatalf("void-or-refund of a settled sale: %v %+v", err, rf)
		}
		tl.sim.waitLine(t, "refund $3.00")
	})

	t.Run("cancelled on the device", func(t *testing.T) {
		cancels := newTill(t, url, key, "cancels", "--auto", "cancel")
		r := ask(t, "promptInput", c.TerminalPromptInput, &client.TerminalAskInput{RegisterID: client.RegisterRef(cancels.id), Message: "Email?"})
		if !r.Answered || !r.Cancelled || r.Answer != nil {
			t.Fatalf("cancelled prompt: %+v", r)
		}
	})
	t.Run("no device: 202, the request stays queued", func(t *testing.T) {
		reg, err := c.CreateRegister(ctx, &client.RegisterInput{Nickname: "unplugged"})
		if err != nil {
			t.Fatalf("register: %v", err)
		}
		// Raw HTTP: the 202 (the client takes any 2xx as an answer) is the point.
		st, r := post(t, "/terminal/promptChoice", map[string]any{"register_id": reg.ID, "message": "Q", "choices": []string{"a", "b"}})
		mustStatus(t, "promptChoice to no device", st, 202, r)
		if r["answered"] != false || r["message"] != "terminalservice.waiting" || r["id"] == "" {
			t.Fatalf("unanswered prompt: %v", r)
		}
	})
	t.Run("one request at a time: a prompt waits behind a sale on the console", func(t *testing.T) {
		con := newTill(t, url, key, "console")
		q, err := c.TerminalChargeQueue(ctx, &client.TerminalChargeInput{Total: client.Dollars(4, 0), Register: client.RegisterRef(con.id)})
		if err != nil {
			t.Fatalf("queue: %v", err)
		}
		con.sim.waitLine(t, "sale $4.00")
		type result struct {
			r   *client.TerminalAnswer
			err error
		}
		got := make(chan result, 1)
		go func() {
			r, err := c.TerminalPromptChoice(ctx, &client.TerminalAskInput{RegisterID: client.RegisterRef(con.id), Message: "Receipt by?",
				Choices: []string{"Email", "Text", "None"}})
			got <- result{r, err}
		}()
		con.sim.waitLine(t, "waiting behind the one on screen")
		if con.sim.count("Receipt by?") != 0 {
			t.Fatal("the prompt was shown over the waiting sale")
		}
		// The sale's keystrokes (approve, credit, insert, no tip), then the prompt's.
		if _, err := fmt.Fprint(con.sim.stdin, "a\n\n\n\n2\n"); err != nil {
			t.Fatal(err)
		}
		a := <-got
		if a.err != nil || answer(a.r) != "Text" {
			t.Fatalf("promptChoice after the sale: %v %+v", a.err, a.r)
		}
		s, err := c.TerminalStatus(ctx, con.id, q.ID)
		if err != nil || s.Status != "SUCCESS" {
			t.Fatalf("the sale: %v %+v", err, s)
		}
		lines := con.sim.lines()
		sale := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "sale $4.00") })
		prompt := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "Receipt by?") })
		if sale < 0 || prompt < sale {
			t.Fatalf("order on the device:\n%s", strings.Join(lines, "\n"))
		}
	})
}
