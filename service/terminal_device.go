package service

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/internal/jsonenc"
	"github.com/tenderpay/tender/store"
)

// Pairing is what a device receives when it redeems its pairing code: the
// token it authenticates with from then on (shown once, stored hashed).
type Pairing struct {
	RegisterID  string `json:"register_id"`
	RegisterNum int    `json:"register_num"`
	MerchantID  string `json:"merchant_id"`
	DeviceToken string `json:"device_token"`
}

// Pair redeems a one-time pairing code.
func (s *Service) Pair(ctx context.Context, code, serial string) (*Pairing, error) {
	code = tender.NormalizePairingCode(code)
	if code == "" {
		return nil, invalid("code", "The code field is required.")
	}
	var out *Pairing
	failed := false
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		r, err := tx.RegisterByPairingCode(ctx, hashSecret(code))
		now := tender.NewTime(s.now())
		if tender.ErrorCode(err) == tender.ENOTFOUND || err == nil && (r.PairingExpiresAt == nil || !now.Before(r.PairingExpiresAt.Time)) {
			failed = true
			return tender.Errorf(tender.EUNAUTHORIZED, "The pairing code is invalid or has expired.")
		} else if err != nil {
			return err
		}
		var b [24]byte
		_, _ = rand.Read(b[:])
		token := "tnd_dev_" + base64.RawURLEncoding.EncodeToString(b[:])
		r.DeviceTokenHash, r.PairingCodeHash, r.PairingExpiresAt, r.PairedAt, r.UpdatedAt = hashSecret(token), "", nil, &now, now
		if serial = strings.TrimSpace(serial); serial != "" && len(serial) <= 64 {
			r.Serial = serial
		}
		if err := tx.RegisterUpdate(ctx, r); err != nil {
			return err
		}
		out = &Pairing{RegisterID: r.ID, RegisterNum: r.RegisterNum, MerchantID: r.MerchantID, DeviceToken: token}
		return nil
	})
	if failed {
		// Counted in the database, so every server instance sees the same
		// count; the answer stays the same 401 whatever was counted.
		if ferr := s.store.RegisterPairingFailed(ctx, pairingLocator(code), PairingMaxFailures, s.now()); ferr != nil {
			return nil, ferr
		}
	}
	return out, err
}

// PairingMaxFailures is how many wrong pairing codes aimed at one register
// (its code's first half right, the second wrong) retire its code; the
// merchant then issues a new one (POST /terminal/register/{id}/pair).
const PairingMaxFailures = 5

// pairingLocator is the hash of a normalized code's first half: it names
// the register a guess was aimed at without revealing the code (the second
// half, 20 bits, is what a guesser has PairingMaxFailures tries at).
func pairingLocator(code string) string {
	if i := strings.IndexByte(code, '-'); i > 0 {
		code = code[:i]
	}
	return hashSecret("pairing-locator:" + code)
}

// DeviceRegister authenticates a device by its token.
func (s *Service) DeviceRegister(ctx context.Context, token string) (*tender.Register, error) {
	if !strings.HasPrefix(token, "tnd_dev_") {
		return nil, tender.Errorf(tender.EUNAUTHORIZED, "Unauthorized")
	}
	r, err := s.store.RegisterByDeviceToken(ctx, hashSecret(token))
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		return nil, tender.Errorf(tender.EUNAUTHORIZED, "Unauthorized")
	}
	return r, err
}

// TouchRegister records that the device was heard from now.
func (s *Service) TouchRegister(ctx context.Context, registerID string) error {
	return s.store.RegisterTouch(ctx, registerID, s.now())
}

// NextTerminalRequest claims the register's oldest queued request for
// delivery (nil when there is none).
func (s *Service) NextTerminalRequest(ctx context.Context, registerID string) (*tender.TerminalRequest, error) {
	now := s.now()
	return s.store.TerminalRequestClaim(ctx, registerID, now, now.Add(-tender.TerminalResolveWindow))
}

// OpenTerminalRequests are the register's delivered, unanswered requests
// (sent again when the device reconnects).
func (s *Service) OpenTerminalRequests(ctx context.Context, registerID string) ([]*tender.TerminalRequest, error) {
	return s.store.TerminalRequestsOpen(ctx, registerID, s.now().Add(-tender.TerminalResolveWindow))
}

// ExpireTerminalRequests gives up on requests older than the resolution
// window; their transactions stay PENDING for manual resolution.
func (s *Service) ExpireTerminalRequests(ctx context.Context) (int, error) {
	return s.store.TerminalRequestsExpire(ctx, s.now().Add(-tender.TerminalResolveWindow))
}

