package opendata_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// exportEvents writes every event of st as the events CSV.
func exportEvents(t testing.TB, st *store.Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := opendata.WriteEvents(context.Background(), st, store.ChangeFilter{}, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// seededWithRichEvents is the bundled data plus events that use every field.
func seededWithRichEvents(t testing.TB) *store.Store {
	t.Helper()
	st, _ := storetest.OpenSeeded(t)
	if _, err := st.RecordEvents(context.Background(), storetest.RichEvents()); err != nil {
		t.Fatal(err)
	}
	return st
}

func describe(err error) string {
	var ie *opendata.ImportError
	if !errors.As(err, &ie) {
		return fmt.Sprint(err)
	}
	var b strings.Builder
	for _, e := range ie.Errors {
		fmt.Fprintf(&b, "line %d %s(%s) %s/%s %s\n", e.Line, e.ColumnLetter(), e.Column, e.Problem.Field, e.Problem.Code, e.Detail)
	}
	return b.String()
}

func TestExportImportExportIsByteIdentical(t *testing.T) {
	ctx := context.Background()
	src := seededWithRichEvents(t)
	first := exportEvents(t, src)
	// The columns of data version 2 travel too: people affected (UNRWA's
	// closed schools: 800 students) and a stated deadline (1 Mar 2026).
	for _, want := range []string{"class_ban_announced", "test-relief", "https://news.example.org/a?x=1&y=2\r\nhttps://ngo.example.org/statement\r\n", "Niger",
		"#affected,#date+end", ",800,,", ",2026-03-01,"} {
		if !bytes.Contains(first, []byte(want)) {
			t.Fatalf("export lacks %q", want)
		}
	}
	_, total, err := src.Events(ctx, store.EventFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}

	dst, _ := storetest.OpenCountriesOnly(t)
	res, err := opendata.Import(ctx, dst, bytes.NewReader(first), opendata.ImportOptions{Actor: "import", Source: "events.csv"})
	if err != nil {
		t.Fatalf("import: %s", describe(err))
	}
	orgs, _ := src.Orgs(ctx)
	_, records, _ := src.Records(ctx, store.RecordFilter{Limit: 1})
	want := store.ImportResult{Rows: total, Added: total, OrgsCreated: len(orgs), RecordsCreated: records}
	if res != want {
		t.Errorf("import result %+v, want %+v", res, want)
	}
	second := exportEvents(t, dst)
	if !bytes.Equal(first, second) {
		t.Errorf("export → import → export differs:\n%s", firstDifference(first, second))
	}

	// Records derived from the imported events match the originals.
	a, _, _ := src.Records(ctx, store.RecordFilter{Sort: store.SortCountry})
	b, _, _ := dst.Records(ctx, store.RecordFilter{Sort: store.SortCountry})
	for i := range a {
		if a[i].CountryCode != b[i].CountryCode || a[i].OrgSlug != b[i].OrgSlug || a[i].RecordState.Status != b[i].RecordState.Status ||
			a[i].StatusSince != b[i].StatusSince || a[i].ReachLost() != b[i].ReachLost() || a[i].Version != b[i].Version {
			t.Errorf("record %d: %s/%s %s v%d vs %s/%s %s v%d", i, a[i].CountryCode, a[i].OrgSlug, a[i].Status, a[i].Version,
				b[i].CountryCode, b[i].OrgSlug, b[i].Status, b[i].Version)
		}
	}

	// The same file again adds nothing.
	again, err := opendata.Import(ctx, dst, bytes.NewReader(first), opendata.ImportOptions{Actor: "import"})
	if err != nil {
		t.Fatal(describe(err))
	}
	if again != (store.ImportResult{Rows: total, Duplicates: total}) {
		t.Errorf("second import: %+v", again)
	}
	if third := exportEvents(t, dst); !bytes.Equal(first, third) {
		t.Error("a second import changed the export")
	}
}

func firstDifference(a, b []byte) string {
	al, bl := strings.Split(string(a), "\r\n"), strings.Split(string(b), "\r\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n  %q\n  %q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines vs %d", len(al), len(bl))
}

const importHeader = "country_code,org_slug,org_name,org_type,date,event_type,status_after,source_publisher,source_url\r\n"

func TestImportReportsEveryProblemAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	st, _ := storetest.OpenSeeded(t)
	before := storetest.Checksum(t, st)
	file := importHeader +
		"NER,test-a,Test A,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/1\r\n" + // line 2: fine
		"XXX,test-b,Test B,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/2\r\n" + // 3: no such country
		"NER,test-c,Test C,ingo,2025-02-30,authorisation_withdrawn,gone,AP,https://a.example.org/3\r\n" + // 4: no 30 Feb; no status "gone"
		"MLI,,,,2024-05,class_ban_announced,,AP,https://a.example.org/4\r\n" + // 5: fine
		"QQQ,test-d,Test D,ingo,2024,staff_departed,,AP,ftp://a.example.org/5\r\n" // 6: no such country; not an http URL
	_, err := opendata.Import(ctx, st, strings.NewReader(file), opendata.ImportOptions{Actor: "import"})
	var ie *opendata.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want an ImportError", err)
	}
	var got []string
	for _, e := range ie.Errors {
		got = append(got, fmt.Sprintf("%d/%s/%s/%s", e.Line, e.ColumnLetter(), e.Column, e.Problem.Code))
	}
	want := []string{
		"3/A/country_code/unknown_value",
		"4/E/date/date_format",
		"4/G/status_after/unknown_value",
		"6/A/country_code/unknown_value",
		"6/I/source_url/not_http_url",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("problems\n got %v\nwant %v", got, want)
	}
	if after := storetest.Checksum(t, st); after != before {
		t.Error("a rejected import changed the database")
	}

	// The store-level check also runs on its own, for rows that read cleanly.
	clean := importHeader + "XXX,test-b,Test B,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/2\r\n"
	_, err = opendata.Import(ctx, st, strings.NewReader(clean), opendata.ImportOptions{Actor: "import"})
	if !errors.As(err, &ie) || len(ie.Errors) != 1 || ie.Errors[0].Line != 2 || ie.Errors[0].Column != "country_code" {
		t.Errorf("unknown country alone: %s", describe(err))
	}
	if after := storetest.Checksum(t, st); after != before {
		t.Error("a rejected import changed the database")
	}
}

