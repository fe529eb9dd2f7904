package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/store"
)

// runImport imports an events CSV ("-" reads standard input): every row is
// checked first and every problem listed; the file goes in whole or not at
// all; rows the database already holds are skipped. A database that does
// not exist yet is created with the country list (and no bundled cases).
func runImport(ctx context.Context, env *environment, args []string) error {
	fs := newDataFlagSet("import FILE", env.stderr)
	db := dbFlag(fs)
	actor := fs.String("actor", "import", "who is importing, for the audit log")
	dryRun := fs.Bool("dry-run", false, "check the file and say what it would add; write nothing")
	maxRows := fs.Int("max-rows", 1_000_000, "refuse files with more events than this")
	path, err := parseWithArgument(fs, args, onlyDBFromEnv(env.getenv))
	if err != nil {
		return err
	}
	var in io.Reader = env.stdin
	source := "stdin"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		in, source = f, filepath.Base(path)
	}
	st, err := openDatabase(ctx, *db, false, nil, store.Options{}, slog.New(slog.NewTextHandler(env.stderr, nil)))
	if err != nil {
		return err
	}
	defer st.Close()
	l := i18n.English()
	res, err := opendata.Import(ctx, st, in, opendata.ImportOptions{Actor: *actor, Source: source, DryRun: *dryRun, MaxRows: *maxRows})
	var ie *opendata.ImportError
	switch {
	case errors.As(err, &ie):
		for _, line := range opendata.ProblemLines(l, ie) {
			fmt.Fprintln(env.stderr, line)
		}
		return errors.New(l.Count("import.problems", int64(len(ie.Errors))))
	case errors.Is(err, opendata.ErrTooManyRows):
		return errors.New(l.Tf("import.too_many_rows", *maxRows))
	case err != nil:
		return err
	}
	fmt.Fprintln(env.stdout, opendata.Summary(l, res, *dryRun))
	return nil
}