// TerminalAnswer records a device's answer to a request and returns what
// the device shows. It runs on the server instance holding the device's
// connection; answering the same request again (after a reconnect) returns
// the recorded outcome and moves no money twice: the processor call is
// keyed by the transaction id, refunds and voids by the request id.
func (s *Service) TerminalAnswer(ctx context.Context, reg *tender.Register, ans *tender.DeviceAnswer) (*tender.DeviceOutcome, error) {
	req, err := s.store.TerminalRequestGet(ctx, reg.MerchantID, ans.RequestID)
	if err != nil || req.RegisterID != reg.ID {
		return nil, tender.NotFound("terminal request")
	}
	ctx = context.WithoutCancel(ctx)
	out := &tender.DeviceOutcome{RequestID: req.ID}
	switch req.State {
	case tender.TermExpired:
		out.Message = "This request expired."
		return out, nil
	case tender.TermDone:
		return s.recordedOutcome(ctx, req)
	}
	var params tender.TerminalParams
	_ = json.Unmarshal(req.Params, &params)
	switch req.Kind {
	case tender.TermPrompt:
		res := tender.TerminalResult{Cancelled: ans.Status != tender.AnswerPrompt}
		if !res.Cancelled {
			res.Answer = &ans.Answer
		}
		if err := s.finishRequest(ctx, s.store, req, res); err != nil {
			return nil, err
		}
		return s.recordedOutcome(ctx, req)
	case tender.TermRefund, tender.TermVoid:
		return s.answerAction(ctx, req, &params, ans)
	case tender.TermTokenize:
		return s.answerTokenize(ctx, req, &params, ans)
	case tender.TermPrint, tender.TermChoice, tender.TermInput, tender.TermSignature:
		return s.answerAsk(ctx, req, &params, ans)
	}
	return s.answerPayment(ctx, reg, req, &params, ans)
}

// finishRequest marks req done with res (inside tx when given one).
func (s *Service) finishRequest(ctx context.Context, q store.Executor, req *tender.TerminalRequest, res tender.TerminalResult) error {
	now := tender.NewTime(s.now())
	b, _ := json.Marshal(res)
	req.State, req.Result, req.DoneAt = tender.TermDone, b, &now
	if err := q.TerminalRequestUpdate(ctx, req); err != nil {
		return err
	}
	s.notifyRequest(req.ID)
	return nil
}

// recordedOutcome is the device's display for an answered request.
func (s *Service) recordedOutcome(ctx context.Context, req *tender.TerminalRequest) (*tender.DeviceOutcome, error) {
	var res tender.TerminalResult
	_ = json.Unmarshal(req.Result, &res)
	out := &tender.DeviceOutcome{RequestID: req.ID, Message: res.Message}
	switch {
	case res.Error != "":
		out.Message = res.Error
	case res.Cancelled:
		out.Message = "Cancelled."
	case isAsk(req.Kind):
		out.Approved = true
	case req.Kind == tender.TermPrompt:
		out.Approved, out.Message = res.Answer != nil && *res.Answer, "The customer answered no."
		if out.Approved {
			out.Message = "The customer answered yes."
		}
	case res.TransactionID != "":
		t, err := s.store.TransactionGet(ctx, req.MerchantID, res.TransactionID)
		if err != nil {
			return nil, err
		}
		out.Approved, out.Message, out.Total = t.Success, t.Message, t.Total
		if req.Kind == tender.TermRefund || req.Kind == tender.TermVoid {
			out.Approved, out.Message, out.Total = res.Message == "", res.Message, req.Amount
		}
	}
	return out, nil
}

