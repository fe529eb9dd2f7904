package harness

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// .ci/run fuzzes the targets .ci/fuzz-targets lists: the list must name
// every fuzz target in the repository, in the package that has it, and
// nothing else.
func TestCIFuzzesEveryTarget(t *testing.T) {
	root := filepath.Join("..", "..")
	f, err := os.Open(filepath.Join(root, ".ci", "fuzz-targets"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var listed []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) != 2 {
			t.Fatalf("fuzz-targets line %q: want PACKAGE TARGET", sc.Text())
		}
		listed = append(listed, filepath.Clean(fields[0])+" "+fields[1])
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	fuzzFunc := regexp.MustCompile(`(?m)^func (Fuzz\w+)\(\w+ \*testing\.F\)`)
	var found []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		for _, m := range fuzzFunc.FindAllSubmatch(b, -1) {
			found = append(found, filepath.Clean(rel)+" "+string(m[1]))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(listed)
	slices.Sort(found)
	if len(found) < 11 { // a floor that catches a broken search (issue 14: FuzzTextEncoder went, the two query parsers became one)
		t.Errorf("found only %d fuzz targets: %v", len(found), found)
	}
	for _, fz := range found {
		if !slices.Contains(listed, fz) {
			t.Errorf("fuzz target %s is not in .ci/fuzz-targets", fz)
		}
	}
	for _, l := range listed {
		if !slices.Contains(found, l) {
			t.Errorf(".ci/fuzz-targets lists %s, which does not exist", l)
		}
	}
}
