package geo

import (
	"math"
	"testing"
)

func TestEqualEarthOriginAndSymmetry(t *testing.T) {
	if x, y := EqualEarth(0, 0); x != 0 || y != 0 {
		t.Errorf("EqualEarth(0, 0) = (%g, %g), want (0, 0)", x, y)
	}
	for _, ll := range [][2]float64{{10, 45}, {179, 1}, {33.3, 80}, {120, 89.9}, {1, 0.5}} {
		x, y := EqualEarth(ll[0], ll[1])
		if x <= 0 || y <= 0 {
			t.Errorf("EqualEarth(%v) = (%g, %g): want both positive in the north-east", ll, x, y)
		}
		for _, m := range [][2]float64{{-1, 1}, {1, -1}, {-1, -1}} {
			mx, my := EqualEarth(m[0]*ll[0], m[1]*ll[1])
			if math.Abs(mx-m[0]*x) > 1e-12 || math.Abs(my-m[1]*y) > 1e-12 {
				t.Errorf("EqualEarth(%g, %g) = (%g, %g), want the mirror (%g, %g)", m[0]*ll[0], m[1]*ll[1], mx, my, m[0]*x, m[1]*y)
			}
		}
	}
}

// The paper gives the extent of the unit-sphere map: ±2.7066 across (the
// equator at ±180°) by ±1.3173 (the poles), an aspect ratio of about 2.05.
func TestEqualEarthKnownValues(t *testing.T) {
	hw, hh := EqualEarthBounds()
	if math.Abs(hw-2.7066) > 1e-4 || math.Abs(hh-1.3173) > 1e-4 {
		t.Errorf("bounds = (%.5f, %.5f), want (2.7066, 1.3173)", hw, hh)
	}
	if r := hw / hh; math.Abs(r-2.0546) > 1e-3 {
		t.Errorf("aspect ratio %.4f, want 2.0546", r)
	}
	// Parallels are straight: every point of a latitude has the same y.
	_, y0 := EqualEarth(0, 37)
	_, y1 := EqualEarth(-150, 37)
	if y0 != y1 {
		t.Errorf("parallel 37° not straight: y %g and %g", y0, y1)
	}
	// Along the equator x grows linearly with longitude.
	x90, _ := EqualEarth(90, 0)
	if math.Abs(2*x90-hw) > 1e-12 {
		t.Errorf("x(90°, 0) = %g, want half of %g", x90, hw)
	}
}

// The defining property: every region keeps its area. The projected area of
// a longitude–latitude cell (by the shoelace formula over its densely
// sampled outline) equals its area on the unit sphere, Δλ (sin φ2 − sin φ1).
func TestEqualEarthIsEqualArea(t *testing.T) {
	cells := [][4]float64{ // lon1, lon2, lat1, lat2
		{-180, 180, -90, 90}, // the whole sphere: 4π
		{0, 10, 0, 10},
		{-170, -100, 50, 85},
		{20, 21, -60, -59},
		{100, 160, -30, 45},
	}
	for _, c := range cells {
		var ring []Point
		const n = 2000
		for i := 0; i <= n; i++ { // south edge, west to east
			ring = append(ring, Point{c[0] + (c[1]-c[0])*float64(i)/n, c[2]})
		}
		for i := 1; i <= n; i++ { // east edge, south to north
			ring = append(ring, Point{c[1], c[2] + (c[3]-c[2])*float64(i)/n})
		}
		for i := 1; i <= n; i++ { // north edge, east to west
			ring = append(ring, Point{c[1] - (c[1]-c[0])*float64(i)/n, c[3]})
		}
		for i := 1; i < n; i++ { // west edge, north to south
			ring = append(ring, Point{c[0], c[3] - (c[3]-c[2])*float64(i)/n})
		}
		var area float64
		for i := range ring {
			ax, ay := EqualEarth(ring[i].X, ring[i].Y)
			b := ring[(i+1)%len(ring)]
			bx, by := EqualEarth(b.X, b.Y)
			area += ax*by - bx*ay
		}
		area /= 2
		rad := math.Pi / 180
		want := (c[1] - c[0]) * rad * (math.Sin(c[3]*rad) - math.Sin(c[2]*rad))
		if math.Abs(area-want) > 1e-5*want+1e-9 {
			t.Errorf("cell %v: projected area %.8f, sphere area %.8f", c, area, want)
		}
	}
}
