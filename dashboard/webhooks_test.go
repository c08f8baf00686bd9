package dashboard_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/webhook"
)

// hookReceiver is an HTTP server that hands each delivery's event id to
// a channel.
func hookReceiver(t *testing.T) (string, <-chan string) {
	got := make(chan string, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get(webhook.HeaderEventID)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, got
}

func nextDelivery(t *testing.T, got <-chan string) string {
	t.Helper()
	select {
	case id := <-got:
		return id
	case <-time.After(15 * time.Second):
		t.Fatal("no webhook delivery within 15 s")
	}
	return ""
}

var hookRE = regexp.MustCompile(`/dashboard/webhooks/([0-9a-f-]{36})"`)
var replayRE = regexp.MustCompile(`/dashboard/webhooks/[0-9a-f-]{36}/deliveries/[0-9a-f-]{36}/replay`)

// TestDashboardWebhooks subscribes an address from the webhooks page (its
// secret shown once), sees the delivery of a customer's creation in the
// log, replays it (the receiver gets the same event again) and deletes
// the subscription; another merchant's webhook is 404.
func TestDashboardWebhooks(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		target, got := hookReceiver(t)
		owner := signInOwner(t, e)
		page := owner.get("/dashboard/webhooks", 200)
		owner.post("/dashboard/webhooks", page, url.Values{"target_url": {"not a url"}, "event": {"*"}}, 422)
		page = owner.post("/dashboard/webhooks", page, url.Values{"target_url": {target}, "event": {"create_customer"}}, 200)
		if !strings.Contains(page, `id="new-secret" class="secret">whsec_`) {
			t.Fatalf("no secret shown: %s", page)
		}
		m := hookRE.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no webhook listed")
		}
		hook := m[1]
		e.Call("POST", "/customer", map[string]any{"firstname": "Hook"}, 200)
		first := nextDelivery(t, got)

		// The delivery is logged once the receiver has answered: poll the
		// log page until it shows it.
		var log, replay string
		for deadline := time.Now().Add(15 * time.Second); replay == ""; {
			log = owner.get("/dashboard/webhooks/"+hook, 200)
			if replay = replayRE.FindString(log); replay == "" && time.Now().After(deadline) {
				t.Fatalf("delivery log: %s", log)
			}
		}
		if !strings.Contains(log, "create_customer") || !strings.Contains(log, "DELIVERED") && !strings.Contains(log, "delivered") {
			t.Fatalf("delivery log: %s", log)
		}
		log = owner.post(replay, log, nil, 200)
		if !strings.Contains(log, "Delivery replayed") {
			t.Fatalf("after replay: %s", log)
		}
		if again := nextDelivery(t, got); again != first {
			t.Fatalf("the replay sent event %s, want %s", again, first)
		}

		name := "B"
		b, err := e.Server.Service.CreateMerchant(t.Context(), "", true, &tender.MerchantInput{CompanyName: &name})
		if err != nil {
			t.Fatal(err)
		}
		bHook := e.Do(apitest.Request{Method: "POST", Path: "/webhook", Key: b.APIKey.Key,
			Body: map[string]any{"target_url": target, "event": "*"}}).Map(t)["id"].(string)
		owner.get("/dashboard/webhooks/"+bHook, 404)
		owner.post("/dashboard/webhooks/"+bHook+"/delete", log, nil, 404)
		page = owner.post("/dashboard/webhooks/"+hook+"/delete", log, nil, 200)
		if !strings.Contains(page, "Webhook deleted.") || strings.Contains(page, "/dashboard/webhooks/"+hook+`"`) {
			t.Fatalf("after delete: %s", page)
		}
		owner.get("/dashboard/webhooks/"+hook, 404)
	})
}
