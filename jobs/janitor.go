package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/tenderpay/tender/service"
)

// Janitor resolves, every interval, transactions whose processor outcome is
// unknown (a transaction is resolved once older than twice gatewayTimeout),
// and gives up on terminal requests left unanswered.
func Janitor(svc *service.Service, logger *slog.Logger, interval, gatewayTimeout time.Duration) Service {
	return Every(interval, func(ctx context.Context) {
		if n, err := svc.ExpireTerminalRequests(ctx); err != nil {
			logger.Warn("janitor: expire terminal requests", "error", err.Error())
		} else if n > 0 {
			logger.Warn("terminal requests unanswered for 3 hours; their transactions stay PENDING for manual resolution", "count", n)
		}
		n, err := svc.ResolvePending(ctx, 2*gatewayTimeout)
		if err != nil {
			logger.Warn("janitor", "error", err.Error())
		} else if n > 0 {
			logger.Info("janitor resolved pending transactions", "count", n)
		}
	})
}
