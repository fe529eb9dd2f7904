package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/store"
)

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// exportFilters are the export command's filter flags: the filters of
// /export/KIND.csv, under the same names (its query parameters), and which
// export takes each.
var exportFilters = []struct{ flag, usage, kind string }{
	{"country", "ISO 3166-1 alpha-3 code, e.g. NER", ""},
	{"org", "organisation short name, e.g. icrc", ""},
	{"status", "records: current status (repeat for several)", "records"},
	{"region", "records: region of the country, e.g. Africa", "records"},
	{"updated-since", "records: updated at or after this date (YYYY-MM-DD) or RFC 3339 time", "records"},
	{"since", "events: dated from this date (YYYY, YYYY-MM or YYYY-MM-DD)", "events"},
	{"until", "events: dated up to this date", "events"},
	{"type", "events: event type (repeat for several)", "events"},
}

// runExport writes an export to stdout: byte for byte what
// /export/KIND.csv serves for the same filters.
func runExport(ctx context.Context, env *environment, args []string) error {
	fs := newDataFlagSet("export records|events", env.stderr)
	db := dbFlag(fs)
	values := map[string]*listFlag{}
	for _, f := range exportFilters {
		values[f.flag] = &listFlag{}
		fs.Var(values[f.flag], f.flag, f.usage)
	}
	flagged := fs.Bool("flagged", false, "flagged only (records: flagged status; events: setting one)")
	kind, err := parseWithArgument(fs, args, onlyDBFromEnv(env.getenv))
	if err != nil {
		return err
	}
	if !slices.Contains(opendata.Kinds, kind) {
		return usageError("export what? Give records or events, not %q", kind)
	}
	given := map[string][]string{}
	for name, vals := range values {
		if len(*vals) > 0 {
			given[name] = *vals
		}
	}
	if *flagged {
		given["flagged"] = []string{"true"}
	}
	st, err := openExisting(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	l := i18n.English()
	f, problems, err := exportFilter(ctx, st, l, kind, given)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return usageError("%s", strings.Join(problems, " "))
	}
	w := bufio.NewWriter(env.stdout)
	if kind == "records" {
		err = opendata.WriteRecords(ctx, st, f.records, w)
	} else {
		err = opendata.WriteEvents(ctx, st, f.events, w)
	}
	if err != nil {
		return err
	}
	return w.Flush()
}

// filters are the store filters of an export.
type filters struct {
	records store.RecordFilter
	events  store.ChangeFilter
}

// exportFilter reads the filter flags given for an export of kind into
// store filters, checking that each is one the export takes, is well
// formed, and names a country, organisation or region that exists. It
// returns every problem, in flag order, in l's words.
func exportFilter(ctx context.Context, st *store.Store, l *i18n.Locale, kind string, given map[string][]string) (filters, []string, error) {
	var f filters
	var problems []string
	bad := func(key, flag, value, allowed string) {
		problems = append(problems, l.Tf(key, "--"+flag, value, allowed))
	}
	takes := []string{"--country", "--org"}
	for _, x := range exportFilters {
		if x.kind == kind {
			takes = append(takes, "--"+x.flag)
		}
	}
	if kind == "records" {
		takes = append(takes, "--flagged")
	}
	names := slices.Sorted(maps.Keys(given))
	for _, name := range names {
		vals := given[name]
		if !slices.Contains(takes, "--"+name) {
			bad("export.flag.unknown", name, kind, strings.Join(takes, ", "))
			continue
		}
		if len(vals) > 1 && name != "status" && name != "type" {
			bad("api.param.repeated", name, "", "")
			continue
		}
		for _, v := range vals {
			switch name {
			case "country":
				if !access.ValidCountryCode(v) {
					bad("api.param.country", name, v, "")
				} else if _, err := st.Country(ctx, v); errors.Is(err, store.ErrNotFound) {
					bad("api.param.country_unknown", name, v, "")
				} else if err != nil {
					return f, nil, err
				}
				f.records.Country, f.events.Country = v, v
			case "org":
				if !access.ValidSlug(v) {
					bad("api.param.org", name, v, "")
				} else if _, err := st.Org(ctx, v); errors.Is(err, store.ErrNotFound) {
					bad("api.param.org_unknown", name, v, "")
				} else if err != nil {
					return f, nil, err
				}
				f.records.Org, f.events.Org = v, v
			case "status":
				if s := access.Status(v); !s.Valid() {
					bad("api.param.status", name, v, listOf(l, access.Statuses))
				} else if !slices.Contains(f.records.Statuses, s) {
					f.records.Statuses = append(f.records.Statuses, s)
				}
			case "type":
				if t := access.EventType(v); !t.Valid() {
					bad("api.param.event_type", name, v, listOf(l, access.EventTypes))
				} else if !slices.Contains(f.events.Types, t) {
					f.events.Types = append(f.events.Types, t)
				}
			case "flagged":
				f.records.FlaggedOnly = true
			case "region":
				regions, err := st.Regions(ctx)
				if err != nil {
					return f, nil, err
				}
				if i := slices.IndexFunc(regions, func(r string) bool { return strings.EqualFold(r, v) }); i >= 0 {
					f.records.Region = regions[i]
				} else {
					bad("api.param.region", name, v, listOf(l, regions))
				}
			case "updated-since":
				if t, err := time.Parse(time.RFC3339, v); err == nil {
					f.records.UpdatedSince = t.UTC()
				} else if d, ok := isoDate(v); ok {
					f.records.UpdatedSince = d.Start()
				} else {
					bad("api.param.timestamp", name, v, "")
				}
			case "since", "until":
				d, ok := isoDate(v)
				if !ok {
					bad("api.param.date", name, v, "")
				} else if name == "since" {
					f.events.Since = d
				} else {
					f.events.Until = d
				}
			}
		}
	}
	if ev := f.events; !ev.Since.IsZero() && !ev.Until.IsZero() && ev.Since.Start().After(ev.Until.Start()) {
		bad("api.param.range", "since", ev.Since.ISO(), "")
	}
	f.records.Sort = store.SortCountry
	return f, problems, nil
}

// isoDate reads an ISO 8601 date at its precision (YYYY, YYYY-MM or
// YYYY-MM-DD) and nothing else, as the export addresses do.
func isoDate(v string) (access.Date, bool) {
	d, err := access.ParseDate(v)
	if err != nil || d.ISO() != v {
		return access.Date{}, false
	}
	return d, true
}

// listOf lists values as "a, b or c".
func listOf[T ~string](l *i18n.Locale, values []T) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " " + l.T("api.list.or") + " " + s[len(s)-1]
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
