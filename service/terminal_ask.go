package service

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// AskResult is the answer of the device requests that move no money:
// POST /terminal/print, /promptChoice, /promptInput, /prompt/signature and
// /terminal/tokenize. Answered is false (HTTP 202) while the device has
// not answered within the wait; the request stays queued for it, in order.
type AskResult struct {
	ID         string `json:"id"`
	RegisterID string `json:"register_id"`
	Kind       string `json:"kind"`
	Answered   bool   `json:"answered"`
	Cancelled  bool   `json:"cancelled"`
	Message    string `json:"message"`
	// Answer is the chosen option (promptChoice) or the typed text
	// (promptInput); ChoiceIndex is the option's position.
	Answer      *string `json:"answer,omitempty"`
	ChoiceIndex *int    `json:"choice_index,omitempty"`
	// Signature is the customer's signature as SVG path data (draw it as
	// <path d="..."/> in a 300×100 box).
	Signature     string                `json:"signature,omitempty"`
	PaymentMethod *tender.PaymentMethod `json:"payment_method,omitempty"`
}

// isAsk reports whether kind is a device request that moves no money.
func isAsk(kind string) bool {
	switch kind {
	case tender.TermPrint, tender.TermChoice, tender.TermInput, tender.TermSignature, tender.TermTokenize:
		return true
	}
	return false
}

