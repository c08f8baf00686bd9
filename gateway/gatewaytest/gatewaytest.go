// Package gatewaytest is the contract every processor driver passes, run
// once per driver (as store/storetest is once per store): the sandbox
// processor and the Stripe driver against its httptest double.
package gatewaytest

import (
	"context"
	"errors"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
)

// Decline is a card the processor declines, and Tender's code for it.
type Decline struct {
	Card gateway.Card
	Code string
}

// Harness gives the suite a driver and the processor's magic inputs.
type Harness struct {
	// New returns a fresh driver (called once per case).
	New func(t *testing.T) gateway.Gateway
	// Card is approved for any ordinary amount.
	Card gateway.Card
	// Declines are cards declined with Tender's codes.
	Declines []Decline
	// LoseAnswer arranges for the processor to act on the next Authorize of
	// req and for its answer to be lost.
	LoseAnswer func(t *testing.T, g gateway.Gateway, req *gateway.Request)
	// LoseRequest arranges for the next Authorize of req never to reach the
	// processor; a later send of the original request reaches it.
	LoseRequest func(t *testing.T, g gateway.Gateway, req *gateway.Request)
	// Payments counts the payments the processor holds under key.
	Payments func(t *testing.T, g gateway.Gateway, key string) int
	// MakeSettled makes the processor settle ref; nil when a payment is
	// settled as soon as it is captured (Settle never says ErrNotSettled).
	MakeSettled func(t *testing.T, g gateway.Gateway, ref string)
}

// Exercise runs the contract.
func Exercise(t *testing.T, h Harness) {
	t.Run("Approve", func(t *testing.T) { t.Parallel(); testApprove(t, h) })
	t.Run("Decline", func(t *testing.T) { t.Parallel(); testDecline(t, h) })
	t.Run("PartialCapture", func(t *testing.T) { t.Parallel(); testPartialCapture(t, h) })
	t.Run("Void", func(t *testing.T) { t.Parallel(); testVoid(t, h) })
	t.Run("PartialRefunds", func(t *testing.T) { t.Parallel(); testPartialRefunds(t, h) })
	t.Run("LostAnswer", func(t *testing.T) { t.Parallel(); testLostAnswer(t, h) })
	t.Run("NeverSent", func(t *testing.T) { t.Parallel(); testNeverSent(t, h) })
	t.Run("IdempotentReplay", func(t *testing.T) { t.Parallel(); testReplay(t, h) })
	t.Run("Settlement", func(t *testing.T) { t.Parallel(); testSettlement(t, h) })
	t.Run("Supports", func(t *testing.T) { t.Parallel(); testSupports(t, h) })
}

var ctx = context.Background()

func sale(h Harness, amount tender.Amount, capture bool) gateway.Request {
	c := h.Card
	return gateway.Request{Key: tender.NewID(), Amount: amount, Card: &c, Capture: capture}
}

func approved(t *testing.T, what string) func(*gateway.Result, error) *gateway.Result {
	return func(res *gateway.Result, err error) *gateway.Result {
		t.Helper()
		return mustApprove(t, what, res, err)
	}
}

func mustApprove(t *testing.T, what string, res *gateway.Result, err error) *gateway.Result {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !res.Approved || res.Ref == "" {
		t.Fatalf("%s: not approved: %+v", what, res)
	}
	return res
}

// refused: the processor answered no (not an unknown outcome).
func refused(t *testing.T, what string, res *gateway.Result, err error) {
	t.Helper()
	if errors.Is(err, gateway.ErrUnknown) {
		t.Fatalf("%s: outcome unknown, want a refusal: %v", what, err)
	}
	if err == nil && (res == nil || res.Approved) {
		t.Fatalf("%s: approved, want a refusal: %+v", what, res)
	}
	if err == nil && (res.Message == "" || res.DeclineCode == "") {
		t.Fatalf("%s: a refusal needs a message and a decline code: %+v", what, res)
	}
}

func testApprove(t *testing.T, h Harness) {
	g := h.New(t)
	res := approved(t, "sale")(g.Authorize(ctx, sale(h, 1000, true)))
	if res.AuthCode == "" || res.Message != "" || res.DeclineCode != "" {
		t.Fatalf("sale: %+v", res)
	}
	approved(t, "pre-auth")(g.Authorize(ctx, sale(h, 1000, false)))
}

