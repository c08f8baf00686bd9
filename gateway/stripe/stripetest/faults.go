package stripetest

import (
	"net/http"
	"sync"
)

// LoseAnswersOn makes the double act on the next request to path (a POST
// under an Idempotency-Key not seen before) and drop its answer, and the
// answers of its next n-1 replays, without knowing the key in advance: the
// way to lose the answer of a call Tender makes under a key of its own
// (the driver's retries replay the key; n = 3 outlasts stripe-go's two).
func (s *Server) LoseAnswersOn(path string, n int) {
	s.mu.Lock()
	s.losePath[path] = n
	s.mu.Unlock()
}

// Held is a request the double has acted on and holds the answer of.
type Held struct {
	// Acted receives the request's Idempotency-Key once the double has
	// acted on it, before it answers.
	Acted   chan string
	release chan struct{}
	once    sync.Once
}

// Release lets the held answer go (idempotent).
func (h *Held) Release() { h.once.Do(func() { close(h.release) }) }

// Hold holds the answer to the next request to path after acting on it,
// until Release (or the client gives up); released when the test ends.
func (s *Server) Hold(path string) *Held {
	h := &Held{Acted: make(chan string, 1), release: make(chan struct{})}
	s.mu.Lock()
	s.holds[path] = h
	s.mu.Unlock()
	s.cleanup(h.Release)
	return h
}

// wait holds r's answer if h is its hold (h may be nil).
func (h *Held) wait(r *http.Request, key string) {
	if h == nil {
		return
	}
	h.Acted <- key
	select {
	case <-h.release:
	case <-r.Context().Done():
	}
}

// PaymentIntentOf returns the id of the PaymentIntent whose tender_key is
// key ("" when none).
func (s *Server) PaymentIntentOf(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, pi := range s.pis {
		if pi.Metadata["tender_key"] == key {
			return id
		}
	}
	return ""
}
