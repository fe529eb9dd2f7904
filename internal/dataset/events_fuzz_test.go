package dataset

import (
	"bytes"
	"errors"
	"testing"

	"github.com/accesswatch/accesswatch/data"
)

// FuzzReadEvents feeds arbitrary files to the events CSV reader. It must
// never panic; a file is either rejected with located problems, or every
// row it yields is valid and survives write → read → write unchanged.
// Corpus: testdata/fuzz/FuzzReadEvents.
func FuzzReadEvents(f *testing.F) {
	if raw, err := data.SeedEvents(); err == nil {
		f.Add(raw)
	}
	f.Add([]byte("country_code,date,event_type,source_url,source_publisher\nMLI,2022,class_ban_announced,https://a.example/,A\n"))
	f.Fuzz(func(t *testing.T, file []byte) {
		rows, err := ReadEvents(bytes.NewReader(file), now, 50)
		if err != nil {
			var ie *ImportError
			switch {
			case errors.As(err, &ie):
				if len(ie.Errors) == 0 {
					t.Fatal("an ImportError without problems")
				}
				for _, e := range ie.Errors {
					if e.Line < 1 || (e.Problem.Code == "" && e.Detail == "") {
						t.Fatalf("problem not located or not described: %+v", e)
					}
				}
			case errors.Is(err, ErrTooManyRows):
			default:
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		for _, r := range rows {
			if err := r.Event.Validate(now); err != nil {
				t.Fatalf("line %d accepted but invalid: %v", r.Line, err)
			}
			if r.Event.OrgSlug != "" {
				if err := r.Org.Validate(); err != nil {
					t.Fatalf("line %d accepted with an invalid organisation: %v", r.Line, err)
				}
			}
		}
		var once, twice bytes.Buffer
		if err := WriteEvents(&once, rows, true); err != nil {
			t.Fatal(err)
		}
		back, err := ReadEvents(bytes.NewReader(once.Bytes()), now, 0)
		if err != nil {
			t.Fatalf("what was written does not read back: %v", err)
		}
		if err := WriteEvents(&twice, back, true); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatalf("write → read → write changed the file:\n%q\n%q", once.String(), twice.String())
		}
	})
}
