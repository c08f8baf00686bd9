package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/server"
	"github.com/tenderpay/tender/terminal"
)

// terminalCmd runs "tender terminal pair" (a register and its one-time
// pairing code, straight from the database) and "tender terminal simulate"
// (a terminal device connecting to a server).
func terminalCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("terminal: want pair or simulate")
	}
	switch args[0] {
	case "pair":
		return terminalPair(ctx, args[1:], stdout, stderr)
	case "simulate":
		return terminalSimulate(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("terminal: unknown subcommand %q", args[0])
}

func terminalPair(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg server.Config
	fs := storeFlagSet("terminal pair", stderr, &cfg)
	merchantID := fs.String("merchant", "", "merchant id (default: the sandbox merchant of the data directory)")
	nickname := fs.String("nickname", "", "register nickname")
	registerID := fs.String("register", "", "re-pair this existing register instead of adding one")
	tip := fs.Bool("tip", false, "the device asks for a tip on sales")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *merchantID == "" {
		keys, err := sandboxKeys(cfg.DataDir)
		if err != nil {
			return fmt.Errorf("terminal pair: --merchant is required (no sandbox keys in %s)", cfg.DataDir)
		}
		*merchantID = keys.MerchantID
	}
	svc, done, err := openService(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	var reg any
	var code string
	if *registerID != "" {
		r, err := svc.RePairRegister(ctx, *merchantID, *registerID)
		if err != nil {
			return describe(err)
		}
		reg, code = r, r.PairingCode
	} else {
		in := &tender.RegisterInput{TipEnabled: tip}
		if *nickname != "" {
			in.Nickname = nickname
		}
		r, err := svc.CreateRegister(ctx, *merchantID, in)
		if err != nil {
			return describe(err)
		}
		reg, code = r, r.PairingCode
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(reg)
	}
	fmt.Fprintf(stdout, "pairing code: %s (valid 24 h, once)\n  tender terminal simulate --server http://localhost:8080 --code %s\n", code, code)
	return nil
}

func terminalSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("terminal simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	s := &terminal.Simulator{Out: stdout, In: os.Stdin}
	fs.StringVar(&s.Server, "server", env("TENDER_SERVER", "http://localhost:8080"), "Tender server URL (TENDER_SERVER)")
	fs.StringVar(&s.Code, "code", "", "one-time pairing code (from POST /terminal/register or tender terminal pair)")
	fs.StringVar(&s.Token, "token", env("TENDER_DEVICE_TOKEN", ""), "device token of an already paired device (TENDER_DEVICE_TOKEN)")
	fs.StringVar(&s.StateFile, "state", "", "file keeping the device token across runs")
	fs.StringVar(&s.Serial, "serial", "SIM-0001", "device serial number")
	fs.StringVar(&s.Auto, "auto", "", "answer by script: approve, decline, cancel, timeout or offline (default: ask on the console)")
	fs.DurationVar(&s.Delay, "delay", 0, "scripted: wait this long before answering")
	fs.StringVar(&s.CardKind, "card", "credit", "card kind: credit, debit, applepay or googlepay")
	fs.StringVar(&s.Entry, "entry", "", "chip, tap or swipe (default chip; tap for wallets)")
	fs.StringVar(&s.CardNumber, "card-number", "", "scripted: present this sandbox card number")
	fs.StringVar(&s.Name, "name", "Terminal Customer", "cardholder name")
	fs.StringVar(&s.Tip, "tip", "", "scripted: tip to add when the register asks, e.g. 2.00")
	fs.BoolVar(&s.PromptAnswer, "prompt-answer", true, "scripted: the customer's answer to prompts")
	fs.StringVar(&s.Input, "input", "", "scripted: what the customer types at promptInput (default: a fixed text, or 1234 for a number)")
	fs.BoolVar(&s.DropOnce, "drop-once", false, "drop the connection once right after the first answer, then reconnect")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch s.Auto {
	case "", terminal.AutoApprove, terminal.AutoDecline, terminal.AutoCancel, terminal.AutoTimeout, terminal.AutoOffline:
	default:
		return fmt.Errorf("terminal simulate: --auto must be approve, decline, cancel, timeout or offline")
	}
	if s.Auto != "" {
		s.In = nil
	}
	return s.Run(ctx)
}
