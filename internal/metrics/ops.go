package metrics

import (
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// The operational metrics (build, Go runtime, process, database pools, HTTP)
// are made afresh on every scrape, so they cost something every time,
// unlike the domain part, which is encoded once per commit. A client
// library registry spends about 25 µs and 33 kB on every Gather before it
// looks at a single metric (it makes two channels of a thousand entries and
// a goroutine per collector, then checks and sorts everything), and its Go
// collector reads some thirty runtime statistics through generic rules; on
// the 2-core VM of the benchmarks that made the operational tail of a
// scrape cost more than sending the whole gzip body from memory
// (docs/PERFORMANCE.md, "/metrics at the limit"). So each part here makes its metric families
// directly, with the names and types of the client library's collectors.

// opsSource is one part of the operational metrics.
type opsSource interface {
	// appendFamilies appends the part's families, read now.
	appendFamilies(fams []*dto.MetricFamily) []*dto.MetricFamily
}

// constFamilies is a part whose values never change (build info).
type constFamilies []*dto.MetricFamily

func (c constFamilies) appendFamilies(fams []*dto.MetricFamily) []*dto.MetricFamily {
	return append(fams, c...)
}

// registrySource gathers library collectors through a registry of their
// own, for what has no direct implementation on this platform.
type registrySource struct{ reg *prometheus.Registry }

func (r registrySource) appendFamilies(fams []*dto.MetricFamily) []*dto.MetricFamily {
	got, _ := r.reg.Gather() // what it could gather, as promhttp's ContinueOnError serves
	return append(fams, got...)
}

// newFamily starts a family of the given type.
func newFamily(name, help string, typ dto.MetricType, metrics ...*dto.Metric) *dto.MetricFamily {
	return &dto.MetricFamily{Name: &name, Help: &help, Type: typ.Enum(), Metric: metrics}
}

// gaugeMetric and counterMetric are one sample with optional label pairs
// (name, value, name, value ...), given in label-name order.
func gaugeMetric(v float64, pairs ...string) *dto.Metric {
	return &dto.Metric{Label: labelPairs(pairs), Gauge: &dto.Gauge{Value: &v}}
}

func counterMetric(v float64, pairs ...string) *dto.Metric {
	return &dto.Metric{Label: labelPairs(pairs), Counter: &dto.Counter{Value: &v}}
}

func labelPairs(pairs []string) []*dto.LabelPair {
	if len(pairs) == 0 {
		return nil
	}
	out := make([]*dto.LabelPair, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, &dto.LabelPair{Name: &pairs[i], Value: &pairs[i+1]})
	}
	return out
}

// gaugeFamily is a family of one unlabelled gauge.
func gaugeFamily(name, help string, v float64) *dto.MetricFamily {
	return newFamily(name, help, dto.MetricType_GAUGE, gaugeMetric(v))
}

// collectFamily runs a collector of one family whose name, help and type
// the caller knows (a vector this package made) and returns the family,
// its metrics in label order as a registry sorts them; nil if it has none.
func collectFamily(c prometheus.Collector, name, help string, typ dto.MetricType) *dto.MetricFamily {
	ch := make(chan prometheus.Metric, 16)
	go func() {
		c.Collect(ch)
		close(ch)
	}()
	var ms []*dto.Metric
	for m := range ch {
		var d dto.Metric
		if m.Write(&d) == nil {
			ms = append(ms, &d)
		}
	}
	if len(ms) == 0 {
		return nil
	}
	slices.SortFunc(ms, func(a, b *dto.Metric) int {
		for i := range min(len(a.Label), len(b.Label)) {
			if c := strings.Compare(a.Label[i].GetValue(), b.Label[i].GetValue()); c != 0 {
				return c
			}
		}
		return len(a.Label) - len(b.Label)
	})
	return newFamily(name, help, typ, ms...)
}
