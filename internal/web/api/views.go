package api

import (
	"net/url"
	"time"

	"github.com/accesswatch/accesswatch/internal/web/httpkit"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/templates"
)

// The JSON views of the API. Their field names are part of the public
// contract (documented in docs/api.md and openapi.json): snake_case, always
// present, null when not known. Dates carry their precision; numbers are
// numbers; timestamps are RFC 3339 in UTC.

// dateJSON is a date at its precision: {"date": "2025-06", "precision": "month"}.
type dateJSON struct {
	Date      string           `json:"date"`
	Precision access.Precision `json:"precision"`
}

func jsonDate(d access.Date) *dateJSON {
	if d.IsZero() {
		return nil
	}
	return &dateJSON{Date: d.ISO(), Precision: d.Precision}
}

// optional is nil for "" (JSON null), so that "not known" looks the same everywhere.
func optional[T ~string](s T) *string {
	if s == "" {
		return nil
	}
	v := string(s)
	return &v
}

func optionalInt(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

// timestampJSON writes when an editor did something (entered an event,
// updated a record) at day precision: midnight UTC of the day, in RFC 3339.
// Public outputs never tell the hour an editor works (see httpkit.PublicDay).
func timestampJSON(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return httpkit.PublicDay(t).Format(time.RFC3339)
}

type countryRefJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type countryRegionRefJSON struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Region string `json:"region"`
}

type orgRefJSON struct {
	Slug    string         `json:"slug"`
	Name    string         `json:"name"`
	Acronym *string        `json:"acronym"`
	Type    access.OrgType `json:"type"`
}

func jsonOrgRef(o access.Org) orgRefJSON {
	return orgRefJSON{Slug: o.Slug, Name: o.Name, Acronym: optional(o.Acronym), Type: o.Type}
}

type sourceJSON struct {
	Publisher *string   `json:"publisher"`
	URL       *string   `json:"url"`
	Title     *string   `json:"title"`
	Date      *dateJSON `json:"date"`
	Type      *string   `json:"type"`
	// ArchivedURL is an archived copy of the source; null when none.
	ArchivedURL *string `json:"archived_url"`
}

func jsonSources(sources []access.Source) []sourceJSON {
	out := make([]sourceJSON, len(sources))
	for i, s := range sources {
		out[i] = sourceJSON{Publisher: optional(s.Publisher), URL: optional(s.URL), Title: optional(s.Title),
			Date: jsonDate(s.Date), Type: optional(s.Type), ArchivedURL: optional(s.ArchivedURL)}
	}
	return out
}

// reachJSON is a count of people and what it counts.
type reachJSON struct {
	People int64             `json:"people"`
	Basis  access.ReachBasis `json:"basis"`
	Period *string           `json:"period"`
}

func jsonReach(r *access.Reach) *reachJSON {
	if r == nil {
		return nil
	}
	return &reachJSON{People: r.People, Basis: r.Basis, Period: optional(r.Period)}
}

// recordReachJSON is a record's latest reach figure with the date of the
// event that reported it.
type recordReachJSON struct {
	reachJSON
	Date *dateJSON `json:"date"`
}

// API addresses of things, and the public pages that show them.
func apiCountryURL(code string) string { return "/api/v1/countries/" + url.PathEscape(code) }
func apiOrgURL(slug string) string     { return "/api/v1/orgs/" + url.PathEscape(slug) }
func apiRecordURL(code, slug string) string {
	return apiCountryURL(code) + "/orgs/" + url.PathEscape(slug)
}

