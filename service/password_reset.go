package service

import (
	"context"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
	"golang.org/x/crypto/bcrypt"
)

// ForgotPassword starts a password reset for email (POST /forgot): when a
// team user has that email and is enabled, a reset link (valid for
// ResetTokenTTL, superseding earlier ones) is emailed to it. The lookup
// and the queueing of the email's job (which issues the token and sends,
// with retries) are done in the background, so the answer, and the time
// it takes, is the same whether or not the address has an account. A
// malformed address is a 422.
func (s *Service) ForgotPassword(ctx context.Context, email string) error {
	email = tender.NormalizeEmail(email)
	errs := tender.FieldErrors{}
	if email == "" {
		errs.Required("email")
	} else if !tender.ValidEmail(email) || len(email) > 254 {
		errs.Add("email", "The email must be a valid email address.")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), forgotTimeout)
	go func() {
		defer cancel()
		u, err := s.store.TeamUserByEmail(bg, email)
		if err != nil {
			if tender.ErrorCode(err) != tender.ENOTFOUND {
				s.log().WarnContext(bg, "password reset lookup", "error", err.Error())
			}
			return
		}
		if u.Disabled {
			return
		}
		if err := s.store.InTx(bg, func(tx store.Executor) error { return s.queueAccountMail(bg, tx, u, MailReset) }); err != nil {
			s.log().WarnContext(bg, "password reset email not queued", "user_id", u.ID, "error", err.Error())
		}
	}()
	return nil
}

// forgotTimeout bounds ForgotPassword's background lookup and queueing.
const forgotTimeout = 30 * time.Second

// ResetTokenStatus is what GET /reset/{token} tells: whether the token can
// still reset a password, and for which email (masked).
type ResetTokenStatus struct {
	Valid     bool         `json:"valid"`
	Email     *string      `json:"email"`
	ExpiresAt *tender.Time `json:"expires_at"`
}

// ResetToken tells whether a reset token is live, without spending it.
func (s *Service) ResetToken(ctx context.Context, token string) (*ResetTokenStatus, error) {
	t, u, err := s.store.TeamTokenGet(ctx, tender.TokenKindReset, TokenHash(token), s.now())
	if tender.ErrorCode(err) == tender.ENOTFOUND || err == nil && (u.Disabled || u.Email != t.Email) {
		return &ResetTokenStatus{}, nil
	} else if err != nil {
		return nil, err
	}
	masked := MaskEmail(t.Email)
	return &ResetTokenStatus{Valid: true, Email: &masked, ExpiresAt: tender.TimePtr(t.ExpiresAt)}, nil
}

// errResetLink answers a reset with a token that is unknown, expired,
// spent or superseded.
func errResetLink() error {
	errs := tender.FieldErrors{}
	errs.Add("token", "This password reset link has expired or was already used; ask for a new one.")
	return errs.Err()
}

// ResetPassword sets a new password with a reset token (POST
// /reset/{token}): the token is spent, the email it was sent to counts as
// verified, and every dashboard session of the user ends, in one
// transaction. A bad password is a 422 on password (the token stays
// live); a dead token a 422 on token.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (*tender.TeamUser, error) {
	errs := tender.FieldErrors{}
	if password == "" {
		errs.Required("password")
	} else if err := (&tender.TeamUserUpdate{Password: &password}).Validate(); err != nil {
		return nil, err
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return nil, err
	}
	var out *tender.TeamUser
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		now := s.now()
		_, u, err := tx.TeamTokenGet(ctx, tender.TokenKindReset, TokenHash(token), now)
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return errResetLink()
		} else if err != nil {
			return err
		}
		t, err := tx.TeamTokenUse(ctx, tender.TokenKindReset, TokenHash(token), now)
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return errResetLink()
		} else if err != nil {
			return err
		}
		if u.Disabled || u.Email != t.Email {
			return errResetLink()
		}
		u.PasswordHash, u.UpdatedAt = string(h), now
		if u.EmailVerifiedAt == nil {
			verified := now
			u.EmailVerifiedAt = &verified
		}
		if err := tx.TeamUserUpdate(ctx, u); err != nil {
			return err
		}
		out = u
		return tx.TeamSessionsDeleteUser(ctx, u.ID)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MaskEmail shows an email's first character and its domain:
// "g***@example.com".
func MaskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		return "***"
	}
	r := []rune(local)
	return string(r[0]) + "***@" + domain
}
