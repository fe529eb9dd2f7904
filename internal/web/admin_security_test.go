package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/auth"
)

// TestEditorsChangeTheirOwnPassword: /admin/account works for an editor,
// asks for the current password, refuses a common password, and a change
// ends the editor's session.
func TestEditorsChangeTheirOwnPassword(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	doc := parse(t, f.get("/admin/account", ed))
	for _, field := range []string{"password", "current_password"} {
		if doc.Find(`form[action="/admin/account"] input[type="password"][name="`+field+`"]`).Length() != 1 {
			t.Errorf("the account form has no %s field", field)
		}
	}
	before, _ := f.st.UserByName(context.Background(), "ed")
	for _, bad := range []url.Values{
		{"password": {"an entirely new passphrase"}, "current_password": {"not my password"}},
		{"password": {"an entirely new passphrase"}, "current_password": {""}},
		{"password": {"baseball"}, "current_password": {testPassword}},
	} {
		w := f.post("/admin/account", bad, ed)
		if w.Code != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d, want 422", bad, w.Code)
		}
		if strings.Contains(w.Body.String(), testPassword) || strings.Contains(w.Body.String(), "not my password") {
			t.Errorf("%v: a password was sent back", bad)
		}
	}
	if after, _ := f.st.UserByName(context.Background(), "ed"); after.PasswordHash != before.PasswordHash {
		t.Fatal("a refused form changed the password")
	}
	w := f.post("/admin/account", url.Values{"password": {"an entirely new passphrase"}, "current_password": {testPassword}}, ed)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/login?done=own_password_changed" {
		t.Fatalf("change: %d → %q", w.Code, w.Header().Get("Location"))
	}
	if w := f.get("/admin/", ed); w.Code != http.StatusSeeOther {
		t.Errorf("the old session survived the change: %d", w.Code)
	}
	if w := f.post("/admin/login", loginForm("ed", "an entirely new passphrase"), nil); w.Code != http.StatusSeeOther {
		t.Errorf("the new password does not work: %d", w.Code)
	}
	// An admin's own reset link leads to the same form.
	if w := f.get("/admin/users/ada/password", f.login("ada")); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/account" {
		t.Errorf("an admin's own reset: %d → %q", w.Code, w.Header().Get("Location"))
	}
}

// TestChangesToAnotherAccountNeedTheCurrentPassword: an admin changes
// another account's password, role or status only with the admin's own
// current password; a wrong one changes nothing.
func TestChangesToAnotherAccountNeedTheCurrentPassword(t *testing.T) {
	f := newAdminFixture(t)
	ada := f.login("ada")
	ctx := context.Background()
	sum := f.checksum()
	for path, try := range map[string]struct {
		form   url.Values
		remote string // each its own address, so the throttle stays out of the way
	}{
		"/admin/users/ed/password": {url.Values{"password": {"an entirely new passphrase"}}, "198.51.100.31:1"},
		"/admin/users/ed/role":     {url.Values{"role": {"admin"}}, "198.51.100.32:1"},
		"/admin/users/ed/disable":  {url.Values{}, "198.51.100.33:1"},
	} {
		for _, current := range []string{"", "wrong password", "correct horse battery stapl"} {
			try.form.Set("current_password", current)
			w := f.do(request{method: http.MethodPost, target: path, form: try.form, cookie: ada, remote: try.remote})
			if w.Code != http.StatusUnprocessableEntity {
				t.Errorf("%s with current password %q: %d, want 422", path, current, w.Code)
			}
		}
	}
	if f.checksum() != sum {
		t.Error("changes without the right current password changed the database")
	}
	if ed, _ := f.st.UserByName(ctx, "ed"); ed.Role != access.RoleEditor || ed.Disabled {
		t.Errorf("ed was changed: %+v", ed)
	}
	w := f.post("/admin/users/ed/role", url.Values{"role": {"admin"}, "current_password": {testPassword}}, ada)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("role change with the right password: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	if ed, _ := f.st.UserByName(ctx, "ed"); ed.Role != access.RoleAdmin {
		t.Errorf("ed's role is %s", ed.Role)
	}
	if w := f.post("/admin/users/ada/role", url.Values{"role": {"editor"}, "current_password": {testPassword}}, ada); w.Code != http.StatusConflict {
		t.Errorf("changing one's own role: %d, want 409", w.Code)
	}
	// Wrong current passwords count as failed logins of the admin from that
	// address: after a few, further tries are throttled (429).
	var last int
	for range auth.FreePairFailures + 2 {
		last = f.post("/admin/users/ed/disable", url.Values{"current_password": {"still wrong"}}, ada).Code
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("repeated wrong current passwords: %d, want 429", last)
	}
}

