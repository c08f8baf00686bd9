package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/tenderpay/tender/service"
)

// SalesRollupInterval is how often the server runs SalesRollup.
const SalesRollupInterval = 30 * time.Second

// SalesRollup keeps the dashboard's sales rollup current every interval
// (see Service.RollupSales): the payment path never writes it; each run
// recomputes the merchant hours whose transactions changed since the last.
func SalesRollup(svc *service.Service, logger *slog.Logger, interval time.Duration) Service {
	return Every(interval, func(ctx context.Context) {
		if n, err := svc.RollupSales(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("sales rollup", "error", err.Error())
		} else if n > 0 {
			logger.Debug("sales rollup", "hours", n)
		}
	})
}
