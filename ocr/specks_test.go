package ocr_test

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"slices"
	"strings"
	"testing"

	"kntc/ingest"
	"kntc/ocr"
)

// inkPage is a synthetic scan: white, with words drawn as letters of ink (a 7×28
// block a rune, 10 pixels a rune, in a box 40 pixels high) and specks.
type inkPage struct {
	img   *image.Gray
	words []ingest.Word
}

func newInkPage() *inkPage {
	img := image.NewGray(image.Rect(0, 0, 1300, 1000))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	return &inkPage{img: img}
}

func (p *inkPage) fill(x0, y0, x1, y1 int) {
	draw.Draw(p.img, image.Rect(x0, y0, x1, y1), image.NewUniform(color.Black), image.Point{}, draw.Src)
}

// word draws text with its left edge at x on Tesseract line n (top 60n+40) and
// records the word; its box is the letters' unless speck is set: then a 3×3 speck
// is drawn speck pixels left of the word and the box reaches it, as Tesseract's
// box does when it takes a speck into the word.
func (p *inkPage) word(n int, text string, x, speck int) {
	y := 60*n + 40
	for i := range len([]rune(text)) {
		p.fill(x+10*i+1, y+6, x+10*i+8, y+34)
	}
	w := ingest.Word{Text: text, X0: x, Y0: y, X1: x + 10*len([]rune(text)), Y1: y + 40, Block: 1, Par: 1, Line: n + 1, Confidence: 90}
	if speck > 0 {
		p.fill(x-speck, y+8, x-speck+3, y+11)
		w.X0 = x - speck
		w.Confidence = 3
	}
	p.words = append(p.words, w)
}

// columnLine draws count words of four runes, 62 pixels apart, from x on line n,
// named prefix, line and word ("L031"), and returns their text; speck is the
// first word's (see word).
func (p *inkPage) columnLine(n int, prefix string, x, count, speck int) string {
	var ws []string
	for k := range count {
		t := fmt.Sprintf("%s%02d%d", prefix, n, k)
		s := 0
		if k == 0 {
			s = speck
		}
		p.word(n, t, x+62*k, s)
		ws = append(ws, t)
	}
	return strings.Join(ws, " ")
}

func TestTrimSpecks(t *testing.T) {
	p := newInkPage()
	p.word(0, "4.", 700, 80)  // a speck 80 pixels before the word: trimmed
	p.word(1, "dân", 300, 15) // a speck 15 pixels before: under half a line height, kept
	p.word(2, "công", 300, 0)
	p.fill(345, 40+120+28, 350, 40+120+34) // its full stop, 5 pixels after it
	p.words[2].X1 = 350
	p.word(3, "x", 300, 0) // a speck 70 pixels after the word: trimmed
	p.fill(380, 40+180+8, 383, 40+180+11)
	p.words[3].X1 = 383
	before := slices.Clone(p.words)
	got := ocr.TrimSpecks(p.img, p.words)
	if !slices.Equal(p.words, before) {
		t.Error("the input modified")
	}
	want := slices.Clone(before)
	want[0].X0 = 701 // the letters' ink
	want[3].X1 = 308
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%q: box %d-%d, want %d-%d", got[i].Text, got[i].X0, got[i].X1, want[i].X0, want[i].X1)
		}
	}
	// A box with nothing but a speck in it stays as it is.
	q := newInkPage()
	q.fill(500, 500, 503, 503)
	lone := []ingest.Word{{Text: ".", X0: 495, Y0: 480, X1: 510, Y1: 520}, {Text: "công", X0: 100, Y0: 480, X1: 140, Y1: 520}}
	q.fill(101, 486, 139, 514)
	if got := ocr.TrimSpecks(q.img, lone); !slices.Equal(got, lone) {
		t.Errorf("got %v, want the boxes unchanged", got)
	}
}

// A speck before the first word of a right-column line, taken into the word's
// box, narrowed the gutter under a line height: the page was read half and half.
func TestReadingOrderSpeckInGutter(t *testing.T) {
	for _, speck := range []int{100, 80, 40} {
		t.Run(fmt.Sprint(speck), func(t *testing.T) {
			p := newInkPage()
			var left, right []string
			for n := range 12 {
				// The gutter: 574 to 700; the line with the speck has a short left line
				// (the end of a paragraph), the longer ones come under it.
				count, s := 8, 0
				if n == 5 {
					count, s = 6, speck
				}
				left = append(left, p.columnLine(n, "L", 100, count, 0))
				right = append(right, p.columnLine(n, "R", 700, 8, s))
			}
			// Tesseract's lines run across the gutter: its order interleaves the columns.
			slices.SortStableFunc(p.words, func(a, b ingest.Word) int { return a.Line - b.Line })
			want := strings.Join(left, "\n") + "\n\n" + strings.Join(right, "\n")
			got := ocr.ReadingOrder(ocr.TrimSpecks(p.img, p.words))
			if s := text(got); s != want {
				t.Errorf("got\n%s\nwant\n%s", s, want)
			}
			if 700-speck-574 < 40 { // the speck leaves less than a line height of gutter
				if s := text(ocr.ReadingOrder(p.words)); s == want {
					t.Error("the page reads in order without the specks trimmed: the test tests nothing")
				}
			}
		})
	}
}

// Specks in a one-column page, in the margin and between words, taken into the
// words' boxes or read as words of their own, never make it two columns.
func TestReadingOrderSpecksOneColumn(t *testing.T) {
	p := newInkPage()
	var lines []string
	for n := range 14 {
		var ws []string
		for k := range 16 {
			txt := fmt.Sprintf("w%02d%d", n, k%10)
			speck := 0
			switch {
			case k == 0 && n%3 == 0:
				speck = 60 // in the left margin
			case k == 8 && n%2 == 1:
				speck = 12 // between two words, in the middle of every other line
			}
			p.word(n, txt, 60+62*k+speck, speck)
			ws = append(ws, txt)
		}
		if n%4 == 2 { // a speck read as a mark of its own, mid-line
			p.fill(60+62*8-12, 60*n+48, 60+62*8-9, 60*n+51)
			p.words = append(p.words, ingest.Word{Text: "'", X0: 60 + 62*8 - 12, X1: 60 + 62*8 - 9, Y0: 60*n + 48, Y1: 60*n + 51, Block: 1, Par: 1, Line: n + 1})
		}
		lines = append(lines, strings.Join(ws, " "))
	}
	slices.SortStableFunc(p.words, func(a, b ingest.Word) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.X0 - b.X0
	})
	got := ocr.ReadingOrder(ocr.TrimSpecks(p.img, p.words))
	for i := range got {
		if got[i].Text != p.words[i].Text || got[i].Line != p.words[i].Line || got[i].Block != p.words[i].Block {
			t.Fatalf("word %d: %q line %d block %d, want %q line %d block %d: the page was reordered",
				i, got[i].Text, got[i].Line, got[i].Block, p.words[i].Text, p.words[i].Line, p.words[i].Block)
		}
	}
	if s := ocr.PageText(ocr.DropNoiseWords(got)); s != strings.Join(lines, "\n") {
		t.Errorf("got\n%s\nwant\n%s", s, strings.Join(lines, "\n"))
	}
}
