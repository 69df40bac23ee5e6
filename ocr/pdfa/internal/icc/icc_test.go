package icc_test

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"kntc/ocr/pdfa/internal/icc"
)

func s15(b []byte) float64 { return float64(int32(binary.BigEndian.Uint32(b))) / 65536 }

func mustParse(tb testing.TB, b []byte) icc.Profile {
	tb.Helper()
	p, err := icc.Parse(b)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestSRGB(t *testing.T) {
	b := icc.SRGB()
	p := mustParse(t, b)
	if p.Version[0] != 2 || p.Class != "mntr" || p.ColorSpace != "RGB " || p.PCS != "XYZ " || p.Components() != 3 {
		t.Fatalf("header: %+v", p)
	}
	// The primaries add up to the PCS white, D50.
	for i, want := range []float64{0.9642, 1.0, 0.8249} {
		sum := 0.0
		for _, sig := range []string{"rXYZ", "gXYZ", "bXYZ"} {
			sum += s15(p.Tags[sig][8+4*i:])
		}
		if math.Abs(sum-want) > 0.001 {
			t.Errorf("primaries sum to %.4f in component %d, want %.4f", sum, i, want)
		}
	}
	curve := p.Tags["rTRC"]
	if string(curve[:4]) != "curv" {
		t.Fatalf("rTRC type %q", curve[:4])
	}
	n := int(binary.BigEndian.Uint32(curve[8:]))
	if len(curve) != 12+2*n {
		t.Fatalf("curve of %d points in %d bytes", n, len(curve))
	}
	prev := -1
	for i := range n {
		v := int(binary.BigEndian.Uint16(curve[12+2*i:]))
		if v < prev {
			t.Fatalf("curve falls at point %d", i)
		}
		prev = v
	}
	// sRGB mid grey 0.5 is 21.4% linear light.
	if mid := float64(binary.BigEndian.Uint16(curve[12+2*(n/2):])) / 65535; math.Abs(mid-0.214) > 0.003 {
		t.Errorf("curve at 0.5 is %.4f, want 0.214", mid)
	}
	if len(b) > 3000 {
		t.Errorf("profile is %d bytes; the shared curve should keep it under 3000", len(b))
	}
}

func TestCMYK(t *testing.T) {
	p := mustParse(t, icc.CMYK())
	if p.Class != "scnr" || p.ColorSpace != "CMYK" || p.Components() != 4 {
		t.Fatalf("header: %+v", p)
	}
	lut := p.Tags["A2B0"]
	if string(lut[:4]) != "mft2" || lut[8] != 4 || lut[9] != 3 {
		t.Fatalf("A2B0 is not a 4-in 3-out lut16: % x", lut[:12])
	}
	g := int(lut[10])
	in, out := int(binary.BigEndian.Uint16(lut[48:])), int(binary.BigEndian.Uint16(lut[50:]))
	clut := 52 + 4*2*in
	if want := clut + g*g*g*g*3*2 + 3*2*out; len(lut) != want {
		t.Fatalf("lut16 of %d bytes, want %d", len(lut), want)
	}
	xyz := func(i int) [3]float64 {
		var v [3]float64
		for c := range 3 {
			v[c] = float64(binary.BigEndian.Uint16(lut[clut+6*i+2*c:])) / 32768
		}
		return v
	}
	if w := xyz(0); math.Abs(w[1]-1) > 0.001 || math.Abs(w[0]-0.9642) > 0.001 {
		t.Errorf("no ink is %v, want D50 white", w)
	}
	if k := xyz(g - 1); k != [3]float64{} { // C=M=Y=0, K=1
		t.Errorf("full black is %v, want 0", k)
	}
}

func TestParseRejects(t *testing.T) {
	good := icc.SRGB()
	mutate := func(f func(b []byte) []byte) []byte {
		return f(append([]byte(nil), good...))
	}
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"truncated", good[:len(good)-4]},
		{"size field wrong", mutate(func(b []byte) []byte { binary.BigEndian.PutUint32(b, 5000); return b })},
		{"no acsp", mutate(func(b []byte) []byte { copy(b[36:], "xxxx"); return b })},
		{"version 5", mutate(func(b []byte) []byte { b[8] = 5; return b })},
		{"tag table overruns", mutate(func(b []byte) []byte { binary.BigEndian.PutUint32(b[128:], 1000); return b })},
		{"tag outside profile", mutate(func(b []byte) []byte { binary.BigEndian.PutUint32(b[132+4:], uint32(len(b))); return b })},
		{"required tag missing", mutate(func(b []byte) []byte { copy(b[132:], "zzzz"); return b })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := icc.Parse(tt.b); !errors.Is(err, icc.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
}
