package site

import (
	"testing"

	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/query"
)

func TestEveryOrderHasALabel(t *testing.T) {
	l := i18n.English()
	for _, spec := range []query.Spec{countriesSpec(nil), countrySpec(), orgsSpec(nil), orgSpec(nil), changesSpec(nil)} {
		for _, sort := range spec.Sorts {
			if !l.Has("dash.sort." + sort) {
				t.Errorf("no label for the order %q", sort)
			}
		}
	}
}
