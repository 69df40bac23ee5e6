package tesseract

import (
	"context"
	"image"
	"image/draw"
	"slices"
	"unicode"

	"github.com/otiai10/gosseract/v2"

	"kntc/ingest"
)

// rereadCells reads again, each on its own as one line, the table cells that the
// page's reading left empty or with a few characters only (ocr.ReadingOrder set
// the words' Cell): a row number standing alone in its narrow column is what
// Tesseract's page segmentation loses or misreads ("hổ", "Su", a 2 for a 5), with
// the rules taken out and nothing around it to make a line of. The cell is the
// width between its neighbours' text and the height of its row; its reading
// replaces the cell's words when it is confident. words are in reading order on
// g; the result keeps that order and every other word as it is.
func (r *Reader) rereadCells(ctx context.Context, g *image.Gray, dpi int, words []ingest.Word) ([]ingest.Word, error) {
	type span struct{ x0, x1, y0, y1 int }
	out := make([]ingest.Word, 0, len(words))
	for i := 0; i < len(words); {
		j := i + 1
		for j < len(words) && words[j].Block == words[i].Block {
			j++
		}
		block := words[i:j]
		i = j
		if !slices.ContainsFunc(block, func(w ingest.Word) bool { return w.Cell > 0 }) {
			out = append(out, block...)
			continue
		}
		// The columns' extents over the table, and the line height. A mark without
		// a letter or digit does not widen its column: a ":" read from a row
		// number's ink goes with the next cell's text, and would narrow the
		// number's column to nothing.
		cols := map[int]*span{}
		n := 0
		var hs []int
		for _, w := range block {
			n = max(n, w.Cell)
			hs = append(hs, w.Y1-w.Y0)
			if alnum([]ingest.Word{w}) == 0 {
				continue
			}
			c, ok := cols[w.Cell]
			if !ok {
				cols[w.Cell] = &span{w.X0, w.X1, 0, 0}
				continue
			}
			c.x0, c.x1 = min(c.x0, w.X0), max(c.x1, w.X1)
		}
		slices.Sort(hs)
		h := hs[len(hs)/2]

		// Rows: a line each; noise lines placed among them (words without a cell)
		// stay as they are.
		var lines [][]ingest.Word
		for k := 0; k < len(block); {
			m := k + 1
			for m < len(block) && block[m].Line == block[k].Line {
				m++
			}
			lines = append(lines, block[k:m])
			k = m
		}
		isRow := func(line []ingest.Word) bool {
			return slices.ContainsFunc(line, func(w ingest.Word) bool { return w.Cell > 0 })
		}
		var rows [][]ingest.Word
		for _, line := range lines {
			if isRow(line) {
				rows = append(rows, line)
			}
		}
		ri := -1
		for _, row := range lines {
			if !isRow(row) {
				out = append(out, row...)
				continue
			}
			ri++
			y0, y1 := row[0].Y0, row[0].Y1
			for _, w := range row {
				y0, y1 = min(y0, w.Y0), max(y1, w.Y1)
			}
			// Not into the rows above and below.
			top, bot := y0-h/2, y1+h/2
			if ri > 0 {
				top = max(top, maxY(rows[ri-1]))
			}
			if ri+1 < len(rows) {
				bot = min(bot, minY(rows[ri+1]))
			}
			cells := [][]ingest.Word{nil}
			for c := 1; c <= n; c++ {
				var cw []ingest.Word
				for _, w := range row {
					if w.Cell == c {
						cw = append(cw, w)
					}
				}
				cells = append(cells, cw)
			}
			for _, w := range row {
				if w.Cell == 0 {
					cells[0] = append(cells[0], w) // a mark next to the row
				}
			}
			for c := 1; c <= n; c++ {
				cw := cells[c]
				if alnum(cw) > shortCell || cols[c] == nil {
					continue
				}
				// Between the neighbouring columns' text.
				x0, x1 := cols[c].x0-h, cols[c].x1+h
				if p := cols[c-1]; c > 1 && p != nil {
					x0 = max(x0, p.x1+h/4)
				}
				if q := cols[c+1]; q != nil {
					x1 = min(x1, q.x0-h/4)
				}
				for _, w := range cw {
					x0, x1 = min(x0, w.X0), max(x1, w.X1)
				}
				rect := image.Rect(x0, top, x1, bot).Intersect(g.Bounds())
				if rect.Dx() < h/2 || rect.Dy() < h/2 {
					continue
				}
				got, err := r.readLine(ctx, g, rect, dpi, false)
				if err != nil {
					return nil, err
				}
				if alnum(got) == 0 || meanConf(got) < cellConfidence {
					// Once more, thresholded: the faint remains of a rule across a
					// speckled cell made Tesseract read a lone 7 as ":". Only then:
					// read thresholded first, a speckled page's lone 1 was lost.
					if got, err = r.readLine(ctx, g, rect, dpi, true); err != nil {
						return nil, err
					}
				}
				if len(got) == 0 || alnum(got) == 0 || meanConf(got) < cellConfidence || meanConf(got) <= meanConf(cw) && len(cw) > 0 {
					continue
				}
				for k := range got {
					got[k].Cell, got[k].Block, got[k].Par, got[k].Line = c, row[0].Block, row[0].Par, row[0].Line
				}
				cells[c] = got
				// Marks of the other cells or next to the row inside the cell read
				// again (a "b" or ":" read from the number) were that ink too.
				for o := range cells {
					if o != c {
						cells[o] = slices.DeleteFunc(cells[o], func(w ingest.Word) bool {
							return stray(w.Text) && image.Pt((w.X0+w.X1)/2, (w.Y0+w.Y1)/2).In(rect)
						})
					}
				}
			}
			for _, cw := range cells {
				out = append(out, cw...)
			}
		}
	}
	return out, nil
}

