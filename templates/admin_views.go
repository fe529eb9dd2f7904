package templates

import (
	"net/url"
	"strconv"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
)

// AdminPage is the frame of every admin page. Admin pages have their own
// layout, so the public pages stay the same for everyone (and cacheable).
type AdminPage struct {
	Page
	// User is who is logged in; empty on the login page.
	User string
	// IsAdmin shows the admin-only sections (audit log, accounts).
	IsAdmin bool
	// Notice confirms what the previous request did, in words.
	Notice string
	// Queues counts the editor's work queues for the navigation (nil: not
	// counted, as on the login page).
	Queues *QueueCounts
}

// WorkQueues are an editor's work queues, each list capped, each count whole.
type WorkQueues struct {
	Awaiting     []access.EventView  // events awaiting verification, entered by others, oldest first
	DueForReview []access.RecordView // records due for review, least recently confirmed first
	PastEnd      []access.RecordView // measures past their stated end
	Recent       []access.EventView  // latest changes by others, newest first

	AwaitingCount, DueCount, PastEndCount, RecentCount int
}

// QueueCounts are the sizes of an editor's work queues.
type QueueCounts struct {
	Awaiting int // events awaiting verification, entered by others
	Due      int // records due for review
	PastEnd  int // measures past their stated end
}

// Form is a form's state: the values to show (what the editor submitted,
// or defaults), a problem message per field, and every problem in order for
// the summary at the top.
type Form struct {
	Values   map[string]string
	Errors   map[string]string
	Problems []Problem
}

// Problem is one message, tied to the field it is about ("" for the form).
type Problem struct {
	Field   string
	Message string
}

// V returns a field's value.
func (f Form) V(name string) string { return f.Values[name] }

// Err returns a field's problem message, "" if none.
func (f Form) Err(name string) string { return f.Errors[name] }

// Checked reports whether a checkbox field was ticked.
func (f Form) Checked(name string) bool { return f.Values[name] != "" }

// Option is one choice of a <select>.
type Option struct {
	Value, Label string
}

// textLangOptions lists the languages an event's free text may be
// written in, the interface's own first so that a new form defaults to it.
func textLangOptions(l *i18n.Locale) []Option {
	out := []Option{{Value: l.Tag, Label: l.T("lang." + l.Tag)}}
	for _, t := range i18n.Tags {
		if t != l.Tag {
			out = append(out, Option{Value: t, Label: l.T("lang." + t)})
		}
	}
	return out
}

// vocabOptions lists a vocabulary as options, after a leading blank one
// labelled blank (none when blank is "").
func vocabOptions[T ~string](values []T, label func(T) string, blank string) []Option {
	var out []Option
	if blank != "" {
		out = append(out, Option{"", blank})
	}
	for _, v := range values {
		out = append(out, Option{string(v), label(v)})
	}
	return out
}

func statusOptions(l *i18n.Locale) []Option {
	return append([]Option{{"", l.T("admin.choose")}, {access.StatusUnchanged, l.T("admin.status.unchanged")}},
		vocabOptions(access.Statuses, l.Status, "")...)
}

func eventTypeOptions(l *i18n.Locale) []Option {
	return vocabOptions(access.EventTypes, l.EventType, l.T("admin.choose"))
}

func initiatorOptions(l *i18n.Locale) []Option {
	return vocabOptions(access.Initiators, l.InitiatedBy, l.T("initiator."))
}

func instrumentOptions(l *i18n.Locale) []Option {
	return vocabOptions(access.Instruments, l.Instrument, l.T("admin.optional"))
}

func reasonOptions(l *i18n.Locale) []Option {
	return vocabOptions(access.ReasonCategories, l.ReasonCategory, l.T("admin.optional"))
}

func basisOptions(l *i18n.Locale) []Option {
	return vocabOptions(access.ReachBases, l.ReachBasis, l.T("admin.optional"))
}

func sourceTypeOptions(l *i18n.Locale) []Option {
	return vocabOptions(access.SourceTypes, l.SourceType, l.T("admin.optional"))
}

func orgTypeOptions(l *i18n.Locale) []Option {
	return vocabOptions(access.OrgTypes, l.OrgType, l.T("admin.choose"))
}

func roleOptions(l *i18n.Locale) []Option {
	return vocabOptions(access.Roles, func(r access.Role) string { return l.T("admin.role." + string(r)) }, "")
}

