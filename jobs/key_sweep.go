package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/tenderpay/tender/service"
)

// KeySweep deletes expired idempotency keys every hour.
func KeySweep(svc *service.Service, logger *slog.Logger) Service {
	return Every(time.Hour, func(ctx context.Context) {
		if n, err := svc.SweepExpiredKeys(ctx); err != nil {
			logger.Warn("sweep expired keys", "error", err.Error())
		} else if n > 0 {
			logger.Info("swept expired keys", "count", n)
		}
	})
}
