package dashboard

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/service"
)

type terminalsData struct {
	Registers []*tender.Register
	// New is a register just created or re-paired: its pairing code is
	// shown once, on the page that answers the POST.
	New      *service.NewRegister
	Nickname string
	Errors   []string
}

func (d *Dashboard) terminals(w http.ResponseWriter, r *http.Request) error {
	return d.renderTerminals(w, r, http.StatusOK, terminalsData{})
}

func (d *Dashboard) renderTerminals(w http.ResponseWriter, r *http.Request, status int, data terminalsData) error {
	regs, err := d.svc.ListRegisters(r.Context(), session(r).Merchant.ID)
	if err != nil {
		return err
	}
	data.Registers = regs
	d.render(w, r, status, "terminals.html", "Terminals", "terminals", data)
	return nil
}

func (d *Dashboard) createRegister(w http.ResponseWriter, r *http.Request) error {
	nick := strings.TrimSpace(r.PostFormValue("nickname"))
	reg, err := d.svc.CreateRegister(r.Context(), session(r).Merchant.ID, &tender.RegisterInput{Nickname: &nick})
	if err != nil {
		if tender.ErrorCode(err) != tender.EINVALID {
			return err
		}
		return d.renderTerminals(w, r, http.StatusUnprocessableEntity, terminalsData{Nickname: nick, Errors: fieldErrors(err)})
	}
	return d.renderTerminals(w, r, http.StatusOK, terminalsData{New: reg})
}

func (d *Dashboard) pairRegister(w http.ResponseWriter, r *http.Request) error {
	reg, err := d.svc.RePairRegister(r.Context(), session(r).Merchant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return d.renderTerminals(w, r, http.StatusOK, terminalsData{New: reg})
}

type registerData struct {
	Register      *tender.Register
	Amount        string
	IdempotencyID string
	Errors        []string
}

// register is the virtual terminal: a sale sent to the register's device,
// which asks the customer for their card.
func (d *Dashboard) register(w http.ResponseWriter, r *http.Request) error {
	reg, err := d.svc.GetRegister(r.Context(), session(r).Merchant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	d.render(w, r, http.StatusOK, "register.html", "Virtual terminal", "terminals", registerData{Register: reg, IdempotencyID: tender.NewID()})
	return nil
}

// sale queues the sale on the device (as POST /terminal/charge/queue) and
// shows its transaction, which the device completes.
func (d *Dashboard) sale(w http.ResponseWriter, r *http.Request) error {
	mid := session(r).Merchant.ID
	id := r.PathValue("id")
	reg, err := d.svc.GetRegister(r.Context(), mid, id)
	if err != nil {
		return err
	}
	amount := strings.TrimSpace(r.PostFormValue("amount"))
	in := &tender.TerminalChargeInput{Total: tender.NewAmountInput(strconv.Quote(amount)),
		Register: []byte(strconv.Quote(reg.ID)), IdempotencyID: r.PostFormValue("idempotency_id")}
	res, err := d.svc.TerminalCharge(r.Context(), mid, in, true, false)
	if err == nil && res.View != nil {
		http.Redirect(w, r, "/dashboard/transactions/"+url.PathEscape(res.View.ID), http.StatusSeeOther)
		return nil
	}
	if err == nil {
		err = tender.Errorf(tender.EINVALID, "The sale was not accepted.")
	}
	switch tender.ErrorCode(err) {
	case tender.EINVALID, tender.EDECLINED, tender.ECONFLICT, tender.EUNAVAILABLE:
	default:
		return err
	}
	d.render(w, r, statusOf(err), "register.html", "Virtual terminal", "terminals",
		registerData{Register: reg, Amount: amount, IdempotencyID: tender.NewID(), Errors: fieldErrors(err)})
	return nil
}
