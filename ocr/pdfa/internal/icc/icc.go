// Package icc builds the two ICC colour profiles kntc's PDF/A files embed — sRGB for
// the output intent, and a naive CMYK profile for CMYK JPEGs — and parses profile
// headers and tag tables so that tests and the PDF/A checker can validate them.
//
// Both profiles are ICC version 2 (ICC.1:2001-04), the version every PDF/A reader
// accepts; they are generated here so that no profile file is needed at run time.
package icc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// D50, the PCS illuminant, and the sRGB primaries adapted to it with the Bradford
// transform (IEC 61966-2-1 as published in the ICC's sRGB profiles).
var (
	d50    = [3]float64{0.9642, 1.0, 0.8249}
	srgbRX = [3]float64{0.4360747, 0.2225045, 0.0139322}
	srgbGX = [3]float64{0.3850649, 0.7168786, 0.0971045}
	srgbBX = [3]float64{0.1430804, 0.0606169, 0.7141733}
	// chad: Bradford adaptation from D65, the sRGB white, to D50.
	bradfordD65 = [9]float64{
		1.0478112, 0.0228866, -0.0501270,
		0.0295424, 0.9904844, -0.0170491,
		-0.0092345, 0.0150436, 0.7521316,
	}
)

// SRGB returns a display ('mntr') profile for sRGB IEC 61966-2.1: matrix and tone
// reproduction curves, the curve sampled at 256 points and shared by the three
// channels. Linear interpolation between 256 samples of the sRGB curve is off by at
// most about 1e-5 (far below one 16-bit step), and the profile rides in every archive
// copy, so its size counts: about 1.2 KB, 1 KB compressed.
func SRGB() []byte {
	curve := make([]uint16, 256)
	for i := range curve {
		curve[i] = u16(srgbToLinear(float64(i) / float64(len(curve)-1)))
	}
	return build("mntr", "RGB ", []tag{
		{"desc", textDescription("sRGB IEC61966-2.1 (kntc)")},
		{"cprt", text("No copyright, use freely")},
		{"wtpt", xyz(d50)},
		{"chad", sf32(bradfordD65[:])},
		{"rXYZ", xyz(srgbRX)},
		{"gXYZ", xyz(srgbGX)},
		{"bXYZ", xyz(srgbBX)},
		{"rTRC", curv(curve)},
		{"gTRC", curv(curve)}, // identical data: build stores it once
		{"bTRC", curv(curve)},
	})
}

// cmykGrid is the number of grid points per CMYK channel in CMYK's lookup table:
// 9⁴ entries (39 KB) keep the naive conversion within one 8-bit step of exact.
const cmykGrid = 9

// CMYK returns an input-device ('scnr') profile that gives CMYK values their naive
// meaning, R = (1−C)(1−K) and so on in sRGB, through a 16-bit lookup table to PCS
// XYZ. CMYK scans carry no profile of their own, and PDF/A forbids DeviceCMYK
// beside an RGB output intent, so CMYK JPEGs are tagged with this profile instead.
func CMYK() []byte {
	const g = cmykGrid
	b := make([]byte, 0, 52+4*2*2+g*g*g*g*3*2+3*2*2)
	b = append(b, "mft2"...)
	b = append(b, 0, 0, 0, 0, 4, 3, g, 0)
	for i := range 9 { // identity matrix: used only for XYZ input
		v := 0.0
		if i%4 == 0 {
			v = 1
		}
		b = binary.BigEndian.AppendUint32(b, s15(v))
	}
	b = binary.BigEndian.AppendUint16(b, 2) // input table entries
	b = binary.BigEndian.AppendUint16(b, 2) // output table entries
	for range 4 {
		b = append(b, 0, 0, 0xff, 0xff) // identity input curves
	}
	step := 1 / float64(g-1)
	for c := range g {
		for m := range g {
			for y := range g {
				for k := range g {
					kk := 1 - float64(k)*step
					r := srgbToLinear((1 - float64(c)*step) * kk)
					gg := srgbToLinear((1 - float64(m)*step) * kk)
					bl := srgbToLinear((1 - float64(y)*step) * kk)
					for i := range 3 {
						v := srgbRX[i]*r + srgbGX[i]*gg + srgbBX[i]*bl
						// lut16 PCS XYZ: 0x8000 is 1.0.
						b = binary.BigEndian.AppendUint16(b, uint16(min(65535, math.Round(v*32768))))
					}
				}
			}
		}
	}
	for range 3 {
		b = append(b, 0, 0, 0xff, 0xff) // identity output curves
	}
	return build("scnr", "CMYK", []tag{
		{"desc", textDescription("Naive CMYK (kntc)")},
		{"cprt", text("No copyright, use freely")},
		{"wtpt", xyz(d50)},
		{"A2B0", b},
	})
}

