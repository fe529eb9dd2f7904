package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web"
)

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// exportFilters are the export command's filter flags and the query
// parameters they stand for: the same filters as /export/KIND.csv.
var exportFilters = []struct{ flag, param, usage string }{
	{"country", "country", "ISO 3166-1 alpha-3 code, e.g. NER"},
	{"org", "org", "organisation short name, e.g. icrc"},
	{"status", "status", "status (records: current; events: the status set); repeat for several"},
	{"region", "region", "region of the country, e.g. Africa"},
	{"updated-since", "updated_since", "records: updated at or after this date (YYYY-MM-DD) or RFC 3339 time"},
	{"type", "type", "events: organisation type, e.g. ingo (an event type here is the old spelling of --event)"},
	{"event", "event", "events: event type (repeat for several)"},
	{"since", "since", "events: dated from this date (YYYY, YYYY-MM or YYYY-MM-DD)"},
	{"until", "until", "events: dated up to this date"},
	{"q", "q", "events: search text"},
}

// runExport writes an export to stdout: byte for byte what
// /export/KIND.csv serves for the same filters.
func runExport(ctx context.Context, env *environment, args []string) error {
	fs := newDataFlagSet("export records|events", env.stderr)
	db := dbFlag(fs)
	values := map[string]*listFlag{}
	for _, f := range exportFilters {
		values[f.param] = &listFlag{}
		fs.Var(values[f.param], f.flag, f.usage)
	}
	flagged := fs.Bool("flagged", false, "flagged only (records: flagged status; events: setting one)")
	kind, err := parseWithArgument(fs, args, onlyDBFromEnv(env.getenv))
	if err != nil {
		return err
	}
	if !slices.Contains(web.ExportKinds, kind) {
		return usageError("export what? Give records or events, not %q", kind)
	}
	filters := url.Values{}
	if *flagged {
		filters.Set("flagged", "true")
	}
	for param, vals := range values {
		if len(*vals) > 0 {
			filters[param] = *vals
		}
	}
	st, err := openExisting(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	w := bufio.NewWriter(env.stdout)
	err = web.ExportCSV(ctx, st, i18n.English(), kind, filters, w)
	var qe *web.QueryError
	if errors.As(err, &qe) {
		return usageError("%v", qe)
	}
	if err != nil {
		return err
	}
	return w.Flush()
}

// parseWithArgument parses flags around one required argument (the export
// kind, a file), which may come before or after the flags.
func parseWithArgument(fs *flag.FlagSet, args []string, getenv func(string) string) (string, error) {
	var arg string
	if len(args) > 0 && (args[0] == "-" || !strings.HasPrefix(args[0], "-")) { // "-": standard input
		arg, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args, getenv); err != nil {
		return "", err
	}
	rest := fs.Args()
	if arg == "" && len(rest) > 0 {
		arg, rest = rest[0], rest[1:]
	}
	switch {
	case arg == "":
		return "", usageError("missing argument")
	case len(rest) > 0:
		return "", usageError("unexpected arguments: %s", strings.Join(rest, " "))
	}
	return arg, nil
}

// newDataFlagSet is newFlagSet for the data commands (export, import,
// backup), which take only --db from the environment (ACCESSWATCH_DB):
// their usage says so.
func newDataFlagSet(name string, out io.Writer) *flag.FlagSet {
	fs := newFlagSet(name, out)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: accesswatch %s [flags]\n\nFlags:\n", name)
		fs.VisitAll(func(f *flag.Flag) {
			def, env := "", ""
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			if f.Name == "db" {
				env = " [" + envName("db") + "]"
			}
			fmt.Fprintf(out, "  --%s%s\n      %s%s\n", f.Name, env, f.Usage, def)
		})
	}
	return fs
}

// onlyDBFromEnv passes ACCESSWATCH_DB through and nothing else, so that a
// command's filters never come from the environment unseen.
func onlyDBFromEnv(getenv func(string) string) func(string) string {
	return func(name string) string {
		if name == envName("db") {
			return getenv(name)
		}
		return ""
	}
}

// openExisting opens a database that must already exist: commands that
// read one never create an empty file by mistake.
func openExisting(ctx context.Context, path string) (*store.Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no database at %s (--db): %w", path, err)
	}
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return st, nil
}
