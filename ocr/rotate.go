package ocr

import (
	"image"
	"image/color"
	"math"
)

// Rotate returns img turned clockwise by degrees, a multiple of 90 (others are
// rounded to the nearest one). Grey and RGBA images keep their type; other images
// come back as RGBA. The result starts at (0, 0) and never shares pixels with img.
func Rotate(img image.Image, degrees int) image.Image {
	turns := ((int(math.Round(float64(degrees)/90)) % 4) + 4) % 4
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	ow, oh := w, h
	if turns%2 == 1 {
		ow, oh = h, w
	}
	// dst maps source (x, y), relative to b.Min, to its place in the result.
	dst := func(x, y int) (int, int) {
		switch turns {
		case 1:
			return h - 1 - y, x
		case 2:
			return w - 1 - x, h - 1 - y
		case 3:
			return y, w - 1 - x
		}
		return x, y
	}
	switch m := img.(type) {
	case *image.Gray:
		out := image.NewGray(image.Rect(0, 0, ow, oh))
		for y := range h {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range w {
				dx, dy := dst(x, y)
				out.Pix[dy*out.Stride+dx] = row[x]
			}
		}
		return out
	case *image.RGBA:
		out := image.NewRGBA(image.Rect(0, 0, ow, oh))
		for y := range h {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range w {
				dx, dy := dst(x, y)
				copy(out.Pix[dy*out.Stride+dx*4:dy*out.Stride+dx*4+4], row[x*4:x*4+4])
			}
		}
		return out
	}
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	for y := range h {
		for x := range w {
			dx, dy := dst(x, y)
			out.Set(dx, dy, color.RGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)))
		}
	}
	return out
}
