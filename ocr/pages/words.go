package pages

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"

	"kntc/ingest"
	"kntc/internal/viet"
	"kntc/internal/vnlegacy"
)

// TextLayer is the words of a PDF page's own text layer, with their boxes in the
// pixels of the image Page gives for that page: what OCR gives a scanned page, for
// a page that was typed (born-digital, converted from an office file, or OCRed
// before). Redaction finds what to black out through it.
type TextLayer struct {
	Width, Height int // pixels of Page(i).Image
	DPI           int
	Words         []ingest.Word // Unicode NFC; Block and Line from 1, Par 1
}

// maxLayoutBytes bounds what pdftotext -bbox-layout may write for one page: some
// hundred bytes a word.
const maxLayoutBytes = 8 * maxTextBytes

// TextWords returns the words of page i's (0-based) text layer, read by poppler's
// pdftotext -bbox-layout within the crop box and scaled from points to the pixels
// of Page(i).Image (a page's /Rotate included: pdftotext gives the words as the
// page is displayed). Text in a legacy Vietnamese font encoding (TCVN3, VNI) is put
// into Unicode as Page's text is, line by line. A page without a text layer has no
// words. Only PDF files have text layers: other formats give ErrUnsupported.
func (f *File) TextWords(ctx context.Context, i int) (TextLayer, error) {
	if i < 0 || i >= len(f.pages) {
		return TextLayer{}, fmt.Errorf("page %d out of range [0, %d)", i, len(f.pages))
	}
	pi := &f.pages[i]
	if pi.pdf == nil {
		return TextLayer{}, fail(ErrUnsupported, i+1, "only a PDF page has a text layer")
	}
	p := pi.pdf
	tl := TextLayer{DPI: p.dpi}
	if p.img != nil {
		tl.Width, tl.Height, tl.DPI = pi.w, pi.h, effectiveDPI(pi.dpi)
	} else {
		tl.Width = int(math.Ceil(p.box.w() / 72 * float64(p.dpi))) // as pdftoppm rounds
		tl.Height = int(math.Ceil(p.box.h() / 72 * float64(p.dpi)))
	}
	wPt, hPt := p.box.w(), p.box.h()
	if p.rotate == 90 || p.rotate == 270 {
		tl.Width, tl.Height = tl.Height, tl.Width
		wPt, hPt = hPt, wPt
	}
	if !p.fonts || wPt <= 0 || hPt <= 0 {
		return tl, nil
	}
	n := strconv.Itoa(p.num)
	args := []string{"-bbox-layout", "-cropbox", "-f", n, "-l", n, "-enc", "UTF-8", "-q", f.path, "-"}
	var words []ingest.Word
	err := f.poppler(ctx, p.num, "pdftotext", args, func(r io.Reader) error {
		var err error
		words, err = readLayout(io.LimitReader(r, maxLayoutBytes))
		return err
	})
	if err != nil {
		return TextLayer{}, err
	}
	sx, sy := float64(tl.Width)/wPt, float64(tl.Height)/hPt
	for _, w := range words {
		// The box is widened to whole pixels: a word's ink never sticks out of it
		// because of rounding.
		w.X0, w.Y0 = clamp(int(math.Floor(float64(w.X0)/1000*sx)), tl.Width), clamp(int(math.Floor(float64(w.Y0)/1000*sy)), tl.Height)
		w.X1, w.Y1 = clamp(int(math.Ceil(float64(w.X1)/1000*sx)), tl.Width), clamp(int(math.Ceil(float64(w.Y1)/1000*sy)), tl.Height)
		if w.X1 > w.X0 && w.Y1 > w.Y0 {
			tl.Words = append(tl.Words, w)
		}
	}
	if p.legacy {
		frags, err := f.fragments(ctx, p.num)
		if err != nil {
			return TextLayer{}, err
		}
		wordsByFont(tl.Words, frags)
	}
	unlegacy(tl.Words)
	return tl, nil
}

// wordsByFont converts the words that frags show set in a font named for a
// legacy encoding by their font, as the page's text is converted (legacyByFont):
// redaction must read a TCVN3 name as the name, or it would leave it in the
// pixels. A word whose conversion would not stay one word is kept as it is.
func wordsByFont(words []ingest.Word, frags []fragment) {
	texts := make([]string, len(words))
	for i, w := range words {
		texts[i] = w.Text
	}
	conv := strings.Split(legacyByFont(strings.Join(texts, "\n"), frags), "\n")
	if len(conv) != len(words) {
		return
	}
	for i, t := range conv {
		if t != "" && !strings.ContainsFunc(t, unicode.IsSpace) {
			words[i].Text = viet.NFC(t)
		}
	}
}

func clamp(v, hi int) int { return min(max(v, 0), hi) }

// readLayout reads pdftotext -bbox-layout's XHTML for one page: its words with
// their boxes in thousandths of a point (scaled by the caller), numbered by block
// and line.
func readLayout(r io.Reader) ([]ingest.Word, error) {
	d := xml.NewDecoder(r)
	d.Strict = false
	d.Entity = xml.HTMLEntity
	var out []ingest.Word
	block, line := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			// Cut at maxLayoutBytes, or not XML: what was read stands only when whole.
			return nil, fail(ErrCorrupt, 0, "pdftotext -bbox-layout: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "block":
			block, line = block+1, 0
		case "line":
			line++
		case "word":
			var t string
			if err := d.DecodeElement(&t, &se); err != nil {
				return nil, fail(ErrCorrupt, 0, "pdftotext -bbox-layout: %v", err)
			}
			t = strings.Join(strings.Fields(viet.NFC(strings.ToValidUTF8(t, ""))), "")
			if t == "" {
				continue
			}
			w := ingest.Word{Text: t, Block: max(block, 1), Par: 1, Line: max(line, 1), Confidence: 100}
			for _, a := range se.Attr {
				v, err := strconv.ParseFloat(a.Value, 64)
				if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e7 {
					continue
				}
				m := int(math.Round(v * 1000))
				switch a.Name.Local {
				case "xMin":
					w.X0 = m
				case "yMin":
					w.Y0 = m
				case "xMax":
					w.X1 = m
				case "yMax":
					w.Y1 = m
				}
			}
			out = append(out, w)
		}
	}
}

// unlegacy puts words typed in a legacy Vietnamese font encoding into Unicode,
// deciding on the page's lines as the page's text is decided (vnlegacy.Convert);
// a line whose words would not stay as many is kept as it is.
func unlegacy(words []ingest.Word) {
	type span struct{ from, to int }
	var lines []span
	var b strings.Builder
	for i := range words {
		if i == 0 || words[i].Block != words[i-1].Block || words[i].Line != words[i-1].Line {
			if i > 0 {
				b.WriteByte('\n')
			}
			lines = append(lines, span{i, i})
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(words[i].Text)
		lines[len(lines)-1].to = i + 1
	}
	conv, enc := vnlegacy.Convert(b.String())
	if enc == vnlegacy.Unicode {
		return
	}
	got := strings.Split(conv, "\n")
	if len(got) != len(lines) {
		return
	}
	for k, l := range lines {
		ws := strings.Split(got[k], " ")
		if len(ws) != l.to-l.from {
			continue
		}
		for j, t := range ws {
			if t != "" {
				words[l.from+j].Text = t
			}
		}
	}
}
