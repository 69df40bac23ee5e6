package pages

import (
	"image"
	"image/draw"
)

// rotate turns img clockwise by deg (90, 180 or 270), as a PDF viewer shows a page
// with that /Rotate.
func rotate(img image.Image, deg int) image.Image {
	if deg == 0 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	// dest returns where source pixel (x, y), relative to the origin, lands.
	dest := func(x, y int) (int, int) {
		switch deg {
		case 90:
			return h - 1 - y, x
		case 180:
			return w - 1 - x, h - 1 - y
		default: // 270
			return y, w - 1 - x
		}
	}
	size := image.Rect(0, 0, w, h)
	if deg != 180 {
		size = image.Rect(0, 0, h, w)
	}
	if g, ok := img.(*image.Gray); ok {
		out := image.NewGray(size)
		for y := range h {
			row := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range w {
				dx, dy := dest(x, y)
				out.Pix[dy*out.Stride+dx] = row[x]
			}
		}
		return out
	}
	src, ok := img.(*image.RGBA)
	if !ok {
		src = image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
		b = src.Bounds()
	}
	out := image.NewRGBA(size)
	for y := range h {
		row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
		for x := range w {
			dx, dy := dest(x, y)
			copy(out.Pix[dy*out.Stride+4*dx:dy*out.Stride+4*dx+4], row[4*x:4*x+4])
		}
	}
	return out
}
