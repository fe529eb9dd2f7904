package web

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/auth"
	"github.com/accesswatch/accesswatch/internal/web/admin"
)

func loginForm(name, pw string) url.Values {
	return url.Values{"username": {name}, "password": {pw}}
}

func TestSessionCookieAttributes(t *testing.T) {
	check := func(t *testing.T, c *http.Cookie, name string, secure bool) {
		t.Helper()
		if c == nil {
			t.Fatal("no session cookie")
		}
		if c.Name != name || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" || c.Secure != secure {
			t.Errorf("cookie %+v: want %s, HttpOnly, SameSite=Lax, Path=/, no Domain, Secure=%v", c, name, secure)
		}
		if c.MaxAge != int(auth.AbsoluteTimeout/time.Second) {
			t.Errorf("Max-Age %d, want the absolute limit %s", c.MaxAge, auth.AbsoluteTimeout)
		}
		if len(c.Value) < 22 { // 128 bits in base64
			t.Errorf("token %q is too short", c.Value)
		}
	}
	t.Run("plain HTTP", func(t *testing.T) {
		f := newAdminFixture(t)
		check(t, f.login("ed"), admin.SessionCookie, false)
	})
	t.Run("behind a TLS proxy", func(t *testing.T) {
		f := newAdminFixtureWith(t, Options{BehindTLS: true})
		c := f.login("ed")
		check(t, c, admin.SecureSessionCookie, true)
		if w := f.get("/admin/", c); w.Code != http.StatusOK {
			t.Errorf("the __Host- cookie does not open a session: %d", w.Code)
		}
		// Over TLS only the __Host- cookie counts: a plain-named cookie
		// (which a network attacker could plant over HTTP) is ignored.
		plain := &http.Cookie{Name: admin.SessionCookie, Value: c.Value}
		if w := f.get("/admin/", plain); w.Code != http.StatusSeeOther {
			t.Errorf("a cookie without the __Host- prefix was accepted over TLS: %d", w.Code)
		}
	})
	t.Run("direct TLS", func(t *testing.T) {
		f := newAdminFixture(t)
		w := f.do(request{method: http.MethodPost, target: "https://example.com/admin/login", form: loginForm("ed", testPassword),
			header: map[string]string{"Origin": "https://example.com"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("login over TLS: %d", w.Code)
		}
		check(t, sessionCookieOf(w), admin.SecureSessionCookie, true)
		if w.Header().Get("Strict-Transport-Security") == "" {
			t.Error("no HSTS over TLS")
		}
	})
}

func TestLoginReplacesAnyPreviousToken(t *testing.T) {
	f := newAdminFixture(t)
	// A token planted by an attacker: well-formed, but never issued.
	planted, _ := auth.NewToken()
	w := f.post("/admin/login", loginForm("ed", testPassword), &http.Cookie{Name: admin.SessionCookie, Value: planted})
	c := sessionCookieOf(w)
	if w.Code != http.StatusSeeOther || c == nil || c.Value == planted {
		t.Fatalf("login with a planted cookie: %d, cookie %v", w.Code, c)
	}
	if w := f.get("/admin/", &http.Cookie{Name: admin.SessionCookie, Value: planted}); w.Code != http.StatusSeeOther || isAdminContent(w) {
		t.Errorf("the planted token opens a session: %d", w.Code)
	}
	// A real session from before the login ends with it.
	before := c
	w = f.post("/admin/login", loginForm("ada", testPassword), before)
	after := sessionCookieOf(w)
	if after == nil || after.Value == before.Value {
		t.Fatalf("login kept the previous token")
	}
	if w := f.get("/admin/", before); w.Code != http.StatusSeeOther || isAdminContent(w) {
		t.Errorf("the pre-login token still works: %d", w.Code)
	}
	if w := f.get("/admin/", after); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `data-admin-user="ada"`) {
		t.Errorf("the new token: %d", w.Code)
	}
}

func TestLogout(t *testing.T) {
	f := newAdminFixture(t)
	c := f.login("ed")
	if w := f.get("/admin/logout", c); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET /admin/logout: %d; logging out changes state, so only POST may", w.Code)
	}
	if w := f.get("/admin/", c); w.Code != http.StatusOK {
		t.Fatalf("GET /admin/logout ended the session: %d", w.Code)
	}
	w := f.post("/admin/logout", url.Values{}, c)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/admin/login") {
		t.Errorf("logout: %d → %q", w.Code, w.Header().Get("Location"))
	}
	if cleared := sessionCookieOf(w); cleared == nil || cleared.MaxAge >= 0 || cleared.Value != "" {
		t.Errorf("logout did not clear the cookie: %+v", cleared)
	}
	if w := f.get("/admin/", c); w.Code != http.StatusSeeOther || isAdminContent(w) {
		t.Errorf("the token works after logout: %d", w.Code)
	}
	if w := f.get(w.Header().Get("Location"), nil); !strings.Contains(w.Body.String(), "You have logged out") {
		t.Error("the login page does not confirm the logout")
	}
}

