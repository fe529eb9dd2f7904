package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/auth"
	"github.com/accesswatch/accesswatch/internal/e2e"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// notification is what Alertmanager's webhook receiver gets.
type notification struct {
	Receiver    string            `json:"receiver"`
	Status      string            `json:"status"`
	GroupLabels map[string]string `json:"groupLabels"`
	Alerts      []struct {
		Status      string            `json:"status"`
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	} `json:"alerts"`
	received time.Time
}

// webhook is an httptest receiver that keeps every notification.
type webhook struct {
	mu   sync.Mutex
	got  []notification
	srv  *httptest.Server
	errs []string
}

func newWebhook(t *testing.T) *webhook {
	w := &webhook{}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var n notification
		err := json.NewDecoder(r.Body).Decode(&n)
		w.mu.Lock()
		defer w.mu.Unlock()
		if err != nil {
			w.errs = append(w.errs, err.Error())
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		// The path names the receiver (the shipped placeholders' paths).
		if "/"+n.Receiver != r.URL.Path {
			w.errs = append(w.errs, fmt.Sprintf("receiver %s posted to %s", n.Receiver, r.URL.Path))
		}
		n.received = time.Now()
		w.got = append(w.got, n)
	}))
	t.Cleanup(w.srv.Close)
	return w
}

// find returns the notifications to receiver that hold an alert whose
// labels include every given name=value pair.
func (w *webhook) find(receiver string, pairs ...string) []notification {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []notification
next:
	for _, n := range w.got {
		if n.Receiver != receiver {
			continue
		}
		for _, a := range n.Alerts {
			match := true
			for i := 0; i+1 < len(pairs); i += 2 {
				if a.Labels[pairs[i]] != pairs[i+1] {
					match = false
				}
			}
			if match {
				out = append(out, n)
				continue next
			}
		}
	}
	return out
}

func (w *webhook) dump() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var b strings.Builder
	for _, n := range w.got {
		fmt.Fprintf(&b, "%s %s %v:", n.Receiver, n.Status, n.GroupLabels)
		for _, a := range n.Alerts {
			fmt.Fprintf(&b, " %s%v", a.Labels["alertname"], a.Labels)
		}
		b.WriteString("\n")
	}
	b.WriteString(strings.Join(w.errs, "\n"))
	return b.String()
}

