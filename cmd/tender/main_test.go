package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tenderpay/tender/client"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tender-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "tender")
	out, err := exec.Command("go", "build", "-trimpath", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build tender: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a tender process under test.
type proc struct {
	cmd    *exec.Cmd
	url    string
	stdout []string
	done   chan error
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// twoInstances starts two tender processes on the PostgreSQL database at
// dbURL (rate limits off, extra env added) and returns them with the
// sandbox merchant's API key.
func twoInstances(t *testing.T, dbURL string, extraEnv ...string) (a, b *proc, key string) {
	t.Helper()
	dir := t.TempDir()
	env := append([]string{"TENDER_ADDR=127.0.0.1:0", "DATABASE_URL=" + dbURL, "TENDER_RATE_LIMIT=-1"}, extraEnv...)
	a = startProc(t, dir, env, "serve")
	b = startProc(t, dir, env, "serve")
	return a, b, sandboxKey(t, dir)
}

// startProc runs "tender args..." in dir with env and waits for it to listen.
func startProc(t *testing.T, dir string, env []string, args ...string) *proc {
	t.Helper()
	return startBinary(t, binary, dir, env, args...)
}

// startBinary is startProc with another tender binary (a previous release).
func startBinary(t *testing.T, bin, dir string, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
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
	p := &proc{cmd: cmd, done: make(chan error, 1)}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
	})
	deadline := time.After(30 * time.Second)
	for p.url == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("tender exited before listening; output:\n%s", strings.Join(p.stdout, "\n"))
			}
			p.stdout = append(p.stdout, line)
			if m := listening.FindStringSubmatch(line); m != nil {
				p.url = m[1]
			}
		case <-deadline:
			t.Fatalf("tender did not listen within 30s; output:\n%s", strings.Join(p.stdout, "\n"))
		}
	}
	go func() {
		for range lines {
		}
	}()
	return p
}

func (p *proc) stop(t *testing.T) error {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("tender did not stop within 30s of SIGTERM")
		return nil
	}
}

func do(t *testing.T, method, url, key, body string, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// TestServeQuickstart is the README's promise: "tender serve" with no
// configuration prints a sandbox key that answers POST /customer, and stops
// cleanly on SIGTERM.
func TestServeQuickstart(t *testing.T) {
	dir := t.TempDir()
	p := startProc(t, dir, []string{"TENDER_ADDR=127.0.0.1:0"}, "serve")
	var key string
	for _, line := range p.stdout {
		if k, ok := strings.CutPrefix(strings.TrimSpace(line), "API key:"); ok {
			key = strings.TrimSpace(k)
		}
	}
	if !strings.HasPrefix(key, "tnd_sk_") {
		t.Fatalf("no API key printed:\n%s", strings.Join(p.stdout, "\n"))
	}
	var saved struct {
		APIKey string `json:"api_key"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "tender-data", "sandbox-keys.json"))
	if err != nil || json.Unmarshal(b, &saved) != nil || saved.APIKey != key {
		t.Fatalf("sandbox-keys.json: %v %s", err, b)
	}
	if _, err := os.Stat(filepath.Join(dir, "tender-data", "tender.db")); err != nil {
		t.Fatalf("no SQLite file: %v", err)
	}
	cust, err := api(p.url, key).CreateCustomer(ctx, &client.CustomerInput{Firstname: "Quick", Email: "quick@example.com"})
	if err != nil {
		t.Fatalf("POST /customer: %v", err)
	}
	if err := p.stop(t); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}

	// A restart keeps the data and does not create a second sandbox merchant.
	p2 := startProc(t, dir, []string{"TENDER_ADDR=127.0.0.1:0"}, "serve")
	if strings.Contains(strings.Join(p2.stdout, "\n"), "API key:") {
		t.Fatal("restart printed a new sandbox key")
	}
	if got, err := api(p2.url, key).Customer(ctx, cust.ID); err != nil || got.Email != "quick@example.com" {
		t.Fatalf("the customer after restart: %v %+v", err, got)
	}
	_ = p2.stop(t)
}

// TestRateLimitSharedAcrossProcesses runs two tender processes on one
// database and one Redis: together they allow the per-IP budget once.
func TestRateLimitSharedAcrossProcesses(t *testing.T) {
	redisURL := os.Getenv("REDIS_URL")
	if redisURL == "" {
		redisURL = "redis://127.0.0.1:6379/0"
	}
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rc := redis.NewClient(opt)
	defer rc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := rc.Ping(ctx).Err(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Redis unreachable at %s: %v", redisURL, err)
		}
		t.Skipf("Redis unreachable at %s: %v", redisURL, err)
	}

	dir := t.TempDir()
	env := []string{"TENDER_ADDR=127.0.0.1:0", "REDIS_URL=" + redisURL, "TENDER_RATE_LIMIT=20", "TENDER_TRUST_PROXY=true"}
	a := startProc(t, dir, env, "serve")
	b := startProc(t, dir, env, "serve") // same data dir: same SQLite file
	keys := struct{ APIKey string }{sandboxKey(t, dir)}
	// A client IP of our own, so reruns and parallel runs do not share a budget.
	ip := fmt.Sprintf("10.%d.%d.%d", rand.IntN(256), rand.IntN(256), rand.IntN(254)+1)
	h := http.Header{"X-Forwarded-For": {ip}}
	// Raw HTTP: the 429s and their Retry-After are what this test is about.
	allowed, throttled := 0, 0
	var retryAfter string
	for i := range 30 {
		url := a.url
		if i%2 == 1 {
			url = b.url
		}
		resp := do(t, "GET", url+"/customer", keys.APIKey, "", h)
		switch resp.StatusCode {
		case 200:
			allowed++
		case 429:
			throttled++
			retryAfter = resp.Header.Get("Retry-After")
		default:
			t.Fatalf("unexpected status %d", resp.StatusCode)
		}
	}
	if allowed != 20 || throttled != 10 {
		t.Fatalf("two processes allowed %d and throttled %d of 30; want one shared budget of 20", allowed, throttled)
	}
	if retryAfter == "" || retryAfter == "0" {
		t.Fatalf("Retry-After = %q", retryAfter)
	}
	// Another IP has its own budget.
	other := fmt.Sprintf("10.%d.%d.%d", rand.IntN(256), rand.IntN(256), rand.IntN(254)+1)
	if resp := do(t, "GET", b.url+"/customer", keys.APIKey, "", http.Header{"X-Forwarded-For": {other}}); resp.StatusCode != 200 {
		t.Fatalf("other ip: %d", resp.StatusCode)
	}
	_ = a.stop(t)
	_ = b.stop(t)
}
