package metrics

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/e2e"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// deployDir holds the Prometheus and Grafana files, from this package's directory.
const deployDir = "../../deploy"

// promtool runs promtool in dir and fails the test on a non-zero exit.
func promtool(t *testing.T, bin, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// The alert rules, their unit tests and the example configuration, checked
// by promtool. In CI (ACCESSWATCH_REQUIRE_E2E=1) a missing promtool fails.
func TestPrometheusRulesWithPromtool(t *testing.T) {
	_, bin := e2e.Prometheus(t)
	dir := filepath.Join(deployDir, "prometheus")
	promtool(t, bin, dir, "check", "rules", "alerts.yml")
	promtool(t, bin, dir, "test", "rules", "alerts_test.yml")
	promtool(t, bin, dir, "check", "config", "prometheus.yml")
}

// metricName finds exported metric names in rules and dashboards (recording
// rules, with colons, are not exported).
var metricName = regexp.MustCompile(`\baccesswatch_[a-z_]+\b`)

// Every accesswatch_ metric the alert rules and the dashboard use is one
// that accesswatch exports: a renamed metric breaks this test, not an
// operator's alerting.
func TestRulesAndDashboardUseExportedNames(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	e := newExporter(t, st, Options{PerRecord: true})
	site := e.Instrument(e.Handler())
	scrape(t, site) // so that the HTTP series exist
	exported := map[string]bool{}
	for name, mf := range parseText(t, scrape(t, site).Body.Bytes()) {
		exported[name] = true
		if mf.GetType().String() == "HISTOGRAM" {
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				exported[name+suffix] = true
			}
		}
	}
	// Series the collector declares but the seeded store does not fill
	// (review timestamps: the bundled data has no editor's review) may be
	// used by rules, never by a dashboard panel (which must show data).
	declared := map[string]bool{}
	descs := make(chan *prometheus.Desc, 100)
	dataCollector{perRecord: true}.Describe(descs)
	close(descs)
	for d := range descs {
		if m := regexp.MustCompile(`fqName: "([a-z_]+)"`).FindStringSubmatch(d.String()); m != nil && !exported[m[1]] {
			declared[m[1]] = true
		}
	}
	if declared["accesswatch_events_awaiting_verification"] || declared["accesswatch_presence_status"] {
		t.Errorf("declared but not exported on the seeded data: %v", declared)
	}
	files := []string{filepath.Join(deployDir, "prometheus", "alerts.yml")}
	dashboards, err := filepath.Glob(filepath.Join(deployDir, "grafana", "dashboards", "*.json"))
	if err != nil || len(dashboards) == 0 {
		t.Fatalf("no dashboards found: %v", err)
	}
	files = append(files, dashboards...)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		used := metricName.FindAllString(string(raw), -1)
		if len(used) == 0 {
			t.Errorf("%s uses no accesswatch metric", f)
		}
		for _, name := range used {
			if !exported[name] && !(declared[name] && strings.HasSuffix(f, ".yml")) {
				t.Errorf("%s uses %s, which accesswatch does not export", f, name)
			}
		}
	}
	// And the test really knows the names: a made-up one is not exported.
	if exported["accesswatch_presence_state"] || !exported["accesswatch_presence_status"] {
		t.Error("exported-name set is wrong")
	}
}

// The alert tests' statuses are the real ones.
func TestRuleStatusesExist(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(deployDir, "prometheus", "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`status=~?"([a-z_|]+)"`).FindAllStringSubmatch(string(raw), -1) {
		for s := range strings.SplitSeq(m[1], "|") {
			if !slices.Contains(access.Statuses, access.Status(s)) {
				t.Errorf("alerts.yml matches status %q, which does not exist", s)
			}
		}
	}
}