// testRules is the shipped alerts.yml with every `for:` shortened to two
// seconds, so that a test needs no hour of waiting; expressions, labels and
// annotations are the shipped ones (promtool tests the shipped durations).
func testRules(t *testing.T, dir string) {
	t.Helper()
	raw, err := os.ReadFile("../../deploy/prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	short := regexp.MustCompile(`(?m)^(\s+for:) \S+$`).ReplaceAll(raw, []byte("$1 2s"))
	if err := os.WriteFile(filepath.Join(dir, "alerts.yml"), short, 0o600); err != nil {
		t.Fatal(err)
	}
}

// testAlertmanagerConfig is the shipped alertmanager.yml with the
// placeholder receivers pointed at the webhook and the grouping waits
// shortened; the routing tree and inhibitions are the shipped ones.
func testAlertmanagerConfig(t *testing.T, dir, webhookURL string) string {
	t.Helper()
	raw, err := os.ReadFile("../../deploy/alertmanager/alertmanager.yml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.ReplaceAll(string(raw), "http://alert-receiver.invalid:9095", webhookURL)
	if cfg == string(raw) {
		t.Fatal("alertmanager.yml has no placeholder receiver URL to replace")
	}
	cfg = regexp.MustCompile(`(?m)^(\s+group_(wait|interval):) \S+$`).ReplaceAllString(cfg, "$1 1s")
	path := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startProcess runs a program until the test ends, its output kept for a
// failure's log, and waits for its /-/ready.
func startProcess(t *testing.T, name, base string, bin string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s output:\n%s", name, out.String())
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready at %s: %v", name, base, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// editorClient logs an editor in through the admin form and returns a
// client carrying the session, which posts forms as a browser on the site
// would (same origin).
type editorClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func (e editorClient) post(path string, form url.Values) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := e.c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func loginEditor(t *testing.T, st *store.Store, base string) editorClient {
	t.Helper()
	const password = "correct horse battery staple"
	h, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(context.Background(), store.NewUser{Name: "ed", Role: access.RoleEditor, PasswordHash: h}, "test"); err != nil {
		t.Fatal(err)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	e := editorClient{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	if resp := e.post("/admin/login", url.Values{"username": {"ed"}, "password": {password}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %s", resp.Status)
	}
	return e
}

// expulsionForm is the admin's new-record form: an organisation expelled
// from a country on a date, with a people figure.
func expulsionForm(country, org, date, people, basis string) url.Values {
	return url.Values{
		"country": {country}, "org": {org},
		"event_type": {"order_to_leave_issued"}, "status": {"expelled"}, "date": {date},
		"initiated_by": {"authority"}, "authority": {"Ministry of the Interior"}, "instrument": {"decree"},
		"reason": {""}, "reason_category": {""}, "people": {people}, "people_basis": {basis},
		"description": {"Expelled by decree"}, "source_url": {"https://news.example.org/" + country + "-" + org},
		"source_publisher": {"Example News"}, "source_title": {"Expelled"}, "source_type": {"news"},
	}
}

// The on-call path, end to end, with Debian's Prometheus and Alertmanager:
// accesswatch serving the bundled data, Prometheus scraping it every three
// seconds and evaluating every second with the shipped rules (durations shortened), Alertmanager with the
// shipped routing tree, and a webhook standing in for the receivers.
//
//   - An editor records a new expulsion through the admin form: within two
//     minutes the pager gets one alert naming the organisation and the
//     country, with the people figure and its basis, an absolute link to
//     the record and the runbook.
//   - An expulsion of 2009 recorded today pages no one: it gives one
//     low-severity notice for its country (Togo, which had no record: its
//     first change is seen).
//   - Twenty records due for review in two countries give one ticket per
//     country, not twenty.
func TestAlertsEndToEnd(t *testing.T) {
	promBin, _ := e2e.Prometheus(t)
	amBin, _ := e2e.Alertmanager(t)
	st, clock := storetest.OpenSeeded(t)
	clock.Advance(time.Since(clock.Now())) // Prometheus' time() is the wall clock
	ctx := context.Background()

	// Twenty records due for review: ten organisations in Chad and ten in
	// the Central African Republic, unconfirmed since 2020.
	orgs := []string{"acf", "acted", "actionaid", "adra", "care", "drc", "irc", "mercy-corps", "nrc", "oxfam"}
	var due []store.NewEvent
	for _, country := range []string{"TCD", "CAF"} {
		for _, org := range orgs {
			due = append(due, store.NewEvent{Event: access.Event{
				CountryCode: country, OrgSlug: org, Date: access.MustParseDate("2020-01-15"),
				Type: access.EventPresenceRecorded, StatusAfter: access.StatusOperating, InitiatedBy: access.InitiatedByOrganisation,
				Sources: []access.Source{{Publisher: "Example NGO", URL: "https://ngo.example.org/" + org, Type: access.SourceOrganisation}},
			}, ExpectedVersion: 0, Actor: "test"})
		}
	}
	if _, err := st.RecordEvents(ctx, due); err != nil {
		t.Fatal(err)
	}

	hook := newWebhook(t)
	srv := siteServer(t, st, Config{MetricsPerRecord: true, PublicURL: "https://access.example.org"})

	dir := t.TempDir()
	amAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	startProcess(t, "Alertmanager", "http://"+amAddr, amBin,
		"--config.file="+testAlertmanagerConfig(t, dir, hook.srv.URL),
		"--storage.path="+filepath.Join(dir, "am"),
		"--web.listen-address="+amAddr,
		"--cluster.listen-address=", // no gossip port: a single instance
		"--log.level=warn",
	)
	testRules(t, dir)
	// Scrapes every 3 s with as long a timeout: a scrape that times out
	// (under the race detector on a busy machine) would leave the domain
	// series stale and make the alerts resolve and fire again.
	config := fmt.Sprintf(`global:
  scrape_interval: 3s
  scrape_timeout: 3s
  evaluation_interval: 1s
rule_files: [alerts.yml]
alerting:
  alertmanagers:
    - static_configs:
        - targets: [%q]
scrape_configs:
  - job_name: accesswatch
    static_configs:
      - targets: [%q]
`, amAddr, strings.TrimPrefix(srv.URL, "http://"))
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	promAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	startProcess(t, "Prometheus", "http://"+promAddr, promBin,
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "prom"),
		"--web.listen-address="+promAddr,
		"--log.level=warn",
	)
	prom := &prometheusServer{url: "http://" + promAddr, out: &lockedBuffer{}}
	prom.waitFor(t, 60*time.Second, "a first scrape", func() (bool, string) {
		r := prom.query(t, `accesswatch_collector_success`)
		return len(r.Data.Result) == 1, fmt.Sprint(r.Data.Result)
	})

	// Nothing in the bundled data is recent: nobody is paged at start.
	time.Sleep(5 * time.Second)
	if n := hook.find("pager-news"); len(n) > 0 {
		t.Fatalf("paged for the bundled history:\n%s", hook.dump())
	}

	editor := loginEditor(t, st, srv.URL)
	today := clock.Now().UTC().Format(time.DateOnly)

	// A new expulsion, today, through the admin form.
	if resp := editor.post("/admin/records/new", expulsionForm("MLI", "icrc", today, "150000", "annual")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("record the expulsion: %s", resp.Status)
	}
	recorded := time.Now()
	var page notification
	prom.waitFor(t, 2*time.Minute, "the page for ICRC expelled from Mali", func() (bool, string) {
		ns := hook.find("pager-news", "alertname", "AccesswatchOrganisationExpelled", "country", "MLI", "org", "icrc")
		if len(ns) > 0 {
			page = ns[0]
		}
		return len(ns) > 0, hook.dump()
	})
	t.Logf("paged %s after the editor saved the form", page.received.Sub(recorded).Round(time.Millisecond))
	if len(page.Alerts) != 1 || page.Status != "firing" {
		t.Fatalf("the page holds %d alerts, status %s:\n%s", len(page.Alerts), page.Status, hook.dump())
	}
	a := page.Alerts[0]
	for name, want := range map[string]string{
		"organisation": "International Committee of the Red Cross",
		"country_name": "Mali",
		"status":       "expelled",
		"since":        today,
		"people":       "150000 people reached (annual figure)",
		"record_url":   "https://access.example.org/countries/MLI/orgs/icrc",
		"runbook_url":  "https://github.com/accesswatch/accesswatch/blob/main/docs/alerts.md#accesswatchorganisationexpelled",
		"summary":      "International Committee of the Red Cross expelled from Mali",
	} {
		if a.Annotations[name] != want {
			t.Errorf("annotation %s = %q, want %q", name, a.Annotations[name], want)
		}
	}
	if _, ok := a.Labels["name"]; ok || a.Labels["severity"] != "critical" {
		t.Errorf("labels %v: a name must not be part of the alert's identity; severity critical", a.Labels)
	}
	// The record link is the record's page on the server (under its own
	// address here, as the test serves no access.example.org).
	if resp, err := http.Get(srv.URL + strings.TrimPrefix(a.Annotations["record_url"], "https://access.example.org")); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("record link: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	// An expulsion of 2009, entered today: one low-severity notice for
	// Togo, and no page. Togo had no record and no event: the notice also
	// shows that increase() sees a country's first status change (its
	// counter had a zero series).
	if resp := editor.post("/admin/records/new", expulsionForm("TGO", "msf", "2009-05-01", "", "")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("record the 2009 expulsion: %s", resp.Status)
	}
	prom.waitFor(t, 2*time.Minute, "the history notice for Togo", func() (bool, string) {
		return len(hook.find("digest-news", "alertname", "AccesswatchHistoryRecorded", "country", "TGO")) > 0, hook.dump()
	})
	time.Sleep(3 * time.Second) // a page, if the rules made one, would have come with the notice
	if ns := hook.find("pager-news", "country", "TGO"); len(ns) > 0 {
		t.Errorf("the 2009 expulsion paged:\n%s", hook.dump())
	}
	notice := hook.find("digest-news", "country", "TGO")
	if len(notice) != 1 || notice[0].Alerts[0].Labels["severity"] != "info" || notice[0].Alerts[0].Annotations["country_name"] != "Togo" {
		t.Errorf("history notices for Togo:\n%s", hook.dump())
	}

	// Twenty records due for review: one ticket per country.
	prom.waitFor(t, 2*time.Minute, "the work-queue tickets for Chad and the Central African Republic", func() (bool, string) {
		return len(hook.find("tickets", "country", "TCD")) > 0 && len(hook.find("tickets", "country", "CAF")) > 0, hook.dump()
	})
	time.Sleep(3 * time.Second) // room for a second notification, if there were to be one
	for _, country := range []string{"TCD", "CAF"} {
		ns := hook.find("tickets", "country", country)
		if len(ns) != 1 || len(ns[0].Alerts) != 1 {
			t.Errorf("%s: %d ticket notifications, want 1:\n%s", country, len(ns), hook.dump())
			continue
		}
		got := ns[0].Alerts[0]
		if got.Labels["alertname"] != "AccesswatchWorkQueue" || got.Labels["severity"] != "info" || got.Annotations["due_for_review"] != "10" ||
			!strings.HasSuffix(got.Annotations["record_url"], "/countries/"+country) {
			t.Errorf("%s ticket: %v %v", country, got.Labels, got.Annotations)
		}
	}
	// Every country's work queue is one notification, whatever its size.
	hook.mu.Lock()
	perCountry := map[string]int{}
	for _, n := range hook.got {
		if n.Receiver == "tickets" {
			perCountry[n.GroupLabels["country"]]++
		}
	}
	hook.mu.Unlock()
	for country, n := range perCountry {
		if n != 1 {
			t.Errorf("%s: %d ticket notifications", country, n)
		}
	}
	if len(hook.errs) > 0 || !slices.Contains(keys(perCountry), "TCD") {
		t.Errorf("webhook: %v", hook.dump())
	}
}

func keys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
