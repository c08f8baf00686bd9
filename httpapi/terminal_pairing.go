package httpapi

import (
	"net/http"
	"time"

	"github.com/tenderpay/tender/ratelimit"
)

// pairingHeader is terminal.PairingHeader: a device redeeming its pairing
// code on GET /terminal/connect.
const pairingHeader = "X-Tender-Pairing-Code"

// Pairing budgets. A pairing code is 8 characters of a 32-letter alphabet
// (40 bits) and lives 30 minutes; a wrong code names no register, so the
// failures cannot be counted against one. Instead every pairing attempt
// spends a budget of its address, and one budget shared by all addresses
// bounds a brute force spread over many: at pairAll, guessing any of 1,000
// live codes takes about 10^7 minutes on average. Both are shared through
// Redis when it is configured. A device pairs once, so a real one never
// meets them.
// The per-address budget is Config.PairRateLimit (server default: 10 per
// 10 minutes).
var pairAll = ratelimit.Limit{Rate: 120, Period: time.Minute}

// throttlePairing answers 429 with Retry-After to a pairing attempt past
// its address's budget or the shared one; a device connecting with its
// token is not throttled here.
func (a *API) throttlePairing(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(pairingHeader) != "" && a.cfg.PairRateLimit.Rate > 0 {
			if !a.allow(w, r, "terminal_pair", a.cfg.PairRateLimit) || !a.allowKey(w, r, "terminal_pair_all", "*", pairAll) {
				return
			}
		}
		h(w, r)
	}
}