// dashboard is the part of a Grafana dashboard the tests look at.
type dashboard struct {
	Inputs []struct {
		Type     string `json:"type"`
		PluginID string `json:"pluginId"`
	} `json:"__inputs"`
	Requires []struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	} `json:"__requires"`
	ID     *int   `json:"id"`
	UID    string `json:"uid"`
	Title  string `json:"title"`
	Panels []struct {
		Title      string `json:"title"`
		Type       string `json:"type"`
		Datasource struct {
			UID string `json:"uid"`
		} `json:"datasource"`
		GridPos struct{ X, Y, W, H int } `json:"gridPos"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
		FieldConfig struct {
			Overrides []struct {
				Properties []struct {
					ID    string          `json:"id"`
					Value json.RawMessage `json:"value"`
				} `json:"properties"`
			} `json:"overrides"`
		} `json:"fieldConfig"`
	} `json:"panels"`
}

func readDashboard(t *testing.T) dashboard {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(deployDir, "grafana", "dashboards", "accesswatch.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	return d
}

// The dashboard is provisioning-ready (fixed uid, no database id, data
// source from the variable) and has the panels the issue asks for.
func TestDashboardShape(t *testing.T) {
	d := readDashboard(t)
	if d.ID != nil || d.UID == "" || d.Title == "" {
		t.Errorf("id %v, uid %q, title %q: provisioning needs a null id and a fixed uid", d.ID, d.UID, d.Title)
	}
	titles := map[string]string{}
	cells := map[[2]int]string{}
	for _, p := range d.Panels {
		titles[p.Title] = p.Type
		if p.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q: data source %q, want the ${datasource} variable", p.Title, p.Datasource.UID)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, q := range p.Targets {
			if strings.Count(q.Expr, "(") != strings.Count(q.Expr, ")") {
				t.Errorf("panel %q: unbalanced parentheses in %s", p.Title, q.Expr)
			}
		}
		if p.GridPos.W <= 0 || p.GridPos.H <= 0 || p.GridPos.X+p.GridPos.W > 24 {
			t.Errorf("panel %q: grid position %+v", p.Title, p.GridPos)
		}
		for x := p.GridPos.X; x < p.GridPos.X+p.GridPos.W; x++ {
			for y := p.GridPos.Y; y < p.GridPos.Y+p.GridPos.H; y++ {
				if other, ok := cells[[2]int{x, y}]; ok {
					t.Fatalf("panels %q and %q overlap", p.Title, other)
				}
				cells[[2]int{x, y}] = p.Title
			}
		}
	}
	for title, typ := range map[string]string{
		"Beneficiaries lost by country": "bargauge", "Organisations by status": "bargauge",
		"Flagged records": "table", "Status changes": "timeseries",
		"Class-level measures in force": "bargauge", "Work queues": "bargauge", "Service level (objective 99.5%)": "timeseries",
	} {
		if titles[title] != typ {
			t.Errorf("panel %q: type %q, want %q", title, titles[title], typ)
		}
	}
}

// The dashboard imports as well as it provisions (__inputs, __requires
// naming every panel type), counts organisations where it says so, reads
// the heavy table from recording rules and links its rows to the records,
// and shows status changes exactly (no extrapolating increase()).
func TestDashboardContent(t *testing.T) {
	d := readDashboard(t)
	if len(d.Inputs) != 1 || d.Inputs[0].Type != "datasource" || d.Inputs[0].PluginID != "prometheus" {
		t.Errorf("__inputs %+v, want one Prometheus data source", d.Inputs)
	}
	required := map[string]bool{}
	for _, r := range d.Requires {
		required[r.Type+"/"+r.ID] = true
	}
	if !required["grafana/grafana"] || !required["datasource/prometheus"] {
		t.Errorf("__requires %+v lacks Grafana or Prometheus", d.Requires)
	}
	for _, p := range d.Panels {
		if !required["panel/"+p.Type] {
			t.Errorf("panel %q: type %s not in __requires", p.Title, p.Type)
		}
		exprs := ""
		for _, q := range p.Targets {
			exprs += q.Expr + "\n"
		}
		switch p.Title {
		case "Organisations recorded":
			if !strings.Contains(exprs, "count(count by (org) (") {
				t.Errorf("Organisations recorded does not count organisations: %s", exprs)
			}
		case "Status changes":
			if strings.Contains(exprs, "increase(") || !strings.Contains(exprs, "offset $__interval") {
				t.Errorf("Status changes is not the counter's exact difference over the interval: %s", exprs)
			}
		case "Flagged records":
			if p.Type != "table" {
				continue
			}
			if strings.Count(exprs, "accesswatch:flagged_record_") != 3 || strings.Contains(exprs, "accesswatch_presence_status{") {
				t.Errorf("the table does not read the recording rules: %s", exprs)
			}
			link := false
			for _, o := range p.FieldConfig.Overrides {
				for _, prop := range o.Properties {
					if prop.ID == "links" && strings.Contains(string(prop.Value), `${public_url}/countries/${__data.fields.country}/orgs/${__data.fields.org}`) {
						link = true
					}
				}
			}
			if !link {
				t.Error("the table's rows do not link to the record pages")
			}
		}
	}
}

// ruleFile is the part of a Prometheus rule file the tests look at.
type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Record      string            `yaml:"record"`
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func readYAML(t *testing.T, path string, into any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// Every alert and recording rule is exercised by the promtool unit tests;
// every alert has a severity and a category Alertmanager routes on, and a
// runbook_url pointing at its own section of docs/alerts.md; no alert
// carries a name (free text) in its labels.
func TestEveryRuleIsTestedAndDocumented(t *testing.T) {
	var rules ruleFile
	readYAML(t, filepath.Join(deployDir, "prometheus", "alerts.yml"), &rules)
	var tests struct {
		Tests []struct {
			PromQL []struct {
				Expr string `yaml:"expr"`
			} `yaml:"promql_expr_test"`
			Alerts []struct {
				Name      string `yaml:"alertname"`
				ExpAlerts []any  `yaml:"exp_alerts"`
			} `yaml:"alert_rule_test"`
		} `yaml:"tests"`
	}
	readYAML(t, filepath.Join(deployDir, "prometheus", "alerts_test.yml"), &tests)
	firing, queried := map[string]bool{}, ""
	for _, tc := range tests.Tests {
		for _, a := range tc.Alerts {
			if len(a.ExpAlerts) > 0 {
				firing[a.Name] = true
			}
		}
		for _, q := range tc.PromQL {
			queried += q.Expr + "\n"
		}
	}
	runbook, err := os.ReadFile("../../docs/alerts.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^## (Accesswatch[A-Za-z]+)$`).FindAllStringSubmatch(string(runbook), -1) {
		sections[m[1]] = true
	}
	alerts, records := 0, 0
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				records++
				if !regexp.MustCompile(regexp.QuoteMeta(r.Record) + `\b`).MatchString(queried) {
					t.Errorf("recording rule %s: no promql_expr_test queries it", r.Record)
				}
				continue
			}
			alerts++
			if !firing[r.Alert] {
				t.Errorf("alert %s: no test expects it to fire", r.Alert)
			}
			if !regexp.MustCompile(`^(critical|warning|info)$`).MatchString(r.Labels["severity"]) ||
				!regexp.MustCompile(`^(news|queue|service)$`).MatchString(r.Labels["category"]) {
				t.Errorf("alert %s: severity %q, category %q", r.Alert, r.Labels["severity"], r.Labels["category"])
			}
			want := "https://github.com/accesswatch/accesswatch/blob/main/docs/alerts.md#" + strings.ToLower(r.Alert)
			if r.Annotations["runbook_url"] != want {
				t.Errorf("alert %s: runbook_url %q, want %q", r.Alert, r.Annotations["runbook_url"], want)
			}
			if !sections[r.Alert] {
				t.Errorf("alert %s has no section \"## %s\" in docs/alerts.md", r.Alert, r.Alert)
			}
			if strings.Contains(r.Expr, "group_left (name)") || strings.Contains(r.Expr, "group_left(name)") {
				t.Errorf("alert %s puts a name in its labels: names change, identities must not", r.Alert)
			}
		}
	}
	if alerts < 12 || records < 12 {
		t.Errorf("%d alerts and %d recording rules found", alerts, records)
	}
	for s := range sections {
		if !strings.Contains(string(mustRead(t, filepath.Join(deployDir, "prometheus", "alerts.yml"))), "alert: "+s+"\n") {
			t.Errorf("docs/alerts.md has a section for %s, which is no alert", s)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
