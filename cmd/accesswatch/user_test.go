package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/auth"
	"github.com/accesswatch/accesswatch/internal/store"
)

// userCmd runs "accesswatch user ..." with stdin and returns the exit code
// and output.
func userCmd(t *testing.T, vars map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	env, out, errOut := testEnv(vars)
	env.stdin = strings.NewReader(stdin)
	code := run(context.Background(), env, append([]string{"user"}, args...))
	return code, out.String(), errOut.String()
}

func openUsers(t *testing.T, db string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "users.db")
	env := map[string]string{"ACCESSWATCH_DB": db, "USER": "operator"}

	if code, out, _ := userCmd(t, env, "", "list"); code != 0 || !strings.Contains(out, "no accounts yet") {
		t.Fatalf("list on a new database: %d %q", code, out)
	}
	long := strings.Repeat("correct horse ", 80)[:auth.MaxPasswordBytes] // accepted whole
	if code, out, errOut := userCmd(t, env, long+"\n", "add", "Alice", "--role", "admin"); code != 0 || out != "added admin alice\n" {
		t.Fatalf("add: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := userCmd(t, env, "editor password\r\n", "add", "--role=editor", "bob"); code != 0 {
		t.Fatalf("add with the flag first and a CRLF line: %d %q", code, errOut)
	}
	st := openUsers(t, db)
	ctx := context.Background()
	alice, err := st.UserByName(ctx, "alice")
	if err != nil || alice.Role != access.RoleAdmin {
		t.Fatalf("alice: %+v %v", alice, err)
	}
	if ok, _ := auth.VerifyPassword(alice.PasswordHash, long); !ok {
		t.Error("alice's long password does not verify")
	}
	if ok, _ := auth.VerifyPassword(alice.PasswordHash, long[:len(long)-1]); ok {
		t.Error("alice's password was truncated")
	}
	bob, _ := st.UserByName(ctx, "bob")
	if ok, _ := auth.VerifyPassword(bob.PasswordHash, "editor password"); !ok {
		t.Error("bob's password (read without its CRLF) does not verify")
	}
	entries, _, _ := st.AuditLog(ctx, store.AuditFilter{Entity: "user", Key: "alice"})
	if len(entries) != 1 || entries[0].Actor != "cli:operator" {
		t.Errorf("audit of the creation: %+v", entries)
	}

	for _, c := range []struct {
		stdin string
		args  []string
		code  int
		says  string
	}{
		{"another password\n", []string{"add", "alice", "--role", "editor"}, 1, "exists already"},
		{"short\n", []string{"add", "carol", "--role", "editor"}, 1, "use at least 8 characters"},
		{strings.Repeat("x", auth.MaxPasswordBytes+1) + "\n", []string{"add", "carol", "--role", "editor"}, 1, "longer than 1024 bytes"},
		{"", []string{"add", "carol", "--role", "editor"}, 1, "no password on standard input"},
		{"a fine password\n", []string{"add", "carol", "--role", "root"}, 2, "--role must be admin or editor"},
		{"a fine password\n", []string{"add", "carol"}, 2, "--role must be admin or editor"},
		{"a fine password\n", []string{"add", "<carol>", "--role", "editor"}, 2, "use 1 to 64 of a–z"},
		{"a fine password\n", []string{"add", "--role", "editor"}, 2, "takes 1 name"},
		{"", []string{"disable", "nobody"}, 1, `no account is named "nobody"`},
		{"a fine password\n", []string{"passwd", "nobody"}, 1, `no account is named "nobody"`},
		{"password1\n", []string{"add", "carol", "--role", "editor"}, 1, "one of the 10,000 most common passwords"},
		{"Sunshine\n", []string{"passwd", "bob"}, 1, "one of the 10,000 most common passwords"},
		{"........\n", []string{"add", "carol", "--role", "editor"}, 1, "a single character repeated"},
		{"", []string{"unlock", "nobody"}, 1, `no account is named "nobody"`},
		{"", []string{"unlock"}, 2, "takes 1 name"},
		{"", []string{"frobnicate"}, 2, "unknown user command"},
		{"", nil, 2, "user needs a command"},
	} {
		code, _, errOut := userCmd(t, env, c.stdin, c.args...)
		if code != c.code || !strings.Contains(errOut, c.says) {
			t.Errorf("user %v: exit %d %q, want %d saying %q", c.args, code, errOut, c.code, c.says)
		}
	}
	if _, err := st.UserByName(ctx, "carol"); err == nil {
		t.Error("a refused add created carol")
	}

	if code, out, _ := userCmd(t, env, "a new password for bob\n", "passwd", "Bob"); code != 0 || !strings.Contains(out, "changed the password of bob") {
		t.Errorf("passwd: %d %q", code, out)
	}
	bob, _ = st.UserByName(ctx, "bob")
	if ok, _ := auth.VerifyPassword(bob.PasswordHash, "a new password for bob"); !ok {
		t.Error("bob's new password does not verify")
	}
	if code, out, _ := userCmd(t, env, "", "disable", "bob"); code != 0 || !strings.Contains(out, "disabled bob") {
		t.Errorf("disable: %d %q", code, out)
	}
	code, out, _ := userCmd(t, env, "", "list")
	if code != 0 || !regexpMatch(`alice\s+admin\s+active`, out) || !regexpMatch(`bob\s+editor\s+disabled`, out) {
		t.Errorf("list: %d\n%s", code, out)
	}
	if code, out, _ := userCmd(t, env, "", "enable", "bob"); code != 0 || !strings.Contains(out, "enabled bob") {
		t.Errorf("enable: %d %q", code, out)
	}
	if bob, _ := st.UserByName(ctx, "bob"); bob.Disabled {
		t.Error("bob is still disabled after user enable")
	}
	if code, _, errOut := userCmd(t, env, "", "enable", "nobody"); code != 1 || !strings.Contains(errOut, `no account is named "nobody"`) {
		t.Errorf("enable nobody: %d %q", code, errOut)
	}
}

