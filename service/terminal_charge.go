package service

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/store"
)

// TerminalCharge runs POST /terminal/charge (queue false: waits for the
// device up to TerminalWait), POST /terminal/charge/queue (queue true:
// returns the PENDING transaction at once) and, with credit, POST
// /terminal/credit.
func (s *Service) TerminalCharge(ctx context.Context, merchantID string, in *tender.TerminalChargeInput, queue, credit bool) (*Result, error) {
	c, err := in.Validate(credit)
	if err != nil {
		return nil, err
	}
	gw, err := s.gatewayFor(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	op := gateway.OpAuthorize
	if credit {
		op = gateway.OpCredit
	}
	// A terminal reads cards.
	if err := supports(gw, op, tender.MethodCard); err != nil {
		return nil, err
	}
	reg, err := s.resolveRegister(ctx, merchantID, c.RegisterID, c.RegisterNum)
	if err != nil {
		return nil, err
	}
	if c.CustomerID != "" {
		if cu, err := s.store.CustomerGet(ctx, merchantID, c.CustomerID); err != nil || cu.DeletedAt != nil {
			return nil, invalid("customer_id", "The selected customer id is invalid.")
		}
	}
	if c.InvoiceID != "" {
		if inv, err := s.store.InvoiceGet(ctx, merchantID, c.InvoiceID); err != nil || inv.DeletedAt != nil {
			return nil, invalid("invoice_id", "The selected invoice id is invalid.")
		}
	}
	merchant, err := s.store.MerchantGet(ctx, merchantID)
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
	err = s.store.InTx(ctx, func(tx store.Executor) error {
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
	rec, err := s.store.IdempotencyGet(ctx, merchantID, id.scope, id.key)
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
	t, err := s.store.TransactionGet(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	v, err := s.View(ctx, s.store, t)
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
		r, err := s.store.TerminalRequestGet(ctx, merchantID, requestID)
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
// card-present tokenized), POST /terminal/void (on the original's
// register, before the device's batch) and POST /terminal/void-or-refund
// (op OpVoidOrRefund: the server voids the transaction while it is
// unsettled, else refunds it, as POST /transaction/{id}/void-or-refund;
// the register defaults to the original's). The answer is the original
// transaction with its new child, as POST /transaction/{id}/refund.
func (s *Service) TerminalAction(ctx context.Context, merchantID, op string, in *tender.TerminalChargeInput) (*Result, error) {
	errs := tender.FieldErrors{}
	parentID := in.ParentTransaction()
	if parentID == "" {
		errs.Required("transaction_id")
	}
	either := op == tender.OpVoidOrRefund
	var amount tender.Amount
	if (op == tender.OpRefund || either) && in.Total.IsSet() {
		amount = in.Total.Parse(errs, "total", false, 1)
	}
	regID, regNum, hasReg := tender.RegisterRef(in.Register)
	idemKey := strings.TrimSpace(in.IdempotencyID)
	var id *idem
	if either {
		id = newIdem("terminal_void_or_refund", idemKey, struct {
			Parent string
			Total  tender.Amount
		}{parentID, amount}, errs)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if _, err := s.gatewayFor(ctx, merchantID); err != nil {
		return nil, err
	}
	if s.seen(ctx, merchantID, id) {
		// A retry: the original as the first request left it.
		return s.terminalReplay(ctx, merchantID, id)
	}
	parent, err := s.store.TransactionGet(ctx, merchantID, parentID)
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		return nil, invalid("transaction_id", "The selected transaction id is invalid.")
	} else if err != nil {
		return nil, err
	}
	if either {
		op = tender.OpVoid
		if parent.Settled() {
			op = tender.OpRefund
		}
	}
	if parent.Source != SourceTerminal || parent.ParentID != "" {
		return nil, invalid("transaction_id", "Only a terminal transaction can be "+pastTense(op)+" on a terminal; use POST /transaction/{id}/"+op+".")
	}
	orig, err := s.store.TerminalRequestByTransaction(ctx, parent.ID)
	if err != nil {
		return nil, err
	}
	var reg *tender.Register
	if hasReg {
		if reg, err = s.resolveRegister(ctx, merchantID, regID, regNum); err != nil {
			return nil, err
		}
	} else if op == tender.OpVoid && !either {
		return nil, invalid("register", "The register field is required.")
	} else if reg, err = s.store.RegisterGet(ctx, merchantID, orig.RegisterID); err != nil {
		return nil, err
	}
	if op == tender.OpRefund {
		if pm, err := s.store.PaymentMethodGet(ctx, merchantID, parent.PaymentMethodID); err == nil && cpTokenized(pm) {
			// A card-present tokenized card is refunded without the card.
			if either {
				return s.Act(ctx, merchantID, parent.ID, tender.OpVoidOrRefund, &tender.ActionInput{Total: in.Total, IdempotencyID: idemKey})
			}
			if _, err := reserve(parent, op, amount); err != nil {
				return nil, err
			}
			return s.Act(ctx, merchantID, parent.ID, op, &tender.ActionInput{Total: in.Total, IdempotencyID: idemKey})
		}
	}
	// Check what Act would refuse before involving the device.
	if _, err := reserve(parent, op, amount); err != nil {
		return nil, err
	}
	if op == tender.OpVoid && reg.ID != orig.RegisterID {
		return nil, invalid("register", "A void must use the register of the original transaction.")
	}
	kind := tender.TermRefund
	if op == tender.OpVoid {
		kind = tender.TermVoid
	}
	params, _ := json.Marshal(tender.TerminalParams{ParentID: parent.ID, Message: idemKey, VoidOrRefund: either})
	now := tender.NewTime(s.now())
	req := &tender.TerminalRequest{ID: tender.NewID(), MerchantID: merchantID, RegisterID: reg.ID, TransactionID: parent.ID,
		Kind: kind, Amount: amount, Params: params, State: tender.TermQueued, CreatedAt: now}
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		if err := s.claim(ctx, tx, merchantID, id, parent.ID); err != nil {
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
	if (res.Error != "" || res.Cancelled) && id != nil {
		// Nothing moved: a retry with the key goes to the device again.
		if err := s.store.IdempotencyDelete(ctx, merchantID, id.scope, id.key); err != nil {
			return nil, err
		}
	}
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
	if err := s.store.TerminalRequestCreate(ctx, req); err != nil {
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
	Surcharge   *tender.Amount   `json:"surcharge,omitempty"` // absent until the card is presented
	Transaction *TransactionView `json:"transaction"`
}

// GetTerminalStatus reports a terminal transaction's state.
func (s *Service) GetTerminalStatus(ctx context.Context, merchantID, registerID, transactionID string) (*TerminalStatus, error) {
	t, err := s.store.TransactionGet(ctx, merchantID, transactionID)
	if err != nil {
		return nil, err
	}
	req, err := s.store.TerminalRequestByTransaction(ctx, t.ID)
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		return nil, tender.NotFound("transaction")
	} else if err != nil {
		return nil, err
	}
	reg, err := s.store.RegisterGet(ctx, merchantID, req.RegisterID)
	if err != nil {
		return nil, err
	}
	if registerID != reg.ID && registerID != strconv.Itoa(reg.RegisterNum) {
		return nil, tender.NotFound("transaction")
	}
	v, err := s.View(ctx, s.store, t)
	if err != nil {
		return nil, err
	}
	st := &TerminalStatus{ID: t.ID, RegisterID: reg.ID, Status: t.Status, Message: t.Message, Cancelled: t.Cancelled,
		Total: t.Total, Surcharge: knownSurcharge(t), Transaction: v}
	if t.Success {
		st.Success = 1
	}
	return st, nil
}
