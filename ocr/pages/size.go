package pages

import "math"

// PageSize returns, without decoding anything, how many pixels page i's Image will
// have and how many bytes it will hold: from the image header (PNG, JPEG, TIFF, a
// PDF page that is one image) or, for a PDF page that is rendered, from its page
// box at the rendering resolution. Where the header does not say the decoded
// form, four bytes a pixel (RGBA) is assumed, which no page exceeds but 16-bit
// colour. The pipeline bounds how much it decodes at once by it.
func (f *File) PageSize(i int) (pixels, bytes int64) {
	if i < 0 || i >= len(f.pages) {
		return 0, 0
	}
	pi := &f.pages[i]
	w, h := int64(pi.w), int64(pi.h)
	bpp := int64(pi.bpp)
	switch {
	case pi.pdf != nil && pi.pdf.img == nil: // rendered by pdftoppm, in colour
		dpi := float64(pi.pdf.dpi)
		w = int64(math.Ceil(pi.pdf.box.w() / 72 * dpi))
		h = int64(math.Ceil(pi.pdf.box.h() / 72 * dpi))
		bpp = 4
	case pi.pdf != nil:
		bpp = 1
		if pi.pdf.img.comps > 1 {
			bpp = 4
		}
		if pi.pdf.img.bpc == 16 {
			bpp *= 2
		}
	case pi.tiff != nil:
		bpp = 4
		if pi.tiff.spp == 1 {
			bpp = 2 // 16-bit grey at most
		}
	case pi.bilevel:
		bpp = 1
	}
	if bpp <= 0 {
		bpp = 4
	}
	return w * h, w * h * bpp
}
