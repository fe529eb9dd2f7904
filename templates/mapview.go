package templates

import "github.com/accesswatch/accesswatch/internal/access"

// MapView is what WorldMap draws. Every value is computed by the caller
// (internal/web): geometry from internal/geo, shading from the records.
type MapView struct {
	// ID prefixes the element ids, so two maps can share a page.
	ID string
	// Title is the map's accessible name, shown as its caption.
	Title   string
	ViewBox string
	// Sphere is the path of the globe's outline, drawn as the sea.
	Sphere string
	// Countries are every shape of the map, in drawing order.
	Countries []MapCountry
	// Legend lists the shading classes with their meaning.
	Legend []MapLegendItem
	// Rows are the table fallback: the countries with records.
	Rows []MapRow
	// TableOpen shows the table expanded (on the map's own page).
	TableOpen bool
	// Notes are lines under the map (sources, shapes drawn without data).
	Notes []string
}

// MapCountry is one shape of the map.
type MapCountry struct {
	D string // SVG path data
	// Class is the shading class ("map--expelled"); "map--none" draws the
	// country neutral.
	Class string
	// Title is the text for hover and screen readers ("Niger: 3
	// organisations flagged — worst status: Expelled").
	Title string
	// Href links the shape to the country's page; "" leaves it unlinked.
	Href string
	// ClassMeasures counts the measures against a class of organisations
	// in force in the country; above 0 the shape is hatched.
	ClassMeasures int
}

// MapLegendItem is one entry of the legend; Pattern marks the hatching of
// class measures (drawn with the map's pattern, not a colour).
type MapLegendItem struct {
	Class, Label string
	Pattern      bool
}

// MapRow is one row of the map's table fallback.
type MapRow struct {
	Name, Href       string
	Status           access.Status // the worst current status
	StatusFlagged    bool          // whether that status is flagged
	Flagged, Records int
	ClassMeasures    int              // measures against a class of organisations in force
	Trend            access.Direction // "" when unknown
}

// MapClass is the shading class of a status.
func MapClass(s access.Status) string { return "map--" + string(s) }

// classPatternID is the id of the map's hatching for class measures.
func classPatternID(m MapView) string { return m.ID + "-class-measure" }

// classPatternFill is the fill that hatches a country with a class measure.
func classPatternFill(m MapView) string { return "url(#" + classPatternID(m) + ")" }

// mapPathClass is the class attribute of a country's path.
func mapPathClass(c MapCountry) string { return "map-country " + c.Class }

// trendClass is the class of a trend marker.
func trendClass(d access.Direction) string { return "trend trend--" + string(d) }

// MapPageView is the /map page.
type MapPageView struct {
	Map    MapView
	Trends TrendCharts
}
