package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/tenderpay/tender"
	"golang.org/x/crypto/bcrypt"
)

// The dashboard's sessions last SessionTTL; a one-time sign-in link (the
// sandbox banner's, for one) must be opened within SignInLinkTTL.
const (
	SessionTTL    = 12 * time.Hour
	SignInLinkTTL = 15 * time.Minute
)

// bcryptCost is the work factor of password hashes (2^12 rounds, about a
// quarter of a second on one core: slow for a guesser, quick for a person).
const bcryptCost = 12

// DashboardSession is a signed-in team user: the session's token (only its
// hash is stored; the token goes in the cookie), the user and its merchant.
type DashboardSession struct {
	Token     string
	ExpiresAt time.Time
	User      *tender.TeamUser
	Merchant  *tender.Merchant
}

// errBadSignIn is every failed sign-in's answer, whatever failed (unknown
// email, wrong password, disabled user), so the answer tells a guesser
// nothing.
var errBadSignIn = tender.Errorf(tender.EUNAUTHORIZED, "The email or password is incorrect.")

// newToken returns a random token and the hash the store keeps.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, TokenHash(token)
}

// TokenHash is what the store keeps of a session or sign-in token.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateTeamUser adds a team user to a merchant (the CLI's `tender user
// create`): 422 for a bad email, role or password, or an email taken.
func (s *Service) CreateTeamUser(ctx context.Context, merchantID string, in *tender.TeamUserInput) (*tender.TeamUser, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if _, err := s.store.MerchantGet(ctx, merchantID); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), bcryptCost)
	if err != nil {
		return nil, err
	}
	return s.createTeamUser(ctx, merchantID, strings.TrimSpace(in.Name), tender.NormalizeEmail(in.Email), in.Role,
		string(hash))
}

func (s *Service) createTeamUser(ctx context.Context, merchantID, name, email, role, hash string) (*tender.TeamUser, error) {
	now := s.now()
	u := &tender.TeamUser{ID: tender.NewID(), MerchantID: merchantID, Name: name, Email: email, PasswordHash: hash,
		Role: role, CreatedAt: now, UpdatedAt: now}
	if err := s.store.TeamUserCreate(ctx, u); err != nil {
		if tender.ErrorCode(err) == tender.ECONFLICT {
			errs := tender.FieldErrors{}
			errs.Add("email", "The email has already been taken.")
			return nil, errs.Err()
		}
		return nil, err
	}
	return u, nil
}

// EnsureSandboxOwner returns the sandbox merchant's owner (email), creating
// it with an unusable random password: the sandbox owner signs in with the
// one-time links the start banner prints.
func (s *Service) EnsureSandboxOwner(ctx context.Context, merchantID, email string) (*tender.TeamUser, error) {
	u, err := s.store.TeamUserByEmail(ctx, email)
	if err == nil || tender.ErrorCode(err) != tender.ENOTFOUND {
		return u, err
	}
	return s.createTeamUser(ctx, merchantID, "", tender.NormalizeEmail(email), tender.RoleOwner, noPassword)
}

// noPassword is the password hash of a user who signs in only by one-time
// link (the sandbox owner): no password matches it. It is not a bcrypt hash,
// so a sandbox start costs no key stretching (every test server is one).
const noPassword = "!"

// CreateSignInLink makes a single-use sign-in link's token for a user,
// valid for SignInLinkTTL.
func (s *Service) CreateSignInLink(ctx context.Context, u *tender.TeamUser) (string, error) {
	token, hash := newToken()
	now := s.now()
	err := s.store.TeamSessionCreate(ctx, &tender.TeamSession{TokenHash: hash, Kind: tender.SessionKindLink,
		UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SignInLinkTTL)})
	return token, err
}

var (
	dummyHashOnce sync.Once
	dummyHash     []byte
)

// dummyPasswordCheck costs what a password check costs, so a failure's
// timing does not tell an unknown email or a link-only user apart.
func (s *Service) dummyPasswordCheck(password string) {
	dummyHashOnce.Do(func() { dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password"), bcryptCost) })
	_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
}

// SignIn checks a team user's email and password and opens a session.
// Every failure is the same EUNAUTHORIZED, and an unknown email costs as
// much as a wrong password.
func (s *Service) SignIn(ctx context.Context, email, password string) (*DashboardSession, error) {
	u, err := s.store.TeamUserByEmail(ctx, email)
	if err != nil {
		if tender.ErrorCode(err) != tender.ENOTFOUND {
			return nil, err
		}
		s.dummyPasswordCheck(password)
		return nil, errBadSignIn
	}
	if u.PasswordHash == noPassword {
		s.dummyPasswordCheck(password)
		return nil, errBadSignIn
	}
	if err := bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)); err != nil {
		if !errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
			s.log().WarnContext(ctx, "password check", "user_id", u.ID, "error", err.Error())
		}
		return nil, errBadSignIn
	}
	if u.Disabled {
		return nil, errBadSignIn
	}
	return s.openSession(ctx, u)
}

