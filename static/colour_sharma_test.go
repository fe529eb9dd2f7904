package static

import (
	"math"
	"testing"
)

// TestCIEDE2000Sharma checks ciede2000 against the 34 reference pairs that
// Sharma, Wu and Dalal (2005) published with their implementation notes;
// they exercise the hue wrap-around, the achromatic cases and the
// rotation term. The published values have four decimals.
func TestCIEDE2000Sharma(t *testing.T) {
	pairs := []struct {
		a, b lab
		want float64
	}{
		{lab{50, 2.6772, -79.7751}, lab{50, 0, -82.7485}, 2.0425},
		{lab{50, 3.1571, -77.2803}, lab{50, 0, -82.7485}, 2.8615},
		{lab{50, 2.8361, -74.0200}, lab{50, 0, -82.7485}, 3.4412},
		{lab{50, -1.3802, -84.2814}, lab{50, 0, -82.7485}, 1.0000},
		{lab{50, -1.1848, -84.8006}, lab{50, 0, -82.7485}, 1.0000},
		{lab{50, -0.9009, -85.5211}, lab{50, 0, -82.7485}, 1.0000},
		{lab{50, 0, 0}, lab{50, -1, 2}, 2.3669},
		{lab{50, -1, 2}, lab{50, 0, 0}, 2.3669},
		{lab{50, 2.4900, -0.0010}, lab{50, -2.4900, 0.0009}, 7.1792},
		{lab{50, 2.4900, -0.0010}, lab{50, -2.4900, 0.0010}, 7.1792},
		{lab{50, 2.4900, -0.0010}, lab{50, -2.4900, 0.0011}, 7.2195},
		{lab{50, 2.4900, -0.0010}, lab{50, -2.4900, 0.0012}, 7.2195},
		{lab{50, -0.0010, 2.4900}, lab{50, 0.0009, -2.4900}, 4.8045},
		{lab{50, -0.0010, 2.4900}, lab{50, 0.0010, -2.4900}, 4.8045},
		{lab{50, -0.0010, 2.4900}, lab{50, 0.0011, -2.4900}, 4.7461},
		{lab{50, 2.5, 0}, lab{50, 0, -2.5}, 4.3065},
		{lab{50, 2.5, 0}, lab{73, 25, -18}, 27.1492},
		{lab{50, 2.5, 0}, lab{61, -5, 29}, 22.8977},
		{lab{50, 2.5, 0}, lab{56, -27, -3}, 31.9030},
		{lab{50, 2.5, 0}, lab{58, 24, 15}, 19.4535},
		{lab{50, 2.5, 0}, lab{50, 3.1736, 0.5854}, 1.0000},
		{lab{50, 2.5, 0}, lab{50, 3.2972, 0}, 1.0000},
		{lab{50, 2.5, 0}, lab{50, 1.8634, 0.5757}, 1.0000},
		{lab{50, 2.5, 0}, lab{50, 3.2592, 0.3350}, 1.0000},
		{lab{60.2574, -34.0099, 36.2677}, lab{60.4626, -34.1751, 39.4387}, 1.2644},
		{lab{63.0109, -31.0961, -5.8663}, lab{62.8187, -29.7946, -4.0864}, 1.2630},
		{lab{61.2901, 3.7196, -5.3901}, lab{61.4292, 2.2480, -4.9620}, 1.8731},
		{lab{35.0831, -44.1164, 3.7933}, lab{35.0232, -40.0716, 1.5901}, 1.8645},
		{lab{22.7233, 20.0904, -46.6940}, lab{23.0331, 14.9730, -42.5619}, 2.0373},
		{lab{36.4612, 47.8580, 18.3852}, lab{36.2715, 50.5065, 21.2231}, 1.4146},
		{lab{90.8027, -2.0831, 1.4410}, lab{91.1528, -1.6435, 0.0447}, 1.4441},
		{lab{90.9257, -0.5406, -0.9208}, lab{88.6381, -0.8985, -0.7239}, 1.5381},
		{lab{6.7747, -0.2908, -2.4247}, lab{5.8714, -0.0985, -2.2286}, 0.6377},
		{lab{2.0776, 0.0795, -1.1350}, lab{0.9033, -0.0636, -0.5514}, 0.9082},
	}
	for i, p := range pairs {
		got := ciede2000(p.a, p.b)
		if math.Abs(got-p.want) > 0.00005 {
			t.Errorf("pair %d: ΔE00(%v, %v) = %.4f, want %.4f", i+1, p.a, p.b, got, p.want)
		}
		// The difference is symmetric.
		if back := ciede2000(p.b, p.a); math.Abs(back-got) > 1e-9 {
			t.Errorf("pair %d: not symmetric: %.6f vs %.6f", i+1, got, back)
		}
	}
}

// TestToLab checks the sRGB → CIELAB conversion at points whose values
// follow from the definitions: white, black, and a mid grey.
func TestToLab(t *testing.T) {
	cases := []struct {
		in   rgb
		want lab
	}{
		{rgb{1, 1, 1}, lab{100, 0, 0}},
		{rgb{0, 0, 0}, lab{0, 0, 0}},
		// sRGB #777777: linear 0.18447, L* = 116·0.18447^(1/3) − 16.
		{rgb{0x77 / 255.0, 0x77 / 255.0, 0x77 / 255.0}, lab{116*math.Cbrt(toLinear(0x77/255.0)) - 16, 0, 0}},
	}
	for _, c := range cases {
		got := toLab(c.in)
		if math.Abs(got.L-c.want.L) > 0.01 || math.Abs(got.A-c.want.A) > 0.01 || math.Abs(got.B-c.want.B) > 0.01 {
			t.Errorf("toLab(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

// TestMachadoKeepsGreys checks that every simulation matrix maps white to
// white (each row sums to 1), as the published matrices do: a dichromat
// sees greys as greys.
func TestMachadoKeepsGreys(t *testing.T) {
	for name, m := range map[string]matrix3{"protanopia": machadoProtanopia, "deuteranopia": machadoDeuteranopia, "tritanopia": machadoTritanopia} {
		for i, row := range m {
			if s := row[0] + row[1] + row[2]; math.Abs(s-1) > 1e-5 {
				t.Errorf("%s row %d sums to %.6f, want 1", name, i, s)
			}
		}
		grey := rgb{0.5, 0.5, 0.5}
		if got := simulate(m, grey); math.Abs(got.R-0.5) > 1e-3 || math.Abs(got.G-0.5) > 1e-3 || math.Abs(got.B-0.5) > 1e-3 {
			t.Errorf("%s turns grey into %v", name, got)
		}
	}
}