func testDecline(t *testing.T, h Harness) {
	g := h.New(t)
	if len(h.Declines) == 0 {
		t.Fatal("the harness gives no declining card")
	}
	for _, d := range h.Declines {
		c := d.Card
		res, err := g.Authorize(ctx, gateway.Request{Key: tender.NewID(), Amount: 1000, Card: &c, Capture: true})
		if err != nil {
			t.Fatalf("%s: %v", d.Code, err)
		}
		if res.Approved || res.DeclineCode != d.Code || res.Message == "" {
			t.Fatalf("card %s: got %+v, want decline %s", c.Number[len(c.Number)-4:], res, d.Code)
		}
	}
}

func testPartialCapture(t *testing.T, h Harness) {
	g := h.New(t)
	auth := approved(t, "pre-auth")(g.Authorize(ctx, sale(h, 1000, false)))
	approved(t, "capture 6.00")(g.Capture(ctx, tender.NewID(), auth.Ref, 600))
	res, err := g.Capture(ctx, tender.NewID(), auth.Ref, 400)
	refused(t, "second capture", res, err)
	approved(t, "refund of the capture")(g.Refund(ctx, tender.NewID(), auth.Ref, 600))
	res, err = g.Refund(ctx, tender.NewID(), auth.Ref, 1)
	refused(t, "refund beyond the capture", res, err)

	big := approved(t, "pre-auth")(g.Authorize(ctx, sale(h, 1000, false)))
	res, err = g.Capture(ctx, tender.NewID(), big.Ref, 1001)
	refused(t, "capture beyond the authorization", res, err)
}

func testVoid(t *testing.T, h Harness) {
	g := h.New(t)
	auth := approved(t, "pre-auth")(g.Authorize(ctx, sale(h, 1000, false)))
	approved(t, "void")(g.Void(ctx, tender.NewID(), auth.Ref))
	res, err := g.Capture(ctx, tender.NewID(), auth.Ref, 1000)
	refused(t, "capture after void", res, err)

	s := approved(t, "sale")(g.Authorize(ctx, sale(h, 1000, true)))
	approved(t, "void of an unsettled sale")(g.Void(ctx, tender.NewID(), s.Ref))
	res, err = g.Refund(ctx, tender.NewID(), s.Ref, 100)
	refused(t, "refund after void", res, err)
}

func testPartialRefunds(t *testing.T, h Harness) {
	g := h.New(t)
	s := approved(t, "sale")(g.Authorize(ctx, sale(h, 1000, true)))
	k := tender.NewID()
	first := approved(t, "refund 3.00")(g.Refund(ctx, k, s.Ref, 300))
	again := approved(t, "refund 3.00 replayed")(g.Refund(ctx, k, s.Ref, 300))
	if again.Ref != first.Ref {
		t.Fatalf("a replayed refund got a new ref: %s, then %s", first.Ref, again.Ref)
	}
	approved(t, "refund 3.00 more")(g.Refund(ctx, tender.NewID(), s.Ref, 300))
	approved(t, "refund the last 4.00")(g.Refund(ctx, tender.NewID(), s.Ref, 400))
	res, err := g.Refund(ctx, tender.NewID(), s.Ref, 1)
	refused(t, "over-refund", res, err)
}

func testLostAnswer(t *testing.T, h Harness) {
	g := h.New(t)
	req := sale(h, 1000, true)
	h.LoseAnswer(t, g, &req)
	res, err := g.Authorize(ctx, req)
	if !errors.Is(err, gateway.ErrUnknown) {
		t.Fatalf("lost answer: got %+v, %v; want ErrUnknown", res, err)
	}
	res, found, err := g.Resolve(ctx, req.Key)
	if err != nil || !found {
		t.Fatalf("resolve: found=%v err=%v", found, err)
	}
	approved(t, "resolved")(res, nil)
	// The payment Resolve found is a real one.
	approved(t, "refund of the resolved payment")(g.Refund(ctx, tender.NewID(), res.Ref, req.Amount))
	if h.Payments != nil {
		if n := h.Payments(t, g, req.Key); n != 1 {
			t.Fatalf("%d payments under the key, want 1", n)
		}
	}
}

