package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
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
		if err = s.Store.RegisterCreate(ctx, r); tender.ErrorCode(err) != tender.ECONFLICT {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return &NewRegister{Register: s.registerView(r), PairingCode: code, PairingExpiresAt: exp}, nil
}

// RePairRegister issues a new pairing code and revokes the paired device's
// token (a replaced or stolen device).
func (s *Service) RePairRegister(ctx context.Context, merchantID, id string) (*NewRegister, error) {
	var out *NewRegister
	err := s.Store.InTx(ctx, func(tx store.Executor) error {
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
		out = &NewRegister{Register: s.registerView(r), PairingCode: code, PairingExpiresAt: exp}
		return nil
	})
	return out, err
}

// ListRegisters lists the merchant's registers (GET /terminal/register).
func (s *Service) ListRegisters(ctx context.Context, merchantID string) ([]*tender.Register, error) {
	rs, err := s.Store.RegisterList(ctx, merchantID)
	for _, r := range rs {
		s.registerView(r)
	}
	return rs, err
}

// GetRegister returns one register.
func (s *Service) GetRegister(ctx context.Context, merchantID, id string) (*tender.Register, error) {
	r, err := s.Store.RegisterGet(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	return s.registerView(r), nil
}

// UpdateRegister changes a register's nickname, serial, tip and batch time.
func (s *Service) UpdateRegister(ctx context.Context, merchantID, id string, in *tender.RegisterInput) (*tender.Register, error) {
	var out *tender.Register
	err := s.Store.InTx(ctx, func(tx store.Executor) error {
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
	err := s.Store.InTx(ctx, func(tx store.Executor) error {
		r, err := tx.RegisterByPairingCode(ctx, hashSecret(code))
		now := tender.NewTime(s.now())
		if tender.ErrorCode(err) == tender.ENOTFOUND || err == nil && (r.PairingExpiresAt == nil || !now.Before(r.PairingExpiresAt.Time)) {
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
	return out, err
}

// DeviceRegister authenticates a device by its token.
func (s *Service) DeviceRegister(ctx context.Context, token string) (*tender.Register, error) {
	if !strings.HasPrefix(token, "tnd_dev_") {
		return nil, tender.Errorf(tender.EUNAUTHORIZED, "Unauthorized")
	}
	r, err := s.Store.RegisterByDeviceToken(ctx, hashSecret(token))
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		return nil, tender.Errorf(tender.EUNAUTHORIZED, "Unauthorized")
	}
	return r, err
}

// TouchRegister records that the device was heard from now.
func (s *Service) TouchRegister(ctx context.Context, registerID string) error {
	return s.Store.RegisterTouch(ctx, registerID, s.now())
}

// NextTerminalRequest claims the register's oldest queued request for
// delivery (nil when there is none).
func (s *Service) NextTerminalRequest(ctx context.Context, registerID string) (*tender.TerminalRequest, error) {
	now := s.now()
	return s.Store.TerminalRequestClaim(ctx, registerID, now, now.Add(-tender.TerminalResolveWindow))
}

// OpenTerminalRequests are the register's delivered, unanswered requests
// (sent again when the device reconnects).
func (s *Service) OpenTerminalRequests(ctx context.Context, registerID string) ([]*tender.TerminalRequest, error) {
	return s.Store.TerminalRequestsOpen(ctx, registerID, s.now().Add(-tender.TerminalResolveWindow))
}

// ExpireTerminalRequests gives up on requests older than the resolution
// window; their transactions stay PENDING for manual resolution.
func (s *Service) ExpireTerminalRequests(ctx context.Context) (int, error) {
	return s.Store.TerminalRequestsExpire(ctx, s.now().Add(-tender.TerminalResolveWindow))
}

// resolveRegister finds the register an API request names.
func (s *Service) resolveRegister(ctx context.Context, merchantID, id string, num int) (*tender.Register, error) {
	var r *tender.Register
	var err error
	if id != "" {
		r, err = s.Store.RegisterGet(ctx, merchantID, id)
	} else {
		r, err = s.Store.RegisterGetByNum(ctx, merchantID, num)
	}
	if tender.ErrorCode(err) == tender.ENOTFOUND || err == nil && r.DeletedAt != nil {
		return nil, invalid("register", "The selected register is invalid.")
	}
	return r, err
}

// TerminalCharge runs POST /terminal/charge (queue false: waits for the
// device up to TerminalWait), POST /terminal/charge/queue (queue true:
// returns the PENDING transaction at once) and, with credit, POST
// /terminal/credit.
func (s *Service) TerminalCharge(ctx context.Context, merchantID string, in *tender.TerminalChargeInput, queue, credit bool) (*Result, error) {
	c, err := in.Validate(credit)
	if err != nil {
		return nil, err
	}
	if _, err := s.gatewayFor(ctx, merchantID); err != nil {
		return nil, err
	}
	reg, err := s.resolveRegister(ctx, merchantID, c.RegisterID, c.RegisterNum)
	if err != nil {
		return nil, err
	}
	if c.CustomerID != "" {
		if cu, err := s.Store.CustomerGet(ctx, merchantID, c.CustomerID); err != nil || cu.DeletedAt != nil {
			return nil, invalid("customer_id", "The selected customer id is invalid.")
		}
	}
	if c.InvoiceID != "" {
		if inv, err := s.Store.InvoiceGet(ctx, merchantID, c.InvoiceID); err != nil || inv.DeletedAt != nil {
			return nil, invalid("invoice_id", "The selected invoice id is invalid.")
		}
	}
	merchant, err := s.Store.MerchantGet(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	scope, typ, kind := "terminal_charge", tender.TxCharge, tender.TermSale
	switch {
	case credit:
		scope, typ, kind = "terminal_credit", tender.TxCredit, tender.TermCredit
	case c.PreAuth:
		typ, kind = tender.TxPreAuth, tender.TermAuth
	}
	errs := tender.FieldErrors{}
	id := newIdem(scope, c.IdempotencyID, struct {
		Register              string
		Total                 tender.Amount
		PreAuth, Tokenize     bool
		Customer, Invoice     string
		Meta, Type, PrintOpts string
	}{reg.ID, c.Total, c.PreAuth, c.Tokenize, c.CustomerID, c.InvoiceID, string(c.Meta), c.PaymentType, c.PrintReceipt}, errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	now := tender.NewTime(s.now())
	t := &tender.Transaction{
		ID: tender.NewID(), MerchantID: merchantID, CustomerID: c.CustomerID, InvoiceID: c.InvoiceID,
		Type: typ, Source: SourceTerminal, Method: tender.MethodCard, Status: tender.StatusPending,
		Message: tender.TerminalWaiting, Total: c.Total, PreAuth: c.PreAuth, Meta: c.Meta,
		IdempotencyID: c.IdempotencyID, CreatedAt: now, UpdatedAt: now,
	}
	params, _ := json.Marshal(tender.TerminalParams{
		PaymentType: c.PaymentType, PrintReceipt: c.PrintReceipt,
		Tokenize: c.Tokenize && merchant.Features.CPTokenization, Tip: reg.TipEnabled && !credit,
	})
	req := &tender.TerminalRequest{ID: tender.NewID(), MerchantID: merchantID, RegisterID: reg.ID, TransactionID: t.ID,
		Kind: kind, Amount: c.Total, Params: params, State: tender.TermQueued, CreatedAt: now}
	err = s.Store.InTx(ctx, func(tx store.Executor) error {
		if err := s.claim(ctx, tx, merchantID, id, t.ID); err != nil {
			return err
		}
		if err := tx.TransactionCreate(ctx, t); err != nil {
			return err
		}
		return tx.TerminalRequestCreate(ctx, req)
	})
	if id != nil && tender.ErrorCode(err) == tender.ECONFLICT {
		return s.terminalReplay(ctx, merchantID, id)
	} else if err != nil {
		return nil, err
	}
	s.wakeRegister(reg.ID)
	if queue {
		return s.transactionResult(ctx, merchantID, t.ID)
	}
	s.waitTerminal(ctx, merchantID, req.ID)
	return s.transactionResult(ctx, merchantID, t.ID)
}

// terminalReplay answers a repeated idempotency_id: the first answer when
// it is final, else the transaction as it stands (still PENDING).
func (s *Service) terminalReplay(ctx context.Context, merchantID string, id *idem) (*Result, error) {
	rec, err := s.Store.IdempotencyGet(ctx, merchantID, id.scope, id.key)
	if err != nil {
		return nil, err
	}
	if rec.RequestHash != id.hash {
		return nil, invalid("idempotency_id", "The idempotency id was already used with different parameters.")
	}
	if rec.State == tender.IdemDone {
		return &Result{Replay: json.RawMessage(rec.Response), Outcome: rec.Outcome}, nil
	}
	return s.transactionResult(ctx, merchantID, rec.TransactionID)
}

// transactionResult is the current view of a transaction as a Result.
func (s *Service) transactionResult(ctx context.Context, merchantID, id string) (*Result, error) {
	t, err := s.Store.TransactionGet(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	v, err := s.View(ctx, s.Store, t)
	if err != nil {
		return nil, err
	}
	return &Result{View: v, Outcome: outcomeOf(t)}, nil
}

// waitTerminal waits until the request is answered, TerminalWait passes or
// ctx ends. It polls the database, so the device may be connected to any
// server instance; an answer recorded by this process wakes it at once.
func (s *Service) waitTerminal(ctx context.Context, merchantID, requestID string) *tender.TerminalRequest {
	deadline := time.NewTimer(s.terminalWait())
	defer deadline.Stop()
	done := s.watchRequest(requestID)
	defer s.unwatchRequest(requestID)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		r, err := s.Store.TerminalRequestGet(ctx, merchantID, requestID)
		if err == nil && (r.State == tender.TermDone || r.State == tender.TermExpired) {
			return r
		}
		select {
		case <-ctx.Done():
			return nil
		case <-deadline.C:
			return nil
		case <-done:
		case <-tick.C:
		}
	}
}

// TerminalAction runs POST /terminal/refund (a refund of the original
// transaction, with the card presented again unless its payment method was
// card-present tokenized) and POST /terminal/void (on the original's
// register, before the device's batch). The answer is the original
// transaction with its new child, as POST /transaction/{id}/refund.
func (s *Service) TerminalAction(ctx context.Context, merchantID, op string, in *tender.TerminalChargeInput) (*Result, error) {
	errs := tender.FieldErrors{}
	parentID := in.ParentTransaction()
	if parentID == "" {
		errs.Required("transaction_id")
	}
	var amount tender.Amount
	if op == tender.OpRefund && in.Total.IsSet() {
		amount = in.Total.Parse(errs, "total", false, 1)
	}
	regID, regNum, hasReg := tender.RegisterRef(in.Register)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if _, err := s.gatewayFor(ctx, merchantID); err != nil {
		return nil, err
	}
	parent, err := s.Store.TransactionGet(ctx, merchantID, parentID)
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		return nil, invalid("transaction_id", "The selected transaction id is invalid.")
	} else if err != nil {
		return nil, err
	}
	if parent.Source != SourceTerminal || parent.ParentID != "" {
		return nil, invalid("transaction_id", "Only a terminal transaction can be "+pastTense(op)+" on a terminal; use POST /transaction/{id}/"+op+".")
	}
	orig, err := s.Store.TerminalRequestByTransaction(ctx, parent.ID)
	if err != nil {
		return nil, err
	}
	var reg *tender.Register
	if hasReg {
		if reg, err = s.resolveRegister(ctx, merchantID, regID, regNum); err != nil {
			return nil, err
		}
	} else if op == tender.OpVoid {
		return nil, invalid("register", "The register field is required.")
	} else if reg, err = s.Store.RegisterGet(ctx, merchantID, orig.RegisterID); err != nil {
		return nil, err
	}
	// Check what Act would refuse before involving the device.
	if _, err := reserve(parent, op, amount); err != nil {
		return nil, err
	}
	idemKey := strings.TrimSpace(in.IdempotencyID)
	if op == tender.OpVoid {
		if reg.ID != orig.RegisterID {
			return nil, invalid("register", "A void must use the register of the original transaction.")
		}
	} else if pm, err := s.Store.PaymentMethodGet(ctx, merchantID, parent.PaymentMethodID); err == nil && cpTokenized(pm) {
		// A card-present tokenized card is refunded without the card.
		return s.Act(ctx, merchantID, parent.ID, op, &tender.ActionInput{Total: in.Total, IdempotencyID: idemKey})
	}
	kind := tender.TermRefund
	if op == tender.OpVoid {
		kind = tender.TermVoid
	}
	params, _ := json.Marshal(tender.TerminalParams{ParentID: parent.ID, Message: idemKey})
	now := tender.NewTime(s.now())
	req := &tender.TerminalRequest{ID: tender.NewID(), MerchantID: merchantID, RegisterID: reg.ID, TransactionID: parent.ID,
		Kind: kind, Amount: amount, Params: params, State: tender.TermQueued, CreatedAt: now}
	if err := s.Store.TerminalRequestCreate(ctx, req); err != nil {
		return nil, err
	}
	s.wakeRegister(reg.ID)
	r := s.waitTerminal(ctx, merchantID, req.ID)
	if r == nil || r.State == tender.TermExpired {
		// Still with the device: the original as it stands, 202.
		res, err := s.transactionResult(ctx, merchantID, parent.ID)
		if res != nil {
			res.Outcome = OutcomePending
		}
		return res, err
	}
	var res tender.TerminalResult
	_ = json.Unmarshal(r.Result, &res)
	switch {
	case res.Error != "":
		return nil, invalid("transaction_id", res.Error)
	case res.Cancelled:
		return nil, invalid("register", "The "+op+" was cancelled on the terminal.")
	}
	return s.transactionResult(ctx, merchantID, parent.ID)
}

func cpTokenized(pm *tender.PaymentMethod) bool {
	var m struct {
		IsCpTokenized bool `json:"isCpTokenized"`
	}
	_ = json.Unmarshal(pm.Meta, &m)
	return m.IsCpTokenized
}

// PromptResult is the answer of POST /terminal/prompt.
type PromptResult struct {
	RequestID string `json:"id"`
	Answered  bool   `json:"answered"`
	Answer    bool   `json:"answer"`
	Message   string `json:"message"`
}

// TerminalPrompt shows a message (and a price) on the device and returns
// the customer's yes or no.
func (s *Service) TerminalPrompt(ctx context.Context, merchantID string, in *tender.PromptInput) (*PromptResult, error) {
	errs := tender.FieldErrors{}
	regID, regNum, ok := tender.RegisterRef(in.Register)
	if !ok {
		errs.Required("register")
	}
	msg := strings.TrimSpace(in.Message)
	tender.MaxLen(errs, "message", msg, 255)
	var total tender.Amount
	if in.Total.IsSet() {
		total = in.Total.Parse(errs, "total", false, 1)
	}
	if msg == "" && total == 0 {
		errs.Add("message", "A prompt needs a message or a total.")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	reg, err := s.resolveRegister(ctx, merchantID, regID, regNum)
	if err != nil {
		return nil, err
	}
	params, _ := json.Marshal(tender.TerminalParams{Message: msg})
	req := &tender.TerminalRequest{ID: tender.NewID(), MerchantID: merchantID, RegisterID: reg.ID, Kind: tender.TermPrompt,
		Amount: total, Params: params, State: tender.TermQueued, CreatedAt: tender.NewTime(s.now())}
	if err := s.Store.TerminalRequestCreate(ctx, req); err != nil {
		return nil, err
	}
	s.wakeRegister(reg.ID)
	out := &PromptResult{RequestID: req.ID, Message: tender.TerminalWaiting}
	if r := s.waitTerminal(ctx, merchantID, req.ID); r != nil && r.State == tender.TermDone {
		var res tender.TerminalResult
		_ = json.Unmarshal(r.Result, &res)
		out.Answered, out.Message = true, ""
		out.Answer = res.Answer != nil && *res.Answer
		if res.Cancelled {
			out.Message = "Cancelled on the terminal."
		}
	}
	return out, nil
}

// TerminalStatus is GET /terminal/{registerId}/status/{transactionId}:
// Stax's polling shape (success 1/0, message "" or the error) with the
// transaction.
type TerminalStatus struct {
	ID          string           `json:"id"`
	RegisterID  string           `json:"register_id"`
	Status      string           `json:"status"`
	Success     int              `json:"success"`
	Message     string           `json:"message"`
	Cancelled   bool             `json:"cancelled"`
	Total       tender.Amount    `json:"total"`
	Surcharge   tender.Amount    `json:"surcharge"`
	Transaction *TransactionView `json:"transaction"`
}

// GetTerminalStatus reports a terminal transaction's state.
func (s *Service) GetTerminalStatus(ctx context.Context, merchantID, registerID, transactionID string) (*TerminalStatus, error) {
	t, err := s.Store.TransactionGet(ctx, merchantID, transactionID)
	if err != nil {
		return nil, err
	}
	req, err := s.Store.TerminalRequestByTransaction(ctx, t.ID)
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		return nil, tender.NotFound("transaction")
	} else if err != nil {
		return nil, err
	}
	reg, err := s.Store.RegisterGet(ctx, merchantID, req.RegisterID)
	if err != nil {
		return nil, err
	}
	if registerID != reg.ID && registerID != itoa(reg.RegisterNum) {
		return nil, tender.NotFound("transaction")
	}
	v, err := s.View(ctx, s.Store, t)
	if err != nil {
		return nil, err
	}
	st := &TerminalStatus{ID: t.ID, RegisterID: reg.ID, Status: t.Status, Message: t.Message, Cancelled: t.Cancelled,
		Total: t.Total, Surcharge: t.Surcharge, Transaction: v}
	if t.Success {
		st.Success = 1
	}
	return st, nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// --- the device's side ---

// TerminalAnswer records a device's answer to a request and returns what
// the device shows. It runs on the server instance holding the device's
// connection; answering the same request again (after a reconnect) returns
// the recorded outcome and moves no money twice: the processor call is
// keyed by the transaction id, refunds and voids by the request id.
func (s *Service) TerminalAnswer(ctx context.Context, reg *tender.Register, ans *tender.DeviceAnswer) (*tender.DeviceOutcome, error) {
	req, err := s.Store.TerminalRequestGet(ctx, reg.MerchantID, ans.RequestID)
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
		if err := s.finishRequest(ctx, s.Store, req, res); err != nil {
			return nil, err
		}
		return s.recordedOutcome(ctx, req)
	case tender.TermRefund, tender.TermVoid:
		return s.answerAction(ctx, req, &params, ans)
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
	case req.Kind == tender.TermPrompt:
		out.Approved, out.Message = res.Answer != nil && *res.Answer, "The customer answered no."
		if out.Approved {
			out.Message = "The customer answered yes."
		}
	case res.TransactionID != "":
		t, err := s.Store.TransactionGet(ctx, req.MerchantID, res.TransactionID)
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
	merchant, err := s.Store.MerchantGet(ctx, req.MerchantID)
	if err != nil {
		return nil, err
	}
	t, err := s.Store.TransactionGet(ctx, req.MerchantID, req.TransactionID)
	if err != nil {
		return nil, err
	}
	if req.State != terminalAuthorizing {
		if err := s.presentCard(ctx, merchant, req, params, t, ans, number, month, year); err != nil {
			return nil, err
		}
	}
	t, err = s.Store.TransactionGet(ctx, req.MerchantID, req.TransactionID)
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

func (s *Service) outcomeOf(ctx context.Context, req *tender.TerminalRequest) (*tender.DeviceOutcome, error) {
	cur, err := s.Store.TerminalRequestGet(ctx, req.MerchantID, req.ID)
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
	return s.Store.InTx(ctx, func(tx store.Executor) error {
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
	return s.Store.InTx(ctx, func(tx store.Executor) error {
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
			if err := s.emit(ctx, tx, t.MerchantID, tender.EventCreateTransaction, "transaction", t.ID, view); err != nil {
				return err
			}
			if err := s.complete(ctx, tx, t.ID, tender.EDECLINED, view); err != nil {
				return err
			}
		}
		*req = *cur
		return s.finishRequest(ctx, tx, req, tender.TerminalResult{TransactionID: t.ID, Cancelled: cancelled, Message: msg})
	})
}

// finishTerminalPayment marks the request of a terminal payment done, in
// the transaction that finalizes the payment.
func (s *Service) finishTerminalPayment(ctx context.Context, tx store.Executor, t *tender.Transaction) error {
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
		parent, err := s.Store.TransactionGet(ctx, req.MerchantID, params.ParentID)
		if err != nil {
			return nil, err
		}
		pm, err := s.Store.PaymentMethodGet(ctx, req.MerchantID, parent.PaymentMethodID)
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
	if err := s.finishRequest(ctx, s.Store, req, res); err != nil {
		return nil, err
	}
	return s.recordedOutcome(ctx, req)
}

// BatchResult is the answer of POST /terminal/register/{id}/batch.
type BatchResult struct {
	RegisterID     string `json:"register_id"`
	Settled        int    `json:"settled"`
	OfflineCapture int    `json:"offline_captured"`
	OfflineFailed  int    `json:"offline_declined"`
}

// BatchRegister closes a device's batch: its offline approvals are sent to
// the processor (and flagged), then its unsettled payments are settled, so
// they can be refunded and no longer voided.
func (s *Service) BatchRegister(ctx context.Context, merchantID, registerID string) (*BatchResult, error) {
	reg, err := s.Store.RegisterGet(ctx, merchantID, registerID)
	if err != nil {
		return nil, err
	}
	out := &BatchResult{RegisterID: reg.ID}
	now := s.now()
	batchID := tender.NewID()
	skip := map[string]bool{} // the processor failed them this time
	for {
		ts, err := s.Store.TerminalTransactionsUnsettled(ctx, merchantID, reg.ID, now.Add(time.Second), 200)
		if err != nil {
			return out, err
		}
		progress := false
		for _, t := range ts {
			if skip[t.ID] {
				continue
			}
			skip[t.ID], progress = true, true
			if t.GatewayRef == "" {
				ok, err := s.captureOffline(ctx, t)
				if err != nil {
					return out, err
				}
				if !ok {
					out.OfflineFailed++
					continue
				}
				out.OfflineCapture++
				if t, err = s.Store.TransactionGet(ctx, merchantID, t.ID); err != nil {
					return out, err
				}
			}
			gw, err := s.gatewayFor(ctx, t.MerchantID)
			if err != nil {
				return out, err
			}
			st, err := gw.Settle(ctx, t.GatewayRef)
			if err != nil {
				s.log().Warn("batch: processor failed", "transaction_id", t.ID, "error", err.Error())
				continue
			}
			ok, err := s.settleOne(ctx, t, batchID, st)
			if err != nil {
				return out, err
			}
			if ok {
				out.Settled++
			}
		}
		if !progress {
			break
		}
	}
	err = s.Store.InTx(ctx, func(tx store.Executor) error {
		r, err := tx.RegisterGetForUpdate(ctx, merchantID, reg.ID)
		if err != nil {
			return err
		}
		at := tender.NewTime(now)
		r.LastBatchAt, r.UpdatedAt = &at, at
		return tx.RegisterUpdate(ctx, r)
	})
	return out, err
}

// captureOffline authorizes and captures an offline approval at batch
// close. A decline turns the payment FAILED (flagged in meta), as the
// device's approval did not hold.
func (s *Service) captureOffline(ctx context.Context, t *tender.Transaction) (bool, error) {
	pm, sec, _, err := s.Store.PaymentMethodWithSecret(ctx, t.MerchantID, t.PaymentMethodID)
	if err != nil {
		return false, err
	}
	req := gateway.Request{Key: t.ID, Amount: t.Total, Capture: t.Type == tender.TxCharge}
	if err := s.unseal(pm, sec, &req); err != nil {
		return false, err
	}
	gw, err := s.gatewayFor(ctx, t.MerchantID)
	if err != nil {
		return false, nil // tried again at the next batch
	}
	gctx, cancel := context.WithTimeout(ctx, s.gatewayTimeout())
	res, gerr := gw.Authorize(gctx, req)
	cancel()
	if gerr != nil {
		return false, nil // tried again at the next batch
	}
	ok := false
	err = s.Store.InTx(ctx, func(tx store.Executor) error {
		cur, err := tx.TransactionGetForUpdate(ctx, t.MerchantID, t.ID)
		if err != nil || cur.GatewayRef != "" {
			return err
		}
		var meta map[string]json.RawMessage
		_ = json.Unmarshal(cur.Meta, &meta)
		if meta == nil {
			meta = map[string]json.RawMessage{}
		}
		meta["offline_captured_at"], _ = json.Marshal(tender.NewTime(s.now()))
		cur.GatewayRef, cur.AuthCode = res.Ref, res.AuthCode
		if !res.Approved {
			meta["offline_declined"] = json.RawMessage("true")
			cur.Success, cur.Status, cur.Message, cur.DeclineCode = false, tender.StatusFailed, "Offline approval declined at batch: "+res.Message, res.DeclineCode
			cur.Captured, cur.IsCaptured = 0, false
		}
		cur.Meta, _ = json.Marshal(meta)
		cur.UpdatedAt = tender.NewTime(s.now())
		if err := tx.TransactionUpdate(ctx, cur); err != nil {
			return err
		}
		if !res.Approved {
			if err := s.applyToInvoice(ctx, tx, cur, 0); err != nil {
				return err
			}
		}
		view, err := s.View(ctx, tx, cur)
		if err != nil {
			return err
		}
		ok = res.Approved
		return s.emit(ctx, tx, cur.MerchantID, tender.EventUpdateTransaction, "transaction", cur.ID, view)
	})
	return ok, err
}

// BatchDue closes the batch of each given register whose batch time has
// passed since its last batch (the device's daily batch close).
func (s *Service) BatchDue(ctx context.Context, reg *tender.Register) (bool, error) {
	now := s.Now().UTC()
	hm, err := time.Parse("15:04", reg.BatchTime)
	if err != nil {
		return false, nil
	}
	due := time.Date(now.Year(), now.Month(), now.Day(), hm.Hour(), hm.Minute(), 0, 0, time.UTC)
	if due.After(now) {
		due = due.AddDate(0, 0, -1)
	}
	cur, err := s.Store.RegisterGet(ctx, reg.MerchantID, reg.ID)
	if err != nil {
		return false, err
	}
	if cur.LastBatchAt != nil && !cur.LastBatchAt.Before(due) || cur.CreatedAt.After(due) {
		return false, nil
	}
	_, err = s.BatchRegister(ctx, reg.MerchantID, reg.ID)
	return err == nil, err
}
