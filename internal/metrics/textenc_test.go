package metrics

import (
	"bytes"
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/accesswatch/accesswatch/internal/storetest"
)

// expfmtText is the reference: the client library's text encoder.
func expfmtText(t testing.TB, mf *dto.MetricFamily) string {
	t.Helper()
	var buf bytes.Buffer
	if err := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain)).Encode(mf); err != nil {
		t.Fatalf("expfmt %s: %v", mf.GetName(), err)
	}
	return buf.String()
}

// Every family /metrics serves — domain and operational — is written by the
// fast encoder, byte for byte as expfmt writes it.
func TestTextEncoderWritesWhatExpfmtWritesForEveryServedFamily(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	writer, reader := st.Pools()
	e := newExporter(t, st, Options{PerRecord: true, Pools: []Pool{{Name: "writer", DB: writer}, {Name: "reader", DB: reader}}})
	site := http.NewServeMux()
	site.Handle("GET /metrics", e.Handler())
	site.HandleFunc("GET /countries/{iso3}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := e.Instrument(site)
	for _, path := range []string{"/metrics", "/countries/NER", "/nowhere"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	ops := e.opsFamilies(nil)
	snap, err := e.snaps.get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(dataCollector{data: &snap.data, perRecord: true})
	domain, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	types := map[dto.MetricType]bool{}
	for _, mf := range append(domain, ops...) {
		got, ok := appendFamilyText(nil, mf)
		if !ok {
			t.Errorf("%s: not handled by the fast encoder", mf.GetName())
			continue
		}
		if want := expfmtText(t, mf); string(got) != want {
			t.Errorf("%s:\n%s\nexpfmt:\n%s", mf.GetName(), got, want)
		}
		types[mf.GetType()] = true
	}
	for _, typ := range []dto.MetricType{dto.MetricType_COUNTER, dto.MetricType_GAUGE, dto.MetricType_HISTOGRAM, dto.MetricType_SUMMARY} {
		if !types[typ] {
			t.Errorf("no %s family was compared", typ)
		}
	}
}

func family(name, help string, typ dto.MetricType, metrics ...*dto.Metric) *dto.MetricFamily {
	return &dto.MetricFamily{Name: &name, Help: &help, Type: typ.Enum(), Metric: metrics}
}

func labels(pairs ...string) []*dto.LabelPair {
	var out []*dto.LabelPair
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, &dto.LabelPair{Name: &pairs[i], Value: &pairs[i+1]})
	}
	return out
}

func gaugeOf(v float64, pairs ...string) *dto.Metric {
	return &dto.Metric{Label: labels(pairs...), Gauge: &dto.Gauge{Value: &v}}
}

func ptr[T any](v T) *T { return &v }

func TestTextEncoderEdgeCases(t *testing.T) {
	cases := map[string]*dto.MetricFamily{
		"escapes": family("a_b:c", "back\\slash and\nnew line \"quoted\"", dto.MetricType_GAUGE,
			gaugeOf(1, "v", "quote\" back\\ nl\n é ✓"), gaugeOf(-1, "v", "")),
		"special values": family("x", "", dto.MetricType_COUNTER,
			&dto.Metric{Counter: &dto.Counter{Value: ptr(math.Inf(+1))}},
			&dto.Metric{Counter: &dto.Counter{Value: ptr(math.Copysign(0, -1))}, Label: labels("a", "1")}),
		"floats": family("y", "h", dto.MetricType_UNTYPED,
			&dto.Metric{Untyped: &dto.Untyped{Value: ptr(math.NaN())}, Label: labels("k", "nan")},
			&dto.Metric{Untyped: &dto.Untyped{Value: ptr(math.Inf(-1))}, Label: labels("k", "-inf")},
			&dto.Metric{Untyped: &dto.Untyped{Value: ptr(1e-9)}, Label: labels("k", "small")},
			&dto.Metric{Untyped: &dto.Untyped{Value: ptr(123456789012345678.0)}, Label: labels("k", "big")},
			&dto.Metric{Untyped: &dto.Untyped{Value: ptr(0.1 + 0.2)}, Label: labels("k", "sum")}),
		"histogram without +Inf": family("h_seconds", "", dto.MetricType_HISTOGRAM, &dto.Metric{Label: labels("route", "/"),
			Histogram: &dto.Histogram{SampleCount: ptr(uint64(7)), SampleSum: ptr(1.5), Bucket: []*dto.Bucket{
				{UpperBound: ptr(0.005), CumulativeCount: ptr(uint64(1))}, {UpperBound: ptr(2.5), CumulativeCount: ptr(uint64(6))}}}}),
		"histogram with +Inf and float counts": family("g", "", dto.MetricType_GAUGE_HISTOGRAM, &dto.Metric{
			Histogram: &dto.Histogram{SampleCountFloat: ptr(3.5), SampleSum: ptr(-2.0), Bucket: []*dto.Bucket{
				{UpperBound: ptr(1.0), CumulativeCountFloat: ptr(1.5)}, {UpperBound: ptr(math.Inf(+1)), CumulativeCountFloat: ptr(3.5)}}}}),
		"summary": family("s", "q", dto.MetricType_SUMMARY, &dto.Metric{Label: labels("a", "b"), Summary: &dto.Summary{
			SampleCount: ptr(uint64(4)), SampleSum: ptr(0.25),
			Quantile: []*dto.Quantile{{Quantile: ptr(0.5), Value: ptr(0.01)}, {Quantile: ptr(1.0), Value: ptr(math.NaN())}}}}),
	}
	noHelp := family("no_help", "", dto.MetricType_GAUGE, gaugeOf(2))
	noHelp.Help = nil
	cases["no help"] = noHelp
	for name, mf := range cases {
		got, ok := appendFamilyText([]byte("prefix\n"), mf)
		if !ok {
			t.Errorf("%s: not handled", name)
			continue
		}
		if want := "prefix\n" + expfmtText(t, mf); string(got) != want {
			t.Errorf("%s:\n%s\nexpfmt:\n%s", name, got, want)
		}
	}
}

