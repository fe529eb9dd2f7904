package metrics

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
)

// Label names. country is the ISO 3166-1 alpha-3 code and org the
// organisation's slug; only accesswatch_organisation_info carries free text
// (the name), so that joins can add it where a person reads the result.
const (
	labelCountry = "country"
	labelOrg     = "org"
	labelStatus  = "status"
	labelName    = "name"
	labelType    = "type"
	labelBasis   = "basis"
	labelRegion  = "region"
)

// The domain metrics. Their names are part of the public contract (DESIGN.md).
var (
	descPresenceStatus = prometheus.NewDesc("accesswatch_presence_status",
		"State set of an organisation's presence in a country: 1 for its current status, 0 for every other status.",
		[]string{labelCountry, labelOrg, labelStatus}, nil)
	descFlagged = prometheus.NewDesc("accesswatch_presence_flagged",
		"1 if the record is flagged today (shown red, alertable): banned, ordered to leave, expelled, or suspended by an authority, and not a time-limited measure past its stated end; otherwise 0.",
		[]string{labelCountry, labelOrg}, nil)
	descOrganisations = prometheus.NewDesc("accesswatch_organisations",
		"Organisations recorded in a country, by current status (0 for statuses no organisation is in).",
		[]string{labelCountry, labelStatus}, nil)
	descReached = prometheus.NewDesc("accesswatch_beneficiaries_reached",
		"Latest reported number of people the organisation reached in the country (annual, period or cumulative, as the source gives it); absent when no figure is known.",
		[]string{labelCountry, labelOrg}, nil)
	descLost = prometheus.NewDesc("accesswatch_beneficiaries_lost",
		"People reached by the organisation in the country whose aid no longer arrives: its reach while suspended, banned, ordered to leave, expelled or withdrawn (a time-limited measure past its stated end excluded), otherwise 0; absent when no reach figure is known.",
		[]string{labelCountry, labelOrg}, nil)
	descCountryLost = prometheus.NewDesc("accesswatch_country_beneficiaries_lost",
		"Sum of accesswatch_beneficiaries_lost over the organisations recorded in a country whose reach figure has the given basis (annual, period, cumulative): figures of different bases are never added. One series per basis the country has a figure of; kept when per-record series are switched off.",
		[]string{labelCountry, labelBasis}, nil)
	descStatusChanged = prometheus.NewDesc("accesswatch_presence_status_changed_timestamp_seconds",
		"Unix time of the start (UTC) of the day, month or year of the event that set the current status; absent when no event set it.",
		[]string{labelCountry, labelOrg}, nil)
	descReviewed = prometheus.NewDesc("accesswatch_presence_reviewed_timestamp_seconds",
		"Unix time of the start (UTC) of the date of the last review of the record by an editor; absent when it was never reviewed.",
		[]string{labelCountry, labelOrg}, nil)
	descConfirmed = prometheus.NewDesc("accesswatch_presence_confirmed_timestamp_seconds",
		"Unix time of the start (UTC) of the day, month or year of the record's last confirmation: its latest event or an editor's review, whichever is later.",
		[]string{labelCountry, labelOrg}, nil)
	descStatusChanges = prometheus.NewDesc("accesswatch_status_changes_total",
		"Events ever recorded in a country that changed an organisation's status (presence_recorded aside), by the status they set, including those later retracted or superseded: counted from the append-only timeline, so it never decreases. Subtract accesswatch_status_change_corrections_total for the changes that still stand.",
		[]string{labelCountry, labelStatus}, nil)
	descStatusCorrections = prometheus.NewDesc("accesswatch_status_change_corrections_total",
		"Status changes counted in accesswatch_status_changes_total that were since retracted or superseded, by country and the status they had set; never decreases.",
		[]string{labelCountry, labelStatus}, nil)
	descClassMeasures = prometheus.NewDesc("accesswatch_class_measures",
		"Measures against a class of organisations (all NGOs funded by a country, 37 INGOs, ...) in force in a country, by the status they impose; a time-limited measure past its stated end is not in force.",
		[]string{labelCountry, labelStatus}, nil)
	descDueForReview = prometheus.NewDesc("accesswatch_records_due_for_review",
		"Records of a country that need an editor: unverified, a time-limited measure past its end, a passed deadline, or unconfirmed for longer than --review-after.",
		[]string{labelCountry}, nil)
	descPastEnd = prometheus.NewDesc("accesswatch_measures_past_end",
		"Measures of a country past their stated end or deadline and not yet confirmed: records whose time-limited measure ended or whose deadline passed, and class-level measures whose deadline passed.",
		[]string{labelCountry}, nil)
	descReach = prometheus.NewDesc("accesswatch_presence_reach",
		"Latest reported number of people the organisation reached in the country, labelled with the figure's basis (annual, period, cumulative) so that a reader (an alert's annotation) can say what it counts; absent when no figure is known.",
		[]string{labelCountry, labelOrg, labelBasis}, nil)
	descClassLatest = prometheus.NewDesc("accesswatch_class_measure_latest_timestamp_seconds",
		"Unix time of the start (UTC) of the day, month or year of the most recent class-level measure in force in a country that imposes the status: with accesswatch_class_measures, it tells a new measure from an old one.",
		[]string{labelCountry, labelStatus}, nil)
	descAwaiting = prometheus.NewDesc("accesswatch_events_awaiting_verification",
		"Events of a country awaiting an editor's verification; absent while the store does not count them.",
		[]string{labelCountry}, nil)
	descCountryInfo = prometheus.NewDesc("accesswatch_country_info",
		"Name and region of a country, always 1: join on country to put names on results (alert annotations do).",
		[]string{labelCountry, labelName, labelRegion}, nil)
	descOrgInfo = prometheus.NewDesc("accesswatch_organisation_info",
		"Display name and type (OCHA code) of an organisation, always 1: join on org to label results.",
		[]string{labelOrg, labelName, labelType}, nil)
)

