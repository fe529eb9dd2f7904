package web

import (
	"bytes"
	"context"
	"fmt"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/web/admin"
)

// upload posts a file (nil: no file part) to the import form with a
// session cookie, as the site's own page does (same origin) unless header
// says otherwise.
func (f *adminFixture) upload(c *http.Cookie, name string, file []byte, dryRun bool, header map[string]string) (*httptest.ResponseRecorder, *goquery.Document) {
	f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if file != nil {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			f.t.Fatal(err)
		}
		fw.Write(file)
	}
	if dryRun {
		mw.WriteField("dry_run", "1")
	}
	mw.Close()
	h := map[string]string{"Content-Type": mw.FormDataContentType()}
	for k, v := range header {
		h[k] = v
	}
	rec := f.do(request{method: http.MethodPost, target: "/admin/import", body: body.String(), cookie: c, header: h})
	return rec, parse(f.t, rec)
}

const uploadHeader = "country_code,org_slug,org_name,org_type,date,event_type,status_after,source_publisher,source_url\r\n"

func TestImportPageShowsTheForm(t *testing.T) {
	f := newAdminFixture(t)
	ada := f.login("ada")
	w := f.get("/admin/import", ada)
	if w.Code != http.StatusOK || !isAdminContent(w) {
		t.Fatalf("GET /admin/import as admin: %d", w.Code)
	}
	doc := parse(t, w)
	form := doc.Find(`main form[method="post"][action="/admin/import"][enctype="multipart/form-data"]`)
	if form.Length() != 1 || form.Find(`input[type="file"][name="file"][required]`).Length() != 1 ||
		form.Find(`input[type="checkbox"][name="dry_run"]`).Length() != 1 || form.Find(`button[type="submit"]`).Length() != 1 {
		t.Error("the form lacks its parts")
	}
	if id, _ := form.Find(`input[type="file"]`).Attr("id"); doc.Find(`label[for="`+id+`"]`).Length() != 1 {
		t.Error("the file input has no label")
	}
	if doc.Find("#import-problems, #import-summary").Length() != 0 {
		t.Error("an outcome is shown before any upload")
	}
	if doc.Find(`.admin-header nav a[href="/admin/import"][aria-current="page"]`).Length() != 1 {
		t.Error("the admin navigation does not mark the import page")
	}
	// Editors neither see the entry nor get the page.
	ed := f.login("ed")
	if parse(t, f.get("/admin/", ed)).Find(`nav a[href="/admin/import"]`).Length() != 0 {
		t.Error("an editor's navigation offers the import")
	}
	if w := f.get("/admin/import", ed); w.Code != http.StatusForbidden {
		t.Errorf("GET /admin/import as editor: %d", w.Code)
	}
}

func TestImportUploadReportsEveryProblemAndChangesNothing(t *testing.T) {
	f := newAdminFixture(t)
	ada := f.login("ada")
	before := f.checksum()
	file := uploadHeader +
		"NER,test-a,Test A,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/1\r\n" +
		"XXX,test-b,Test B,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/2\r\n" +
		"NER,test-c,Test C,ingo,2025-02-30,authorisation_withdrawn,gone,AP,https://a.example.org/3\r\n"
	rec, doc := f.upload(ada, "bad.csv", []byte(file), false, nil)
	if rec.Code != http.StatusUnprocessableEntity || !isAdminContent(rec) {
		t.Fatalf("status %d", rec.Code)
	}
	var got []string
	doc.Find("#import-problems tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var cells []string
		tr.Find("td").Each(func(_ int, td *goquery.Selection) { cells = append(cells, strings.TrimSpace(td.Text())) })
		got = append(got, strings.Join(cells, " | "))
	})
	want := []string{
		"3 | A (country_code) | Country: no country has this code.",
		"4 | E (date) | Date: use YYYY, YYYY-MM or YYYY-MM-DD (a real calendar date).",
		"4 | G (status_after) | New status: choose one of the listed values.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems shown:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(doc.Find("#import-problems").Text(), "3 problems") {
		t.Error("no count of problems")
	}
	if f.checksum() != before {
		t.Error("a rejected upload changed the database")
	}
}

func TestImportUploadImportsOnceAndAudits(t *testing.T) {
	f := newAdminFixture(t)
	ada := f.login("ada")
	file := []byte(uploadHeader + "NER,test-a,Test A,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/1\r\n" +
		"MLI,,,,2024-05,class_ban_announced,,AP,https://a.example.org/4\r\n")

	before := f.checksum()
	rec, doc := f.upload(ada, "new.csv", file, true, nil)
	if rec.Code != http.StatusOK || !strings.Contains(doc.Find("#import-summary").Text(), "2 events would be added") {
		t.Errorf("dry run: %d %q", rec.Code, doc.Find("#import-summary").Text())
	}
	if f.checksum() != before {
		t.Error("a dry run changed the database")
	}
	if _, ok := doc.Find(`input[name="dry_run"]`).Attr("checked"); !ok {
		t.Error("the dry-run box does not stay ticked")
	}

	rec, doc = f.upload(ada, "new.csv", file, false, nil)
	summary := doc.Find("#import-summary").Text()
	if rec.Code != http.StatusOK || !strings.Contains(summary, "2 events added, 0 duplicates skipped; 1 organisation and 1 record created") {
		t.Errorf("import: %d %q", rec.Code, summary)
	}
	if r, err := f.st.Record(context.Background(), "NER", "test-a"); err != nil || r.Status != "banned" || r.UpdatedBy != "ada" {
		t.Errorf("imported record: %+v %v", r, err)
	}
	// Resubmitting the form adds nothing.
	rec, doc = f.upload(ada, "new.csv", file, false, nil)
	if rec.Code != http.StatusOK || !strings.Contains(doc.Find("#import-summary").Text(), "0 events added, 2 duplicates skipped") {
		t.Errorf("second import: %q", doc.Find("#import-summary").Text())
	}
	_, reader := f.st.Pools()
	var n int
	if err := reader.QueryRow(`SELECT COUNT(*) FROM audit WHERE action = 'import' AND actor = 'ada' AND entity_key = 'new.csv'`).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d import audit rows (%v)", n, err)
	}
}

