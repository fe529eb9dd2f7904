package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web/admin"
)

func TestRecordingAnEventChangesTheRecordAtOnce(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	// The overview is cached; the change must show at once all the same.
	if row := parse(t, f.get("/", nil)).Find(`tr[data-record="NER/acted"]`); !strings.Contains(row.Text(), "Banned") {
		t.Fatalf("before: %q", row.Text())
	}
	form := parse(t, f.get("/admin/countries/NER/orgs/acted/events/new", ed))
	version, _ := form.Find(`input[name="version"]`).Attr("value")
	if version != f.actedVersion() {
		t.Fatalf("the form carries version %q", version)
	}
	w := f.post("/admin/countries/NER/orgs/acted/events/new", actedEvent(version), ed)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/?done=event_recorded" {
		t.Fatalf("submit: %d → %q\n%s", w.Code, w.Header().Get("Location"), problemsOf(w.Body.String()))
	}
	rec, err := f.st.Record(context.Background(), "NER", "acted")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != access.StatusOperating || rec.StatusSince.ISO() != "2026-02-20" || rec.UpdatedBy != "ed" {
		t.Errorf("record after: %s since %s by %s", rec.Status, rec.StatusSince, rec.UpdatedBy)
	}
	evs, _, _ := f.st.Events(context.Background(), store.EventFilter{Country: "NER", Org: "acted", Limit: 1})
	if len(evs) != 1 || evs[0].Sources[0].URL != "https://example.org/acted-niger" || evs[0].Authority != "Ministry of the Interior" || evs[0].Instrument != access.InstrumentDecree {
		t.Errorf("event stored: %+v", evs)
	}
	if row := parse(t, f.get("/", nil)).Find(`tr[data-record="NER/acted"]`); !strings.Contains(row.Text(), "Operating") {
		t.Errorf("the overview still shows %q", row.Text())
	}
	if n := parse(t, f.get(w.Header().Get("Location"), ed)).Find(`.notice`).Text(); !strings.Contains(n, "Event recorded") {
		t.Errorf("no confirmation after the redirect: %q", n)
	}
}

func TestInternalReportNeedsNoURL(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	form := actedEvent(f.actedVersion())
	form.Set("source_url", "")
	form.Set("source_publisher", "")
	form.Set("internal_report", "1")
	if w := f.post("/admin/countries/NER/orgs/acted/events/new", form, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("%d %s", w.Code, problemsOf(w.Body.String()))
	}
	evs, _, _ := f.st.Events(context.Background(), store.EventFilter{Country: "NER", Org: "acted", Limit: 1})
	if len(evs) != 1 || len(evs[0].Sources) != 1 || evs[0].Sources[0].Type != access.SourceInternalReport {
		t.Errorf("sources %+v", evs[0].Sources)
	}
}

func TestReviewChangesOnlyTheReviewDate(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	before, err := f.st.Record(context.Background(), "NER", "icrc")
	if err != nil {
		t.Fatal(err)
	}
	doc := parse(t, f.get("/admin/countries/NER/orgs/icrc/review", ed))
	version, _ := doc.Find(`input[name="version"]`).Attr("value")
	// The editor confirms what they can see: the record's whole timeline.
	timeline, _, err := f.st.Events(context.Background(), store.EventFilter{Country: "NER", Org: "icrc"})
	if n := doc.Find(`#timeline li[data-event]`).Length(); err != nil || len(timeline) < 2 || n != len(timeline) {
		t.Errorf("the review form's timeline lists %d events of %d (%v)", n, len(timeline), err)
	}
	// No default date: the editor types it.
	if date := doc.Find(`input[name="date"]`).AttrOr("value", "?"); date != "" {
		t.Errorf("default date %q, want none", date)
	}
	date := "2026-03-01"
	form := url.Values{"date": {date}, "description": {"Checked the ICRC's page"}, "source_url": {""}, "source_publisher": {""},
		"source_title": {""}, "version": {version}}
	if w := f.post("/admin/countries/NER/orgs/icrc/review", form, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("%d %s", w.Code, problemsOf(w.Body.String()))
	}
	after, _ := f.st.Record(context.Background(), "NER", "icrc")
	if after.LastReviewed.ISO() != "2026-03-01" {
		t.Errorf("last reviewed %s", after.LastReviewed)
	}
	if after.Status != before.Status || after.StatusSince != before.StatusSince || *after.Reach != *before.Reach ||
		after.StatusEventID != before.StatusEventID || after.PresenceSince != before.PresenceSince || after.Version != before.Version+1 {
		t.Errorf("a review changed more than the review date:\nbefore %+v\nafter  %+v", before.RecordState, after.RecordState)
	}
	// Confirming a record whose status awaited verification clears "due for review".
	nrc, _ := f.st.Record(context.Background(), "AFG", "nrc")
	if !nrc.ReviewDue {
		t.Fatal("the seed's NRC/AFG should start due for review")
	}
	doc = parse(t, f.get("/admin/countries/AFG/orgs/nrc/review", ed))
	version, _ = doc.Find(`input[name="version"]`).Attr("value")
	form.Set("version", version)
	if w := f.post("/admin/countries/AFG/orgs/nrc/review", form, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("%d %s", w.Code, problemsOf(w.Body.String()))
	}
	if nrc, _ = f.st.Record(context.Background(), "AFG", "nrc"); nrc.ReviewDue || nrc.Status != access.StatusSuspended {
		t.Errorf("after review: due=%v status=%s", nrc.ReviewDue, nrc.Status)
	}
	evs, _, _ := f.st.Events(context.Background(), store.EventFilter{Country: "NER", Org: "icrc", Limit: 1})
	if evs[0].Type != access.EventReviewed || evs[0].StatusAfter != "" || evs[0].Sources[0].Type != access.SourceInternalReport {
		t.Errorf("review event %+v", evs[0])
	}
}

