// Package stripetest is an httptest double of the part of Stripe's API the
// Tender driver uses, speaking Stripe's wire format: form-encoded requests,
// JSON answers, Bearer authentication, Idempotency-Key replay (and its
// idempotency_error for a key reused with other parameters or on another
// endpoint), declines as 402 card_error with a decline_code, the
// PaymentIntent search, refunds, cancel, capture and balance transactions.
// It keeps state, so behaviour can be tested where stripe-mock (fixtures
// only) cannot: declines, lost answers, replays, settlement, and signed
// inbound events (events.go).
//
// Magic card numbers are Stripe's test cards (and the sandbox processor's):
// see Declines.
package stripetest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Credentials the double accepts.
const (
	SecretKey     = "sk_test_tenderdouble0000000000000000"
	WebhookSecret = "whsec_tenderdouble0000000000000000"
)

// Decline is a Stripe card error.
type Decline struct {
	Code        string // error.code
	DeclineCode string // error.decline_code
	Message     string
}

// Declines maps Stripe's test card numbers to the card error confirming
// them gives. Any other number is approved.
var Declines = map[string]Decline{
	"4000000000000002": {"card_declined", "generic_decline", "Your card was declined."},
	"4000000000009995": {"card_declined", "insufficient_funds", "Your card has insufficient funds."},
	"4000000000009987": {"card_declined", "lost_card", "Your card was declined."},
	"4000000000009979": {"card_declined", "stolen_card", "Your card was declined."},
	"4000000000000069": {"expired_card", "expired_card", "Your card has expired."},
	"4000000000000127": {"incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."},
	"4000000000000119": {"processing_error", "processing_error", "An error occurred while processing your card."},
}

// Server is the double. Its zero value is not usable: call New.
type Server struct {
	URL string

	srv *httptest.Server
	mu  sync.Mutex
	pms map[string]*paymentMethod
	pis map[string]*paymentIntent
	// refunds in creation order
	refunds []*refund
	idem    map[string]*idemEntry
	lose    map[string]int // key: answers to drop after acting
	drop    map[string]int // key: requests to drop before acting
	perKey  map[string]int // key: requests received
	// losePath: path -> answers to lose of the next new key sent there;
	// holds: path -> the next request there, held after acting (faults.go)
	losePath map[string]int
	holds    map[string]*Held
	// disputes by id (made by Dispute), uploaded files by id (disputes.go)
	disputes map[string]*dispute
	files    map[string]*file
	cleanup  func(func()) // the test's Cleanup
	total    int
	seq      int
	now      func() time.Time
}

type paymentMethod struct {
	number, cvc, zip, line1 string
}

type paymentIntent struct {
	ID, Status, CaptureMethod string
	Amount, Received          int64
	Metadata                  map[string]string
	ChargeID, TxnID           string
	Available                 bool
	pm                        *paymentMethod
	lastErr                   map[string]any
	created                   int64
}

type refund struct {
	ID, PI, Status string
	Amount         int64
	Metadata       map[string]string
	Created        int64
}

type idemEntry struct {
	endpoint, params string
	status           int
	body             []byte
}

// New starts a double, closed when tb ends.
func New(tb testing.TB) *Server {
	s := &Server{pms: map[string]*paymentMethod{}, pis: map[string]*paymentIntent{}, idem: map[string]*idemEntry{},
		lose: map[string]int{}, drop: map[string]int{}, perKey: map[string]int{}, losePath: map[string]int{},
		holds: map[string]*Held{}, disputes: map[string]*dispute{}, files: map[string]*file{}, now: time.Now}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL, s.cleanup = s.srv.URL, tb.Cleanup
	tb.Cleanup(s.srv.Close)
	return s
}

// LoseAnswers makes the double act on the next n requests carrying key and
// then drop the connection instead of answering.
func (s *Server) LoseAnswers(key string, n int) { s.mu.Lock(); s.lose[key] = n; s.mu.Unlock() }

