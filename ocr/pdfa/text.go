package pdfa

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"

	"kntc/ingest"
	"kntc/internal/viet"
)

// textFont is the document's one text-layer font: its object numbers, allocated
// when the first page with words is written, and the character codes handed out so
// far. Codes are assigned in order of first use, one per Unicode character, so that
// characters outside the Basic Multilingual Plane get a code of their own instead of
// a UTF-16 surrogate pair of codes (which maps back to nothing).
type textFont struct {
	type0, cid, descriptor, program, toUnicode, cidToGID int
	codes                                                map[rune]uint16
	runes                                                []rune // runes[code]; runes[0] is unused (.notdef)
}

func (f *textFont) code(r rune) uint16 {
	if c, ok := f.codes[r]; ok {
		return c
	}
	if len(f.runes) > 0xffff {
		// 65,535 distinct characters: no code is left; show the rest as spaces,
		// which keeps the layer's geometry.
		return f.codes[' ']
	}
	c := uint16(len(f.runes))
	f.codes[r] = c
	f.runes = append(f.runes, r)
	return c
}

// textWord is a word ready to place: cleaned text and a box inside the image.
type textWord struct {
	text           string
	x0, y0, x1, y1 int
}

type textLine struct {
	words  []textWord
	y0, y1 int
}

// cleanWord returns the word in NFC with whitespace runs as single spaces and the
// characters a ToUnicode map may not produce (controls, U+FEFF, U+FFFE, U+FFFF)
// dropped.
func cleanWord(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\uFEFF' || r == '\uFFFE' || r == '\uFFFF':
			return -1
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, viet.NFC(s))
	return strings.Join(strings.Fields(s), " ")
}

// lines groups the words, in the order given, into lines: a new line starts where
// the OCR line (block, paragraph, line) or table cell changes, or where a word
// starts left of the one before it. Boxes are clamped to the image.
func lines(words []ingest.Word, width, height int) []textLine {
	var out []textLine
	var prev *ingest.Word
	for i := range words {
		w := &words[i]
		t := cleanWord(w.Text)
		if t == "" {
			continue
		}
		x0 := min(max(w.X0, 0), width-1)
		x1 := min(max(w.X1, x0+1), width)
		y0 := min(max(w.Y0, 0), height-1)
		y1 := min(max(w.Y1, y0+1), height)
		if prev == nil || w.Block != prev.Block || w.Par != prev.Par || w.Line != prev.Line || w.Cell != prev.Cell || w.X0 < prev.X0 {
			out = append(out, textLine{y0: y0, y1: y1})
		}
		l := &out[len(out)-1]
		l.words = append(l.words, textWord{t, x0, y0, x1, y1})
		l.y0, l.y1 = min(l.y0, y0), max(l.y1, y1)
		prev = w
	}
	return out
}

// textLayer returns the content stream operators of the invisible text (render mode
// 3) for a page image width × height pixels scanned at dpi, or "" when there are no
// words. Coordinates are image pixels, through a scaling cm. Each line shares one
// font size, its height, and one baseline, its bottom, so that text extraction sees
// one line in reading order; each word starts at its box and is stretched with Tz
// to its box's width. Words but the last of a line end with a space character, so
// extraction separates them however narrow the gap.
func (w *Writer) textLayer(words []ingest.Word, width, height, dpi int) string {
	ls := lines(words, width, height)
	if len(ls) == 0 {
		return ""
	}
	f := w.textFont()
	space := f.code(' ')
	var b strings.Builder
	// Six decimals: at 3,500 pixels a rounded scale would drift the text off the
	// image for resolutions such as 333 dpi.
	s := strconv.FormatFloat(72/float64(dpi), 'f', 6, 64)
	fmt.Fprintf(&b, "q %s 0 0 %s 0 0 cm\nBT\n3 Tr\n", s, s)
	codes := make([]uint16, 0, 64)
	for _, l := range ls {
		size := l.y1 - l.y0
		fmt.Fprintf(&b, "/F0 %d Tf\n", size)
		for i, wd := range l.words {
			codes = codes[:0]
			for _, r := range wd.text {
				codes = append(codes, f.code(r))
			}
			n := len(codes)
			if i < len(l.words)-1 {
				codes = append(codes, space)
			}
			tz := 100 * float64(wd.x1-wd.x0) / (float64(n) * float64(size) * glyphAdvance / unitsPerEm)
			fmt.Fprintf(&b, "%s Tz 1 0 0 1 %d %d Tm ", num(tz), wd.x0, height-l.y1)
			showCodes(&b, codes)
		}
	}
	b.WriteString("ET\nQ\n")
	return b.String()
}

