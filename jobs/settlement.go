package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/service"
)

// Settlement closes the batch every day at settleAt ("HH:MM", UTC; see
// ParseClock) by clock. An advance of the clock wakes it to recompute its
// wait (a jump past settleAt settles once). Several instances may do so at once: each
// transaction settles once, under its row lock.
func Settlement(svc *service.Service, logger *slog.Logger, clock *tender.Clock, settleAt string) Service {
	return Loop(func(ctx context.Context) {
		hh, mm, _ := ParseClock(settleAt)
		now := clock.Now
		last := now().UTC()
		for {
			changed := clock.Changed()
			t := now().UTC()
			// The next settle time after the last look: an advance past it
			// settles now.
			next := time.Date(last.Year(), last.Month(), last.Day(), hh, mm, 0, 0, time.UTC)
			if !next.After(last) {
				next = next.Add(24 * time.Hour)
			}
			if next.After(t) {
				timer := time.NewTimer(next.Sub(t))
				select {
				case <-ctx.Done():
					timer.Stop()
					return
				case <-changed:
					timer.Stop()
					continue
				case <-timer.C:
				}
			}
			last = now().UTC()
			n, err := svc.Settle(ctx, "", now())
			if err != nil {
				logger.Warn("settlement batch", "error", err.Error())
			}
			logger.Info("settlement batch closed", "settled", n)
		}
	})
}

// ParseClock reads a daily time "HH:MM".
func ParseClock(v string) (hh, mm int, err error) {
	t, err := time.Parse("15:04", v)
	if err != nil {
		return 0, 0, fmt.Errorf("settle time %q: want HH:MM", v)
	}
	return t.Hour(), t.Minute(), nil
}
