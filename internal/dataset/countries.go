package dataset

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/accesswatch/accesswatch/internal/access"
)

// countryColumns are the columns of the bundled country list, in order.
var countryColumns = []string{"iso3", "iso2", "numeric", "name", "official_name", "region", "subregion", "lat", "lng", "un_member"}

// ReadCountries reads the country list (data/countries.csv).
func ReadCountries(r io.Reader) ([]access.Country, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(countryColumns)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("countries: header: %w", err)
	}
	for i, want := range countryColumns {
		if header[i] != want {
			return nil, fmt.Errorf("countries: column %d is %q, want %q", i+1, header[i], want)
		}
	}
	var out []access.Country
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("countries: %w", err)
		}
		line, _ := cr.FieldPos(0)
		c := access.Country{
			Code: rec[0], ISO2: rec[1], Numeric: rec[2], Name: rec[3], OfficialName: rec[4],
			Region: rec[5], Subregion: rec[6], UNMember: rec[9] == "true",
		}
		if !access.ValidCountryCode(c.Code) || c.Name == "" {
			return nil, fmt.Errorf("countries: line %d: bad code %q or empty name", line, c.Code)
		}
		if c.Lat, err = strconv.ParseFloat(rec[7], 64); err != nil {
			return nil, fmt.Errorf("countries: line %d: lat: %w", line, err)
		}
		if c.Lng, err = strconv.ParseFloat(rec[8], 64); err != nil {
			return nil, fmt.Errorf("countries: line %d: lng: %w", line, err)
		}
		out = append(out, c)
	}
}
