package terminal

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/tenderpay/tender"
)

// Scripted answers (--auto) to the prompts: the first choice, a fixed
// input, and the signature of the cardholder name.
const (
	AutoInputText   = "Terminal Customer"
	AutoInputNumber = "1234"
)

// answerAsk prints a text or shows a prompt, and answers it: scripted
// (--auto: the first choice, AutoInput*, the cardholder's signature; a
// cancel script cancels, a timeout script never answers) or from the
// console. Nil when nobody answers.
func (s *Simulator) answerAsk(ctx context.Context, r *Request, a *tender.DeviceAnswer) *tender.DeviceAnswer {
	p := &r.Params
	if r.Kind == tender.TermPrint {
		s.printf("terminal: printing:\n")
		for line := range strings.SplitSeq(p.Text, "\n") {
			s.printf("  | %s\n", line)
		}
		a.Status = tender.AnswerPrinted
		return a
	}
	switch r.Kind {
	case tender.TermChoice:
		s.printf("terminal: %s\n", p.Message)
		for i, c := range p.Choices {
			s.printf("  %d) %s\n", i+1, c)
		}
	case tender.TermInput:
		s.printf("terminal: %s (%s)\n", p.Message, p.InputType)
	case tender.TermSignature:
		msg := p.Message
		if msg == "" {
			msg = "Please sign"
		}
		s.printf("terminal: %s\n", msg)
	}
	if s.Auto != "" {
		if !sleep(ctx, s.Delay) {
			return nil
		}
		switch s.Auto {
		case AutoTimeout:
			<-ctx.Done()
			return nil
		case AutoCancel:
			a.Status = tender.AnswerCancelled
			return a
		}
		a.Status = tender.AnswerPrompt
		switch r.Kind {
		case tender.TermChoice:
			a.Choice = 0
			s.printf("terminal: chose %s\n", p.Choices[0])
		case tender.TermInput:
			a.Input = s.Input
			if a.Input == "" {
				a.Input = AutoInputText
				if p.InputType == "number" {
					a.Input = AutoInputNumber
				}
			}
			if rs := []rune(a.Input); p.MaxLength > 0 && len(rs) > p.MaxLength {
				a.Input = string(rs[:p.MaxLength])
			}
		case tender.TermSignature:
			a.Signature = Signature(s.signer())
			s.printf("terminal: signed as %s\n", s.signer())
		}
		return a
	}
	// The console: ask until the answer fits (c cancels; end of input is
	// a customer who walked away).
	for {
		var prompt string
		switch r.Kind {
		case tender.TermChoice:
			prompt = fmt.Sprintf("  option 1-%d, [c]ancel > ", len(p.Choices))
		case tender.TermInput:
			prompt = "  type the answer, [c]ancel on its own cancels > "
		case tender.TermSignature:
			prompt = "  type your name to sign, [c]ancel > "
		}
		line, ok := s.readLine(prompt)
		if !ok {
			<-ctx.Done()
			return nil
		}
		if strings.EqualFold(line, "c") || strings.EqualFold(line, "cancel") {
			a.Status = tender.AnswerCancelled
			return a
		}
		a.Status = tender.AnswerPrompt
		switch r.Kind {
		case tender.TermChoice:
			if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(p.Choices) {
				a.Choice = n - 1
				return a
			}
			for i, c := range p.Choices {
				if strings.EqualFold(c, line) {
					a.Choice = i
					return a
				}
			}
			s.printf("  not an option\n")
		case tender.TermInput:
			if tender.ValidInput(p, line) {
				a.Input = line
				return a
			}
			s.printf("  that does not fit (%s, at most %d characters)\n", p.InputType, p.MaxLength)
		case tender.TermSignature:
			if line != "" {
				a.Signature = Signature(line)
				return a
			}
		}
	}
}

func (s *Simulator) signer() string {
	if s.Name != "" {
		return s.Name
	}
	return "Terminal Customer"
}

// readLine reads one line of the console; false at its end.
func (s *Simulator) readLine(prompt string) (string, bool) {
	if s.input == nil {
		return "", false
	}
	s.printf("%s", prompt)
	line, err := s.input.ReadString('\n')
	if err != nil && line == "" {
		return "", false
	}
	return strings.TrimSpace(line), true
}

// Signature renders name as a signature: SVG path data in a 300×100 box,
// one looped stroke a letter, the same for the same name.
func Signature(name string) string {
	letters := []rune(strings.TrimSpace(name))
	if len(letters) == 0 {
		letters = []rune("x")
	}
	if len(letters) > 24 {
		letters = letters[:24]
	}
	var b strings.Builder
	x := 10
	fmt.Fprintf(&b, "M %d 60", x)
	for _, c := range letters {
		if c == ' ' {
			x += 8
			fmt.Fprintf(&b, " M %d 60", x)
			continue
		}
		v := int(c)
		up, down := 15+v%35, 65+v%25
		fmt.Fprintf(&b, " C %d %d %d %d %d 60", x+3, up, x+7, down, x+11)
		x += 11
	}
	fmt.Fprintf(&b, " L %d 72", x+6)
	return b.String()
}
