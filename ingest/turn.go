package ingest

import "image"

// RotateFunc turns img clockwise by degrees, a multiple of 90, into a new image
// (kntc/ocr.Rotate; ingest does not import ocr).
type RotateFunc func(img image.Image, degrees int) image.Image

// upright returns what to archive for a page the recognizer read turned by
// rotation degrees clockwise: the page image turned the same way, without its JPEG
// or PNG bytes (they hold the page as scanned), under words that are in the turned page's
// pixels already. Without Processor.Rotate the page is archived as scanned and the
// words are turned back onto it instead, so the text layer stays on the text.
func (p *Processor) upright(pg PageImage, words []Word, rotation int) (PageImage, []Word) {
	rotation = ((rotation % 360) + 360) % 360
	if rotation == 0 || pg.Image == nil {
		return pg, words
	}
	if p.Rotate != nil {
		pg.Image = p.Rotate(pg.Image, rotation)
		pg.JPEG, pg.PNG = nil, nil
		return pg, words
	}
	b := pg.Image.Bounds()
	w, h := b.Dx(), b.Dy()
	out := make([]Word, len(words))
	for i, wd := range words {
		switch rotation {
		case 90: // scanned (x, y) went to (h-1-y, x)
			wd.X0, wd.X1, wd.Y0, wd.Y1 = wd.Y0, wd.Y1, h-wd.X1, h-wd.X0
		case 180:
			wd.X0, wd.X1, wd.Y0, wd.Y1 = w-wd.X1, w-wd.X0, h-wd.Y1, h-wd.Y0
		case 270: // scanned (x, y) went to (y, w-1-x)
			wd.X0, wd.X1, wd.Y0, wd.Y1 = w-wd.Y1, w-wd.Y0, wd.X0, wd.X1
		}
		out[i] = wd
	}
	return pg, out
}
