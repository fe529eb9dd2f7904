package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// seededFile is a database file with the bundled cases and events that use
// every field of the events CSV.
func seededFile(t *testing.T) string {
	t.Helper()
	st, _ := storetest.OpenSeeded(t)
	if _, err := st.RecordEvents(context.Background(), storetest.RichEvents()); err != nil {
		t.Fatal(err)
	}
	return st.Path()
}

// mustRun runs a command that must succeed and returns its output.
func mustRun(t *testing.T, args ...string) []byte {
	t.Helper()
	env, out, errOut := testEnv(nil)
	if code := run(context.Background(), env, args); code != 0 {
		t.Fatalf("accesswatch %s: exit %d: %s", strings.Join(args, " "), code, errOut.String())
	}
	return out.Bytes()
}

func checksumOf(t *testing.T, path string) string {
	t.Helper()
	st, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	return storetest.Checksum(t, st)
}

func TestExportImportExportThroughTheCommandsIsByteIdentical(t *testing.T) {
	src := seededFile(t)
	first := mustRun(t, "export", "events", "--db", src)
	if !bytes.Contains(first, []byte("class_ban_announced")) || !bytes.Contains(first, []byte("test-relief")) {
		t.Fatal("export lacks class-level or rich events")
	}
	file := filepath.Join(t.TempDir(), "events.csv")
	if err := os.WriteFile(file, first, 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "empty.db") // created by import: countries only
	summary := string(mustRun(t, "import", file, "--db", empty))
	if !strings.Contains(summary, "events added, 0 duplicates skipped") {
		t.Errorf("summary %q", summary)
	}
	second := mustRun(t, "export", "--db", empty, "events")
	if !bytes.Equal(first, second) {
		t.Error("export → import → export differs")
	}
	again := string(mustRun(t, "import", "--db", empty, file))
	if !strings.Contains(again, " 0 events added") {
		t.Errorf("second import: %q", again)
	}
	if third := mustRun(t, "export", "events", "--db", empty); !bytes.Equal(first, third) {
		t.Error("importing twice changed the export")
	}
}

