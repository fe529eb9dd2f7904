// Package deploy holds the deployment files (Prometheus rules, Alertmanager
// configuration, Grafana provisioning, the compose file) and their tests:
// each file checked by its own tool where one is installed, and the
// compose file's structure checked here, as no Docker engine runs in CI.
package deploy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/accesswatch/accesswatch/internal/e2e"
)

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

const alertmanagerConfig = "alertmanager/alertmanager.yml"

// amConfig is the part of alertmanager.yml the tests read.
type amConfig struct {
	Route struct {
		Receiver string   `yaml:"receiver"`
		GroupBy  []string `yaml:"group_by"`
		Routes   []struct {
			Matchers []string `yaml:"matchers"`
			Receiver string   `yaml:"receiver"`
			GroupBy  []string `yaml:"group_by"`
		} `yaml:"routes"`
	} `yaml:"route"`
	Inhibit []struct {
		Source []string `yaml:"source_matchers"`
		Target []string `yaml:"target_matchers"`
		Equal  []string `yaml:"equal"`
	} `yaml:"inhibit_rules"`
	Receivers []struct {
		Name     string `yaml:"name"`
		Webhooks []struct {
			URL          string `yaml:"url"`
			SendResolved bool   `yaml:"send_resolved"`
		} `yaml:"webhook_configs"`
	} `yaml:"receivers"`
}

