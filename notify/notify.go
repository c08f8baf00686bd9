// Package notify renders and delivers the emails and SMS Tender sends to
// customers (invoices, receipts). Messages are rendered from the embedded
// templates (text and HTML for email) into rows of the messages outbox,
// written in the same database transaction as the change that sends them;
// the Relay delivers them from there, by SMTP for email and through an
// SMSSender for SMS, at least once, with retries.
package notify

import (
	"bytes"
	"context"
	"embed"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/tenderpay/tender"
)

//go:embed templates
var templateFS embed.FS

var (
	textT = texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/*.txt"))
	htmlT = htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/*.html"))
)

// Line is an invoice line as a message shows it.
type Line struct {
	Item, Details, Quantity, Price string
}

// InvoiceData fills the invoice templates.
type InvoiceData struct {
	Merchant, Customer string
	Total, Amount      string // the invoice total and the balance due, "$12.50"
	DueAt              string
	Memo               string
	Lines              []Line
	Link               string
}

// ReceiptData fills the receipt templates. PaidWith is a brand and last
// four at most ("VISA ending in 1111"), never a number.
type ReceiptData struct {
	Merchant      string
	Success       bool
	Message       string
	Amount        string
	Type          string
	PaidWith      string
	Date          string
	TransactionID string
	InvoiceID     string
}

// Render fills in kind's ("invoice" or "receipt") templates for channel:
// subject, text and HTML for email; text for SMS.
func Render(kind, channel string, data any) (subject, text, html string, err error) {
	exec := func(name string) (string, error) {
		var b bytes.Buffer
		if strings.HasSuffix(name, ".html") {
			err = htmlT.ExecuteTemplate(&b, name, data)
		} else {
			err = textT.ExecuteTemplate(&b, name, data)
		}
		return strings.TrimSpace(b.String()), err
	}
	if channel == tender.ChannelSMS {
		text, err = exec(kind + ".sms.txt")
		return "", text, "", err
	}
	if subject, err = exec(kind + ".subject.txt"); err != nil {
		return
	}
	if text, err = exec(kind + ".txt"); err != nil {
		return
	}
	html, err = exec(kind + ".html")
	return
}

// Dollars formats an amount for people: "$1,234.50".
func Dollars(a tender.Amount) string {
	s := a.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := "$" + b.String() + "." + frac
	if neg {
		out = "-" + out
	}
	return out
}

// Sender delivers one message on its channel.
type Sender interface {
	Send(ctx context.Context, m *tender.Message) error
}

// AccountData fills the account emails (account_reset, account_verify):
// the person's name and email, the one-time link and how long it works.
type AccountData struct {
	Name, Email, Link, Valid string
}
