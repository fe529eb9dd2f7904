package storetest

import (
	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
)

// FormulaTexts are values a spreadsheet would take for formulas if a CSV
// cell began with them (CSV injection), as an attacker might type them into
// an event's text fields.
var FormulaTexts = []string{`=HYPERLINK("http://x")`, "+SUM(1)", "-1+1", "@A1", "'=already quoted"}

// FormulaEvents are events whose free-text fields hold FormulaTexts, for an
// organisation whose name is one too, so that both CSV exports carry them.
func FormulaEvents() []store.NewEvent {
	org := access.Org{Slug: "formula-test", Name: FormulaTexts[0], Acronym: FormulaTexts[3], Type: access.OrgINGO}
	ev := access.Event{
		CountryCode: "MLI", OrgSlug: org.Slug, Date: access.MustParseDate("2025-03-04"),
		Type: access.EventSuspensionOrdered, StatusAfter: access.StatusSuspended,
		InitiatedBy: access.InitiatedByAuthority, Authority: FormulaTexts[0],
		Reason: FormulaTexts[1], Description: FormulaTexts[2], Verification: access.Verified,
		Sources: []access.Source{
			{Publisher: FormulaTexts[3], URL: "https://news.example.org/formula", Title: FormulaTexts[4], Type: access.SourceNews},
		},
	}
	return []store.NewEvent{{Event: ev, Org: &org, ExpectedVersion: store.AnyVersion, Actor: "test"}}
}