// orgLabel is how an organisation is offered in a list: "MSF — Médecins
// Sans Frontières", or its name alone.
func orgLabel(o access.Org) string {
	if o.Acronym != "" && o.Acronym != o.Name {
		return o.Acronym + " — " + o.Name
	}
	return o.Name
}

// countryOptions and orgOptions are the work queues' filters: every
// country or organisation, by name, with an empty choice first.
func countryOptions(l *i18n.Locale, cs []access.Country) []Option {
	out := []Option{{"", l.T("admin.choose")}}
	for _, c := range cs {
		out = append(out, Option{c.Code, l.Country(c.Code, c.Name) + " (" + c.Code + ")"})
	}
	i18n.SortFunc(l, out[1:], func(o Option) string { return o.Label })
	return out
}

func orgOptions(l *i18n.Locale, os []access.Org) []Option {
	out := []Option{{"", l.T("admin.choose")}}
	for _, o := range os {
		label := o.Name
		if o.Acronym != "" && o.Acronym != o.Name {
			label = o.Acronym + " — " + o.Name
		}
		out = append(out, Option{o.Slug, label})
	}
	return out
}

// Admin URLs.

// AdminEventURL is the form that records an event on a record.
func AdminEventURL(country, slug string) string {
	return "/admin/countries/" + url.PathEscape(country) + "/orgs/" + url.PathEscape(slug) + "/events/new"
}

// AdminRetractURL is the confirmation form that retracts event id of a
// record.
func AdminRetractURL(country, slug string, id int64) string {
	return "/admin/countries/" + url.PathEscape(country) + "/orgs/" + url.PathEscape(slug) + "/events/" + strconv.FormatInt(id, 10) + "/retract"
}

// AdminCorrectURL is the event form, pre-filled, that supersedes event id
// of a record with a corrected one.
func AdminCorrectURL(country, slug string, id int64) string {
	return "/admin/countries/" + url.PathEscape(country) + "/orgs/" + url.PathEscape(slug) + "/events/" + strconv.FormatInt(id, 10) + "/correct"
}

// AdminReviewURL is the form that confirms a record is still accurate.
func AdminReviewURL(country, slug string) string {
	return "/admin/countries/" + url.PathEscape(country) + "/orgs/" + url.PathEscape(slug) + "/review"
}

// AdminOrgEditURL is the form that edits an organisation.
func AdminOrgEditURL(slug string) string { return "/admin/orgs/" + url.PathEscape(slug) + "/edit" }

// AdminOrgMergeURL is the form that merges an organisation into another.
func AdminOrgMergeURL(slug string) string { return "/admin/orgs/" + url.PathEscape(slug) + "/merge" }

// AdminSeverityURL is the form that sets a country's access-severity score.
func AdminSeverityURL(code string) string {
	return "/admin/countries/" + url.PathEscape(code) + "/severity"
}

// passwordAction is where a set-password form posts.
func passwordAction(v PasswordView) string {
	if v.Self {
		return "/admin/account"
	}
	return AdminUserURL(v.Name) + "/password"
}

// confirmAction is where a confirm form posts.
func confirmAction(v ConfirmView) string {
	switch {
	case v.Role:
		return AdminUserURL(v.Name) + "/role"
	case v.Enable:
		return AdminUserURL(v.Name) + "/enable"
	}
	return AdminUserURL(v.Name) + "/disable"
}

// AdminUserURL is the base of an account's admin actions.
func AdminUserURL(name string) string { return "/admin/users/" + url.PathEscape(name) }

// AdminPager is a page number among pages of an admin list, with the link
// of a page.
type AdminPager struct {
	Page, Pages, Total int
	Link               func(page int) string
}

// DashboardView is the admin front page: the editor's work queues
// (filtered by QueueCountry and QueueOrg), then records to edit.
type DashboardView struct {
	Query   string
	Records []access.RecordView
	Pager   AdminPager
	Queues  WorkQueues
	// QueueCountry and QueueOrg are the queues' filters ("": all), chosen
	// among Countries and Orgs.
	QueueCountry, QueueOrg string
	Countries              []access.Country
	Orgs                   []access.Org
	// User is the editor looking: their own entries offer no Verify.
	User string
}

