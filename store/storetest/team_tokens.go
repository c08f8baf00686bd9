package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
)

// exerciseUserAccounts covers a team user's own credentials and account
// emails: API keys of a user, a user's email and its verification time,
// and password-reset and verification tokens (superseded, spent once,
// expired).
func exerciseUserAccounts(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow.Time

	t.Run("UserAPIKeys", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, suiteNow)
		u := newTeamUser(t, s, m.ID, "keyed@example.com", tender.RoleStaff, now)
		k := &tender.APIKey{ID: uuid.NewString(), Kind: tender.KeyMerchant, MerchantID: m.ID, UserID: u.ID, Name: "mine",
			Hash: uuid.NewString(), Prefix: "tnd_sk_abcd", CreatedAt: now}
		if err := s.APIKeyCreate(ctx, k); err != nil {
			t.Fatal(err)
		}
		got, err := s.APIKeyGetByHash(ctx, k.Hash, now)
		if err != nil || got.UserID != u.ID || got.MerchantID != m.ID {
			t.Fatalf("by hash = %+v, %v", got, err)
		}
		keys, err := s.APIKeyListMerchant(ctx, m.ID, now)
		if err != nil || len(keys) != 1 || keys[0].UserID != u.ID {
			t.Fatalf("list = %+v, %v", keys, err)
		}
		plain := &tender.APIKey{ID: uuid.NewString(), Kind: tender.KeyMerchant, MerchantID: m.ID, Hash: uuid.NewString(),
			Prefix: "tnd_sk_efgh", CreatedAt: now}
		if err := s.APIKeyCreate(ctx, plain); err != nil {
			t.Fatal(err)
		}
		if got, err := s.APIKeyGetByHash(ctx, plain.Hash, now); err != nil || got.UserID != "" {
			t.Fatalf("a merchant's own key = %+v, %v", got, err)
		}
	})

	t.Run("UserEmailAndVerification", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, suiteNow)
		u := newTeamUser(t, s, m.ID, "first@example.com", tender.RoleOwner, now)
		newTeamUser(t, s, m.ID, "taken@example.com", tender.RoleStaff, now)
		if got, err := s.TeamUserGet(ctx, m.ID, u.ID); err != nil || got.EmailVerifiedAt != nil {
			t.Fatalf("new user = %+v, %v", got, err)
		}
		at := now.Add(time.Minute)
		u.Email, u.EmailVerifiedAt = "second@example.com", &at
		if err := s.TeamUserUpdate(ctx, u); err != nil {
			t.Fatal(err)
		}
		got, err := s.TeamUserByEmail(ctx, "second@example.com")
		if err != nil || got.ID != u.ID || got.EmailVerifiedAt == nil || !got.EmailVerifiedAt.Equal(at) {
			t.Fatalf("after update = %+v, %v", got, err)
		}
		u.Email = "taken@example.com"
		if err := s.TeamUserUpdate(ctx, u); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("a taken email: %v, want conflict", err)
		}
	})

	t.Run("TeamTokens", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, suiteNow)
		u := newTeamUser(t, s, m.ID, "tokens@example.com", tender.RoleOwner, now)
		tok := func(hash, kind string, ttl time.Duration) *tender.TeamToken {
			t.Helper()
			tt := &tender.TeamToken{TokenHash: hash, Kind: kind, UserID: u.ID, Email: u.Email, CreatedAt: now,
				ExpiresAt: now.Add(ttl)}
			if err := s.TeamTokenCreate(ctx, tt); err != nil {
				t.Fatal(err)
			}
			return tt
		}
		tok("reset-1", tender.TokenKindReset, time.Hour)
		tok("verify-1", tender.TokenKindVerify, 24*time.Hour)
		got, gu, err := s.TeamTokenGet(ctx, tender.TokenKindReset, "reset-1", now)
		if err != nil || got.UserID != u.ID || got.Email != u.Email || !got.ExpiresAt.Equal(now.Add(time.Hour)) || gu.ID != u.ID {
			t.Fatalf("get = %+v, %+v, %v", got, gu, err)
		}
		if _, _, err := s.TeamTokenGet(ctx, tender.TokenKindVerify, "reset-1", now); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("a reset token read as a verify one: %v", err)
		}
		if _, _, err := s.TeamTokenGet(ctx, tender.TokenKindReset, "reset-1", now.Add(time.Hour)); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("an expired token: %v", err)
		}
		// A newer reset token supersedes the older one, not the verify one.
		tok("reset-2", tender.TokenKindReset, time.Hour)
		if _, _, err := s.TeamTokenGet(ctx, tender.TokenKindReset, "reset-1", now); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("a superseded token: %v", err)
		}
		if _, _, err := s.TeamTokenGet(ctx, tender.TokenKindVerify, "verify-1", now); err != nil {
			t.Fatalf("the verify token after a new reset one: %v", err)
		}
		if _, err := s.TeamTokenUse(ctx, tender.TokenKindReset, "reset-2", now.Add(time.Hour)); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("spending an expired token: %v", err)
		}
		// Spent once, however many try at the same time.
		var wg sync.WaitGroup
		var mu sync.Mutex
		spent := 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if tt, err := s.TeamTokenUse(ctx, tender.TokenKindReset, "reset-2", now); err == nil {
					mu.Lock()
					spent++
					mu.Unlock()
					if tt.UserID != u.ID || tt.Email != u.Email {
						t.Errorf("spent = %+v", tt)
					}
				} else if tender.ErrorCode(err) != tender.ENOTFOUND {
					t.Errorf("spend: %v", err)
				}
			}()
		}
		wg.Wait()
		if spent != 1 {
			t.Fatalf("spent %d times, want once", spent)
		}
		if _, _, err := s.TeamTokenGet(ctx, tender.TokenKindReset, "reset-2", now); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("a spent token: %v", err)
		}
		if n, err := s.TeamSessionsDeleteExpired(ctx, now.Add(48*time.Hour)); err != nil || n < 1 {
			t.Fatalf("sweep = %d, %v", n, err)
		}
		if _, _, err := s.TeamTokenGet(ctx, tender.TokenKindVerify, "verify-1", now); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("a swept token: %v", err)
		}
	})
}
