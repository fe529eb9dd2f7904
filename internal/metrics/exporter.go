// Package metrics exports accesswatch to Prometheus: the domain metrics
// (presence status as a state set, organisations per status, beneficiaries
// reached and lost, status-change timestamps and counts, organisation info),
// build info, HTTP request metrics, Go, process and database-pool
// statistics, all on the Exporter's own registries — never the global one.
package metrics

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/accesswatch/accesswatch/internal/buildinfo"
)

// DefaultReadTimeout bounds a database read made for a scrape.
const DefaultReadTimeout = 5 * time.Second

// Pool is a database connection pool to report statistics of (go_sql_*).
type Pool struct {
	Name string // the db_name label
	DB   *sql.DB
}

// Options configure an Exporter.
type Options struct {
	// PerRecord emits the per-record series (state set, reach, timestamps,
	// organisation info). False keeps only the per-country aggregates, for
	// very large deployments.
	PerRecord bool
	// Token, when set, is the bearer token /metrics requires.
	Token string
	// Build is reported as accesswatch_build_info.
	Build buildinfo.Info
	// Pools are reported with collectors.NewDBStatsCollector.
	Pools  []Pool
	Logger *slog.Logger
	// ReadTimeout bounds a database read made for a scrape (lowered to fit
	// Prometheus' scrape timeout when it sends one); zero means
	// DefaultReadTimeout.
	ReadTimeout time.Duration
}

// Exporter serves /metrics and instruments HTTP handlers.
type Exporter struct {
	snaps       *snapshots
	ops         []opsSource  // everything but the domain metrics
	tailSize    atomic.Int64 // the size of the last scrape's operational part
	http        *httpMetrics
	log         *slog.Logger
	token       string
	readTimeout time.Duration
}

// Scrape status metrics, made afresh for every scrape.
const (
	successName = "accesswatch_collector_success"
	successHelp = "1 if this scrape's domain metrics reflect the database's last commit, 0 if reading the database failed (the domain series are then left out)."

	durationName = "accesswatch_collector_duration_seconds"
	durationHelp = "Time this scrape spent producing the domain metrics, including a database read when the data changed since the last scrape."
)

// New builds an Exporter over src.
func New(src Source, opt Options) (*Exporter, error) {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.ReadTimeout <= 0 {
		opt.ReadTimeout = DefaultReadTimeout
	}
	e := &Exporter{
		snaps:       newSnapshots(src, opt.PerRecord),
		http:        newHTTPMetrics(),
		log:         opt.Logger,
		token:       opt.Token,
		readTimeout: opt.ReadTimeout,
	}
	build := newFamily("accesswatch_build_info", "The running accesswatch's version, VCS revision and Go version; always 1.",
		dto.MetricType_GAUGE, gaugeMetric(1, "goversion", opt.Build.GoVersion, "revision", opt.Build.Revision, "version", opt.Build.Version))
	e.ops = []opsSource{constFamilies{build}, e.http, newRuntimeStats(), poolStats(opt.Pools), newProcessSource()}
	return e, nil
}

// opsFamilies appends the operational metrics, read now, to fams.
func (e *Exporter) opsFamilies(fams []*dto.MetricFamily) []*dto.MetricFamily {
	for _, src := range e.ops {
		fams = src.appendFamilies(fams)
	}
	return fams
}

// Handler serves /metrics, behind the bearer token if one is set.
func (e *Exporter) Handler() http.Handler {
	return requireToken(e.token, http.HandlerFunc(e.serve))
}

// offeredFormats are the exposition formats /metrics speaks, preferred
// first when the client accepts several. OpenMetrics is not offered.
var offeredFormats = []expfmt.Format{expfmt.FmtProtoDelim, expfmt.FmtText}

// scrapeTimeoutHeader is how Prometheus says how long it waits for a scrape.
const scrapeTimeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds"

// serve answers a scrape: the domain metrics of the current snapshot
// (encoded once per snapshot and format) followed by the operational
// metrics. A failing database read never fails the scrape: it is reported
// as accesswatch_collector_success 0.
//
// The operational metrics are made first, then the whole body is written
// with its length: they take some tens of microseconds (see ops.go), less
// than a goroutine gathering them in parallel with the domain bytes cost on
// a 2-core machine, and a client then knows the size up front.
func (e *Exporter) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	format := expfmt.NegotiateAccept(r.Header, offeredFormats...)
	domain, err := e.domain(r, format)
	if err != nil {
		e.log.WarnContext(r.Context(), "metrics: domain metrics left out of this scrape", "err", err)
		domain = &encoding{}
	}
	ok, took := err == nil, time.Since(start)
	tail := e.encodeOps(format, ok, took)

	h := w.Header()
	h.Set("Content-Type", string(format))
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Accept, Accept-Encoding")
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		gz := gzipTail(domain, tail)
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(gzipHeader)+len(domain.deflated)+len(gz)))
		_, _ = w.Write(gzipHeader)
		_, _ = w.Write(domain.deflated)
		_, _ = w.Write(gz)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(domain.plain)+len(tail)))
	_, _ = w.Write(domain.plain)
	_, _ = w.Write(tail)
}

// domain returns the domain metrics in format, reading the database first
// if the data changed, within the read timeout.
func (e *Exporter) domain(r *http.Request, format expfmt.Format) (*encoding, error) {
	timeout := e.readTimeout
	if s, err := strconv.ParseFloat(r.Header.Get(scrapeTimeoutHeader), 64); err == nil && s > 0 {
		// Leave a fifth of Prometheus' patience for the rest of the scrape.
		timeout = min(timeout, time.Duration(s*0.8*float64(time.Second)))
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	snap, err := e.snaps.get(ctx)
	if err != nil {
		return nil, err
	}
	enc, err := snap.encode(format, e.snaps.perRecord, int(e.snaps.encodedSize.Load()))
	if err == nil {
		e.snaps.encodedSize.Store(int64(len(enc.plain)))
	}
	return enc, err
}

// encodeOps encodes this scrape's status and the operational metrics.
func (e *Exporter) encodeOps(format expfmt.Format, ok bool, took time.Duration) []byte {
	success := 0.0
	if ok {
		success = 1
	}
	status := []*dto.MetricFamily{
		gaugeFamily(successName, successHelp, success),
		gaugeFamily(durationName, durationHelp, took.Seconds()),
	}
	out, err := encodeFamilies(format, e.opsFamilies(status), int(e.tailSize.Load()))
	e.tailSize.Store(int64(len(out)))
	if err != nil {
		e.log.Warn("metrics: encoding operational metrics", "err", err)
	}
	return out
}

// encodeFamilies encodes metric families in format. A family that fails to
// encode is left out whole, and its error returned with the others. Text,
// what Prometheus asks for by default, goes through appendFamilyText where
// it can.
//
// sizeHint is the expected size (the last one's): a buffer that size plus a
// little is allocated at once rather than grown by copying.
func encodeFamilies(format expfmt.Format, families []*dto.MetricFamily, sizeHint int) ([]byte, error) {
	text := format.FormatType() == expfmt.TypeTextPlain
	out := make([]byte, 0, sizeHint+sizeHint/8+512)
	var other bytes.Buffer
	var errs []error
	for _, mf := range families {
		if text {
			if b, ok := appendFamilyText(out, mf); ok {
				out = b
				continue
			}
		}
		other.Reset()
		if err := expfmt.NewEncoder(&other, format).Encode(mf); err != nil {
			errs = append(errs, fmt.Errorf("encode %s: %w", mf.GetName(), err))
			continue
		}
		out = append(out, other.Bytes()...)
	}
	return out, errors.Join(errs...)
}
