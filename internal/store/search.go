package store

import (
	"database/sql"
	"encoding/json"

	"github.com/accesswatch/accesswatch/internal/access"
)

// Search: the conditions shared by every list that takes search text. The
// text is a LIKE pattern in :query (see likePattern); what it stands for
// (access.TextMatch: countries by name or other name, statuses, event
// types, instruments and reason categories by label, further words) comes
// in :q_countries, :q_statuses, :q_events, :q_instruments, :q_reasons and
// :q_terms as JSON lists of codes or LIKE patterns.

// eventTextMatch holds when event e's own words match: its authority,
// stated reason, description or source publisher hold the text (or a
// further word), or the status it set, its type, instrument or reason
// category is one the text names.
const eventTextMatch = `(e.authority LIKE :query ESCAPE '\' OR e.reason LIKE :query ESCAPE '\'
       OR e.description LIKE :query ESCAPE '\'
       OR e.status_after IN (SELECT value FROM json_each(:q_statuses))
       OR e.type IN (SELECT value FROM json_each(:q_events))
       OR e.instrument IN (SELECT value FROM json_each(:q_instruments))
       OR e.reason_category IN (SELECT value FROM json_each(:q_reasons))
       OR EXISTS (SELECT 1 FROM event_sources es WHERE es.event_id = e.id AND es.publisher LIKE :query ESCAPE '\')
       OR EXISTS (SELECT 1 FROM json_each(:q_terms) qt WHERE e.reason LIKE qt.value ESCAPE '\' OR e.description LIKE qt.value ESCAPE '\'))`

// orgTextMatch holds when organisation o's name, acronym or slug holds the text.
const orgTextMatch = `(o.name LIKE :query ESCAPE '\' OR o.acronym LIKE :query ESCAPE '\' OR o.slug LIKE :query ESCAPE '\')`

// countryTextMatch holds when country c's name, official name or code
// holds the text, or the text names it another way.
const countryTextMatch = `(c.name LIKE :query ESCAPE '\' OR c.official_name LIKE :query ESCAPE '\' OR c.code LIKE :query ESCAPE '\'
       OR c.code IN (SELECT value FROM json_each(:q_countries)))`

// searchArgs are the named parameters of the search conditions.
func searchArgs(text string, m access.TextMatch) []any {
	terms := make([]string, 0, len(m.Terms))
	for _, t := range m.Terms {
		if p := likePattern(t); p != "" {
			terms = append(terms, p)
		}
	}
	return []any{
		sql.Named("query", likePattern(text)),
		sql.Named("q_countries", jsonArray(m.Countries)),
		sql.Named("q_statuses", jsonArray(m.Statuses)),
		sql.Named("q_events", jsonArray(m.Events)),
		sql.Named("q_instruments", jsonArray(m.Instruments)),
		sql.Named("q_reasons", jsonArray(m.Reasons)),
		sql.Named("q_terms", jsonArray(terms)),
	}
}

// jsonArray is items as a JSON array, "[]" when there are none (json_each
// reads an empty string as malformed).
func jsonArray[T ~string](items []T) string {
	if len(items) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(items)
	return string(b)
}
