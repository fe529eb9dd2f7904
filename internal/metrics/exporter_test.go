package metrics

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/buildinfo"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

func newExporter(t *testing.T, src Source, opt Options) *Exporter {
	t.Helper()
	e, err := New(src, opt)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// scrape asks h for /metrics with the given request headers.
func scrape(t *testing.T, h http.Handler, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// parseText parses a text exposition, failing the test if it is invalid.
func parseText(t *testing.T, body []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	families, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("invalid exposition: %v\n%s", err, body)
	}
	return families
}

// value returns the value of the series of name with the given labels.
func value(families map[string]*dto.MetricFamily, name string, pairs ...string) (float64, bool) {
	mf, ok := families[name]
	if !ok {
		return 0, false
	}
next:
	for _, m := range mf.GetMetric() {
		labels := map[string]string{}
		for _, lp := range m.GetLabel() {
			labels[lp.GetName()] = lp.GetValue()
		}
		for i := 0; i+1 < len(pairs); i += 2 {
			if labels[pairs[i]] != pairs[i+1] {
				continue next
			}
		}
		switch {
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

func TestExporterServesEverything(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	writer, reader := st.Pools()
	e := newExporter(t, st, Options{PerRecord: true, Build: buildinfo.Info{Version: "v9.9.9", Revision: "abc", GoVersion: "go1.26"},
		Pools: []Pool{{Name: "writer", DB: writer}, {Name: "reader", DB: reader}}})
	rec := scrape(t, e.Handler())
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	fams := parseText(t, rec.Body.Bytes())
	for _, want := range []struct {
		name  string
		pairs []string
		value float64
	}{
		{"accesswatch_presence_status", []string{"country", "NER", "org", "icrc", "status", "expelled"}, 1},
		{"accesswatch_presence_status", []string{"country", "NER", "org", "icrc", "status", "operating"}, 0},
		{"accesswatch_beneficiaries_lost", []string{"country", "NER", "org", "icrc"}, 2e6},
		{"accesswatch_build_info", []string{"version", "v9.9.9", "revision", "abc", "goversion", "go1.26"}, 1},
		{"accesswatch_collector_success", nil, 1},
		{"go_sql_max_open_connections", []string{"db_name", "writer"}, 1},
	} {
		if got, ok := value(fams, want.name, want.pairs...); !ok || got != want.value {
			t.Errorf("%s%v = %v (present %v), want %v", want.name, want.pairs, got, ok, want.value)
		}
	}
	if _, ok := value(fams, "go_sql_open_connections", "db_name", "reader"); !ok {
		t.Error("no statistics of the reader pool")
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total", "accesswatch_collector_duration_seconds"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("%s missing", name)
		}
	}
}

func TestExporterSurvivesFailingReads(t *testing.T) {
	src := &fakeSource{}
	src.set(store.MetricsData{Records: []store.MetricsRecord{record("NER", "icrc", access.StatusExpelled, 2_000_000)}}, nil)
	e := newExporter(t, src, Options{PerRecord: true})
	h := e.Handler()
	if fams := parseText(t, scrape(t, h).Body.Bytes()); fams["accesswatch_presence_status"] == nil {
		t.Fatal("no domain series before the failure")
	}

	src.set(store.MetricsData{}, errors.New("database is locked"))
	for range 2 { // and it does not stick: every scrape tries again
		rec := scrape(t, h)
		if rec.Code != http.StatusOK {
			t.Fatalf("failing read: HTTP %d, want 200", rec.Code)
		}
		fams := parseText(t, rec.Body.Bytes())
		if v, ok := value(fams, "accesswatch_collector_success"); !ok || v != 0 {
			t.Errorf("accesswatch_collector_success = %v (present %v), want 0", v, ok)
		}
		if _, ok := fams["accesswatch_presence_status"]; ok {
			t.Error("stale domain series served after a failed read")
		}
		if _, ok := fams["go_goroutines"]; !ok {
			t.Error("the rest of the scrape is missing")
		}
	}
	if n := src.readCount(); n != 3 {
		t.Errorf("%d reads, want 3 (one good, two failed attempts)", n)
	}

	src.set(store.MetricsData{Records: []store.MetricsRecord{record("NER", "icrc", access.StatusWithdrawn, 2_000_000)}}, nil)
	fams := parseText(t, scrape(t, h).Body.Bytes())
	if v, _ := value(fams, "accesswatch_collector_success"); v != 1 {
		t.Error("success did not come back after the database recovered")
	}
	if v, _ := value(fams, "accesswatch_presence_status", "status", "withdrawn"); v != 1 {
		t.Error("recovered scrape does not show the new data")
	}
}

func TestExporterBoundsSlowReads(t *testing.T) {
	src := &fakeSource{}
	src.set(store.MetricsData{}, nil)
	src.block = true // the read only ends when its context does
	e := newExporter(t, src, Options{PerRecord: true})
	rec := scrape(t, e.Handler(), scrapeTimeoutHeader, "0.05")
	fams := parseText(t, rec.Body.Bytes())
	if v, ok := value(fams, "accesswatch_collector_success"); rec.Code != http.StatusOK || !ok || v != 0 {
		t.Errorf("slow read: HTTP %d, success %v (present %v)", rec.Code, v, ok)
	}
}

// gunzipOneMember decompresses body, insisting that it is one gzip member
// with a valid CRC and size (the reader checks both).
func gunzipOneMember(t *testing.T, body []byte) []byte {
	t.Helper()
	plain, err := readGzip(body)
	if err != nil {
		t.Fatalf("gzip body: %v", err)
	}
	return plain
}

// readGzip decompresses exactly one gzip member that must fill body.
func readGzip(body []byte) ([]byte, error) {
	br := bytes.NewReader(body) // a ByteReader: gzip reads no further than the member
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, err
	}
	zr.Multistream(false)
	plain, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	if br.Len() != 0 {
		return nil, fmt.Errorf("%d bytes after the gzip member", br.Len())
	}
	return plain, nil
}

func TestExporterGzip(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	e := newExporter(t, st, Options{PerRecord: true})
	h := e.Handler()
	plain := scrape(t, h)
	for _, accept := range []string{"gzip", "deflate, gzip;q=0.8", "*", "GZIP", "br;q=1.0, gzip;q=0.5"} {
		zipped := scrape(t, h, "Accept-Encoding", accept)
		if zipped.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("Accept-Encoding %q: not gzipped", accept)
		}
		unzipped := gunzipOneMember(t, zipped.Body.Bytes())
		// The domain part is the same bytes; the operational part differs
		// from scrape to scrape but must parse.
		a, b := parseText(t, plain.Body.Bytes()), parseText(t, unzipped)
		for _, name := range []string{"accesswatch_presence_status", "accesswatch_organisations", "accesswatch_status_changes_total"} {
			if a[name].String() != b[name].String() {
				t.Errorf("%s differs between the plain and gzipped scrape", name)
			}
		}
		if _, ok := b["go_goroutines"]; !ok {
			t.Error("gzipped scrape lacks the operational metrics")
		}
	}
	for _, refuse := range []string{"", "identity", "gzip;q=0", "br", "gzip; q=0", "x-gzip"} {
		if rec := scrape(t, h, "Accept-Encoding", refuse); rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %q answered with %q", refuse, rec.Header().Get("Content-Encoding"))
		}
	}
	// With no domain data at all (a failed read) the splice still makes a
	// valid member.
	src := &fakeSource{}
	src.set(store.MetricsData{}, errors.New("gone"))
	rec := scrape(t, newExporter(t, src, Options{}).Handler(), "Accept-Encoding", "gzip")
	if fams := parseText(t, gunzipOneMember(t, rec.Body.Bytes())); fams["accesswatch_collector_success"] == nil {
		t.Error("failure scrape lacks accesswatch_collector_success")
	}
}