func TestImportCountsIdentitiesAndCreatesWhatItNeeds(t *testing.T) {
	ctx := context.Background()
	st, _ := storetest.OpenCountriesOnly(t)
	row := "NER,test-a,Test A,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/1\r\n"
	other := "NER,test-a,Test A,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/other\r\n"
	class := "MLI,,,,2024-05,class_ban_announced,,AP,https://a.example.org/4\r\n"
	steps := []struct {
		file string
		want store.ImportResult
	}{
		{importHeader + row + row + class, store.ImportResult{Rows: 3, Added: 3, OrgsCreated: 1, RecordsCreated: 1}},
		{importHeader + row + row + class, store.ImportResult{Rows: 3, Duplicates: 3}},
		// A third copy of the row is new; so is another source for the same step.
		{importHeader + row + row + row + other, store.ImportResult{Rows: 4, Added: 2, Duplicates: 2}},
	}
	for i, step := range steps {
		res, err := opendata.Import(ctx, st, strings.NewReader(step.file), opendata.ImportOptions{Actor: "editor1", Source: "upload.csv"})
		if err != nil {
			t.Fatalf("step %d: %s", i, describe(err))
		}
		if res != step.want {
			t.Errorf("step %d: %+v, want %+v", i, res, step.want)
		}
	}
	rec, err := st.Record(ctx, "NER", "test-a")
	if err != nil || rec.Version != 4 || rec.Status != "banned" || rec.UpdatedBy != "editor1" {
		t.Errorf("record after imports: %+v %v", rec, err)
	}

	_, reader := st.Pools()
	var imports, byEditor int
	if err := reader.QueryRow(`SELECT COUNT(*), SUM(actor = 'editor1') FROM audit WHERE action = 'import' AND entity_key = 'upload.csv'`).Scan(&imports, &byEditor); err != nil {
		t.Fatal(err)
	}
	if imports != 3 || byEditor != 3 {
		t.Errorf("audit: %d import rows, %d by editor1", imports, byEditor)
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	ctx := context.Background()
	st, _ := storetest.OpenSeeded(t)
	before := storetest.Checksum(t, st)
	file := importHeader + "NER,test-a,Test A,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/1\r\n"
	res, err := opendata.Import(ctx, st, strings.NewReader(file), opendata.ImportOptions{Actor: "import", DryRun: true})
	if err != nil {
		t.Fatal(describe(err))
	}
	if res != (store.ImportResult{Rows: 1, Added: 1, OrgsCreated: 1, RecordsCreated: 1}) {
		t.Errorf("dry run: %+v", res)
	}
	if storetest.Checksum(t, st) != before {
		t.Error("a dry run changed the database")
	}
}

func TestImportRowLimit(t *testing.T) {
	st, _ := storetest.OpenCountriesOnly(t)
	file := importHeader + strings.Repeat("MLI,,,,2024-05,class_ban_announced,,AP,https://a.example.org/4\r\n", 3)
	_, err := opendata.Import(context.Background(), st, strings.NewReader(file), opendata.ImportOptions{Actor: "import", MaxRows: 2})
	if !errors.Is(err, opendata.ErrTooManyRows) {
		t.Errorf("got %v", err)
	}
}
