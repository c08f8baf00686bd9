package notify

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/tenderpay/tender"
	"github.com/wneessen/go-mail"
)

// SMTP sends email through an SMTP server (github.com/wneessen/go-mail).
type SMTP struct {
	from string
	host string
	opts []mail.Option
}

// NewSMTP configures SMTP from a URL:
//
//	smtp://[user:pass@]host[:port][?from=billing@example.com]   STARTTLS when offered (port 587 default)
//	smtps://[user:pass@]host[:port][?from=...]                  implicit TLS (port 465 default)
//	smtp+insecure://host:port[?from=...]                         no TLS (local relays, tests)
func NewSMTP(rawURL string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("TENDER_SMTP_URL: %w", err)
	}
	s := &SMTP{host: u.Hostname(), from: u.Query().Get("from")}
	if s.from == "" {
		s.from = "no-reply@" + s.host
	}
	if s.host == "" {
		return nil, fmt.Errorf("TENDER_SMTP_URL: no host")
	}
	s.opts = []mail.Option{mail.WithTimeout(15 * time.Second)}
	port := 0
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("TENDER_SMTP_URL: bad port %q", p)
		}
	}
	switch u.Scheme {
	case "smtp":
		s.opts = append(s.opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
		if port == 0 {
			port = 587
		}
	case "smtps":
		s.opts = append(s.opts, mail.WithSSL())
		if port == 0 {
			port = 465
		}
	case "smtp+insecure":
		s.opts = append(s.opts, mail.WithTLSPolicy(mail.NoTLS))
		if port == 0 {
			port = 25
		}
	default:
		return nil, fmt.Errorf("TENDER_SMTP_URL: scheme must be smtp, smtps or smtp+insecure")
	}
	s.opts = append(s.opts, mail.WithPort(port))
	if u.User != nil && u.User.Username() != "" {
		pass, _ := u.User.Password()
		s.opts = append(s.opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(u.User.Username()), mail.WithPassword(pass))
	}
	return s, nil
}

// Send delivers an email message with its text and HTML bodies. The
// Message-ID derives from the message id, so a receiver can drop the
// duplicate of a retried delivery.
func (s *SMTP) Send(ctx context.Context, m *tender.Message) error {
	msg := mail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("from address: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.ID + "@tender")
	msg.SetDate()
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	c, err := mail.NewClient(s.host, s.opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}