// TestUnlockAndPasswdForgetFailedLogins: "user unlock" and "user passwd"
// forget an account's failed logins from every address (so no address has
// to wait for it any more), and the login trail records both.
func TestUnlockAndPasswdForgetFailedLogins(t *testing.T) {
	db := filepath.Join(t.TempDir(), "users.db")
	env := map[string]string{"ACCESSWATCH_DB": db, "USER": "operator"}
	if code, _, errOut := userCmd(t, env, "a fine password\n", "add", "alice", "--role", "editor"); code != 0 {
		t.Fatalf("add: %s", errOut)
	}
	st := openUsers(t, db)
	ctx := context.Background()
	fail := func() {
		t.Helper()
		now := time.Now()
		for _, addr := range []string{"192.0.2.1", "192.0.2.2", "2001:db8::/64"} {
			for range 10 {
				if err := st.AddLoginFailure(ctx, "alice", addr, now, now.Add(-time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if th, _ := st.LoginThrottleState(ctx, "alice", "192.0.2.1", now.Add(-time.Hour)); th.Failures != 10 || th.Recent != 30 {
			t.Fatalf("failures not recorded: %+v", th)
		}
	}
	for _, c := range []struct {
		stdin string
		args  []string
		says  string
	}{
		{"", []string{"unlock", "Alice"}, "unlocked alice: forgot 30 failed logins"},
		{"another fine password\n", []string{"passwd", "alice"}, "failed logins are forgotten"},
	} {
		fail()
		code, out, errOut := userCmd(t, env, c.stdin, c.args...)
		if code != 0 || !strings.Contains(out, c.says) {
			t.Fatalf("user %v: %d %q %q", c.args, code, out, errOut)
		}
		if th, _ := st.LoginThrottleState(ctx, "alice", "192.0.2.1", time.Now().Add(-time.Hour)); th != (access.LoginThrottle{}) {
			t.Errorf("user %v left failures: %+v", c.args, th)
		}
	}
	rows, _, err := st.SecurityLog(ctx, store.SecurityFilter{Name: "alice", Outcome: access.OutcomeUnlock})
	if err != nil || len(rows) != 2 || rows[1].Address != "cli" || !strings.Contains(rows[1].Detail, "unlocked by cli:operator") ||
		!strings.Contains(rows[0].Detail, "password changed by cli:operator") {
		t.Errorf("trail: %+v %v", rows, err)
	}
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }

// TestNoAccountUntilOneIsCreated: a served database has no account, so
// nobody can log in; after "user add" the account can.
func TestNoAccountUntilOneIsCreated(t *testing.T) {
	db := filepath.Join(t.TempDir(), "served.db")
	base, stop := startServer(t, Config{Addr: "127.0.0.1:0", DB: db, NoSeed: true})
	login := func() int {
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.PostForm(base+"/admin/login", url.Values{"username": {"admin"}, "password": {"the first password"}})
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if users, err := openUsers(t, db).Users(context.Background()); err != nil || len(users) != 0 {
		t.Fatalf("a new database has accounts: %v %v", users, err)
	}
	if code := login(); code != http.StatusUnauthorized {
		t.Errorf("login before any account exists: %d", code)
	}
	if code, _, errOut := userCmd(t, map[string]string{"ACCESSWATCH_DB": db}, "the first password\n", "add", "admin", "--role", "admin"); code != 0 {
		t.Fatalf("add: %q", errOut)
	}
	if code := login(); code != http.StatusSeeOther {
		t.Errorf("login after user add: %d", code)
	}
	stop()
}
