package admin

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/accesswatch/accesswatch/internal/web/httpkit"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/auth"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/store"
)

// Admin form decoding. Every form has a strict field set: a field the form
// does not have, or a field sent twice, means the request did not come from
// the form, and it is refused whole (400). Within the set, each value is
// checked for valid UTF-8 and a length limit, then decoded into domain
// values; problems with values are reported per field so the form can be
// shown again with the editor's input and a message at each field.

// formField is one field a form may send.
type formField struct {
	max      int  // limit in characters
	required bool // must be present and not blank
}

// formSpec is a form's complete field set.
type formSpec map[string]formField

// Limits of fields that hold codes, numbers and dates rather than text.
const (
	maxCode    = 64
	maxNumber  = 20
	maxDate    = 40 // room for a mistyped date, which gets the date message
	maxAcronym = 40
)

// formError is a request that no form of ours sends: an unexpected or
// repeated field, or a body that is not a form. It is answered 400.
type formError struct {
	code  string // "unexpected_field", "duplicate_field", "malformed", "bad_value"
	field string // quoted for a message (printable); "" for "malformed"
}

func (e *formError) Error() string { return "form: " + e.code + " " + strconv.Quote(e.field) }

// readForm reads an application/x-www-form-urlencoded body of at most
// MaxFormBytes (the guard already wrapped the body in a MaxBytesReader).
// A longer body is not refused outright: what was read, up to the limit,
// is decoded (an escape or character cut at the limit is dropped), so that
// the form comes back with the editor's input and a message at the field
// that is too long — with a 1 MiB limit, a body that big always holds one
// (see MaxFormBytes) — rather than as a bare 413 page.
func (s *Admin) readForm(r *http.Request) (url.Values, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, &httpkit.HTTPError{Status: http.StatusUnsupportedMediaType, Heading: s.l.T("admin.error.media_type"),
			Details: []string{s.l.T("admin.error.media_type.detail")}}
	}
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	cut := errors.As(err, &tooBig)
	if err != nil && !cut {
		return nil, err
	}
	if cut {
		body = trimCut(body)
	}
	values, err := url.ParseQuery(string(body))
	if err != nil {
		if cut {
			return nil, s.tooLarge(err)
		}
		return nil, s.formRefused(&formError{code: "malformed"})
	}
	if cut && !formLike(values) {
		return nil, s.tooLarge(tooBig) // not a form of ours cut short: a bare 413
	}
	if cut {
		s.kit.Log.InfoContext(r.Context(), "admin form over the body limit: shown again with what was read", "path", r.URL.Path, "limit", MaxFormBytes)
		trimCutValues(values, body)
	}
	return values, nil
}

// formLike reports whether values read from a body cut at the limit look
// like one of our forms (field names are short words): only then is the
// form shown again; anything else over the limit is answered 413.
func formLike(values url.Values) bool {
	if len(values) == 0 {
		return false
	}
	for k := range values {
		if len(k) > maxCode || strings.IndexFunc(k, func(r rune) bool { return (r < 'a' || r > 'z') && r != '_' }) >= 0 {
			return false
		}
	}
	return true
}

// trimCut drops a percent-escape cut short at the end of a body.
func trimCut(body []byte) []byte {
	for i := len(body) - 1; i >= 0 && i >= len(body)-2; i-- {
		if body[i] == '%' {
			return body[:i]
		}
	}
	return body
}

// trimCutValues drops the incomplete UTF-8 sequence the limit may have cut
// from the last value of a body.
func trimCutValues(values url.Values, body []byte) {
	last := string(body)
	if i := strings.LastIndexByte(last, '&'); i >= 0 {
		last = last[i+1:]
	}
	key, _, _ := strings.Cut(last, "=")
	name, err := url.QueryUnescape(key)
	if err != nil || len(values[name]) == 0 {
		return
	}
	vs := values[name]
	v := vs[len(vs)-1]
	for n := 0; n < utf8.UTFMax && len(v) > 0 && !utf8.ValidString(v); n++ {
		v = v[:len(v)-1]
	}
	vs[len(vs)-1] = v
}

