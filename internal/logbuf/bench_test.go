package logbuf

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkRequestLine measures one access-log line as the server writes
// it (text handler, info level, the request middleware's attributes) to a
// file: straight to the file (a write system call per line), through a
// Writer, and to nowhere (the cost of formatting alone).
//
//	go test ./internal/logbuf/ -run '^$' -bench RequestLine -benchmem
func BenchmarkRequestLine(b *testing.B) {
	for _, sink := range []string{"direct", "buffered", "discard"} {
		b.Run(sink, func(b *testing.B) {
			f, err := os.Create(filepath.Join(b.TempDir(), "access.log"))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			var w io.Writer = f
			switch sink {
			case "buffered":
				lw := New(f, DefaultInterval)
				defer lw.Close()
				w = lw
			case "discard":
				w = io.Discard
			}
			log := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
			ctx := context.Background()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					log.LogAttrs(ctx, slog.LevelInfo, "request",
						slog.String("method", "GET"), slog.String("path", "/countries/NER"), slog.String("route", "GET /countries/{iso3}"),
						slog.Int("status", 200), slog.Int64("bytes", 48213), slog.Duration("duration", 183*time.Microsecond))
				}
			})
		})
	}
}