func TestImportCommandReportsEveryProblemAndChangesNothing(t *testing.T) {
	db := seededFile(t)
	before := checksumOf(t, db)
	file := filepath.Join(t.TempDir(), "bad.csv")
	content := "country_code,org_slug,org_name,org_type,date,event_type,status_after,source_publisher,source_url\n" +
		"XXX,test-b,Test B,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/2\n" +
		"NER,test-c,Test C,ingo,2025-02-30,authorisation_withdrawn,gone,AP,https://a.example.org/3\n" +
		"NER,test-d,Test D,ingo,2025-01-02,staff_departed,,AP,https://a.example.org/4\n" +
		"NER,test-e,,ingo,2025-01-02,staff_departed,,AP,javascript:alert(1)\n"
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	env, out, errOut := testEnv(nil)
	if code := run(context.Background(), env, []string{"import", file, "--db", db}); code != 1 {
		t.Errorf("exit %d", code)
	}
	want := []string{
		"line 2, column A (country_code): Country: no country has this code.",
		"line 3, column E (date): Date: use YYYY, YYYY-MM or YYYY-MM-DD (a real calendar date).",
		"line 3, column G (status_after): New status: choose one of the listed values.",
		"line 5, column C (org_name): Name: this is required.",
		"line 5, column I (source_url): Source URL: use a full web address starting with http:// or https://.",
		"accesswatch import: 5 problems in the file; nothing was imported.",
	}
	if got := strings.TrimSpace(errOut.String()); got != strings.Join(want, "\n") {
		t.Errorf("stderr:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if out.Len() != 0 {
		t.Errorf("stdout: %q", out.String())
	}
	if checksumOf(t, db) != before {
		t.Error("a rejected import changed the database")
	}

	// A dry run of a good file writes nothing either.
	good := filepath.Join(t.TempDir(), "good.csv")
	os.WriteFile(good, []byte("country_code,date,event_type,source_publisher,source_url\nMLI,2024-05,class_ban_announced,AP,https://a.example.org/9\n"), 0o600)
	if got := string(mustRun(t, "import", good, "--dry-run", "--db", db)); !strings.Contains(got, "1 event would be added") {
		t.Errorf("dry run: %q", got)
	}
	if checksumOf(t, db) != before {
		t.Error("a dry run changed the database")
	}
	// From standard input, with an actor for the audit log.
	env, out, errOut = testEnv(nil)
	env.stdin = strings.NewReader("country_code,date,event_type,source_publisher,source_url\nMLI,2024-05,class_ban_announced,AP,https://a.example.org/9\n")
	if code := run(context.Background(), env, []string{"import", "-", "--actor", "editor7", "--db", db}); code != 0 || !strings.Contains(out.String(), "1 event added") {
		t.Errorf("stdin: exit %d %q %q", code, out.String(), errOut.String())
	}
}

func TestExportCommandFiltersAndRefusals(t *testing.T) {
	db := seededFile(t)
	out := mustRun(t, "export", "records", "--status", "expelled", "--status", "banned", "--flagged", "--db", db)
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil || len(rows) < 4 || rows[1][0] != "#country+code" {
		t.Fatalf("records export: %v, %d rows", err, len(rows))
	}
	for _, r := range rows[2:] {
		if (r[7] != "expelled" && r[7] != "banned") || r[8] != "true" {
			t.Errorf("row %v", r)
		}
	}
	events := mustRun(t, "export", "events", "--country", "NER", "--since", "2025", "--db", db)
	if n := bytes.Count(events, []byte("\r\nNER,")); n < 4 || bytes.Contains(events, []byte("\r\nSDN,")) {
		t.Errorf("events export: %d NER rows", n)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export", "people", "--db", db}, 2, "records, events or class-measures"},
		{[]string{"export", "--db", db}, 2, "missing argument"},
		{[]string{"export", "records", "--country", "XXX", "--db", db}, 2, `no country has the code "XXX"`},
		{[]string{"export", "records", "--since", "2025", "--db", db}, 2, "--since: the records export does not take this filter"},
		{[]string{"export", "events", "--updated-since", "2025-01-01", "--db", db}, 2, "--updated-since: the events export does not take this filter"},
		{[]string{"export", "events", "--type", "charity", "--db", db}, 2, `--type: "charity" is not an organisation type`},
		{[]string{"export", "events", "--event", "charity", "--db", db}, 2, `--event: "charity" is not an event type`},
		{[]string{"export", "events", "--region", "Atlantis", "--db", db}, 2, `--region: "Atlantis" is not a region`},
		{[]string{"export", "events", "--org", "nobody", "--db", db}, 2, `no organisation has the short name "nobody"`},
		{[]string{"export", "events", "--since", "June 2025", "--db", db}, 2, `--since: "June 2025" is not a date`},
		{[]string{"export", "events", "--since", "2025", "--until", "2024", "--db", db}, 2, "--until: the range ends before it starts"},
		{[]string{"export", "records", "--country", "NER", "--country", "MLI", "--db", db}, 2, "--country: give it once"},
		{[]string{"export", "events", "--q", strings.Repeat("x", 101), "--db", db}, 2, "--q: give at most 100 characters"},
		{[]string{"export", "events", "--db", filepath.Join(t.TempDir(), "none.db")}, 1, "no database"},
		{[]string{"import", "--db", db}, 2, "missing argument"},
		{[]string{"import", "/no/such/file.csv", "--db", db}, 1, "no such file"},
		{[]string{"backup", "--db", db}, 2, "missing argument"},
	} {
		env, _, errOut := testEnv(nil)
		if code := run(context.Background(), env, tc.args); code != tc.code || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%v: exit %d %q; want %d and %q", tc.args, code, errOut.String(), tc.code, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(t.TempDir(), "none.db")); err == nil {
		t.Error("export created a database")
	}
	// An event type under --type still works for one release, with a warning.
	env, stdout, errOut := testEnv(nil)
	if code := run(context.Background(), env, []string{"export", "events", "--type", "offices_closed", "--db", db}); code != 0 ||
		!strings.Contains(errOut.String(), "--type with an event type is deprecated") || !bytes.Contains(stdout.Bytes(), []byte(",offices_closed,")) {
		t.Errorf("--type offices_closed: exit %d %q", code, errOut.String())
	}
}

func TestExportCommandWritesWhatTheServerServes(t *testing.T) {
	db := seededFile(t)
	base, stop := startServer(t, Config{Addr: "127.0.0.1:0", DB: db})
	defer stop()
	// Every filter, under its query parameter and its flag: the command
	// turns its flags into the same query (it knows no HTTP), so this is
	// what keeps the flag names and the parameter names in step. Each
	// filtered case but those marked all must select other rows than no
	// filter at all, so that a flag the command dropped could not pass
	// unnoticed.
	whole := map[string][]byte{}
	for _, tc := range []struct {
		kind, query string
		flags       []string
		all         bool // selects every row of the seeded database
	}{
		{"records", "", nil, false},
		{"events", "", nil, false},
		{"records", "country=NER", []string{"--country", "NER"}, false},
		{"events", "country=NER", []string{"--country", "NER"}, false},
		{"records", "org=icrc", []string{"--org", "icrc"}, false},
		{"events", "org=icrc", []string{"--org", "icrc"}, false},
		{"records", "status=expelled&status=banned", []string{"--status", "expelled", "--status", "banned"}, false},
		{"events", "status=expelled&status=suspended", []string{"--status", "expelled", "--status", "suspended"}, false},
		{"records", "flagged=true", []string{"--flagged"}, false},
		{"events", "flagged=1", []string{"--flagged"}, false},
		{"records", "status=expelled&status=banned&flagged=true", []string{"--status", "expelled", "--status", "banned", "--flagged"}, false},
		{"records", "region=africa", []string{"--region", "africa"}, false},
		{"events", "region=Asia", []string{"--region", "asia"}, false},
		{"records", "updated_since=2020-01-01", []string{"--updated-since", "2020-01-01"}, true}, // seeded today
		{"records", "updated_since=2100-01-01T00:00:00Z", []string{"--updated-since", "2100-01-01T00:00:00Z"}, false},
		{"events", "type=red_cross_red_crescent", []string{"--type", "red_cross_red_crescent"}, false},
		{"events", "type=national_ngo&country=NER", []string{"--type", "national_ngo", "--country", "NER"}, false},
		{"events", "event=offices_closed&event=order_to_leave_issued", []string{"--event", "offices_closed", "--event", "order_to_leave_issued"}, false},
		// The old spelling of the event filter, kept for one release.
		{"events", "type=offices_closed&type=order_to_leave_issued", []string{"--type", "offices_closed", "--type", "order_to_leave_issued"}, false},
		{"events", "since=2024&until=2025-06", []string{"--since", "2024", "--until", "2025-06"}, false},
		{"events", "since=2025-06-05", []string{"--since", "2025-06-05"}, false},
		{"events", "until=2020", []string{"--until", "2020"}, false},
		{"events", "q=toumba", []string{"--q", "toumba"}, false},
		// A label in French selects what the site selects (issue 18).
		{"records", "q=expuls%C3%A9", []string{"--q", "expulsé"}, false},
		{"events", "q=fermeture", []string{"--q", "fermeture"}, false},
		{"events", "country=NER&org=icrc&region=africa&type=red_cross_red_crescent&since=2025&until=2025-12&q=icrc",
			[]string{"--country", "NER", "--org", "icrc", "--region", "africa", "--type", "red_cross_red_crescent",
				"--since", "2025", "--until", "2025-12", "--q", "icrc"}, false},
	} {
		resp, err := http.Get(base + "/export/" + tc.kind + ".csv?" + tc.query)
		if err != nil {
			t.Fatal(err)
		}
		served, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s?%s: %d %s", tc.kind, tc.query, resp.StatusCode, served)
		}
		if tc.query == "" {
			whole[tc.kind] = served
		} else if bytes.Equal(served, whole[tc.kind]) != tc.all {
			t.Errorf("%s?%s selects every row: %v; want %v", tc.kind, tc.query, !tc.all, tc.all)
		}
		cli := mustRun(t, append([]string{"export", tc.kind, "--db", db}, tc.flags...)...)
		if !bytes.Equal(cli, served) {
			t.Errorf("%s?%s: the command's output (%d bytes) and /export/%s.csv (%d bytes) differ", tc.kind, tc.query, len(cli), tc.kind, len(served))
		}
	}
}

