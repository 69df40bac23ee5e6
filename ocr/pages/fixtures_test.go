package pages_test

// Every test input is generated here; nothing binary is committed except fuzz
// crashers under testdata/fuzz.

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// MustWrite writes b to a new file in a temporary directory and returns its path.
func MustWrite(tb testing.TB, name string, b []byte) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

// grayImage is a w×h horizontal gradient with a dark square, so that rows differ.
func grayImage(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := uint8(x * 255 / max(1, w-1))
			if x > w/4 && x < w/2 && y > h/4 && y < h/2 {
				v = 20
			}
			g.SetGray(x, y, color.Gray{v})
		}
	}
	return g
}

func rgbImage(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.RGBA{uint8(x * 255 / max(1, w-1)), uint8(y * 255 / max(1, h-1)), 128, 255})
		}
	}
	return m
}

// bilevelImage is a two-colour palette image (PNG encodes it with 1 bit per pixel).
func bilevelImage(w, h int) *image.Paletted {
	m := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White})
	for y := range h {
		for x := range w {
			if (x/4+y/4)%2 == 0 {
				m.SetColorIndex(x, y, 1)
			}
		}
	}
	return m
}

// MustPNG encodes img as PNG, with a pHYs chunk when dpi > 0.
func MustPNG(tb testing.TB, img image.Image, dpi int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	b := buf.Bytes()
	if dpi == 0 {
		return b
	}
	ppm := uint32(float64(dpi)/0.0254 + 0.5)
	data := binary.BigEndian.AppendUint32(nil, ppm)
	data = binary.BigEndian.AppendUint32(data, ppm)
	data = append(data, 1)
	ihdrEnd := 8 + 8 + 13 + 4
	out := slices.Clone(b[:ihdrEnd])
	out = append(out, pngChunk("pHYs", data)...)
	return append(out, b[ihdrEnd:]...)
}

func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// MustJPEG encodes img as JPEG, with a JFIF density segment when dpi > 0.
func MustJPEG(tb testing.TB, img image.Image, dpi int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	b := buf.Bytes()
	if dpi == 0 {
		return b
	}
	app0 := []byte{0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 2, 1, byte(dpi >> 8), byte(dpi), byte(dpi >> 8), byte(dpi), 0, 0}
	return append(append([]byte{0xFF, 0xD8}, app0...), b[2:]...)
}

// exifJPEG encodes img as JPEG with an EXIF segment declaring dpi (and no JFIF).
func exifJPEG(tb testing.TB, img image.Image, dpi uint32) []byte {
	tb.Helper()
	le := binary.LittleEndian
	t := []byte("II*\x00\x08\x00\x00\x00")
	t = le.AppendUint16(t, 2)
	t = le.AppendUint16(le.AppendUint16(t, 282), 5) // XResolution, RATIONAL
	t = le.AppendUint32(le.AppendUint32(t, 1), 8+2+2*12+4)
	t = le.AppendUint16(le.AppendUint16(t, 296), 3) // ResolutionUnit, SHORT: inch
	t = le.AppendUint32(le.AppendUint32(t, 1), 2)
	t = le.AppendUint32(t, 0)
	t = le.AppendUint32(le.AppendUint32(t, dpi), 1)
	app1 := append([]byte("Exif\x00\x00"), t...)
	seg := []byte{0xFF, 0xE1, byte((len(app1) + 2) >> 8), byte(len(app1) + 2)}
	b := MustJPEG(tb, img, 0)
	return slices.Concat(b[:2], seg, app1, b[2:])
}