// answerPayment handles a sale, pre-auth or credit answered on the device.
func (s *Service) answerPayment(ctx context.Context, reg *tender.Register, req *tender.TerminalRequest, params *tender.TerminalParams, ans *tender.DeviceAnswer) (*tender.DeviceOutcome, error) {
	if ans.Status != tender.AnswerCard || ans.Card == nil {
		msg, cancelled := "The customer did not present a card in time.", false
		if ans.Status == tender.AnswerCancelled {
			msg, cancelled = "Cancelled on the terminal.", true
		}
		if err := s.failTerminal(ctx, req, msg, cancelled); err != nil {
			return nil, err
		}
		return s.recordedOutcome(ctx, req)
	}
	card := ans.Card
	number := tender.NormalizeCardNumber(card.Number)
	errs := tender.FieldErrors{}
	month, year := tender.ValidateCardExp(errs, card.Exp, s.Now())
	if !tender.Luhn(number) || len(number) < 12 || len(number) > 19 {
		errs.Add("card", "The card could not be read.")
	}
	if errs.Err() != nil {
		if err := s.failTerminal(ctx, req, "The card could not be read; try again.", false); err != nil {
			return nil, err
		}
		return s.recordedOutcome(ctx, req)
	}
	merchant, err := s.store.MerchantGet(ctx, req.MerchantID)
	if err != nil {
		return nil, err
	}
	t, err := s.store.TransactionGet(ctx, req.MerchantID, req.TransactionID)
	if err != nil {
		return nil, err
	}
	if req.State != terminalAuthorizing {
		if err := s.presentCard(ctx, merchant, req, params, t, ans, number, month, year); err != nil {
			return nil, err
		}
	}
	t, err = s.store.TransactionGet(ctx, req.MerchantID, req.TransactionID)
	if err != nil {
		return nil, err
	}
	if t.Status != tender.StatusPending {
		return s.outcomeOf(ctx, req)
	}
	if ans.Offline && req.Kind != tender.TermCredit {
		// Store and forward: approved by the device, authorized at batch.
		res := &gateway.Result{Approved: true, Message: ""}
		if _, err := s.finalizePayment(ctx, t, res, nil, nil); err != nil {
			return nil, err
		}
		return s.outcomeOf(ctx, req)
	}
	gwReq := gateway.Request{Key: t.ID, Amount: t.Total, Capture: t.Type == tender.TxCharge,
		Card: &gateway.Card{Number: number, ExpMonth: month, ExpYear: year, Name: card.Name}}
	var res *gateway.Result
	gw, err := s.gatewayFor(ctx, t.MerchantID)
	if err != nil {
		// The processor went away since the request was queued: declined.
		res = &gateway.Result{Message: tender.ErrorMessage(err), DeclineCode: "no_processor"}
	} else if op := opOf(t); gw.Supports(op, tender.MethodCard) != nil {
		// The merchant's processor changed since the request was queued.
		res, _, _ = declineUnsupported(nil, gw.Supports(op, tender.MethodCard))
	} else {
		gctx, cancel := context.WithTimeout(ctx, s.gatewayTimeout())
		if t.Type == tender.TxCredit {
			res, err = gw.Credit(gctx, gwReq)
		} else {
			res, err = gw.Authorize(gctx, gwReq)
		}
		cancel()
		res, err, _ = declineUnsupported(res, err)
	}
	if _, err := s.finalizePayment(ctx, t, res, err, nil); err != nil {
		return nil, err
	}
	return s.outcomeOf(ctx, req)
}

// opOf is the gateway operation that makes payment t.
func opOf(t *tender.Transaction) gateway.Op {
	if t.Type == tender.TxCredit {
		return gateway.OpCredit
	}
	return gateway.OpAuthorize
}

func (s *Service) outcomeOf(ctx context.Context, req *tender.TerminalRequest) (*tender.DeviceOutcome, error) {
	cur, err := s.store.TerminalRequestGet(ctx, req.MerchantID, req.ID)
	if err != nil {
		return nil, err
	}
	if cur.State != tender.TermDone {
		// The processor's answer is unknown: the janitor resolves it.
		return &tender.DeviceOutcome{RequestID: req.ID, Message: "Processing; check the transaction for the result."}, nil
	}
	return s.recordedOutcome(ctx, cur)
}

