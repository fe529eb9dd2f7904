package opendata_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/accesswatch/accesswatch/data"
	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// FuzzImportFile imports arbitrary files into one seeded database. It must
// never panic; a file is either rejected (with located problems, or as too
// long) leaving the database unchanged, or accepted, in which case
// importing it again adds nothing. Corpus: testdata/fuzz/FuzzImportFile.
func FuzzImportFile(f *testing.F) {
	if raw, err := data.SeedEvents(); err == nil {
		f.Add(raw)
	}
	f.Add([]byte(importHeader + "NER,test-a,Test A,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/1\r\n"))
	f.Add([]byte(importHeader + "XXX,test-b,Test B,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/2\r\n"))
	st, _ := storetest.OpenSeeded(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, file []byte) {
		before := storetest.Checksum(t, st)
		opt := opendata.ImportOptions{Actor: "fuzz", MaxRows: 20}
		res, err := opendata.Import(ctx, st, bytes.NewReader(file), opt)
		if err != nil {
			var ie *opendata.ImportError
			switch {
			case errors.As(err, &ie):
				for _, e := range ie.Errors {
					if e.Line < 1 {
						t.Fatalf("problem without a line: %+v", e)
					}
				}
			case errors.Is(err, opendata.ErrTooManyRows):
			default:
				t.Fatalf("unexpected error: %v", err)
			}
			if storetest.Checksum(t, st) != before {
				t.Fatal("a rejected file changed the database")
			}
			return
		}
		if res.Added+res.Duplicates != res.Rows {
			t.Fatalf("result does not add up: %+v", res)
		}
		again, err := opendata.Import(ctx, st, bytes.NewReader(file), opt)
		if err != nil || again.Added != 0 || again.Duplicates != res.Rows {
			t.Fatalf("second import of an accepted file: %+v, %v", again, err)
		}
	})
}
