package apitest

import (
	"testing"
	"time"
)

// Eventually waits until cond holds, failing the test with what after
// timeout. It is the suites' one wait for what the server does in the
// background (deliveries, jobs, a process starting): it checks at once,
// then backs off from 5 ms to 100 ms between checks. A test that must know
// nothing more happens waits on a later signal instead (a marker event
// delivered after the one that must not be, the job queue drained), never
// on a pause.
func Eventually(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	pause := 5 * time.Millisecond
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(pause)
		pause = min(2*pause, 100*time.Millisecond)
	}
}
