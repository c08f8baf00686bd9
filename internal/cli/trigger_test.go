package cli_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

var triggered = regexp.MustCompile(`triggered (\S+): object (\S+); its events: (.*)`)

// TestTriggerCommand: "tender trigger --list" names every trigger, and
// each one, run against a sandbox server, leaves the event it names on
// the object it made (read back with GET /event?object_id=).
func TestTriggerCommand(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		code, out, _ := run(t, e, "trigger", "--list")
		want := map[string]string{
			"create_customer": "create_customer", "create_transaction": "create_transaction", "charge_declined": "create_transaction",
			"settlement": "update_transaction_settled", "refund": "update_transaction", "void": "update_transaction",
			"invoice_payment_declined": "update_invoice", "bank_return": "update_transaction_settled",
		}
		for name := range want {
			if code != 0 || !strings.Contains(out, name+" ") {
				t.Fatalf("--list lacks %s: %q", name, out)
			}
		}
		for name, event := range want {
			code, out, errs := run(t, e, "trigger", name)
			m := triggered.FindStringSubmatch(out)
			if code != 0 || m == nil {
				t.Fatalf("trigger %s: %d %q %q", name, code, out, errs)
			}
			evs := e.Call("GET", "/event?object_id="+m[2]+"&per_page=50", nil, 200).Map(t)["data"].([]any)
			var names []string
			for _, ev := range evs {
				names = append(names, ev.(map[string]any)["name"].(string))
			}
			if !strings.Contains(","+strings.Join(names, ",")+",", ","+event+",") {
				t.Errorf("trigger %s: object %s has events %v, want %s", name, m[2], names, event)
			}
		}
		if code, _, errs := run(t, e, "trigger", "no_such_event"); code == 0 || !strings.Contains(errs, "unknown event") {
			t.Fatalf("unknown trigger: %d %q", code, errs)
		}
	})
}
