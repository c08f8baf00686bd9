// Package terminal connects card-present devices to Tender. Hub is the
// server's side: a device dials GET /terminal/connect over WebSocket with
// its device token (or, once, its pairing code), receives the requests
// queued for its register (charge, refund, void, prompt), and answers them.
// Simulator is the device's side, shipped as "tender terminal simulate".
//
// The queue is the database (terminal_requests), so an API request served
// by any server instance reaches the device through whichever instance
// holds its connection, and an answer survives a dropped connection: the
// device sends it again on reconnect and the server records it once.
package terminal

import (
	"encoding/json"

	"github.com/tenderpay/tender"
)

// Message is one WebSocket frame, in either direction.
//
//	server → device: hello (after connecting), paired (a pairing code was
//	  redeemed: keep the token), request, outcome
//	device → server: answer
type Message struct {
	Type string `json:"type"`
	// hello
	RegisterID  string `json:"register_id,omitempty"`
	RegisterNum int    `json:"register_num,omitempty"`
	TipEnabled  bool   `json:"tip_enabled,omitempty"`
	// paired
	DeviceToken string `json:"device_token,omitempty"`
	// request
	Request *Request `json:"request,omitempty"`
	// answer
	Answer *tender.DeviceAnswer `json:"answer,omitempty"`
	// outcome
	Outcome *tender.DeviceOutcome `json:"outcome,omitempty"`
}

// Request is what the device is asked to do.
type Request struct {
	ID     string                `json:"id"`
	Kind   string                `json:"kind"`
	Amount tender.Amount         `json:"amount"`
	Params tender.TerminalParams `json:"params"`
}

func requestOf(r *tender.TerminalRequest) *Request {
	out := &Request{ID: r.ID, Kind: r.Kind, Amount: r.Amount}
	_ = json.Unmarshal(r.Params, &out.Params)
	return out
}

// Header names of the connect handshake.
const (
	// PairingHeader carries a one-time pairing code instead of a token.
	PairingHeader = "X-Tender-Pairing-Code"
	// SerialHeader names the device's serial number.
	SerialHeader = "X-Tender-Device-Serial"
)