// perRecordDescs are the series with one or more per record; aggregateDescs
// are per country and stay when per-record series are switched off.
var (
	perRecordDescs = []*prometheus.Desc{descPresenceStatus, descFlagged, descReached, descReach, descLost, descStatusChanged, descReviewed,
		descConfirmed, descOrgInfo}
	aggregateDescs = []*prometheus.Desc{descOrganisations, descCountryLost, descStatusChanges, descStatusCorrections,
		descClassMeasures, descClassLatest, descDueForReview, descPastEnd, descAwaiting, descCountryInfo}
)

// dataCollector emits the domain metrics of one reading of the data as
// const metrics: each collection describes exactly the data it was given,
// so a record that changed status or disappeared leaves no stale series.
type dataCollector struct {
	data      *store.MetricsData
	perRecord bool
}

// Describe sends the descriptors of the metrics Collect may emit.
func (c dataCollector) Describe(ch chan<- *prometheus.Desc) {
	if c.perRecord {
		for _, d := range perRecordDescs {
			ch <- d
		}
	}
	for _, d := range aggregateDescs {
		ch <- d
	}
}

// Collect emits the metrics of the data.
func (c dataCollector) Collect(ch chan<- prometheus.Metric) {
	if c.data == nil {
		return
	}
	if c.perRecord {
		collectRecords(c.data, ch)
	}
	collectAggregates(c.data, ch)
}

// gauge emits a const gauge. A metric that cannot be made (it cannot happen
// with validated data) becomes an invalid metric, which the registry reports
// from Gather, rather than a panic in the registry's goroutine.
func gauge(ch chan<- prometheus.Metric, d *prometheus.Desc, v float64, labels ...string) {
	constMetric(ch, d, prometheus.GaugeValue, v, labels...)
}

func constMetric(ch chan<- prometheus.Metric, d *prometheus.Desc, t prometheus.ValueType, v float64, labels ...string) {
	m, err := prometheus.NewConstMetric(d, t, v, labels...)
	if err != nil {
		m = prometheus.NewInvalidMetric(d, err)
	}
	ch <- m
}

// collectRecords emits the per-record series and the organisation info.
func collectRecords(data *store.MetricsData, ch chan<- prometheus.Metric) {
	for _, r := range data.Records {
		for _, s := range access.Statuses {
			v := 0.0
			if s == r.Status {
				v = 1
			}
			gauge(ch, descPresenceStatus, v, r.Country, r.Org, string(s))
		}
		flagged := 0.0
		if r.FlaggedNow {
			flagged = 1
		}
		gauge(ch, descFlagged, flagged, r.Country, r.Org)
		if r.ReachKnown { // unknown reach has no series: it is not 0
			gauge(ch, descReached, float64(r.Reach), r.Country, r.Org)
			gauge(ch, descReach, float64(r.Reach), r.Country, r.Org, string(r.ReachBasis))
			gauge(ch, descLost, float64(lostNow(r)), r.Country, r.Org)
		}
		if t := r.StatusSince.Start(); !t.IsZero() {
			gauge(ch, descStatusChanged, float64(t.Unix()), r.Country, r.Org)
		}
		if t := r.LastReviewed.Start(); !t.IsZero() {
			gauge(ch, descReviewed, float64(t.Unix()), r.Country, r.Org)
		}
		if t := r.Confirmed.Start(); !t.IsZero() {
			gauge(ch, descConfirmed, float64(t.Unix()), r.Country, r.Org)
		}
	}
	for _, o := range data.Orgs {
		// Label values must be UTF-8; a name is free text, so make sure.
		gauge(ch, descOrgInfo, 1, o.Slug, strings.ToValidUTF8(o.Name, "\uFFFD"), string(o.Type))
	}
}