func TestCreateARecord(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	form := actedEvent("")
	form.Del("version")
	form.Set("country", "MLI")
	form.Set("org", "acted")
	form.Set("event_type", "presence_recorded")
	form.Set("status", "operating")
	form.Set("people", "250000")
	form.Set("people_basis", "annual")
	if w := f.post("/admin/records/new", form, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("%d %s", w.Code, problemsOf(w.Body.String()))
	}
	rec, err := f.st.Record(context.Background(), "MLI", "acted")
	if err != nil || rec.Version != 1 || rec.Status != access.StatusOperating || rec.Reach == nil || rec.Reach.People != 250000 {
		t.Fatalf("record %+v %v", rec, err)
	}
	// The same form again: the record exists now, so it is a conflict
	// that shows the record and keeps the input, not a second record.
	sum := f.checksum()
	w := f.post("/admin/records/new", form, ed)
	if w.Code != http.StatusConflict {
		t.Fatalf("creating an existing record: %d", w.Code)
	}
	doc := parse(t, w)
	if action, _ := doc.Find(`main form`).Attr("action"); action != "/admin/countries/MLI/orgs/acted/events/new" {
		t.Errorf("the conflict form posts to %q", action)
	}
	if v, _ := doc.Find(`input[name="version"]`).Attr("value"); v != "1" {
		t.Errorf("the conflict form carries version %q", v)
	}
	if f.checksum() != sum {
		t.Error("the conflict wrote something")
	}
	for name, want := range map[string]string{"country": "no country has this code", "org": "no organisation has this short name"} {
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set(name, map[string]string{"country": "ZZZ", "org": "no-such-org"}[name])
		if w := f.post("/admin/records/new", bad, ed); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), want) {
			t.Errorf("unknown %s: %d\n%s", name, w.Code, problemsOf(w.Body.String()))
		}
	}
	if f.checksum() != sum {
		t.Error("refused creations wrote something")
	}
}

