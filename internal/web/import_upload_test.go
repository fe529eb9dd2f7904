package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/storetest"
)

// importMux mounts the import handlers as the admin area will, minus the
// session: the test stands in for the signed-in user.
func importMux(srv *Server) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /admin/import", srv.handle(srv.importPage))
	mux.Handle("POST /admin/import", srv.handle(srv.importUpload(func(*http.Request) string { return "editor1" })))
	return mux
}

// upload posts a file (nil: no file part) to the import form.
func upload(t *testing.T, h http.Handler, name string, file []byte, dryRun bool) (*httptest.ResponseRecorder, *goquery.Document) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if file != nil {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	if dryRun {
		mw.WriteField("dry_run", "1")
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/admin/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec, parse(t, rec)
}

const uploadHeader = "country_code,org_slug,org_name,org_type,date,event_type,status_after,source_publisher,source_url\r\n"

func TestImportPageShowsTheForm(t *testing.T) {
	srv, _ := newTestServer(t)
	doc := parse(t, get(t, importMux(srv), "/admin/import"))
	form := doc.Find(`form[method="post"][action="/admin/import"][enctype="multipart/form-data"]`)
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
}

func TestImportUploadReportsEveryProblemAndChangesNothing(t *testing.T) {
	srv, st := newTestServer(t)
	h := importMux(srv)
	before := storetest.Checksum(t, st)
	file := uploadHeader +
		"NER,test-a,Test A,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/1\r\n" +
		"XXX,test-b,Test B,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/2\r\n" +
		"NER,test-c,Test C,ingo,2025-02-30,authorisation_withdrawn,gone,AP,https://a.example.org/3\r\n"
	rec, doc := upload(t, h, "bad.csv", []byte(file), false)
	if rec.Code != http.StatusUnprocessableEntity {
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
	if !strings.Contains(doc.Find("#import-problems").Text(), "3 problem(s)") {
		t.Error("no count of problems")
	}
	if storetest.Checksum(t, st) != before {
		t.Error("a rejected upload changed the database")
	}
}

func TestImportUploadImportsOnceAndAudits(t *testing.T) {
	srv, st := newTestServer(t)
	h := importMux(srv)
	file := []byte(uploadHeader + "NER,test-a,Test A,ingo,2025-01-02,authorisation_withdrawn,banned,AP,https://a.example.org/1\r\n" +
		"MLI,,,,2024-05,class_ban_announced,,AP,https://a.example.org/4\r\n")

	before := storetest.Checksum(t, st)
	rec, doc := upload(t, h, "new.csv", file, true)
	if rec.Code != http.StatusOK || !strings.Contains(doc.Find("#import-summary").Text(), "2 event(s) would be added") {
		t.Errorf("dry run: %d %q", rec.Code, doc.Find("#import-summary").Text())
	}
	if storetest.Checksum(t, st) != before {
		t.Error("a dry run changed the database")
	}
	if _, ok := doc.Find(`input[name="dry_run"]`).Attr("checked"); !ok {
		t.Error("the dry-run box does not stay ticked")
	}

	rec, doc = upload(t, h, "new.csv", file, false)
	summary := doc.Find("#import-summary").Text()
	if rec.Code != http.StatusOK || !strings.Contains(summary, "2 event(s) added, 0 duplicate(s) skipped; 1 organisation(s) and 1 record(s) created") {
		t.Errorf("import: %d %q", rec.Code, summary)
	}
	if r, err := st.Record(context.Background(), "NER", "test-a"); err != nil || r.Status != "banned" || r.UpdatedBy != "editor1" {
		t.Errorf("imported record: %+v %v", r, err)
	}
	rec, doc = upload(t, h, "new.csv", file, false)
	if rec.Code != http.StatusOK || !strings.Contains(doc.Find("#import-summary").Text(), "0 event(s) added, 2 duplicate(s) skipped") {
		t.Errorf("second import: %q", doc.Find("#import-summary").Text())
	}
	_, reader := st.Pools()
	var n int
	if err := reader.QueryRow(`SELECT COUNT(*) FROM audit WHERE action = 'import' AND actor = 'editor1' AND entity_key = 'new.csv'`).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d import audit rows (%v)", n, err)
	}
}

func TestImportUploadRefusesBadUploads(t *testing.T) {
	srv, st := newTestServer(t)
	h := importMux(srv)
	before := storetest.Checksum(t, st)
	rec, doc := upload(t, h, "", nil, false)
	if rec.Code != http.StatusBadRequest || !strings.Contains(doc.Text(), "Choose a CSV file") {
		t.Errorf("no file: %d", rec.Code)
	}
	big := append([]byte(uploadHeader), bytes.Repeat([]byte("x"), maxImportMB<<20)...)
	rec, doc = upload(t, h, "big.csv", big, false)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(doc.Text(), "larger than 16 MB") {
		t.Errorf("too large: %d", rec.Code)
	}
	rec, doc = upload(t, h, "header.csv", []byte("name,colour\r\n"), false)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(doc.Find("#import-problems").Text(), "unknown column") {
		t.Errorf("wrong header: %d %s", rec.Code, doc.Find("#import-problems").Text())
	}
	if storetest.Checksum(t, st) != before {
		t.Error("a refused upload changed the database")
	}
}
