package web

import (
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/static"
)

func TestMetricsRouteOnlyWhenConfigured(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	assets, err := static.New()
	if err != nil {
		t.Fatal(err)
	}
	var seenPattern string
	metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seenPattern = r.Pattern
		_, _ = io.WriteString(w, "# metrics\n")
	})
	opt := Options{Logger: slog.New(slog.DiscardHandler), Locale: i18n.English(), Assets: assets, Metrics: metrics}
	with := New(st, opt)
	rec := get(t, with, "/metrics")
	if rec.Code != http.StatusOK || rec.Body.String() != "# metrics\n" || seenPattern != "GET /metrics" {
		t.Errorf("with a metrics handler: %d %q, pattern %q", rec.Code, rec.Body.String(), seenPattern)
	}
	if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Error("/metrics misses the security headers every response carries")
	}
	opt.Metrics = nil
	if rec := get(t, New(st, opt), "/metrics"); rec.Code != http.StatusNotFound {
		t.Errorf("without a metrics handler: %d, want 404", rec.Code)
	}
}