// TestTwoEditorsOneVersion: two editors submit against the same version at
// the same moment; exactly one is accepted (303), the other gets 409 with
// what changed and their input kept, and the audit log has exactly one new
// row, for the accepted change.
func TestTwoEditorsOneVersion(t *testing.T) {
	f := newAdminFixture(t)
	ada, ed := f.login("ada"), f.login("ed")
	version := f.actedVersion()
	audited := func() int {
		_, n, err := f.st.AuditLog(context.Background(), store.AuditFilter{Entity: "record", Key: "NER/acted"})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	auditBefore := audited()
	forms := map[string]url.Values{"ada": actedEvent(version), "ed": actedEvent(version)}
	forms["ed"].Set("status", "restricted")
	forms["ed"].Set("description", "Ed's own words, to be kept")
	codes := map[string]int{}
	bodies := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, c := range map[string]*http.Cookie{"ada": ada, "ed": ed} {
		wg.Go(func() {
			w := f.post("/admin/countries/NER/orgs/acted/events/new", forms[name], c)
			mu.Lock()
			codes[name], bodies[name] = w.Code, w.Body.String()
			mu.Unlock()
		})
	}
	wg.Wait()
	winner, loser := "ada", "ed"
	if codes["ed"] == http.StatusSeeOther {
		winner, loser = "ed", "ada"
	}
	if codes[winner] != http.StatusSeeOther || codes[loser] != http.StatusConflict {
		t.Fatalf("codes %v: want one 303 and one 409", codes)
	}
	if n := audited(); n != auditBefore+1 {
		t.Errorf("%d audit rows for the record, want %d: one per accepted change", n, auditBefore+1)
	}
	rec, _ := f.st.Record(context.Background(), "NER", "acted")
	if want := access.Status(forms[winner].Get("status")); rec.Status != want {
		t.Errorf("record is %s, want the winner's %s", rec.Status, want)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(bodies[loser]))
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Find(`#changes > li`).Length(); got != 1 {
		t.Errorf("the 409 lists %d changes, want the winner's one: %s", got, doc.Find(`#changes`).Text())
	}
	if !strings.Contains(doc.Find(`#changes`).Text(), "by "+winner) && !strings.Contains(doc.Find(`#changes`).Text(), winner+" ·") {
		t.Errorf("the 409 does not say who changed it: %q", doc.Find(`#changes`).Text())
	}
	if v, _ := doc.Find(`input[name="version"]`).Attr("value"); v != f.actedVersion() {
		t.Errorf("the 409 form carries version %q, want the current %s", v, f.actedVersion())
	}
	if d := doc.Find(`textarea[name="description"]`).Text(); d != forms[loser].Get("description") {
		t.Errorf("the 409 lost the editor's input: %q", d)
	}
	if sel, _ := doc.Find(`select[name="status"] option[selected]`).Attr("value"); sel != forms[loser].Get("status") {
		t.Errorf("the 409 lost the chosen status: %q", sel)
	}
	// Resubmitting from the 409 page, after reading: the winner's event
	// has the same date and type, so the form asks to confirm first; once
	// confirmed it is accepted.
	again := forms[loser]
	again.Set("version", f.actedVersion())
	cookie := map[string]*http.Cookie{"ada": ada, "ed": ed}[loser]
	w := f.post("/admin/countries/NER/orgs/acted/events/new", again, cookie)
	if w.Code != http.StatusUnprocessableEntity || parse(t, w).Find(`#duplicates input[name="confirm_duplicate"]`).Length() != 1 {
		t.Errorf("resubmission of a same-day, same-type event: %d, want 422 asking to confirm", w.Code)
	}
	again.Set("confirm_duplicate", "1")
	if w := f.post("/admin/countries/NER/orgs/acted/events/new", again, cookie); w.Code != http.StatusSeeOther {
		t.Errorf("confirmed resubmission: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	if n := audited(); n != auditBefore+2 {
		t.Errorf("%d audit rows after the resubmission, want %d", n, auditBefore+2)
	}
}

func TestOrganisationsAndSeverity(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	create := url.Values{"slug": {"alima"}, "name": {"The Alliance for International Medical Action"}, "acronym": {"ALIMA"},
		"type": {"ingo"}, "website": {"https://alima.ngo"}}
	if w := f.post("/admin/orgs/new", create, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	doc := parse(t, f.get("/admin/orgs/alima/edit", ed))
	if v, _ := doc.Find(`input[name="name"]`).Attr("value"); v != create.Get("name") {
		t.Errorf("edit form shows %q", v)
	}
	edit := url.Values{"name": {"ALIMA"}, "acronym": {"ALIMA"}, "type": {"ingo"}, "website": {"https://alima.ngo/en"},
		"version": {doc.Find(`input[name="version"]`).AttrOr("value", "")}}
	if w := f.post("/admin/orgs/alima/edit", edit, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	if o, _ := f.st.Org(context.Background(), "alima"); o.Name != "ALIMA" || o.Website != "https://alima.ngo/en" {
		t.Errorf("after edit %+v", o)
	}
	if w := f.get("/admin/orgs/nope/edit", ed); w.Code != http.StatusNotFound {
		t.Errorf("edit unknown org: %d", w.Code)
	}

	score := url.Values{"score": {"4"}, "score_date": {"2025-12"}, "score_publisher": {"ACAPS"}, "score_url": {"https://www.acaps.org/"}}
	if w := f.post("/admin/countries/NER/severity", score, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("score: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	c, _ := f.st.Country(context.Background(), "NER")
	if c.Severity == nil || c.Severity.Score != 4 || c.Severity.Date.ISO() != "2025-12" || c.Severity.Publisher != "ACAPS" {
		t.Errorf("severity %+v", c.Severity)
	}
	if row := parse(t, f.get("/admin/countries", ed)).Find(`tr[data-country="NER"]`); !strings.Contains(row.Text(), "4") || !strings.Contains(row.Text(), "Dec 2025") {
		t.Errorf("countries page row %q", row.Text())
	}
	if w := f.get("/admin/countries/ner/severity", ed); w.Code != http.StatusNotFound {
		t.Errorf("lower-case code: %d", w.Code)
	}
}

func TestAuditPageShowsWhoChangedWhatOldToNew(t *testing.T) {
	f := newAdminFixture(t)
	ada := f.login("ada")
	if w := f.post("/admin/countries/NER/orgs/acted/events/new", actedEvent(f.actedVersion()), ada); w.Code != http.StatusSeeOther {
		t.Fatal(w.Code)
	}
	if w := f.post("/admin/orgs/acted/edit", url.Values{"name": {"Acted"}, "acronym": {"ACTED"}, "type": {"ingo"}, "website": {""}, "version": {"1"}}, ada); w.Code != http.StatusSeeOther {
		t.Fatal(w.Code)
	}
	doc := parse(t, f.get("/admin/audit", ada))
	rows := doc.Find("#audit tbody tr")
	orgRow, recordRow := rows.Eq(0).Text(), rows.Eq(1).Text()
	for _, want := range []string{"ada", "org.update", "org acted", "name", "Agency for Technical Cooperation and Development", "Acted"} {
		if !strings.Contains(orgRow, want) {
			t.Errorf("org audit row lacks %q: %s", want, orgRow)
		}
	}
	for _, want := range []string{"ada", "event.create", "record NER/acted", "status", "banned", "operating"} {
		if !strings.Contains(recordRow, want) {
			t.Errorf("record audit row lacks %q: %s", want, recordRow)
		}
	}
	if del := rows.Eq(1).Find("del").FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Text() == "banned" }); del.Length() != 1 {
		t.Error("the old status is not shown as the old value")
	}
	if w := f.get("/admin/audit?page=0", ada); w.Code != http.StatusBadRequest {
		t.Errorf("page=0: %d", w.Code)
	}
	_, total, err := f.st.AuditLog(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	shown := 0
	for page := 1; page <= total/admin.PageSize+1; page++ {
		w := f.get("/admin/audit?page="+strconv.Itoa(page), ada)
		if w.Code != http.StatusOK {
			t.Fatalf("page %d: %d", page, w.Code)
		}
		shown += parse(t, w).Find("#audit tbody tr").Length()
	}
	if shown != total {
		t.Errorf("the pages show %d rows of %d", shown, total)
	}
}

func TestAccountManagement(t *testing.T) {
	f := newAdminFixture(t)
	ada := f.login("ada")
	add := url.Values{"username": {"  NewEditor "}, "role": {"editor"}, "password": {"a password long enough"}}
	if w := f.post("/admin/users", add, ada); w.Code != http.StatusSeeOther {
		t.Fatalf("add: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	u, err := f.st.UserByName(context.Background(), "neweditor")
	if err != nil || u.Role != access.RoleEditor || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
		t.Fatalf("account %+v %v", u, err)
	}
	if w := f.post("/admin/login", loginForm("NewEditor", "a password long enough"), nil); w.Code != http.StatusSeeOther {
		t.Errorf("the new account cannot log in: %d", w.Code)
	}
	// A refused form keeps the name but never echoes a password.
	w := f.post("/admin/users", url.Values{"username": {"other"}, "role": {"editor"}, "password": {"short"}}, ada)
	doc := parse(t, w)
	if v, _ := doc.Find(`input[name="username"]`).Attr("value"); v != "other" {
		t.Errorf("name not kept: %q", v)
	}
	if strings.Contains(w.Body.String(), `value="short"`) {
		t.Error("the password was sent back")
	}

	ed := f.login("ed")
	if w := f.post("/admin/users/ed/password", url.Values{"password": {"a brand new password"}, "current_password": {testPassword}}, ada); w.Code != http.StatusSeeOther {
		t.Fatalf("reset: %d", w.Code)
	}
	if w := f.get("/admin/", ed); w.Code != http.StatusSeeOther {
		t.Errorf("a password reset left the account's session open: %d", w.Code)
	}
	if w := f.post("/admin/login", loginForm("ed", testPassword), nil); w.Code != http.StatusUnauthorized {
		t.Errorf("the old password still works: %d", w.Code)
	}
	if w := f.do(request{method: http.MethodPost, target: "/admin/login", form: loginForm("ed", "a brand new password"), remote: "192.0.2.99:1"}); w.Code != http.StatusSeeOther {
		t.Errorf("the new password does not work: %d", w.Code)
	}
	if w := f.get("/admin/users/nobody/password", ada); w.Code != http.StatusNotFound {
		t.Errorf("unknown account: %d", w.Code)
	}
}
