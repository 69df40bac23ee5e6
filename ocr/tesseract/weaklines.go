package tesseract

import (
	"context"
	"image"

	"kntc/ingest"
)

// The header block a document's number, date and issuer are read from sits at
// the top of its first page. A line of it that the page's reading got wrong, a
// speck taken into a word or a bold line run together, reads with a low mean
// confidence (a four-line issuer's third line, "SỞ TÀI NGUYÊN VÀ MÔI", read as
// "SƠ TÀI ĐGƯYEN À đo hiện" at 40 on a speckled page), and the header parser then
// leaves it out. Such a line is read again on its own, as one line.
const (
	// headerZone is the part of the page's height, from the top, whose lines
	// are read again when weak: the header blocks and the title.
	headerZone = 0.25
	// weakLine is the mean confidence under which a line is read again.
	weakLine = 60
	// maxWeakLines bounds the lines read again on one page.
	maxWeakLines = 4
)

// rereadWeakLines reads again, each on its own as one line, the lines in the
// header zone of g whose mean confidence is under weakLine; a new reading replaces
// the line's words when it is confident (cellConfidence) and better than the
// old. Table cells (Cell set) are left to rereadCells. words are in reading
// order on g; the result keeps that order and every other word as it is.
func (r *Reader) rereadWeakLines(ctx context.Context, g *image.Gray, dpi int, words []ingest.Word) ([]ingest.Word, error) {
	zone := int(float64(g.Bounds().Dy()) * headerZone)
	out := make([]ingest.Word, 0, len(words))
	tries := 0
	for i := 0; i < len(words); {
		j := i + 1
		for j < len(words) && words[j].Block == words[i].Block && words[j].Par == words[i].Par && words[j].Line == words[i].Line {
			j++
		}
		line := words[i:j]
		i = j
		if tries >= maxWeakLines || len(line) < 2 || minY(line) > zone || alnum(line) < 4 ||
			meanConf(line) >= weakLine || line[0].Cell > 0 {
			out = append(out, line...)
			continue
		}
		tries++
		x0, x1 := line[0].X0, line[0].X1
		for _, w := range line {
			x0, x1 = min(x0, w.X0), max(x1, w.X1)
		}
		// The line's height is its median word's: a speck taken into a word makes
		// it taller than the letters.
		h := medianHeight(line)
		y0, y1 := minY(line), maxY(line)
		rect := image.Rect(x0-h/2, y0-h/4, x1+h/2, y1+h/4).Intersect(g.Bounds())
		best := line
		for _, threshold := range []bool{false, true} {
			got, err := r.readLine(ctx, g, rect, dpi, threshold)
			if err != nil {
				return nil, err
			}
			if len(got) > 0 && meanConf(got) >= cellConfidence && meanConf(got) > meanConf(best)+10 && alnum(got)*2 >= alnum(line) {
				for k := range got {
					got[k].Block, got[k].Par, got[k].Line, got[k].Cell = line[0].Block, line[0].Par, line[0].Line, 0
				}
				best = got
			}
		}
		out = append(out, best...)
	}
	return out, nil
}

// medianHeight is the median height of the words' boxes.
func medianHeight(ws []ingest.Word) int {
	hs := make([]int, len(ws))
	for k, w := range ws {
		hs[k] = w.Y1 - w.Y0
	}
	for a := 1; a < len(hs); a++ { // a few words: insertion sort
		for b := a; b > 0 && hs[b] < hs[b-1]; b-- {
			hs[b], hs[b-1] = hs[b-1], hs[b]
		}
	}
	return hs[len(hs)/2]
}
