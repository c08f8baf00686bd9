package service

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/store"
)

// sealAAD binds a sealed value to its payment method and purpose, so a
// ciphertext copied to another row does not decrypt.
func sealAAD(purpose, paymentMethodID string) []byte {
	return []byte(purpose + ":" + paymentMethodID)
}

// CreatePaymentMethod validates a card or bank account, seals its number
// (and the card's CVV) in the vault, and stores the payment method on the
// customer.
func (s *Service) CreatePaymentMethod(ctx context.Context, merchantID string, in *tender.PaymentMethodInput) (*tender.PaymentMethod, error) {
	p, err := s.preparePaymentMethod(merchantID, in)
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		return s.storePaymentMethod(ctx, tx, p)
	})
	if err != nil {
		return nil, err
	}
	return p.pm, nil
}

// preparedMethod is a validated payment method with its sealed secrets,
// and the card or bank the processor is to be given for its first payment.
type preparedMethod struct {
	pm     *tender.PaymentMethod
	secret *tender.PaymentMethodSecret
	gw     gateway.Request
}

// preparePaymentMethod validates in and seals its numbers; nothing is
// written.
func (s *Service) preparePaymentMethod(merchantID string, in *tender.PaymentMethodInput) (*preparedMethod, error) {
	errs := tender.FieldErrors{}
	method := strings.ToLower(val(in.Method))
	if method == "" {
		method = tender.MethodCard
		if in.BankAccount != nil && in.CardNumber == nil {
			method = tender.MethodBank
		}
	}
	if method != tender.MethodCard && method != tender.MethodBank {
		errs.Add("method", "The method must be card or bank.")
	}
	now := tender.NewTime(s.now())
	pm := &tender.PaymentMethod{
		ID: tender.NewID(), MerchantID: merchantID, CustomerID: val(in.CustomerID), Method: method,
		Meta: json.RawMessage("{}"), IsUsableInVT: true, CreatedAt: now, UpdatedAt: now,
	}
	in.ApplyAddress(pm, errs)
	if pm.PersonName == "" {
		errs.Required("person_name")
	}
	if pm.CustomerID == "" {
		errs.Required("customer_id")
	}
	secret := &tender.PaymentMethodSecret{PaymentMethodID: pm.ID}
	var number, cvv string
	var month, year int
	switch method {
	case tender.MethodCard:
		number, cvv = tender.NormalizeCardNumber(val(in.CardNumber)), val(in.CardCVV)
		if cvv == "" {
			errs.Required("card_cvv")
		}
		var brand string
		brand, month, year = tender.ValidateCard(errs, number, cvv, val(in.CardExp), s.Now())
		pm.CardType, pm.CardLastFour = brand, tender.LastFour(number)
		pm.CardExp, pm.BinType, pm.HasCVV = tender.FormatCardExp(month, year), "CREDIT", cvv != ""
		if pm.Nickname == "" {
			pm.Nickname = strings.ToUpper(brand) + ": " + pm.PersonName + " (ending in: " + pm.CardLastFour + ")"
		}
	case tender.MethodBank:
		number = strings.TrimSpace(val(in.BankAccount))
		routing := strings.TrimSpace(val(in.BankRouting))
		tender.ValidateBank(errs, number, routing, strings.ToLower(val(in.BankType)), strings.ToLower(val(in.BankHolderType)))
		pm.BankName, pm.BankType, pm.BankHolderType = val(in.BankName), strings.ToLower(val(in.BankType)), strings.ToLower(val(in.BankHolderType))
		pm.CardLastFour, secret.BankRouting = tender.LastFour(number), routing
		tender.MaxLen(errs, "bank_name", pm.BankName, 255)
		if pm.Nickname == "" {
			pm.Nickname = "BANK: " + pm.PersonName + " (ending in: " + pm.CardLastFour + ")"
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	p := &preparedMethod{pm: pm, secret: secret}
	if method == tender.MethodBank {
		p.gw.Bank = &gateway.Bank{Account: number, Routing: secret.BankRouting, Type: pm.BankType,
			HolderType: pm.BankHolderType, Name: pm.PersonName}
	} else {
		p.gw.Card = &gateway.Card{Number: number, CVV: cvv, ExpMonth: month, ExpYear: year, Name: pm.PersonName,
			Zip: pm.AddressZip, Address: pm.Address1}
	}
	var err error
	if secret.SealedNumber, err = s.Vault.Seal([]byte(number), sealAAD("number", pm.ID)); err != nil {
		return nil, err
	}
	if cvv != "" {
		if secret.SealedCVV, err = s.Vault.Seal([]byte(cvv), sealAAD("cvv", pm.ID)); err != nil {
			return nil, err
		}
	}
	kind := method
	if method == tender.MethodBank {
		number = secret.BankRouting + ":" + number
	}
	pm.Fingerprint = s.Fingerprinter.Fingerprint(kind, number)
	return p, nil
}

// storePaymentMethod writes a prepared payment method on its (live)
// customer with its event, inside tx.
func (s *Service) storePaymentMethod(ctx context.Context, tx store.Executor, p *preparedMethod) error {
	pm := p.pm
	c, err := tx.CustomerGet(ctx, pm.MerchantID, pm.CustomerID)
	if err != nil || c.DeletedAt != nil {
		if err != nil && tender.ErrorCode(err) != tender.ENOTFOUND {
			return err
		}
		return invalid("customer_id", "The selected customer id is invalid.")
	}
	hasAny, err := tx.PaymentMethodCustomerHasAny(ctx, pm.MerchantID, pm.CustomerID)
	if err != nil {
		return err
	}
	if !hasAny {
		pm.IsDefault = true // a customer's first payment method
	}
	if pm.IsDefault {
		if err := tx.PaymentMethodClearDefault(ctx, pm.MerchantID, pm.CustomerID, pm.ID, pm.CreatedAt.Time); err != nil {
			return err
		}
		s.methods.forgetCustomer(pm.MerchantID, pm.CustomerID) // their is_default
	}
	if err := tx.PaymentMethodCreate(ctx, pm, p.secret); err != nil {
		return err
	}
	return s.emit(ctx, tx, pm.MerchantID, tender.EventCreatePaymentMethod, "payment_method", pm.ID, pm)
}

// UpdatePaymentMethod changes the billing address, nickname, holder name or
// default flag. Numbers cannot be changed: tokenize a new payment method.
func (s *Service) UpdatePaymentMethod(ctx context.Context, merchantID, id string, in *tender.PaymentMethodInput) (*tender.PaymentMethod, error) {
	errs := tender.FieldErrors{}
	var pm *tender.PaymentMethod
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		var err error
		if pm, err = tx.PaymentMethodGet(ctx, merchantID, id); err != nil {
			return err
		}
		if pm.DeletedAt != nil {
			return tender.NotFound("payment method")
		}
		// Checked once the object is known to be the caller's, so that a
		// foreign id is a 404 whatever the body says.
		for field, v := range map[string]*string{"card_number": in.CardNumber, "bank_account": in.BankAccount, "bank_routing": in.BankRouting, "customer_id": in.CustomerID} {
			if v != nil {
				errs.Add(field, "The "+strings.ReplaceAll(field, "_", " ")+" cannot be changed; create a new payment method.")
			}
		}
		in.ApplyAddress(pm, errs)
		if in.CardExp != nil && pm.Method == tender.MethodCard {
			month, year := tender.ValidateCardExp(errs, val(in.CardExp), s.Now())
			pm.CardExp = tender.FormatCardExp(month, year)
		}
		if err := errs.Err(); err != nil {
			return err
		}
		pm.UpdatedAt = tender.NewTime(s.now())
		if pm.IsDefault {
			if err := tx.PaymentMethodClearDefault(ctx, merchantID, pm.CustomerID, pm.ID, pm.UpdatedAt.Time); err != nil {
				return err
			}
		}
		if err := tx.PaymentMethodUpdate(ctx, pm); err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventUpdatePaymentMethod, "payment_method", pm.ID, pm)
	})
	if err != nil {
		return nil, err
	}
	s.methods.forgetCustomer(merchantID, pm.CustomerID)
	return pm, nil
}

// DeletePaymentMethod soft-deletes a payment method; its sealed number stays
// (refunds of its payments still need it).
func (s *Service) DeletePaymentMethod(ctx context.Context, merchantID, id string) (*tender.PaymentMethod, error) {
	var pm *tender.PaymentMethod
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		if err := tx.PaymentMethodDelete(ctx, merchantID, id, s.now()); err != nil {
			return err
		}
		var err error
		if pm, err = tx.PaymentMethodGet(ctx, merchantID, id); err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventUpdatePaymentMethod, "payment_method", pm.ID, pm)
	})
	if err != nil {
		return nil, err
	}
	s.methods.forgetCustomer(merchantID, pm.CustomerID)
	return pm, nil
}

func val(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}