// presentCard records the card the device read on the transaction: a
// payment method (reusable and on the customer when card-present
// tokenized, else hidden), a customer made from the cardholder name when
// the charge named none (soft-deleted unless the card is kept on it), the
// surcharge and the tip. The request moves to terminalAuthorizing: from now on
// the janitor may resolve the transaction with the processor.
func (s *Service) presentCard(ctx context.Context, merchant *tender.Merchant, req *tender.TerminalRequest, params *tender.TerminalParams, t *tender.Transaction, ans *tender.DeviceAnswer, number string, month, year int) error {
	card := ans.Card
	kind := strings.ToLower(card.Kind)
	switch kind {
	case tender.CardCredit, tender.CardDebit, tender.CardApplePay, tender.CardGooglePay:
	default:
		kind = tender.CardCredit
	}
	if params.PaymentType == "Debit" && kind == tender.CardCredit {
		kind = tender.CardDebit
	}
	now := tender.NewTime(s.now())
	tokenized := params.Tokenize && !tender.IsWallet(kind)
	pm := &tender.PaymentMethod{
		ID: tender.NewID(), MerchantID: t.MerchantID, CustomerID: t.CustomerID, Method: tender.MethodCard,
		PersonName: strings.TrimSpace(card.Name), CardType: tender.CardBrand(number), CardLastFour: tender.LastFour(number),
		CardExp: tender.FormatCardExp(month, year), BinType: "CREDIT", IsUsableInVT: tokenized,
		Fingerprint: s.Fingerprinter.Fingerprint(tender.MethodCard, number), CreatedAt: now, UpdatedAt: now,
	}
	if kind == tender.CardDebit {
		pm.BinType = "DEBIT"
	}
	if len(pm.PersonName) > 255 {
		pm.PersonName = pm.PersonName[:255]
	}
	pm.Meta, _ = json.Marshal(map[string]any{"isCpTokenized": tokenized, "cardKind": kind, "entryMode": card.Entry})
	pm.Nickname = strings.ToUpper(pm.CardType) + ": " + pm.PersonName + " (ending in: " + pm.CardLastFour + ")"
	if !tokenized {
		pm.DeletedAt = &now // recorded for the transaction, not reusable
	}
	secret := &tender.PaymentMethodSecret{PaymentMethodID: pm.ID}
	var err error
	if secret.SealedNumber, err = s.Vault.Seal([]byte(number), sealAAD("number", pm.ID)); err != nil {
		return err
	}
	base := t.Total
	var surcharge, tip tender.Amount
	if merchant.Features.CPSurcharging && kind != tender.CardDebit && t.Type != tender.TxCredit {
		surcharge = tender.Surcharge(base, merchant.Features.SurchargeRateBasis)
	}
	if params.Tip && ans.Tip != "" {
		if v, err := tender.ParseAmount(ans.Tip); err == nil && v > 0 && v <= base {
			tip = v
		}
	}
	return s.store.InTx(ctx, func(tx store.Executor) error {
		cur, err := tx.TerminalRequestGetForUpdate(ctx, req.MerchantID, req.ID)
		if err != nil {
			return err
		}
		if cur.State == tender.TermDone || cur.State == terminalAuthorizing || cur.State == tender.TermExpired {
			return nil // answered already (a resent answer)
		}
		tr, err := tx.TransactionGetForUpdate(ctx, t.MerchantID, t.ID)
		if err != nil {
			return err
		}
		if tr.CustomerID == "" {
			first, last, _ := strings.Cut(pm.PersonName, " ")
			if first == "" {
				first = "Card"
			}
			cu := &tender.Customer{ID: tender.NewID(), MerchantID: t.MerchantID, Firstname: first, Lastname: strings.TrimSpace(last),
				CCEmails: []string{}, CreatedAt: now, UpdatedAt: now}
			if !tokenized {
				cu.DeletedAt = &now // Stax: created from the cardholder name, then soft-deleted
			}
			if err := tx.CustomerCreate(ctx, cu); err != nil {
				return err
			}
			if tokenized {
				if err := s.emit(ctx, tx, cu.MerchantID, tender.EventCreateCustomer, "customer", cu.ID, cu); err != nil {
					return err
				}
			}
			tr.CustomerID = cu.ID
		}
		pm.CustomerID = tr.CustomerID
		if tokenized {
			hasAny, err := tx.PaymentMethodCustomerHasAny(ctx, tr.MerchantID, tr.CustomerID)
			if err != nil {
				return err
			}
			pm.IsDefault = !hasAny
		}
		if err := tx.PaymentMethodCreate(ctx, pm, secret); err != nil {
			return err
		}
		if tokenized {
			if err := s.emit(ctx, tx, pm.MerchantID, tender.EventCreatePaymentMethod, "payment_method", pm.ID, pm); err != nil {
				return err
			}
		}
		var meta map[string]json.RawMessage
		_ = json.Unmarshal(tr.Meta, &meta)
		if meta == nil {
			meta = map[string]json.RawMessage{}
		}
		if tip > 0 {
			meta["tip"], _ = json.Marshal(tip)
		}
		if surcharge > 0 {
			meta["surcharge_rate_bps"], _ = json.Marshal(merchant.Features.SurchargeRateBasis)
		}
		meta["cardKind"], _ = json.Marshal(kind)
		meta["entryMode"], _ = json.Marshal(card.Entry)
		if ans.Offline && tr.Type != tender.TxCredit {
			meta["offline_approval"] = json.RawMessage("true")
		}
		tr.Meta, _ = json.Marshal(meta)
		tr.PaymentMethodID, tr.LastFour, tr.Surcharge = pm.ID, pm.CardLastFour, surcharge
		tr.Total = base + surcharge + tip
		tr.UpdatedAt = now
		if err := tx.TransactionUpdate(ctx, tr); err != nil {
			return err
		}
		cur.State = terminalAuthorizing
		return tx.TerminalRequestUpdate(ctx, cur)
	})
}

