package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/internal/store"
)

// listFlag is a flag that may be given several times; each value is added
// to a query parameter.
type listFlag struct {
	values url.Values
	param  string
}

func (l *listFlag) String() string {
	if l == nil || l.values == nil {
		return ""
	}
	return strings.Join(l.values[l.param], ",")
}

func (l *listFlag) Set(v string) error { l.values.Add(l.param, v); return nil }

// exportFilters are the export command's filter flags: the filters of
// /export/KIND.csv, under the names of its query parameters (with "-" for
// "_"), and which export takes each. Which export takes which is decided by
// opendata.ExportSpecs, as for the addresses; the kinds here only document.
var exportFilters = []struct{ param, usage, kind string }{
	{query.Country, "ISO 3166-1 alpha-3 code, e.g. NER", ""},
	{query.Org, "organisation short name, e.g. icrc", ""},
	{query.Status, "current status (events: the status an event set); repeat for several", ""},
	{query.Region, "region of the country, e.g. Africa", ""},
	{query.UpdatedSince, "updated at or after this date (YYYY-MM-DD) or RFC 3339 time", "records"},
	{query.Type, "organisation type, e.g. ingo or un_agency", "records, events"},
	{query.Event, "event type; repeat for several", "events"},
	{query.Since, "dated from this date (YYYY, YYYY-MM or YYYY-MM-DD)", "events"},
	{query.Until, "dated up to this date", "events"},
	{query.Text, "search text", "records, events, class-measures"},
	{query.InForce, "1 or true (default): in force today; 0 or false: every one", "class-measures"},
}

// flagOf is the command-line spelling of a query parameter.
func flagOf(param string) string { return "--" + strings.ReplaceAll(param, "_", "-") }

// runExport writes an export to stdout: byte for byte what
// /export/KIND.csv serves for the same filters.
func runExport(ctx context.Context, env *environment, args []string) error {
	fs := newDataFlagSet("export records|events|class-measures", env.stderr)
	db := dbFlag(fs)
	values := url.Values{}
	for _, f := range exportFilters {
		usage := f.usage
		if f.kind != "" {
			usage = f.kind + ": " + usage
		}
		fs.Var(&listFlag{values: values, param: f.param}, strings.TrimPrefix(flagOf(f.param), "--"), usage)
	}
	flagged := fs.Bool(query.Flagged, false, "flagged only (records: a flagged status; events: setting one)")
	kind, err := parseWithArgument(fs, args, onlyDBFromEnv(env.getenv))
	if err != nil {
		return err
	}
	spec, ok := opendata.ExportSpecs[kind]
	if !ok {
		return usageError("export what? Give records, events or class-measures, not %q", kind)
	}
	if *flagged {
		values.Set(query.Flagged, "true")
	}
	st, err := openExisting(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	l := i18n.English()
	q, qe := query.Parse(values.Encode(), spec)
	if qe == nil {
		qe = &query.Error{}
	}
	if !qe.Has(query.CodeMalformed) {
		if err := opendata.CheckRefs(ctx, st, &q, qe); err != nil {
			return err
		}
	}
	if len(qe.Problems) > 0 {
		return usageError("%s", strings.Join(flagProblems(l, kind, spec, qe), " "))
	}
	// Search text matches labels in every language, as on the site.
	langs, err := i18n.LoadLanguages()
	if err != nil {
		return err
	}
	if err := opendata.MatchText(ctx, st, langs, &q); err != nil {
		return err
	}
	for _, d := range q.Deprecated {
		fmt.Fprintln(env.stderr, l.Tf("export.flag.deprecated", flagOf(d)))
	}
	w := bufio.NewWriter(env.stdout)
	if err := opendata.Export(ctx, st, kind, q, w); err != nil {
		return err
	}
	return w.Flush()
}

// flagProblems puts the problems with an export's filters into l's words,
// naming each filter by its flag.
func flagProblems(l *i18n.Locale, kind string, spec query.Spec, qe *query.Error) []string {
	out := make([]string, 0, len(qe.Problems))
	for _, p := range qe.Problems {
		allowed := p.Allowed
		if p.Code == query.CodeUnknown || p.Code == query.CodeUnnamed {
			allowed = make([]string, len(spec.Params))
			for i, name := range spec.Params {
				allowed[i] = flagOf(name)
			}
		}
		switch p.Code {
		case query.CodeUnknown:
			out = append(out, l.Tf("export.flag.unknown", flagOf(p.Param), kind, strings.Join(allowed, ", ")))
		case query.CodeOrgType:
			out = append(out, l.Tf("export.flag.org_type", flagOf(p.Param), p.Value, listOf(l, allowed)))
		default:
			out = append(out, l.Tf("api.param."+string(p.Code), flagOf(p.Param), p.Value, listOf(l, allowed)))
		}
	}
	return out
}

// listOf lists values as "a, b or c".
func listOf(l *i18n.Locale, values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " " + l.T("api.list.or") + " " + values[len(values)-1]
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
// (A PostgreSQL database must exist on its server; Open does not create it.)
func openExisting(ctx context.Context, db string) (*store.Store, error) {
	if !store.IsPostgresURL(db) {
		if _, err := os.Stat(db); err != nil {
			return nil, fmt.Errorf("no database at %s (--db): %w", db, err)
		}
	}
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", store.Redact(db), err)
	}
	return st, nil
}