func srgbToLinear(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

func u16(v float64) uint16 { return uint16(math.Round(max(0, min(1, v)) * 65535)) }

func s15(v float64) uint32 { return uint32(int32(math.Round(v * 65536))) }

type tag struct {
	sig  string
	data []byte
}

// build lays out header, tag table and tag data, each element 4-byte aligned;
// tags with identical data share one copy.
func build(class, space string, tags []tag) []byte {
	const header = 128
	out := make([]byte, header, 4096)
	out = binary.BigEndian.AppendUint32(out, uint32(len(tags)))
	table := len(out)
	out = append(out, make([]byte, 12*len(tags))...)
	type placed struct{ off, size int }
	seen := map[string]placed{}
	for i, t := range tags {
		p, ok := seen[string(t.data)]
		if !ok {
			for len(out)%4 != 0 {
				out = append(out, 0)
			}
			p = placed{len(out), len(t.data)}
			out = append(out, t.data...)
			seen[string(t.data)] = p
		}
		e := out[table+12*i:]
		copy(e, t.sig)
		binary.BigEndian.PutUint32(e[4:], uint32(p.off))
		binary.BigEndian.PutUint32(e[8:], uint32(p.size))
	}
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	h := out[:header]
	binary.BigEndian.PutUint32(h[0:], uint32(len(out)))
	binary.BigEndian.PutUint32(h[8:], 0x02100000) // version 2.1.0
	copy(h[12:], class)
	copy(h[16:], space)
	copy(h[20:], "XYZ ")
	for i, v := range []uint16{2026, 1, 1, 0, 0, 0} { // fixed, so output is reproducible
		binary.BigEndian.PutUint16(h[24+2*i:], v)
	}
	copy(h[36:], "acsp")
	for i, v := range d50 {
		binary.BigEndian.PutUint32(h[68+4*i:], s15(v))
	}
	return out
}

func xyz(v [3]float64) []byte {
	b := append([]byte("XYZ "), 0, 0, 0, 0)
	for _, x := range v {
		b = binary.BigEndian.AppendUint32(b, s15(x))
	}
	return b
}

func sf32(v []float64) []byte {
	b := append([]byte("sf32"), 0, 0, 0, 0)
	for _, x := range v {
		b = binary.BigEndian.AppendUint32(b, s15(x))
	}
	return b
}

func curv(points []uint16) []byte {
	b := append([]byte("curv"), 0, 0, 0, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(len(points)))
	for _, p := range points {
		b = binary.BigEndian.AppendUint16(b, p)
	}
	return b
}

func text(s string) []byte {
	b := append([]byte("text"), 0, 0, 0, 0)
	return append(append(b, s...), 0)
}

// textDescription is the version 2 'desc' type: ASCII, an empty Unicode part and an
// empty ScriptCode part of fixed 67 bytes.
func textDescription(s string) []byte {
	b := append([]byte("desc"), 0, 0, 0, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)+1))
	b = append(append(b, s...), 0)
	b = append(b, make([]byte, 4+4+2+1+67)...)
	return b
}

// Profile is what Parse read from a profile's header and tag table.
type Profile struct {
	Version    [2]byte // major, minor (BCD minor and bug-fix nibbles)
	Class      string  // 'mntr', 'prtr', 'scnr', 'spac', …
	ColorSpace string  // 'RGB ', 'GRAY', 'CMYK', …
	PCS        string  // 'XYZ ' or 'Lab '
	Tags       map[string][]byte
}

// Components is the number of colour components of the profile's data colour space,
// 0 when the space is not one of grey, RGB, CMYK and Lab.
func (p Profile) Components() int {
	switch p.ColorSpace {
	case "GRAY":
		return 1
	case "RGB ", "Lab ":
		return 3
	case "CMYK":
		return 4
	}
	return 0
}

// ErrInvalid reports a profile that is not a well-formed ICC profile.
var ErrInvalid = errors.New("invalid ICC profile")

// Parse checks the structure of an ICC profile — declared size, the 'acsp'
// signature, version 2 or 4, a tag table whose entries lie inside the profile, and
// the tags its class and colour space require — and returns what it read. Errors
// wrap ErrInvalid.
func Parse(b []byte) (Profile, error) {
	bad := func(format string, args ...any) (Profile, error) {
		return Profile{}, fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	if len(b) < 132 {
		return bad("%d bytes, shorter than a header and tag count", len(b))
	}
	if size := binary.BigEndian.Uint32(b); int64(size) != int64(len(b)) {
		return bad("header says %d bytes, profile has %d", size, len(b))
	}
	if string(b[36:40]) != "acsp" {
		return bad("no 'acsp' signature at byte 36")
	}
	p := Profile{
		Version:    [2]byte{b[8], b[9]},
		Class:      string(b[12:16]),
		ColorSpace: string(b[16:20]),
		PCS:        string(b[20:24]),
		Tags:       map[string][]byte{},
	}
	if p.Version[0] != 2 && p.Version[0] != 4 {
		return bad("version %d.%x: only 2 and 4 are ICC.1 versions", p.Version[0], p.Version[1])
	}
	if p.PCS != "XYZ " && p.PCS != "Lab " && p.Class != "link" {
		return bad("profile connection space %q", p.PCS)
	}
	n := binary.BigEndian.Uint32(b[128:])
	if int64(n)*12 > int64(len(b)-132) {
		return bad("tag table of %d entries overruns the profile", n)
	}
	for i := range int(n) {
		e := b[132+12*i:]
		sig := string(e[:4])
		off, size := int64(binary.BigEndian.Uint32(e[4:])), int64(binary.BigEndian.Uint32(e[8:]))
		if off < 132+12*int64(n) || off+size > int64(len(b)) || size < 8 {
			return bad("tag %q at %d+%d lies outside the tag data", sig, off, size)
		}
		if _, dup := p.Tags[sig]; dup {
			return bad("tag %q twice", sig)
		}
		p.Tags[sig] = b[off : off+size]
	}
	required := []string{"desc", "cprt", "wtpt"}
	switch {
	case p.ColorSpace == "GRAY" && p.Tags["A2B0"] == nil:
		required = append(required, "kTRC")
	case p.ColorSpace == "RGB " && (p.Class == "mntr" || p.Class == "scnr") && p.Tags["A2B0"] == nil:
		required = append(required, "rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC")
	case p.Class == "prtr":
		required = append(required, "A2B0", "B2A0", "A2B1", "B2A1", "A2B2", "B2A2", "gamt")
	default:
		required = append(required, "A2B0")
	}
	for _, sig := range required {
		if p.Tags[sig] == nil {
			return bad("%s profile of %s data lacks the required %q tag", p.Class, p.ColorSpace, sig)
		}
	}
	return p, nil
}
