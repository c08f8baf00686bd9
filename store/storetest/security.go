package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
)

// exerciseSecurity covers API key listing and revocation, pairing failures
// counted per register, and the vault's key fingerprints.
func exerciseSecurity(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("APIKeyLifecycle", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		key := func(merchantID, kind string, created time.Time, expires time.Time) *tender.APIKey {
			k := &tender.APIKey{ID: uuid.NewString(), Kind: kind, MerchantID: merchantID, Name: kind, Hash: uuid.NewString(),
				Prefix: "tnd_sk_abcd", CreatedAt: created, ExpiresAt: expires}
			if err := s.APIKeyCreate(ctx, k); err != nil {
				t.Fatal(err)
			}
			return k
		}
		first := key(m.ID, tender.KeyMerchant, now.Time, time.Time{})
		second := key(m.ID, tender.KeyMerchant, now.Add(time.Second), now.Add(time.Hour))
		key(m.ID, tender.KeyMerchant, now.Time, now.Add(-time.Second))      // expired: not listed
		eph := key(m.ID, tender.KeyEphemeral, now.Time, now.Add(time.Hour)) // ephemeral: not listed
		theirs := key(other.ID, tender.KeyMerchant, now.Time, time.Time{})
		got, err := s.APIKeyListMerchant(ctx, m.ID, now.Time)
		if err != nil || len(got) != 2 || got[0].ID != first.ID || got[1].ID != second.ID || !got[1].ExpiresAt.Equal(second.ExpiresAt) {
			t.Fatalf("list: %v %v", got, err)
		}
		for _, id := range []string{theirs.ID, eph.ID, uuid.NewString(), "not-a-uuid"} {
			if err := s.APIKeyDelete(ctx, m.ID, id); tender.ErrorCode(err) != tender.ENOTFOUND {
				t.Fatalf("delete %s: %v", id, err)
			}
		}
		if err := s.APIKeyDelete(ctx, m.ID, first.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.APIKeyGetByHash(ctx, first.Hash, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("a deleted key still resolves: %v", err)
		}
		if _, err := s.APIKeyGetByHash(ctx, theirs.Hash, now.Time); err != nil {
			t.Fatalf("another merchant's key: %v", err)
		}
	})

	t.Run("PairingFailures", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		exp := tender.NewTime(now.Add(time.Hour))
		regs := make([]*tender.Register, 2)
		for i := range regs {
			regs[i] = &tender.Register{ID: uuid.NewString(), MerchantID: m.ID, Type: "simulator", BatchTime: "23:00",
				PairingCodeHash: "code-" + uuid.NewString(), PairingExpiresAt: &exp, CreatedAt: now, UpdatedAt: now}
			if err := s.RegisterCreate(ctx, regs[i]); err != nil {
				t.Fatal(err)
			}
			if err := s.RegisterSetPairingLocator(ctx, regs[i].ID, "loc-"+regs[i].ID); err != nil {
				t.Fatal(err)
			}
		}
		for range 2 {
			if err := s.RegisterPairingFailed(ctx, "loc-"+regs[0].ID, 3, now.Time); err != nil {
				t.Fatal(err)
			}
		}
		if r, err := s.RegisterByPairingCode(ctx, regs[0].PairingCodeHash); err != nil || r.ID != regs[0].ID {
			t.Fatalf("2 of 3 failures: %v %v", r, err)
		}
		if err := s.RegisterPairingFailed(ctx, "loc-"+regs[0].ID, 3, now.Time); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RegisterByPairingCode(ctx, regs[0].PairingCodeHash); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("a retired code still pairs: %v", err)
		}
		if r, err := s.RegisterByPairingCode(ctx, regs[1].PairingCodeHash); err != nil || r.ID != regs[1].ID {
			t.Fatalf("another register's code: %v %v", r, err)
		}
		// A new locator starts from zero.
		if err := s.RegisterSetPairingLocator(ctx, regs[1].ID, "loc-new"); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := s.RegisterPairingFailed(ctx, "loc-new", 3, now.Time); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.RegisterByPairingCode(ctx, regs[1].PairingCodeHash); err != nil {
			t.Fatalf("2 of 3 failures under a new locator: %v", err)
		}
	})

	t.Run("VaultKeys", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		if got, err := s.VaultKeys(ctx); err != nil || len(got) != 0 {
			t.Fatalf("empty: %v %v", got, err)
		}
		if v, err := s.VaultSealedSample(ctx, ""); err != nil || v != "" {
			t.Fatalf("sample of an empty database: %q %v", v, err)
		}
		for _, r := range [][3]string{{"k_1", "fp-a", ""}, {"k_1", "fp-b", ""}, {"k2", "fp-c", ""}} {
			if err := s.VaultKeyRecord(ctx, r[0], r[1], r[2], now.Time); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := s.VaultKeys(ctx); err != nil || len(got) != 2 || got["k_1"] != "fp-a" || got["k2"] != "fp-c" {
			t.Fatalf("recorded: %v %v (the first fingerprint of an id is kept)", got, err)
		}
		if err := s.VaultKeyRecord(ctx, "k2", "fp-d", "fp-c", now.Time); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.VaultKeys(ctx); got["k2"] != "fp-d" {
			t.Fatalf("a stale record is replaced: %v", got)
		}
		m := newMerchant(t, s, now)
		c := createCustomer(t, s, m.ID, now)
		if err := s.PaymentMethodCreate(ctx, newPaymentMethod(m.ID, c.ID, now), &tender.PaymentMethodSecret{SealedNumber: "v1.k_1.num.ct"}); err != nil {
			t.Fatal(err)
		}
		// "_" is a LIKE wildcard: the match is exact.
		for kid, want := range map[string]string{"": "v1.k_1.num.ct", "k_1": "v1.k_1.num.ct", "kx1": "", "k": "", "k2": ""} {
			if v, err := s.VaultSealedSample(ctx, kid); err != nil || v != want {
				t.Fatalf("sample of %q: %q %v, want %q", kid, v, err, want)
			}
		}
	})
}
