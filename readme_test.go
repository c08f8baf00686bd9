//go:build unix

package tender_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// readmeSkip, on the line before a ```sh fence, keeps the block out of
// TestReadme (make serve, production settings, the browser tests).
const readmeSkip = "<!-- readme-test: skip"

type readmeBlock struct {
	line int // of the opening fence
	code string
}

// readmeBlocks returns the README's ```sh blocks in order, without the
// skipped ones.
func readmeBlocks(t *testing.T) (run []readmeBlock, skipped int) {
	t.Helper()
	f, err := os.Open("README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var (
		n         int
		prev      string
		in, skip  bool
		cur       readmeBlock
		body      strings.Builder
		inOther   bool
		fenceOpen = func(s string) bool { return strings.HasPrefix(s, "```") }
	)
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case in && strings.TrimSpace(line) == "```":
			in = false
			if skip {
				skipped++
			} else {
				cur.code = body.String()
				run = append(run, cur)
			}
		case in:
			body.WriteString(line + "\n")
		case inOther && strings.TrimSpace(line) == "```":
			inOther = false
		case inOther:
		case strings.TrimSpace(line) == "```sh":
			in, skip = true, strings.HasPrefix(strings.TrimSpace(prev), readmeSkip)
			cur = readmeBlock{line: n}
			body.Reset()
		case fenceOpen(line):
			inOther = true
		}
		prev = line
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if in || inOther {
		t.Fatal("README.md: a code block is not closed")
	}
	return run, skipped
}

// TestReadme runs every ```sh block of the README, in order, in one bash
// (set -euo pipefail), against a fresh sandbox server on each store, as a
// new user would paste them: TENDER_URL and TENDER_KEY point at the test
// server. Any failing command (curl --fail-with-body on an HTTP error)
// fails the test with the output so far.
func TestReadme(t *testing.T) {
	blocks, skipped := readmeBlocks(t)
	if len(blocks) < 8 || skipped == 0 {
		t.Fatalf("README: %d blocks to run, %d skipped; the markers or fences changed?", len(blocks), skipped)
	}
	for _, tool := range []string{"bash", "curl", "jq", "make"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is needed to run the README's examples: %v", tool, err)
			}
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
	var script strings.Builder
	script.WriteString("set -euo pipefail\n")
	for _, b := range blocks {
		fmt.Fprintf(&script, "echo '>>> README.md:%d'\n%s", b.line, b.code)
	}
	// Not parallel: the blocks run make build, which writes bin/tender.
	for _, store := range apitest.Stores {
		t.Run(store, func(t *testing.T) {
			e := apitest.Start(t, store, apitest.Options{})
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "-c", script.String())
			cmd.Env = append(os.Environ(), "TENDER_URL="+e.URL, "TENDER_KEY="+e.Key, "TMPDIR="+t.TempDir())
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			// Its own process group: a failing script leaves no simulator behind.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
			cmd.WaitDelay = 5 * time.Second
			err := cmd.Run()
			if cmd.Process != nil {
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			}
			if err != nil {
				t.Fatalf("README's examples failed (%v); output:\n%s", err, out.String())
			}
			t.Log(out.String()) // with -v: what a user would see
			for _, want := range []string{`"status": "PAID"`, `"answer":true`, "400"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("README run printed no %s:\n%s", want, out.String())
				}
			}
		})
	}
}
