package httpapi

import (
	"net/http"

	"github.com/tenderpay/tender"
)

// --- terminals ------------------------------------------------------------

func (a *API) listRegisters(w http.ResponseWriter, r *http.Request) error {
	rs, err := a.svc.ListRegisters(r.Context(), merchantID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rs)
	return nil
}

func (a *API) createRegister(w http.ResponseWriter, r *http.Request) error {
	var in tender.RegisterInput
	if err := decode(r, &in); err != nil {
		return err
	}
	reg, err := a.svc.CreateRegister(r.Context(), merchantID(r), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, reg)
	return nil
}

func (a *API) getRegister(w http.ResponseWriter, r *http.Request) error {
	reg, err := a.svc.GetRegister(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, reg)
	return nil
}

func (a *API) updateRegister(w http.ResponseWriter, r *http.Request) error {
	var in tender.RegisterInput
	if err := decode(r, &in); err != nil {
		return err
	}
	reg, err := a.svc.UpdateRegister(r.Context(), merchantID(r), r.PathValue("id"), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, reg)
	return nil
}

func (a *API) pairRegister(w http.ResponseWriter, r *http.Request) error {
	reg, err := a.svc.RePairRegister(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, reg)
	return nil
}

func (a *API) batchRegister(w http.ResponseWriter, r *http.Request) error {
	res, err := a.svc.BatchRegister(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// terminalCharge serves POST /terminal/charge, /terminal/charge/queue and
// /terminal/credit.
func (a *API) terminalCharge(queue, credit bool) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in tender.TerminalChargeInput
		if err := decode(r, &in); err != nil {
			return err
		}
		res, err := a.svc.TerminalCharge(r.Context(), merchantID(r), &in, queue, credit)
		if err != nil {
			return err
		}
		if queue && res.View != nil {
			writeJSON(w, http.StatusOK, res.View) // accepted; the device has it
			return nil
		}
		writeResult(w, res)
		return nil
	}
}

// terminalAction serves POST /terminal/refund and /terminal/void.
func (a *API) terminalAction(op string) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in tender.TerminalChargeInput
		if err := decode(r, &in); err != nil {
			return err
		}
		res, err := a.svc.TerminalAction(r.Context(), merchantID(r), op, &in)
		if err != nil {
			return err
		}
		writeResult(w, res)
		return nil
	}
}

func (a *API) terminalPrompt(w http.ResponseWriter, r *http.Request) error {
	var in tender.PromptInput
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := a.svc.TerminalPrompt(r.Context(), merchantID(r), &in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if !res.Answered {
		status = http.StatusAccepted
	}
	writeJSON(w, status, res)
	return nil
}

func (a *API) terminalStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := a.svc.GetTerminalStatus(r.Context(), merchantID(r), r.PathValue("registerId"), r.PathValue("transactionId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// terminalAsk serves the device requests that move no money: POST
// /terminal/print, /promptChoice, /promptInput, /prompt/signature and
// /terminal/tokenize. 200 with the device's answer, or 202 while it is
// still with the device.
func (a *API) terminalAsk(kind string) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in tender.TerminalAskInput
		if err := decode(r, &in); err != nil {
			return err
		}
		res, err := a.svc.TerminalAsk(r.Context(), merchantID(r), kind, &in)
		if err != nil {
			return err
		}
		status := http.StatusOK
		if !res.Answered {
			status = http.StatusAccepted
		}
		writeJSON(w, status, res)
		return nil
	}
}
