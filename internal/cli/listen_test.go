package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/internal/cli"
)

// TestListenPrintJSON: "tender listen --print-json" prints each event as
// GET /event/{id} shows it, one JSON line each, and returns 0 when its
// context ends (Ctrl-C); a bad --forward-to or a bad event name is an
// error.
func TestListenPrintJSON(t *testing.T) {
	e := apitest.Start(t, "sqlite", apitest.Options{})
	if code, _, errs := run(t, e, "listen", "--forward-to", "ftp://example.com/hooks"); code == 0 || !strings.Contains(errs, "not an http(s) URL") {
		t.Fatalf("ftp forward: %d %q", code, errs)
	}
	if code, _, errs := run(t, e, "listen", "--events", "no such event"); code == 0 || !strings.Contains(errs, "name") {
		t.Fatalf("bad event name: %d %q", code, errs)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	done := make(chan int, 1)
	go func() {
		done <- cli.Main(ctx, []string{"listen", "--print-json", "--server", e.URL, "--api-key", e.Key}, pw, io.Discard)
		pw.Close()
	}()
	next := func() string {
		t.Helper()
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("tender listen ended")
			}
			return l
		case <-time.After(30 * time.Second):
			t.Fatal("no line from tender listen within 30 s")
		}
		return ""
	}
	if l := next(); !strings.HasPrefix(l, "Ready!") {
		t.Fatalf("first line %q", l)
	}
	cust := e.Call("POST", "/customer", map[string]any{"firstname": "Printed"}, 200).Map(t)["id"].(string)
	var ev struct {
		ID       string         `json:"id"`
		Name     string         `json:"name"`
		ObjectID string         `json:"object_id"`
		Data     map[string]any `json:"data"`
	}
	if l := next(); json.Unmarshal([]byte(l), &ev) != nil || ev.Name != "create_customer" || ev.ObjectID != cust || ev.Data["firstname"] != "Printed" {
		t.Fatalf("printed %q", l)
	}
	if one := e.Call("GET", "/event/"+ev.ID, nil, 200).Map(t); one["object_id"] != cust {
		t.Fatalf("GET /event/%s = %v", ev.ID, one)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d after Ctrl-C", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("tender listen did not return after its context ended")
	}
}
