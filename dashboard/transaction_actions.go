package dashboard

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tenderpay/tender"
)

// actionData is a void or capture confirmation page.
type actionData struct {
	txPage
	Op, Verb string
	Allowed  bool
}

func capturable(t *tender.Transaction) bool {
	return t.Success && t.Type == tender.TxPreAuth && !t.IsCaptured && !t.IsVoided && t.PendingOp == ""
}

func opOf(r *http.Request) (op, verb string, ok bool) {
	switch r.PathValue("op") {
	case tender.OpVoid:
		return tender.OpVoid, "Void", true
	case tender.OpCapture:
		return tender.OpCapture, "Capture", true
	}
	return "", "", false
}

func (d *Dashboard) actionForm(w http.ResponseWriter, r *http.Request) error {
	op, verb, ok := opOf(r)
	if !ok {
		return tender.Errorf(tender.ENOTFOUND, "Not found")
	}
	s := session(r)
	v, err := d.svc.Transaction(r.Context(), s.Merchant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := actionData{txPage: txPage{Tx: v, CanRefund: s.User.CanRefund(), Amount: amountField(v.Total), IdempotencyID: tender.NewID()},
		Op: op, Verb: verb, Allowed: op == tender.OpCapture || s.User.CanRefund()}
	status := http.StatusOK
	if !p.Allowed {
		status, p.Errors = http.StatusForbidden, []string{"Your role (" + s.User.Role + ") may not void payments."}
	}
	d.render(w, r, status, "action.html", verb, "transactions", p)
	return nil
}

func (d *Dashboard) action(w http.ResponseWriter, r *http.Request) error {
	op, verb, ok := opOf(r)
	if !ok {
		return tender.Errorf(tender.ENOTFOUND, "Not found")
	}
	s := session(r)
	id := r.PathValue("id")
	amount := strings.TrimSpace(r.PostFormValue("amount"))
	in := &tender.ActionInput{IdempotencyID: r.PostFormValue("idempotency_id")}
	if op == tender.OpCapture && amount != "" {
		in.Total = tender.NewAmountInput(strconv.Quote(amount))
	}
	_, err := d.svc.ActAs(r.Context(), s.User, id, op, in)
	if err == nil {
		http.Redirect(w, r, "/dashboard/transactions/"+url.PathEscape(id)+"?done="+op, http.StatusSeeOther)
		return nil
	}
	switch tender.ErrorCode(err) {
	case tender.EINVALID, tender.EDECLINED, tender.EFORBIDDEN, tender.ECONFLICT:
	default:
		return err
	}
	v, gerr := d.svc.Transaction(r.Context(), s.Merchant.ID, id)
	if gerr != nil {
		return gerr
	}
	d.render(w, r, statusOf(err), "action.html", verb, "transactions", actionData{
		txPage: txPage{Tx: v, CanRefund: s.User.CanRefund(), Amount: amount, Errors: fieldErrors(err), IdempotencyID: tender.NewID()},
		Op:     op, Verb: verb, Allowed: op == tender.OpCapture || s.User.CanRefund()})
	return nil
}

// receipt sends the transaction's receipt again by email, to the address
// given or else the customer's.
func (d *Dashboard) receipt(w http.ResponseWriter, r *http.Request) error {
	s := session(r)
	id := r.PathValue("id")
	_, err := d.svc.SendReceipt(r.Context(), s.Merchant.ID, id, "email", strings.TrimSpace(r.PostFormValue("email")))
	if err == nil {
		http.Redirect(w, r, "/dashboard/transactions/"+url.PathEscape(id)+"?done=receipt", http.StatusSeeOther)
		return nil
	}
	if tender.ErrorCode(err) != tender.EINVALID {
		return err
	}
	v, gerr := d.svc.Transaction(r.Context(), s.Merchant.ID, id)
	if gerr != nil {
		return gerr
	}
	d.render(w, r, http.StatusUnprocessableEntity, "transaction.html", "Transaction", "transactions",
		txPage{Tx: v, CanRefund: s.User.CanRefund(), CanCapture: capturable(v.Transaction), Errors: fieldErrors(err)})
	return nil
}
