package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/terminal"
)

var (
	testCards    = apitest.Secrets[:12]
	testAccounts = apitest.Secrets[12:]
)

// TestMain scans the logs of every server the package's tests started, once
// they have all run: no card number, CVV field or account number in any line.
func TestMain(m *testing.M) {
	code := m.Run()
	if found, n, servers := apitest.ScanLogs(); len(found) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: the logs of this test run (%d bytes) contain %v\n", n, found)
		code = 1
	} else if code == 0 && servers > 0 && n == 0 {
		fmt.Fprintln(os.Stderr, "FAIL: no server logs were captured to scan")
		code = 1
	}
	os.Exit(code)
}

// TestNoSecretsAtRestOrInLogs drives every kind of card and bank request
// (good, declined and invalid) and then scans the database files (SQLite:
// the database, WAL and shared-memory files; PostgreSQL: a pg_dump) and
// every log line for a card number, CVV or account number.
func TestNoSecretsAtRestOrInLogs(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		logs := &apitest.SyncBuffer{}
		e := apitest.Start(t, store, apitest.Options{Logs: logs})
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Secret", "email": "s@example.com"}, 200).Map(t)["id"]
		for _, card := range testCards {
			cvv := "739"
			if strings.HasPrefix(card, "37") {
				cvv = "7391"
			}
			pm := e.Call("POST", "/payment-method", map[string]any{"customer_id": cust, "person_name": "S P",
				"card_number": card, "card_cvv": cvv, "card_exp": "1230"}, 200).Map(t)["id"]
			e.Do(apitest.Request{Method: "POST", Path: "/charge", Key: e.Key, Body: map[string]any{"payment_method_id": pm, "total": 2}})
			// Invalid variants: the number must not come back in the error either.
			for _, bad := range []map[string]any{
				{"customer_id": cust, "person_name": "S", "card_number": card[:len(card)-1] + "0", "card_cvv": cvv, "card_exp": "1230"},
				{"customer_id": cust, "person_name": "S", "card_number": card, "card_cvv": "12345", "card_exp": "0101"},
				{"customer_id": "nope", "person_name": "S", "card_number": card, "card_cvv": cvv, "card_exp": "1230"},
			} {
				r := e.Do(apitest.Request{Method: "POST", Path: "/payment-method", Key: e.Key, Body: bad})
				if r.Status != 422 || bytes.Contains(r.Body, []byte(card[:12])) || bytes.Contains(r.Body, []byte(`"`+cvv+`"`)) {
					t.Errorf("invalid card: %d %s", r.Status, r.Body)
				}
			}
		}
		for _, acct := range testAccounts {
			pm := e.Call("POST", "/payment-method", map[string]any{"method": "bank", "customer_id": cust, "person_name": "S P",
				"bank_account": acct, "bank_routing": "021000021", "bank_type": "savings", "bank_holder_type": "business"}, 200).Map(t)["id"]
			e.Do(apitest.Request{Method: "POST", Path: "/charge", Key: e.Key, Body: map[string]any{"payment_method_id": pm, "total": 3}})
			r := e.Do(apitest.Request{Method: "POST", Path: "/payment-method", Key: e.Key, Body: map[string]any{"method": "bank",
				"customer_id": cust, "person_name": "S", "bank_account": acct, "bank_routing": "123456789", "bank_type": "x"}})
			if r.Status != 422 || bytes.Contains(r.Body, []byte(acct)) {
				t.Errorf("invalid bank: %d %s", r.Status, r.Body)
			}
		}
		// Card-present: the device sends the number over its connection.
		for i, card := range testCards[:2] {
			reg := e.Call("POST", "/terminal/register", map[string]any{"nickname": "secrets"}, 201).Map(t)
			ctx, cancel := context.WithCancel(context.Background())
			sim := &terminal.Simulator{Server: e.URL, Code: reg["pairing_code"].(string), Auto: terminal.AutoApprove, CardNumber: card}
			done := make(chan error, 1)
			go func() { done <- sim.Run(ctx) }()
			r := e.Do(apitest.Request{Method: "POST", Path: "/terminal/charge", Key: e.Key,
				Body: map[string]any{"total": 4, "register": reg["id"], "tokenize": i == 0, "customer_id": cust}})
			cancel()
			<-done
			if r.Status >= 500 || r.Status == 202 || bytes.Contains(r.Body, []byte(card[:12])) {
				t.Errorf("card-present charge: %d %s", r.Status, r.Body)
			}
		}
		e.Call("POST", "/sandbox/batch", nil, 200)

		var haystacks = map[string][]byte{"logs": logs.Bytes()}
		switch store {
		case "sqlite":
			path := strings.TrimPrefix(e.DatabaseURL, "sqlite:")
			files, _ := filepath.Glob(path + "*")
			if len(files) == 0 {
				t.Fatal("no database files found")
			}
			var all []byte // the database, its WAL and shared memory
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, b...)
			}
			haystacks["sqlite files"] = all
		case "postgres":
			haystacks["pg_dump"] = pgDump(t, e.DatabaseURL)
		}
		if len(haystacks["logs"]) == 0 {
			t.Fatal("no log lines captured")
		}
		for name, hay := range haystacks {
			if name != "logs" {
				if !bytes.Contains(hay, []byte("v1.k1.")) {
					t.Errorf("%s holds no sealed values: the scan would prove nothing", name)
				}
			}
			for _, secret := range append(append([]string{}, testCards...), testAccounts...) {
				if bytes.Contains(hay, []byte(secret)) {
					t.Errorf("%s contains %s", name, secret)
				}
			}
			for _, cvv := range []string{`"739"`, `"7391"`, "card_cvv", "card_number"} {
				if name == "logs" && bytes.Contains(hay, []byte(cvv)) {
					t.Errorf("logs contain %s", cvv)
				}
			}
			if name != "logs" && bytes.Contains(hay, []byte(`"739"`)) {
				t.Errorf("%s contains a CVV", name)
			}
		}
		// Every CVV of a card that was sent for authorization is gone.
		if n := countSealedCVVs(t, e); n != 0 {
			t.Errorf("%d CVVs kept after authorization", n)
		}
	})
}

