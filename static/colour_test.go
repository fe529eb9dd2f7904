package static

import (
	"math"
	"strconv"
	"strings"
)

// This file holds the colour science the palette test needs: sRGB to
// CIELAB (D65), colour-vision-deficiency simulation and the CIEDE2000
// colour difference. It is test code: nothing at run time needs it.

// rgb is a colour with sRGB-encoded channels in [0, 1].
type rgb struct{ R, G, B float64 }

// lab is a CIELAB colour (D65 white).
type lab struct{ L, A, B float64 }

// toLinear undoes the sRGB transfer function.
func toLinear(c float64) float64 {
	if c <= 0.04045 {
		return c / 12.92
	}
	return math.Pow((c+0.055)/1.055, 2.4)
}

// fromLinear applies the sRGB transfer function.
func fromLinear(c float64) float64 {
	if c <= 0.0031308 {
		return 12.92 * c
	}
	return 1.055*math.Pow(c, 1/2.4) - 0.055
}

// matrix3 is a 3×3 matrix acting on a column vector of linear RGB.
type matrix3 [3][3]float64

func (m matrix3) apply(v [3]float64) [3]float64 {
	var out [3]float64
	for i := range 3 {
		out[i] = m[i][0]*v[0] + m[i][1]*v[1] + m[i][2]*v[2]
	}
	return out
}

// The simulation matrices of Machado, Oliveira and Fernandes (2009), "A
// physiologically-based model for simulation of color vision deficiency",
// for severity 1.0 (dichromacy). They act on linear RGB.
var (
	machadoProtanopia = matrix3{
		{0.152286, 1.052583, -0.204868},
		{0.114503, 0.786281, 0.099216},
		{-0.003882, -0.048116, 1.051998},
	}
	machadoDeuteranopia = matrix3{
		{0.367322, 0.860646, -0.227968},
		{0.280085, 0.672501, 0.047413},
		{-0.011820, 0.042940, 0.968881},
	}
	machadoTritanopia = matrix3{
		{1.255528, -0.076749, -0.178779},
		{-0.078411, 0.930809, 0.147602},
		{0.004733, 0.691367, 0.303900},
	}
	// identity is normal colour vision.
	identity = matrix3{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
)

// simulate shows c as seen through the deficiency m: in linear RGB,
// clamped to the gamut.
func simulate(m matrix3, c rgb) rgb {
	v := m.apply([3]float64{toLinear(c.R), toLinear(c.G), toLinear(c.B)})
	for i := range v {
		v[i] = min(1, max(0, v[i]))
	}
	return rgb{fromLinear(v[0]), fromLinear(v[1]), fromLinear(v[2])}
}

// luminance is the relative luminance of c (WCAG 2).
func luminance(c rgb) float64 {
	return 0.2126*toLinear(c.R) + 0.7152*toLinear(c.G) + 0.0722*toLinear(c.B)
}

// contrast is the WCAG 2 contrast ratio of two colours.
func contrast(a, b rgb) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// toLab converts an sRGB colour to CIELAB under D65.
func toLab(c rgb) lab {
	r, g, b := toLinear(c.R), toLinear(c.G), toLinear(c.B)
	x := 0.4124564*r + 0.3575761*g + 0.1804375*b
	y := 0.2126729*r + 0.7151522*g + 0.0721750*b
	z := 0.0193339*r + 0.1191920*g + 0.9503041*b
	const xn, yn, zn = 0.95047, 1.0, 1.08883
	f := func(t float64) float64 {
		const e = 216.0 / 24389.0
		const k = 24389.0 / 27.0
		if t > e {
			return math.Cbrt(t)
		}
		return (k*t + 16) / 116
	}
	fx, fy, fz := f(x/xn), f(y/yn), f(z/zn)
	return lab{L: 116*fy - 16, A: 500 * (fx - fy), B: 200 * (fy - fz)}
}

// hueEps absorbs rounding at the formula's hue boundary: two hues exactly
// 180° apart (Sharma's pairs 13 and 14) can come out of atan2 a few ulps
// over 180, which would select the wrong branch.
const hueEps = 1e-9

// ciede2000 is the CIEDE2000 colour difference of two CIELAB colours with
// the parametric factors kL = kC = kH = 1, following the formulation of
// Sharma, Wu and Dalal (2005).
func ciede2000(c1, c2 lab) float64 {
	const deg = math.Pi / 180
	cab1 := math.Hypot(c1.A, c1.B)
	cab2 := math.Hypot(c2.A, c2.B)
	cabMean := (cab1 + cab2) / 2
	c7 := math.Pow(cabMean, 7)
	g := 0.5 * (1 - math.Sqrt(c7/(c7+math.Pow(25, 7))))
	a1p, a2p := (1+g)*c1.A, (1+g)*c2.A
	c1p, c2p := math.Hypot(a1p, c1.B), math.Hypot(a2p, c2.B)
	hue := func(a, b float64) float64 {
		if a == 0 && b == 0 {
			return 0
		}
		h := math.Atan2(b, a) / deg
		if h < 0 {
			h += 360
		}
		return h
	}
	h1p, h2p := hue(a1p, c1.B), hue(a2p, c2.B)

	dLp := c2.L - c1.L
	dCp := c2p - c1p
	var dhp float64
	switch {
	case c1p*c2p == 0:
		dhp = 0
	case math.Abs(h2p-h1p) <= 180+hueEps:
		dhp = h2p - h1p
	case h2p-h1p > 180:
		dhp = h2p - h1p - 360
	default:
		dhp = h2p - h1p + 360
	}
	dHp := 2 * math.Sqrt(c1p*c2p) * math.Sin(dhp/2*deg)

	lpMean := (c1.L + c2.L) / 2
	cpMean := (c1p + c2p) / 2
	var hpMean float64
	switch {
	case c1p*c2p == 0:
		hpMean = h1p + h2p
	case math.Abs(h1p-h2p) <= 180+hueEps:
		hpMean = (h1p + h2p) / 2
	case h1p+h2p < 360:
		hpMean = (h1p + h2p + 360) / 2
	default:
		hpMean = (h1p + h2p - 360) / 2
	}
	t := 1 - 0.17*math.Cos((hpMean-30)*deg) + 0.24*math.Cos(2*hpMean*deg) +
		0.32*math.Cos((3*hpMean+6)*deg) - 0.20*math.Cos((4*hpMean-63)*deg)
	dTheta := 30 * math.Exp(-math.Pow((hpMean-275)/25, 2))
	cp7 := math.Pow(cpMean, 7)
	rc := 2 * math.Sqrt(cp7/(cp7+math.Pow(25, 7)))
	l50 := (lpMean - 50) * (lpMean - 50)
	sl := 1 + 0.015*l50/math.Sqrt(20+l50)
	sc := 1 + 0.045*cpMean
	sh := 1 + 0.015*cpMean*t
	rt := -math.Sin(2*dTheta*deg) * rc

	tl, tc, th := dLp/sl, dCp/sc, dHp/sh
	return math.Sqrt(tl*tl + tc*tc + th*th + rt*tc*th)
}

// parseHex reads a CSS colour written #rgb or #rrggbb.
func parseHex(s string) (rgb, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	if len(s) != 6 {
		return rgb{}, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return rgb{}, false
	}
	return rgb{float64(v>>16&0xff) / 255, float64(v>>8&0xff) / 255, float64(v&0xff) / 255}, true
}
