package stripe

import (
	"context"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
)

// The driver's own cost per call against the httptest double (loopback
// HTTP included): go test -run '^$' -bench . -benchmem ./gateway/stripe
func BenchmarkAuthorize(b *testing.B) {
	d, _ := setup(b)
	c := card("4242424242424242")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := d.Authorize(ctx, gateway.Request{Key: tender.NewID(), Amount: 1000, Card: &c})
		if err != nil || !res.Approved {
			b.Fatal(res, err)
		}
	}
}

func BenchmarkCaptureRefund(b *testing.B) {
	d, _ := setup(b)
	c := card("4242424242424242")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		res, err := d.Authorize(ctx, gateway.Request{Key: tender.NewID(), Amount: 1000, Card: &c})
		if err != nil || !res.Approved {
			b.Fatal(res, err)
		}
		b.StartTimer()
		if r, err := d.Capture(ctx, tender.NewID(), res.Ref, 1000); err != nil || !r.Approved {
			b.Fatal(r, err)
		}
		if r, err := d.Refund(ctx, tender.NewID(), res.Ref, 400); err != nil || !r.Approved {
			b.Fatal(r, err)
		}
	}
}

// BenchmarkParseEvent: an inbound event's signature check and mapping (a
// payment_intent.succeeded carrying Tender's key), no HTTP.
func BenchmarkParseEvent(b *testing.B) {
	d, srv := setup(b)
	c := card("4242424242424242")
	res, err := d.Authorize(context.Background(), gateway.Request{Key: tender.NewID(), Amount: 1000, Card: &c, Capture: true})
	if err != nil || !res.Approved {
		b.Fatal(res, err)
	}
	payload, h := srv.PaymentIntentEvent("payment_intent.succeeded", res.Ref)
	b.ReportAllocs()
	for b.Loop() {
		if ev, err := d.ParseEvent(payload, h); err != nil || ev.Result == nil {
			b.Fatal(ev, err)
		}
	}
}
