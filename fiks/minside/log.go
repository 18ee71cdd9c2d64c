package minside

import "log/slog"

func logValue(v any) slog.Value { return slog.AnyValue(nil) }
