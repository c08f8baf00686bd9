package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/tenderpay/tender/service"
)

// Settlement closes the batch every day at settleAt ("HH:MM", UTC; see
// ParseClock) by the clock now. Several instances may do so at once: each
// transaction settles once, under its row lock.
func Settlement(svc *service.Service, logger *slog.Logger, now func() time.Time, settleAt string) Service {
	return Loop(func(ctx context.Context) {
		hh, mm, _ := ParseClock(settleAt)
		for {
			t := now().UTC()
			next := time.Date(t.Year(), t.Month(), t.Day(), hh, mm, 0, 0, time.UTC)
			if !next.After(t) {
				next = next.Add(24 * time.Hour)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(next.Sub(t)):
			}
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
