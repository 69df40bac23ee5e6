package ocr

import (
	"slices"

	"kntc/ingest"
)

// OrderColumns returns the words of a page with side-by-side columns read one
// after the other. Tesseract joins the two columns of a decision's header — the
// issuing body and number on the left, the motto and date on the right — into lines
// that run across both ("ỦY BAN NHÂN DÂN TỈNH TÂY CỘNG HÒA XÃ HỘI…"), and a body
// whose name takes two lines then has its second line joined to the date. Where
// two or more lines in a row have a gap wider than three line heights at about the
// same place, those lines, and the lines that follow them closely and lie wholly on
// one side, are cut there: the left parts come first, then the right parts as a block of
// their own (a new Block number). Everything else keeps Tesseract's order. The
// result shares no memory with words.
func OrderColumns(words []ingest.Word) []ingest.Word {
	lines := splitLines(words)
	out := make([]ingest.Word, 0, len(words))
	nextBlock := 0
	for _, w := range words {
		nextBlock = max(nextBlock, w.Block+1)
	}
	for i := 0; i < len(lines); {
		cut, ok := columnGap(lines[i])
		if !ok {
			out = append(out, lines[i]...)
			i++
			continue
		}
		// A run of lines cut at about the same place, with one-sided lines among them
		// — as long as they follow their column closely: a line after a blank line's
		// gap ("Kính gửi:" under a công văn's subject) starts the body.
		h := lineHeight(lines[i])
		tol := h * 2
		bottom := map[int]int{-1: lineBottom(lines[i]), 1: lineBottom(lines[i])}
		j := i + 1
		split := 1
		for ; j < len(lines); j++ {
			if c, ok := columnGap(lines[j]); ok && abs(c-cut) <= tol {
				split++
				bottom[-1], bottom[1] = lineBottom(lines[j]), lineBottom(lines[j])
				continue
			}
			sd := side(lines[j], cut)
			if sd == 0 || lineTop(lines[j])-bottom[sd] > h {
				break
			}
			bottom[sd] = lineBottom(lines[j])
		}
		if split < 2 {
			out = append(out, lines[i]...)
			i++
			continue
		}
		var right []ingest.Word
		for _, l := range lines[i:j] {
			for _, w := range l {
				if (w.X0+w.X1)/2 < cut {
					out = append(out, w)
				} else {
					w.Block = nextBlock
					right = append(right, w)
				}
			}
		}
		nextBlock++
		out = append(out, right...)
		i = j
	}
	return out
}

// splitLines groups words into their lines (same Block, Par and Line, in a row).
func splitLines(words []ingest.Word) [][]ingest.Word {
	var lines [][]ingest.Word
	for i := 0; i < len(words); {
		j := i + 1
		for j < len(words) && sameLine(words[i], words[j]) {
			j++
		}
		lines = append(lines, slices.Clone(words[i:j]))
		i = j
	}
	return lines
}

// columnGap finds the widest gap between neighbouring words of a line and returns
// its middle when it is wider than three line heights.
func columnGap(line []ingest.Word) (x int, ok bool) {
	h := lineHeight(line)
	best := 0
	for k := 1; k < len(line); k++ {
		if g := line[k].X0 - line[k-1].X1; g > best {
			best, x = g, (line[k].X0+line[k-1].X1)/2
		}
	}
	return x, h > 0 && best > 3*h
}

// side tells on which side of x a line lies: -1 wholly left, 1 wholly right, 0
// across.
func side(line []ingest.Word, x int) int {
	left, right := false, false
	for _, w := range line {
		if w.X1 <= x {
			left = true
		} else if w.X0 >= x {
			right = true
		} else {
			return 0
		}
	}
	switch {
	case left && !right:
		return -1
	case right && !left:
		return 1
	}
	return 0
}

func lineTop(line []ingest.Word) int {
	top := line[0].Y0
	for _, w := range line {
		top = min(top, w.Y0)
	}
	return top
}

func lineBottom(line []ingest.Word) int {
	b := line[0].Y1
	for _, w := range line {
		b = max(b, w.Y1)
	}
	return b
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