func listURL(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

type recordLinksJSON struct {
	Self   string `json:"self"`
	Page   string `json:"page"`
	Events string `json:"events"`
}

// recordJSON is one organisation in one country, as its events leave it.
type recordJSON struct {
	Country           countryRegionRefJSON `json:"country"`
	Org               orgRefJSON           `json:"org"`
	Status            access.Status        `json:"status"`
	Flagged           bool                 `json:"flagged"`
	StatusSince       *dateJSON            `json:"status_since"`
	StatusInitiatedBy *string              `json:"status_initiated_by"`
	StatusSources     []sourceJSON         `json:"status_sources"`
	PresenceSince     *int                 `json:"presence_since"`
	Reach             *recordReachJSON     `json:"reach"`
	ReachLost         *int64               `json:"reach_lost"`
	LastReviewed      *dateJSON            `json:"last_reviewed"`
	ReviewDue         bool                 `json:"review_due"`
	DueForReview      bool                 `json:"due_for_review"`
	LatestEvent       *dateJSON            `json:"latest_event"`
	StatusUntil       *dateJSON            `json:"status_until"`
	StatusUntilKind   *string              `json:"status_until_kind"`
	EndedUnconfirmed  bool                 `json:"ended_unconfirmed"`
	DeadlinePassed    bool                 `json:"deadline_passed"`
	Summary           *string              `json:"summary"`
	Version           int64                `json:"version"`
	UpdatedAt         string               `json:"updated_at"`
	Links             recordLinksJSON      `json:"links"`
}

// clock is the day the time rules are applied at (the store's clock) and
// how long a record may go unconfirmed before it is due for review.
type clock struct {
	now         time.Time
	reviewAfter time.Duration
}

// untilKind is the public word for what a stated until means: "end" (a
// time-limited measure ends then) or "deadline" (the measure does not end
// when it passes).
func untilKind(k access.UntilKind) *string {
	var s string
	switch k {
	case access.UntilEnds:
		s = "end"
	case access.UntilDeadline:
		s = "deadline"
	default:
		return nil
	}
	return &s
}

// reachLost is the reach a record has lost at now: null when no reach
// figure was reported (unknown is never 0); 0 when a figure was reported
// but the status loses none (or is a time-limited measure past its end);
// the figure otherwise, counted on the basis of the record's reach.
func reachLost(r access.RecordState, now time.Time) *int64 {
	if !r.ReachKnown() {
		return nil
	}
	var n int64
	if lost := r.LostReachAt(now); lost != nil {
		n = lost.People
	}
	return &n
}

// jsonRecord builds a record's view at the clock c; statusSources are the
// sources of the event that set its status.
func jsonRecord(r access.RecordView, statusSources []access.Source, c clock) recordJSON {
	v := recordJSON{
		Country:           countryRegionRefJSON{Code: r.CountryCode, Name: r.CountryName, Region: r.Region},
		Org:               jsonOrgRef(r.Org),
		Status:            r.Status,
		Flagged:           r.FlaggedAt(c.now),
		StatusSince:       jsonDate(r.StatusSince),
		StatusInitiatedBy: optional(r.StatusInitiatedBy),
		StatusSources:     jsonSources(statusSources),
		PresenceSince:     optionalInt(r.PresenceSince),
		ReachLost:         reachLost(r.RecordState, c.now),
		LastReviewed:      jsonDate(r.LastReviewed),
		ReviewDue:         r.ReviewDue,
		DueForReview:      r.DueForReview(c.now, c.reviewAfter),
		LatestEvent:       jsonDate(r.LatestEvent),
		StatusUntil:       jsonDate(r.StatusUntil),
		EndedUnconfirmed:  r.EndedUnconfirmed(c.now),
		DeadlinePassed:    r.DeadlinePassed(c.now),
		Summary:           optional(r.Summary),
		Version:           r.Version,
		UpdatedAt:         timestampJSON(r.UpdatedAt),
		Links: recordLinksJSON{
			Self:   apiRecordURL(r.CountryCode, r.OrgSlug),
			Page:   templates.RecordURL(r.CountryCode, r.OrgSlug),
			Events: listURL("/api/v1/events", url.Values{"country": {r.CountryCode}, "org": {r.OrgSlug}}),
		},
	}
	if !r.StatusUntil.IsZero() {
		v.StatusUntilKind = untilKind(r.StatusUntilKind)
	}
	if r.Reach != nil {
		v.Reach = &recordReachJSON{reachJSON: *jsonReach(r.Reach), Date: jsonDate(r.ReachDate)}
	}
	return v
}

type eventLinksJSON struct {
	Record *string `json:"record"`
}

// eventJSON is one entry of the timeline.
type eventJSON struct {
	ID                 int64               `json:"id"`
	Country            countryRefJSON      `json:"country"`
	Org                *orgRefJSON         `json:"org"`
	ClassLevel         bool                `json:"class_level"`
	Date               dateJSON            `json:"date"`
	Type               access.EventType    `json:"type"`
	StatusAfter        *string             `json:"status_after"`
	InitiatedBy        *string             `json:"initiated_by"`
	Authority          *string             `json:"authority"`
	Instrument         *string             `json:"instrument"`
	Reason             *string             `json:"reason"`
	ReasonCategory     *string             `json:"reason_category"`
	ConstraintCategory *string             `json:"constraint_category"`
	Reach              *reachJSON          `json:"reach"`
	PeopleAffected     *int64              `json:"people_affected"`
	Until              *dateJSON           `json:"until"`
	UntilKind          *string             `json:"until_kind"`
	PresenceSince      *int                `json:"presence_since"`
	Description        *string             `json:"description"`
	Verification       access.Verification `json:"verification"`
	RecordVersion      *int64              `json:"record_version"`
	RecordedAt         string              `json:"recorded_at"`
	Supersedes         *int64              `json:"supersedes"`
	Correction         *correctionJSON     `json:"correction"`
	Sources            []sourceJSON        `json:"sources"`
	Links              eventLinksJSON      `json:"links"`
}

// correctionJSON says that an event was retracted or superseded: it stays
// listed but counts for nothing. Date is the day of the correction (the
// hour an editor works is not public); ReplacedBy is the correcting event
// of a supersession.
type correctionJSON struct {
	Kind       access.CorrectionKind `json:"kind"`
	Date       string                `json:"date"`
	Reason     string                `json:"reason"`
	ReplacedBy *int64                `json:"replaced_by"`
}

func jsonCorrection(c *access.Correction) *correctionJSON {
	if c == nil {
		return nil
	}
	v := &correctionJSON{Kind: c.Kind, Date: httpkit.PublicDay(c.At).Format(time.DateOnly), Reason: c.Reason}
	if c.ByEvent != 0 {
		id := c.ByEvent
		v.ReplacedBy = &id
	}
	return v
}

func jsonEvent(e access.EventView) eventJSON {
	v := eventJSON{
		ID:                 e.ID,
		Country:            countryRefJSON{Code: e.CountryCode, Name: e.CountryName},
		ClassLevel:         e.ClassLevel(),
		Date:               *jsonDate(e.Date),
		Type:               e.Type,
		StatusAfter:        optional(e.StatusAfter),
		InitiatedBy:        optional(e.InitiatedBy),
		Authority:          optional(e.Authority),
		Instrument:         optional(e.Instrument),
		Reason:             optional(e.Reason),
		ReasonCategory:     optional(e.ReasonCategory),
		ConstraintCategory: optional(e.Constraint),
		Reach:              jsonReach(e.Reach),
		PeopleAffected:     e.PeopleAffected,
		Until:              jsonDate(e.Until),
		PresenceSince:      optionalInt(e.PresenceSince),
		Description:        optional(e.Description),
		Verification:       e.Verification,
		RecordedAt:         timestampJSON(e.EnteredAt),
		Correction:         jsonCorrection(e.Correction),
		Sources:            jsonSources(e.Sources),
	}
	if !e.Until.IsZero() {
		v.UntilKind = untilKind(access.UntilKindOf(e.Type))
	}
	if e.Supersedes != 0 {
		id := e.Supersedes
		v.Supersedes = &id
	}
	if !e.ClassLevel() {
		org := jsonOrgRef(e.Org)
		version := e.RecordVersion
		self := apiRecordURL(e.CountryCode, e.OrgSlug)
		v.Org, v.RecordVersion, v.Links.Record = &org, &version, &self
	}
	return v
}

func jsonEvents(events []access.EventView) []eventJSON {
	out := make([]eventJSON, len(events))
	for i, e := range events {
		out[i] = jsonEvent(e)
	}
	return out
}

// countsJSON summarises the records of a country or an organisation at
// the store's clock. The reach lost is summed per basis (cumulative,
// annual, period...), never across bases: figures that count different
// things do not add up to one number. Records whose reach is lost with a
// figure and those in a lost status with none are counted apart (unknown
// is never 0).
type countsJSON struct {
	Records              int                         `json:"records"`
	Flagged              int                         `json:"flagged"`
	ReachLostByBasis     map[access.ReachBasis]int64 `json:"reach_lost_by_basis"`
	RecordsWithFigure    int                         `json:"records_with_figure"`
	RecordsWithoutFigure int                         `json:"records_without_figure"`
}

// summarise counts records at the clock c.
func summarise(records []access.RecordView, c clock) countsJSON {
	out := countsJSON{Records: len(records)}
	plain := make([]access.Record, len(records))
	for i, r := range records {
		if r.FlaggedAt(c.now) {
			out.Flagged++
		}
		plain[i] = r.Record
	}
	lost := access.SummariseLost(plain, c.now, 0)
	out.ReachLostByBasis = lost.ByBasis
	if out.ReachLostByBasis == nil {
		out.ReachLostByBasis = map[access.ReachBasis]int64{}
	}
	out.RecordsWithFigure, out.RecordsWithoutFigure = lost.WithFigure, lost.WithoutFigure
	return out
}

type severityJSON struct {
	Score     int       `json:"score"`
	Date      *dateJSON `json:"date"`
	Publisher string    `json:"publisher"`
	URL       *string   `json:"url"`
}

type linksJSON struct {
	Self    string `json:"self"`
	Page    string `json:"page"`
	Records string `json:"records"`
	Events  string `json:"events"`
}

// countryJSON is a country with a summary of its records.
type countryJSON struct {
	Code           string        `json:"code"`
	ISO2           string        `json:"iso2"`
	Numeric        string        `json:"numeric"`
	Name           string        `json:"name"`
	OfficialName   string        `json:"official_name"`
	Region         string        `json:"region"`
	Subregion      string        `json:"subregion"`
	Lat            float64       `json:"lat"`
	Lng            float64       `json:"lng"`
	UNMember       bool          `json:"un_member"`
	AccessSeverity *severityJSON `json:"access_severity"`
	Counts         countsJSON    `json:"counts"`
	// ClassMeasuresInForce counts the measures against a class of
	// organisations in force today: they flag no record, so the counts
	// of records alone would hide them.
	ClassMeasuresInForce int       `json:"class_measures_in_force"`
	Links                linksJSON `json:"links"`
}

func jsonCountry(c access.Country, counts countsJSON, classMeasures int) countryJSON {
	v := countryJSON{Code: c.Code, ISO2: c.ISO2, Numeric: c.Numeric, Name: c.Name, OfficialName: c.OfficialName,
		Region: c.Region, Subregion: c.Subregion, Lat: c.Lat, Lng: c.Lng, UNMember: c.UNMember, Counts: counts,
		ClassMeasuresInForce: classMeasures,
		Links: linksJSON{
			Self:    apiCountryURL(c.Code),
			Page:    templates.CountryURL(c.Code),
			Records: listURL("/api/v1/records", url.Values{"country": {c.Code}}),
			Events:  listURL("/api/v1/events", url.Values{"country": {c.Code}}),
		}}
	if sev := c.Severity; sev != nil {
		v.AccessSeverity = &severityJSON{Score: sev.Score, Date: jsonDate(sev.Date), Publisher: sev.Publisher, URL: optional(sev.URL)}
	}
	return v
}

// countryDetailJSON is a country with its records, the measures against
// classes of organisations in force there, and every class-level event
// (corrected ones marked).
type countryDetailJSON struct {
	countryJSON
	Records          []recordJSON       `json:"records"`
	ClassMeasures    []classMeasureJSON `json:"class_measures"`
	ClassLevelEvents []eventJSON        `json:"class_level_events"`
}

// classMeasureJSON is a measure against a class of organisations, as it
// stands at the store's clock (see access.ClassMeasuresInForce).
type classMeasureJSON struct {
	EventID     int64            `json:"event_id"`
	Country     countryRefJSON   `json:"country"`
	Date        dateJSON         `json:"date"`
	Type        access.EventType `json:"type"`
	Status      access.Status    `json:"status"`
	InForce     bool             `json:"in_force"`
	Authority   *string          `json:"authority"`
	Instrument  *string          `json:"instrument"`
	Description *string          `json:"description"`
	Until       *dateJSON        `json:"until"`
	UntilKind   *string          `json:"until_kind"`
	// DeadlinePassed: the measure set a deadline that has passed; it stays
	// in force.
	DeadlinePassed bool            `json:"deadline_passed"`
	EasedBy        *int64          `json:"eased_by"`
	Correction     *correctionJSON `json:"correction"`
	Sources        []sourceJSON    `json:"sources"`
}

// jsonClassMeasure builds the view of a class-level measure; inForce says
// whether it is in force today, m its state when it is.
func jsonClassMeasure(e access.EventView, m access.ClassMeasure, inForce bool) classMeasureJSON {
	v := classMeasureJSON{EventID: e.ID, Country: countryRefJSON{Code: e.CountryCode, Name: e.CountryName},
		Date: *jsonDate(e.Date), Type: e.Type, Status: m.Status, InForce: inForce, Authority: optional(e.Authority),
		Instrument: optional(e.Instrument), Description: optional(e.Description), Until: jsonDate(e.Until),
		DeadlinePassed: m.DeadlinePassed, Correction: jsonCorrection(e.Correction), Sources: jsonSources(e.Sources)}
	if !e.Until.IsZero() {
		v.UntilKind = untilKind(access.UntilKindOf(e.Type))
	}
	if m.Eased != nil {
		id := m.Eased.ID
		v.EasedBy = &id
	}
	return v
}

// orgJSON is an organisation with a summary of its records.
type orgJSON struct {
	Slug    string         `json:"slug"`
	Name    string         `json:"name"`
	Acronym *string        `json:"acronym"`
	Type    access.OrgType `json:"type"`
	Website *string        `json:"website"`
	Counts  countsJSON     `json:"counts"`
	Links   linksJSON      `json:"links"`
}

func jsonOrg(o access.Org, counts countsJSON) orgJSON {
	return orgJSON{Slug: o.Slug, Name: o.Name, Acronym: optional(o.Acronym), Type: o.Type, Website: optional(o.Website),
		Counts: counts, Links: linksJSON{
			Self:    apiOrgURL(o.Slug),
			Page:    templates.OrgURL(o.Slug),
			Records: listURL("/api/v1/records", url.Values{"org": {o.Slug}}),
			Events:  listURL("/api/v1/events", url.Values{"org": {o.Slug}}),
		}}
}

// orgDetailJSON is an organisation with its records in every country.
type orgDetailJSON struct {
	orgJSON
	Records []recordJSON `json:"records"`
}

// recordDetailJSON is a record with its whole timeline, oldest first.
type recordDetailJSON struct {
	recordJSON
	Events []eventJSON `json:"events"`
}

// listJSON is a complete list.
type listJSON[T any] struct {
	Total int `json:"total"`
	Items []T `json:"items"`
}

type pageLinksJSON struct {
	Next *string `json:"next"`
	Prev *string `json:"prev"`
}

// pageJSON is one page of a longer list: Total counts every match, Items
// holds at most Limit of them from Offset on.
type pageJSON[T any] struct {
	Total  int           `json:"total"`
	Limit  int           `json:"limit"`
	Offset int           `json:"offset"`
	Items  []T           `json:"items"`
	Links  pageLinksJSON `json:"links"`
}

// newPage builds a page of a list at path, with links to its neighbours.
func newPage[T any](path string, spec query.Spec, q query.Query, total int, items []T) pageJSON[T] {
	if items == nil {
		items = []T{}
	}
	p := pageJSON[T]{Total: total, Limit: q.Limit, Offset: q.Offset, Items: items}
	link := func(offset int) *string {
		n := q
		n.Offset = offset
		u := listURL(path, n.Values(spec))
		return &u
	}
	if q.Limit > 0 && q.Offset+q.Limit < total {
		p.Links.Next = link(q.Offset + q.Limit)
	}
	if q.Offset > 0 && q.Limit > 0 {
		p.Links.Prev = link(max(0, min(q.Offset, total)-q.Limit))
	}
	return p
}
