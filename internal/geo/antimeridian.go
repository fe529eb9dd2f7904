package geo

import "math"

// Rings that cross the antimeridian (Fiji, Russia's Chukotka, Antarctica in
// world-atlas) jump from longitude +180 to -180 between two consecutive
// positions. Projected as they are, such a jump draws a streak across the
// whole map. cutRing splits a ring at every crossing into pieces that each
// stay on one side, and closes each piece along the antimeridian — or, for a
// ring that encloses a pole (Antarctica crosses once), around the pole.

// meridianStep is the latitude step, in degrees, of the points inserted
// along the antimeridian, whose projection is curved.
const meridianStep = 1.0

// cutRing returns r unchanged when it does not cross the antimeridian,
// otherwise the closed pieces it splits into; nil when the pieces would
// hold more than limit points.
func cutRing(r Ring, limit int) []Ring {
	if len(r) > 0 && r[0] != r[len(r)-1] {
		r = append(r[:len(r):len(r)], r[0])
	}
	m := len(r) - 1 // distinct positions; segment i joins r[i] and r[i+1]
	var crossings []int
	for i := range m {
		if crosses(r[i], r[i+1]) {
			crossings = append(crossings, i)
		}
	}
	if len(crossings) == 0 {
		return []Ring{r}
	}
	pieces := make([]Ring, 0, len(crossings))
	total := 0
	for k, c := range crossings {
		next := crossings[(k+1)%len(crossings)]
		entry := crossingPoint(r[c], r[c+1], r[c+1].X)
		exit := crossingPoint(r[next], r[next+1], r[next].X)
		piece := Ring{entry}
		for j := (c + 1) % m; ; j = (j + 1) % m {
			piece = appendDistinct(piece, r[j])
			if j == next {
				break
			}
		}
		piece = appendDistinct(piece, exit)
		piece = closeAlongAntimeridian(piece, exit, entry)
		if total += len(piece); total > limit {
			return nil
		}
		pieces = append(pieces, piece)
	}
	return pieces
}

// crosses reports whether the segment a–b is shorter going across the
// antimeridian than across the prime meridian.
func crosses(a, b Point) bool { return math.Abs(b.X-a.X) > 180 }

// crossingPoint is where segment a–b meets the antimeridian, on the side
// (±180°) of longitude side.
func crossingPoint(a, b Point, side float64) Point {
	edge, bx := -180.0, b.X-360
	if a.X > 0 {
		edge, bx = 180, b.X+360
	}
	t := 0.0
	if d := bx - a.X; d != 0 {
		t = (edge - a.X) / d
	}
	return Point{sideOf(side), a.Y + t*(b.Y-a.Y)}
}

func sideOf(lon float64) float64 {
	if lon > 0 {
		return 180
	}
	return -180
}

// closeAlongAntimeridian closes a piece that leaves the map edge at exit
// and entered it at entry: along the edge when both are on one side, else
// via the nearer pole, whose projection is a straight line.
func closeAlongAntimeridian(piece Ring, exit, entry Point) Ring {
	if exit.X == entry.X {
		piece = appendMeridian(piece, exit.X, exit.Y, entry.Y, meridianStep)
	} else {
		pole := 90.0
		if exit.Y+entry.Y < 0 {
			pole = -90
		}
		piece = appendMeridian(piece, exit.X, exit.Y, pole, meridianStep)
		piece = appendDistinct(piece, Point{exit.X, pole})
		piece = appendDistinct(piece, Point{entry.X, pole})
		piece = appendMeridian(piece, entry.X, pole, entry.Y, meridianStep)
	}
	return appendDistinct(piece, piece[0])
}

// appendMeridian adds points strictly between latitudes from and to along
// the meridian lon, at most step degrees apart.
func appendMeridian(r Ring, lon, from, to, step float64) Ring {
	n := int(math.Ceil(math.Abs(to-from) / step))
	for i := 1; i < n; i++ {
		r = appendDistinct(r, Point{lon, from + (to-from)*float64(i)/float64(n)})
	}
	return r
}

func appendDistinct(r Ring, p Point) Ring {
	if len(r) > 0 && r[len(r)-1] == p {
		return r
	}
	return append(r, p)
}
