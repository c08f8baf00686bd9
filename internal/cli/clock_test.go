package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/internal/cli"
)

// run runs the tender command line in-process against e's server.
func run(t *testing.T, e *apitest.Env, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	args = append(args, "--server", e.URL, "--api-key", e.Key)
	code = cli.Main(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestClockCommand: "tender clock advance 30d" then "1h30m" move the
// sandbox clock of a running server by that much (what GET /sandbox/clock
// then says), "tender clock" shows it, and a bad duration changes nothing.
func TestClockCommand(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		code, out, errs := run(t, e, "clock", "advance", "30d")
		if code != 0 || !strings.Contains(out, "(30d ahead)") {
			t.Fatalf("advance 30d: %d %q %q", code, out, errs)
		}
		if code, out, _ = run(t, e, "clock", "advance", "1h30m"); code != 0 || !strings.Contains(out, "(30d1h30m ahead)") {
			t.Fatalf("advance 1h30m: %d %q", code, out)
		}
		for _, bad := range []string{"soon", "3x", "0d", "1.5d", "0"} {
			if code, _, errs = run(t, e, "clock", "advance", bad); code == 0 || !strings.Contains(errs, "not a duration") {
				t.Fatalf("advance %s: %d %q", bad, code, errs)
			}
		}
		code, out, _ = run(t, e, "clock")
		want := float64(30*24*3600 + 5400)
		if c := e.Call("GET", "/sandbox/clock", nil, 200).Map(t); code != 0 || c["offset_seconds"] != want ||
			!strings.Contains(out, c["now"].(string)[:13]) {
			t.Fatalf("clock: %d %q; server %v", code, out, c)
		}
	})
}
