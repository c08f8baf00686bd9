package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/tenderpay/tender/client"
)

// clockCmd runs "tender clock" (show the sandbox clock) and "tender clock
// advance 30d" (move it forward), through the Go client.
func clockCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("clock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: tender clock [flags]            show the sandbox clock\n       tender clock advance [flags] 30d  advance it (30d, 12h, 1h30m, 1d12h)\n")
		fs.PrintDefaults()
	}
	var af apiFlags
	af.register(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	sub := ""
	if len(pos) > 0 {
		sub, pos = pos[0], pos[1:]
	}
	c, err := af.client()
	if err != nil {
		return err
	}
	var clk *client.SandboxClock
	switch sub {
	case "", "show":
		if len(pos) != 0 {
			return fmt.Errorf("clock: unexpected %q", pos[0])
		}
		clk, err = c.SandboxClock(ctx)
	case "advance":
		if len(pos) != 1 {
			return fmt.Errorf("clock advance: want one duration, such as 30d, 12h or 1h30m")
		}
		d, perr := parseAdvance(pos[0])
		if perr != nil {
			return perr
		}
		clk, err = c.AdvanceSandboxClock(ctx, d.String())
	default:
		return fmt.Errorf("clock: unknown subcommand %q (want advance)", sub)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sandbox clock: %s UTC (%s ahead)\n", clk.Now.Format(client.TimeLayout), formatOffset(clk.Offset()))
	return nil
}

// parseAdvance reads a duration with days: "30d", "12h", "1h30m", "1d12h".
func parseAdvance(s string) (time.Duration, error) {
	bad := fmt.Errorf("clock advance: %q is not a duration such as 30d, 12h or 1h30m", s)
	var d time.Duration
	rest := s
	if i := strings.IndexByte(rest, 'd'); i >= 0 {
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n < 0 || n > 3650 {
			return 0, bad
		}
		d, rest = time.Duration(n)*24*time.Hour, rest[i+1:]
	}
	if rest != "" {
		x, err := time.ParseDuration(rest)
		if err != nil {
			return 0, bad
		}
		d += x
	}
	if d <= 0 {
		return 0, bad
	}
	return d, nil
}

// formatOffset writes a duration with days: 30d, 1d12h, 1h30m, 0s.
func formatOffset(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	days := d / (24 * time.Hour)
	rest := d % (24 * time.Hour)
	out := ""
	if days > 0 {
		out = strconv.Itoa(int(days)) + "d"
	}
	if rest > 0 {
		s := rest.String()
		if strings.HasSuffix(s, "m0s") {
			s = strings.TrimSuffix(s, "0s")
		}
		if strings.HasSuffix(s, "h0m") {
			s = strings.TrimSuffix(s, "0m")
		}
		out += s
	}
	return out
}
