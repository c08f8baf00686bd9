package jobs

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestRoutineJobLogsAreDebug(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		var buf bytes.Buffer
		l := routineJobLogs(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: level})))
		l.With("client", "x").Info("River client started")
		l.Warn("job failed")
		out := buf.String()
		if !strings.Contains(out, `"level":"WARN","msg":"job failed"`) {
			t.Errorf("at %v: the warning is lost or changed: %s", level, out)
		}
		started := strings.Contains(out, `"level":"DEBUG","msg":"River client started","client":"x"`)
		if started != (level == slog.LevelDebug) || strings.Contains(out, `"level":"INFO"`) {
			t.Errorf("at %v: routine record shown=%v: %s", level, started, out)
		}
	}
}
