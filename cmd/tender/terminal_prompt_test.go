package main_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

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
	post := func(t *testing.T, route string, body map[string]any) (int, map[string]any) {
		t.Helper()
		return call(t, "POST", url+route, key, body)
	}
	tl := newTill(t, url, key, "prompts", "--auto", "approve", "--name", "Ada Lovelace")

	t.Run("print", func(t *testing.T) {
		st, r := post(t, "/terminal/print", map[string]any{"register_id": tl.id, "text": "Thank you!\nReturns within 30 days."})
		mustStatus(t, "print", st, 200, r)
		if r["answered"] != true || r["kind"] != "print" || r["message"] != "Printed." || r["register_id"] != tl.id {
			t.Fatalf("print: %v", r)
		}
		tl.sim.waitLine(t, "  | Returns within 30 days.")
	})
	t.Run("promptChoice answers the first option (--auto)", func(t *testing.T) {
		st, r := post(t, "/terminal/promptChoice", map[string]any{"register_id": tl.num, "message": "How did you hear about us?",
			"choices": []string{"Friend", "Online", "Other"}})
		mustStatus(t, "promptChoice", st, 200, r)
		if r["answered"] != true || r["answer"] != "Friend" || r["choice_index"] != 0.0 || r["cancelled"] != false {
			t.Fatalf("promptChoice: %v", r)
		}
		tl.sim.waitLine(t, "  3) Other")
	})
	t.Run("promptInput: number, and text cut to max_length", func(t *testing.T) {
		st, r := post(t, "/terminal/promptInput", map[string]any{"register_id": tl.id, "message": "ZIP?", "input_type": "number"})
		mustStatus(t, "promptInput", st, 200, r)
		if r["answer"] != terminal.AutoInputNumber {
			t.Fatalf("promptInput number: %v", r)
		}
		st, r = post(t, "/terminal/promptInput", map[string]any{"register": tl.id, "message": "Name?", "max_length": 4})
		mustStatus(t, "promptInput", st, 200, r)
		if r["answer"] != terminal.AutoInputText[:4] {
			t.Fatalf("promptInput text: %v", r)
		}
	})
	t.Run("signature", func(t *testing.T) {
		st, r := post(t, "/terminal/prompt/signature", map[string]any{"register_id": tl.id, "message": "Sign here"})
		mustStatus(t, "signature", st, 200, r)
		if r["signature"] != terminal.Signature("Ada Lovelace") || !strings.HasPrefix(r["signature"].(string), "M ") {
			t.Fatalf("signature: %v", r)
		}
	})
	t.Run("bad input is a 422 before the device", func(t *testing.T) {
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
		st, cu := post(t, "/customer", map[string]any{"firstname": "Grace", "lastname": "Hopper", "email": "grace@example.com"})
		mustStatus(t, "customer", st, 200, cu)
		_, before := call(t, "GET", url+"/transaction", key, nil)
		st, r := post(t, "/terminal/tokenize", map[string]any{"register_id": tl.id, "customer_id": cu["id"]})
		mustStatus(t, "tokenize", st, 200, r)
		pm, _ := r["payment_method"].(map[string]any)
		if pm == nil || pm["customer_id"] != cu["id"] || pm["card_last_four"] != "1111" || pm["deleted_at"] != nil ||
			metaOf(pm)["isCpTokenized"] != true || strings.Contains(fmt.Sprint(r), terminal.ApproveCard) {
			t.Fatalf("tokenize: %v", r)
		}
		// No money moved; the card is reusable.
		_, after := call(t, "GET", url+"/transaction", key, nil)
		if after["total"] != before["total"] {
			t.Fatalf("tokenize made a transaction: %v then %v", before["total"], after["total"])
		}
		st, ch := post(t, "/charge", map[string]any{"payment_method_id": pm["id"], "total": 2})
		mustStatus(t, "charge the tokenized card", st, 200, ch)
		// Without a customer: one made from the cardholder name.
		st, r = post(t, "/terminal/tokenize", map[string]any{"register_id": tl.id})
		mustStatus(t, "tokenize", st, 200, r)
		pm = r["payment_method"].(map[string]any)
		_, nc := call(t, "GET", url+"/customer/"+pm["customer_id"].(string), key, nil)
		if nc["firstname"] != "Ada" || nc["lastname"] != "Lovelace" || nc["deleted_at"] != nil {
			t.Fatalf("customer from the cardholder name: %v", nc)
		}
		if pm["person_name"] != "Ada Lovelace" || pm["is_default"] != true {
			t.Fatalf("payment method: %v", pm)
		}
	})
	t.Run("void-or-refund: void while unsettled, refund once settled, idempotent", func(t *testing.T) {
		st, sale := post(t, "/terminal/charge", map[string]any{"total": 10, "register": tl.id})
		mustStatus(t, "sale", st, 200, sale)
		body := map[string]any{"transaction_id": sale["id"], "idempotency_id": "return-" + tl.id}
		st, v := post(t, "/terminal/void-or-refund", body)
		mustStatus(t, "void-or-refund", st, 200, v)
		if v["is_voided"] != true || v["total_refunded"] != 0.0 {
			t.Fatalf("void-or-refund of an unsettled sale: %v", v)
		}
		st, again := post(t, "/terminal/void-or-refund", body)
		mustStatus(t, "void-or-refund again", st, 200, again)
		if again["is_voided"] != true || len(again["child_transactions"].([]any)) != 1 {
			t.Fatalf("repeated void-or-refund: %v", again)
		}
		if n := tl.sim.count("void of a transaction"); n != 1 {
			t.Fatalf("the device confirmed %d voids, want 1", n)
		}

		st, sale = post(t, "/terminal/charge", map[string]any{"total": 8, "register": tl.id})
		mustStatus(t, "sale", st, 200, sale)
		st, b := post(t, "/terminal/register/"+tl.id+"/batch", nil)
		mustStatus(t, "batch", st, 200, b)
		st, rf := post(t, "/terminal/void-or-refund", map[string]any{"transaction_id": sale["id"], "total": 3})
		mustStatus(t, "void-or-refund of a settled sale", st, 200, rf)
		if rf["is_voided"] != false || rf["total_refunded"] != 3.0 {
			t.Fatalf("void-or-refund of a settled sale: %v", rf)
		}
		tl.sim.waitLine(t, "refund $3.00")
	})

	t.Run("cancelled on the device", func(t *testing.T) {
		c := newTill(t, url, key, "cancels", "--auto", "cancel")
		st, r := post(t, "/terminal/promptInput", map[string]any{"register_id": c.id, "message": "Email?"})
		mustStatus(t, "promptInput", st, 200, r)
		if r["answered"] != true || r["cancelled"] != true || r["answer"] != nil {
			t.Fatalf("cancelled prompt: %v", r)
		}
	})
	t.Run("no device: 202, the request stays queued", func(t *testing.T) {
		_, reg := post(t, "/terminal/register", map[string]any{"nickname": "unplugged"})
		st, r := post(t, "/terminal/promptChoice", map[string]any{"register_id": reg["id"], "message": "Q", "choices": []string{"a", "b"}})
		mustStatus(t, "promptChoice to no device", st, 202, r)
		if r["answered"] != false || r["message"] != "terminalservice.waiting" || r["id"] == "" {
			t.Fatalf("unanswered prompt: %v", r)
		}
	})
	t.Run("one request at a time: a prompt waits behind a sale on the console", func(t *testing.T) {
		c := newTill(t, url, key, "console")
		st, q := post(t, "/terminal/charge/queue", map[string]any{"total": 4, "register": c.id})
		mustStatus(t, "queue", st, 200, q)
		c.sim.waitLine(t, "sale $4.00")
		type answer struct {
			st int
			r  map[string]any
		}
		got := make(chan answer, 1)
		go func() {
			st, r := call(t, "POST", url+"/terminal/promptChoice", key, map[string]any{"register_id": c.id, "message": "Receipt by?",
				"choices": []string{"Email", "Text", "None"}})
			got <- answer{st, r}
		}()
		c.sim.waitLine(t, "waiting behind the one on screen")
		if c.sim.count("Receipt by?") != 0 {
			t.Fatal("the prompt was shown over the waiting sale")
		}
		// The sale's keystrokes (approve, credit, insert, no tip), then the prompt's.
		if _, err := fmt.Fprint(c.sim.stdin, "a\n\n\n\n2\n"); err != nil {
			t.Fatal(err)
		}
		a := <-got
		mustStatus(t, "promptChoice", a.st, 200, a.r)
		if a.r["answer"] != "Text" {
			t.Fatalf("promptChoice after the sale: %v", a.r)
		}
		_, s := call(t, "GET", url+"/terminal/"+c.id+"/status/"+q["id"].(string), key, nil)
		if s["status"] != "SUCCESS" {
			t.Fatalf("the sale: %v", s)
		}
		lines := c.sim.lines()
		sale := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "sale $4.00") })
		prompt := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "Receipt by?") })
		if sale < 0 || prompt < sale {
			t.Fatalf("order on the device:\n%s", strings.Join(lines, "\n"))
		}
	})
}