// EventFormView is the record-an-event, review and create-record form.
type EventFormView struct {
	Mode   access.RecordEdit
	Action string
	Record access.RecordView // the record (EditEvent, EditReview)
	Form   Form
	// Countries and Orgs are the choices of EditCreate.
	Countries []access.Country
	Orgs      []access.Org
	// Timeline is the record's events, newest first (EditEvent): each one
	// that counts offers Retract and Correct; a corrected one shows how.
	Timeline []access.EventView
	// Correcting is the event this form supersedes (nil: a new event); the
	// form then also asks for the reason of the correction.
	Correcting *access.EventView
	// Duplicates are events of the record with the same date and type as
	// the one submitted: the form asks to confirm before recording another.
	Duplicates []access.EventView
	// SimilarOrgs are organisations like the new one the create-record
	// form names: the form asks to confirm before creating it.
	SimilarOrgs []access.Org
	// SourceRows is how many source rows the form shows (at least 1), at
	// most MaxSourceRows ("Add another source" is offered below it).
	SourceRows, MaxSourceRows int
	// RequireVerification: a new event stays private until a second
	// editor verifies it (the button says "Submit for verification").
	RequireVerification bool
	// CanPublishAlone: the editor is an admin, who may publish without a
	// second editor by giving a reason.
	CanPublishAlone bool
}

// RetractView is the confirmation step of retracting an event: the event,
// what retracting means, and the reason asked for. Done is set when the
// event was already corrected: the page then shows how, and no form.
type RetractView struct {
	Record access.RecordView
	Event  access.EventView
	Action string
	Form   Form
}

// ConflictView explains a 409: the record moved on since the editor loaded
// the form. It shows what changed and the editor's input again, set to the
// current version so that it can be resubmitted after reading.
type ConflictView struct {
	Record  access.RecordView
	Changes []access.EventView
	Form    EventFormView
}

// OrgFormView is the create- or edit-organisation form.
type OrgFormView struct {
	New    bool
	Slug   string // when editing
	Action string
	Form   Form
	// Similar are existing organisations whose normalised name or acronym
	// equals the new one's: the form links them and asks to confirm.
	Similar []access.Org
	// Current is the organisation as someone else saved it since the form
	// was loaded (a 409): shown beside the editor's input, which is kept.
	Current *access.Org
}

// MergeView is the form that merges one organisation into another.
type MergeView struct {
	Org     access.Org   // the organisation merged away
	Records int          // how many records it has
	Orgs    []access.Org // the organisations it can be merged into
	Form    Form
}

// ClassMeasureView is the form that records a measure against a class of
// organisations in a country, with the measures in force there.
type ClassMeasureView struct {
	Country access.Country
	InForce []access.ClassMeasure
	Form    Form
}

// AdminClassMeasureURL is the form that records a measure against a class
// of organisations in a country.
func AdminClassMeasureURL(code string) string {
	return "/admin/countries/" + url.PathEscape(code) + "/measures/new"
}

// SeverityFormView is the form that sets a country's score.
type SeverityFormView struct {
	Country access.Country
	Form    Form
}

// AuditView is a page of the audit log.
type AuditView struct {
	Rows  []AuditRow
	Pager AdminPager
}

// AuditRow is one audit entry with its changes, field by field.
type AuditRow struct {
	At                  time.Time
	Actor, Action, What string
	Changes             []AuditChange
}

// AuditChange is one field's old and new value ("" when absent).
type AuditChange struct {
	Field, Old, New string
}

// UsersView is the account management page.
type UsersView struct {
	Users []access.User
	Self  string
	Add   Form
}

// PasswordView is the set-password form of one account (Self: the acting
// user's own, at /admin/account).
type PasswordView struct {
	Name string
	Self bool
	Form Form
}

// ConfirmView is a form that changes another account after the acting user
// confirms with their current password: disabling it, enabling it again
// (Enable true), or changing its role (Role true: the form has a role
// field).
type ConfirmView struct {
	Name   string
	Role   bool
	Enable bool
	Form   Form
}

// SecurityView is a page of the login trail with its filter.
type SecurityView struct {
	Rows     []SecurityRow
	Name     string // the account filter, "" for any
	Outcome  string // the outcome filter, "" for any
	Outcomes []Option
	Pager    AdminPager
}

// SecurityRow is one row of the login trail, in words.
type SecurityRow struct {
	At                    time.Time
	Name, Address         string
	Outcome, OutcomeLabel string
	Detail                string
}

func itoa(n int) string     { return strconv.Itoa(n) }
func i64toa(n int64) string { return strconv.FormatInt(n, 10) }

// AdminVerifyURL is where the Verify button of an event posts.
func AdminVerifyURL(id int64) string { return "/admin/events/" + i64toa(id) + "/verify" }
func stamp(t time.Time) string       { return t.UTC().Format("2006-01-02 15:04 UTC") }
