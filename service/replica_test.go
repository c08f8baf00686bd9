package service

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestReplicaFence drives the sampler by hand: a merchant's write keeps
// its reads on the primary while in flight and until the replica has
// replayed past a primary position sampled after it; other merchants read
// the replica; a replica that errs or lags past MaxLag serves nobody.
func TestReplicaFence(t *testing.T) {
	clock := time.Unix(1_000_000, 0)
	var primary, replay uint64 = 100, 100
	var replayErr error
	r := &Replica{
		PrimaryLSN: func(context.Context) (uint64, error) { return primary, nil },
		ReplayLSN:  func(context.Context) (uint64, error) { return replay, replayErr },
		MaxLag:     time.Second,
		clock:      func() time.Time { return clock },
	}
	var samples []lsnSample
	tick := func() {
		clock = clock.Add(50 * time.Millisecond)
		samples = r.sample(context.Background(), samples)
	}
	if r.use("m") {
		t.Fatal("replica used before its first sample")
	}
	tick()
	if !r.use("m") {
		t.Fatal("a caught-up replica is not used")
	}
	done := r.writing("m")
	if r.use("m") {
		t.Fatal("replica used during the merchant's write")
	}
	primary = 150 // the write's commit
	clock = clock.Add(time.Millisecond)
	done()
	if r.use("m") {
		t.Fatal("replica used after the write, before any sample after it")
	}
	replay = 120
	tick()
	if r.use("m") {
		t.Fatal("replica used before it replayed the write")
	}
	if !r.use("n") {
		t.Fatal("another merchant is fenced too")
	}
	replay = 150
	tick()
	if !r.use("m") {
		t.Fatal("fence not lifted once the replica replayed past the write")
	}
	if len(r.fences) != 0 {
		t.Fatalf("fences left: %v", r.fences)
	}

	primary = 200 // the replica stops replaying
	for range 15 {
		tick()
	}
	if st, lag := r.Status(); !r.use("n") || st != "streaming" || lag < 700*time.Millisecond {
		t.Fatalf("within MaxLag: status %s lag %v", st, lag)
	}
	for range 10 {
		tick()
	}
	if st, lag := r.Status(); r.use("n") || st != "lagging" || lag <= time.Second {
		t.Fatalf("past MaxLag: status %s lag %v, used %v", st, lag, r.use("n"))
	}
	replay = 200
	tick()
	if !r.use("n") {
		t.Fatal("a caught-up replica is not used again")
	}
	replayErr = errors.New("connection refused")
	tick()
	if st, _ := r.Status(); r.use("n") || st != "down" {
		t.Fatalf("an erring replica: status %s", st)
	}
}
