package service

import (
	"context"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/notify"
	"github.com/tenderpay/tender/store"
)

// Account emails (a password-reset link, an email-verification link) carry
// a one-time token, so unlike invoices and receipts they are not written
// to the messages outbox (which keeps bodies): only the token's hash is
// stored, and the email goes straight to the SMTP transport. Without one,
// nothing is sent and a warning is logged (never the link).

// Token lifetimes.
const (
	ResetTokenTTL  = time.Hour
	VerifyTokenTTL = 24 * time.Hour
)

// accountMailTimeout bounds one account email's delivery.
const accountMailTimeout = 30 * time.Second

// issueToken stores a new token of kind for u's current email (replacing
// the user's unspent older ones) and returns the token.
func (s *Service) issueToken(ctx context.Context, tx store.Executor, u *tender.TeamUser, kind string, ttl time.Duration) (string, error) {
	token, hash := newToken()
	now := s.now()
	err := tx.TeamTokenCreate(ctx, &tender.TeamToken{TokenHash: hash, Kind: kind, UserID: u.ID, Email: u.Email,
		CreatedAt: now, ExpiresAt: now.Add(ttl)})
	return token, err
}

// mailAccount sends an account email to u in the background: the caller's
// answer does not wait on (nor tell anything by) the delivery.
func (s *Service) mailAccount(ctx context.Context, kind string, u *tender.TeamUser, path string, ttl time.Duration) {
	data := notify.AccountData{Name: u.Name, Email: u.Email, Link: strings.TrimSuffix(s.PublicURL, "/") + path,
		Valid: map[time.Duration]string{time.Hour: "one hour", 24 * time.Hour: "24 hours"}[ttl]}
	subject, text, html, err := notify.Render(kind, tender.ChannelEmail, data)
	if err != nil {
		s.log().ErrorContext(ctx, "account email", "kind", kind, "user_id", u.ID, "error", err.Error())
		return
	}
	if s.AccountMail == nil {
		s.log().WarnContext(ctx, "account email not sent: no SMTP transport configured", "kind", kind, "user_id", u.ID)
		return
	}
	m := &tender.Message{ID: tender.NewID(), MerchantID: u.MerchantID, Channel: tender.ChannelEmail, Kind: kind,
		To: u.Email, Subject: subject, Text: text, HTML: html}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), accountMailTimeout)
	go func() {
		defer cancel()
		if err := s.AccountMail.Send(ctx, m); err != nil {
			s.log().WarnContext(ctx, "account email failed", "kind", kind, "user_id", u.ID, "error", tender.Truncate(err.Error(), 300))
		}
	}()
}
