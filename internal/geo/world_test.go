package geo

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/accesswatch/accesswatch/data"
	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/dataset"
)

func worldMap(t testing.TB) []byte {
	t.Helper()
	raw, err := data.WorldMap()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func countryList(t testing.TB) []access.Country {
	t.Helper()
	cs, err := dataset.BundledCountries()
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func newTestWorld(t testing.TB) *World {
	t.Helper()
	w, err := NewWorld(worldMap(t), countryList(t))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestDecodeSmallTopology(t *testing.T) {
	// Two quantised arcs, delta-encoded: arc 0 is (0,0) (2,0) (2,2) in
	// quanta, arc 1 is (2,2) (0,2) (0,0). Scale (0.5, 1), translate (10, 20).
	topo := []byte(`{"type":"Topology","transform":{"scale":[0.5,1],"translate":[10,20]},
		"arcs":[[[0,0],[2,0],[0,2]],[[2,2],[-2,0],[0,-2]]],
		"objects":{"o":{"type":"GeometryCollection","geometries":[
			{"type":"Polygon","arcs":[[0,1]],"id":"004","properties":{"name":"A"}},
			{"type":"MultiPolygon","arcs":[[[-2,-1]],[[1,0]]],"id":12},
			{"type":null}]}}}`)
	fs, err := Decode(topo, "o")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 3 {
		t.Fatalf("got %d features, want 3", len(fs))
	}
	forward := Ring{{10, 20}, {11, 20}, {11, 22}, {10, 22}, {10, 20}}
	if fs[0].ID != "004" || fs[0].Name != "A" || !slices.Equal(fs[0].Polygons[0][0], forward) {
		t.Errorf("polygon: %+v, want ring %v", fs[0], forward)
	}
	backward := slices.Clone(forward)
	slices.Reverse(backward)
	if fs[1].ID != "012" || len(fs[1].Polygons) != 2 || !slices.Equal(fs[1].Polygons[0][0], backward) {
		t.Errorf("reversed arcs: %+v, want first ring %v", fs[1], backward)
	}
	// Ring [1,0] starts at arc 1's first position.
	if got := fs[1].Polygons[1][0]; got[0] != (Point{11, 22}) || len(got) != 5 {
		t.Errorf("ring [1,0] = %v", got)
	}
	if len(fs[2].Polygons) != 0 {
		t.Errorf("null geometry has polygons %v", fs[2].Polygons)
	}
}

func TestDecodeRejectsBadInput(t *testing.T) {
	for name, topo := range map[string]string{
		"not json":          `{`,
		"not a topology":    `{"type":"FeatureCollection","objects":{"o":{}}}`,
		"no object":         `{"type":"Topology","arcs":[],"objects":{}}`,
		"not a collection":  `{"type":"Topology","arcs":[],"objects":{"o":{"type":"Polygon"}}}`,
		"arc out of range":  `{"type":"Topology","arcs":[[[0,0],[1,1]]],"objects":{"o":{"type":"GeometryCollection","geometries":[{"type":"Polygon","arcs":[[1]]}]}}}`,
		"negative overflow": `{"type":"Topology","arcs":[[[0,0],[1,1]]],"objects":{"o":{"type":"GeometryCollection","geometries":[{"type":"Polygon","arcs":[[-3]]}]}}}`,
		"short position":    `{"type":"Topology","arcs":[[[0],[1,1]]],"objects":{"o":{"type":"GeometryCollection","geometries":[]}}}`,
		"one-position arc":  `{"type":"Topology","arcs":[[[0,0]]],"objects":{"o":{"type":"GeometryCollection","geometries":[]}}}`,
		"empty ring":        `{"type":"Topology","arcs":[[[0,0],[1,1]]],"objects":{"o":{"type":"GeometryCollection","geometries":[{"type":"Polygon","arcs":[[]]}]}}}`,
		"unsupported type":  `{"type":"Topology","arcs":[[[0,0],[1,1]]],"objects":{"o":{"type":"GeometryCollection","geometries":[{"type":"LineString","arcs":[0]}]}}}`,
		"infinite":          `{"type":"Topology","transform":{"scale":[1e308,1],"translate":[0,0]},"arcs":[[[1e308,0],[1e308,1]]],"objects":{"o":{"type":"GeometryCollection","geometries":[]}}}`,
	} {
		if _, err := Decode([]byte(topo), "o"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Niger (numeric 562) spans about 0.2°E–16.0°E and 11.7°N–23.5°N.
func TestDecodeNiger(t *testing.T) {
	fs, err := Decode(worldMap(t), "countries")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 177 {
		t.Errorf("got %d countries, want world-atlas's 177", len(fs))
	}
	i := slices.IndexFunc(fs, func(f Feature) bool { return f.ID == "562" })
	if i < 0 {
		t.Fatal("no geometry 562")
	}
	ner := fs[i]
	if ner.Name != "Niger" || len(ner.Polygons) != 1 {
		t.Fatalf("562: %q with %d polygons", ner.Name, len(ner.Polygons))
	}
	box := emptyBox
	for _, p := range ner.Polygons[0][0] {
		box = box.add(p)
	}
	want := Box{0.16, 11.69, 16.0, 23.52}
	if math.Abs(box.MinX-want.MinX) > 0.3 || math.Abs(box.MaxX-want.MaxX) > 0.3 ||
		math.Abs(box.MinY-want.MinY) > 0.3 || math.Abs(box.MaxY-want.MaxY) > 0.3 {
		t.Errorf("Niger's extent %+v, want about %+v", box, want)
	}
}

func TestNigerPathInsideItsProjectedBox(t *testing.T) {
	w := newTestWorld(t)
	ner, ok := w.Shape("NER")
	if !ok || ner.Numeric != "562" || ner.Name != "Niger" {
		t.Fatalf("no NER shape: %+v", ner)
	}
	// Niger's known extent, projected: the box of the projected corners of
	// 0.1°E–16.0°E × 11.7°N–23.5°N, widened by 0.3° for the 1:110m outline.
	outer := projectedBox(w, -0.2, 16.3, 11.4, 23.8)
	pts := pathPoints(t, ner.D)
	if len(pts) < 10 {
		t.Fatalf("Niger's path has %d points", len(pts))
	}
	drawn := emptyBox
	for _, p := range pts {
		drawn = drawn.add(p)
		if p.X < outer.MinX || p.X > outer.MaxX || p.Y < outer.MinY || p.Y > outer.MaxY {
			t.Errorf("point %v outside Niger's expected box %+v", p, outer)
		}
	}
	// And it fills the box: it reaches beyond the extent shrunk by 0.5°.
	inner := projectedBox(w, 0.6, 15.5, 12.2, 23.0)
	if drawn.MinX > inner.MinX || drawn.MaxX < inner.MaxX || drawn.MinY > inner.MinY || drawn.MaxY < inner.MaxY {
		t.Errorf("Niger drawn in %+v, which does not cover %+v", drawn, inner)
	}
	if ner.Box.MinX > drawn.MinX+0.06 || ner.Box.MaxX < drawn.MaxX-0.06 || ner.Box.MinY > drawn.MinY+0.06 || ner.Box.MaxY < drawn.MaxY-0.06 {
		t.Errorf("Shape.Box %+v does not hold the drawn points %+v", ner.Box, drawn)
	}
}

// projectedBox is the bounding box of the projected corners of a
// longitude–latitude rectangle that crosses neither the equator nor the
// prime meridian (where the extremes lie at the corners).
func projectedBox(w *World, lon1, lon2, lat1, lat2 float64) Box {
	b := emptyBox
	for _, lon := range []float64{lon1, lon2} {
		for _, lat := range []float64{lat1, lat2} {
			b = b.add(w.Project(lon, lat))
		}
	}
	return b
}

func TestEveryGeometryMapsToACountry(t *testing.T) {
	countries := countryList(t)
	numeric := map[string]string{}
	for _, c := range countries {
		if c.Numeric != "" {
			numeric[c.Numeric] = c.Code
		}
	}
	fs, err := Decode(worldMap(t), "countries")
	if err != nil {
		t.Fatal(err)
	}
	var withoutID []string
	for _, f := range fs {
		if f.ID == "" {
			withoutID = append(withoutID, f.Name)
			continue
		}
		if _, ok := numeric[f.ID]; !ok {
			t.Errorf("geometry %s (%s) has no country in the list", f.ID, f.Name)
		}
	}
	slices.Sort(withoutID)
	if want := []string{"Kosovo", "N. Cyprus", "Somaliland"}; !slices.Equal(withoutID, want) {
		t.Errorf("geometries without an ISO numeric id: %v, want %v", withoutID, want)
	}

	w, err := NewWorld(worldMap(t), countries)
	if err != nil {
		t.Fatal(err)
	}
	// Kosovo has no ISO numeric code; it is matched by name to the list's UNK.
	if s, ok := w.Shape("UNK"); !ok || s.Name != "Kosovo" || s.Numeric != "" || s.D == "" {
		t.Errorf("Kosovo: %+v, %v", s, ok)
	}
	// The two others are drawn, unlinked, and reported.
	if want := []string{"N. Cyprus", "Somaliland"}; !slices.Equal(w.Unmapped, want) {
		t.Errorf("Unmapped = %v, want %v", w.Unmapped, want)
	}
	unmapped := 0
	for _, s := range w.Shapes {
		switch {
		case s.Code == "":
			unmapped++
			if s.D == "" {
				t.Errorf("unmapped %s is not drawn", s.Name)
			}
		case numeric[s.Numeric] != s.Code && s.Numeric != "":
			t.Errorf("shape %s has code %s, list says %s", s.Numeric, s.Code, numeric[s.Numeric])
		}
	}
	if unmapped != 2 || len(w.Shapes) != len(fs) {
		t.Errorf("%d shapes of %d geometries, %d unmapped", len(w.Shapes), len(fs), unmapped)
	}
}

func TestNoStreaksAcrossTheMap(t *testing.T) {
	fs, err := Decode(worldMap(t), "countries")
	if err != nil {
		t.Fatal(err)
	}
	// The data does cross the antimeridian, so the check below has
	// something to catch.
	crossing := map[string]bool{}
	for _, f := range fs {
		for _, poly := range f.Polygons {
			for _, r := range poly {
				for i := 1; i < len(r); i++ {
					if crosses(r[i-1], r[i]) {
						crossing[f.ID] = true
					}
				}
			}
		}
	}
	for _, id := range []string{"242", "643", "010"} { // Fiji, Russia, Antarctica
		if !crossing[id] {
			t.Errorf("geometry %s no longer crosses the antimeridian", id)
		}
	}

	w := newTestWorld(t)
	for _, s := range w.Shapes {
		for _, sub := range subpaths(t, s.D) {
			for i, p := range sub {
				if p.X < -0.05 || p.X > w.Width+0.05 || p.Y < -0.05 || p.Y > w.Height+0.05 {
					t.Errorf("%s: point %v outside the %gx%g map", s.Name, p, w.Width, w.Height)
				}
				q := sub[(i+1)%len(sub)]
				onPole := math.Abs(p.Y-w.Height/2) > w.Height/2-0.6 && p.Y == q.Y // the poles are lines
				if math.Abs(q.X-p.X) > w.Width/2 && !onPole {
					t.Errorf("%s: segment %v–%v streaks across the map", s.Name, p, q)
				}
			}
		}
	}
	// Russia's Chukotka lies west of the antimeridian: Russia reaches both
	// curved edges of the map at about 66°N.
	if rus, _ := w.Shape("RUS"); rus.Box.MinX > w.Project(-175, 66).X || rus.Box.MaxX < w.Project(179, 66).X {
		t.Errorf("Russia's box %+v should reach both edges", rus.Box)
	}
	// Antarctica, closed around the pole, reaches the bottom edge.
	if ata, _ := w.Shape("ATA"); ata.Box.MaxY < w.Height-1 {
		t.Errorf("Antarctica's box %+v should reach the bottom", ata.Box)
	}
	for _, code := range []string{"FJI", "RUS", "ATA"} {
		if s, _ := w.Shape(code); len(subpaths(t, s.D)) < 2 {
			t.Errorf("%s: %d rings, want it cut at the antimeridian", code, len(subpaths(t, s.D)))
		}
	}
}

func TestCutRing(t *testing.T) {
	// A square straddling the antimeridian splits into two closed pieces,
	// each on one side.
	sq := Ring{{170, 10}, {-170, 10}, {-170, 20}, {170, 20}, {170, 10}}
	pieces := cutRing(sq, 1000)
	if len(pieces) != 2 {
		t.Fatalf("got %d pieces: %v", len(pieces), pieces)
	}
	for _, p := range pieces {
		if p[0] != p[len(p)-1] {
			t.Errorf("piece %v is not closed", p)
		}
		east := p[0].X > 0
		for _, q := range p {
			if (q.X > 0) != east {
				t.Errorf("piece %v has points on both sides", p)
			}
		}
	}
	// A ring around the south pole crosses once and is closed via the pole.
	polar := Ring{{-180, -70}, {-60, -65}, {60, -65}, {180, -70}, {-180, -70}}
	pieces = cutRing(polar, 1000)
	if len(pieces) != 1 || !slices.Contains(pieces[0], Point{180, -90}) || !slices.Contains(pieces[0], Point{-180, -90}) {
		t.Errorf("polar ring cut into %v", pieces)
	}
	// A ring that crosses nothing is returned as it is.
	plain := Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}
	if got := cutRing(plain, 1000); len(got) != 1 || !slices.Equal(got[0], plain) {
		t.Errorf("plain ring became %v", got)
	}
	// Pieces beyond the limit are refused, not built.
	if got := cutRing(polar, 20); got != nil {
		t.Errorf("over the limit: got %d pieces", len(got))
	}
}

func TestSphereOutline(t *testing.T) {
	w := newTestWorld(t)
	if w.ViewBox() != "0 0 1000 487" {
		t.Errorf("viewBox %q", w.ViewBox())
	}
	b := emptyBox
	for _, p := range pathPoints(t, w.Sphere) {
		b = b.add(p)
	}
	if b.MinX > 0.1 || b.MaxX < w.Width-0.1 || b.MinY > 0.6 || b.MaxY < w.Height-0.6 {
		t.Errorf("sphere spans %+v, want the whole %gx%g", b, w.Width, w.Height)
	}
}

// pathToken splits the path data this package writes: M, l and Z commands
// and numbers, which may start with "." or "-".
var pathToken = regexp.MustCompile(`[MlZ]|-?(?:\d+(?:\.\d*)?|\.\d+)|\S`)

// subpaths reads path data written as "M x y l dx dy ... Z" into absolute
// points per ring, independently of the writer.
func subpaths(t testing.TB, d string) [][]Point {
	t.Helper()
	var out [][]Point
	var nums []float64
	var cmd string
	flush := func() {
		if len(nums)%2 != 0 {
			t.Fatalf("odd number count in %q", d)
		}
		for i := 0; i < len(nums); i += 2 {
			switch {
			case cmd == "M" && i == 0:
				out = append(out, []Point{{nums[0], nums[1]}})
			case cmd == "l" && len(out) > 0:
				ring := out[len(out)-1]
				last := ring[len(ring)-1]
				out[len(out)-1] = append(ring, Point{last.X + nums[i], last.Y + nums[i+1]})
			default:
				t.Fatalf("unexpected numbers after %q in %q", cmd, d)
			}
		}
		nums = nums[:0]
	}
	for _, tok := range pathToken.FindAllString(d, -1) {
		switch tok {
		case "M", "l", "Z":
			flush()
			cmd = tok
		default:
			v, err := strconv.ParseFloat(tok, 64)
			if err != nil {
				t.Fatalf("bad token %q in path", tok)
			}
			nums = append(nums, v)
		}
	}
	flush()
	if d != "" && cmd != "Z" {
		t.Errorf("path does not end with Z: %q", d)
	}
	return out
}

func pathPoints(t testing.TB, d string) []Point {
	var all []Point
	for _, s := range subpaths(t, d) {
		all = append(all, s...)
	}
	return all
}
