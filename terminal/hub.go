package terminal

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/service"
)

// Hub serves device connections (GET /terminal/connect).
type Hub struct {
	Service *service.Service
	Logger  *slog.Logger
	// Poll is how often a connection looks for requests queued by other
	// server instances (default 200 ms; requests queued by this instance
	// wake it at once).
	Poll time.Duration
	// Ping is the keep-alive interval (default 5 s); a device that misses
	// a ping is disconnected and shows offline.
	Ping time.Duration
}

func (h *Hub) log() *slog.Logger {
	if h.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Logger
}

func writeErr(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// refuse answers a failed device authentication: 401 for a bad code or
// token, 503 (logged) when the server could not check it.
func (h *Hub) refuse(w http.ResponseWriter, r *http.Request, err error) {
	switch tender.ErrorCode(err) {
	case tender.EUNAUTHORIZED, tender.EINVALID:
		writeErr(w, http.StatusUnauthorized, tender.ErrorMessage(err))
	default:
		h.log().ErrorContext(r.Context(), "terminal: device authentication", "error", err.Error())
		writeErr(w, http.StatusServiceUnavailable, "The server could not check the device; try again.")
	}
}

// ServeHTTP authenticates the device and serves its connection until it
// drops.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var reg *tender.Register
	var token string
	if code := r.Header.Get(PairingHeader); code != "" {
		p, err := h.Service.Pair(ctx, code, r.Header.Get(SerialHeader))
		if err != nil {
			h.refuse(w, r, err)
			return
		}
		token = p.DeviceToken
	} else {
		scheme, t, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") {
			writeErr(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
		token = strings.TrimSpace(t)
	}
	reg, err := h.Service.DeviceRegister(ctx, token)
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(64 << 10)
	if r.Header.Get(PairingHeader) != "" {
		if err := wsjson.Write(ctx, c, Message{Type: "paired", DeviceToken: token}); err != nil {
			return
		}
	}
	h.serve(ctx, c, reg)
}

func (h *Hub) serve(ctx context.Context, c *websocket.Conn, reg *tender.Register) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	log := h.log().With("register_id", reg.ID)
	log.Info("terminal connected")
	defer log.Info("terminal disconnected")
	_ = h.Service.TouchRegister(ctx, reg.ID)
	if err := wsjson.Write(ctx, c, Message{Type: "hello", RegisterID: reg.ID, RegisterNum: reg.RegisterNum, TipEnabled: reg.TipEnabled}); err != nil {
		return
	}
	// Answers from the device.
	go func() {
		defer cancel()
		for {
			var m Message
			if err := wsjson.Read(ctx, c, &m); err != nil {
				return
			}
			_ = h.Service.TouchRegister(ctx, reg.ID)
			if m.Type != "answer" || m.Answer == nil {
				continue
			}
			out, err := h.Service.TerminalAnswer(ctx, reg, m.Answer)
			if err != nil {
				if tender.ErrorCode(err) != tender.ENOTFOUND {
					log.Warn("terminal answer failed", "request_id", m.Answer.RequestID, "error", tender.ErrorMessage(err))
				}
				continue
			}
			if err := wsjson.Write(ctx, c, Message{Type: "outcome", Outcome: out}); err != nil {
				return
			}
		}
	}()
	// What the device was given before a dropped connection, again.
	open, err := h.Service.OpenTerminalRequests(ctx, reg.ID)
	if err != nil {
		log.Warn("terminal: open requests", "error", err.Error())
	}
	for _, r := range open {
		if err := wsjson.Write(ctx, c, Message{Type: "request", Request: requestOf(r)}); err != nil {
			return
		}
	}
	wake := h.Service.RegisterWake(reg.ID)
	defer h.Service.RegisterUnwake(reg.ID, wake)
	poll := time.NewTicker(cmp(h.Poll, 200*time.Millisecond))
	defer poll.Stop()
	ping := time.NewTicker(cmp(h.Ping, 5*time.Second))
	defer ping.Stop()
	batch := time.NewTicker(time.Minute)
	defer batch.Stop()
	for {
		for {
			r, err := h.Service.NextTerminalRequest(ctx, reg.ID)
			if err != nil {
				if ctx.Err() == nil {
					log.Warn("terminal: claim request", "error", err.Error())
				}
				break
			}
			if r == nil {
				break
			}
			if err := wsjson.Write(ctx, c, Message{Type: "request", Request: requestOf(r)}); err != nil {
				return // delivered but unsent: resent as an open request on reconnect
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-poll.C:
		case <-ping.C:
			pctx, pcancel := context.WithTimeout(ctx, cmp(h.Ping, 5*time.Second))
			err := c.Ping(pctx)
			pcancel()
			if err != nil {
				return
			}
			_ = h.Service.TouchRegister(ctx, reg.ID)
		case <-batch.C:
			if _, err := h.Service.BatchDue(ctx, reg); err != nil {
				log.Warn("terminal: batch close", "error", err.Error())
			}
		}
	}
}

func cmp(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