// DropRequests makes the double drop the next n requests carrying key
// without acting (the request never reached Stripe).
func (s *Server) DropRequests(key string, n int) { s.mu.Lock(); s.drop[key] = n; s.mu.Unlock() }

// MakeAvailable makes the funds of PaymentIntent id available (settled).
func (s *Server) MakeAvailable(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if pi := s.pis[id]; pi != nil {
		pi.Available = true
	}
}

// Payments counts the confirmed PaymentIntents whose tender_key is key.
func (s *Server) Payments(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, pi := range s.pis {
		if pi.Metadata["tender_key"] == key && pi.pm != nil {
			n++
		}
	}
	return n
}

// Requests reports how many requests carried key (0 for key "": all).
func (s *Server) Requests(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if key == "" {
		return s.total
	}
	return s.perKey[key]
}

// Refunded is the total refunded of PaymentIntent id.
func (s *Server) Refunded(id string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refundedLocked(id)
}

func (s *Server) refundedLocked(id string) int64 {
	var n int64
	for _, r := range s.refunds {
		if r.PI == id {
			n += r.Amount
		}
	}
	return n
}

func (s *Server) newID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	s.seq++
	return fmt.Sprintf("%s_%s%04d", prefix, hex.EncodeToString(b[:]), s.seq)
}

// answer is a response the handler computed.
type answer struct {
	status int
	body   any
}

func stripeErr(status int, typ, code, msg string) answer {
	e := map[string]any{"type": typ, "message": msg}
	if code != "" {
		e["code"] = code
	}
	return answer{status, map[string]any{"error": e}}
}

var (
	rePI       = regexp.MustCompile(`^/v1/payment_intents/([^/]+)$`)
	rePIAction = regexp.MustCompile(`^/v1/payment_intents/([^/]+)/(capture|cancel)$`)
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+SecretKey {
		writeJSON(w, stripeErr(401, "invalid_request_error", "", "Invalid API Key provided: sk_test_****"+SecretKey[len(SecretKey)-4:]))
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, stripeErr(400, "invalid_request_error", "", "Malformed body."))
		return
	}
	key := r.Header.Get("Idempotency-Key")
	s.mu.Lock()
	s.total++
	if key != "" {
		s.perKey[key]++
	}
	if n := s.losePath[r.URL.Path]; n > 0 && r.Method == http.MethodPost && key != "" && s.idem[key] == nil {
		s.lose[key], s.losePath[r.URL.Path] = n, 0
	}
	held := s.holds[r.URL.Path]
	delete(s.holds, r.URL.Path)
	if key != "" && s.drop[key] > 0 {
		s.drop[key]--
		s.mu.Unlock()
		hangUp(w)
		return
	}
	var a answer
	replayed := false
	if r.Method == http.MethodPost && key != "" {
		params := r.PostForm.Encode()
		if e, ok := s.idem[key]; ok {
			if e.endpoint != r.URL.Path {
				a = stripeErr(400, "idempotency_error", "", "Keys for idempotent requests can only be used for the same endpoint they were first used for.")
			} else if e.params != params {
				a = stripeErr(400, "idempotency_error", "", "Keys for idempotent requests can only be used with the same parameters they were first used with.")
			} else {
				lost := s.lose[key] > 0
				if lost {
					s.lose[key]--
				}
				s.mu.Unlock()
				if lost {
					hangUp(w)
					return
				}
				w.Header().Set("Idempotent-Replayed", "true")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(e.status)
				_, _ = w.Write(e.body)
				return
			}
			replayed = true
		}
		if !replayed {
			a = s.route(r)
			body, _ := json.Marshal(a.body)
			if a.status < 500 && a.status != 409 {
				s.idem[key] = &idemEntry{endpoint: r.URL.Path, params: params, status: a.status, body: body}
			}
		}
	} else {
		a = s.route(r)
	}
	lost := key != "" && s.lose[key] > 0
	if lost {
		s.lose[key]--
	}
	s.mu.Unlock()
	held.wait(r, key)
	if lost {
		hangUp(w)
		return
	}
	writeJSON(w, a)
}

