package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// SourceTerminal marks a card-present transaction made on a register.
const SourceTerminal = "terminal"

// terminalAuthorizing: the device presented a card and the processor is
// being (or was) asked; from here the janitor may resolve the payment.
const terminalAuthorizing = "authorizing"

// pairingTTL is how long a register's one-time pairing code is valid.
const pairingTTL = 24 * time.Hour

func (s *Service) terminalWait() time.Duration {
	if s.TerminalWait > 0 {
		return s.TerminalWait
	}
	return 60 * time.Second
}

func hashSecret(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}

// NewRegister is a register with its one-time pairing code (shown once).
type NewRegister struct {
	*tender.Register
	PairingCode      string      `json:"pairing_code"`
	PairingExpiresAt tender.Time `json:"pairing_expires_at"`
}

func (s *Service) registerView(r *tender.Register) *tender.Register {
	r.IsOnline = r.Online(s.Now())
	return r
}

// CreateRegister adds a register to the merchant with a pairing code the
// device (or "tender terminal simulate --code") redeems.
func (s *Service) CreateRegister(ctx context.Context, merchantID string, in *tender.RegisterInput) (*NewRegister, error) {
	now := tender.NewTime(s.now())
	r := &tender.Register{ID: tender.NewID(), MerchantID: merchantID, Type: "simulator", CreatedAt: now, UpdatedAt: now}
	errs := tender.FieldErrors{}
	in.Apply(r, errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	code := tender.NewPairingCode()
	exp := tender.NewTime(now.Add(pairingTTL))
	r.PairingCodeHash, r.PairingExpiresAt = hashSecret(code), &exp
	var err error
	for range 3 { // register_num races with a concurrent create: take the next one
		if err = s.store.RegisterCreate(ctx, r); tender.ErrorCode(err) != tender.ECONFLICT {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if err := s.store.RegisterSetPairingLocator(ctx, r.ID, pairingLocator(code)); err != nil {
		return nil, err
	}
	return &NewRegister{Register: s.registerView(r), PairingCode: code, PairingExpiresAt: exp}, nil
}

// RePairRegister issues a new pairing code and revokes the paired device's
// token (a replaced or stolen device).
func (s *Service) RePairRegister(ctx context.Context, merchantID, id string) (*NewRegister, error) {
	var out *NewRegister
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		r, err := tx.RegisterGetForUpdate(ctx, merchantID, id)
		if err != nil {
			return err
		}
		if r.DeletedAt != nil {
			return tender.NotFound("register")
		}
		now := tender.NewTime(s.now())
		code := tender.NewPairingCode()
		exp := tender.NewTime(now.Add(pairingTTL))
		r.PairingCodeHash, r.PairingExpiresAt, r.DeviceTokenHash, r.PairedAt, r.UpdatedAt = hashSecret(code), &exp, "", nil, now
		if err := tx.RegisterUpdate(ctx, r); err != nil {
			return err
		}
		if err := tx.RegisterSetPairingLocator(ctx, r.ID, pairingLocator(code)); err != nil {
			return err
		}
		out = &NewRegister{Register: s.registerView(r), PairingCode: code, PairingExpiresAt: exp}
		return nil
	})
	return out, err
}

// ListRegisters lists the merchant's registers (GET /terminal/register).
func (s *Service) ListRegisters(ctx context.Context, merchantID string) ([]*tender.Register, error) {
	rs, err := s.store.RegisterList(ctx, merchantID)
	for _, r := range rs {
		s.registerView(r)
	}
	return rs, err
}

// GetRegister returns one register.
func (s *Service) GetRegister(ctx context.Context, merchantID, id string) (*tender.Register, error) {
	r, err := s.store.RegisterGet(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	return s.registerView(r), nil
}

// UpdateRegister changes a register's nickname, serial, tip and batch time.
func (s *Service) UpdateRegister(ctx context.Context, merchantID, id string, in *tender.RegisterInput) (*tender.Register, error) {
	var out *tender.Register
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		r, err := tx.RegisterGetForUpdate(ctx, merchantID, id)
		if err != nil {
			return err
		}
		if r.DeletedAt != nil {
			return tender.NotFound("register")
		}
		errs := tender.FieldErrors{}
		in.Apply(r, errs)
		if err := errs.Err(); err != nil {
			return err
		}
		r.UpdatedAt = tender.NewTime(s.now())
		out = s.registerView(r)
		return tx.RegisterUpdate(ctx, r)
	})
	return out, err
}

// resolveRegister finds the register an API request names.
func (s *Service) resolveRegister(ctx context.Context, merchantID, id string, num int) (*tender.Register, error) {
	var r *tender.Register
	var err error
	if id != "" {
		r, err = s.store.RegisterGet(ctx, merchantID, id)
	} else {
		r, err = s.store.RegisterGetByNum(ctx, merchantID, num)
	}
	if tender.ErrorCode(err) == tender.ENOTFOUND || err == nil && r.DeletedAt != nil {
		return nil, invalid("register", "The selected register is invalid.")
	}
	return r, err
}