// amtool checks the configuration, and routes sample alerts (label sets as
// the rules make them) to the receivers the routing tree must pick.
func TestAlertmanagerConfigAndRoutes(t *testing.T) {
	_, amtool := e2e.Alertmanager(t)
	if out, err := exec.Command(amtool, "check-config", alertmanagerConfig).CombinedOutput(); err != nil {
		t.Fatalf("amtool check-config: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		labels   []string
		receiver string
	}{
		{[]string{"alertname=AccesswatchOrganisationExpelled", "severity=critical", "category=news", "country=NER", "org=icrc", "status=expelled"}, "pager-news"},
		{[]string{"alertname=AccesswatchClassMeasureImposed", "severity=critical", "category=news", "country=MLI", "status=banned"}, "pager-news"},
		{[]string{"alertname=AccesswatchOrganisationSuspended", "severity=warning", "category=news", "country=BFA", "org=msf"}, "chat-news"},
		{[]string{"alertname=AccesswatchPeopleLostRose", "severity=warning", "category=news", "country=NER", "basis=annual"}, "chat-news"},
		{[]string{"alertname=AccesswatchHistoryRecorded", "severity=info", "category=news", "country=SDN"}, "digest-news"},
		{[]string{"alertname=AccesswatchWorkQueue", "severity=info", "category=queue", "country=NER"}, "tickets"},
		{[]string{"alertname=AccesswatchDown", "severity=critical", "category=service", "instance=aw:8080"}, "pager"},
		{[]string{"alertname=AccesswatchDatabaseNotReady", "severity=critical", "category=service"}, "pager"},
		{[]string{"alertname=AccesswatchAvailabilityBudgetBurn", "severity=critical", "category=service", "slo=public", "window=1h"}, "pager"},
		{[]string{"alertname=AccesswatchLatencyBudgetBurn", "severity=warning", "category=service", "slo=public", "window=6h"}, "chat"},
		{[]string{"alertname=AccesswatchLatencyBudgetBurn", "severity=info", "category=service", "slo=metrics", "window=3d"}, "tickets"},
		{[]string{"alertname=SomethingElse", "severity=critical"}, "chat"},
	} {
		args := append([]string{"config", "routes", "test", "--config.file=" + alertmanagerConfig, "--verify.receivers=" + tc.receiver}, tc.labels...)
		out, err := exec.Command(amtool, args...).Output()
		if got := strings.TrimSpace(string(out)); err != nil || got != tc.receiver {
			t.Errorf("%v: routed to %q (%v), want %s", tc.labels, got, err, tc.receiver)
		}
	}
	// And the check can fail: a wrong expectation is reported.
	if err := exec.Command(amtool, "config", "routes", "test", "--config.file="+alertmanagerConfig, "--verify.receivers=pager",
		"severity=info", "category=queue").Run(); err == nil {
		t.Error("amtool accepted a queue alert routed to the pager")
	}
}

// News receivers never send "resolved" (it would read as "lifted"); the
// others do. Grouping is by country; an instance that is down silences
// its other alerts.
func TestAlertmanagerNewsNeverResolves(t *testing.T) {
	var c amConfig
	readYAML(t, alertmanagerConfig, &c)
	news := map[string]bool{}
	for _, r := range c.Route.Routes {
		if slices.Contains(r.Matchers, `category="news"`) {
			news[r.Receiver] = true
		}
	}
	if len(news) != 3 {
		t.Errorf("news receivers %v, want one per severity", news)
	}
	for _, r := range c.Receivers {
		if len(r.Webhooks) == 0 {
			t.Errorf("receiver %s has no placeholder webhook", r.Name)
		}
		for _, w := range r.Webhooks {
			if w.SendResolved == news[r.Name] {
				t.Errorf("receiver %s: send_resolved %v (news: %v)", r.Name, w.SendResolved, news[r.Name])
			}
			if !strings.HasPrefix(w.URL, placeholderReceiver) {
				t.Errorf("receiver %s: %s is not the placeholder", r.Name, w.URL)
			}
		}
	}
	for _, r := range c.Route.Routes {
		if r.Receiver == "digest-news" && !slices.Equal(r.GroupBy, []string{"alertname", "job"}) {
			t.Errorf("history notices grouped by %v: all countries' must make one notice", r.GroupBy)
		}
	}
	if !slices.Equal(c.Route.GroupBy, []string{"country"}) {
		t.Errorf("top-level group_by %v, want [country]", c.Route.GroupBy)
	}
	if len(c.Inhibit) != 1 || !slices.Contains(c.Inhibit[0].Source, `alertname="AccesswatchDown"`) || !slices.Contains(c.Inhibit[0].Equal, "instance") {
		t.Errorf("inhibit rules %+v", c.Inhibit)
	}
}

// placeholderReceiver is where the shipped receivers point: nowhere.
const placeholderReceiver = "http://alert-receiver.invalid:9095/"

// compose is the part of compose.yaml the test reads.
type compose struct {
	Services map[string]struct {
		Image string `yaml:"image"`
		Build *struct {
			Context    string            `yaml:"context"`
			Dockerfile string            `yaml:"dockerfile"`
			Args       map[string]string `yaml:"args"`
		} `yaml:"build"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		Volumes     []string          `yaml:"volumes"`
		DependsOn   []string          `yaml:"depends_on"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// The compose file: the four services, every bind-mounted file present,
// named volumes declared, every service's published port the one it
// listens on, and the addresses the configurations use (Prometheus'
// targets, Grafana's data source) those of the compose services.
func TestComposeStructure(t *testing.T) {
	var c compose
	readYAML(t, "compose.yaml", &c)
	for _, name := range []string{"accesswatch", "prometheus", "alertmanager", "grafana"} {
		if _, ok := c.Services[name]; !ok {
			t.Fatalf("compose.yaml has no %s service", name)
		}
	}
	aw := c.Services["accesswatch"]
	if aw.Build == nil {
		t.Fatal("accesswatch is not built from the Dockerfile")
	}
	dockerfile := filepath.Join(aw.Build.Context, aw.Build.Dockerfile)
	df, err := os.ReadFile(dockerfile)
	if err != nil {
		t.Fatalf("accesswatch build: %v", err)
	}
	for arg := range aw.Build.Args {
		if !regexp.MustCompile(`(?m)^ARG ` + arg + `\b`).Match(df) {
			t.Errorf("build arg %s is not an ARG of %s", arg, dockerfile)
		}
	}
	if _, ok := aw.Build.Args["REVISION"]; !ok {
		t.Error("compose does not pass REVISION to the image build")
	}
	if aw.Environment["ACCESSWATCH_PUBLIC_URL"] == "" {
		t.Error("accesswatch has no ACCESSWATCH_PUBLIC_URL: alerts would carry no links")
	}

	// What each service listens on inside the network.
	listen := map[string]string{"accesswatch": portOf(aw.Environment["ACCESSWATCH_ADDR"])}
	for _, name := range []string{"prometheus", "alertmanager"} {
		for _, arg := range c.Services[name].Command {
			if v, ok := strings.CutPrefix(arg, "--web.listen-address="); ok {
				listen[name] = portOf(v)
			}
		}
	}
	listen["grafana"] = "3000" // Grafana's default; the compose file does not change it
	for name, s := range c.Services {
		if listen[name] == "" {
			t.Errorf("%s: listening port unknown", name)
		}
		if len(s.Ports) != 1 || !strings.HasSuffix(s.Ports[0], ":"+listen[name]) {
			t.Errorf("%s publishes %v, but listens on %s", name, s.Ports, listen[name])
		}
		for _, d := range s.DependsOn {
			if _, ok := c.Services[d]; !ok {
				t.Errorf("%s depends on %s, which is no service", name, d)
			}
		}
		for _, v := range s.Volumes {
			parts := strings.Split(v, ":")
			if len(parts) < 2 {
				t.Errorf("%s: volume %q", name, v)
				continue
			}
			src := parts[0]
			if strings.HasPrefix(src, ".") || strings.HasPrefix(src, "/") {
				if _, err := os.Stat(src); err != nil {
					t.Errorf("%s mounts %s: %v", name, src, err)
				}
			} else if _, ok := c.Volumes[src]; !ok {
				t.Errorf("%s uses volume %s, which is not declared", name, src)
			}
		}
	}

	// Files named inside the containers exist in what is mounted.
	mounted := func(service, inside string) string {
		for _, v := range c.Services[service].Volumes {
			parts := strings.Split(v, ":")
			if rel, ok := strings.CutPrefix(inside, parts[1]); ok && strings.HasPrefix(parts[0], ".") {
				return filepath.Join(parts[0], rel)
			}
		}
		t.Errorf("%s: nothing mounted at %s", service, inside)
		return ""
	}
	var promConfig, amConfigFile string
	for _, arg := range c.Services["prometheus"].Command {
		if v, ok := strings.CutPrefix(arg, "--config.file="); ok {
			promConfig = mounted("prometheus", v)
		}
	}
	for _, arg := range c.Services["alertmanager"].Command {
		if v, ok := strings.CutPrefix(arg, "--config.file="); ok {
			amConfigFile = mounted("alertmanager", v)
		}
	}
	if filepath.Clean(amConfigFile) != filepath.Clean(alertmanagerConfig) {
		t.Errorf("compose's Alertmanager reads %s, not the shipped %s", amConfigFile, alertmanagerConfig)
	}
	var prom struct {
		RuleFiles []string `yaml:"rule_files"`
		Alerting  struct {
			Alertmanagers []struct {
				StaticConfigs []struct {
					Targets []string `yaml:"targets"`
				} `yaml:"static_configs"`
			} `yaml:"alertmanagers"`
		} `yaml:"alerting"`
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	readYAML(t, promConfig, &prom)
	if !slices.Contains(prom.RuleFiles, "alerts.yml") || filepath.Dir(promConfig) != "prometheus" {
		t.Errorf("compose's Prometheus (%s) does not load the shipped prometheus/alerts.yml: %v", promConfig, prom.RuleFiles)
	}
	if len(prom.Alerting.Alertmanagers) != 1 || !slices.Equal(prom.Alerting.Alertmanagers[0].StaticConfigs[0].Targets, []string{"alertmanager:" + listen["alertmanager"]}) {
		t.Errorf("Prometheus' Alertmanager targets %+v", prom.Alerting)
	}
	if len(prom.ScrapeConfigs) != 1 || prom.ScrapeConfigs[0].JobName != "accesswatch" ||
		!slices.Equal(prom.ScrapeConfigs[0].StaticConfigs[0].Targets, []string{"accesswatch:" + listen["accesswatch"]}) {
		t.Errorf("Prometheus scrapes %+v, want job accesswatch at accesswatch:%s", prom.ScrapeConfigs, listen["accesswatch"])
	}
	var ds struct {
		Datasources []struct {
			UID string `yaml:"uid"`
			URL string `yaml:"url"`
		} `yaml:"datasources"`
	}
	readYAML(t, mounted("grafana", "/etc/grafana/provisioning/datasources/prometheus.yml"), &ds)
	if len(ds.Datasources) != 1 || ds.Datasources[0].URL != "http://prometheus:"+listen["prometheus"] {
		t.Errorf("Grafana's data source %+v, want http://prometheus:%s", ds.Datasources, listen["prometheus"])
	}
	var dashProv struct {
		Providers []struct {
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	readYAML(t, mounted("grafana", "/etc/grafana/provisioning/dashboards/accesswatch.yml"), &dashProv)
	if len(dashProv.Providers) != 1 {
		t.Fatalf("dashboard providers %+v", dashProv.Providers)
	}
	if _, err := os.Stat(filepath.Join(mounted("grafana", dashProv.Providers[0].Options.Path), "accesswatch.json")); err != nil {
		t.Errorf("Grafana's dashboard path %s holds no accesswatch.json: %v", dashProv.Providers[0].Options.Path, err)
	}
}

// portOf returns the port of host:port.
func portOf(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	return port
}

// Every Prometheus configuration shipped passes promtool, rules included.
func TestPrometheusConfigs(t *testing.T) {
	_, promtool := e2e.Prometheus(t)
	for _, f := range []string{"prometheus.yml", "prometheus-compose.yml"} {
		cmd := exec.Command(promtool, "check", "config", f)
		cmd.Dir = "prometheus"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool check config %s: %v\n%s", f, err, out)
		}
	}
}

// The Dockerfile's build command, run as the image build runs it (its
// -ldflags, with VERSION and REVISION set as build arguments set them),
// makes a binary that reports the revision in `accesswatch version` and in
// accesswatch_build_info.
func TestDockerfileRevisionArgument(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	df, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`go build -ldflags "([^"]+)"`).FindSubmatch(df)
	if m == nil {
		t.Fatal("no `go build -ldflags` in the Dockerfile")
	}
	const revision = "0123456789abcdef0123456789abcdef01234567"
	ldflags := strings.NewReplacer("${VERSION}", "v0.0.0-test", "${REVISION}", revision).Replace(string(m[1]))
	bin := filepath.Join(t.TempDir(), "accesswatch")
	build := exec.Command("go", "build", "-ldflags", ldflags, "-o", bin, "../cmd/accesswatch")
	build.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -ldflags %q: %v\n%s", ldflags, err, out)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "v0.0.0-test (revision "+revision) {
		t.Errorf("accesswatch version: %v\n%s", err, out)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	serve := exec.CommandContext(ctx, bin, "serve", "--addr", addr, "--db", filepath.Join(t.TempDir(), "aw.db"))
	var log bytes.Buffer
	serve.Stdout, serve.Stderr = &log, &log
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = serve.Wait() }()
	want := fmt.Sprintf(`revision=%q`, revision)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			line := regexp.MustCompile(`(?m)^accesswatch_build_info\{.*$`).Find(body)
			if !bytes.Contains(line, []byte(want)) {
				t.Errorf("build info %q lacks %s", line, want)
			}
			return
		}
		if time.Now().After(deadline) {
			cancel()
			_ = serve.Wait() // the log is complete and no longer written
			t.Fatalf("server did not answer: %v\n%s", err, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
