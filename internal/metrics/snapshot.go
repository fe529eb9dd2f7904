package metrics

import (
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/accesswatch/accesswatch/internal/store"
)

// Source is where the domain metrics come from: the store.
type Source interface {
	// Generation changes whenever committed data may have changed.
	Generation() uint64
	// MetricsData reads everything the domain metrics show.
	MetricsData(ctx context.Context) (store.MetricsData, error)
}

// Why a snapshot, and why refreshed lazily at scrape time:
//
// Reading the data costs one read transaction over every record and an
// aggregate over every event (tens of milliseconds for 5,000 records and
// 20,000 events), and turning it into const metrics and text costs more.
// Doing that on every scrape would make /metrics slow and put the database
// on the scrape path of every Prometheus replica. Yet the data only changes
// when a write commits, and the store says when that happens: Generation()
// moves after every commit (its own, and other processes' within a second).
// So a scrape reads the database only when the generation moved since the
// last reading, under a bounded context, and otherwise serves the snapshot
// it already has, including its encoded bytes. Nothing runs when nobody
// scrapes, and no timer ever sets a gauge. A read that fails is reported as
// accesswatch_collector_success 0 and its scrape carries no domain series
// (they would be stale: the generation says the data changed); the next
// scrape tries again.

// snapshot is the domain data at one store generation, with its encodings
// made on first use.
type snapshot struct {
	gen  uint64
	data store.MetricsData

	mu        sync.Mutex
	encodings map[expfmt.Format]*encoding
}

// snapshots keeps the current snapshot of a Source.
type snapshots struct {
	src       Source
	perRecord bool
	current   atomic.Pointer[snapshot]
	// refreshing admits one database read at a time: scrapes that arrive
	// during a read wait for it (or their deadline) instead of piling up.
	refreshing chan struct{}
	// encodedSize is the size of the latest encoding made, a hint for the next.
	encodedSize atomic.Int64
}

func newSnapshots(src Source, perRecord bool) *snapshots {
	return &snapshots{src: src, perRecord: perRecord, refreshing: make(chan struct{}, 1)}
}

// get returns the snapshot of the store's current generation, reading the
// database if the generation moved since the last reading.
func (s *snapshots) get(ctx context.Context) (*snapshot, error) {
	if snap := s.fresh(); snap != nil {
		return snap, nil
	}
	select {
	case s.refreshing <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for the metrics data: %w", ctx.Err())
	}
	defer func() { <-s.refreshing }()
	if snap := s.fresh(); snap != nil {
		return snap, nil // another scrape read it while this one waited
	}
	// The generation is read before the data: a commit during the read
	// moves it again, so the next scrape reads again and nothing is missed.
	gen := s.src.Generation()
	data, err := s.src.MetricsData(ctx)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{gen: gen, data: data, encodings: map[expfmt.Format]*encoding{}}
	s.current.Store(snap)
	return snap, nil
}

// fresh returns the current snapshot if it is of the current generation.
func (s *snapshots) fresh() *snapshot {
	if snap := s.current.Load(); snap != nil && snap.gen == s.src.Generation() {
		return snap
	}
	return nil
}

// encoding is the domain metrics of a snapshot in one exposition format.
type encoding struct {
	plain []byte
	// deflated is plain as raw DEFLATE, ended by a sync flush rather than a
	// final block, so that a response can continue the stream with more
	// data (see gzipResponse). crc is plain's CRC-32.
	deflated []byte
	crc      uint32
}

// deflateLevel spends effort once per snapshot for small scrapes after.
const deflateLevel = flate.DefaultCompression

// encode returns the snapshot's metrics in format, making them on first use.
// sizeHint is the size of an earlier encoding, so that this one's buffer is
// allocated once rather than grown by copying megabytes.
func (snap *snapshot) encode(format expfmt.Format, perRecord bool, sizeHint int) (*encoding, error) {
	snap.mu.Lock()
	defer snap.mu.Unlock()
	if e, ok := snap.encodings[format]; ok {
		return e, nil
	}
	reg := prometheus.NewRegistry()
	if err := reg.Register(dataCollector{data: &snap.data, perRecord: perRecord}); err != nil {
		return nil, fmt.Errorf("register domain collector: %w", err)
	}
	families, err := reg.Gather()
	if err != nil {
		return nil, fmt.Errorf("gather domain metrics: %w", err)
	}
	plain, err := encodeFamilies(format, families, sizeHint)
	if err != nil {
		return nil, err
	}
	var deflated bytes.Buffer
	fw, err := flate.NewWriter(&deflated, deflateLevel)
	if err != nil {
		return nil, err
	}
	if _, err := fw.Write(plain); err != nil {
		return nil, err
	}
	if err := fw.Flush(); err != nil {
		return nil, err
	}
	e := &encoding{plain: plain, deflated: deflated.Bytes(), crc: crc32.ChecksumIEEE(plain)}
	snap.encodings[format] = e
	return e, nil
}
