// Package browsertest starts the system's Chromium (Debian's, never a
// downloaded browser) for the browser tests of the dashboard and the
// examples.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path finds the system browser: TENDER_CHROMIUM, /usr/bin/chromium, or
// chromium on PATH. Without one the test skips, or fails with CI=true.
func Path(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("TENDER_CHROMIUM"), "/usr/bin/chromium"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found (apt-get install chromium); browser tests cannot be skipped in CI")
	}
	t.Skip("chromium not found (apt-get install chromium, or set TENDER_CHROMIUM)")
	return ""
}

// Start starts a headless Chromium (Path) with a fresh profile and returns
// the context of its first tab, closed when t ends. timeout bounds the
// whole browser, and so every action; extra are more allocator options.
func Start(t *testing.T, timeout time.Duration, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := Path(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless, chromedp.NoFirstRun, chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true))
	root, cancelRoot := context.WithTimeout(context.Background(), timeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(root, append(opts, extra...)...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelCtx(); cancelAlloc(); cancelRoot() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	return ctx
}
