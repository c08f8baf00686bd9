package terminal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/notify"
)

// Simulator modes (--auto). "" is interactive: the console asks.
const (
	AutoApprove = "approve" // presents an approving test card
	AutoDecline = "decline" // presents a declining test card
	AutoCancel  = "cancel"  // the customer cancels
	AutoTimeout = "timeout" // nobody ever presents a card
	AutoOffline = "offline" // approves offline (store and forward)
)

// Sandbox cards the simulator presents.
const (
	ApproveCard = "4111111111111111"
	DeclineCard = "4000000000000002"
)

// Simulator is a terminal device: it connects to a Tender server, shows
// each request on its console and answers it, scripted or interactively.
type Simulator struct {
	Server string // http(s)://host:port of a Tender server
	// Code is the one-time pairing code; Token the device token (from an
	// earlier pairing; StateFile keeps it across runs).
	Code, Token, StateFile string
	Serial                 string
	Auto                   string        // see the Auto constants
	Delay                  time.Duration // before answering (the customer's time)
	CardKind               string        // credit | debit | applepay | googlepay
	Entry                  string        // chip | tap | swipe
	CardNumber             string        // overrides the auto mode's card
	Name                   string        // cardholder name
	Tip                    string        // tip to add when the register asks (e.g. "2.00")
	PromptAnswer           bool          // the customer's answer to prompts (scripted)
	Input                  string        // the customer's typing for promptInput (scripted)
	// DropOnce closes the connection once, right after sending the first
	// answer and before its outcome arrives, then reconnects (tests the
	// answer being sent again and recorded once).
	DropOnce bool
	Out      io.Writer
	In       io.Reader

	mu      sync.Mutex
	pending map[string]*tender.DeviceAnswer // answered, outcome not yet seen
	seen    map[string]bool                 // requests being handled or handled
	asked   map[string]*Request             // requests answered, for their receipts
	dropped bool
	input   *bufio.Reader
	// conn is the current connection and drop ends it; answers made while
	// none is up wait in pending for the next.
	conn *websocket.Conn
	drop context.CancelFunc
	// queue holds the requests not yet shown, in arrival order: the device
	// handles one at a time, so a prompt never takes the keystrokes of a
	// sale still waiting for its card.
	queue []*Request
	ready chan struct{}
	busy  bool // a request is on the screen
}

func (s *Simulator) printf(format string, args ...any) {
	if s.Out != nil {
		fmt.Fprintf(s.Out, format, args...)
	}
}

