package site

import (
	"net/http"
	"net/mail"
	"net/url"
	"strings"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/dataset"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// CodeLicence names the licence of accesswatch's code (see LICENSE); the
// data is CC BY 4.0, which /about states.
const CodeLicence = "MIT"

// Info is what the public site is told at start besides its store: how
// readers send corrections, and the API's description for /data.
type Info struct {
	// Contact is where corrections go: an e-mail address or an http(s)
	// URL (see ParseContact); empty: none configured, which /about says.
	Contact string
	// OpenAPI is the API's OpenAPI document (JSON), rendered on /data.
	OpenAPI []byte
}

// ParseContact checks a corrections contact and returns the link to it:
// "mailto:" and the address for an e-mail address, the URL itself for an
// http or https URL. Anything else is an error that says what is expected.
func ParseContact(s string) (href string, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" || u.User != nil {
			return "", &contactError{s}
		}
		return u.String(), nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(a.Address[strings.LastIndexByte(a.Address, '@'):], ".") {
		return "", &contactError{s}
	}
	return "mailto:" + a.Address, nil
}

// contactError is a contact that is neither an e-mail address nor an
// http(s) URL.
type contactError struct{ value string }

func (e *contactError) Error() string {
	return "a contact must be an e-mail address (corrections@example.org) or an http(s) URL (https://example.org/corrections), not \"" + e.value + "\""
}

// ShowAbout serves /about: what is recorded and how, the licences, how to
// cite and how to send a correction.
func (s *Site) ShowAbout(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.parseQuery(r, noParams()); err != nil {
		return err
	}
	page, err := s.page(r.Context(), s.l.T("about.title"), "about")
	if err != nil {
		return err
	}
	v := templates.AboutView{Origin: s.kit.Origin(r), CodeLicence: CodeLicence, ContactHref: s.contactHref, Contact: s.info.Contact}
	// The citation's date is the footer's: the newest event that counts.
	if asOf := page.AsOf.NewestEvent; !asOf.IsZero() {
		v.DataAsOf = s.l.Date(asOf)
	}
	for _, st := range access.Statuses {
		flag := "about.flagged.never"
		switch {
		case st.Flagged(access.InitiatedByAuthority) && st.Flagged(access.InitiatedByOrganisation):
			flag = "about.flagged.always"
		case st.Flagged(access.InitiatedByAuthority):
			flag = "about.flagged.imposed"
		}
		lost := "about.lost.no"
		if st.ReachLost() {
			lost = "about.lost.yes"
		}
		v.Statuses = append(v.Statuses, templates.StatusNote{Status: st, Meaning: s.l.T("about.status." + string(st)),
			Flagged: s.l.T(flag), Lost: s.l.T(lost), FlaggedAlways: flag == "about.flagged.always"})
	}
	for _, b := range access.ReachBases {
		v.Bases = append(v.Bases, s.l.T("about.reach."+string(b)))
	}
	s.kit.Render(w, r, http.StatusOK, templates.AboutPage(page, v))
	return nil
}

// ShowData serves /data: the exports, their HXL hashtags, the API (from
// its OpenAPI document), badges and the feed, with examples.
func (s *Site) ShowData(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.parseQuery(r, noParams()); err != nil {
		return err
	}
	v := templates.DataView{Origin: s.kit.Origin(r), API: s.api, APIErr: s.apiErr != nil}
	for _, c := range dataset.RecordColumns {
		v.RecordColumns = append(v.RecordColumns, templates.HXLColumn{Name: c.Name, Tag: c.HXL})
	}
	for _, c := range dataset.EventColumns {
		v.EventColumns = append(v.EventColumns, templates.HXLColumn{Name: c.Name, Tag: c.HXL})
	}
	// A real record makes the badge example one that works.
	recs, _, err := s.store.Records(r.Context(), store.RecordFilter{Limit: 1})
	if err != nil {
		return err
	}
	if len(recs) > 0 {
		v.BadgeCountry, v.BadgeOrg = recs[0].CountryCode, recs[0].OrgSlug
	}
	page, err := s.page(r.Context(), s.l.T("data.title"), "data")
	if err != nil {
		return err
	}
	s.kit.Render(w, r, http.StatusOK, templates.DataPage(page, v))
	return nil
}
