package service

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/gateway/processors"
	"github.com/tenderpay/tender/internal/jsonenc"
	"github.com/tenderpay/tender/notify"
	"github.com/tenderpay/tender/store"
	"github.com/tenderpay/tender/vault"
)

// Service holds the dependencies of every operation.
type Service struct {
	store store.Store
	// Now is the clock; tests inject their own. Clock, when set, is the
	// one Now reads, which a sandbox server can advance (AdvanceClock).
	Now   func() time.Time
	Clock *tender.Clock
	// Vault seals card and account numbers; Fingerprinter recognises the
	// same number across payment methods without decrypting.
	Vault         *vault.Vault
	Fingerprinter *vault.Fingerprinter
	// Processors opens each merchant's processor driver; SandboxMode lets
	// merchants without a processor use the sandbox (outside it the sandbox
	// serves only test merchants). WrapGateway, when set, wraps every
	// driver opened (tests use it to act while a processor holds its
	// answer).
	Processors  *processors.Registry
	SandboxMode bool
	WrapGateway func(gateway.Gateway) gateway.Gateway
	// GatewayTimeout bounds each processor call (default 15 s).
	GatewayTimeout time.Duration
	// SettlePage is how many unsettled payments the settlement batch reads
	// at a time, and a terminal batch too (default 200).
	SettlePage int
	// IdempotencyWait is how long a duplicate request waits for its
	// in-flight twin before answering 409 (default 10 s).
	IdempotencyWait time.Duration
	Logger          *slog.Logger
	// WebhookAllowPrivate says whether a webhook may target a private or
	// loopback host (sandbox: any; otherwise an allow-list).
	WebhookAllowPrivate func(host string) bool
	// WebhookSpecialHost says whether a host is (or resolves to) a
	// special-purpose address (webhook.RefusedHost, set by the server; the
	// webhook package imports this one). Nil refuses every host that
	// WebhookAllowPrivate does not allow.
	WebhookSpecialHost func(host string) bool
	// PublicURL is the server's external base URL (for invoice links).
	PublicURL string
	// EmailEnabled and SMSEnabled say whether a transport delivers each
	// channel; without one, messages are only kept in the outbox.
	EmailEnabled, SMSEnabled bool
	// AccountMail sends account emails (password reset, email
	// verification) directly, never through the outbox; nil sends none.
	AccountMail notify.Sender
	// QueueAccountMail inserts, in tx, the durable job that sends an
	// account email (SendAccountMail, with retries); package jobs sets
	// it. Nil sends none.
	QueueAccountMail func(ctx context.Context, tx store.Executor, merchantID, userID, kind string) error
	// SignupOpen lets anyone create a merchant with POST /self (and ask
	// GET /self/exists); closed, both answer 403.
	SignupOpen bool

	// TerminalWait is how long POST /terminal/charge (and refund, void,
	// credit, prompt) waits for the device (default 60 s).
	TerminalWait time.Duration
	// MaxFileBytes bounds an uploaded file (default
	// tender.DefaultMaxFileBytes, 10 MiB).
	MaxFileBytes int64
	// Payments hears of each payment's outcome once it is committed (the
	// operator's metrics count them); nil hears nothing.
	Payments PaymentObserver
	// EventsCommitted signals that events were committed, in this process
	// or another (jobs.Wake); event streams wake on it. Nil: they poll.
	EventsCommitted EventSignal
	// Replica, when set, serves the reads safe on a read replica (reports,
	// deposits, lists) behind a per-merchant read-your-writes fence
	// (replica.go); nil reads everything from the primary.
	Replica *Replica

	auth    authCache
	procs   processorCache
	methods methodCache
	sig     signals
}

// New returns a Service on s with the real clock.
func New(s store.Store) *Service {
	return &Service{store: s, Now: time.Now}
}

func (s *Service) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// emit writes the event for a change inside the change's transaction.
func (s *Service) emit(ctx context.Context, tx store.Executor, merchantID, name, objectType, objectID string, obj any) error {
	payload, err := jsonenc.Encode(obj)
	if err != nil {
		return err
	}
	return s.emitJSON(ctx, tx, merchantID, name, objectType, objectID, payload)
}

// emitJSON is emit of an object already encoded (by jsonenc.Encode).
func (s *Service) emitJSON(ctx context.Context, tx store.Executor, merchantID, name, objectType, objectID string, payload []byte) error {
	// The event is the outbox: the webhook relay fans it out to deliveries
	// and durable jobs, off the request path.
	return tx.EventInsert(ctx, s.newEvent(merchantID, name, objectType, objectID, payload))
}

// newEvent is an event of now with a new id.
func (s *Service) newEvent(merchantID, name, objectType, objectID string, payload []byte) *tender.Event {
	return &tender.Event{
		ID: tender.NewID(), MerchantID: merchantID, Name: name,
		ObjectType: objectType, ObjectID: objectID, Payload: payload, CreatedAt: s.now(),
	}
}

func jsonUnmarshalNumber(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// invalid is a 422 with one field error.
func invalid(field, msg string) error {
	errs := tender.FieldErrors{}
	errs.Add(field, msg)
	return errs.Err()
}
