package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/e2e"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// formulaFile is a database holding the bundled cases and events whose
// text fields look like spreadsheet formulas.
func formulaFile(t *testing.T) string {
	t.Helper()
	st, _ := storetest.OpenSeeded(t)
	if _, err := st.RecordEvents(context.Background(), storetest.FormulaEvents()); err != nil {
		t.Fatal(err)
	}
	return st.Path()
}

func TestFormulaTextSurvivesExportImportExport(t *testing.T) {
	src := formulaFile(t)
	first := mustRun(t, "export", "events", "--db", src)
	for _, want := range []string{`'=HYPERLINK(""http://x"")`, "'+SUM(1)", "'-1+1", "'@A1", "''=already quoted"} {
		if !bytes.Contains(first, []byte(want)) {
			t.Errorf("the events export lacks %q", want)
		}
	}
	records := mustRun(t, "export", "records", "--db", src)
	if !bytes.Contains(records, []byte(`'=HYPERLINK(""http://x"")`)) || !bytes.Contains(records, []byte(",'@A1,")) {
		t.Error("the records export does not neutralise the organisation's name and acronym")
	}
	file := filepath.Join(t.TempDir(), "events.csv")
	if err := os.WriteFile(file, first, 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "empty.db")
	mustRun(t, "import", file, "--db", empty)
	if second := mustRun(t, "export", "events", "--db", empty); !bytes.Equal(first, second) {
		t.Error("export → import → export differs")
	}
}

// TestSpreadsheetOpensFormulaCellsAsText opens both exports in LibreOffice
// (headless, converting CSV to CSV: what Calc shows is what it writes back)
// and checks every formula-like cell comes back as the text itself, not as
// a formula's result. As a control, the same values written without the
// protection must come back changed, or the test could not tell.
func TestSpreadsheetOpensFormulaCellsAsText(t *testing.T) {
	soffice := e2e.Soffice(t)
	src := formulaFile(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	if err := os.Mkdir(in, 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(in, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var control bytes.Buffer
	cw := csv.NewWriter(&control)
	_ = cw.Write(storetest.FormulaTexts)
	cw.Flush()
	files := map[string][]byte{
		"events.csv":  mustRun(t, "export", "events", "--db", src),
		"records.csv": mustRun(t, "export", "records", "--db", src),
		"control.csv": control.Bytes(),
	}
	args := []string{"--headless", "--norestore", "-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
		"--convert-to", "csv", "--outdir", filepath.Join(dir, "out")}
	for name, data := range files {
		args = append(args, write(name, data))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	read := func(name string) [][]string {
		data, err := os.ReadFile(filepath.Join(dir, "out", name))
		if err != nil {
			t.Fatalf("LibreOffice wrote no %s: %v", name, err)
		}
		recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatalf("%s as LibreOffice wrote it: %v", name, err)
		}
		return recs
	}

	if got := read("control.csv"); len(got) != 1 || got[0][0] == storetest.FormulaTexts[0] {
		t.Fatalf("LibreOffice did not evaluate an unprotected formula (%q), so this test cannot tell text from formulas", got)
	}

	for _, name := range []string{"events.csv", "records.csv"} {
		orig, err := csv.NewReader(bytes.NewReader(files[name])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got := read(name)
		if len(got) != len(orig) {
			t.Fatalf("%s: %d rows back, want %d", name, len(got), len(orig))
		}
		seen := map[string]bool{}
		for i := range orig {
			for j, cell := range orig[i] {
				if !strings.HasPrefix(cell, "'") {
					continue
				}
				back := ""
				if j < len(got[i]) {
					back = got[i][j]
				}
				// Calc shows the cell as text: with the apostrophe, or
				// hiding it as Excel does; never a computed value.
				text := strings.TrimPrefix(cell, "'")
				if back != cell && back != text {
					t.Errorf("%s row %d column %s: exported %q, LibreOffice shows %q", name, i+1, orig[0][j], cell, back)
				}
				seen[text] = true
			}
		}
		if name == "events.csv" {
			for _, v := range storetest.FormulaTexts {
				if !seen[v] {
					t.Errorf("%s: no protected cell holds %q", name, v)
				}
			}
		}
	}
}
