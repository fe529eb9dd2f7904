package metrics

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/internal/synth"
)

// BenchmarkGatherAlternatives is the measured reason for Exporter.gatherer:
// on the synthetic 5,000-record database (65,000 domain series), the cost of
// one unchanged scrape's gathering (before encoding) when the snapshot's
// families are merged by name with the registry's (what production does),
// merged through prometheus.Gatherers, or re-emitted as const metrics by a
// Collector on every scrape. Figures in docs/PERFORMANCE.md, "/metrics".
//
//	go test -run '^$' -bench BenchmarkGatherAlternatives -benchtime 20x ./internal/metrics/
func BenchmarkGatherAlternatives(b *testing.B) {
	st, clock := storetest.OpenCountriesOnly(b)
	ctx := context.Background()
	countries, err := st.Countries(ctx)
	if err != nil {
		b.Fatal(err)
	}
	evs, err := synth.Events(synth.Spec{Records: 5000, Events: 20000, Seed: 1, Now: clock.Now()}, countries)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.RecordEvents(ctx, evs); err != nil {
		b.Fatal(err)
	}
	e, err := New(st, Options{PerRecord: true})
	if err != nil {
		b.Fatal(err)
	}
	snap, err := e.snaps.get(ctx)
	if err != nil {
		b.Fatal(err)
	}
	data, err := st.MetricsData(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("merge-by-name", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.gatherer(snap, true, 0).Gather(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gatherers", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			g := prometheus.Gatherers{e.reg, prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return snap.families, nil })}
			if _, err := g.Gather(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("collector-per-scrape", func(b *testing.B) {
		reg := prometheus.NewRegistry()
		reg.MustRegister(dataCollector{data: &data, perRecord: true})
		b.ReportAllocs()
		for b.Loop() {
			if _, err := (prometheus.Gatherers{e.reg, reg}).Gather(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
