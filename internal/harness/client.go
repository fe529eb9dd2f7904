package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// requestTimeout bounds every request the harnesses make: far above any
// latency a healthy server shows, so that only a hung server reaches it.
const requestTimeout = 60 * time.Second

// newTransport is a keep-alive transport for one client goroutine. It asks
// for gzip like browsers and Prometheus do, but leaves bodies compressed
// (decompressing would only spend the harness's CPU, which the server
// shares); a body cut short still fails its length or chunk framing.
func newTransport() *http.Transport {
	return &http.Transport{
		DisableCompression:  true,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     30 * time.Second,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
}

// noRedirects makes a client hand back redirects instead of following them.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// response is a fully read response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// failure says how a request failed. A failure before any response byte
// (refused, reset, closed idle connection) is clean: the server never
// answered. A failure while reading the body is a truncated answer.
type failure struct {
	err       error
	truncated bool // the status line arrived, the body did not complete
	status    int  // the status of a truncated answer
}

func (f *failure) Error() string {
	if f.truncated {
		return fmt.Sprintf("status %d, then the body broke off: %v", f.status, f.err)
	}
	return f.err.Error()
}

func (f *failure) Unwrap() error { return f.err }

// do sends a request and reads the whole body.
func do(ctx context.Context, client *http.Client, method, u string, header http.Header, body string) (response, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return response{}, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := client.Do(req)
	if err != nil {
		return response{}, &failure{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, &failure{err: err, truncated: true, status: resp.StatusCode}
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// gzipHeader asks for gzip, as browsers and Prometheus do.
var gzipHeader = http.Header{"Accept-Encoding": {"gzip"}}

// Target is a record the harness writes to: an organisation in a country.
type Target struct{ Country, Org string }

// Targets lists up to n records through the API, in its default order.
func Targets(ctx context.Context, base string, n int) ([]Target, error) {
	client := &http.Client{Transport: newTransport()}
	resp, err := do(ctx, client, http.MethodGet, base+"/api/v1/records?limit="+strconv.Itoa(n), nil, "")
	if err != nil {
		return nil, err
	}
	if resp.status != http.StatusOK {
		return nil, fmt.Errorf("GET /api/v1/records: status %d", resp.status)
	}
	var list struct {
		Items []struct {
			Country struct{ Code string } `json:"country"`
			Org     struct{ Slug string } `json:"org"`
		} `json:"items"`
	}
	if err := json.Unmarshal(resp.body, &list); err != nil {
		return nil, fmt.Errorf("records list: %w", err)
	}
	var out []Target
	for _, it := range list.Items {
		out = append(out, Target{Country: it.Country.Code, Org: it.Org.Slug})
	}
	if len(out) == 0 {
		return nil, errors.New("the database holds no records to write to")
	}
	return out, nil
}

// Editor is one logged-in editor using the admin forms, as a browser would
// but without following redirects by itself.
type Editor struct {
	base   string
	client *http.Client
	stats  *Stats
}

// Login logs an account in through POST /admin/login and follows the
// redirect to the admin dashboard.
func Login(ctx context.Context, base string, acc Account, stats *Stats) (*Editor, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	e := &Editor{base: base, stats: stats,
		client: &http.Client{Transport: newTransport(), Jar: jar, CheckRedirect: noRedirects}}
	form := url.Values{"username": {acc.Name}, "password": {acc.Password}, "next": {"/admin/"}}
	resp, err := do(ctx, e.client, http.MethodPost, base+"/admin/login", formHeader, form.Encode())
	if err != nil {
		return nil, fmt.Errorf("login %s: %w", acc.Name, err)
	}
	if resp.status != http.StatusSeeOther {
		return nil, fmt.Errorf("login %s: status %d, want 303", acc.Name, resp.status)
	}
	if _, err := e.follow(ctx, resp); err != nil {
		return nil, fmt.Errorf("login %s: %w", acc.Name, err)
	}
	return e, nil
}

var formHeader = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}

// follow GETs the Location of a 303 and wants a 200.
func (e *Editor) follow(ctx context.Context, resp response) (response, error) {
	loc := resp.header.Get("Location")
	if !strings.HasPrefix(loc, "/") {
		return response{}, fmt.Errorf("redirect to %q, want a path on this site", loc)
	}
	start := time.Now()
	next, err := do(ctx, e.client, http.MethodGet, e.base+loc, nil, "")
	if err != nil {
		return response{}, err
	}
	if next.status != http.StatusOK {
		return response{}, fmt.Errorf("GET %s after the redirect: status %d", loc, next.status)
	}
	e.stats.OK(ClassAdmin, time.Since(start))
	return next, nil
}

// versionInput finds the hidden version field of an event form.
var versionInput = regexp.MustCompile(`<input[^>]*name="version"[^>]*>`)
var valueAttr = regexp.MustCompile(`value="(\d+)"`)

func formVersion(html []byte) (int64, bool) {
	tag := versionInput.Find(html)
	if tag == nil {
		return 0, false
	}
	m := valueAttr.FindSubmatch(tag)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseInt(string(m[1]), 10, 64)
	return v, err == nil
}

// Outcome is what became of one attempted write.
type Outcome int

// Outcomes of a write.
const (
	// Acknowledged: the server answered 303 — it promised the write is kept.
	Acknowledged Outcome = iota + 1
	// Unknown: the request failed without an answer (the server was killed
	// or stopped meanwhile); the write may or may not have committed.
	Unknown
	// Rejected: the server answered something else; nothing may be written.
	Rejected
)

// Write is one status change an editor attempted, with the marker that
// identifies it in the database.
type Write struct {
	Marker  string
	Target  Target
	Outcome Outcome
}

// statusCycle is what the editors set records to, in turn.
var statusCycle = []struct{ eventType, status string }{
	{"suspension_ordered", "suspended"},
	{"resumption_authorised", "operating"},
	{"restriction_imposed", "restricted"},
	{"authorisation_withdrawn", "banned"},
}

// MarkerURL is the source URL a write with marker carries; the marker is
// also the event's description.
func MarkerURL(marker string) string { return "https://example.org/awstress/" + marker }

// RecordStatus records a status change on t through the admin event form:
// GET the form for its version, POST it, and on 409 take the current
// version from the conflict page and post again (counted as a conflict).
// The write is Acknowledged when the answer is 303, after which the
// redirect is followed. Every attempt of one write carries the same
// marker, so a conflict that wrote anything would show up as a duplicate.
func (e *Editor) RecordStatus(ctx context.Context, t Target, marker string, n int) (Outcome, error) {
	path := "/admin/countries/" + t.Country + "/orgs/" + t.Org + "/events/new"
	start := time.Now()
	page, err := do(ctx, e.client, http.MethodGet, e.base+path, nil, "")
	if err != nil {
		return Unknown, fmt.Errorf("GET event form: %w", err)
	}
	if page.status != http.StatusOK {
		return Rejected, fmt.Errorf("GET event form: status %d", page.status)
	}
	e.stats.OK(ClassAdmin, time.Since(start))
	version, ok := formVersion(page.body)
	if !ok {
		return Rejected, errors.New("event form without a version field")
	}
	change := statusCycle[n%len(statusCycle)]
	for attempt := 0; ; attempt++ {
		form := url.Values{
			"event_type": {change.eventType}, "status": {change.status},
			// Yesterday (UTC), so that no clock edge makes it "in the future".
			"date":         {time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")},
			"initiated_by": {"authority"}, "authority": {"Harness authority"}, "instrument": {""},
			"reason": {""}, "reason_category": {""}, "people": {""}, "people_basis": {""},
			"description": {marker}, "source_url": {MarkerURL(marker)},
			"source_publisher": {"accesswatch harness"}, "source_title": {"Load test " + marker}, "source_type": {"news"},
			"version": {strconv.FormatInt(version, 10)},
			// Each write is a distinct event even when it repeats an
			// earlier one's type and date: confirmed, so the form's
			// duplicate check does not stop to ask.
			"confirm_duplicate": {"1"},
		}
		start := time.Now()
		resp, err := do(ctx, e.client, http.MethodPost, e.base+path, formHeader, form.Encode())
		var f *failure
		if errors.As(err, &f) && f.truncated && f.status == http.StatusSeeOther {
			return Acknowledged, fmt.Errorf("POST event: %w", err) // the 303 arrived: the write was promised
		}
		if err != nil {
			return Unknown, fmt.Errorf("POST event: %w", err)
		}
		switch resp.status {
		case http.StatusSeeOther:
			e.stats.OK(ClassWrite, time.Since(start))
			if _, err := e.follow(ctx, resp); err != nil {
				return Acknowledged, err
			}
			return Acknowledged, nil
		case http.StatusConflict:
			e.stats.Conflict()
			v, ok := formVersion(resp.body)
			if !ok {
				return Rejected, errors.New("409 page without the current version")
			}
			if attempt >= 50 {
				return Rejected, fmt.Errorf("still in conflict after %d attempts", attempt+1)
			}
			version = v
		default:
			return Rejected, fmt.Errorf("POST event: status %d", resp.status)
		}
	}
}