func TestExporterProtobuf(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	h := newExporter(t, st, Options{PerRecord: true}).Handler()
	rec := scrape(t, h, "Accept", string(expfmt.FmtProtoDelim), "Accept-Encoding", "gzip")
	if got := expfmt.Format(rec.Header().Get("Content-Type")).FormatType(); got != expfmt.TypeProtoDelim {
		t.Fatalf("Content-Type %q", rec.Header().Get("Content-Type"))
	}
	dec := expfmt.NewDecoder(bytes.NewReader(gunzipOneMember(t, rec.Body.Bytes())), expfmt.FmtProtoDelim)
	fams := map[string]*dto.MetricFamily{}
	for {
		var mf dto.MetricFamily
		if err := dec.Decode(&mf); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		fams[mf.GetName()] = &mf
	}
	if v, ok := value(fams, "accesswatch_beneficiaries_lost", "country", "NER", "org", "icrc"); !ok || v != 2e6 {
		t.Errorf("protobuf scrape: NER/icrc lost = %v (present %v)", v, ok)
	}
	if _, ok := fams["accesswatch_collector_success"]; !ok {
		t.Error("protobuf scrape lacks the operational part")
	}
	// A client that accepts anything gets the text format people can read.
	if ct := scrape(t, h, "Accept", "*/*").Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Accept */*: %s", ct)
	}
}

func TestExporterToken(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	if rec := scrape(t, newExporter(t, st, Options{}).Handler()); rec.Code != http.StatusOK {
		t.Fatalf("no token configured: %d", rec.Code)
	}
	h := newExporter(t, st, Options{Token: "s3cret-token"}).Handler()
	for _, tc := range []struct {
		auth      string
		code      int
		challenge string
	}{
		{"", http.StatusUnauthorized, `Bearer realm="accesswatch metrics"`},
		{"Bearer wrong", http.StatusUnauthorized, `Bearer realm="accesswatch metrics", error="invalid_token"`},
		{"Bearer s3cret-token-and-more", http.StatusUnauthorized, `Bearer realm="accesswatch metrics", error="invalid_token"`},
		{"Bearer s3cret-toke", http.StatusUnauthorized, `Bearer realm="accesswatch metrics", error="invalid_token"`},
		{"Basic czNjcmV0LXRva2Vu", http.StatusUnauthorized, `Bearer realm="accesswatch metrics"`},
		{"Bearer ", http.StatusUnauthorized, `Bearer realm="accesswatch metrics"`},
		{"Bearer s3cret-token", http.StatusOK, ""},
		{"bearer s3cret-token", http.StatusOK, ""},
	} {
		rec := scrape(t, h, "Authorization", tc.auth)
		if rec.Code != tc.code || rec.Header().Get("WWW-Authenticate") != tc.challenge {
			t.Errorf("Authorization %q: %d, WWW-Authenticate %q; want %d, %q", tc.auth, rec.Code, rec.Header().Get("WWW-Authenticate"), tc.code, tc.challenge)
		}
		if rec.Code == http.StatusUnauthorized && strings.Contains(rec.Body.String(), "accesswatch_") {
			t.Error("a refused scrape leaked metrics")
		}
	}
}

func TestExporterPerRecordOff(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	fams := parseText(t, scrape(t, newExporter(t, st, Options{PerRecord: false}).Handler()).Body.Bytes())
	for name, mf := range fams {
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == "org" {
					t.Errorf("%s has an org label with per-record series off", name)
				}
			}
		}
	}
	if v, ok := value(fams, "accesswatch_country_beneficiaries_lost", "country", "NER"); !ok || v != 3e6 {
		t.Errorf("NER lost = %v (present %v), want 3e6", v, ok)
	}
}

func TestExporterConcurrentScrapesAndCommits(t *testing.T) {
	src := &fakeSource{}
	src.set(store.MetricsData{Records: []store.MetricsRecord{record("NER", "icrc", access.StatusExpelled, 2_000_000)}}, nil)
	h := newExporter(t, src, Options{PerRecord: true}).Handler()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 20 {
				headers := []string{}
				if i%2 == 0 {
					headers = []string{"Accept-Encoding", "gzip"}
				}
				rec := scrape(t, h, headers...)
				body := rec.Body.Bytes()
				if rec.Header().Get("Content-Encoding") == "gzip" {
					body = gunzipOneMember(t, body)
				}
				fams := parseText(t, body)
				if n := len(fams["accesswatch_presence_status"].GetMetric()); n != len(access.Statuses) {
					t.Errorf("%d state-set series mid-commit, want %d", n, len(access.Statuses))
				}
			}
		})
	}
	for range 20 {
		src.set(store.MetricsData{Records: []store.MetricsRecord{record("NER", "icrc", access.StatusWithdrawn, 2_000_000)}}, nil)
	}
	wg.Wait()
}

func TestExporterLint(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	writer, reader := st.Pools()
	e := newExporter(t, st, Options{PerRecord: true, Pools: []Pool{{Name: "writer", DB: writer}, {Name: "reader", DB: reader}}})
	site := e.Instrument(e.Handler())
	scrape(t, site) // so that the HTTP series exist
	problems, err := testutil.GatherAndLint(scrapes(e))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

// A client that asks for OpenMetrics gets it, and it parses as such.
func TestExporterOpenMetrics(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	h := newExporter(t, st, Options{PerRecord: true}).Handler()
	rec := scrape(t, h, "Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
	ct := rec.Header().Get("Content-Type")
	if rec.Code != http.StatusOK || !strings.HasPrefix(ct, "application/openmetrics-text") {
		t.Fatalf("%d, Content-Type %q", rec.Code, ct)
	}
	body := rec.Body.String()
	if !strings.HasSuffix(body, "# EOF\n") {
		t.Errorf("OpenMetrics body does not end with # EOF:\n...%s", body[max(0, len(body)-200):])
	}
	// Counters are announced without _total and sampled with it.
	for _, want := range []string{
		"# TYPE accesswatch_status_changes counter\n",
		`accesswatch_status_changes_total{country="NER",status="expelled"} 1.0` + "\n",       // OpenMetrics spells floats with a point
		`accesswatch_presence_status{country="NER",org="icrc",status="expelled"} 1.0` + "\n", // OpenMetrics spells floats with a point
	} {
		if !strings.Contains(body, want) {
			t.Errorf("OpenMetrics body lacks %q\n%.2000s", want, body)
		}
	}
	if plain := scrape(t, h); !strings.HasPrefix(plain.Header().Get("Content-Type"), "text/plain") || strings.Contains(plain.Body.String(), "# EOF") {
		t.Errorf("a scrape without Accept: %q, with an OpenMetrics end", plain.Header().Get("Content-Type"))
	}
}

// accesswatch_collector_snapshots_total counts rebuilds: scrapes of an
// unchanged data version reuse the snapshot (and never read the database);
// a moved version makes exactly one new one.
func TestExporterRebuildsOncePerDataVersion(t *testing.T) {
	src := &fakeSource{}
	src.set(store.MetricsData{Records: []store.MetricsRecord{record("NER", "icrc", access.StatusExpelled, 2_000_000)}}, nil)
	h := newExporter(t, src, Options{PerRecord: true}).Handler()
	snapshots := func() float64 {
		t.Helper()
		v, ok := value(parseText(t, scrape(t, h).Body.Bytes()), "accesswatch_collector_snapshots_total")
		if !ok {
			t.Fatal("accesswatch_collector_snapshots_total missing")
		}
		return v
	}
	if n := snapshots(); n != 1 {
		t.Fatalf("first scrape: %v snapshots, want 1", n)
	}
	for range 5 {
		if n := snapshots(); n != 1 {
			t.Fatalf("unchanged data version: %v snapshots, want still 1", n)
		}
	}
	if n := src.readCount(); n != 1 {
		t.Errorf("%d database reads for six scrapes of one version, want 1", n)
	}
	src.set(store.MetricsData{Records: []store.MetricsRecord{record("NER", "icrc", access.StatusWithdrawn, 2_000_000)}}, nil)
	if n := snapshots(); n != 2 {
		t.Errorf("after the version moved: %v snapshots, want 2", n)
	}
	if n := snapshots(); n != 2 {
		t.Errorf("second scrape of the new version: %v snapshots, want 2", n)
	}
	// A failed read builds nothing.
	src.set(store.MetricsData{}, errors.New("locked"))
	if n := snapshots(); n != 2 {
		t.Errorf("after a failed read: %v snapshots, want 2", n)
	}
}

// The three parts of a scrape (the registry's, the scrape status, the
// domain snapshot) never share a family name, so merging them by name
// loses nothing and sends no duplicate.
func TestScrapeFamiliesAreUnique(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	writer, reader := st.Pools()
	e := newExporter(t, st, Options{PerRecord: true, Pools: []Pool{{Name: "writer", DB: writer}, {Name: "reader", DB: reader}}})
	site := e.Instrument(e.Handler())
	scrape(t, site)
	fams, err := scrapes(e).Gather()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, mf := range fams {
		if seen[mf.GetName()] {
			t.Errorf("family %s sent twice", mf.GetName())
		}
		seen[mf.GetName()] = true
		if i > 0 && fams[i-1].GetName() > mf.GetName() {
			t.Errorf("families out of order: %s before %s", fams[i-1].GetName(), mf.GetName())
		}
	}
	for _, name := range []string{"accesswatch_presence_status", "accesswatch_collector_success", "go_goroutines", "accesswatch_http_requests_total"} {
		if !seen[name] {
			t.Errorf("%s missing", name)
		}
	}
	// And the whole scrape passes the library's own consistency checks.
	reg := prometheus.NewPedanticRegistry()
	if _, err := (prometheus.Gatherers{reg, scrapes(e)}).Gather(); err != nil {
		t.Errorf("prometheus.Gatherers finds the scrape inconsistent: %v", err)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"gzip": true, "gzip, deflate, br": true, "br;q=1.0, gzip;q=0.5": true, "*": true, "GZIP": true, "x-gzip": false,
		"": false, "identity": false, "gzip;q=0": false, "gzip;q=0.0": false, "gzip; q=0": false, "deflate": false,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v", header, got)
		}
	}
}

// The gzip writers kept across scrapes make valid streams scrape after
// scrape, several at once included, and only a few are kept.
func TestGzipWritersAreReused(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	e := newExporter(t, st, Options{PerRecord: true})
	h := e.Handler()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5 {
				rec := scrape(t, h, "Accept-Encoding", "gzip")
				fams := parseText(t, gunzipOneMember(t, rec.Body.Bytes()))
				if v, _ := value(fams, "accesswatch_beneficiaries_lost", "country", "NER", "org", "icrc"); v != 2e6 {
					t.Errorf("NER/icrc lost = %v in a gzipped scrape", v)
				}
			}
		})
	}
	wg.Wait()
	if n := len(e.gzips); n < 1 || n > keptGzipWriters {
		t.Errorf("%d gzip writers kept, want 1 to %d", n, keptGzipWriters)
	}
}