func TestSessionExpiry(t *testing.T) {
	f := newAdminFixture(t)
	c := f.login("ed")
	f.clock.Advance(auth.IdleTimeout - time.Minute)
	if w := f.get("/admin/", c); w.Code != http.StatusOK {
		t.Fatalf("%s after login: %d", auth.IdleTimeout-time.Minute, w.Code)
	}
	f.clock.Advance(auth.IdleTimeout + time.Second)
	w := f.get("/admin/orgs", c)
	if w.Code != http.StatusSeeOther || isAdminContent(w) {
		t.Fatalf("after %s idle: %d", auth.IdleTimeout, w.Code)
	}
	loc, _ := url.Parse(w.Header().Get("Location"))
	if loc.Path != "/admin/login" || loc.Query().Get("next") != "/admin/orgs" || loc.Query().Get("done") != "session_ended" {
		t.Errorf("expired session sent to %q", loc)
	}
	if cleared := sessionCookieOf(w); cleared == nil || cleared.MaxAge >= 0 {
		t.Error("the expired session's cookie was not cleared")
	}

	c = f.login("ed")
	start := f.clock.Now()
	for f.clock.Now().Sub(start) < auth.AbsoluteTimeout-25*time.Minute {
		f.clock.Advance(25 * time.Minute)
		if w := f.get("/admin/", c); w.Code != http.StatusOK {
			t.Fatalf("active session ended after %s: %d", f.clock.Now().Sub(start), w.Code)
		}
	}
	f.clock.Advance(start.Add(auth.AbsoluteTimeout).Sub(f.clock.Now()))
	if w := f.get("/admin/", c); w.Code != http.StatusSeeOther {
		t.Errorf("an active session outlived %s: %d", auth.AbsoluteTimeout, w.Code)
	}
}

// TestNoUserEnumeration: an unknown name, a wrong password and a disabled
// account get the same status and the same page (but for the name typed,
// which is shown again).
func TestNoUserEnumeration(t *testing.T) {
	f := newAdminFixture(t)
	// Names that appear nowhere else on the page, so that replacing them
	// leaves the rest of the page to compare.
	const known, unknown, gone = "qzx-known", "qzx-nobody", "qzx-gone"
	f.addUser(known, "editor")
	f.addUser(gone, "editor")
	if err := f.st.DisableUser(context.Background(), gone, "test"); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		code int
		body string
	}
	try := func(name, pw, remote string) answer {
		w := f.do(request{method: http.MethodPost, target: "/admin/login", form: loginForm(name, pw), remote: remote})
		if sessionCookieOf(w) != nil {
			t.Errorf("%s: a failed login set a cookie", name)
		}
		return answer{w.Code, strings.ReplaceAll(w.Body.String(), name, "NAME")}
	}
	wrong := try(known, "not the password", "198.51.100.1:1")
	if wrong.code != http.StatusUnauthorized || !strings.Contains(wrong.body, "do not match an active account") {
		t.Fatalf("wrong password: %d", wrong.code)
	}
	for what, a := range map[string]answer{
		"unknown name":     try(unknown, "not the password", "198.51.100.2:1"),
		"disabled account": try(gone, testPassword, "198.51.100.3:1"),
	} {
		if a != wrong {
			t.Errorf("%s answers differently from a wrong password: %d vs %d\n%s\n%s", what, a.code, wrong.code, a.body, wrong.body)
		}
	}

	// Throttled alike: enough failures from one address for a name with an
	// account and for one without.
	ctx, now := context.Background(), f.clock.Now()
	for name, addr := range map[string]string{known: "198.51.100.4", unknown: "198.51.100.5"} {
		for range auth.FreePairFailures {
			if err := f.st.AddLoginFailure(ctx, name, addr, now, now.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
	}
	k, u := try(known, testPassword, "198.51.100.4:1"), try(unknown, testPassword, "198.51.100.5:1")
	if k.code != http.StatusTooManyRequests || k != u {
		t.Errorf("throttled: known %d, unknown %d; want the same 429", k.code, u.code)
	}
}

func TestLoginThrottlePerAddress(t *testing.T) {
	f := newAdminFixture(t)
	from := func(remote, pw string) *http.Response {
		return f.do(request{method: http.MethodPost, target: "/admin/login", form: loginForm("ed", pw), remote: remote}).Result()
	}
	for i := range auth.FreeAddressFailures {
		if r := from("203.0.113.7:1000", "guess "+strconv.Itoa(i)); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, r.StatusCode)
		}
	}
	r := from("203.0.113.7:2000", testPassword) // another port, same address
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "1" {
		t.Errorf("after %d failures: %d, Retry-After %q", auth.FreeAddressFailures, r.StatusCode, r.Header.Get("Retry-After"))
	}
	if r := from("203.0.113.8:1000", testPassword); r.StatusCode != http.StatusSeeOther {
		t.Errorf("another address: %d", r.StatusCode)
	}
	f.clock.Advance(time.Second)
	if r := from("203.0.113.7:1000", testPassword); r.StatusCode != http.StatusSeeOther {
		t.Errorf("after the backoff: %d", r.StatusCode)
	}
}

