package tender

import (
	"testing"
	"time"
)

func TestWebhookReceives(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	ev := &Event{MerchantID: "m1", Name: EventCreateTransaction, CreatedAt: at}
	deleted := NewTime(at)
	for _, tc := range []struct {
		name    string
		hook    Webhook
		partner string
		want    bool
	}{
		{"merchant's, by name", Webhook{MerchantID: "m1", Event: EventCreateTransaction, CreatedAt: NewTime(at)}, "", true},
		{"merchant's, every event", Webhook{MerchantID: "m1", Event: "*", CreatedAt: NewTime(at.Add(-time.Hour))}, "", true},
		{"another event", Webhook{MerchantID: "m1", Event: EventUpdateTransaction, CreatedAt: NewTime(at)}, "", false},
		{"another merchant's", Webhook{MerchantID: "m2", Event: "*", CreatedAt: NewTime(at)}, "", false},
		{"created after the event", Webhook{MerchantID: "m1", Event: "*", CreatedAt: NewTime(at.Add(time.Microsecond))}, "", false},
		{"deleted", Webhook{MerchantID: "m1", Event: "*", CreatedAt: NewTime(at), DeletedAt: &deleted}, "", false},
		{"the merchant's partner's", Webhook{PartnerID: "p1", Event: "*", CreatedAt: NewTime(at)}, "p1", true},
		{"another partner's", Webhook{PartnerID: "p2", Event: "*", CreatedAt: NewTime(at)}, "p1", false},
		{"a partner's, merchant without partner", Webhook{PartnerID: "p1", Event: "*", CreatedAt: NewTime(at)}, "", false},
	} {
		if got := tc.hook.Receives(ev, tc.partner); got != tc.want {
			t.Errorf("%s: Receives = %v, want %v", tc.name, got, tc.want)
		}
	}
}
