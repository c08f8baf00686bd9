package service

import "sync"

// signals wakes waiters in this process early; the database stays the
// source of truth (waiters poll it too), so a signal lost to another
// server instance only costs the polling interval.
type signals struct {
	mu        sync.Mutex
	registers map[string]chan struct{}
	requests  map[string]chan struct{}
}

func signal(m map[string]chan struct{}, key string) {
	if ch, ok := m[key]; ok {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// RegisterWake returns a channel that receives when a request is queued in
// this process for registerID; release it with RegisterUnwake.
func (s *Service) RegisterWake(registerID string) <-chan struct{} {
	s.sig.mu.Lock()
	defer s.sig.mu.Unlock()
	if s.sig.registers == nil {
		s.sig.registers = map[string]chan struct{}{}
	}
	ch := make(chan struct{}, 1)
	s.sig.registers[registerID] = ch
	return ch
}

// RegisterUnwake releases the channel of RegisterWake.
func (s *Service) RegisterUnwake(registerID string, ch <-chan struct{}) {
	s.sig.mu.Lock()
	defer s.sig.mu.Unlock()
	if cur, ok := s.sig.registers[registerID]; ok && (<-chan struct{})(cur) == ch {
		delete(s.sig.registers, registerID)
	}
}

func (s *Service) wakeRegister(registerID string) {
	s.sig.mu.Lock()
	defer s.sig.mu.Unlock()
	signal(s.sig.registers, registerID)
}

func (s *Service) watchRequest(requestID string) <-chan struct{} {
	s.sig.mu.Lock()
	defer s.sig.mu.Unlock()
	if s.sig.requests == nil {
		s.sig.requests = map[string]chan struct{}{}
	}
	ch := make(chan struct{}, 1)
	s.sig.requests[requestID] = ch
	return ch
}

func (s *Service) unwatchRequest(requestID string) {
	s.sig.mu.Lock()
	defer s.sig.mu.Unlock()
	delete(s.sig.requests, requestID)
}

func (s *Service) notifyRequest(requestID string) {
	s.sig.mu.Lock()
	defer s.sig.mu.Unlock()
	signal(s.sig.requests, requestID)
}