// TestClientAddressBehindAProxy: behind a trusted proxy the address is the
// one the proxy appended to X-Forwarded-For; what the client wrote before
// it does not matter.
func TestClientAddressBehindAProxy(t *testing.T) {
	f := newAdminFixtureWith(t, Options{BehindTLS: true, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	try := func(xff, pw string) int {
		return f.do(request{method: http.MethodPost, target: "/admin/login", form: loginForm("ed", pw), remote: "10.0.0.1:5000",
			header: map[string]string{"X-Forwarded-For": xff}}).Code
	}
	for i := range auth.FreeAddressFailures {
		if code := try("1.1.1."+strconv.Itoa(i)+", 198.51.100.9", "wrong"); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	if code := try("9.9.9.9, 198.51.100.9", testPassword); code != http.StatusTooManyRequests {
		t.Errorf("same client, forged first hop: %d, want 429", code)
	}
	if code := try("198.51.100.9, 198.51.100.10", testPassword); code != http.StatusSeeOther {
		t.Errorf("another client behind the same proxy: %d", code)
	}
}

// TestLoginThrottleKnowsIPv6ClientsBy64: one IPv6 client owns its whole
// /64, so hopping between its addresses does not reset the login throttle,
// while a client of another /64 is not held up.
func TestLoginThrottleKnowsIPv6ClientsBy64(t *testing.T) {
	f := newAdminFixture(t)
	try := func(remote, pw string) int {
		return f.do(request{method: http.MethodPost, target: "/admin/login", form: loginForm("ed", pw), remote: remote}).Code
	}
	for i := range auth.FreeAddressFailures {
		if code := try("[2001:db8:1:2::"+strconv.Itoa(i+1)+"]:5000", "wrong"); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	if code := try("[2001:db8:1:2:ffff::9]:5000", testPassword); code != http.StatusTooManyRequests {
		t.Errorf("another address of the same /64: %d, want 429", code)
	}
	if code := try("[2001:db8:1:3::1]:5000", testPassword); code != http.StatusSeeOther {
		t.Errorf("a client of the next /64: %d, want 303", code)
	}
}

func TestLoginRedirectStaysInTheAdminArea(t *testing.T) {
	f := newAdminFixture(t)
	for next, want := range map[string]string{
		"/admin/orgs":            "/admin/orgs",
		"https://evil.example/":  "/admin/",
		"//evil.example/admin/":  "/admin/",
		"/admin/../evil":         "/admin/",
		"/admin//evil.example":   "/admin/",
		"/admin/\\evil.example":  "/admin/",
		"javascript:alert(1)":    "/admin/",
		"/admin/logout":          "/admin/",
		"/admin/orgs?x=https://": "/admin/",
	} {
		form := loginForm("ed", testPassword)
		form.Set("next", next)
		w := f.post("/admin/login", form, nil)
		if got := w.Header().Get("Location"); w.Code != http.StatusSeeOther || got != want {
			t.Errorf("next=%q: %d → %q, want %q", next, w.Code, got, want)
		}
	}
	// Without a session, a page sends to the login with itself as next.
	w := f.get("/admin/orgs", nil)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/login?next=%2Fadmin%2Forgs" {
		t.Errorf("GET /admin/orgs without a session: %d → %q", w.Code, w.Header().Get("Location"))
	}
	doc := parse(t, f.get("/admin/login?next=%2Fadmin%2Forgs", nil))
	if v, _ := doc.Find(`input[name="next"]`).Attr("value"); v != "/admin/orgs" {
		t.Errorf("login form next = %q", v)
	}
}

func TestDisablingAnAccountEndsItsSessions(t *testing.T) {
	f := newAdminFixture(t)
	ada, ed := f.login("ada"), f.login("ed")
	if w := f.post("/admin/users/ada/disable", url.Values{"current_password": {testPassword}}, ada); w.Code != http.StatusConflict {
		t.Errorf("disabling oneself: %d", w.Code)
	}
	w := f.post("/admin/users/ed/disable", url.Values{"current_password": {testPassword}}, ada)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("disable: %d %s", w.Code, w.Body.String())
	}
	if w := f.get("/admin/", ed); w.Code != http.StatusSeeOther || isAdminContent(w) {
		t.Errorf("the disabled account's session still works: %d", w.Code)
	}
	if w := f.post("/admin/login", loginForm("ed", testPassword), nil); w.Code != http.StatusUnauthorized {
		t.Errorf("a disabled account logs in: %d", w.Code)
	}
	if w := f.get("/admin/users", ada); !strings.Contains(parse(t, w).Find(`tr[data-user="ed"]`).Text(), "Disabled") {
		t.Error("the accounts page does not show ed as disabled")
	}
}