// splitJPEG splits a JPEG stream into a tables-only stream (SOI, DQT, DHT, EOI)
// and an abbreviated image stream without them, as JPEG-in-TIFF stores them.
func splitJPEG(tb testing.TB, b []byte) (tables, scan []byte) {
	tb.Helper()
	tables, scan = []byte{0xFF, 0xD8}, []byte{0xFF, 0xD8}
	i := 2
	for i < len(b) {
		if b[i] != 0xFF {
			tb.Fatalf("splitJPEG: no marker at %d", i)
		}
		m := b[i+1]
		if m == 0xDA { // SOS: the rest is the scan
			scan = append(scan, b[i:]...)
			break
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		seg := b[i : i+2+n]
		if m == 0xDB || m == 0xC4 {
			tables = append(tables, seg...)
		} else {
			scan = append(scan, seg...)
		}
		i += 2 + n
	}
	return append(tables, 0xFF, 0xD9), scan
}

// tiffField is one IFD entry for the test TIFF writer.
type tiffField struct {
	tag, typ uint16
	vals     []uint32 // SHORT, LONG; RATIONAL as numerator, denominator pairs
	raw      []byte   // UNDEFINED
}

// tiffPage is one page for the test TIFF writer; it adds the size, strip and
// compression fields itself.
type tiffPage struct {
	w, h         int
	bps          []uint32
	photometric  uint32
	compression  uint32
	rowsPerStrip int
	strips       [][]byte
	extra        []tiffField
}

// buildTIFF writes a (multi-page) TIFF, little- or big-endian.
func buildTIFF(bo binary.AppendByteOrder, pages ...tiffPage) []byte {
	out := []byte("II*\x00\x00\x00\x00\x00")
	if bo == binary.AppendByteOrder(binary.BigEndian) {
		out = []byte("MM\x00*\x00\x00\x00\x00")
	}
	nextPtr := 4 // where to write the offset of the next IFD
	for _, p := range pages {
		var offs, counts []uint32
		for _, s := range p.strips {
			offs = append(offs, uint32(len(out)))
			counts = append(counts, uint32(len(s)))
			out = append(out, s...)
			if len(out)%2 == 1 {
				out = append(out, 0)
			}
		}
		rps := p.rowsPerStrip
		if rps == 0 {
			rps = p.h
		}
		fields := []tiffField{
			{tag: 256, typ: 4, vals: []uint32{uint32(p.w)}},
			{tag: 257, typ: 4, vals: []uint32{uint32(p.h)}},
			{tag: 258, typ: 3, vals: p.bps},
			{tag: 259, typ: 3, vals: []uint32{p.compression}},
			{tag: 262, typ: 3, vals: []uint32{p.photometric}},
			{tag: 273, typ: 4, vals: offs},
			{tag: 277, typ: 3, vals: []uint32{uint32(len(p.bps))}},
			{tag: 278, typ: 4, vals: []uint32{uint32(rps)}},
			{tag: 279, typ: 4, vals: counts},
		}
		fields = append(fields, p.extra...)
		slices.SortFunc(fields, func(a, b tiffField) int { return int(a.tag) - int(b.tag) })
		// Out-of-line values first, then the IFD.
		type entry struct {
			f     tiffField
			count uint32
			value []byte
		}
		var entries []entry
		for _, f := range fields {
			var v []byte
			count := uint32(len(f.vals))
			switch f.typ {
			case 3:
				for _, x := range f.vals {
					v = bo.AppendUint16(v, uint16(x))
				}
			case 4, 5:
				for _, x := range f.vals {
					v = bo.AppendUint32(v, x)
				}
				if f.typ == 5 {
					count /= 2
				}
			default:
				v, count = f.raw, uint32(len(f.raw))
			}
			if len(v) > 4 {
				off := uint32(len(out))
				out = append(out, v...)
				if len(out)%2 == 1 {
					out = append(out, 0)
				}
				v = bo.AppendUint32(nil, off)
			}
			entries = append(entries, entry{f, count, append(v, make([]byte, 4-len(v))...)})
		}
		ifd := uint32(len(out))
		bo.(binary.ByteOrder).PutUint32(out[nextPtr:], ifd)
		out = bo.AppendUint16(out, uint16(len(entries)))
		for _, e := range entries {
			out = bo.AppendUint16(out, e.f.tag)
			out = bo.AppendUint16(out, e.f.typ)
			out = bo.AppendUint32(out, e.count)
			out = append(out, e.value...)
		}
		nextPtr = len(out)
		out = append(out, 0, 0, 0, 0)
	}
	return out
}

func resolution(dpi uint32, unit uint32) []tiffField {
	return []tiffField{
		{tag: 282, typ: 5, vals: []uint32{dpi, 1}},
		{tag: 283, typ: 5, vals: []uint32{dpi, 1}},
		{tag: 296, typ: 3, vals: []uint32{unit}},
	}
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// packBits compresses with literal runs only, which is valid PackBits.
func packBits(b []byte) []byte {
	var out []byte
	for len(b) > 0 {
		n := min(len(b), 128)
		out = append(out, byte(n-1))
		out = append(out, b[:n]...)
		b = b[n:]
	}
	return out
}

// g4Stripe is a CCITT Group 4 stream, written by hand, for a 16×8 white image with
// a black vertical stripe in columns 8–11:
//
//	row 1: horizontal mode 001, white run 8 = 10011, black run 4 = 011, then V0 = 1
//	rows 2–8: V0 V0 V0 = 111 (the changes line up with the row above)
//	end of facsimile block: two EOLs, 000000000001 twice
func g4Stripe() []byte {
	bits := "001" + "10011" + "011" + "1" + strings.Repeat("111", 7) + "000000000001000000000001"
	for len(bits)%8 != 0 {
		bits += "0"
	}
	out := make([]byte, len(bits)/8)
	for i, c := range bits {
		if c == '1' {
			out[i/8] |= 0x80 >> (i % 8)
		}
	}
	return out
}

// stripeBlack reports whether pixel x of the g4Stripe image is black.
func stripeBlack(x int) bool { return x >= 8 && x < 12 }

// buildPDF writes a PDF from object bodies numbered from 1; object 1 is the
// catalog.
func buildPDF(objs ...[]byte) []byte {
	out := []byte("%PDF-1.5\n%\xE2\xE3\xCF\xD3\n")
	var offs []int
	for i, o := range objs {
		offs = append(offs, len(out))
		out = fmt.Appendf(out, "%d 0 obj\n", i+1)
		out = append(out, o...)
		out = append(out, "\nendobj\n"...)
	}
	xref := len(out)
	out = fmt.Appendf(out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		out = fmt.Appendf(out, "%010d 00000 n \n", o)
	}
	out = fmt.Appendf(out, "trailer\n<< /Size %d /Root 1 0 R /ID [<6b6e7463> <6b6e7463>] >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return out
}

func obj(format string, args ...any) []byte { return fmt.Appendf(nil, format, args...) }

func stream(dict string, data []byte) []byte {
	b := fmt.Appendf(nil, "<< %s /Length %d >>\nstream\n", dict, len(data))
	b = append(b, data...)
	return append(b, "\nendstream"...)
}

// onePagePDF is a PDF of one page of w×h points with the given content, resources
// and further objects (numbered from 5).
func onePagePDF(w, h float64, pageExtra, resources string, content []byte, more ...[]byte) []byte {
	objs := [][]byte{
		obj("<< /Type /Catalog /Pages 2 0 R >>"),
		obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
		obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << %s >> /Contents 4 0 R %s >>", w, h, resources, pageExtra),
		stream("", content),
	}
	return buildPDF(append(objs, more...)...)
}

// imagePDF is a one-page PDF whose page is the image XObject 5 (with the given
// dictionary entries and stream data) filling a page of w×h points.
func imagePDF(w, h float64, pageExtra, imageDict string, data []byte) []byte {
	content := fmt.Appendf(nil, "q %g 0 0 %g 0 0 cm /Im0 Do Q", w, h)
	return onePagePDF(w, h, pageExtra, "/XObject << /Im0 5 0 R >>", content, stream("/Type /XObject /Subtype /Image "+imageDict, data))
}

// textPDF is a one-page PDF with a line of Helvetica text.
func textPDF(text string) []byte {
	content := fmt.Appendf(nil, "BT /F1 12 Tf 10 40 Td (%s) Tj ET", text)
	return onePagePDF(400, 100, "", "/Font << /F1 5 0 R >>", content, obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"))
}
