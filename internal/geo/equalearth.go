package geo

import "math"

// Equal Earth (Šavrič, Patterson and Jenny, "The Equal Earth map
// projection", International Journal of Geographical Information Science
// 33(3), 2019): an equal-area pseudocylindrical projection for world maps,
// whose straight parallels and rounded sides keep continents recognisable
// while every country keeps its true relative area — the honest choice for a
// map shaded by country. With θ defined by sin θ = (√3/2) sin φ:
//
//	x = 2√3 λ cos θ / (3 (9 A4 θ⁸ + 7 A3 θ⁶ + 3 A2 θ² + A1))
//	y = A4 θ⁹ + A3 θ⁷ + A2 θ³ + A1 θ
//
// for a sphere of radius 1, λ and φ in radians.
const (
	eeA1 = 1.340264
	eeA2 = -0.081106
	eeA3 = 0.000893
	eeA4 = 0.003796
)

// EqualEarth projects a longitude and latitude in degrees onto the Equal
// Earth plane of the unit sphere, y pointing north.
func EqualEarth(lon, lat float64) (x, y float64) {
	lambda := lon * math.Pi / 180
	phi := lat * math.Pi / 180
	theta := math.Asin(math.Sqrt(3) / 2 * math.Sin(phi))
	t2 := theta * theta
	t6 := t2 * t2 * t2
	t8 := t6 * t2
	x = 2 * math.Sqrt(3) * lambda * math.Cos(theta) / (3 * (9*eeA4*t8 + 7*eeA3*t6 + 3*eeA2*t2 + eeA1))
	y = theta * (eeA1 + eeA2*t2 + t6*(eeA3+eeA4*t2))
	return x, y
}

// EqualEarthBounds returns the projection's half-width and half-height on
// the unit sphere: the projections of (180°, 0°) and (0°, 90°).
func EqualEarthBounds() (halfWidth, halfHeight float64) {
	halfWidth, _ = EqualEarth(180, 0)
	_, halfHeight = EqualEarth(0, 90)
	return halfWidth, halfHeight
}