// shortCell is the most letters and digits a cell may hold to be read again.
const shortCell = 3

// cellConfidence is the least mean confidence a cell's own reading needs.
const cellConfidence = 60

// readLine reads rect of g as one line of text, on a white margin, and returns its
// words in g's pixels; thresholded, what is lighter than halfway from the
// rect's darkest pixel to white is paper.
func (r *Reader) readLine(ctx context.Context, g *image.Gray, rect image.Rectangle, dpi int, threshold bool) ([]ingest.Word, error) {
	const margin = 20
	crop := image.NewGray(image.Rect(0, 0, rect.Dx()+2*margin, rect.Dy()+2*margin))
	for k := range crop.Pix {
		crop.Pix[k] = 0xff
	}
	draw.Draw(crop, image.Rect(margin, margin, margin+rect.Dx(), margin+rect.Dy()), g, rect.Min, draw.Src)
	if threshold {
		darkest := uint8(0xff)
		for _, v := range crop.Pix {
			darkest = min(darkest, v)
		}
		cut := uint8((int(darkest) + 0xff) / 2)
		for k, v := range crop.Pix {
			if v < cut {
				crop.Pix[k] = 0
			} else {
				crop.Pix[k] = 0xff
			}
		}
	}
	boxes, err := r.engine.boxesAs(ctx, crop, dpi, gosseract.PSM_SINGLE_LINE)
	if err != nil {
		return nil, err
	}
	ws := toWords(boxes)
	dx, dy := rect.Min.X-margin, rect.Min.Y-margin
	for k := range ws {
		ws[k].X0 += dx
		ws[k].X1 += dx
		ws[k].Y0 += dy
		ws[k].Y1 += dy
	}
	return ws, nil
}

// stray reports whether an OCR token is a mark rather than text: no digit, and
// at most one letter.
func stray(tok string) bool {
	letters := 0
	for _, c := range tok {
		switch {
		case unicode.IsDigit(c):
			return false
		case unicode.IsLetter(c):
			letters++
		}
	}
	return letters <= 1
}

func alnum(ws []ingest.Word) int {
	n := 0
	for _, w := range ws {
		for _, c := range w.Text {
			if unicode.IsLetter(c) || unicode.IsDigit(c) {
				n++
			}
		}
	}
	return n
}

func meanConf(ws []ingest.Word) float64 {
	if len(ws) == 0 {
		return 0
	}
	var s float64
	for _, w := range ws {
		s += w.Confidence
	}
	return s / float64(len(ws))
}

func minY(ws []ingest.Word) int {
	y := ws[0].Y0
	for _, w := range ws {
		y = min(y, w.Y0)
	}
	return y
}

func maxY(ws []ingest.Word) int {
	y := ws[0].Y1
	for _, w := range ws {
		y = max(y, w.Y1)
	}
	return y
}
