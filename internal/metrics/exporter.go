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
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
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
	ops         *prometheus.Registry // everything but the domain metrics
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
		ops:         prometheus.NewRegistry(),
		http:        newHTTPMetrics(),
		log:         opt.Logger,
		token:       opt.Token,
		readTimeout: opt.ReadTimeout,
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "accesswatch_build_info",
		Help: "The running accesswatch's version, VCS revision and Go version; always 1.",
		ConstLabels: prometheus.Labels{
			"version": opt.Build.Version, "revision": opt.Build.Revision, "goversion": opt.Build.GoVersion,
		},
	})
	build.Set(1)
	cs := []prometheus.Collector{
		build,
		collectors.NewGoCollector(),
		newProcessCollector(),
		e.http.requests,
		e.http.duration,
	}
	for _, p := range opt.Pools {
		cs = append(cs, collectors.NewDBStatsCollector(p.DB, p.Name))
	}
	for _, c := range cs {
		if err := e.ops.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return e, nil
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
// The operational metrics are gathered while the domain part is being sent:
// some of them read /proc, which on a small virtual machine takes longer
// than sending the whole snapshot, and nothing in the domain part waits for
// them. The body is then of unknown length up front (chunked over HTTP/1.1).
func (e *Exporter) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	format := expfmt.NegotiateAccept(r.Header, offeredFormats...)
	domain, err := e.domain(r, format)
	if err != nil {
		e.log.WarnContext(r.Context(), "metrics: domain metrics left out of this scrape", "err", err)
		domain = &encoding{}
	}
	ok, took := err == nil, time.Since(start)
	tailc := make(chan []byte, 1)
	go func() { tailc <- e.encodeOps(format, ok, took) }()

	h := w.Header()
	h.Set("Content-Type", string(format))
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Accept, Accept-Encoding")
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		_, _ = w.Write(gzipHeader)
		_, _ = w.Write(domain.deflated)
		_, _ = w.Write(gzipTail(domain, <-tailc))
		return
	}
	_, _ = w.Write(domain.plain)
	_, _ = w.Write(<-tailc)
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
	return snap.encode(format, e.snaps.perRecord)
}

// encodeOps encodes this scrape's status and the operational metrics.
func (e *Exporter) encodeOps(format expfmt.Format, ok bool, took time.Duration) []byte {
	families, err := e.ops.Gather()
	if err != nil {
		// Gather returns what it could; serve that, as promhttp's
		// ContinueOnError does.
		e.log.Warn("metrics: gathering operational metrics", "err", err)
	}
	success := 0.0
	if ok {
		success = 1
	}
	// Made directly rather than through a registry of their own: a
	// registry per scrape costs more than everything else in the tail.
	status := []*dto.MetricFamily{
		gaugeFamily(successName, successHelp, success),
		gaugeFamily(durationName, durationHelp, took.Seconds()),
	}
	out, err := encodeFamilies(format, append(status, families...))
	if err != nil {
		e.log.Warn("metrics: encoding operational metrics", "err", err)
	}
	return out
}

// gaugeFamily is a family of one unlabelled gauge.
func gaugeFamily(name, help string, v float64) *dto.MetricFamily {
	return &dto.MetricFamily{
		Name:   &name,
		Help:   &help,
		Type:   dto.MetricType_GAUGE.Enum(),
		Metric: []*dto.Metric{{Gauge: &dto.Gauge{Value: &v}}},
	}
}

// encodeFamilies encodes metric families in format. A family that fails to
// encode is left out whole, and its error returned with the others.
func encodeFamilies(format expfmt.Format, families []*dto.MetricFamily) ([]byte, error) {
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, format)
	var errs []error
	for _, mf := range families {
		n := buf.Len()
		if err := enc.Encode(mf); err != nil {
			buf.Truncate(n)
			errs = append(errs, fmt.Errorf("encode %s: %w", mf.GetName(), err))
		}
	}
	return buf.Bytes(), errors.Join(errs...)
}
