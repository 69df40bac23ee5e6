package ocr

import (
	"slices"
	"strings"

	"kntc/ingest"
)

// ParsePageHeader reads the header of a document's first page from its text and its
// words in reading order (ReadingOrder), using the page's layout rather than guessing from
// the text: the header block of Nghị định 30/2020 is two columns at the top of the
// page (HeaderBlocks), the issuing body and "Số: …" on the left, the national motto
// and "place, ngày … tháng … năm …" on the right, and the type line and the
// subject ("V/v …", "Về việc …") under them. So the number and the issuer are only
// taken from the left block and the date and place only from the right one, where
// the text path (ParseHeader) takes the first that matches anywhere in the first
// forty lines and cuts lines joined across the columns apart by their case. A page
// where the layout finds no such block (a citizen's letter, a born-digital page, a
// page read as one column), and any field its blocks do not state, keep what
// ParseHeader reads from text. It is safe for concurrent use.
func ParsePageHeader(text string, words []ingest.Word) Header {
	th, tvv := parseLines(headerLines(text))
	left, right, below, ok := HeaderBlocks(words)
	if !ok {
		return finish(th, tvv)
	}
	lh, rh := blockLines(left), blockLines(right)
	var h Header
	numIdx := len(lh)
	for i, l := range lh {
		if _, rest, ok := l.number(); ok {
			if n := parseNumber(rest); n != "" {
				h.Number, numIdx = n, i
				break
			}
		}
	}
	var issuer []string
	for i := 0; i < min(numIdx, issuerMaxLines); i++ {
		if lh[i].isBody() {
			break
		}
		if p := lh[i].issuerPart(); p != "" {
			issuer = append(issuer, p)
		}
	}
	h.Issuer = fixIssuer(strings.Join(issuer, " "))
	for _, l := range rh {
		if d, pre, ok := l.date(); ok && isDatePrefix(pre) {
			h.Date = d
			h.Place, _ = splitPlace(pre)
			break
		}
	}
	// The type and the subject stand under the header block.
	bh, bvv := parseLines(blockLines(below))
	h.Type, h.Subject = bh.Type, bh.Subject
	vv := bvv
	if h.Type == "" && h.Subject == "" {
		h.Type, h.Subject, vv = th.Type, th.Subject, tvv
	}
	// What the blocks do not state, the text may (a number on the right, a date
	// under the header in minutes).
	if h.Number == "" {
		h.Number = th.Number
	}
	if h.Issuer == "" {
		h.Issuer = th.Issuer
	}
	if h.Date == "" {
		h.Date, h.Place = th.Date, th.Place
	}
	return finish(h, vv)
}

// HeaderBlocks finds the two-column header block of a page from its words in
// reading order: the first two-column region of the page (ReadingOrder's analysis)
// when at most headerAbove lines stand above it. It returns the words of its left
// and right columns and the words under it, each in reading order; ok is false
// when the page has no such block.
func HeaderBlocks(words []ingest.Word) (left, right, below []ingest.Word, ok bool) {
	if len(words) == 0 {
		return nil, nil, nil, false
	}
	l := newLayout(words)
	var structural []*seg
	for _, s := range l.segs {
		if !s.noise {
			structural = append(structural, s)
		}
	}
	l.order(structural, "", 0)
	i := slices.IndexFunc(l.sides, func(z sides) bool { return z.depth == 0 })
	if i < 0 {
		return nil, nil, nil, false
	}
	z := l.sides[i]
	above := 0
	for _, row := range l.rows(structural) {
		if bottom(row) <= z.y0 {
			above++
		}
	}
	if above > headerAbove {
		return nil, nil, nil, false
	}
	left, right = sideLines(l, z.left), sideLines(l, z.right)
	for _, s := range l.segs {
		if !s.noise && s.y0 >= z.y1-l.h/2 {
			below = append(below, s.words...)
		}
	}
	below = keepOrder(words, below)
	return left, right, below, len(left) > 0 && len(right) > 0
}

// headerAbove is how many lines may stand above a page's header block (a
// "Mẫu số …" or "Bản sao" note, a stamp read as a line).
const headerAbove = 2

// sideLines returns the pieces of one side of a region in reading order, a line
// per item.
func sideLines(l *layout, segs []*seg) []ingest.Word {
	return number(l.order(segs, "", 1))
}

// keepOrder returns the words of subset in the order they have in words.
func keepOrder(words, subset []ingest.Word) []ingest.Word {
	in := map[ingest.Word]bool{}
	for _, w := range subset {
		in[w] = true
	}
	var out []ingest.Word
	for _, w := range words {
		if in[w] {
			out = append(out, w)
		}
	}
	return out
}

// blockLines returns the hlines of words in reading order: a line per Block,
// Par and Line, the motto cut out, noise dropped.
func blockLines(words []ingest.Word) []hline {
	var out []hline
	for _, line := range splitLines(words) {
		var ts []string
		for _, w := range line {
			ts = append(ts, w.Text)
		}
		l := newHLine(strings.Join(ts, " "))
		if l.text == "" {
			continue
		}
		l = l.withoutMotto()
		if isNoise(l.text) {
			continue
		}
		out = append(out, l)
	}
	return out
}