// showCodes writes a Tj of two-byte codes, or a TJ of several strings when one would
// pass PDF/A's limit of 32,767 bytes a string.
func showCodes(b *strings.Builder, codes []uint16) {
	const perString = 8000
	array := len(codes) > perString
	if array {
		b.WriteString("[")
	}
	for len(codes) > 0 {
		n := min(len(codes), perString)
		b.WriteString("<")
		for _, c := range codes[:n] {
			fmt.Fprintf(b, "%04X", c)
		}
		b.WriteString(">")
		codes = codes[n:]
	}
	if array {
		b.WriteString("] TJ\n")
	} else {
		b.WriteString(" Tj\n")
	}
}

// textFont returns the document's font, allocating its objects on first use.
func (w *Writer) textFont() *textFont {
	if w.font == nil {
		f := &textFont{codes: map[rune]uint16{}, runes: []rune{0}}
		f.type0, f.cid, f.descriptor = w.alloc(), w.alloc(), w.alloc()
		f.program, f.toUnicode, f.cidToGID = w.alloc(), w.alloc(), w.alloc()
		f.code(' ') // code 1: also what codes map to once all are taken
		w.font = f
	}
	return w.font
}

// writeFont writes the font's objects: a Type0 font with Identity-H encoding over a
// CIDFontType2 whose CIDToGIDMap sends every code to the empty glyph, and the
// ToUnicode map from each code to its character (PDF/A-2u).
func (w *Writer) writeFont() {
	f := w.font
	w.object(f.type0, fmt.Sprintf("/Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R",
		fontName, f.cid, f.toUnicode), nil)
	w.object(f.cid, fmt.Sprintf("/Type /Font /Subtype /CIDFontType2 /BaseFont /%s "+
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW %d /CIDToGIDMap %d 0 R",
		fontName, f.descriptor, glyphAdvance, f.cidToGID), nil)
	// Ascent 1000 and Descent -1 make a glyph's box span exactly the font size above
	// the baseline, so viewers highlight a line's height and no more; a Descent of 0
	// would be read as "unknown" by some (poppler).
	w.object(f.descriptor, fmt.Sprintf("/Type /FontDescriptor /FontName /%s /Flags 5 /FontBBox [0 0 %d 1000] "+
		"/ItalicAngle 0 /Ascent 1000 /Descent -1 /CapHeight 1000 /StemV 80 /FontFile2 %d 0 R",
		fontName, glyphAdvance, f.program), nil)
	program := glyphLessTrueType()
	w.object(f.program, fmt.Sprintf("/Length1 %d /Filter /FlateDecode", len(program)), w.enc.flate(program))
	w.object(f.toUnicode, "/Filter /FlateDecode", w.enc.flate(toUnicodeCMap(f.runes)))
	gids := make([]byte, 2*len(f.runes))
	for c := 1; c < len(f.runes); c++ {
		binary.BigEndian.PutUint16(gids[2*c:], 1)
	}
	w.object(f.cidToGID, "/Filter /FlateDecode", w.enc.flate(gids))
}

// toUnicodeCMap maps code c to runes[c], in blocks of at most 100 entries (the
// PostScript limit CMap readers hold to). Characters beyond the BMP map to their
// UTF-16 surrogate pair, which is how ToUnicode spells them.
func toUnicodeCMap(runes []rune) []byte {
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for start := 1; start < len(runes); start += 100 {
		end := min(start+100, len(runes))
		fmt.Fprintf(&b, "%d beginbfchar\n", end-start)
		for c := start; c < end; c++ {
			fmt.Fprintf(&b, "<%04X> <", c)
			for _, u := range utf16.Encode([]rune{runes[c]}) {
				fmt.Fprintf(&b, "%04X", u)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return []byte(b.String())
}