// Families the fast encoder leaves to expfmt: it must say so and leave the
// buffer as it was; encodeFamilies then still serves them.
func TestTextEncoderLeavesUnusualFamiliesToExpfmt(t *testing.T) {
	withTimestamp := gaugeOf(3)
	withTimestamp.TimestampMs = ptr(int64(1700000000000))
	cases := map[string]*dto.MetricFamily{
		"UTF-8 name":       family("temperature_°C", "", dto.MetricType_GAUGE, gaugeOf(1)),
		"dotted label":     family("ok_name", "", dto.MetricType_GAUGE, gaugeOf(1, "host.name", "a")),
		"timestamp":        family("ts", "", dto.MetricType_GAUGE, withTimestamp),
		"missing value":    family("empty_gauge", "", dto.MetricType_GAUGE, &dto.Metric{Counter: &dto.Counter{Value: ptr(1.0)}}),
		"digit first name": family("1abc", "", dto.MetricType_GAUGE, gaugeOf(1)),
	}
	for name, mf := range cases {
		buf := []byte("kept")
		if got, ok := appendFamilyText(buf, mf); ok || string(got) != "kept" {
			t.Errorf("%s: handled=%v, buffer %q", name, ok, got)
		}
	}
	fmtText := expfmt.NewFormat(expfmt.TypeTextPlain)
	out, err := encodeFamilies(fmtText, []*dto.MetricFamily{family("plain", "", dto.MetricType_GAUGE, gaugeOf(1)), cases["timestamp"]}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := "# HELP plain \n# TYPE plain gauge\nplain 1\n# HELP ts \n# TYPE ts gauge\nts 3 1700000000000\n"; string(out) != want {
		t.Errorf("mixed families:\n%s\nwant\n%s", out, want)
	}
}

// FuzzTextEncoder compares the fast encoder with expfmt on arbitrary help
// texts, label values and numbers.
func FuzzTextEncoder(f *testing.F) {
	f.Add("help", "value", 1.5, 0.25, uint64(3))
	f.Add("a\\b\nc\"", "\"\\\n", math.Inf(-1), math.NaN(), uint64(0))
	f.Fuzz(func(t *testing.T, help, value string, v, bound float64, count uint64) {
		mfs := []*dto.MetricFamily{
			family("fuzz_gauge", help, dto.MetricType_GAUGE, gaugeOf(v, "label", value)),
			family("fuzz_histogram", help, dto.MetricType_HISTOGRAM, &dto.Metric{Label: labels("l", value),
				Histogram: &dto.Histogram{SampleCount: &count, SampleSum: &v,
					Bucket: []*dto.Bucket{{UpperBound: &bound, CumulativeCount: &count}}}}),
		}
		for _, mf := range mfs {
			got, ok := appendFamilyText(nil, mf)
			if !ok {
				t.Fatalf("%s not handled", mf.GetName())
			}
			if want := expfmtText(t, mf); string(got) != want {
				t.Fatalf("got\n%q\nexpfmt\n%q", got, want)
			}
		}
	})
}
