package dashboard_test

import (
	"context"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/terminal"
)

var pairingRE = regexp.MustCompile(`<code id="pairing-code" class="secret">([^<]+)</code>`)
var registerRE = regexp.MustCompile(`/dashboard/terminals/([0-9a-f-]{36})"`)
var txRE = regexp.MustCompile(`<code>([0-9a-f-]{36})</code>`)

// TestDashboardTerminals adds a register from the terminals page, pairs
// the simulator with the code shown, and runs a sale on it from the
// virtual terminal: the simulator approves it and the transaction
// succeeds. A second merchant's register is 404.
func TestDashboardTerminals(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		owner := signInOwner(t, e)
		page := owner.get("/dashboard/terminals", 200)
		page = owner.post("/dashboard/terminals", page, url.Values{"nickname": {"Front desk"}}, 200)
		m := pairingRE.FindStringSubmatch(page)
		r := registerRE.FindStringSubmatch(page)
		if m == nil || r == nil {
			t.Fatalf("no pairing code or register: %s", page)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		sim := &terminal.Simulator{Server: e.URL, Code: m[1], Auto: terminal.AutoApprove, Serial: "SIM-7", Out: io.Discard}
		go func() { done <- sim.Run(ctx) }()
		defer func() {
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
		}()

		vt := owner.get("/dashboard/terminals/"+r[1], 200)
		owner.post("/dashboard/terminals/"+r[1]+"/sale", vt, url.Values{"amount": {"0"}, "idempotency_id": {tender.NewID()}}, 422)
		vt = owner.get("/dashboard/terminals/"+r[1], 200)
		tx := owner.post("/dashboard/terminals/"+r[1]+"/sale", vt, url.Values{"amount": {"8.25"},
			"idempotency_id": {tender.NewID()}}, 200)
		id := txRE.FindStringSubmatch(tx)
		if id == nil {
			t.Fatalf("no transaction page: %s", tx)
		}
		status := func() string {
			return e.Call("GET", "/terminal/"+r[1]+"/status/"+id[1], nil, 200).Map(t)["status"].(string)
		}
		for s := status(); s != "SUCCESS"; s = status() {
			if s == "FAILED" {
				t.Fatal("the simulator's sale failed")
			}
			select {
			case err := <-done:
				t.Fatalf("the simulator stopped: %v", err)
			default:
			}
		}
		got := e.Call("GET", "/transaction/"+id[1], nil, 200).Map(t)
		// The sandbox merchant's 3% surcharge applies to a credit card.
		if got["total"] != 8.5 || got["surcharge"] != 0.25 || got["source"] != "terminal" || got["success"] != true {
			t.Fatalf("the sale: %v", got)
		}
		if list := owner.get("/dashboard/terminals", 200); !strings.Contains(list, "SIM-7") {
			t.Fatal("the register's serial is not listed after pairing")
		}
		name := "B"
		b, err := e.Server.Service.CreateMerchant(t.Context(), "", true, &tender.MerchantInput{CompanyName: &name})
		if err != nil {
			t.Fatal(err)
		}
		bReg := e.Do(apitest.Request{Method: "POST", Path: "/terminal/register", Key: b.APIKey.Key, Body: map[string]any{}}).Map(t)["id"].(string)
		owner.get("/dashboard/terminals/"+bReg, 404)
		owner.post("/dashboard/terminals/"+bReg+"/pair", vt, nil, 404)
		owner.post("/dashboard/terminals/"+bReg+"/sale", vt, url.Values{"amount": {"1"}, "idempotency_id": {tender.NewID()}}, 404)
	})
}
