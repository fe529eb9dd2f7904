// Package geo turns the bundled world map (TopoJSON country outlines) into
// SVG paths: it decodes the topology, cuts rings at the antimeridian,
// projects them with Equal Earth and writes one compact path per country,
// keyed by ISO 3166-1 alpha-3 code. Pure Go: it reads only the bytes it is
// given.
package geo

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/accesswatch/accesswatch/internal/access"
)

// The fixed drawing area: Width user units across; the height follows from
// the projection's aspect ratio (about 2.05 : 1).
const (
	Width = 1000.0
	// precision is the number of decimals kept in path coordinates: a tenth
	// of a unit is a tenth of a pixel at the natural size, finer than the
	// 1:110m outlines, and keeps small countries from collapsing.
	precision = 1
)

// Box is an axis-aligned rectangle in drawing units (y grows downwards).
type Box struct{ MinX, MinY, MaxX, MaxY float64 }

// emptyBox is the identity for Box.add.
var emptyBox = Box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}

func (b Box) add(p Point) Box {
	return Box{min(b.MinX, p.X), min(b.MinY, p.Y), max(b.MaxX, p.X), max(b.MaxY, p.Y)}
}

// Empty reports whether the box holds no point.
func (b Box) Empty() bool { return b.MinX > b.MaxX || b.MinY > b.MaxY }

// Shape is one geometry of the map, ready to draw.
type Shape struct {
	// Code is the ISO 3166-1 alpha-3 code of the country the geometry is,
	// "" when the country list has none for it (see World.Unmapped).
	Code    string
	Numeric string // the geometry's id: ISO 3166-1 numeric, "" when it has none
	Name    string // the country list's name, else the geometry's own name
	D       string // SVG path data in drawing units, every ring closed with Z
	Box     Box    // projected bounding box in drawing units
}

// World is the projected world map: computed once, then read concurrently.
//
// It is built at start-up (lazily, on first use) rather than generated into
// data/ by go generate: decoding and projecting the 1:110m topology takes a
// few milliseconds, and building it from the TopoJSON every time means no
// derived file can drift from the geometry or from this code.
type World struct {
	Width, Height float64
	// Sphere is the path of the whole globe's outline, drawn as the sea.
	Sphere string
	// Shapes are every geometry of the topology, in its order.
	Shapes []Shape
	// Unmapped names the geometries that map to no country in the list
	// (world-atlas gives Somaliland and Northern Cyprus no ISO code). They
	// are drawn, neutral and unlinked, and listed here so that nothing is
	// dropped silently.
	Unmapped []string

	scale  float64 // drawing units per unit of the Equal Earth plane
	budget int     // points still allowed to be drawn while building
}

// maxDrawnPoints bounds the points a World draws: cutting at the
// antimeridian adds points, and a hostile topology that zigzags across it
// must not turn into an enormous map. The bundled one draws about 12,000.
const maxDrawnPoints = 1_000_000

// NewWorld builds the map from a TopoJSON topology whose "countries" object
// has ISO 3166-1 numeric ids (world-atlas's countries-110m), matching them
// to the country list by numeric code. A geometry without an id is matched
// by its name to a country of the same name (Kosovo, which has no ISO
// numeric code); failing that it is Unmapped.
func NewWorld(topo []byte, countries []access.Country) (*World, error) {
	features, err := Decode(topo, "countries")
	if err != nil {
		return nil, err
	}
	byNumeric := map[string]access.Country{}
	byName := map[string]access.Country{}
	for _, c := range countries {
		if c.Numeric != "" {
			byNumeric[c.Numeric] = c
		}
		byName[c.Name] = c
	}
	halfW, halfH := EqualEarthBounds()
	w := &World{Width: Width, scale: Width / 2 / halfW, budget: maxDrawnPoints}
	w.Height = math.Ceil(2 * halfH * w.scale)
	var sphere strings.Builder
	w.writeProjected(&sphere, sphereRing(), nil) // the outline is the map's edge: not cut
	w.Sphere = sphere.String()

	for _, f := range features {
		s := Shape{Numeric: f.ID, Name: f.Name}
		c, ok := byNumeric[f.ID]
		if !ok && f.ID == "" {
			c, ok = byName[f.Name]
		}
		if ok {
			s.Code, s.Name = c.Code, c.Name
		} else {
			w.Unmapped = append(w.Unmapped, unmappedLabel(f))
		}
		for _, poly := range f.Polygons {
			for _, r := range poly {
				for _, p := range r {
					if p.X < -180 || p.X > 180 || p.Y < -90 || p.Y > 90 {
						return nil, fmt.Errorf("%w: %s: position %v outside longitude/latitude range", ErrTopology, unmappedLabel(f), p)
					}
				}
			}
		}
		s.Box = emptyBox
		s.D = w.path(f.Polygons, &s.Box)
		if w.budget < 0 {
			return nil, fmt.Errorf("%w: more than %d points to draw", ErrTopology, maxDrawnPoints)
		}
		w.Shapes = append(w.Shapes, s)
	}
	return w, nil
}

