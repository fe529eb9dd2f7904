package dataset

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
)

func TestNeutraliseAndBack(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"plain":                  "plain",
		`=HYPERLINK("http://x")`: `'=HYPERLINK("http://x")`,
		"+SUM(1)":                "'+SUM(1)",
		"-1+1":                   "'-1+1",
		"@A1":                    "'@A1",
		"\tx":                    "'\tx",
		"\rx":                    "'\rx",
		"'=x":                    "''=x",
		"''@x":                   "'''@x",
		"'plain":                 "'plain",
		"'":                      "'",
		"a=b":                    "a=b",
		" =x":                    " =x",
		"#hashtag":               "#hashtag",
	} {
		if got := neutralise(in); got != want {
			t.Errorf("neutralise(%q) = %q, want %q", in, got, want)
		}
		if back := unneutralise(neutralise(in)); back != in {
			t.Errorf("unneutralise(neutralise(%q)) = %q", in, back)
		}
	}
	// A hand-made file may protect a formula itself: the apostrophe goes.
	if got := unneutralise("'=x"); got != "=x" {
		t.Errorf("unneutralise('=x) = %q", got)
	}
}

// formulaRows are the bundled events with formula-like text in every kind
// of text cell.
func formulaRows(t *testing.T) []EventRow {
	var rows []EventRow // three events of organisations (the file opens with class-level measures)
	for _, r := range seed(t) {
		if !r.Event.ClassLevel() && len(rows) < 3 {
			rows = append(rows, r)
		}
	}
	rows[0].Event.Authority = `=HYPERLINK("http://x")`
	rows[0].Event.Reason = "+SUM(1)"
	rows[0].Event.Description = "-1+1"
	rows[0].Org.Name = "@A1"
	rows[1].Event.Sources = []access.Source{
		{Publisher: "=1+2", URL: "https://a.example/1", Title: "'=quoted already", Type: access.SourceNews},
		{Publisher: "@B2", URL: "https://b.example/2", Type: access.SourceNews},
	}
	rows[2].Event.Description = "@SUM(1)\n=second line" // only the cell's start matters
	return rows
}

func TestFormulaCellsAreWrittenAsText(t *testing.T) {
	rows := formulaRows(t)
	var buf bytes.Buffer
	if err := WriteEvents(&buf, rows, true); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := recs[0]
	for _, rec := range recs[2:] {
		for i, cell := range rec {
			if cell != "" && formulaStart(cell[0]) {
				t.Errorf("column %s starts a formula: %q", header[i], cell)
			}
			if numericColumns[header[i]] && strings.HasPrefix(cell, "'") {
				t.Errorf("numeric column %s prefixed: %q", header[i], cell)
			}
		}
	}
	for _, want := range []string{`'=HYPERLINK(""http://x"")`, "'+SUM(1)", "'-1+1", "'@A1", "'=1+2\r\n@B2", "''=quoted already"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("export lacks %q", want)
		}
	}

	back, err := ReadEvents(bytes.NewReader(buf.Bytes()), now, 0)
	if err != nil {
		t.Fatalf("read back: %s", describe(err))
	}
	if e := back[0].Event; e.Authority != rows[0].Event.Authority || e.Reason != "+SUM(1)" || e.Description != "-1+1" || back[0].Org.Name != "@A1" {
		t.Errorf("read back: %+v %+v", e, back[0].Org)
	}
	if s := back[1].Event.Sources; s[0].Publisher != "=1+2" || s[0].Title != "'=quoted already" || s[1].Publisher != "@B2" {
		t.Errorf("sources read back: %+v", s)
	}
	var again bytes.Buffer
	if err := WriteEvents(&again, back, true); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Errorf("write → read → write differs:\n%s\n---\n%s", buf.String(), again.String())
	}
}

func TestRecordsExportNeutralisesFormulas(t *testing.T) {
	rows := []RecordRow{{
		Record: access.Record{CountryCode: "NER", OrgSlug: "x", Summary: "=cmd|' /C calc'!A0",
			RecordState: access.RecordState{Status: access.StatusSuspended, Reach: &access.Reach{People: 12, Basis: access.ReachAnnual}}},
		Org: access.Org{Slug: "x", Name: "+x", Type: access.OrgINGO},
	}}
	var buf bytes.Buffer
	if err := WriteRecords(&buf, rows, false); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]string{}
	for i, h := range recs[0] {
		cells[h] = recs[1][i]
	}
	if cells["summary"] != "'=cmd|' /C calc'!A0" || cells["org_name"] != "'+x" || cells["people_reached"] != "12" {
		t.Errorf("records row: %v", cells)
	}
}

// TestImportRefusesInvisibleCharacters: a bidirectional override or a
// noncharacter in a text cell is reported at its line and column.
func TestImportRefusesInvisibleCharacters(t *testing.T) {
	rows := seed(t)[:2]
	rows[0].Event.Authority = "Ministry \u202Eyrtsinim"
	rows[1].Event.Description = "bad \uFFFE"
	var buf bytes.Buffer
	if err := WriteEvents(&buf, rows, false); err != nil {
		t.Fatal(err)
	}
	_, err := ReadEvents(&buf, now, 0)
	got := describe(err)
	for _, want := range []string{"authority/authority/" + access.CodeInvisibleChars, "description/description/" + access.CodeInvisibleChars} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %q lack %q", got, want)
		}
	}
}
