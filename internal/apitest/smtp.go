package apitest

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one message an SMTPServer received.
type Mail struct {
	From string
	To   []string
	Data string // the raw message, headers and MIME body
	// Decoded is the headers followed by every MIME part decoded (quoted-
	// printable and base64 undone), each with its content type.
	Decoded string
}

// decodeMail flattens a MIME message into readable text.
func decodeMail(raw []byte) string {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return string(raw)
	}
	var b strings.Builder
	for k, v := range msg.Header {
		dec, err := new(mime.WordDecoder).DecodeHeader(strings.Join(v, ", "))
		if err != nil {
			dec = strings.Join(v, ", ")
		}
		b.WriteString(k + ": " + dec + "\n")
	}
	writePart(&b, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	return b.String()
}

func writePart(b *strings.Builder, ctype, encoding string, body io.Reader) {
	mt, params, _ := mime.ParseMediaType(ctype)
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return
			}
			writePart(b, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	data, _ := io.ReadAll(body)
	b.WriteString("\n--- " + mt + "\n")
	b.Write(data)
	b.WriteString("\n")
}

// SMTPServer is a real SMTP server (github.com/emersion/go-smtp) on a
// loopback port that keeps what it receives.
type SMTPServer struct {
	URL string // for server.Config.SMTPURL

	mu     sync.Mutex
	mail   []Mail
	wait   chan struct{}
	fail   int // messages still to refuse (FailNext)
	failed int
}

// FailNext has the server refuse the next n messages with a temporary
// error (451), as a mail server that is briefly unavailable.
func (s *SMTPServer) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = n
}

// Failed tells how many messages were refused (FailNext).
func (s *SMTPServer) Failed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failed
}

// StartSMTP runs an SMTP server until the test ends.
func StartSMTP(t testing.TB) *SMTPServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &SMTPServer{URL: "smtp+insecure://" + ln.Addr().String() + "?from=billing@tender.test", wait: make(chan struct{})}
	srv := smtp.NewServer(smtpBackend{s})
	srv.Domain = "tender.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// Mail returns what was received so far.
func (s *SMTPServer) Mail() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mail...)
}

// WaitFor waits up to timeout for a message whose raw text contains every
// one of the substrings, and returns it.
func (s *SMTPServer) WaitFor(t testing.TB, timeout time.Duration, substrings ...string) Mail {
	t.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		for _, m := range s.mail {
			ok := true
			for _, sub := range substrings {
				ok = ok && strings.Contains(m.Decoded, sub)
			}
			if ok {
				s.mu.Unlock()
				return m
			}
		}
		wait := s.wait
		s.mu.Unlock()
		select {
		case <-wait:
		case <-deadline:
			t.Fatalf("no mail containing %q within %s; got %d messages", substrings, timeout, len(s.Mail()))
		}
	}
}

type smtpBackend struct{ s *SMTPServer }

func (b smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{s: b.s}, nil }

type smtpSession struct {
	s    *SMTPServer
	from string
	to   []string
}

func (x *smtpSession) Reset()        { x.from, x.to = "", nil }
func (x *smtpSession) Logout() error { return nil }
func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}
func (x *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	if x.s.fail > 0 {
		x.s.fail--
		x.s.failed++
		x.s.mu.Unlock()
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	x.s.mail = append(x.s.mail, Mail{From: x.from, To: x.to, Data: string(b), Decoded: decodeMail(b)})
	close(x.s.wait)
	x.s.wait = make(chan struct{})
	x.s.mu.Unlock()
	return nil
}

// WaitForN waits up to timeout until n messages contain every one of the
// substrings, and returns them in the order received.
func (s *SMTPServer) WaitForN(t testing.TB, timeout time.Duration, n int, substrings ...string) []Mail {
	t.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		var got []Mail
		for _, m := range s.mail {
			ok := true
			for _, sub := range substrings {
				ok = ok && strings.Contains(m.Decoded, sub)
			}
			if ok {
				got = append(got, m)
			}
		}
		wait := s.wait
		s.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-wait:
		case <-deadline:
			t.Fatalf("%d mails containing %q within %s, want %d", len(got), substrings, timeout, n)
		}
	}
}
