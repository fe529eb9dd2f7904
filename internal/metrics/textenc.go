package metrics

import (
	"math"
	"strconv"

	dto "github.com/prometheus/client_model/go"
)

// A text encoder for the families this package serves.
//
// expfmt's text encoder checks every name against the UTF-8 and legacy
// naming rules, escapes through strings.Replacer and writes through an
// interface one piece at a time. On a scrape of the operational metrics,
// that was over half of the time spent producing them. appendFamilyText
// writes the same bytes (format 0.0.4, checked against expfmt in the tests)
// by appending to one buffer, for families whose names are all plain legacy
// names — every family accesswatch makes. For any other family it reports
// false and the caller uses expfmt.

// appendFamilyText appends mf in the text format. ok is false, and buf
// unchanged, when mf is not one this encoder handles: a name that needs
// quoting, an unknown type, a missing value, or a timestamp.
func appendFamilyText(buf []byte, mf *dto.MetricFamily) (out []byte, ok bool) {
	name := mf.GetName()
	if len(mf.Metric) == 0 || !plainName(name, true) {
		return buf, false
	}
	var typ string
	switch mf.GetType() {
	case dto.MetricType_COUNTER:
		typ = "counter"
	case dto.MetricType_GAUGE:
		typ = "gauge"
	case dto.MetricType_UNTYPED:
		typ = "untyped"
	case dto.MetricType_SUMMARY:
		typ = "summary"
	case dto.MetricType_HISTOGRAM, dto.MetricType_GAUGE_HISTOGRAM:
		typ = "histogram"
	default:
		return buf, false
	}
	for _, m := range mf.Metric {
		if m.TimestampMs != nil {
			return buf, false
		}
		for _, lp := range m.Label {
			if !plainName(lp.GetName(), false) {
				return buf, false
			}
		}
	}
	start := len(buf)
	if mf.Help != nil {
		buf = append(buf, "# HELP "...)
		buf = append(buf, name...)
		buf = append(buf, ' ')
		buf = appendEscaped(buf, *mf.Help, false)
		buf = append(buf, '\n')
	}
	buf = append(buf, "# TYPE "...)
	buf = append(buf, name...)
	buf = append(buf, ' ')
	buf = append(buf, typ...)
	buf = append(buf, '\n')
	for _, m := range mf.Metric {
		switch typ {
		case "counter":
			if m.Counter == nil {
				return buf[:start], false
			}
			buf = appendSample(buf, name, "", m.Label, "", 0, m.Counter.GetValue())
		case "gauge":
			if m.Gauge == nil {
				return buf[:start], false
			}
			buf = appendSample(buf, name, "", m.Label, "", 0, m.Gauge.GetValue())
		case "untyped":
			if m.Untyped == nil {
				return buf[:start], false
			}
			buf = appendSample(buf, name, "", m.Label, "", 0, m.Untyped.GetValue())
		case "summary":
			s := m.Summary
			if s == nil {
				return buf[:start], false
			}
			for _, q := range s.Quantile {
				buf = appendSample(buf, name, "", m.Label, "quantile", q.GetQuantile(), q.GetValue())
			}
			buf = appendSample(buf, name, "_sum", m.Label, "", 0, s.GetSampleSum())
			buf = appendSample(buf, name, "_count", m.Label, "", 0, float64(s.GetSampleCount()))
		case "histogram":
			h := m.Histogram
			if h == nil {
				return buf[:start], false
			}
			count := h.GetSampleCountFloat()
			if count == 0 {
				count = float64(h.GetSampleCount())
			}
			infSeen := false
			for _, b := range h.Bucket {
				v := b.GetCumulativeCountFloat()
				if v == 0 {
					v = float64(b.GetCumulativeCount())
				}
				buf = appendSample(buf, name, "_bucket", m.Label, "le", b.GetUpperBound(), v)
				infSeen = infSeen || math.IsInf(b.GetUpperBound(), +1)
			}
			if !infSeen {
				buf = appendSample(buf, name, "_bucket", m.Label, "le", math.Inf(+1), count)
			}
			buf = appendSample(buf, name, "_sum", m.Label, "", 0, h.GetSampleSum())
			buf = appendSample(buf, name, "_count", m.Label, "", 0, count)
		}
	}
	return buf, true
}

// appendSample appends one sample line: name and suffix, the labels and an
// optional extra label with a number for its value (le, quantile), then the
// value.
func appendSample(buf []byte, name, suffix string, labels []*dto.LabelPair, extra string, extraValue, v float64) []byte {
	buf = append(buf, name...)
	buf = append(buf, suffix...)
	sep := byte('{')
	for _, lp := range labels {
		buf = append(buf, sep)
		buf = append(buf, lp.GetName()...)
		buf = append(buf, '=', '"')
		buf = appendEscaped(buf, lp.GetValue(), true)
		buf = append(buf, '"')
		sep = ','
	}
	if extra != "" {
		buf = append(buf, sep)
		buf = append(buf, extra...)
		buf = append(buf, '=', '"')
		buf = appendFloat(buf, extraValue)
		buf = append(buf, '"')
		sep = ','
	}
	if sep == ',' {
		buf = append(buf, '}')
	}
	buf = append(buf, ' ')
	buf = appendFloat(buf, v)
	return append(buf, '\n')
}

// appendFloat writes a value as the text format does: Go's shortest 'g'
// form, with +Inf, -Inf and NaN spelt out.
func appendFloat(buf []byte, f float64) []byte {
	switch {
	case f == 0:
		return append(buf, '0')
	case f == 1:
		return append(buf, '1')
	case math.IsNaN(f):
		return append(buf, "NaN"...)
	case math.IsInf(f, +1):
		return append(buf, "+Inf"...)
	case math.IsInf(f, -1):
		return append(buf, "-Inf"...)
	}
	return strconv.AppendFloat(buf, f, 'g', -1, 64)
}

// appendEscaped escapes backslashes and line feeds, and double quotes in
// label values.
func appendEscaped(buf []byte, s string, quotes bool) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			buf = append(buf, '\\', '\\')
		case c == '\n':
			buf = append(buf, '\\', 'n')
		case c == '"' && quotes:
			buf = append(buf, '\\', '"')
		default:
			buf = append(buf, c)
		}
	}
	return buf
}

// plainName reports whether s is a legacy metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)
// or, for labels, a legacy label name (no colons), which the text format
// writes as they are.
func plainName(s string, metric bool) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case c == ':' && metric:
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
