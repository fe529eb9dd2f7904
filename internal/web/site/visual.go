package site

import (
	"fmt"

	"github.com/accesswatch/accesswatch/data"
	"github.com/accesswatch/accesswatch/internal/dataset"
	"github.com/accesswatch/accesswatch/internal/geo"
	"github.com/accesswatch/accesswatch/internal/i18n"
)

// embeddedWorld builds the projected world map from the bundled geometry
// and country list. Both are compiled in, so a failure is a defect of the
// build, not of the moment: the server keeps the result (sync.OnceValues)
// either way.
func embeddedWorld() (*geo.World, error) {
	topo, err := data.WorldMap()
	if err != nil {
		return nil, fmt.Errorf("world map: %w", err)
	}
	countries, err := dataset.BundledCountries()
	if err != nil {
		return nil, fmt.Errorf("world map: %w", err)
	}
	w, err := geo.NewWorld(topo, countries)
	if err != nil {
		return nil, fmt.Errorf("world map: %w", err)
	}
	return w, nil
}

// countOf formats a counted message in the plural form the language's
// rules choose for n (its verbs may use explicit indexes).
func countOf(l *i18n.Locale, key string, n int, args ...any) string {
	return l.Plural(key, int64(n), args...)
}