// SignInWithLink spends a one-time sign-in link and opens a session;
// EUNAUTHORIZED when the link is unknown, expired or spent.
func (s *Service) SignInWithLink(ctx context.Context, token string) (*DashboardSession, error) {
	u, err := s.store.TeamLinkUse(ctx, TokenHash(token), s.now())
	if tender.ErrorCode(err) == tender.ENOTFOUND || err == nil && u.Disabled {
		return nil, tender.Errorf(tender.EUNAUTHORIZED, "This sign-in link has expired or was already used.")
	} else if err != nil {
		return nil, err
	}
	return s.openSession(ctx, u)
}

func (s *Service) openSession(ctx context.Context, u *tender.TeamUser) (*DashboardSession, error) {
	m, err := s.store.MerchantGet(ctx, u.MerchantID)
	if err != nil {
		return nil, err
	}
	token, hash := newToken()
	now := s.now()
	sess := &tender.TeamSession{TokenHash: hash, Kind: tender.SessionKindSession, UserID: u.ID, CreatedAt: now,
		ExpiresAt: now.Add(SessionTTL)}
	if err := s.store.TeamSessionCreate(ctx, sess); err != nil {
		return nil, err
	}
	return &DashboardSession{Token: token, ExpiresAt: sess.ExpiresAt, User: u, Merchant: m}, nil
}

// Session returns the signed-in session of token: EUNAUTHORIZED when it
// is unknown, expired, or its user is disabled.
func (s *Service) Session(ctx context.Context, token string) (*DashboardSession, error) {
	if token == "" {
		return nil, tender.Errorf(tender.EUNAUTHORIZED, "Unauthorized")
	}
	sess, u, err := s.store.TeamSessionGet(ctx, TokenHash(token), s.now())
	if tender.ErrorCode(err) == tender.ENOTFOUND || err == nil && u.Disabled {
		return nil, tender.Errorf(tender.EUNAUTHORIZED, "Unauthorized")
	} else if err != nil {
		return nil, err
	}
	m, err := s.store.MerchantGet(ctx, u.MerchantID)
	if err != nil {
		return nil, err
	}
	return &DashboardSession{Token: token, ExpiresAt: sess.ExpiresAt, User: u, Merchant: m}, nil
}

// SignOut ends the session of token.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return s.store.TeamSessionDelete(ctx, TokenHash(token))
}

// SweepTeamSessions deletes expired sessions and sign-in links.
func (s *Service) SweepTeamSessions(ctx context.Context) (int, error) {
	return s.store.TeamSessionsDeleteExpired(ctx, s.now())
}

// RefundAs refunds a payment for a signed-in team user: EFORBIDDEN for
// staff, who may not refund.
func (s *Service) RefundAs(ctx context.Context, u *tender.TeamUser, transactionID string, in *tender.ActionInput) (*Result, error) {
	return s.ActAs(ctx, u, transactionID, tender.OpRefund, in)
}

// ActAs captures, voids or refunds a payment for a signed-in team user:
// EFORBIDDEN for a refund or void by staff, who may not give money back.
func (s *Service) ActAs(ctx context.Context, u *tender.TeamUser, transactionID, op string, in *tender.ActionInput) (*Result, error) {
	if op != tender.OpCapture && !u.CanRefund() {
		what := "refund"
		if op == tender.OpVoid {
			what = "void"
		}
		return nil, tender.Errorf(tender.EFORBIDDEN, "Your role (%s) may not %s payments.", u.Role, what)
	}
	return s.Act(ctx, u.MerchantID, transactionID, op, in)
}

// mayAdminister refuses (EFORBIDDEN) a team user who is not an owner or
// admin: API keys and the merchant's settings are theirs alone.
func mayAdminister(u *tender.TeamUser, what string) error {
	if !u.CanAdminister() {
		return tender.Errorf(tender.EFORBIDDEN, "Your role (%s) may not %s.", u.Role, what)
	}
	return nil
}
