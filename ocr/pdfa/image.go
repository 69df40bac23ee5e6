package pdfa

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"

	"kntc/ocr/pdfa/internal/ccitt"
)

// imageKind is how a lossless page image is stored.
type imageKind int

const (
	kindBilevel imageKind = iota // black and white only: CCITT Group 4
	kindGray                     // grey levels: Flate, one component
	kindRGB                      // colour: Flate, three components
)

// xobject is one encoded image, ready to be written.
type xobject struct {
	width, height int
	dict          string // image dictionary entries without /Length
	cmyk          bool   // needs the CMYK ICC profile as its colour space
	data          []byte
}

// rowFunc stores row y of an image (relative to its bounds) as 16-bit R, G, B
// samples in dst, which holds 3 × width values.
type rowFunc func(y int, dst []uint16)

// rows returns a reader of img's pixels. Pixels that are not opaque are composited
// on white paper: a scan has no transparency, and PDF/A files here carry none.
func rows(img image.Image) rowFunc {
	b := img.Bounds()
	w := b.Dx()
	generic := func(y int, dst []uint16) {
		for x := range w {
			r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			paper := 0xffff - a // premultiplied: over white adds the uncovered part
			dst[3*x], dst[3*x+1], dst[3*x+2] = uint16(r+paper), uint16(g+paper), uint16(bl+paper)
		}
	}
	switch m := img.(type) {
	case *image.Gray:
		return func(y int, dst []uint16) {
			p := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range w {
				v := uint16(p[x]) * 0x101
				dst[3*x], dst[3*x+1], dst[3*x+2] = v, v, v
			}
		}
	case *image.Gray16:
		return func(y int, dst []uint16) {
			p := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range w {
				v := uint16(p[2*x])<<8 | uint16(p[2*x+1])
				dst[3*x], dst[3*x+1], dst[3*x+2] = v, v, v
			}
		}
	case *image.RGBA, *image.NRGBA:
		var pix []byte
		var stride int
		if r, ok := m.(*image.RGBA); ok {
			pix, stride = r.Pix[r.PixOffset(b.Min.X, b.Min.Y):], r.Stride
		} else {
			n := m.(*image.NRGBA)
			pix, stride = n.Pix[n.PixOffset(b.Min.X, b.Min.Y):], n.Stride
		}
		return func(y int, dst []uint16) {
			p := pix[y*stride:]
			for x := range w {
				if p[4*x+3] != 0xff {
					generic(y, dst)
					return
				}
				dst[3*x], dst[3*x+1], dst[3*x+2] = uint16(p[4*x])*0x101, uint16(p[4*x+1])*0x101, uint16(p[4*x+2])*0x101
			}
		}
	case *image.Paletted:
		var pal [256][3]uint16
		for i, c := range m.Palette {
			r, g, bl, a := c.RGBA()
			paper := 0xffff - a
			pal[i] = [3]uint16{uint16(r + paper), uint16(g + paper), uint16(bl + paper)}
		}
		return func(y int, dst []uint16) {
			p := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range w {
				c := pal[p[x]]
				dst[3*x], dst[3*x+1], dst[3*x+2] = c[0], c[1], c[2]
			}
		}
	}
	return generic
}

// classify reads every pixel: bilevel when each is pure black or pure white, grey
// when each has R = G = B, colour otherwise; deep when some sample needs 16 bits.
func classify(img image.Image, row rowFunc) (kind imageKind, deep bool) {
	b := img.Bounds()
	if g, ok := img.(*image.Gray); ok {
		// The common scan: 8-bit grey, read straight from its bytes.
		for y := range b.Dy() {
			off := g.PixOffset(b.Min.X, b.Min.Y+y)
			for _, v := range g.Pix[off : off+b.Dx()] {
				if v != 0 && v != 0xff {
					return kindGray, false
				}
			}
		}
		return kindBilevel, false
	}
	buf := make([]uint16, 3*b.Dx())
	bilevel, gray := true, true
	for y := range b.Dy() {
		row(y, buf)
		for i := 0; i < len(buf); i += 3 {
			r, g, bl := buf[i], buf[i+1], buf[i+2]
			if r != g || g != bl {
				gray, bilevel = false, false
			} else if r != 0 && r != 0xffff {
				bilevel = false
			}
			if !deep && (r>>8 != r&0xff || g>>8 != g&0xff || bl>>8 != bl&0xff) {
				deep = true
			}
		}
	}
	switch {
	case bilevel:
		return kindBilevel, false
	case gray:
		return kindGray, deep
	}
	return kindRGB, deep
}

