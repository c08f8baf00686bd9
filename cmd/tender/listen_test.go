package main_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tenderpay/tender/client"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// forwarded is one POST "tender listen --forward-to" made.
type forwarded struct {
	header http.Header
	body   []byte
}

// forwardSink records the POSTs it receives on a channel.
func forwardSink(t *testing.T) (*httptest.Server, chan forwarded) {
	ch := make(chan forwarded, 100)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Method == "POST" {
			ch <- forwarded{header: r.Header.Clone(), body: b}
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(s.Close)
	return s, ch
}

// listener is a running "tender listen".
type listener struct {
	cmd   *exec.Cmd
	lines chan string
	done  chan error
}

// startListen runs "tender listen args..." and waits for its Ready! line.
func startListen(t *testing.T, dir string, args ...string) *listener {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"listen"}, args...)...)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	cmd.Stderr = io.Discard
	if os.Getenv("TENDER_TEST_LOGS") == "1" {
		cmd.Stderr = os.Stderr
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	l := &listener{cmd: cmd, lines: make(chan string, 1000), done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			l.lines <- sc.Text()
		}
		close(l.lines)
		l.done <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	l.waitLine(t, "Ready!")
	return l
}

// waitLine returns the first line of output (from here on) containing
// all of parts.
func (l *listener) waitLine(t *testing.T, parts ...string) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-l.lines:
			if !ok {
				t.Fatalf("tender listen exited before printing %q", parts)
			}
			found := true
			for _, p := range parts {
				found = found && strings.Contains(line, p)
			}
			if found {
				return line
			}
		case <-deadline:
			t.Fatalf("tender listen printed no line with %q within 30 s", parts)
		}
	}
}

var triggeredLine = regexp.MustCompile(`triggered \S+: object (\S+);`)

// trigger runs "tender trigger name" and returns the object it made.
func trigger(t *testing.T, dir, url, key, name string) string {
	t.Helper()
	out, err := exec.Command(binary, "trigger", name, "--server", url, "--api-key", key).Output()
	m := triggeredLine.FindSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("tender trigger %s: %v %s", name, err, out)
	}
	return string(m[1])
}

// waitForward receives forwarded POSTs until the one of the event named
// name about objectID, checks its signature with secret, and returns it
// with the names of the events forwarded before it.
func waitForward(t *testing.T, ch chan forwarded, secret, name, objectID string) (forwarded, []string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	var before []string
	for {
		select {
		case f := <-ch:
			var obj struct {
				ID string `json:"id"`
			}
			if f.header.Get(client.HeaderEvent) != name || json.Unmarshal(f.body, &obj) != nil || obj.ID != objectID {
				before = append(before, f.header.Get(client.HeaderEvent))
				continue
			}
			if err := client.VerifyWebhook(f.body, f.header.Get(client.HeaderSignature), secret); err != nil {
				t.Fatalf("forwarded %s: %v (%s)", name, err, f.header.Get(client.HeaderSignature))
			}
			if client.VerifyWebhook(f.body, f.header.Get(client.HeaderSignature), secret+"x") == nil {
				t.Fatal("the signature verifies with another secret")
			}
			if f.header.Get(client.HeaderEventID) == "" || f.header.Get(client.HeaderDelivery) == "" ||
				f.header.Get("Content-Type") != "application/json" {
				t.Fatalf("forwarded headers: %v", f.header)
			}
			return f, before
		case <-deadline:
			t.Fatalf("no %s of %s forwarded within 30 s", name, objectID)
		}
	}
}

// TestListenForwards: "tender listen --forward-to URL" prints each event
// as it happens and POSTs it to URL as a webhook signed with --secret (it
// verifies with client.VerifyWebhook), printing the answer's status; the
// charge is made by "tender trigger". SIGTERM stops it cleanly.
func TestListenForwards(t *testing.T) {
	dir := t.TempDir()
	srv := startProc(t, dir, []string{"TENDER_ADDR=127.0.0.1:0", "TENDER_RATE_LIMIT=-1"}, "serve")
	key := sandboxKey(t, dir)
	sink, ch := forwardSink(t)
	const secret = "whsec_listen_test"
	l := startListen(t, dir, "--server", srv.url, "--api-key", key, "--forward-to", sink.URL, "--secret", secret,
		"--events", "create_customer,create_transaction")
	tx := trigger(t, dir, srv.url, key, "create_transaction")
	f, before := waitForward(t, ch, secret, "create_transaction", tx)
	// Only the events asked for: the customer's, not the payment method's.
	if len(before) != 1 || before[0] != "create_customer" {
		t.Fatalf("forwarded before the charge: %v", before)
	}
	evID := f.header.Get(client.HeaderEventID)
	l.waitLine(t, "--> create_transaction", tx, evID)
	l.waitLine(t, "<-- [202] POST "+sink.URL, evID)
	_ = l.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-l.done:
		if err != nil {
			t.Fatalf("tender listen after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("tender listen did not stop within 30 s of SIGTERM")
	}
}

// TestListenAcrossInstances: on PostgreSQL, "tender listen" on one
// instance receives the events committed by another at once, with polling
// set to ten minutes: the NOTIFY after the commit wakes the stream (as it
// does the webhook relay, TestWebhookWokenAcrossInstances).
func TestListenAcrossInstances(t *testing.T) {
	a, b, key := twoInstances(t, pgtest.URL(t), "TENDER_WEBHOOK_POLL=10m")
	sink, ch := forwardSink(t)
	const secret = "whsec_across"
	l := startListen(t, t.TempDir(), "--server", a.url, "--api-key", key, "--forward-to", sink.URL, "--secret", secret)
	for range 2 {
		for _, p := range []*proc{b, a} {
			tx := trigger(t, t.TempDir(), p.url, key, "create_transaction")
			waitForward(t, ch, secret, "create_transaction", tx)
			l.waitLine(t, "--> create_transaction", tx)
		}
	}
}
