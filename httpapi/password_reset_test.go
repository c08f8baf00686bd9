package httpapi_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

var resetLink = regexp.MustCompile(`http://[^\s"<>]+/reset/([A-Za-z0-9_-]{43})`)

// mailsTo waits (bounded) until n messages to addr arrived and returns
// them, oldest first.
func mailsTo(t *testing.T, smtp *apitest.SMTPServer, addr string, n int) []apitest.Mail {
	t.Helper()
	return smtp.WaitForN(t, 60*time.Second, n, addr, "/reset/")
}

// TestPasswordReset: POST /forgot answers the same for an address with or
// without an account; the account's owner gets a real email (SMTP) with a
// link that GET /reset/{token} reports valid (masked email) without
// spending; a newer link supersedes it; POST /reset/{token} with the link
// sets the password, ends the user's sessions and spends the link; a used
// or expired link is refused; the per-email budget answers 429.
func TestPasswordReset(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		smtp := apitest.StartSMTP(t)
		e := apitest.Start(t, store, apitest.Options{SMTPURL: smtp.URL})
		ctx := t.Context()
		svc := e.Server.Service
		const password = "correct horse battery"
		e.Call("POST", "/team/user", map[string]any{"name": "Grace", "email": "grace@example.com", "team_role": "admin",
			"password": password}, http.StatusCreated)
		forgot := func(email string, want int) *apitest.Response {
			t.Helper()
			r := e.Do(apitest.Request{Method: "POST", Path: "/forgot", Body: map[string]any{"email": email}})
			if r.Status != want {
				t.Fatalf("POST /forgot %s: %d, want %d: %s", email, r.Status, want, r.Body)
			}
			return r
		}
		known, unknown := forgot("Grace@Example.com", 200), forgot("nobody@example.com", 200)
		if string(known.Body) != string(unknown.Body) {
			t.Fatalf("POST /forgot tells accounts apart: %s vs %s", known.Body, unknown.Body)
		}
		if _, ok := forgot("not an email", http.StatusUnprocessableEntity).Map(t)["email"]; !ok {
			t.Fatal("a malformed email is not a 422 on email")
		}

		link := func(m apitest.Mail) (string, string) {
			t.Helper()
			sub := resetLink.FindStringSubmatch(m.Decoded)
			if sub == nil {
				t.Fatalf("no reset link in %s", m.Decoded)
			}
			if !strings.Contains(m.Decoded, "Reset your Tender password") {
				t.Fatalf("subject: %s", m.Decoded)
			}
			return sub[0], sub[1]
		}
		first, token1 := link(mailsTo(t, smtp, "grace@example.com", 1)[0])
		if !strings.HasPrefix(first, e.URL+"/reset/") {
			t.Fatalf("link %s is not this server's /reset/", first)
		}
		status := func(token string) map[string]any {
			t.Helper()
			r := e.Do(apitest.Request{Method: "GET", Path: "/reset/" + token})
			if r.Status != 200 {
				t.Fatalf("GET /reset: %d %s", r.Status, r.Body)
			}
			return r.Map(t)
		}
		for range 2 { // reading does not spend it
			if st := status(token1); st["valid"] != true || st["email"] != "g***@example.com" {
				t.Fatalf("GET /reset/{token}: %v", st)
			}
		}
		if st := status("nonsense"); st["valid"] != false || st["email"] != nil {
			t.Fatalf("an unknown token: %v", st)
		}

		// A newer link supersedes the first.
		forgot("grace@example.com", 200)
		_, token2 := link(mailsTo(t, smtp, "grace@example.com", 2)[1])
		if token2 == token1 || status(token1)["valid"] != false {
			t.Fatal("the older link still works after a newer one")
		}
		reset := func(token, pw string, want int) map[string]any {
			t.Helper()
			r := e.Do(apitest.Request{Method: "POST", Path: "/reset/" + token, Body: map[string]any{"password": pw}})
			if r.Status != want {
				t.Fatalf("POST /reset: %d, want %d: %s", r.Status, want, r.Body)
			}
			return r.Map(t)
		}
		if _, ok := reset(token1, "a brand new passphrase", 422)["token"]; !ok {
			t.Fatal("a superseded link is not a 422 on token")
		}
		if _, ok := reset(token2, "short", 422)["password"]; !ok {
			t.Fatal("a short password is not a 422 on password")
		}
		if status(token2)["valid"] != true {
			t.Fatal("a refused password spent the link")
		}
		sess, err := svc.SignIn(ctx, "grace@example.com", password)
		if err != nil {
			t.Fatal(err)
		}
		reset(token2, "a brand new passphrase", 200)
		if _, err := svc.Session(ctx, sess.Token); err == nil {
			t.Fatal("the reset left a session open")
		}
		if _, err := svc.SignIn(ctx, "grace@example.com", "a brand new passphrase"); err != nil {
			t.Fatalf("the new password: %v", err)
		}
		if _, ok := reset(token2, "another new passphrase", 422)["token"]; !ok {
			t.Fatal("a used link is not a 422 on token")
		}

		// An expired link (the sandbox clock moves past its hour).
		forgot("grace@example.com", 200)
		_, token3 := link(mailsTo(t, smtp, "grace@example.com", 3)[2])
		e.Call("POST", "/sandbox/clock", map[string]any{"advance": "61m"}, 200)
		if status(token3)["valid"] != false {
			t.Fatal("an expired link is valid")
		}
		if _, ok := reset(token3, "another new passphrase", 422)["token"]; !ok {
			t.Fatal("an expired link is not a 422 on token")
		}

		// The per-email budget: the sixth request for one address in ten
		// minutes is refused, account or not.
		for range 5 {
			forgot("flood@example.com", 200)
		}
		if r := forgot("FLOOD@example.com", http.StatusTooManyRequests); r.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
		for _, m := range smtp.Mail() {
			if m.To[0] == "nobody@example.com" || m.To[0] == "flood@example.com" {
				t.Fatalf("an address without an account got mail: %v", m.To)
			}
			if strings.Contains(m.Decoded, token1) && strings.Contains(m.Decoded, token2) {
				t.Fatal("one email holds two links")
			}
		}
	})
}

// TestPasswordResetMailRetried: the reset email is a durable job, not a
// goroutine: when the mail server refuses it, the job tries again and the
// email arrives, with a link (issued by the retry) that works.
func TestPasswordResetMailRetried(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		smtp := apitest.StartSMTP(t)
		smtp.FailNext(1)
		e := apitest.Start(t, store, apitest.Options{SMTPURL: smtp.URL})
		e.Call("POST", "/team/user", map[string]any{"name": "Ada", "email": "ada@example.com", "team_role": "admin",
			"password": "correct horse battery"}, http.StatusCreated)
		e.Call("POST", "/forgot", map[string]any{"email": "ada@example.com"}, http.StatusOK)
		m := mailsTo(t, smtp, "ada@example.com", 1)[0]
		if smtp.Failed() != 1 {
			t.Fatalf("the mail server refused %d messages, want 1 (the first attempt)", smtp.Failed())
		}
		sub := resetLink.FindStringSubmatch(m.Decoded)
		if sub == nil {
			t.Fatalf("no reset link in %s", m.Decoded)
		}
		r := e.Do(apitest.Request{Method: "GET", Path: "/reset/" + sub[1]})
		if r.Status != 200 || r.Map(t)["valid"] != true {
			t.Fatalf("the retried email's link is not valid: %d %s", r.Status, r.Body)
		}
	})
}
