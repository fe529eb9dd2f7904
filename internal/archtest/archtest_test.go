// Package archtest holds the import rules of the code base: which package
// may depend on which. It has no code of its own, only this test, which
// reads the packages with `go list` (offline: it needs nothing but the
// module's own sources and the module cache) and the imports of each file
// of cmd/accesswatch with go/parser.
package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/accesswatch/accesswatch"

// surfaces are the web packages that serve one surface each; only the
// router (internal/web) composes them.
var surfaces = []string{module + "/internal/web/site", module + "/internal/web/api", module + "/internal/web/admin"}

// serveWiring is the one file of cmd/accesswatch that may import a web
// package: it wires the serve command. The other subcommands call use
// cases (opendata, store, auth), never HTTP handlers.
const serveWiring = "serve.go"

// knownViolations are breaches of the rules below that are being removed,
// keyed "PACKAGE -> DEPENDENCY" (paths relative to the module). A listed
// breach does not fail the test; a listed entry that is no longer a breach
// does, so the list only shrinks.
var knownViolations = map[string]string{}

// pkg is what go list says of one package.
type pkg struct {
	ImportPath   string
	Imports      []string
	Deps         []string
	TestImports  []string
	XTestImports []string
}

// TestImportRules checks the layering of the code base.
func TestImportRules(t *testing.T) {
	pkgs := listPackages(t)
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages; is the module root right?", len(pkgs))
	}
	files := cmdImports(t, filepath.Join("..", "..", "cmd", "accesswatch"))
	if len(files) < 5 {
		t.Fatalf("found %d files in cmd/accesswatch", len(files))
	}
	breaches := checkRules(pkgs, files)
	for _, b := range breaches {
		if _, known := knownViolations[b]; known {
			t.Logf("known violation (to be removed): %s", b)
			continue
		}
		t.Errorf("import rule broken: %s", b)
	}
	for k, why := range knownViolations {
		if !slices.Contains(breaches, k) {
			t.Errorf("knownViolations lists %q (%s), which no longer happens: remove it", k, why)
		}
	}
}

// TestImportRulesCatchBreaches feeds checkRules a made-up code base that
// breaks every rule once, so that a rule that stopped working is noticed.
func TestImportRulesCatchBreaches(t *testing.T) {
	m := func(p string) string { return module + "/" + p }
	pkgs := []pkg{
		{ImportPath: m("templates"), Imports: []string{m("internal/web/httpkit")}, Deps: []string{m("internal/web/httpkit"), m("internal/store")}},
		{ImportPath: m("internal/store"), Imports: []string{m("internal/opendata")}, Deps: []string{m("internal/opendata"), m("internal/dataset")}},
		{ImportPath: m("internal/web/site"), Imports: []string{m("internal/web/api")}, Deps: []string{m("internal/web/api")}},
		{ImportPath: m("internal/web/httpkit"), Deps: []string{m("internal/web/admin")}},
		{ImportPath: m("internal/web/api"), XTestImports: []string{m("internal/web/admin")}},
		{ImportPath: m("internal/auth"), Imports: []string{m("internal/store")}, Deps: []string{m("internal/store"), m("internal/access")}},
		{ImportPath: m("internal/access"), Imports: []string{m("internal/i18n")}, Deps: []string{m("internal/i18n")}},
		{ImportPath: m("internal/web"), Imports: surfaces, Deps: surfaces}, // allowed: the router
	}
	files := map[string][]string{
		"serve.go":  {m("internal/web")},                         // allowed
		"export.go": {m("internal/web/api"), "strings"},          // not allowed
		"config.go": {m("internal/web/httpkit"), "flag"},         // not allowed
		"gen.go":    {m("internal/store"), m("internal/access")}, // fine
	}
	got := checkRules(pkgs, files)
	want := []string{
		"templates -> internal/web/httpkit",
		"templates -> internal/store",
		"internal/store -> internal/opendata",
		"internal/store -> internal/dataset",
		"internal/auth -> internal/store",
		"internal/access -> internal/i18n",
		"internal/web/site -> internal/web/api",
		"internal/web/httpkit -> internal/web/admin",
		"internal/web/api (tests) -> internal/web/admin",
		"cmd/accesswatch/export.go -> internal/web/api",
		"cmd/accesswatch/config.go -> internal/web/httpkit",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("breaches found:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// checkRules returns every breach of the import rules, each as
// "PACKAGE -> DEPENDENCY" (relative to the module):
//   - templates depends on no internal/store and no internal/web package;
//   - internal/store depends on no internal/dataset and no internal/opendata;
//   - internal/auth depends on no internal/store and no web package;
//   - internal/access (the domain) depends on no project package;
//   - no package under internal/web/ depends on a surface package (site,
//     api, admin) other than itself, nor do its tests import one;
//   - no file of cmd/accesswatch but serve.go imports an internal/web package.
//
// files maps each file name of cmd/accesswatch to its imports.
func checkRules(pkgs []pkg, files map[string][]string) []string {
	var out []string
	add := func(from, to string) {
		b := rel(from) + " -> " + rel(to)
		if !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	for _, p := range pkgs {
		switch {
		case p.ImportPath == module+"/templates":
			for _, d := range p.Deps {
				if d == module+"/internal/store" || isWeb(d) {
					add(p.ImportPath, d)
				}
			}
		case p.ImportPath == module+"/internal/store":
			for _, d := range p.Deps {
				if d == module+"/internal/dataset" || d == module+"/internal/opendata" {
					add(p.ImportPath, d)
				}
			}
		case p.ImportPath == module+"/internal/auth":
			for _, d := range p.Deps {
				if d == module+"/internal/store" || isWeb(d) {
					add(p.ImportPath, d)
				}
			}
		case p.ImportPath == module+"/internal/access":
			for _, d := range p.Deps {
				if strings.HasPrefix(d, module+"/") {
					add(p.ImportPath, d)
				}
			}
		case strings.HasPrefix(p.ImportPath, module+"/internal/web/"):
			for _, d := range p.Deps {
				if slices.Contains(surfaces, d) && d != p.ImportPath {
					add(p.ImportPath, d)
				}
			}
			for _, d := range append(slices.Clone(p.TestImports), p.XTestImports...) {
				if slices.Contains(surfaces, d) && d != p.ImportPath {
					add(p.ImportPath+" (tests)", d)
				}
			}
		}
	}
	for name, imports := range files {
		if name == serveWiring {
			continue
		}
		for _, imp := range imports {
			if isWeb(imp) {
				add(module+"/cmd/accesswatch/"+name, imp)
			}
		}
	}
	return out
}

// isWeb reports whether path is internal/web or a package under it.
func isWeb(path string) bool {
	return path == module+"/internal/web" || strings.HasPrefix(path, module+"/internal/web/")
}

func rel(path string) string { return strings.TrimPrefix(path, module+"/") }

// listPackages runs go list over the whole module.
func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,Deps,TestImports,XTestImports", "./...")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "GOPROXY=off") // offline: the module cache or nothing
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		err := dec.Decode(&p)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// cmdImports reads the imports of every Go file of dir, tests included.
func cmdImports(t *testing.T, dir string) map[string][]string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	fset := token.NewFileSet()
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		var imports []string
		for _, spec := range f.Imports {
			path, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				t.Fatal(fmt.Errorf("%s: %w", name, err))
			}
			imports = append(imports, path)
		}
		out[filepath.Base(name)] = imports
	}
	return out
}