// encodeImage stores img losslessly in the smallest of the three forms its pixels
// allow. zw, when not nil, is a compressor to reuse (reset here); the one used is
// returned for the next image.
func encodeImage(img image.Image, zw *zlib.Writer) (xobject, *zlib.Writer, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w < 1 || h < 1 {
		return xobject{}, zw, fmt.Errorf("%w: empty image %v", ErrInvalidPage, b)
	}
	row := rows(img)
	kind, deep := classify(img, row)
	buf := make([]uint16, 3*w)
	x := xobject{width: w, height: h}
	var out bytes.Buffer
	if kind == kindBilevel {
		enc, err := ccitt.NewEncoder(&out, w)
		if err != nil {
			return xobject{}, zw, err
		}
		bits := make([]byte, w)
		for y := range h {
			row(y, buf)
			for i := range bits {
				bits[i] = 0
				if buf[3*i] == 0 {
					bits[i] = 1
				}
			}
			if err := enc.WriteRow(bits); err != nil {
				return xobject{}, zw, err
			}
		}
		if err := enc.Close(); err != nil {
			return xobject{}, zw, err
		}
		// BlackIs1 false (the default): decoded 0 bits are black, which is also what
		// DeviceGray 0 means.
		x.dict = fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 "+
			"/Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns %d /Rows %d >>", w, h, w, h)
		x.data = out.Bytes()
		return x, zw, nil
	}
	comps, space := 1, "/DeviceGray"
	if kind == kindRGB {
		comps, space = 3, "/DeviceRGB"
	}
	bpc := 8
	if deep {
		bpc = 16
	}
	bpp := comps * bpc / 8
	line := make([]byte, w*bpp)
	prev := make([]byte, w*bpp)
	p := newPredictor(w*bpp, bpp)
	if zw == nil {
		zw, _ = zlib.NewWriterLevel(&out, zlib.DefaultCompression) // a valid level: no error
	} else {
		zw.Reset(&out)
	}
	g, grey8 := img.(*image.Gray)
	grey8 = grey8 && comps == 1 && !deep
	for y := range h {
		if grey8 {
			// 8-bit grey: the row's bytes are the samples.
			off := g.PixOffset(b.Min.X, b.Min.Y+y)
			copy(line, g.Pix[off:off+w])
			if _, err := zw.Write(p.filter(line, prev)); err != nil {
				return xobject{}, zw, err
			}
			line, prev = prev, line
			continue
		}
		row(y, buf)
		j := 0
		for i := range w {
			for c := range comps {
				v := buf[3*i+c]
				if deep {
					line[j], line[j+1] = byte(v>>8), byte(v)
					j += 2
				} else {
					line[j] = byte(v >> 8)
					j++
				}
			}
		}
		if _, err := zw.Write(p.filter(line, prev)); err != nil {
			return xobject{}, zw, err
		}
		line, prev = prev, line
	}
	if err := zw.Close(); err != nil {
		return xobject{}, zw, err
	}
	x.dict = fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent %d "+
		"/Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors %d /BitsPerComponent %d /Columns %d >>",
		w, h, space, bpc, comps, bpc, w)
	x.data = out.Bytes()
	return x, zw, nil
}

// predictor applies PNG row filters (None, Sub, Up, Paeth), choosing per row the one
// with the smallest sum of absolute values, libpng's heuristic. Flate then finds the
// repetition in scanned paper and text that raw samples hide.
type predictor struct {
	bpp int
	out [4][]byte // filter type byte, then the filtered row
}

func newPredictor(n, bpp int) *predictor {
	p := &predictor{bpp: bpp}
	for i := range p.out {
		p.out[i] = make([]byte, n+1)
		p.out[i][0] = []byte{0, 1, 2, 4}[i]
	}
	return p
}

// filter returns the filtered line (its first byte the filter type). prev is the
// previous line, all zero for the first.
func (p *predictor) filter(line, prev []byte) []byte {
	none, sub, up, paeth := p.out[0][1:], p.out[1][1:], p.out[2][1:], p.out[3][1:]
	var sums [4]int
	abs := func(b byte) int {
		if b < 128 {
			return int(b)
		}
		return 256 - int(b)
	}
	for i, v := range line {
		var a, c byte
		if i >= p.bpp {
			a, c = line[i-p.bpp], prev[i-p.bpp]
		}
		bb := prev[i]
		none[i] = v
		sub[i] = v - a
		up[i] = v - bb
		paeth[i] = v - paethPredict(a, bb, c)
		sums[0] += abs(none[i])
		sums[1] += abs(sub[i])
		sums[2] += abs(up[i])
		sums[3] += abs(paeth[i])
	}
	best := 0
	for i := 1; i < 4; i++ {
		if sums[i] < sums[best] {
			best = i
		}
	}
	return p.out[best]
}

func paethPredict(a, b, c byte) byte {
	pa := int(b) - int(c)
	pb := int(a) - int(c)
	pc := pa + pb
	if pa < 0 {
		pa = -pa
	}
	if pb < 0 {
		pb = -pb
	}
	if pc < 0 {
		pc = -pc
	}
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}