// failTerminal records a payment the device did not complete (cancelled,
// timed out, unreadable card).
func (s *Service) failTerminal(ctx context.Context, req *tender.TerminalRequest, msg string, cancelled bool) error {
	return s.store.InTx(ctx, func(tx store.Executor) error {
		cur, err := tx.TerminalRequestGetForUpdate(ctx, req.MerchantID, req.ID)
		if err != nil || cur.State == tender.TermDone {
			return err
		}
		t, err := tx.TransactionGetForUpdate(ctx, req.MerchantID, req.TransactionID)
		if err != nil {
			return err
		}
		if t.Status == tender.StatusPending {
			t.Status, t.Success, t.Message, t.Cancelled = tender.StatusFailed, false, msg, cancelled
			t.UpdatedAt = tender.NewTime(s.now())
			if err := tx.TransactionUpdate(ctx, t); err != nil {
				return err
			}
			if err := s.applyToInvoice(ctx, tx, t, 0); err != nil {
				return err
			}
			view, err := s.View(ctx, tx, t)
			if err != nil {
				return err
			}
			body, err := jsonenc.Encode(view)
			if err != nil {
				return err
			}
			if err := s.recordFinal(ctx, tx, t, body, tender.EDECLINED, body); err != nil {
				return err
			}
		}
		*req = *cur
		return s.finishRequest(ctx, tx, req, tender.TerminalResult{TransactionID: t.ID, Cancelled: cancelled, Message: msg})
	})
}

func init() { onPaymentFinal[SourceTerminal] = (*Service).finishTerminalPayment }

// finishTerminalPayment is the onPaymentFinal hook of a terminal payment:
// it updates the payment's invoice, if any, and marks its request done.
func (s *Service) finishTerminalPayment(ctx context.Context, tx store.Executor, t *tender.Transaction) error {
	if err := s.applyToInvoice(ctx, tx, t, 0); err != nil {
		return err
	}
	req, err := tx.TerminalRequestByTransaction(ctx, t.ID)
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if req.State == tender.TermDone || req.Kind == tender.TermRefund || req.Kind == tender.TermVoid {
		return nil
	}
	return s.finishRequest(ctx, tx, req, tender.TerminalResult{TransactionID: t.ID, Message: t.Message})
}

// answerAction handles a refund or void answered on the device.
func (s *Service) answerAction(ctx context.Context, req *tender.TerminalRequest, params *tender.TerminalParams, ans *tender.DeviceAnswer) (*tender.DeviceOutcome, error) {
	op := tender.OpRefund
	if req.Kind == tender.TermVoid {
		op = tender.OpVoid
	}
	var res tender.TerminalResult
	res.TransactionID = params.ParentID
	switch {
	case ans.Status == tender.AnswerCancelled || ans.Status == tender.AnswerTimeout:
		res.Cancelled = true
	case op == tender.OpRefund && (ans.Status != tender.AnswerCard || ans.Card == nil):
		res.Error = "A refund needs the original card presented on the terminal."
	case op == tender.OpRefund:
		parent, err := s.store.TransactionGet(ctx, req.MerchantID, params.ParentID)
		if err != nil {
			return nil, err
		}
		pm, err := s.store.PaymentMethodGet(ctx, req.MerchantID, parent.PaymentMethodID)
		fp := s.Fingerprinter.Fingerprint(tender.MethodCard, tender.NormalizeCardNumber(ans.Card.Number))
		if err != nil || pm.Fingerprint != fp {
			res.Error = "The card presented is not the card of the original transaction."
		}
	}
	if res.Error == "" && !res.Cancelled {
		in := &tender.ActionInput{IdempotencyID: "terminal:" + req.ID}
		if req.Amount > 0 {
			in.Total = tender.NewAmountInput(req.Amount.String())
		}
		if params.VoidOrRefund && op == tender.OpVoid {
			// Settled since it was queued: Act refunds instead, in the
			// same database transaction as its event.
			op = tender.OpVoidOrRefund
		}
		r, err := s.Act(ctx, req.MerchantID, params.ParentID, op, in)
		switch {
		case tender.ErrorCode(err) == tender.EINVALID || tender.ErrorCode(err) == tender.ECONFLICT:
			res.Error = tender.ErrorMessage(err)
		case err != nil:
			return nil, err
		case r.Outcome != "":
			res.Message = "The processor declined the " + op + "."
		}
	}
	if err := s.finishRequest(ctx, s.store, req, res); err != nil {
		return nil, err
	}
	return s.recordedOutcome(ctx, req)
}
