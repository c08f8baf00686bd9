package service

import (
	"context"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
	"golang.org/x/crypto/bcrypt"
)

// MayAdminister refuses (EFORBIDDEN) a team user's key on what only owners
// and admins may do (what names it: "refund payments", "manage API
// keys"); nil when u is nil (a merchant's own key) or may administer.
func MayAdminister(u *tender.TeamUser, what string) error {
	if u == nil {
		return nil
	}
	return mayAdminister(u, what)
}

// errNoUser answers PUT /self (and the user's own routes) called with a
// merchant's own key.
var errNoUser = tender.Errorf(tender.EFORBIDDEN,
	"This key belongs to the merchant, not to a team user; use a user's API key (POST /team/apikey with user_id).")

// Self returns the user a user's key acts for, read afresh: EFORBIDDEN
// for a merchant's own key.
func (s *Service) Self(ctx context.Context, u *tender.TeamUser) (*tender.TeamUser, error) {
	if u == nil {
		return nil, errNoUser
	}
	return s.store.TeamUserGet(ctx, u.MerchantID, u.ID)
}

// UpdateSelf changes the signed-in user's own name, email or password
// (PUT /self). A new email or password needs current_password; a new
// email is unverified until the link emailed to it is opened; a new
// password ends every dashboard session of the user.
func (s *Service) UpdateSelf(ctx context.Context, caller *tender.TeamUser, in *tender.SelfUpdate) (*tender.TeamUser, error) {
	if caller == nil {
		return nil, errNoUser
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	u, err := s.store.TeamUserGet(ctx, caller.MerchantID, caller.ID)
	if err != nil {
		return nil, err
	}
	newEmail := in.Email != nil && tender.NormalizeEmail(*in.Email) != u.Email
	if newEmail || in.Password != nil {
		if !s.passwordMatches(u, in.CurrentPassword) {
			errs := tender.FieldErrors{}
			errs.Add("current_password", "The current password is incorrect.")
			return nil, errs.Err()
		}
	}
	var hash string
	if in.Password != nil {
		h, err := bcrypt.GenerateFromPassword([]byte(*in.Password), bcryptCost)
		if err != nil {
			return nil, err
		}
		hash = string(h)
	}
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		if in.Name != nil {
			u.Name = strings.TrimSpace(*in.Name)
		}
		if newEmail {
			u.Email, u.EmailVerifiedAt = tender.NormalizeEmail(*in.Email), nil
		}
		if hash != "" {
			u.PasswordHash = hash
		}
		u.UpdatedAt = s.now()
		if err := tx.TeamUserUpdate(ctx, u); err != nil {
			if tender.ErrorCode(err) == tender.ECONFLICT {
				errs := tender.FieldErrors{}
				errs.Add("email", "The email has already been taken.")
				return errs.Err()
			}
			return err
		}
		if hash != "" {
			if err := tx.TeamSessionsDeleteUser(ctx, u.ID); err != nil {
				return err
			}
		}
		if newEmail {
			return s.sendVerification(ctx, tx, u)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.auth.clear()
	return u, nil
}

// passwordMatches checks a user's password; a link-only user (no
// password) matches nothing, at a password check's cost.
func (s *Service) passwordMatches(u *tender.TeamUser, password string) bool {
	if password == "" || u.PasswordHash == noPassword {
		s.dummyPasswordCheck(password)
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil
}
