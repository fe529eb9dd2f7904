package opendata

import (
	"context"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/dataset"
	"github.com/accesswatch/accesswatch/internal/store"
)

// Initialiser is what loading a new database needs from it.
type Initialiser interface {
	Initialise(ctx context.Context, countries []access.Country, events []store.NewEvent) (bool, error)
	Now() time.Time
}

// Loaded says what Initialise loaded; zero when the database was
// initialised already.
type Loaded struct {
	Countries, Events int
}

// Initialise loads a new database with the bundled country list and, when
// cases is set, the bundled cases (read and checked as an import reads a
// file), in one transaction. On a database initialised already it does
// nothing and returns false.
func Initialise(ctx context.Context, st Initialiser, cases bool) (bool, Loaded, error) {
	countries, err := dataset.BundledCountries()
	if err != nil {
		return false, Loaded{}, err
	}
	var events []store.NewEvent
	if cases {
		rows, err := dataset.BundledEvents(st.Now())
		if err != nil {
			return false, Loaded{}, err
		}
		for _, e := range importEvents(rows) {
			events = append(events, e.NewEvent("seed"))
		}
	}
	loaded, err := st.Initialise(ctx, countries, events)
	if err != nil || !loaded {
		return false, Loaded{}, err
	}
	return true, Loaded{Countries: len(countries), Events: len(events)}, nil
}
