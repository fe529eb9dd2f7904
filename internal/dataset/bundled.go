package dataset

import (
	"bytes"
	"fmt"
	"time"

	"github.com/accesswatch/accesswatch/data"
	"github.com/accesswatch/accesswatch/internal/access"
)

// BundledCountries reads the country list bundled with the binary.
func BundledCountries() ([]access.Country, error) {
	raw, err := data.Countries()
	if err != nil {
		return nil, err
	}
	cs, err := ReadCountries(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("bundled country list: %w", err)
	}
	return cs, nil
}

// BundledEvents reads the bundled cases, checked as of now.
func BundledEvents(now time.Time) ([]EventRow, error) {
	raw, err := data.SeedEvents()
	if err != nil {
		return nil, err
	}
	rows, err := ReadEvents(bytes.NewReader(raw), now, 0)
	if err != nil {
		return nil, fmt.Errorf("bundled cases: %w", err)
	}
	return rows, nil
}
