package service

import (
	"context"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// sendVerification queues, in tx, the email of a verification link for
// u's email (its token is issued when the job runs).
func (s *Service) sendVerification(ctx context.Context, tx store.Executor, u *tender.TeamUser) error {
	return s.queueAccountMail(ctx, tx, u, MailVerify)
}

// ResendVerification emails the signed-in user a new verification link
// for their email (POST /verify, PUT /self/verify/resend), replacing older
// ones: EFORBIDDEN for a merchant's own key, 422 on email when it is
// already verified.
func (s *Service) ResendVerification(ctx context.Context, caller *tender.TeamUser) error {
	u, err := s.Self(ctx, caller)
	if err != nil {
		return err
	}
	if u.EmailVerifiedAt != nil {
		return invalid("email", "The email is already verified.")
	}
	return s.store.InTx(ctx, func(tx store.Executor) error { return s.sendVerification(ctx, tx, u) })
}

// VerifyEmail spends a verification token (GET /self/verify/{token}) and
// marks the email it was sent to verified, if it is still the user's: a
// 422 on token when the link is unknown, expired, used or superseded, or
// the user's email changed since.
func (s *Service) VerifyEmail(ctx context.Context, token string) (*tender.TeamUser, error) {
	dead := invalid("token", "This verification link has expired or was already used; ask for a new one.")
	var out *tender.TeamUser
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		now := s.now()
		_, u, err := tx.TeamTokenGet(ctx, tender.TokenKindVerify, TokenHash(token), now)
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return dead
		} else if err != nil {
			return err
		}
		t, err := tx.TeamTokenUse(ctx, tender.TokenKindVerify, TokenHash(token), now)
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return dead
		} else if err != nil {
			return err
		}
		if u.Disabled || u.Email != t.Email {
			return dead
		}
		u.EmailVerifiedAt, u.UpdatedAt = &now, now
		out = u
		return tx.TeamUserUpdate(ctx, u)
	})
	if err != nil {
		return nil, err
	}
	s.auth.clear()
	return out, nil
}
