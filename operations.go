package tender

import "time"

// Backlog is how much work waits in one of Tender's queues (PENDING
// payments, webhook deliveries, the message outbox, events to relay) and
// since when: the operator's metrics (GET /metrics) report both.
type Backlog struct {
	Count int64
	// Oldest is when the oldest waiting entry was created; zero when
	// Count is 0.
	Oldest time.Time
}

// Age is how long the oldest entry has waited at now (0 for an empty
// backlog).
func (b Backlog) Age(now time.Time) time.Duration {
	if b.Count == 0 || b.Oldest.IsZero() || now.Before(b.Oldest) {
		return 0
	}
	return now.Sub(b.Oldest)
}

// Operations is the set of backlogs GET /metrics reports.
type Operations struct {
	PendingTransactions Backlog
	WebhookDeliveries   Backlog
	Messages            Backlog
	EventsToRelay       Backlog
}
