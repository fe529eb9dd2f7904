package metrics

import (
	dto "github.com/prometheus/client_model/go"
)

// poolStats is the database pool part of the operational metrics: the
// client library's go_sql_* statistics (its DBStatsCollector's names and
// types), one sample per pool labelled db_name, read from sql.DB.Stats.
type poolStats []Pool

// poolMetric is one go_sql_* family: its name, help, type and value.
type poolMetric struct {
	name, help string
	typ        dto.MetricType
	value      func(s dbStats) float64
}

// dbStats is the part of sql.DBStats the metrics show.
type dbStats struct {
	maxOpen, open, inUse, idle, waitCount int64
	waitSeconds                           float64
	maxIdleClosed, maxIdleTimeClosed      int64
	maxLifetimeClosed                     int64
}

var poolMetrics = []poolMetric{
	{"go_sql_idle_connections", "Idle connections in the pool.", dto.MetricType_GAUGE,
		func(s dbStats) float64 { return float64(s.idle) }},
	{"go_sql_in_use_connections", "Connections of the pool in use.", dto.MetricType_GAUGE,
		func(s dbStats) float64 { return float64(s.inUse) }},
	{"go_sql_max_idle_closed_total", "Connections closed because the pool had as many idle ones as it may keep.", dto.MetricType_COUNTER,
		func(s dbStats) float64 { return float64(s.maxIdleClosed) }},
	{"go_sql_max_idle_time_closed_total", "Connections closed because they were idle too long.", dto.MetricType_COUNTER,
		func(s dbStats) float64 { return float64(s.maxIdleTimeClosed) }},
	{"go_sql_max_lifetime_closed_total", "Connections closed because they reached their maximum lifetime.", dto.MetricType_COUNTER,
		func(s dbStats) float64 { return float64(s.maxLifetimeClosed) }},
	{"go_sql_max_open_connections", "Most connections the pool may open.", dto.MetricType_GAUGE,
		func(s dbStats) float64 { return float64(s.maxOpen) }},
	{"go_sql_open_connections", "Connections of the pool open now, in use or idle.", dto.MetricType_GAUGE,
		func(s dbStats) float64 { return float64(s.open) }},
	{"go_sql_wait_count_total", "Times a caller waited for a connection of the pool.", dto.MetricType_COUNTER,
		func(s dbStats) float64 { return float64(s.waitCount) }},
	{"go_sql_wait_duration_seconds_total", "Time callers spent waiting for a connection of the pool, in seconds.", dto.MetricType_COUNTER,
		func(s dbStats) float64 { return s.waitSeconds }},
}

func (p poolStats) appendFamilies(fams []*dto.MetricFamily) []*dto.MetricFamily {
	if len(p) == 0 {
		return fams
	}
	stats := make([]dbStats, len(p))
	for i, pool := range p {
		s := pool.DB.Stats()
		stats[i] = dbStats{maxOpen: int64(s.MaxOpenConnections), open: int64(s.OpenConnections), inUse: int64(s.InUse),
			idle: int64(s.Idle), waitCount: s.WaitCount, waitSeconds: s.WaitDuration.Seconds(),
			maxIdleClosed: s.MaxIdleClosed, maxIdleTimeClosed: s.MaxIdleTimeClosed, maxLifetimeClosed: s.MaxLifetimeClosed}
	}
	for _, m := range poolMetrics {
		ms := make([]*dto.Metric, len(p))
		for i, pool := range p {
			v := m.value(stats[i])
			d := &dto.Metric{Label: labelPairs([]string{"db_name", pool.Name})}
			if m.typ == dto.MetricType_COUNTER {
				d.Counter = &dto.Counter{Value: &v}
			} else {
				d.Gauge = &dto.Gauge{Value: &v}
			}
			ms[i] = d
		}
		fams = append(fams, newFamily(m.name, m.help, m.typ, ms...))
	}
	return fams
}