// TerminalAsk queues a print, a prompt or a card-present tokenization on
// the register, waits for the device like POST /terminal/charge and
// returns its answer.
func (s *Service) TerminalAsk(ctx context.Context, merchantID, kind string, in *tender.TerminalAskInput) (*AskResult, error) {
	a, err := in.Validate(kind)
	if err != nil {
		return nil, err
	}
	if kind == tender.TermTokenize {
		merchant, err := s.store.MerchantGet(ctx, merchantID)
		if err != nil {
			return nil, err
		}
		if !merchant.Features.CPTokenization {
			return nil, invalid("register_id", "Card-present tokenization is not enabled for this merchant.")
		}
		if id := a.Params.CustomerID; id != "" {
			if cu, err := s.store.CustomerGet(ctx, merchantID, id); err != nil || cu.DeletedAt != nil {
				return nil, invalid("customer_id", "The selected customer id is invalid.")
			}
		}
	}
	reg, err := s.resolveRegister(ctx, merchantID, a.RegisterID, a.RegisterNum)
	if err != nil {
		return nil, err
	}
	params, _ := json.Marshal(a.Params)
	req := &tender.TerminalRequest{ID: tender.NewID(), MerchantID: merchantID, RegisterID: reg.ID, Kind: kind,
		Params: params, State: tender.TermQueued, CreatedAt: tender.NewTime(s.now())}
	if err := s.store.TerminalRequestCreate(ctx, req); err != nil {
		return nil, err
	}
	s.wakeRegister(reg.ID)
	out := &AskResult{ID: req.ID, RegisterID: reg.ID, Kind: kind, Message: tender.TerminalWaiting}
	r := s.waitTerminal(ctx, merchantID, req.ID)
	if r == nil || r.State != tender.TermDone {
		return out, nil
	}
	var res tender.TerminalResult
	_ = json.Unmarshal(r.Result, &res)
	out.Answered, out.Cancelled, out.Message = true, res.Cancelled, res.Message
	if res.Error != "" {
		return nil, invalid("register_id", res.Error)
	}
	if res.Cancelled {
		out.Message = "Cancelled on the terminal."
		return out, nil
	}
	switch kind {
	case tender.TermChoice:
		if res.Choice != nil && *res.Choice < len(a.Params.Choices) {
			out.ChoiceIndex, out.Answer = res.Choice, &a.Params.Choices[*res.Choice]
		}
	case tender.TermInput:
		out.Answer = &res.Input
	case tender.TermSignature:
		out.Signature = res.Signature
	case tender.TermTokenize:
		if out.PaymentMethod, err = s.store.PaymentMethodGet(ctx, merchantID, res.PaymentMethodID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// answerAsk records the device's answer to a print or a prompt. An answer
// that does not fit the request (an option not offered, a letter typed on
// a number keyboard, a signature that is not path data) is recorded as an
// error the caller receives as a 422.
func (s *Service) answerAsk(ctx context.Context, req *tender.TerminalRequest, p *tender.TerminalParams, ans *tender.DeviceAnswer) (*tender.DeviceOutcome, error) {
	var res tender.TerminalResult
	switch {
	case ans.Status == tender.AnswerCancelled || ans.Status == tender.AnswerTimeout:
		res.Cancelled = true
	case req.Kind == tender.TermPrint:
		if ans.Status != tender.AnswerPrinted {
			res.Error = "The device did not print."
		} else {
			res.Message = "Printed."
		}
	case ans.Status != tender.AnswerPrompt:
		res.Error = "The device did not answer the prompt."
	case req.Kind == tender.TermChoice:
		if ans.Choice < 0 || ans.Choice >= len(p.Choices) {
			res.Error = "The device answered an option that was not offered."
		} else {
			c := ans.Choice
			res.Choice, res.Message = &c, "Thank you."
		}
	case req.Kind == tender.TermInput:
		if !tender.ValidInput(p, ans.Input) {
			res.Error = "The device's input does not fit the prompt."
		} else {
			res.Input, res.Message = ans.Input, "Thank you."
		}
	case req.Kind == tender.TermSignature:
		if !tender.ValidSignature(ans.Signature) {
			res.Error = "The device's signature could not be read."
		} else {
			res.Signature, res.Message = ans.Signature, "Thank you for signing."
		}
	}
	if err := s.finishRequest(ctx, s.store, req, res); err != nil {
		return nil, err
	}
	return s.recordedOutcome(ctx, req)
}

// answerTokenize keeps the card the device read as a reusable payment
// method on the request's customer (or on a customer made from the
// cardholder name), without a charge. The number goes only to the vault.
func (s *Service) answerTokenize(ctx context.Context, req *tender.TerminalRequest, p *tender.TerminalParams, ans *tender.DeviceAnswer) (*tender.DeviceOutcome, error) {
	var res tender.TerminalResult
	switch {
	case ans.Status == tender.AnswerCancelled || ans.Status == tender.AnswerTimeout:
		res.Cancelled = true
	case ans.Status != tender.AnswerCard || ans.Card == nil:
		res.Error = "The device did not read a card."
	case tender.IsWallet(strings.ToLower(ans.Card.Kind)):
		res.Error = "A wallet card (Apple Pay, Google Pay) cannot be tokenized; present the card itself."
	}
	if res.Error != "" || res.Cancelled {
		if err := s.finishRequest(ctx, s.store, req, res); err != nil {
			return nil, err
		}
		return s.recordedOutcome(ctx, req)
	}
	card := ans.Card
	number := tender.NormalizeCardNumber(card.Number)
	errs := tender.FieldErrors{}
	month, year := tender.ValidateCardExp(errs, card.Exp, s.Now())
	if errs.Err() != nil || !tender.Luhn(number) || len(number) < 12 || len(number) > 19 {
		res.Error = "The card could not be read."
		if err := s.finishRequest(ctx, s.store, req, res); err != nil {
			return nil, err
		}
		return s.recordedOutcome(ctx, req)
	}
	now := tender.NewTime(s.now())
	pm := &tender.PaymentMethod{
		ID: tender.NewID(), MerchantID: req.MerchantID, Method: tender.MethodCard,
		PersonName: tender.Truncate(strings.TrimSpace(card.Name), 255), CardType: tender.CardBrand(number), CardLastFour: tender.LastFour(number),
		CardExp: tender.FormatCardExp(month, year), BinType: "CREDIT", IsUsableInVT: true,
		Fingerprint: s.Fingerprinter.Fingerprint(tender.MethodCard, number), CreatedAt: now, UpdatedAt: now,
	}
	kind := tender.CardCredit
	if strings.EqualFold(card.Kind, tender.CardDebit) {
		kind, pm.BinType = tender.CardDebit, "DEBIT"
	}
	pm.Meta, _ = json.Marshal(map[string]any{"isCpTokenized": true, "cardKind": kind, "entryMode": card.Entry})
	pm.Nickname = strings.ToUpper(pm.CardType) + ": " + pm.PersonName + " (ending in: " + pm.CardLastFour + ")"
	secret := &tender.PaymentMethodSecret{PaymentMethodID: pm.ID}
	var err error
	if secret.SealedNumber, err = s.Vault.Seal([]byte(number), sealAAD("number", pm.ID)); err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		cur, err := tx.TerminalRequestGetForUpdate(ctx, req.MerchantID, req.ID)
		if err != nil {
			return err
		}
		if cur.State == tender.TermDone || cur.State == tender.TermExpired {
			*req = *cur
			return nil // answered already (a resent answer)
		}
		pm.CustomerID = p.CustomerID
		if pm.CustomerID != "" {
			if cu, err := tx.CustomerGet(ctx, req.MerchantID, pm.CustomerID); err != nil || cu.DeletedAt != nil {
				*req = *cur
				return s.finishRequest(ctx, tx, req, tender.TerminalResult{Error: "The customer was deleted."})
			}
		} else {
			first, last, _ := strings.Cut(pm.PersonName, " ")
			if first == "" {
				first = "Card"
			}
			cu := &tender.Customer{ID: tender.NewID(), MerchantID: req.MerchantID, Firstname: first, Lastname: strings.TrimSpace(last),
				CCEmails: []string{}, CreatedAt: now, UpdatedAt: now}
			if err := tx.CustomerCreate(ctx, cu); err != nil {
				return err
			}
			if err := s.emit(ctx, tx, cu.MerchantID, tender.EventCreateCustomer, "customer", cu.ID, cu); err != nil {
				return err
			}
			pm.CustomerID = cu.ID
		}
		hasAny, err := tx.PaymentMethodCustomerHasAny(ctx, req.MerchantID, pm.CustomerID)
		if err != nil {
			return err
		}
		pm.IsDefault = !hasAny
		if err := tx.PaymentMethodCreate(ctx, pm, secret); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, pm.MerchantID, tender.EventCreatePaymentMethod, "payment_method", pm.ID, pm); err != nil {
			return err
		}
		*req = *cur
		return s.finishRequest(ctx, tx, req, tender.TerminalResult{PaymentMethodID: pm.ID, Message: "Card saved."})
	})
	if err != nil {
		return nil, err
	}
	return s.recordedOutcome(ctx, req)
}