// TestImportUploadRefusesBadUploads: the import route's own body limit
// (not the forms' 64 KiB) bounds the upload, and every refusal writes
// nothing.
func TestImportUploadRefusesBadUploads(t *testing.T) {
	f := newAdminFixture(t)
	ada := f.login("ada")
	before := f.checksum()
	rec, doc := f.upload(ada, "", nil, false, nil)
	if rec.Code != http.StatusBadRequest || !strings.Contains(doc.Text(), "Choose a CSV file") {
		t.Errorf("no file: %d", rec.Code)
	}
	big := append([]byte(uploadHeader), bytes.Repeat([]byte("x"), admin.MaxImportBytes)...)
	rec, doc = f.upload(ada, "big.csv", big, false, nil)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(doc.Text(), "larger than 16 MB") || !isAdminContent(rec) {
		t.Errorf("too large: %d", rec.Code)
	}
	rec, doc = f.upload(ada, "header.csv", []byte("name,colour\r\n"), false, nil)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(doc.Find("#import-problems").Text(), "unknown column") {
		t.Errorf("wrong header: %d %s", rec.Code, doc.Find("#import-problems").Text())
	}
	if f.checksum() != before {
		t.Error("a refused upload changed the database")
	}
}

// A file far beyond the forms' 1 MiB goes through whole.
func TestImportUploadTakesFilesBeyondTheFormLimit(t *testing.T) {
	f := newAdminFixture(t)
	ada := f.login("ada")
	var file bytes.Buffer
	file.WriteString(uploadHeader)
	rows := 0
	for ; file.Len() <= 2*admin.MaxFormBytes; rows++ {
		// Long rows, so that 2 MiB stay under the upload's row limit.
		fmt.Fprintf(&file, "NER,test-%d,Test organisation number %d,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/%d/%s\r\n", rows, rows, rows, strings.Repeat("p", 150))
	}
	rec, doc := f.upload(ada, "large.csv", file.Bytes(), true, nil)
	n := i18n.English().Number(int64(rows)) // 1,101: counts are written with grouped digits
	want := fmt.Sprintf("%s rows read; %s events would be added", n, n)
	if rec.Code != http.StatusOK || !strings.Contains(doc.Find("#import-summary").Text(), want) {
		t.Errorf("a %d-byte file: %d %q, want %q", file.Len(), rec.Code, doc.Find("#import-summary").Text(), want)
	}
	// The forms keep their own limit: the form comes back, nothing saved.
	sum := f.checksum()
	big := actedEvent(f.actedVersion())
	big.Set("description", strings.Repeat("x", admin.MaxFormBytes))
	w := f.do(request{method: http.MethodPost, target: "/admin/countries/NER/orgs/acted/events/new", body: versionFirst(big), cookie: ada})
	if w.Code != http.StatusUnprocessableEntity || f.checksum() != sum {
		t.Errorf("a form beyond 1 MiB: %d", w.Code)
	}
}

// TestImportRefusesCrossOriginAndEditors: with a valid session, an upload a
// browser marks as cross-site, or one from a foreign Origin, is refused
// with 403; an editor's upload too. Nothing is written.
func TestImportRefusesCrossOriginAndEditors(t *testing.T) {
	f := newAdminFixture(t)
	ada, ed := f.login("ada"), f.login("ed")
	file := []byte(uploadHeader + "NER,test-a,Test A,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/1\r\n")
	before := f.checksum()
	for name, h := range map[string]map[string]string{
		"Sec-Fetch-Site: cross-site":        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
		"foreign Origin, no Sec-Fetch-Site": {"Sec-Fetch-Site": "", "Origin": "https://evil.example"},
	} {
		rec, doc := f.upload(ada, "new.csv", file, false, h)
		if rec.Code != http.StatusForbidden || !strings.Contains(doc.Text(), "Request from another site refused") {
			t.Errorf("%s: %d", name, rec.Code)
		}
	}
	if rec, _ := f.upload(ed, "new.csv", file, false, nil); rec.Code != http.StatusForbidden {
		t.Errorf("an editor's upload: %d", rec.Code)
	}
	if f.checksum() != before {
		t.Fatal("refused uploads changed the database")
	}
	if rec, _ := f.upload(ada, "new.csv", file, false, nil); rec.Code != http.StatusOK || f.checksum() == before {
		t.Errorf("the same upload from the site itself: %d", rec.Code)
	}
}
