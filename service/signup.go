package service

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
	"golang.org/x/crypto/bcrypt"
)

// SignUp is a merchant made by self sign-up, its owner, and the owner's
// API key (shown once).
type SignUp struct {
	Merchant *tender.Merchant `json:"merchant"`
	User     *tender.TeamUser `json:"user"`
	APIKey   *NewKey          `json:"api_key"`
}

// SignUpInput is POST /self's body.
type SignUpInput struct {
	CompanyName, Name, Email, Password string
}

// errSignupClosed answers the sign-up routes on a server where sign-up is
// closed (production by default).
var errSignupClosed = tender.Errorf(tender.EFORBIDDEN, "Sign-up is closed on this server; the operator creates merchants (tender merchant create) or a partner does (POST /merchant).")

// SignUp creates a merchant with its owner user and a key of the owner's,
// in one transaction, and emails the owner a verification link (POST
// /self). On a sandbox server the merchant is a sandbox (test) merchant.
// Only while SignupOpen; EFORBIDDEN otherwise.
func (s *Service) SignUp(ctx context.Context, in *SignUpInput) (*SignUp, error) {
	if !s.SignupOpen {
		return nil, errSignupClosed
	}
	errs := tender.FieldErrors{}
	if err := mergeFields(errs, (&tender.TeamUserInput{Name: in.Name, Email: in.Email, Role: tender.RoleOwner,
		Password: in.Password}).Validate()); err != nil {
		return nil, err
	}
	company := strings.TrimSpace(in.CompanyName)
	email := tender.NormalizeEmail(in.Email)
	now := tender.NewTime(s.now())
	m := &tender.Merchant{ID: tender.NewID(), Status: "ACTIVE", Sandbox: s.SandboxMode, IsTest: s.SandboxMode,
		WebPaymentsToken: tender.NewSecret(tender.WebPaymentsPrefix), CreatedAt: now, UpdatedAt: now}
	if err := mergeFields(errs, (&tender.MerchantInput{CompanyName: &company, ContactEmail: &email}).Apply(m, true)); err != nil {
		return nil, err
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if s.SandboxMode {
		m.Processor = tender.ProcessorSandbox
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), bcryptCost)
	if err != nil {
		return nil, err
	}
	out := &SignUp{Merchant: m}
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		if err := tx.MerchantCreate(ctx, m); err != nil {
			return err
		}
		u := &tender.TeamUser{ID: tender.NewID(), MerchantID: m.ID, Name: strings.TrimSpace(in.Name), Email: email,
			PasswordHash: string(hash), Role: tender.RoleOwner, CreatedAt: now.Time, UpdatedAt: now.Time}
		if err := tx.TeamUserCreate(ctx, u); err != nil {
			if tender.ErrorCode(err) == tender.ECONFLICT {
				return invalid("email", "The email has already been taken.")
			}
			return err
		}
		out.User = u
		if out.APIKey, err = s.createUserKey(ctx, tx, m.ID, u.ID, "sign-up", time.Time{}); err != nil {
			return err
		}
		return s.sendVerification(ctx, tx, u)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EmailTaken tells whether a team user has email (GET /self/exists): only
// while sign-up is open, since sign-up tells it anyway (EFORBIDDEN
// otherwise).
func (s *Service) EmailTaken(ctx context.Context, email string) (bool, error) {
	if !s.SignupOpen {
		return false, errSignupClosed
	}
	email = tender.NormalizeEmail(email)
	if email == "" {
		return false, invalid("email", "The email field is required.")
	}
	_, err := s.store.TeamUserByEmail(ctx, email)
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		return false, nil
	}
	return err == nil, err
}

// mergeFields copies a validation error's fields into errs; another error
// is returned as it is.
func mergeFields(errs tender.FieldErrors, err error) error {
	var fe *tender.Error
	if err == nil {
		return nil
	}
	if !errors.As(err, &fe) || len(fe.Fields) == 0 {
		return err
	}
	for k, v := range fe.Fields {
		errs[k] = append(errs[k], v...)
	}
	return nil
}
