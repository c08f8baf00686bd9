package jobs

import (
	"context"
	"log/slog"
)

// routineJobLogs wraps the job queue's logger: River logs its routine
// work (client started and stopped, leadership, maintenance runs) at INFO,
// which drowned the request log; those become DEBUG (TENDER_LOG_LEVEL=debug
// shows them). Warnings and errors keep their level.
func routineJobLogs(l *slog.Logger) *slog.Logger {
	return slog.New(demoteInfo{l.Handler()})
}

type demoteInfo struct{ h slog.Handler }

func (d demoteInfo) Enabled(ctx context.Context, l slog.Level) bool {
	if l == slog.LevelInfo {
		l = slog.LevelDebug
	}
	return d.h.Enabled(ctx, l)
}

func (d demoteInfo) Handle(ctx context.Context, r slog.Record) error {
	if r.Level == slog.LevelInfo {
		r.Level = slog.LevelDebug
	}
	return d.h.Handle(ctx, r)
}

func (d demoteInfo) WithAttrs(attrs []slog.Attr) slog.Handler {
	return demoteInfo{d.h.WithAttrs(attrs)}
}

func (d demoteInfo) WithGroup(name string) slog.Handler { return demoteInfo{d.h.WithGroup(name)} }
