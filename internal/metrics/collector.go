package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Collector is a prometheus.Collector of the domain metrics: on every
// collection it emits const metrics from the snapshot of the store's current
// generation (read from the store only when the generation moved). The
// Exporter serves the same snapshots with their encodings cached; Collector
// is for registering the domain metrics on any other registry, and for
// tests.
type Collector struct {
	snaps   *snapshots
	timeout time.Duration
}

// NewCollector returns a Collector over src. perRecord false leaves out
// every per-record series (and organisation info), keeping the per-country
// aggregates. timeout bounds a database read; zero means DefaultReadTimeout.
func NewCollector(src Source, perRecord bool, timeout time.Duration) *Collector {
	if timeout <= 0 {
		timeout = DefaultReadTimeout
	}
	return &Collector{snaps: newSnapshots(src, perRecord), timeout: timeout}
}

// Describe sends the descriptors of every metric Collect may emit.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	dataCollector{perRecord: c.snaps.perRecord}.Describe(ch)
}

// Collect emits the domain metrics. When the data cannot be read it emits
// no series (absent rather than stale) and an invalid metric carrying the
// error, which the registry reports from Gather.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	snap, err := c.snaps.get(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descOrganisations, err)
		return
	}
	dataCollector{data: &snap.data, perRecord: c.snaps.perRecord}.Collect(ch)
}
