// Package clean prepares scanned page images for OCR: grey conversion that fades
// coloured marks (the red seal) into the paper, speckle removal, and resolution
// normalisation. It only ever makes the OCR input; the stored page image stays as
// scanned. Every step works on the pixel slices of *image.Gray directly, because an
// A4 page at 300 dpi is 8.7 million pixels and at 600 dpi 35 million, and the
// cleaning must cost little next to Tesseract's second or two a page.
//
// Pure Go (standard library and golang.org/x/image only); safe for concurrent use:
// no function modifies its input.
package clean

import (
	"image"
	"image/color"
)

// Lightest returns img as 8-bit grey for OCR, each pixel its lightest colour
// channel: coloured ink (the red seal, a blue signature) fades into the paper while
// black and grey ink stay as dark as they are. The origin is (0, 0); a *image.Gray
// already there is returned as it is, so callers must not modify the result.
func Lightest(img image.Image) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if g, ok := img.(*image.Gray); ok && b.Min == (image.Point{}) {
		return g
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	switch m := img.(type) {
	case *image.Gray:
		for y := range h {
			i := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(out.Pix[y*out.Stride:y*out.Stride+w], m.Pix[i:i+w])
		}
	case *image.RGBA:
		for y := range h {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.Pix[y*out.Stride : y*out.Stride+w]
			for x := range dst {
				p := src[4*x : 4*x+4 : 4*x+4]
				// Premultiplied: a transparent pixel is paper.
				dst[x] = max(p[0], p[1], p[2]) + (255 - p[3])
			}
		}
	case *image.NRGBA:
		for y := range h {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.Pix[y*out.Stride : y*out.Stride+w]
			for x := range dst {
				p := src[4*x : 4*x+4 : 4*x+4]
				v, a := uint32(max(p[0], p[1], p[2])), uint32(p[3])
				dst[x] = uint8((v*a + 255*(255-a) + 127) / 255)
			}
		}
	case *image.YCbCr:
		yCbCr(out, m)
	case *image.CMYK:
		for y := range h {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.Pix[y*out.Stride : y*out.Stride+w]
			for x := range dst {
				p := src[4*x : 4*x+4 : 4*x+4]
				// The lightest channel is the one with the least of its ink.
				dst[x] = uint8((uint32(255-min(p[0], p[1], p[2])) * uint32(255-p[3])) / 255)
			}
		}
	case *image.Gray16:
		for y := range h {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.Pix[y*out.Stride : y*out.Stride+w]
			for x := range dst {
				dst[x] = src[2*x] // the high byte
			}
		}
	case *image.Paletted:
		var lut [256]uint8
		for i, c := range m.Palette {
			lut[i] = lightest(c)
		}
		for y := range h {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.Pix[y*out.Stride : y*out.Stride+w]
			for x := range dst {
				dst[x] = lut[src[x]]
			}
		}
	default:
		// Rare types (16-bit colour, alpha-only): slow but correct.
		for y := range h {
			dst := out.Pix[y*out.Stride : y*out.Stride+w]
			for x := range dst {
				dst[x] = lightest(img.At(b.Min.X+x, b.Min.Y+y))
			}
		}
	}
	return out
}

// lightest is the lightest channel of c composited on white, in 8 bits.
func lightest(c color.Color) uint8 {
	r, g, b, a := c.RGBA() // premultiplied, 16 bits
	return uint8((max(r, g, b) + (0xffff - a)) >> 8)
}

// yCbCr converts a decoded JPEG (or other Y'CbCr image) into out by the lightest
// channel. A JPEG whose chroma is flat (a grey page saved as colour) costs the same
// as any other: the conversion is done per pixel with integer arithmetic, the
// chroma sample found per row and column from the subsampling ratio.
func yCbCr(out *image.Gray, m *image.YCbCr) {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	dx, dy := 1, 1 // pixels per chroma sample across and down
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio422:
		dx = 2
	case image.YCbCrSubsampleRatio420:
		dx, dy = 2, 2
	case image.YCbCrSubsampleRatio440:
		dy = 2
	case image.YCbCrSubsampleRatio411:
		dx = 4
	case image.YCbCrSubsampleRatio410:
		dx, dy = 4, 2
	}
	// The chroma sample of each column, as image.YCbCr.COffset finds it (integer
	// division, which truncates towards zero for negative coordinates too).
	cols := make([]int, w)
	for x := range cols {
		cols[x] = (b.Min.X+x)/dx - b.Min.X/dx
	}
	for y := range h {
		yrow := m.Y[y*m.YStride:]
		crow := ((b.Min.Y+y)/dy - b.Min.Y/dy) * m.CStride
		dst := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range dst {
			ci := crow + cols[x]
			// color.YCbCrToRGB, inlined: 16.16 fixed point.
			yy := int32(yrow[x]) * 0x10101
			cb := int32(m.Cb[ci]) - 128
			cr := int32(m.Cr[ci]) - 128
			r := yy + 91881*cr
			g := yy - 22554*cb - 46802*cr
			bl := yy + 116130*cb
			v := max(r, g, bl)
			switch {
			case v < 0:
				dst[x] = 0
			case v > 0xffffff:
				dst[x] = 255
			default:
				dst[x] = uint8(v >> 16)
			}
		}
	}
}

// Luma returns img as 8-bit grey by its luminance (color.GrayModel's weights), the
// plain conversion any viewer makes: coloured marks stay as dark as they look. It is
// what the engine gives Tesseract when a page comes without cleaning. A *image.Gray
// whose origin is (0, 0) is returned as it is.
func Luma(img image.Image) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if g, ok := img.(*image.Gray); ok && b.Min == (image.Point{}) {
		return g
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	switch m := img.(type) {
	case *image.Gray:
		return Lightest(m)
	case *image.RGBA:
		for y := range h {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.Pix[y*out.Stride : y*out.Stride+w]
			for x := range dst {
				p := src[4*x : 4*x+4 : 4*x+4]
				// color.GrayModel on the 16-bit widening (c * 0x101) of each channel.
				dst[x] = uint8((19595*uint32(p[0])*0x101 + 38470*uint32(p[1])*0x101 + 7471*uint32(p[2])*0x101 + 1<<15) >> 24)
			}
		}
	case *image.YCbCr:
		// Y′ is the luma already.
		for y := range h {
			copy(out.Pix[y*out.Stride:y*out.Stride+w], m.Y[y*m.YStride:y*m.YStride+w])
		}
	default:
		for y := range h {
			dst := out.Pix[y*out.Stride : y*out.Stride+w]
			for x := range dst {
				dst[x] = color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
			}
		}
	}
	return out
}