// hangUp drops the connection without an answer. It writes the start of a
// response first: net/http's Transport silently re-sends a request carrying
// an Idempotency-Key when a reused connection closes before any byte of the
// answer, which would hide the loss.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, buf, err := hj.Hijack(); err == nil {
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
			_ = buf.Flush()
			_ = c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func writeJSON(w http.ResponseWriter, a answer) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", "req_double")
	w.WriteHeader(a.status)
	_ = json.NewEncoder(w).Encode(a.body)
}

// route acts on r under s.mu.
func (s *Server) route(r *http.Request) answer {
	p, f := r.URL.Path, r.Form
	switch {
	case r.Method == http.MethodPost && p == "/v1/payment_methods":
		return s.createPM(f)
	case r.Method == http.MethodPost && p == "/v1/payment_intents":
		return s.createPI(f)
	case r.Method == http.MethodGet && p == "/v1/payment_intents/search":
		return s.search(f)
	case r.Method == http.MethodPost && p == "/v1/refunds":
		return s.createRefund(f)
	case r.Method == http.MethodGet && p == "/v1/refunds":
		return s.listRefunds(f)
	case r.Method == http.MethodPost && p == "/v1/files":
		return s.createFile(r)
	}
	if m := reDispute.FindStringSubmatch(p); m != nil && r.Method == http.MethodPost {
		return s.updateDispute(m[1], f)
	}
	if m := rePIAction.FindStringSubmatch(p); m != nil && r.Method == http.MethodPost {
		pi := s.pis[m[1]]
		if pi == nil {
			return noSuch(m[1])
		}
		if m[2] == "capture" {
			return s.capture(pi, f)
		}
		return s.cancel(pi, f)
	}
	if m := rePI.FindStringSubmatch(p); m != nil {
		pi := s.pis[m[1]]
		if pi == nil {
			return noSuch(m[1])
		}
		if r.Method == http.MethodPost {
			mergeMeta(pi.Metadata, f)
		}
		return answer{200, s.piJSON(pi, expands(f))}
	}
	return stripeErr(404, "invalid_request_error", "", "Unrecognized request URL ("+r.Method+": "+p+").")
}

func noSuch(id string) answer {
	return stripeErr(404, "invalid_request_error", "resource_missing", "No such payment_intent: '"+id+"'")
}

func mergeMeta(m map[string]string, f map[string][]string) {
	for k, v := range f {
		if strings.HasPrefix(k, "metadata[") && strings.HasSuffix(k, "]") {
			m[k[len("metadata["):len(k)-1]] = v[0]
		}
	}
}

func expands(f map[string][]string) string {
	var out []string
	for k, v := range f {
		if strings.HasPrefix(k, "expand[") {
			out = append(out, v...)
		}
	}
	return strings.Join(out, ",")
}

func (s *Server) createPM(f map[string][]string) answer {
	get := func(k string) string { return first(f, k) }
	if get("type") != "card" || get("card[number]") == "" {
		return stripeErr(400, "invalid_request_error", "parameter_missing", "Missing required param: card[number].")
	}
	pm := &paymentMethod{number: get("card[number]"), cvc: get("card[cvc]"),
		zip: get("billing_details[address][postal_code]"), line1: get("billing_details[address][line1]")}
	id := s.newID("pm")
	s.pms[id] = pm
	return answer{200, map[string]any{"id": id, "object": "payment_method", "type": "card",
		"card": map[string]any{"last4": pm.number[len(pm.number)-4:]}}}
}

