package service

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// Read replicas (docs/scaling.md, Step 1): reports and lists may be read
// from a streaming replica, with a per-merchant read-your-writes fence.
//
// The fence: a write by merchant M (a non-GET request, marked by the HTTP
// layers with Writing) sends M's reads to the primary from the moment the
// request starts until the replica has replayed past a primary WAL
// position sampled after the request ended. A background sampler reads
// both positions every SampleInterval, so a write pays two map updates and
// nothing on the database. The fence is per process: after a write through
// another instance, this one may serve a list as old as the replica's lag
// (bounded by MaxLag), the documented trade.

// Replica is the read-only store beside the primary and its sampler.
type Replica struct {
	// Store is the read-only store on the replica.
	Store store.Store
	// PrimaryLSN and ReplayLSN read the primary's current WAL position
	// and the replica's replayed one (pg_current_wal_lsn,
	// pg_last_wal_replay_lsn).
	PrimaryLSN, ReplayLSN func(ctx context.Context) (uint64, error)
	// SampleInterval is how often both are read (default 50 ms); MaxLag is
	// the lag past which every read goes to the primary (default 5 s).
	SampleInterval, MaxLag time.Duration
	Logger                 *slog.Logger

	clock  func() time.Time // tests' clock; nil: time.Now
	state  atomic.Pointer[replicaState]
	mu     sync.Mutex
	fences map[string]*fence
}

// replicaState is one sampler tick's view.
type replicaState struct {
	usable  bool
	status  string        // "streaming", "lagging", "down"
	lag     time.Duration // how long the replica has been missing the primary's WAL
	replay  uint64
	samples []lsnSample // the primary's positions, oldest first, over MaxLag
}

// lsnSample is the primary's WAL position read by a query started at at:
// every commit before at is at or below lsn.
type lsnSample struct {
	at  time.Time
	lsn uint64
}

// fence is a merchant's write in flight (inflight > 0) or ended at done;
// lsn, once known, is the first primary position sampled after done.
type fence struct {
	inflight int
	done     time.Time
	lsn      uint64
}

func (r *Replica) interval() time.Duration {
	if r.SampleInterval <= 0 {
		return 50 * time.Millisecond
	}
	return r.SampleInterval
}

func (r *Replica) maxLag() time.Duration {
	if r.MaxLag <= 0 {
		return 5 * time.Second
	}
	return r.MaxLag
}

func (r *Replica) now() time.Time {
	if r.clock != nil {
		return r.clock()
	}
	return time.Now()
}

// Run samples until ctx ends.
func (r *Replica) Run(ctx context.Context) {
	t := time.NewTicker(r.interval())
	defer t.Stop()
	var samples []lsnSample
	last := ""
	for {
		samples = r.sample(ctx, samples)
		if st := r.state.Load(); st != nil && st.status != last {
			if r.Logger != nil {
				r.Logger.Info("read replica", "state", st.status, "lag_ms", st.lag.Milliseconds())
			}
			last = st.status
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sample reads both positions once, publishes the state and settles the
// fences the replica has passed.
func (r *Replica) sample(ctx context.Context, samples []lsnSample) []lsnSample {
	qctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	at := r.now()
	plsn, perr := r.PrimaryLSN(qctx)
	replay, rerr := r.ReplayLSN(qctx)
	now := r.now()
	if perr == nil {
		samples = append(samples, lsnSample{at: at, lsn: plsn})
	}
	// Keep MaxLag's worth (and at least the newest).
	cut := 0
	for cut < len(samples)-1 && now.Sub(samples[cut].at) > r.maxLag()+time.Second {
		cut++
	}
	samples = samples[cut:]
	st := &replicaState{replay: replay, samples: append([]lsnSample(nil), samples...)}
	switch {
	case perr != nil || rerr != nil:
		st.status = "down"
	default:
		// The lag: since the oldest sampled primary position the replica
		// has not replayed.
		for _, s := range samples {
			if s.lsn > replay {
				st.lag = now.Sub(s.at)
				break
			}
		}
		st.usable = st.lag <= r.maxLag()
		st.status = map[bool]string{true: "streaming", false: "lagging"}[st.usable]
	}
	r.state.Store(st)
	r.mu.Lock()
	for m, f := range r.fences {
		if r.passed(st, f) {
			delete(r.fences, m)
		}
	}
	r.mu.Unlock()
	return samples
}

// passed says whether the replica has replayed past f's write (r.mu held).
func (r *Replica) passed(st *replicaState, f *fence) bool {
	if f.inflight > 0 || !st.usable {
		return false
	}
	if f.lsn == 0 {
		for _, s := range st.samples {
			if s.at.After(f.done) {
				f.lsn = s.lsn
				break
			}
		}
		if f.lsn == 0 {
			return false
		}
	}
	return st.replay >= f.lsn
}

// use says whether merchantID's reads may go to the replica now.
func (r *Replica) use(merchantID string) bool {
	st := r.state.Load()
	if st == nil || !st.usable {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	f, ok := r.fences[merchantID]
	if !ok {
		return true
	}
	if r.passed(st, f) {
		delete(r.fences, merchantID)
		return true
	}
	return false
}

// writing fences merchantID's reads to the primary; the returned func
// ends the write.
func (r *Replica) writing(merchantID string) func() {
	r.mu.Lock()
	if r.fences == nil {
		r.fences = map[string]*fence{}
	}
	f := r.fences[merchantID]
	if f == nil {
		f = &fence{}
		r.fences[merchantID] = f
	}
	f.inflight++
	f.lsn = 0
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		f.inflight--
		f.done = r.now()
		f.lsn = 0
		r.mu.Unlock()
	}
}

// Status is the replica's state for /readyz ("streaming", "lagging",
// "down", "starting") and its lag.
func (r *Replica) Status() (string, time.Duration) {
	st := r.state.Load()
	if st == nil {
		return "starting", 0
	}
	return st.status, st.lag
}

// Writing marks a write by merchantID starting (the HTTP layers call it on
// every non-GET request of a merchant): until the returned func is called,
// and then until the replica has replayed past it, the merchant's reads
// go to the primary. Without a replica it costs nothing.
func (s *Service) Writing(merchantID string) func() {
	if s.Replica == nil || merchantID == "" {
		return func() {}
	}
	return s.Replica.writing(merchantID)
}

// reader is the one place that decides where a read goes: the replica
// when there is one, it is streaming within MaxLag and merchantID has no
// write it has not replayed; the primary otherwise. Only reads safe on a
// replica call it (reports, deposits, lists), never a money operation or
// a read followed by a write.
func (s *Service) reader(merchantID string) (st store.Store, replica bool) {
	if s.Replica == nil || !s.Replica.use(merchantID) {
		return s.store, false
	}
	return s.Replica.Store, true
}

// replicaRead runs f on reader's store; a failure on the replica other
// than an answer (not found, invalid) is retried on the primary: a read
// never fails because of the replica.
func replicaRead[T any](s *Service, ctx context.Context, merchantID string, f func(store.Store) (T, error)) (T, error) {
	st, onReplica := s.reader(merchantID)
	v, err := f(st)
	if err != nil && onReplica && ctx.Err() == nil {
		switch tender.ErrorCode(err) {
		case tender.EINTERNAL, tender.EUNAVAILABLE:
			s.log().WarnContext(ctx, "read replica failed; reading the primary", "error", err.Error())
			return f(s.store)
		}
	}
	return v, err
}