func unmappedLabel(f Feature) string {
	switch {
	case f.Name != "" && f.ID != "":
		return f.Name + " (" + f.ID + ")"
	case f.Name != "":
		return f.Name
	}
	return "id " + f.ID
}

// ViewBox is the SVG viewBox of the drawing area.
func (w *World) ViewBox() string {
	return "0 0 " + formatCoord(w.Width) + " " + formatCoord(w.Height)
}

// Project maps a longitude and latitude in degrees to drawing units.
func (w *World) Project(lon, lat float64) Point {
	x, y := EqualEarth(lon, lat)
	return Point{w.Width/2 + x*w.scale, w.Height/2 - y*w.scale}
}

// Shape returns the first shape of the country with the given alpha-3 code.
func (w *World) Shape(code string) (Shape, bool) {
	for _, s := range w.Shapes {
		if s.Code == code && code != "" {
			return s, true
		}
	}
	return Shape{}, false
}

// sphereRing is the outline of the whole globe in longitude and latitude;
// 5° steps draw its curved sides smoothly enough at any size it is shown.
func sphereRing() Ring {
	r := Ring{{-180, -90}}
	r = appendMeridian(r, -180, -90, 90, 5)
	r = append(r, Point{-180, 90}, Point{180, 90})
	r = appendMeridian(r, 180, 90, -90, 5)
	return append(r, Point{180, -90}, Point{-180, -90})
}

// path writes polygons as SVG path data, cut at the antimeridian, extending
// box by every projected point when box is not nil.
func (w *World) path(polys []Polygon, box *Box) string {
	var b strings.Builder
	for _, poly := range polys {
		for _, ring := range poly {
			pieces := cutRing(ring, w.budget)
			if pieces == nil {
				w.budget = -1
				return ""
			}
			for _, piece := range pieces {
				w.writeProjected(&b, piece, box)
			}
		}
	}
	return b.String()
}

// writeProjected projects a ring and writes it: an absolute move, then
// relative lines between rounded positions (shorter, and free of drift
// because deltas are taken between rounded values). A ring whose rounded
// positions collapse to fewer than three is left out.
func (w *World) writeProjected(b *strings.Builder, ring Ring, box *Box) {
	if w.budget -= len(ring); w.budget < 0 {
		return
	}
	pts := make([]Point, 0, len(ring))
	for _, ll := range ring {
		p := w.Project(ll.X, ll.Y)
		if box != nil {
			*box = box.add(p)
		}
		p = Point{round(p.X), round(p.Y)}
		if len(pts) == 0 || pts[len(pts)-1] != p {
			pts = append(pts, p)
		}
	}
	if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1] // Z closes the ring
	}
	if len(pts) >= 3 {
		writeRing(b, pts)
	}
}

func writeRing(b *strings.Builder, pts []Point) {
	b.WriteByte('M')
	b.WriteString(formatCoord(pts[0].X))
	b.WriteByte(' ')
	b.WriteString(formatCoord(pts[0].Y))
	b.WriteByte('l')
	for i := 1; i < len(pts); i++ {
		dx, dy := round(pts[i].X-pts[i-1].X), round(pts[i].Y-pts[i-1].Y)
		if i > 1 && dx >= 0 {
			b.WriteByte(' ') // a minus sign separates numbers by itself
		}
		b.WriteString(formatCoord(dx))
		if dy >= 0 {
			b.WriteByte(' ')
		}
		b.WriteString(formatCoord(dy))
	}
	b.WriteByte('Z')
}

var roundFactor = math.Pow(10, precision)

func round(v float64) float64 { return math.Round(v*roundFactor) / roundFactor }

// formatCoord writes a rounded value in its shortest form ("12.3", "-4",
// "0", ".5").
func formatCoord(v float64) string {
	if v == 0 {
		return "0" // never "-0"
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	// SVG numbers may start with the point: "0.5" → ".5", "-0.5" → "-.5".
	if strings.HasPrefix(s, "0.") {
		return s[1:]
	}
	if strings.HasPrefix(s, "-0.") {
		return "-" + s[2:]
	}
	return s
}
