package metrics

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/accesswatch/accesswatch/internal/store"
)

// Source is where the domain metrics come from: the store.
type Source interface {
	// Generation is the version of the domain data: it changes whenever
	// committed domain data may have changed.
	Generation() uint64
	// MetricsData reads everything the domain metrics show.
	MetricsData(ctx context.Context) (store.MetricsData, error)
}

// Why a snapshot, and why refreshed lazily at scrape time:
//
// Reading the data costs one read transaction over every record and an
// aggregate over every event (tens of milliseconds for 5,000 records and
// 20,000 events), and turning it into 65,000 const metrics costs more.
// Doing that on every scrape would make /metrics slow and put the database
// on the scrape path of every Prometheus replica. Yet the data only changes
// when a domain write commits, and the store says when: Generation() moves.
// So a scrape reads the database only when the generation moved since the
// last reading, under a bounded context, and otherwise serves the metric
// families it already has. Nothing runs when nobody scrapes, and no timer
// ever sets a gauge. A read that fails is reported as
// accesswatch_collector_success 0 and its scrape carries no domain series
// (they would be stale: the generation says the data changed); the next
// scrape tries again.

// snapshot is the domain metrics of one data version, gathered once: the
// const metrics of dataCollector, checked, sorted and written into metric
// families by a registry of their own. The families are never modified
// after they are made, so every scrape of this version can hand the same
// ones to the encoder (see Exporter.gatherer for why not a Collector).
type snapshot struct {
	gen      uint64
	day      string // the source's calendar day (UTC) when read; "" without a clock
	families []*dto.MetricFamily
}

// clock is implemented by a Source whose metrics depend on the date as well
// as on the data (a measure passes its stated end, a record falls due for
// review): its snapshot is also read again when its day changes.
type clock interface{ Now() time.Time }

// sourceDay is the source's current UTC day, "" for a source without a clock.
func sourceDay(src Source) string {
	c, ok := src.(clock)
	if !ok {
		return ""
	}
	return c.Now().UTC().Format(time.DateOnly)
}

// snapshots keeps the current snapshot of a Source.
type snapshots struct {
	src       Source
	perRecord bool
	// protected: /metrics requires a token, so counts of private entries
	// (events awaiting verification while it is required) may be shown.
	protected bool
	// rebuilds counts the snapshots made (accesswatch_collector_snapshots_total).
	rebuilds prometheus.Counter
	// current is the latest snapshot; refreshing admits one database read
	// at a time and guards current: scrapes that arrive during a read wait
	// for it (or their deadline) instead of piling up.
	refreshing chan *snapshot
}

func newSnapshots(src Source, perRecord, protected bool, rebuilds prometheus.Counter) *snapshots {
	s := &snapshots{src: src, perRecord: perRecord, protected: protected, rebuilds: rebuilds, refreshing: make(chan *snapshot, 1)}
	s.refreshing <- nil // no snapshot yet
	return s
}

// get returns the snapshot of the store's current generation, reading the
// database and gathering the const metrics if the generation moved since
// the last reading.
func (s *snapshots) get(ctx context.Context) (*snapshot, error) {
	var current *snapshot
	select {
	case current = <-s.refreshing:
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for the metrics data: %w", ctx.Err())
	}
	// The generation is read before the data: a commit during the read
	// moves it again, so the next scrape reads again and nothing is missed.
	gen, day := s.src.Generation(), sourceDay(s.src)
	if current != nil && current.gen == gen && current.day == day {
		s.refreshing <- current
		return current, nil
	}
	next, err := s.build(ctx, gen, day)
	if err != nil {
		s.refreshing <- current
		return nil, err
	}
	s.refreshing <- next
	s.rebuilds.Inc()
	return next, nil
}

// build reads the data and gathers its const metrics.
func (s *snapshots) build(ctx context.Context, gen uint64, day string) (*snapshot, error) {
	data, err := s.src.MetricsData(ctx)
	if err != nil {
		return nil, err
	}
	if data.AwaitingArePrivate && !s.protected {
		// Private entries stay off a public /metrics, their number too:
		// the gauge is left out (not reported as 0).
		data.AwaitingVerification = nil
	}
	reg := prometheus.NewRegistry()
	if err := reg.Register(dataCollector{data: &data, perRecord: s.perRecord}); err != nil {
		return nil, fmt.Errorf("register domain collector: %w", err)
	}
	families, err := reg.Gather()
	if err != nil {
		return nil, fmt.Errorf("gather domain metrics: %w", err)
	}
	return &snapshot{gen: gen, day: day, families: families}, nil
}
