package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/pgtest"
	"github.com/accesswatch/accesswatch/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestBackupOnPostgresExplainsPgDump: backup refuses a PostgreSQL URL with
// exit 2, names pg_dump, and never shows the password.
func TestBackupOnPostgresExplainsPgDump(t *testing.T) {
	env, out, errOut := testEnv(nil)
	code := run(context.Background(), env, []string{"backup", "--db", "postgres://aw:s3cret@db.example:5432/aw", filepath.Join(t.TempDir(), "b.db")})
	if code != 2 || !strings.Contains(errOut.String(), "pg_dump") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	if strings.Contains(errOut.String()+out.String(), "s3cret") {
		t.Errorf("the password was printed: %q", errOut.String())
	}
}

// TestCommandsOnPostgres: user add, import, export and gen take a
// postgres:// URL; copy moves a seeded file into a new database and
// refuses to copy into it again.
func TestCommandsOnPostgres(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "src.db")
	env, out, errOut := testEnv(nil)
	st, err := openDatabase(ctx, file, true, nil, store.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	url := pgtest.URL(t)
	out.Reset()
	errOut.Reset()
	if code := run(ctx, env, []string{"copy", "--from", file, "--to", url}); code != 0 {
		t.Fatalf("copy: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "row counts and checksums agree") || !strings.Contains(out.String(), "events") {
		t.Errorf("copy said %q", out.String())
	}
	errOut.Reset()
	if code := run(ctx, env, []string{"copy", "--from", file, "--to", url}); code != 1 || !strings.Contains(errOut.String(), "not empty") {
		t.Errorf("second copy: exit %d: %s", code, errOut.String())
	}

	var fromFile, fromPG strings.Builder
	for _, c := range []struct {
		db  string
		out *strings.Builder
	}{{file, &fromFile}, {url, &fromPG}} {
		e, o, eo := testEnv(nil)
		if code := run(ctx, e, []string{"export", "--db", c.db, "events"}); code != 0 {
			t.Fatalf("export from %s: exit %d: %s", c.db, code, eo.String())
		}
		c.out.WriteString(o.String())
	}
	if fromFile.Len() == 0 || fromFile.String() != fromPG.String() {
		t.Errorf("events exports differ between the file and its copy (%d and %d bytes)", fromFile.Len(), fromPG.Len())
	}

	env2, _, errOut2 := testEnv(nil)
	env2.stdin = strings.NewReader("a-long-enough-password\n")
	if code := run(ctx, env2, []string{"user", "add", "bob", "--role", "editor", "--db", url}); code != 0 {
		t.Fatalf("user add: exit %d: %s", code, errOut2.String())
	}

	genURL := pgtest.URL(t)
	env3, out3, errOut3 := testEnv(nil)
	if code := run(ctx, env3, []string{"gen", "--records", "50", "--db", genURL}); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errOut3.String())
	}
	if !strings.Contains(out3.String(), "generated 50 records") {
		t.Errorf("gen said %q", out3.String())
	}
}