// TestLoginTrailPage: every login-related action leaves a row at
// /admin/security with account, address and outcome; admins only can read
// it, newest first, filtered by account and outcome.
func TestLoginTrailPage(t *testing.T) {
	f := newAdminFixture(t)
	login := func(name, pw, remote string) int {
		return f.do(request{method: http.MethodPost, target: "/admin/login", form: loginForm(name, pw), remote: remote}).Code
	}
	ed := f.login("ed") // from 192.0.2.1
	if w := f.post("/admin/logout", url.Values{}, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", w.Code)
	}
	for range auth.FreeAddressFailures {
		if c := login("ed", "a wrong guess", "198.51.100.20:1"); c != http.StatusUnauthorized {
			t.Fatalf("failure: %d", c)
		}
	}
	if c := login("ed", testPassword, "198.51.100.20:2"); c != http.StatusTooManyRequests {
		t.Fatalf("throttled: %d", c)
	}
	ed = f.login("ed")
	f.clock.Advance(auth.IdleTimeout)
	if w := f.get("/admin/", ed); w.Code != http.StatusSeeOther {
		t.Fatalf("expired session: %d", w.Code)
	}
	ada := f.login("ada")

	if w := f.get("/admin/security", f.login("ed")); w.Code != http.StatusForbidden || strings.Contains(w.Body.String(), "198.51.100.20") {
		t.Errorf("an editor reads the login trail: %d", w.Code)
	}
	w := f.get("/admin/security?name=ed", ada)
	if w.Code != http.StatusOK {
		t.Fatalf("trail: %d", w.Code)
	}
	var got []string
	parse(t, w).Find(`#security tbody tr`).Each(func(_ int, row *goquery.Selection) {
		got = append(got, row.AttrOr("data-outcome", "")+" "+strings.TrimSpace(row.Find("td").Eq(2).Text()))
	})
	slices.Reverse(got) // the page is newest first
	want := []string{"login 192.0.2.1", "logout 192.0.2.1",
		"failure 198.51.100.20", "failure 198.51.100.20", "failure 198.51.100.20", "failure 198.51.100.20", "failure 198.51.100.20",
		"throttled 198.51.100.20", "login 192.0.2.1", "expired 192.0.2.1", "login 192.0.2.1"}
	if !slices.Equal(got, want) {
		t.Errorf("ed's trail, oldest first:\n got %q\nwant %q", got, want)
	}
	w = f.get("/admin/security?name=ed&outcome=failure", ada)
	if n := parse(t, w).Find(`#security tbody tr[data-outcome="failure"]`).Length(); n != 5 || parse(t, w).Find(`#security tbody tr`).Length() != 5 {
		t.Errorf("filtered by outcome: %d failure rows", n)
	}
	if n := parse(t, f.get("/admin/security?name=ada", ada)).Find(`#security tbody tr`).Length(); n != 1 {
		t.Errorf("ada's trail: %d rows, want her one login", n)
	}
	for _, bad := range []string{"?outcome=root", "?name=%3Cscript%3E", "?page=0", "?name=ed&name=ada"} {
		if w := f.get("/admin/security"+bad, ada); w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, w.Code)
		}
	}
}
