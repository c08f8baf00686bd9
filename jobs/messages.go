package jobs

import "github.com/tenderpay/tender/notify"

// Messages runs the message relay (email and text messages from the
// outbox; see notify.Relay).
func Messages(r *notify.Relay) Service { return Loop(r.Run) }
