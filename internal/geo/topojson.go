package geo

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// Point is a position: longitude and latitude in degrees for decoded
// geometry, or x and y for projected geometry.
type Point struct{ X, Y float64 }

// Ring is a closed line: its last point repeats its first.
type Ring []Point

// Polygon is an outer ring followed by its holes.
type Polygon []Ring

// Feature is one decoded TopoJSON geometry.
type Feature struct {
	ID       string // the geometry's id ("" when it has none); ISO 3166-1 numeric in world-atlas
	Name     string // properties.name, "" when absent
	Polygons []Polygon
}

// ErrTopology is wrapped by every decoding error.
var ErrTopology = errors.New("invalid TopoJSON")

// maxPoints bounds the points Decode builds: a small document can reference
// a long arc many times, and decoding it must not exhaust memory.
const maxPoints = 5_000_000

type topologyJSON struct {
	Type      string `json:"type"`
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][]float64              `json:"arcs"`
	Objects map[string]json.RawMessage `json:"objects"`
}

type collectionJSON struct {
	Type       string         `json:"type"`
	Geometries []geometryJSON `json:"geometries"`
}

type geometryJSON struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Properties map[string]any  `json:"properties"`
	Arcs       json.RawMessage `json:"arcs"`
}

// Decode reads the named GeometryCollection of a TopoJSON topology (the
// world-atlas layout) into features with their polygons in longitude and
// latitude. Quantised arcs (a topology with a transform) are delta-decoded
// and dequantised; an arc referenced as ~i is arc i reversed. Polygon,
// MultiPolygon and null geometries are supported; anything else is an error.
func Decode(topo []byte, object string) ([]Feature, error) {
	var t topologyJSON
	if err := json.Unmarshal(topo, &t); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTopology, err)
	}
	if t.Type != "Topology" {
		return nil, fmt.Errorf("%w: type %q, want Topology", ErrTopology, t.Type)
	}
	raw, ok := t.Objects[object]
	if !ok {
		return nil, fmt.Errorf("%w: no object %q", ErrTopology, object)
	}
	var coll collectionJSON
	if err := json.Unmarshal(raw, &coll); err != nil {
		return nil, fmt.Errorf("%w: object %q: %w", ErrTopology, object, err)
	}
	if coll.Type != "GeometryCollection" {
		return nil, fmt.Errorf("%w: object %q is a %q, want GeometryCollection", ErrTopology, object, coll.Type)
	}
	arcs, err := decodeArcs(t)
	if err != nil {
		return nil, err
	}
	d := &ringBuilder{arcs: arcs, budget: maxPoints}
	out := make([]Feature, 0, len(coll.Geometries))
	for i, g := range coll.Geometries {
		f, err := d.feature(g)
		if err != nil {
			return nil, fmt.Errorf("%w: geometry %d: %w", ErrTopology, i, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// decodeArcs turns the arcs into absolute positions. With a transform the
// positions are quantised deltas: each is added to the previous one, then
// scaled and translated.
func decodeArcs(t topologyJSON) ([][]Point, error) {
	tr := t.Transform
	if tr != nil {
		for _, v := range [...]float64{tr.Scale[0], tr.Scale[1], tr.Translate[0], tr.Translate[1]} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: transform is not finite", ErrTopology)
			}
		}
	}
	arcs := make([][]Point, len(t.Arcs))
	total := 0
	for i, a := range t.Arcs {
		if len(a) < 2 {
			return nil, fmt.Errorf("%w: arc %d has %d positions, want at least 2", ErrTopology, i, len(a))
		}
		total += len(a)
		if total > maxPoints {
			return nil, fmt.Errorf("%w: more than %d positions", ErrTopology, maxPoints)
		}
		pts := make([]Point, len(a))
		var qx, qy float64
		for j, pos := range a {
			if len(pos) < 2 {
				return nil, fmt.Errorf("%w: arc %d position %d has %d coordinates", ErrTopology, i, j, len(pos))
			}
			p := Point{pos[0], pos[1]}
			if tr != nil {
				qx, qy = qx+pos[0], qy+pos[1]
				p = Point{qx*tr.Scale[0] + tr.Translate[0], qy*tr.Scale[1] + tr.Translate[1]}
			}
			if !finite(p) {
				return nil, fmt.Errorf("%w: arc %d position %d is not finite", ErrTopology, i, j)
			}
			pts[j] = p
		}
		arcs[i] = pts
	}
	return arcs, nil
}

func finite(p Point) bool {
	return !math.IsNaN(p.X) && !math.IsInf(p.X, 0) && !math.IsNaN(p.Y) && !math.IsInf(p.Y, 0)
}

// ringBuilder resolves arc references into rings within a point budget.
type ringBuilder struct {
	arcs   [][]Point
	budget int
}

func (d *ringBuilder) feature(g geometryJSON) (Feature, error) {
	f := Feature{ID: idString(g.ID)}
	if name, ok := g.Properties["name"].(string); ok {
		f.Name = name
	}
	switch g.Type {
	case "Polygon":
		var rings [][]int
		if err := json.Unmarshal(g.Arcs, &rings); err != nil {
			return f, fmt.Errorf("polygon arcs: %w", err)
		}
		p, err := d.polygon(rings)
		if err != nil {
			return f, err
		}
		f.Polygons = []Polygon{p}
	case "MultiPolygon":
		var polys [][][]int
		if err := json.Unmarshal(g.Arcs, &polys); err != nil {
			return f, fmt.Errorf("multipolygon arcs: %w", err)
		}
		for _, rings := range polys {
			p, err := d.polygon(rings)
			if err != nil {
				return f, err
			}
			f.Polygons = append(f.Polygons, p)
		}
	case "", "null":
		// A null geometry: a feature without a shape.
	default:
		return f, fmt.Errorf("unsupported type %q", g.Type)
	}
	return f, nil
}

func (d *ringBuilder) polygon(rings [][]int) (Polygon, error) {
	p := make(Polygon, 0, len(rings))
	for _, refs := range rings {
		r, err := d.ring(refs)
		if err != nil {
			return nil, err
		}
		p = append(p, r)
	}
	return p, nil
}

// ring joins the referenced arcs; consecutive arcs share their joining
// point, so every arc after the first drops its first position.
func (d *ringBuilder) ring(refs []int) (Ring, error) {
	if len(refs) == 0 {
		return nil, errors.New("empty ring")
	}
	var r Ring
	for _, ref := range refs {
		i, reversed := ref, false
		if ref < 0 {
			i, reversed = ^ref, true
		}
		if i >= len(d.arcs) {
			return nil, fmt.Errorf("arc %d out of range (%d arcs)", ref, len(d.arcs))
		}
		arc := d.arcs[i]
		if d.budget -= len(arc); d.budget < 0 {
			return nil, fmt.Errorf("more than %d points", maxPoints)
		}
		start := len(r)
		skip := 0
		if start > 0 {
			skip = 1
		}
		for k := skip; k < len(arc); k++ {
			j := k
			if reversed {
				j = len(arc) - 1 - k
			}
			r = append(r, arc[j])
		}
	}
	return r, nil
}

// idString reads a geometry id given as a string or a number; a numeric id
// is written with at least three digits, as ISO 3166-1 numeric codes are.
func idString(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if i, err := strconv.ParseInt(n.String(), 10, 64); err == nil && i >= 0 {
			return fmt.Sprintf("%03d", i)
		}
		return n.String()
	}
	return ""
}