func TestBackupCommand(t *testing.T) {
	db := seededFile(t)
	// The server holds the database open (and could be writing) meanwhile.
	base, stop := startServer(t, Config{Addr: "127.0.0.1:0", DB: db})
	defer stop()
	if resp, err := http.Get(base + "/api/v1/records"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("server: %v", err)
	}
	dest := filepath.Join(t.TempDir(), "backup.db")
	out := string(mustRun(t, "backup", dest, "--db", db))
	if !strings.Contains(out, "integrity_check: ok") {
		t.Errorf("output %q", out)
	}
	if err := store.CheckIntegrity(context.Background(), dest); err != nil {
		t.Fatal(err)
	}
	if checksumOf(t, dest) != checksumOf(t, db) {
		t.Error("the backup holds other data than the database")
	}
	env, _, errOut := testEnv(nil)
	if code := run(context.Background(), env, []string{"backup", dest, "--db", db}); code != 1 || !strings.Contains(errOut.String(), "already exists") {
		t.Errorf("backup over an existing file: exit %d %q", code, errOut.String())
	}
	env, _, errOut = testEnv(nil)
	if code := run(context.Background(), env, []string{"backup", filepath.Join(t.TempDir(), "b.db"), "--db", filepath.Join(t.TempDir(), "none.db")}); code != 1 || !strings.Contains(errOut.String(), "no database") {
		t.Errorf("backup of nothing: exit %d %q", code, errOut.String())
	}
}
