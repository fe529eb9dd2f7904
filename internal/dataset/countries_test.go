package dataset

import (
	"bytes"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/data"
)

func TestReadCountries(t *testing.T) {
	raw, err := data.Countries()
	if err != nil {
		t.Fatal(err)
	}
	cs, err := ReadCountries(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 250 {
		t.Errorf("%d countries, want 250", len(cs))
	}
	found := false
	for _, c := range cs {
		if c.Code == "NER" {
			found = c.Name == "Niger" && c.Numeric == "562" && c.Region == "Africa"
		}
	}
	if !found {
		t.Error("Niger missing or wrong")
	}
	if _, err := ReadCountries(strings.NewReader("iso3,name\nNER,Niger\n")); err == nil {
		t.Error("wrong header accepted")
	}
}
