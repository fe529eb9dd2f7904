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
	// Pattern is the hatching drawn over the shading (see
	// MapPatternKey); "" for none.
	Pattern string
	// ClassMeasures counts the measures against a class of organisations
	// in force in the country; above 0 the shape is hatched.
	ClassMeasures int
}

// MapLegendItem is one entry of the legend: a shading class, the
// hatching drawn over it ("" for none) and what they mean. ClassMeasure
// marks the entry for the hatching of class measures in force (drawn with
// the map's own pattern, not a status colour).
type MapLegendItem struct {
	Class, Pattern, Label string
	ClassMeasure          bool
}

// MapPatternSuspendedOwn is the hatching of a country whose worst status
// is a suspension the organisation decided itself, told apart from one an
// authority imposed.
const MapPatternSuspendedOwn = "suspended_own"

// mapPatterns are the hatchings, drawn over the status colours so that the
// map does not tell statuses apart by colour alone: one 6×6 tile of
// stroked path each (a dot is a near-zero stroke with a round cap).
var mapPatterns = map[string]string{
	string(access.StatusRestricted):     "M1.5 1.5h.01M4.5 4.5h.01",
	string(access.StatusSuspended):      "M0 6L6 0M-1 1L1 -1M5 7L7 5",
	MapPatternSuspendedOwn:              "M3 0v6",
	string(access.StatusBanned):         "M0 6L6 0M-1 1L1 -1M5 7L7 5M0 0L6 6M-1 5L1 7M5 -1L7 1",
	string(access.StatusOrderedToLeave): "M0 0L6 6M-1 5L1 7M5 -1L7 1",
	string(access.StatusExpelled):       "M0 3h6M3 0v6",
	string(access.StatusWithdrawn):      "M0 3h6",
	string(access.StatusUnknown):        "M1 1.5h2M4 4.5h2",
}

// mapPatternOrder lists the hatchings in the order they are defined.
var mapPatternOrder = []string{string(access.StatusRestricted), string(access.StatusSuspended), MapPatternSuspendedOwn,
	string(access.StatusBanned), string(access.StatusOrderedToLeave), string(access.StatusExpelled),
	string(access.StatusWithdrawn), string(access.StatusUnknown)}

// MapPatternKey is the hatching of a country shaded by status s; flagged
// says whether that status is flagged, which tells a suspension an
// authority imposed from one the organisation chose. "" for none
// (operating is plain).
func MapPatternKey(s access.Status, flagged bool) string {
	if s == access.StatusSuspended && !flagged {
		return MapPatternSuspendedOwn
	}
	if _, ok := mapPatterns[string(s)]; ok {
		return string(s)
	}
	return ""
}

// MapPatternPath is the path of a hatching's tile; "" for none.
func MapPatternPath(key string) string { return mapPatterns[key] }

// mapPatternID is the element id of a hatching on the map with id mapID.
func mapPatternID(mapID, key string) string { return mapID + "-pat-" + key }

// mapPatternFill is the fill that paints a hatching.
func mapPatternFill(mapID, key string) string { return "url(#" + mapPatternID(mapID, key) + ")" }

// MapRow is one row of the map's table fallback.
type MapRow struct {
	Code             string // ISO 3166-1 alpha-3
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
	// Downloads are what the map is drawn from: every record, and the
	// measures against classes of organisations in force.
	Downloads Downloads
}
