package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/notify"
	"github.com/tenderpay/tender/store"
)

// Account emails (a password-reset link, an email-verification link) carry
// a one-time token, so unlike invoices and receipts they are not written
// to the messages outbox (which keeps bodies). They are durable jobs
// instead (package jobs, QueueAccountMail), inserted in the transaction of
// the change that calls for them and carrying only the user and the kind of
// email: the job issues the token when it runs (only its hash is stored)
// and sends the email straight to the SMTP transport, retried on failure,
// each attempt with a fresh token superseding the last. Without a
// transport, nothing is sent and a warning is logged (never the link).

// Token lifetimes.
const (
	ResetTokenTTL  = time.Hour
	VerifyTokenTTL = 24 * time.Hour
)

// The kinds of account email (their notify templates).
const (
	MailReset  = "account_reset"
	MailVerify = "account_verify"
)

// accountMails gives each kind of account email its token's kind and
// lifetime and its link's path.
var accountMails = map[string]struct {
	token, path string
	ttl         time.Duration
}{
	MailReset:  {tender.TokenKindReset, "/reset/", ResetTokenTTL},
	MailVerify: {tender.TokenKindVerify, "/self/verify/", VerifyTokenTTL},
}

// issueToken stores a new token of kind for u's current email (replacing
// the user's unspent older ones) and returns the token.
func (s *Service) issueToken(ctx context.Context, tx store.Executor, u *tender.TeamUser, kind string, ttl time.Duration) (string, error) {
	token, hash := newToken()
	now := s.now()
	err := tx.TeamTokenCreate(ctx, &tender.TeamToken{TokenHash: hash, Kind: kind, UserID: u.ID, Email: u.Email,
		CreatedAt: now, ExpiresAt: now.Add(ttl)})
	return token, err
}

// queueAccountMail queues, in tx, the job that sends u the account email
// kind: it exists if and only if tx commits.
func (s *Service) queueAccountMail(ctx context.Context, tx store.Executor, u *tender.TeamUser, kind string) error {
	if s.QueueAccountMail == nil {
		s.log().WarnContext(ctx, "account email not sent: no job queue", "kind", kind, "user_id", u.ID)
		return nil
	}
	return s.QueueAccountMail(ctx, tx, u.MerchantID, u.ID, kind)
}

// SendAccountMail is the account-email job's work: it issues a token of
// kind for the user's current email and sends the link. An error (the
// transport failed) has the job retried; a user deleted, disabled, or (for
// a verification) verified since is sent nothing.
func (s *Service) SendAccountMail(ctx context.Context, merchantID, userID, kind string) error {
	am, ok := accountMails[kind]
	if !ok {
		return fmt.Errorf("account email: unknown kind %q", kind)
	}
	if s.AccountMail == nil {
		s.log().WarnContext(ctx, "account email not sent: no SMTP transport configured", "kind", kind, "user_id", userID)
		return nil
	}
	u, err := s.store.TeamUserGet(ctx, merchantID, userID)
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if u.Disabled || kind == MailVerify && u.EmailVerifiedAt != nil {
		return nil
	}
	token, err := s.issueToken(ctx, s.store, u, am.token, am.ttl)
	if err != nil {
		return err
	}
	data := notify.AccountData{Name: u.Name, Email: u.Email, Link: strings.TrimSuffix(s.PublicURL, "/") + am.path + token,
		Valid: map[time.Duration]string{time.Hour: "one hour", 24 * time.Hour: "24 hours"}[am.ttl]}
	subject, text, html, err := notify.Render(kind, tender.ChannelEmail, data)
	if err != nil {
		return err
	}
	m := &tender.Message{ID: tender.NewID(), MerchantID: u.MerchantID, Channel: tender.ChannelEmail, Kind: kind,
		To: u.Email, Subject: subject, Text: text, HTML: html}
	if err := s.AccountMail.Send(ctx, m); err != nil {
		s.log().WarnContext(ctx, "account email failed", "kind", kind, "user_id", u.ID, "error", tender.Truncate(err.Error(), 300))
		return fmt.Errorf("account email: %s", tender.Truncate(err.Error(), 300))
	}
	return nil
}