func testNeverSent(t *testing.T, h Harness) {
	g := h.New(t)
	orig := sale(h, 1000, true)
	req := orig
	h.LoseRequest(t, g, &req)
	if res, err := g.Authorize(ctx, req); !errors.Is(err, gateway.ErrUnknown) {
		t.Fatalf("lost request: got %+v, %v; want ErrUnknown", res, err)
	}
	res, found, err := g.Resolve(ctx, req.Key)
	if err != nil || found {
		t.Fatalf("resolve of a request never received: found=%v res=%+v err=%v", found, res, err)
	}
	// Resolve again: the same answer.
	if _, found, err := g.Resolve(ctx, req.Key); err != nil || found {
		t.Fatalf("second resolve: found=%v err=%v", found, err)
	}
	// The lost request arrives late: the fence refuses it.
	res, err = g.Authorize(ctx, orig)
	refused(t, "late arrival of a fenced request", res, err)
	if h.Payments != nil {
		if n := h.Payments(t, g, req.Key); n != 0 {
			t.Fatalf("%d payments under a fenced key, want 0", n)
		}
	}
}

func testReplay(t *testing.T, h Harness) {
	g := h.New(t)
	req := sale(h, 1000, true)
	a := approved(t, "sale")(g.Authorize(ctx, req))
	b := approved(t, "sale replayed")(g.Authorize(ctx, req))
	if a.Ref != b.Ref || a.AuthCode != b.AuthCode {
		t.Fatalf("replay: %+v, then %+v", a, b)
	}
	if h.Payments != nil {
		if n := h.Payments(t, g, req.Key); n != 1 {
			t.Fatalf("%d payments under the key, want 1", n)
		}
	}
	res, found, err := g.Resolve(ctx, req.Key)
	if err != nil || !found || res.Ref != a.Ref || !res.Approved {
		t.Fatalf("resolve of an answered key: %+v found=%v err=%v", res, found, err)
	}
}

func testSettlement(t *testing.T, h Harness) {
	g := h.New(t)
	s := approved(t, "sale")(g.Authorize(ctx, sale(h, 1000, true)))
	if h.MakeSettled != nil {
		if st, err := g.Settle(ctx, s.Ref); !errors.Is(err, gateway.ErrNotSettled) {
			t.Fatalf("settle before the processor settled: %+v, %v; want ErrNotSettled", st, err)
		}
		h.MakeSettled(t, g, s.Ref)
	}
	st, err := g.Settle(ctx, s.Ref)
	if err != nil || st.Returned {
		t.Fatalf("settle: %+v, %v", st, err)
	}
	// A settled payment is still refundable.
	approved(t, "refund after settlement")(g.Refund(ctx, tender.NewID(), s.Ref, 1000))
}

// testSupports: card sales are offered by every processor; an operation the
// driver declares unsupported is refused as such when called anyway (an
// *UnsupportedError, nothing sent), and one it declares supported answers.
func testSupports(t *testing.T, h Harness) {
	g := h.New(t)
	if err := g.Supports(gateway.OpAuthorize, tender.MethodCard); err != nil {
		t.Fatalf("card authorizations unsupported: %v", err)
	}
	for _, m := range []string{tender.MethodCard, tender.MethodBank} {
		for _, op := range []gateway.Op{gateway.OpAuthorize, gateway.OpCredit} {
			var ue *gateway.UnsupportedError
			if err := g.Supports(op, m); err != nil && (!errors.As(err, &ue) || ue.Processor != g.Name() || ue.Operation == "") {
				t.Fatalf("Supports(%s, %s) = %v, want nil or an *UnsupportedError naming %s", op, m, err, g.Name())
			}
		}
	}
	req := sale(h, 1000, true)
	res, err := g.Credit(ctx, req)
	var ue *gateway.UnsupportedError
	switch declared := g.Supports(gateway.OpCredit, tender.MethodCard); {
	case declared != nil && !errors.As(err, &ue):
		t.Fatalf("credit declared unsupported (%v) answered %+v, %v", declared, res, err)
	case declared == nil:
		approved(t, "credit")(res, err)
	}
}
