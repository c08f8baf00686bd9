package service

import "context"

// RewrapAll re-wraps every sealed number and CVV under the vault's current
// master key (after a key was added in front of the keyring). Only the small
// wrapped data keys change; ciphertexts and fingerprints stay, and the
// server keeps serving throughout since every old key still decrypts.
// It returns how many payment methods it changed and how many it saw.
func (s *Service) RewrapAll(ctx context.Context) (changed, seen int, err error) {
	after := ""
	for {
		page, err := s.Store.PaymentMethodSecretsPage(ctx, after, 500)
		if err != nil {
			return changed, seen, err
		}
		if len(page) == 0 {
			return changed, seen, nil
		}
		for _, sec := range page {
			seen++
			after = sec.PaymentMethodID
			number, err := s.Vault.Rewrap(sec.SealedNumber)
			if err != nil {
				return changed, seen, err
			}
			cvv := sec.SealedCVV
			if cvv != "" {
				if cvv, err = s.Vault.Rewrap(cvv); err != nil {
					return changed, seen, err
				}
			}
			if number == sec.SealedNumber && cvv == sec.SealedCVV {
				continue
			}
			sec.SealedNumber, sec.SealedCVV = number, cvv
			if err := s.Store.PaymentMethodSetSealed(ctx, sec); err != nil {
				return changed, seen, err
			}
			changed++
		}
	}
}
