package dataset

import (
	"errors"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
)

func TestLocateUsesTheColumnsOfTheFile(t *testing.T) {
	// Columns in an unusual order: country_code is the third (C).
	in := "date,event_type,country_code,source_url,source_publisher\r\n2022,class_ban_announced,MLI,https://a.example/,A\r\n"
	rows, err := ReadEvents(strings.NewReader(in), now, 0)
	if err != nil {
		t.Fatal(err)
	}
	e := rows[0].Locate(access.FieldError{Field: "country", Code: access.CodeUnknownValue})
	if e.Line != 2 || e.Column != "country_code" || e.ColumnLetter() != "C" {
		t.Errorf("located at %d %s %s", e.Line, e.Column, e.ColumnLetter())
	}
	// A row made in code is located as WriteEvents would write it.
	e = EventRow{}.Locate(access.FieldError{Field: "source_url", Code: access.CodeRequired})
	if e.Column != "source_url" || e.ColumnLetter() != "Z" {
		t.Errorf("canonical column %s %s", e.Column, e.ColumnLetter())
	}
}

func TestReadEventsReturnsRowsWithItsProblems(t *testing.T) {
	in := "country_code,date,event_type,source_url,source_publisher\r\n" +
		"XXX,2022,class_ban_announced,https://a.example/,A\r\n" +
		"MLI,2022-13,class_ban_announced,https://a.example/,A\r\n"
	rows, err := ReadEvents(strings.NewReader(in), now, 0)
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Errors) != 1 || ie.Errors[0].Line != 3 {
		t.Fatalf("got %v", err)
	}
	if len(rows) != 2 || rows[0].Event.CountryCode != "XXX" || rows[0].Line != 2 {
		t.Errorf("rows read along with the problems: %+v", rows)
	}
	// An unterminated quote stops the reader without a panic.
	if _, err := ReadEvents(strings.NewReader("country_code,date,event_type,source_url\n0\"0"), now, 0); !errors.As(err, &ie) {
		t.Errorf("bad quote: %v", err)
	}
}
