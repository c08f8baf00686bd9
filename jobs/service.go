package jobs

import (
	"context"
	"sync"
	"time"
)

// Service is one piece of background work run by a Client.
type Service interface {
	// Start starts the work in the background and returns.
	Start(ctx context.Context) error
	// Stop ends it and waits for it to return (up to ctx).
	Stop(ctx context.Context) error
}

// loop is a Service running run until its context ends.
type loop struct {
	run    func(context.Context)
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// Loop is a Service that runs run in a goroutine until Stop cancels its
// context.
func Loop(run func(context.Context)) Service { return &loop{run: run} }

func (l *loop) Start(ctx context.Context) error {
	ctx, l.cancel = context.WithCancel(ctx)
	l.done = make(chan struct{})
	go func() {
		defer close(l.done)
		l.run(ctx)
	}()
	return nil
}

func (l *loop) Stop(ctx context.Context) error {
	if l.cancel == nil {
		return nil
	}
	l.once.Do(l.cancel)
	select {
	case <-l.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Every is a Service that runs fn each interval.
func Every(interval time.Duration, fn func(context.Context)) Service {
	return Loop(func(ctx context.Context) {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fn(ctx)
			}
		}
	})
}