// collectAggregates emits the per-country series. Every status of a country
// that has records or status events gets an accesswatch_organisations
// series, zero included, so that a first organisation in a status shows as
// a change from 0. The status-change counter goes further: every country of
// the country list has one for every status, so that a country's very
// first change (Mali's first expulsion) is an increase from 0 rather than a
// series appearing from nothing (which increase() and rate() cannot see).
func collectAggregates(data *store.MetricsData, ch chan<- prometheus.Metric) {
	type countryTotals struct {
		byStatus    map[access.Status]int
		changes     map[access.Status]int64
		corrections map[access.Status]int64
		measures    map[access.Status]int
		latest      map[access.Status]access.Date
		lost        map[access.ReachBasis]int64 // by basis, for every basis the country has a figure of
		due, past   int
	}
	var order []string
	countries := map[string]*countryTotals{}
	country := func(code string) *countryTotals {
		c, ok := countries[code]
		if !ok {
			c = &countryTotals{byStatus: map[access.Status]int{}, changes: map[access.Status]int64{}, corrections: map[access.Status]int64{},
				measures: map[access.Status]int{}, latest: map[access.Status]access.Date{}, lost: map[access.ReachBasis]int64{}}
			countries[code] = c
			order = append(order, code)
		}
		return c
	}
	for _, r := range data.Records {
		c := country(r.Country)
		c.byStatus[r.Status]++
		if r.ReachKnown {
			c.lost[r.ReachBasis] += lostNow(r)
		}
		if r.DueForReview {
			c.due++
		}
		if r.PastEnd {
			c.past++
		}
	}
	for _, e := range data.StatusEvents {
		country(e.Country).changes[e.Status] += e.Events
	}
	for _, e := range data.StatusCorrections {
		country(e.Country).corrections[e.Status] += e.Events
	}
	for _, m := range data.ClassMeasures {
		c := country(m.Country)
		c.measures[m.Status] += m.Measures
		c.past += m.DeadlinePassed
		if m.Latest.Compare(c.latest[m.Status]) > 0 {
			c.latest[m.Status] = m.Latest
		}
	}
	awaiting := map[string]int{}
	for _, a := range data.AwaitingVerification {
		country(a.Country)
		awaiting[a.Country] += a.Count
	}
	for _, k := range data.Countries {
		if _, ok := countries[k.Code]; !ok {
			// A country without records or events: its status-change
			// counters only, all zero. (Corrections need no such series:
			// a correction follows a change, whose country then has data.)
			for _, s := range access.Statuses {
				constMetric(ch, descStatusChanges, prometheus.CounterValue, 0, k.Code, string(s))
			}
		}
		gauge(ch, descCountryInfo, 1, k.Code, strings.ToValidUTF8(k.Name, "\uFFFD"), strings.ToValidUTF8(k.Region, "\uFFFD"))
	}
	for _, code := range order {
		c := countries[code]
		for _, s := range access.Statuses {
			gauge(ch, descOrganisations, float64(c.byStatus[s]), code, string(s))
			constMetric(ch, descStatusChanges, prometheus.CounterValue, float64(c.changes[s]), code, string(s))
			constMetric(ch, descStatusCorrections, prometheus.CounterValue, float64(c.corrections[s]), code, string(s))
		}
		for _, b := range access.ReachBases {
			if v, ok := c.lost[b]; ok {
				gauge(ch, descCountryLost, float64(v), code, string(b))
			}
		}
		for _, s := range access.Statuses {
			if n, ok := c.measures[s]; ok {
				gauge(ch, descClassMeasures, float64(n), code, string(s))
			}
			if t := c.latest[s].Start(); !t.IsZero() {
				gauge(ch, descClassLatest, float64(t.Unix()), code, string(s))
			}
		}
		gauge(ch, descDueForReview, float64(c.due), code)
		gauge(ch, descPastEnd, float64(c.past), code)
		if data.AwaitingVerification != nil {
			gauge(ch, descAwaiting, float64(awaiting[code]), code)
		}
	}
}

// lostNow is the reach a record counts as lost today (0 when it does not).
func lostNow(r store.MetricsRecord) int64 {
	if !r.LostNow {
		return 0
	}
	return r.Reach
}