func (s *Admin) tooLarge(cause error) error {
	return &httpkit.HTTPError{Status: http.StatusRequestEntityTooLarge, Heading: s.l.T("error.413"),
		Details: []string{s.l.T("error.413.detail"), s.l.Tf("admin.error.413.limit", MaxFormBytes/1024)}, Err: cause}
}

// refused answers a decoding error: a *formError becomes a 400 that names
// the field; anything else passes through.
func (s *Admin) refused(err error) error {
	var fe *formError
	if errors.As(err, &fe) {
		return s.formRefused(fe)
	}
	return err
}

// formRefused turns a formError into a 400 that names the field.
func (s *Admin) formRefused(fe *formError) error {
	msg := s.l.T("admin.form." + fe.code)
	if fe.field != "" {
		msg = s.l.Tf("admin.form."+fe.code, fe.field)
	}
	return &httpkit.HTTPError{Status: http.StatusBadRequest, Heading: s.l.T("error.400"), Details: []string{msg}, Err: fe}
}

// decodeFields checks values against spec and returns one string per field
// of the spec ("" when absent). Problems with values (invalid UTF-8, too
// long, required but blank) are returned as access.Errors; a value with
// invalid UTF-8 is returned with the bad bytes replaced, so it can be shown
// again safely.
func decodeFields(values url.Values, spec formSpec) (map[string]string, access.Errors, error) {
	for name, vs := range values {
		if _, ok := spec[name]; !ok {
			return nil, nil, &formError{code: "unexpected_field", field: printable(name)}
		}
		if len(vs) > 1 {
			return nil, nil, &formError{code: "duplicate_field", field: printable(name)}
		}
	}
	fields := make(map[string]string, len(spec))
	var problems access.Errors
	for name, f := range spec {
		v := values.Get(name)
		switch {
		case !utf8.ValidString(v):
			problems.Add(name, access.CodeInvalidUTF8)
			v = strings.ToValidUTF8(v, "\uFFFD")
		case utf8.RuneCountInString(v) > f.max:
			problems.AddLimit(name, access.CodeTooLong, f.max)
		case f.required && strings.TrimSpace(v) == "":
			problems.Add(name, access.CodeRequired)
		}
		fields[name] = v
	}
	// Map order is random; messages come in a stable order.
	slices.SortStableFunc(problems, func(a, b access.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return fields, problems, nil
}

// printable shortens and cleans a field name for a message.
func printable(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return strconv.Quote(s)
}

// merge adds the problems of more for fields that have none yet: one
// message per field, the first found.
func merge(p access.Errors, more error) access.Errors {
	errs, ok := access.AsErrors(more)
	if !ok {
		return p
	}
	for _, fe := range errs {
		if _, seen := p.Field(fe.Field); !seen {
			p = append(p, fe)
		}
	}
	return p
}

var (
	isoDatePattern = regexp.MustCompile(`^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$`)
	digitsPattern  = regexp.MustCompile(`^[0-9]+$`)
)

// formDate reads a date written YYYY, YYYY-MM or YYYY-MM-DD.
func formDate(p *access.Errors, field, v string) access.Date {
	v = strings.TrimSpace(v)
	if v == "" {
		return access.Date{}
	}
	if isoDatePattern.MatchString(v) {
		if d, err := access.ParseDate(v); err == nil {
			return d
		}
	}
	if _, seen := p.Field(field); !seen {
		p.Add(field, access.CodeDateFormat)
	}
	return access.Date{}
}

// formVersion reads the hidden version field; a bad one was not typed by a
// person, so it refuses the request.
func formVersion(v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if !digitsPattern.MatchString(v) || err != nil {
		return 0, &formError{code: "bad_value", field: printable("version")}
	}
	return n, nil
}

// textFields are the free-text fields of the event forms, with their limits.
var eventTextFields = formSpec{
	"authority":   {max: access.MaxShortText},
	"reason":      {max: access.MaxReason},
	"description": {max: access.MaxLongText},
	"text_lang":   {max: 8},
}

// eventSpec is the record-an-event form; reviewSpec the review form;
// createSpec the create-record form.
var (
	eventSpec = withFields(eventTextFields, formSpec{
		"event_type":        {max: maxCode, required: true},
		"status":            {max: maxCode, required: true},
		"date":              {max: maxDate, required: true},
		"initiated_by":      {max: maxCode},
		"instrument":        {max: maxCode},
		"reason_category":   {max: maxCode},
		"people":            {max: maxNumber},
		"people_basis":      {max: maxCode},
		"version":           {max: maxNumber},
		"confirm_duplicate": {max: 2},
		"publish_reason":    {max: access.MaxLongText},
	}, sourceRowsSpec())
	reviewSpec = formSpec{
		"date":             {max: maxDate, required: true},
		"description":      {max: access.MaxLongText},
		"source_url":       {max: access.MaxURL},
		"source_publisher": {max: access.MaxShortText},
		"source_title":     {max: access.MaxTitle},
		"version":          {max: maxNumber},
	}
	createSpec = withFields(without(eventSpec, "version"), formSpec{
		"country":         {max: access.MaxShortText, required: true}, // a code, or a country's name
		"org":             {max: access.MaxShortText},                 // a slug, or an organisation's name or acronym
		"new_org_name":    {max: access.MaxShortText},
		"new_org_acronym": {max: maxAcronym},
		"new_org_type":    {max: maxCode},
	})
)

func withFields(specs ...formSpec) formSpec {
	out := formSpec{}
	for _, spec := range specs {
		for k, v := range spec {
			out[k] = v
		}
	}
	return out
}

func without(a formSpec, name string) formSpec {
	out := withFields(a)
	delete(out, name)
	return out
}

// eventInput is a decoded event form.
type eventInput struct {
	Event   access.Event
	Version int64 // the record version the form was loaded at (not for EditCreate)
	Fields  map[string]string
	// AddSource: the editor asked for one more source row; nothing is
	// written, the form comes back with Fields and the row.
	AddSource bool
	// PublishReason is an admin's reason to publish without a second
	// editor ("" for the usual verification).
	PublishReason string
	// NewOrg is the organisation the create-record form creates with the
	// record (its "new organisation" fields); nil: an existing one.
	NewOrg *access.Org
	// Confirmed says the editor saw the similar events (or organisations)
	// and records this one all the same.
	Confirmed bool
}

// errorsOf returns the problems in err, none if it holds none.
func errorsOf(err error) access.Errors {
	errs, _ := access.AsErrors(err)
	return errs
}

// newOrgField is the create-record form's field for a field of the
// organisation it creates ("name" → "new_org_name"); the slug is "org".
func newOrgField(field string) string {
	if field == "slug" {
		return "org"
	}
	return "new_org_" + field
}

// formTicked reads a tick box: "" is unticked, "1" or "on" ticked;
// anything else is a problem at the field.
func formTicked(p *access.Errors, field, v string) bool {
	switch v {
	case "":
		return false
	case "1", "on":
		return true
	}
	p.Add(field, access.CodeUnknownValue)
	return false
}

// decodeEvent decodes an event form of the given mode. The event's
// country and organisation come from the URL, except in EditCreate.
// Problems with values are returned as access.Errors; requests no form
// sends as *formError.
func decodeEvent(values url.Values, mode access.RecordEdit) (eventInput, access.Errors, error) {
	spec := map[access.RecordEdit]formSpec{access.EditEvent: eventSpec, access.EditReview: reviewSpec, access.EditCreate: createSpec}[mode]
	f, problems, err := decodeFields(values, spec)
	if err != nil {
		return eventInput{}, nil, err
	}
	in := eventInput{Fields: f}
	if mode != access.EditReview {
		in.Confirmed = formTicked(&problems, "confirm_duplicate", f["confirm_duplicate"])
	}
	if mode != access.EditCreate {
		if in.Version, err = formVersion(f["version"]); err != nil {
			return eventInput{}, nil, err
		}
	}
	ev := &in.Event
	ev.Date = formDate(&problems, "date", f["date"])
	ev.Description = f["description"]
	if mode == access.EditReview {
		// a review's note is written in the editor's interface language:
		// the caller sets TextLang
		ev.Type = access.EventReviewed
		src := access.Source{URL: strings.TrimSpace(f["source_url"]), Publisher: f["source_publisher"], Title: f["source_title"]}
		if src.URL == "" {
			src.Type = access.SourceInternalReport // the editor's own check
		}
		ev.Sources = []access.Source{src}
		return in, problems, nil
	}

	switch ev.TextLang = f["text_lang"]; {
	case ev.TextLang == "":
	case !slices.Contains(i18n.Tags, ev.TextLang):
		problems.Add("text_lang", access.CodeUnknownValue)
	}
	if mode == access.EditCreate {
		ev.CountryCode, ev.OrgSlug = strings.TrimSpace(f["country"]), strings.TrimSpace(f["org"])
		if ev.CountryCode != "" && !access.ValidCountryCode(ev.CountryCode) {
			problems.Add("country", access.CodeCountryFormat)
		}
		if name := strings.TrimSpace(f["new_org_name"]); name != "" {
			o := access.Org{Slug: ev.OrgSlug, Name: name, Acronym: strings.TrimSpace(f["new_org_acronym"]), Type: access.OrgType(f["new_org_type"])}
			if o.Slug == "" {
				o.Slug = access.SlugFor(o.Label())
				ev.OrgSlug = o.Slug
			}
			in.NewOrg = &o
			for _, fe := range errorsOf(o.Validate()) {
				problems = merge(problems, access.Errors{{Field: newOrgField(fe.Field), Code: fe.Code, Limit: fe.Limit}})
			}
		} else if ev.OrgSlug == "" {
			problems.Add("org", access.CodeRequired)
		}
		if ev.OrgSlug != "" && !access.ValidSlug(ev.OrgSlug) {
			problems.Add("org", access.CodeSlugFormat)
		}
	}
	ev.Type = access.EventType(f["event_type"])
	if ev.Type != "" && !ev.Type.Valid() {
		problems.Add("event_type", access.CodeUnknownValue)
	}
	switch st := f["status"]; st {
	case "", access.StatusUnchanged:
	default:
		if ev.StatusAfter = access.Status(st); !ev.StatusAfter.Valid() {
			problems.Add("status", access.CodeUnknownValue)
		}
	}
	ev.InitiatedBy = access.InitiatedBy(f["initiated_by"])
	ev.Authority = f["authority"]
	ev.Instrument = access.Instrument(f["instrument"])
	ev.Reason = f["reason"]
	ev.ReasonCategory = access.ReasonCategory(f["reason_category"])
	if people := strings.TrimSpace(f["people"]); people != "" {
		if n, ok := access.ParsePeople(people); !ok {
			problems.Add("people", access.CodeNotANumber)
		} else {
			ev.Reach = &access.Reach{People: n, Basis: access.ReachBasis(f["people_basis"])}
		}
	}
	rows, err := sourceRows(f["sources"])
	if err != nil {
		return eventInput{}, nil, err
	}
	ev.Sources = decodeSources(f, rows, &problems)
	ev.Note = f["note"]
	ev.Verification = access.Pending // a second editor verifies it (or an admin publishes it alone)
	in.AddSource = f["add_source"] != ""
	in.PublishReason = strings.TrimSpace(f["publish_reason"])
	return in, problems, nil
}

// formSources reads an event form's source fields: one source, or an
// internal report; none is a problem at the source address.
func formSources(p *access.Errors, f map[string]string) []access.Source {
	internal := formTicked(p, "internal_report", f["internal_report"])
	src := access.Source{URL: strings.TrimSpace(f["source_url"]), Publisher: f["source_publisher"], Title: f["source_title"],
		Type: access.SourceType(f["source_type"])}
	switch {
	case internal:
		src.Type = access.SourceInternalReport
		return []access.Source{src}
	case src.URL != "" || src.Publisher != "" || src.Title != "":
		return []access.Source{src}
	}
	p.Add("source_url", access.CodeSourceRequired)
	return nil
}

// classSpec is the form that records a measure against a class of
// organisations in a country: an event of no organisation, whose
// description says which class, with the people it affected and its
// stated end or deadline, and no reach.
var classSpec = withFields(eventTextFields, formSpec{
	"event_type":       {max: maxCode, required: true},
	"status":           {max: maxCode},
	"date":             {max: maxDate, required: true},
	"until":            {max: maxDate},
	"initiated_by":     {max: maxCode},
	"instrument":       {max: maxCode},
	"reason_category":  {max: maxCode},
	"people_affected":  {max: maxNumber},
	"source_url":       {max: access.MaxURL},
	"source_publisher": {max: access.MaxShortText},
	"source_title":     {max: access.MaxTitle},
	"source_type":      {max: maxCode},
	"internal_report":  {max: 2},
	"description":      {max: access.MaxLongText, required: true},
})

// decodeClassMeasure decodes the class-measure form of country.
func decodeClassMeasure(values url.Values, country string) (access.Event, map[string]string, access.Errors, error) {
	f, problems, err := decodeFields(values, classSpec)
	if err != nil {
		return access.Event{}, nil, nil, err
	}
	ev := access.Event{CountryCode: country, Type: access.EventType(f["event_type"]), Description: f["description"],
		InitiatedBy: access.InitiatedBy(f["initiated_by"]), Authority: f["authority"], Instrument: access.Instrument(f["instrument"]),
		Reason: f["reason"], ReasonCategory: access.ReasonCategory(f["reason_category"])}
	if ev.Type != "" && !ev.Type.Valid() {
		problems.Add("event_type", access.CodeUnknownValue)
	}
	switch st := f["status"]; st {
	case "", access.StatusUnchanged:
	default:
		if ev.StatusAfter = access.Status(st); !ev.StatusAfter.Valid() {
			problems.Add("status", access.CodeUnknownValue)
		}
	}
	ev.Date = formDate(&problems, "date", f["date"])
	ev.Until = formDate(&problems, "until", f["until"])
	if v := strings.TrimSpace(f["people_affected"]); v != "" {
		if n, ok := access.ParsePeople(v); ok {
			ev.PeopleAffected = &n
		} else {
			problems.Add("people_affected", access.CodeNotANumber)
		}
	}
	ev.Sources = formSources(&problems, f)
	return ev, f, problems, nil
}

var loginSpec = formSpec{
	"username": {max: 256},
	"password": {max: auth.MaxPasswordBytes},
	"next":     {max: 200},
}

// decodeLogin decodes the login form. Blank fields are problems; whether
// the name and password are right is auth's question.
func decodeLogin(values url.Values) (map[string]string, access.Errors, error) {
	f, problems, err := decodeFields(values, loginSpec)
	if err != nil {
		return nil, nil, err
	}
	for _, name := range []string{"username", "password"} {
		if _, seen := problems.Field(name); !seen && f[name] == "" {
			problems.Add(name, access.CodeRequired)
		}
	}
	return f, problems, nil
}

var (
	orgSpec = formSpec{
		"name":    {max: access.MaxShortText, required: true},
		"acronym": {max: maxAcronym},
		"type":    {max: maxCode, required: true},
		"website": {max: access.MaxURL},
	}
	// newOrgSpec: a new organisation has a slug, and may be confirmed
	// though a similar one exists; editOrgSpec: an edit carries the
	// version it was loaded at.
	newOrgSpec  = withFields(orgSpec, formSpec{"slug": {max: 64, required: true}, "confirm_duplicate": {max: 2}})
	editOrgSpec = withFields(orgSpec, formSpec{"version": {max: maxNumber}})
	mergeSpec   = formSpec{"into": {max: access.MaxShortText, required: true}, "current_password": {max: auth.MaxPasswordBytes, required: true}}
)

// orgInput is a decoded organisation form.
type orgInput struct {
	Org       access.Org
	Fields    map[string]string
	Version   int64 // the version an edit was loaded at
	Confirmed bool  // created though similar organisations exist
}

// decodeOrg decodes the organisation form; slug is the organisation's key
// when editing (from the URL), "" when creating (then it is a field).
func decodeOrg(values url.Values, slug string) (orgInput, access.Errors, error) {
	spec := newOrgSpec
	if slug != "" {
		spec = editOrgSpec
	}
	f, problems, err := decodeFields(values, spec)
	if err != nil {
		return orgInput{}, nil, err
	}
	in := orgInput{Fields: f}
	if slug == "" {
		slug = strings.TrimSpace(f["slug"])
		in.Confirmed = formTicked(&problems, "confirm_duplicate", f["confirm_duplicate"])
	} else if in.Version, err = formVersion(f["version"]); err != nil {
		return orgInput{}, nil, err
	}
	in.Org = access.Org{Slug: slug, Name: strings.TrimSpace(f["name"]), Acronym: strings.TrimSpace(f["acronym"]),
		Type: access.OrgType(f["type"]), Website: strings.TrimSpace(f["website"])}
	return in, merge(problems, in.Org.Validate()), nil
}

var severitySpec = formSpec{
	"score":           {max: maxNumber, required: true},
	"score_date":      {max: maxDate, required: true},
	"score_publisher": {max: access.MaxShortText, required: true},
	"score_url":       {max: access.MaxURL},
}

// decodeSeverity decodes the severity-score form.
func decodeSeverity(values url.Values) (access.SeverityScore, map[string]string, access.Errors, error) {
	f, problems, err := decodeFields(values, severitySpec)
	if err != nil {
		return access.SeverityScore{}, nil, nil, err
	}
	var sc access.SeverityScore
	if v := strings.TrimSpace(f["score"]); v != "" {
		n, err := strconv.Atoi(v)
		if !digitsPattern.MatchString(v) || err != nil {
			problems.Add("score", access.CodeNotANumber)
		} else {
			sc.Score = n
		}
	}
	sc.Date = formDate(&problems, "score_date", f["score_date"])
	sc.Publisher = strings.TrimSpace(f["score_publisher"])
	sc.URL = strings.TrimSpace(f["score_url"])
	return sc, f, problems, nil
}

var (
	newUserSpec = formSpec{
		"username": {max: 256, required: true},
		"role":     {max: maxCode, required: true},
		"password": {max: auth.MaxPasswordBytes, required: true},
	}
	// passwordSpec is the form that sets a password: the new one, and the
	// acting user's current one.
	passwordSpec = formSpec{
		"password":         {max: auth.MaxPasswordBytes, required: true},
		"current_password": {max: auth.MaxPasswordBytes, required: true},
	}
	// confirmSpec is a form that changes another account: only the acting
	// user's current password.
	confirmSpec = formSpec{"current_password": {max: auth.MaxPasswordBytes, required: true}}
	roleSpec    = formSpec{
		"role":             {max: maxCode, required: true},
		"current_password": {max: auth.MaxPasswordBytes, required: true},
	}
)

// decodeNewUser decodes the add-account form. The password is checked
// here; it is hashed only when everything else is right.
func decodeNewUser(values url.Values) (store.NewUser, string, map[string]string, access.Errors, error) {
	f, problems, err := decodeFields(values, newUserSpec)
	if err != nil {
		return store.NewUser{}, "", nil, nil, err
	}
	nu := store.NewUser{Name: auth.NormalizeName(f["username"]), Role: access.Role(f["role"])}
	problems = merge(problems, auth.CheckName(nu.Name))
	if nu.Role != "" && !nu.Role.Valid() {
		problems = merge(problems, access.Errors{{Field: "role", Code: access.CodeUnknownValue}})
	}
	problems = merge(problems, auth.CheckPassword(f["password"]))
	return nu, f["password"], f, problems, nil
}

// decodePassword decodes a set-password form: the new password (checked
// against the password rules) and the acting user's current password.
func decodePassword(values url.Values) (password, current string, problems access.Errors, err error) {
	f, problems, err := decodeFields(values, passwordSpec)
	if err != nil {
		return "", "", nil, err
	}
	return f["password"], f["current_password"], merge(problems, auth.CheckPassword(f["password"])), nil
}

// decodeRole decodes the change-role form.
func decodeRole(values url.Values) (role access.Role, current string, fields map[string]string, problems access.Errors, err error) {
	f, problems, err := decodeFields(values, roleSpec)
	if err != nil {
		return "", "", nil, nil, err
	}
	role = access.Role(f["role"])
	if role != "" && !role.Valid() {
		problems = merge(problems, access.Errors{{Field: "role", Code: access.CodeUnknownValue}})
	}
	return role, f["current_password"], f, problems, nil
}