func countSealedCVVs(t *testing.T, e *apitest.Env) int {
	t.Helper()
	n := 0
	after := ""
	for {
		page, err := e.Server.Store.PaymentMethodSecretsPage(t.Context(), after, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return n
		}
		for _, s := range page {
			after = s.PaymentMethodID
			if s.SealedCVV != "" {
				n++
			}
		}
	}
}

func pgDump(t *testing.T, dbURL string) []byte {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	schema := q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	out, err := exec.Command("pg_dump", "--data-only", "--schema="+schema, u.String()).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	if !bytes.Contains(out, []byte("COPY "+schema+".payment_methods")) {
		t.Fatalf("pg_dump lacks payment_methods:\n%.500s", out)
	}
	return out
}

// TestRequestLogCutsCapabilityPaths: the request log shows the public
// web-payments token of /webpayment/{token}/... and the invoice id of the
// hosted page /pay/invoice/{id} (each enough to act on) only by their first
// ten characters, on every answer (success, 422, preflight, page view).
func TestRequestLogCutsCapabilityPaths(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		logs := &apitest.SyncBuffer{}
		e := apitest.Start(t, store, apitest.Options{Logs: logs})
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Log"}, 200).Map(t)["id"].(string)
		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 5}, 200).Map(t)["id"].(string)
		web(e, e.WebToken, "tokenize", "", card("4111111111111111", map[string]any{"firstname": "Log"}))
		web(e, e.WebToken, "pay", "", map[string]any{})
		e.Do(apitest.Request{Method: "OPTIONS", Path: "/webpayment/" + e.WebToken + "/pay", Header: map[string][]string{"Origin": {"https://shop.test"}}, NoValidate: true})
		e.Do(apitest.Request{Method: "GET", Path: "/pay/invoice/" + inv, NoValidate: true})
		e.Do(apitest.Request{Method: "POST", Path: "/pay/invoice/" + inv, Body: map[string]any{}})
		out := string(logs.Bytes())
		for _, secret := range []string{e.WebToken, inv} {
			if strings.Contains(out, secret) {
				t.Errorf("the log holds %s whole:\n%s", secret, out)
			}
		}
		for _, want := range []string{`"path":"/webpayment/` + e.WebToken[:10] + `…/tokenize"`, `"path":"/webpayment/` + e.WebToken[:10] + `…/pay"`,
			`"path":"/pay/invoice/` + inv[:10] + `…"`} {
			if !strings.Contains(out, want) {
				t.Errorf("the log has no %s:\n%s", want, out)
			}
		}
	})
}
