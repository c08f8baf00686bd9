package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/tenderpay/tender/service"
)

// ListPositions numbers new transactions every interval for O(page) lists
// (see Service.AssignListPositions).
func ListPositions(svc *service.Service, logger *slog.Logger, interval time.Duration) Service {
	return Every(interval, func(ctx context.Context) {
		if _, err := svc.AssignListPositions(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("list positions", "error", err.Error())
		}
	})
}