// Run connects, reconnecting with backoff, until ctx ends.
func (s *Simulator) Run(ctx context.Context) error {
	s.pending, s.seen, s.asked = map[string]*tender.DeviceAnswer{}, map[string]bool{}, map[string]*Request{}
	if s.In != nil {
		s.input = bufio.NewReader(s.In)
	}
	s.ready = make(chan struct{}, 1)
	go s.work(ctx)
	if s.Token == "" && s.StateFile != "" {
		if b, err := os.ReadFile(s.StateFile); err == nil {
			s.Token = strings.TrimSpace(string(b))
		}
	}
	backoff := 100 * time.Millisecond
	for {
		connected, err := s.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var fatal *fatalError
		if errors.As(err, &fatal) {
			return fatal.err
		}
		if connected {
			backoff = 100 * time.Millisecond
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		s.printf("terminal: connection lost (%v); reconnecting in %v\n", err, wait.Round(time.Millisecond))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }

// session runs one connection; connected reports whether it got that far.
func (s *Simulator) session(ctx context.Context) (connected bool, err error) {
	url := strings.Replace(strings.TrimRight(s.Server, "/"), "http", "ws", 1) + "/terminal/connect"
	h := http.Header{}
	if s.Token != "" {
		h.Set("Authorization", "Bearer "+s.Token)
	} else if s.Code != "" {
		h.Set(PairingHeader, s.Code)
		if s.Serial != "" {
			h.Set(SerialHeader, s.Serial)
		}
	} else {
		return false, &fatalError{errors.New("a pairing code (--code) or device token is required")}
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	c, resp, err := websocket.Dial(dctx, url, &websocket.DialOptions{HTTPHeader: h})
	cancel()
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusUnauthorized {
			return false, &fatalError{errors.New("the server refused the pairing code or device token")}
		}
		return false, err
	}
	defer c.CloseNow()
	c.SetReadLimit(64 << 10)
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	// Answers still waiting for their outcome are sent again.
	s.mu.Lock()
	s.conn, s.drop = c, stop
	defer func() {
		s.mu.Lock()
		if s.conn == c {
			s.conn, s.drop = nil, nil
		}
		s.mu.Unlock()
	}()
	var resend []*tender.DeviceAnswer
	for _, a := range s.pending {
		resend = append(resend, a)
	}
	s.mu.Unlock()
	for _, a := range resend {
		if err := wsjson.Write(ctx, c, Message{Type: "answer", Answer: a}); err != nil {
			return true, err
		}
	}
	for {
		var m Message
		if err := wsjson.Read(ctx, c, &m); err != nil {
			return true, err
		}
		switch m.Type {
		case "paired":
			s.Token, s.Code = m.DeviceToken, ""
			if s.StateFile != "" {
				_ = os.WriteFile(s.StateFile, []byte(s.Token+"\n"), 0o600)
			}
			s.printf("terminal: paired\n")
		case "hello":
			s.printf("terminal: online as register %d (%s)\n", m.RegisterNum, m.RegisterID)
		case "outcome":
			if m.Outcome == nil {
				continue
			}
			s.mu.Lock()
			_, answered := s.pending[m.Outcome.RequestID]
			req := s.asked[m.Outcome.RequestID]
			delete(s.pending, m.Outcome.RequestID)
			delete(s.asked, m.Outcome.RequestID)
			s.mu.Unlock()
			if !answered {
				continue // an outcome already shown (sent again after a reconnect)
			}
			switch {
			case m.Outcome.Total == 0 && m.Outcome.Message != "":
				s.printf("terminal: %s\n", m.Outcome.Message)
			case m.Outcome.Approved:
				s.printf("terminal: APPROVED %s\n", amountText(m.Outcome.Total))
				s.printReceipts(req)
			default:
				s.printf("terminal: NOT APPROVED: %s\n", m.Outcome.Message)
			}
		case "request":
			if m.Request == nil {
				continue
			}
			s.mu.Lock()
			a, answered := s.pending[m.Request.ID]
			busy := s.seen[m.Request.ID]
			s.seen[m.Request.ID] = true
			s.mu.Unlock()
			if answered {
				if err := wsjson.Write(ctx, c, Message{Type: "answer", Answer: a}); err != nil {
					return true, err
				}
				continue
			}
			if busy {
				continue // still with the customer
			}
			s.enqueue(m.Request)
		}
	}
}

// enqueue puts r behind the requests the device is already handling.
func (s *Simulator) enqueue(r *Request) {
	s.mu.Lock()
	s.queue = append(s.queue, r)
	if s.busy {
		s.printf("terminal: %d request(s) waiting behind the one on screen\n", len(s.queue))
	}
	s.mu.Unlock()
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// work handles the queued requests one at a time, in order, until ctx
// ends (the customer's interaction outlives a connection).
func (s *Simulator) work(ctx context.Context) {
	for {
		s.mu.Lock()
		var r *Request
		if len(s.queue) > 0 {
			r, s.queue = s.queue[0], s.queue[1:]
		}
		s.busy = r != nil
		s.mu.Unlock()
		if r != nil {
			s.handle(ctx, r)
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-s.ready:
		}
	}
}

// handle shows a request, waits for the customer and answers on the
// connection up at that moment (if none, the next one sends it).
func (s *Simulator) handle(ctx context.Context, r *Request) {
	a := s.answer(ctx, r)
	if a == nil {
		s.mu.Lock()
		delete(s.seen, r.ID) // not answered: handle it again if it is resent
		s.mu.Unlock()
		return
	}
	s.mu.Lock()
	s.pending[r.ID], s.asked[r.ID] = a, r
	c, drop := s.conn, s.drop
	dropNow := s.DropOnce && !s.dropped && c != nil
	s.dropped = s.dropped || dropNow
	s.mu.Unlock()
	if c == nil {
		s.printf("terminal: answer held until reconnected\n")
		return
	}
	if err := wsjson.Write(ctx, c, Message{Type: "answer", Answer: a}); err != nil {
		s.printf("terminal: answer held until reconnected\n") // sent again after reconnecting
		return
	}
	if dropNow {
		s.printf("terminal: dropping the connection\n")
		drop()
	}
}

// answer is the customer's (or the script's) response to r; nil when the
// customer never responds.
func (s *Simulator) answer(ctx context.Context, r *Request) *tender.DeviceAnswer {
	a := &tender.DeviceAnswer{RequestID: r.ID}
	switch r.Kind {
	case tender.TermPrint, tender.TermChoice, tender.TermInput, tender.TermSignature:
		return s.answerAsk(ctx, r, a)
	case tender.TermTokenize:
		s.printf("terminal: save a card on file — insert, tap or swipe\n")
	case tender.TermPrompt:
		s.printf("terminal: %s %s — yes or no?\n", r.Params.Message, amountText(r.Amount))
	case tender.TermVoid:
		s.printf("terminal: void of a transaction — confirm?\n")
	case tender.TermRefund:
		s.printf("terminal: refund %s — insert, tap or swipe the original card\n", amountText(r.Amount))
	default:
		s.printf("terminal: %s %s — insert, tap or swipe (%s)\n", r.Kind, amountText(r.Amount), r.Params.PaymentType)
	}
	mode := s.Auto
	kind, entry, tip := s.CardKind, s.Entry, s.Tip
	if mode == "" {
		mode = s.ask(r)
		if (mode == AutoApprove || mode == AutoDecline || mode == AutoOffline) && r.Kind != tender.TermVoid {
			kind, entry = s.askCard()
			if r.Params.Tip {
				tip = s.askLine("  tip for the staff, e.g. 2.00 (enter: none) > ")
			}
		}
	} else if !sleep(ctx, s.Delay) {
		return nil
	}
	switch mode {
	case AutoTimeout, "":
		<-ctx.Done()
		return nil
	case AutoCancel:
		a.Status = tender.AnswerCancelled
		return a
	}
	switch r.Kind {
	case tender.TermPrompt:
		a.Status, a.Answer = tender.AnswerPrompt, s.PromptAnswer
		if mode == "yes" {
			a.Answer = true
		} else if mode == "no" {
			a.Answer = false
		}
		return a
	case tender.TermVoid:
		a.Status = tender.AnswerConfirm
		return a
	}
	number := ApproveCard
	if mode == AutoDecline {
		number = DeclineCard
	}
	if s.CardNumber != "" {
		number = s.CardNumber
	}
	name := s.Name
	if name == "" {
		name = "Terminal Customer"
	}
	if kind == "" {
		kind = tender.CardCredit
	}
	if entry == "" {
		entry = "chip"
		if tender.IsWallet(kind) {
			entry = "tap"
		}
	}
	exp := time.Now().AddDate(2, 0, 0).Format("0106")
	a.Status, a.Card = tender.AnswerCard, &tender.DeviceCard{Number: number, Exp: exp, Name: name, Kind: kind, Entry: entry}
	if r.Params.Tip && tip != "" {
		a.Tip = tip
	}
	a.Offline = mode == AutoOffline
	return a
}

// ask reads the operator's choice from the console.
func (s *Simulator) ask(r *Request) string {
	if s.input == nil {
		return AutoTimeout
	}
	choices := "[a]pprove [d]ecline [c]ancel [o]ffline approve"
	if r.Kind == tender.TermPrompt {
		choices = "[y]es [n]o [c]ancel"
	}
	s.printf("  %s > ", choices)
	line, err := s.input.ReadString('\n')
	if err != nil {
		return AutoTimeout
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "a", "approve":
		return AutoApprove
	case "d", "decline":
		return AutoDecline
	case "c", "cancel":
		return AutoCancel
	case "o", "offline":
		return AutoOffline
	case "y", "yes":
		return "yes"
	case "n", "no":
		return "no"
	}
	return AutoCancel
}

// askCard asks how the customer presents which card.
func (s *Simulator) askCard() (kind, entry string) {
	switch strings.ToLower(s.askLine("  card: [c]redit [d]ebit [a]pple pay [g]oogle pay (enter: credit) > ")) {
	case "d", "debit":
		kind = tender.CardDebit
	case "a", "applepay", "apple pay":
		return tender.CardApplePay, "tap"
	case "g", "googlepay", "google pay":
		return tender.CardGooglePay, "tap"
	default:
		kind = tender.CardCredit
	}
	switch strings.ToLower(s.askLine("  [i]nsert [t]ap [s]wipe (enter: insert) > ")) {
	case "t", "tap":
		entry = "tap"
	case "s", "swipe":
		entry = "swipe"
	default:
		entry = "chip"
	}
	return kind, entry
}

func (s *Simulator) askLine(prompt string) string {
	if s.input == nil {
		return ""
	}
	s.printf("%s", prompt)
	line, _ := s.input.ReadString('\n')
	return strings.TrimSpace(line)
}

// printReceipts "prints" the copies printReceipt asked for (Stax: Both
// unless told otherwise).
func (s *Simulator) printReceipts(r *Request) {
	if r == nil || r.Kind == tender.TermPrompt || r.Kind == tender.TermVoid {
		return
	}
	copies := map[string][]string{"Merchant": {"merchant"}, "Customer": {"customer"}, "No": nil}
	who, ok := copies[r.Params.PrintReceipt]
	if !ok {
		who = []string{"merchant", "customer"}
	}
	for _, w := range who {
		s.printf("terminal: printing the %s copy\n", w)
	}
}

func amountText(a tender.Amount) string {
	if a == 0 {
		return ""
	}
	return notify.Dollars(a)
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