func first(f map[string][]string, k string) string {
	if v := f[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (s *Server) createPI(f map[string][]string) answer {
	amount, err := strconv.ParseInt(first(f, "amount"), 10, 64)
	if err != nil || amount < 50 {
		return stripeErr(400, "invalid_request_error", "amount_too_small", "Amount must be at least $0.50 usd.")
	}
	pi := &paymentIntent{ID: s.newID("pi"), Amount: amount, Status: "requires_payment_method",
		CaptureMethod: "automatic", Metadata: map[string]string{}, created: s.now().Unix()}
	if first(f, "capture_method") == "manual" {
		pi.CaptureMethod = "manual"
	}
	mergeMeta(pi.Metadata, f)
	s.pis[pi.ID] = pi
	if first(f, "confirm") != "true" {
		return answer{200, s.piJSON(pi, expands(f))}
	}
	pm := s.pms[first(f, "payment_method")]
	if pm == nil {
		return stripeErr(400, "invalid_request_error", "resource_missing", "No such PaymentMethod.")
	}
	pi.pm, pi.ChargeID, pi.TxnID = pm, s.newID("ch"), s.newID("txn")
	if d, ok := Declines[pm.number]; ok {
		pi.lastErr = map[string]any{"type": "card_error", "code": d.Code, "decline_code": d.DeclineCode, "message": d.Message}
		e := map[string]any{"type": "card_error", "code": d.Code, "decline_code": d.DeclineCode, "message": d.Message,
			"charge": pi.ChargeID, "payment_intent": s.piJSON(pi, "")}
		return answer{402, map[string]any{"error": e}}
	}
	if pi.CaptureMethod == "manual" {
		pi.Status = "requires_capture"
	} else {
		pi.Status, pi.Received = "succeeded", amount
	}
	return answer{200, s.piJSON(pi, expands(f))}
}

func (s *Server) capture(pi *paymentIntent, f map[string][]string) answer {
	if pi.Status != "requires_capture" {
		return stripeErr(400, "invalid_request_error", "payment_intent_unexpected_state",
			"This PaymentIntent could not be captured because it has a status of "+pi.Status+".")
	}
	amount := pi.Amount
	if v := first(f, "amount_to_capture"); v != "" {
		amount, _ = strconv.ParseInt(v, 10, 64)
	}
	if amount > pi.Amount || amount <= 0 {
		return stripeErr(400, "invalid_request_error", "amount_too_large", "The amount to capture is greater than the amount capturable.")
	}
	pi.Status, pi.Received = "succeeded", amount
	mergeMeta(pi.Metadata, f)
	return answer{200, s.piJSON(pi, expands(f))}
}

func (s *Server) cancel(pi *paymentIntent, f map[string][]string) answer {
	switch pi.Status {
	case "requires_capture", "requires_payment_method", "requires_confirmation", "requires_action":
		pi.Status = "canceled"
		return answer{200, s.piJSON(pi, expands(f))}
	}
	return stripeErr(400, "invalid_request_error", "payment_intent_unexpected_state",
		"You cannot cancel this PaymentIntent because it has a status of "+pi.Status+".")
}

func (s *Server) createRefund(f map[string][]string) answer {
	pi := s.pis[first(f, "payment_intent")]
	if pi == nil {
		return noSuch(first(f, "payment_intent"))
	}
	if pi.Status != "succeeded" {
		return stripeErr(400, "invalid_request_error", "charge_not_refundable", "This PaymentIntent has no captured charge to refund.")
	}
	left := pi.Received - s.refundedLocked(pi.ID)
	amount := left
	if v := first(f, "amount"); v != "" {
		amount, _ = strconv.ParseInt(v, 10, 64)
	}
	if left == 0 {
		return stripeErr(400, "invalid_request_error", "charge_already_refunded", "Charge has already been refunded.")
	}
	if amount > left || amount <= 0 {
		return stripeErr(400, "invalid_request_error", "amount_too_large",
			fmt.Sprintf("Refund amount ($%d.%02d) is greater than unrefunded amount on charge ($%d.%02d)", amount/100, amount%100, left/100, left%100))
	}
	re := &refund{ID: s.newID("re"), PI: pi.ID, Status: "succeeded", Amount: amount, Metadata: map[string]string{}, Created: s.now().Unix()}
	mergeMeta(re.Metadata, f)
	s.refunds = append(s.refunds, re)
	return answer{200, refundJSON(re)}
}

func refundJSON(re *refund) map[string]any {
	return map[string]any{"id": re.ID, "object": "refund", "amount": re.Amount, "currency": "usd",
		"payment_intent": re.PI, "status": re.Status, "metadata": re.Metadata, "created": re.Created}
}

func (s *Server) listRefunds(f map[string][]string) answer {
	gte, _ := strconv.ParseInt(first(f, "created[gte]"), 10, 64)
	data := []any{}
	for i := len(s.refunds) - 1; i >= 0; i-- {
		if re := s.refunds[i]; re.Created >= gte {
			data = append(data, refundJSON(re))
		}
	}
	return answer{200, map[string]any{"object": "list", "url": "/v1/refunds", "has_more": false, "data": data}}
}

var reClause = regexp.MustCompile(`metadata\['([^']+)'\]:'((?:[^'\\]|\\.)*)'`)

// search answers the metadata clauses of a query, joined by OR.
func (s *Server) search(f map[string][]string) answer {
	clauses := reClause.FindAllStringSubmatch(first(f, "query"), -1)
	if len(clauses) == 0 {
		return stripeErr(400, "invalid_request_error", "", "Invalid search query.")
	}
	var hits []*paymentIntent
	for _, pi := range s.pis {
		for _, c := range clauses {
			if v, ok := pi.Metadata[c[1]]; ok && v == strings.ReplaceAll(c[2], `\'`, `'`) {
				hits = append(hits, pi)
				break
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].ID < hits[j].ID })
	data := []any{}
	exp := strings.ReplaceAll(expands(f), "data.", "")
	for _, pi := range hits {
		data = append(data, s.piJSON(pi, exp))
	}
	return answer{200, map[string]any{"object": "search_result", "url": "/v1/payment_intents/search", "has_more": false, "data": data}}
}

// piJSON renders a PaymentIntent; expand names what to expand
// (latest_charge, latest_charge.balance_transaction).
func (s *Server) piJSON(pi *paymentIntent, expand string) map[string]any {
	out := map[string]any{"id": pi.ID, "object": "payment_intent", "amount": pi.Amount, "currency": "usd",
		"amount_received": pi.Received, "capture_method": pi.CaptureMethod, "status": pi.Status,
		"metadata": pi.Metadata, "created": pi.created, "latest_charge": nil, "last_payment_error": pi.lastErr}
	if pi.ChargeID == "" {
		return out
	}
	if !strings.Contains(expand, "latest_charge") {
		out["latest_charge"] = pi.ChargeID
		return out
	}
	checks := map[string]any{"cvc_check": check(pi.pm.cvc), "address_postal_code_check": check(pi.pm.zip),
		"address_line1_check": check(pi.pm.line1)}
	ch := map[string]any{"id": pi.ChargeID, "object": "charge", "amount": pi.Amount, "amount_captured": pi.Received,
		"payment_intent": pi.ID, "captured": pi.Received > 0, "balance_transaction": nil,
		"payment_method_details": map[string]any{"type": "card", "card": map[string]any{
			"last4": pi.pm.number[len(pi.pm.number)-4:], "checks": checks, "authorization_code": authCode(pi.ChargeID)}}}
	if pi.lastErr != nil {
		ch["status"] = "failed"
		ch["payment_method_details"].(map[string]any)["card"].(map[string]any)["authorization_code"] = nil
	} else if pi.Received > 0 {
		ch["balance_transaction"] = pi.TxnID
		if strings.Contains(expand, "balance_transaction") {
			st := "pending"
			if pi.Available {
				st = "available"
			}
			ch["balance_transaction"] = map[string]any{"id": pi.TxnID, "object": "balance_transaction", "status": st, "amount": pi.Received}
		}
	}
	out["latest_charge"] = ch
	return out
}

func check(v string) any {
	if v == "" {
		return nil
	}
	return "pass"
}

func authCode(chargeID string) string { return strings.ToUpper(chargeID[len(chargeID)-6:]) }
