// Package ocrtest renders Vietnamese text into page images with known ground truth,
// for OCR tests and benchmarks. Texts are generated from sentences written for the
// tests (GeneratedText, GeneratedHeaders), or read at run time from the sample texts
// outside the repository (KNTC_SAMPLES_DIR) by the tests whose point is those texts;
// nothing rendered is committed.
package ocrtest

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"kntc/ocr/fonts"
)

// Font returns a serif font with every Vietnamese letter (Liberation Serif, metric
// twin of the Times New Roman that decisions are typed in, else DejaVu Serif).
func Font() (*opentype.Font, error) { return fonts.Load(fonts.Serif) }

// Options describe the page.
type Options struct {
	DPI        int     // 300 when 0
	WidthMM    float64 // 210 (A4) when 0
	HeightMM   float64 // 297 (A4) when 0
	MarginMM   float64 // 20 when 0
	FontSizePt float64 // 13 when 0 (Nghị định 30/2020: 13–14 pt)
}

func (o *Options) defaults() {
	if o.DPI == 0 {
		o.DPI = 300
	}
	if o.WidthMM == 0 {
		o.WidthMM = 210
	}
	if o.HeightMM == 0 {
		o.HeightMM = 297
	}
	if o.MarginMM == 0 {
		o.MarginMM = 20
	}
	if o.FontSizePt == 0 {
		o.FontSizePt = 13
	}
}

// Render draws text (paragraphs separated by "\n") in black on a white page, wrapping
// at the margins, and returns the page and the lines as drawn — the ground truth.
// Text that does not fit on the page is left out of both.
func Render(text string, o Options) (*image.Gray, []string, error) {
	o.defaults()
	f, err := Font()
	if err != nil {
		return nil, nil, err
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: o.FontSizePt, DPI: float64(o.DPI), Hinting: font.HintingFull})
	if err != nil {
		return nil, nil, fmt.Errorf("font face: %w", err)
	}
	defer face.Close()
	px := func(mm float64) int { return int(mm / 25.4 * float64(o.DPI)) }
	w, h, margin := px(o.WidthMM), px(o.HeightMM), px(o.MarginMM)
	img := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	d := &font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: face}
	lineHeight := face.Metrics().Height.Ceil() * 13 / 10
	maxWidth := fixed.I(w - 2*margin)
	y := margin + face.Metrics().Ascent.Ceil()
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		for _, line := range wrap(d, strings.Fields(para), maxWidth) {
			if y+face.Metrics().Descent.Ceil() > h-margin {
				return img, lines, nil
			}
			d.Dot = fixed.P(margin, y)
			drawLine(d, f, line)
			lines = append(lines, line)
			y += lineHeight
		}
	}
	return img, lines, nil
}

// drawLine draws line, with a box (tofu) for each character the font lacks: fonts
// draw their missing-glyph mark differently (DejaVu a box, Liberation nothing), and
// tests measure the ink, so every font must leave the same marks.
func drawLine(d *font.Drawer, f *opentype.Font, line string) {
	var buf sfnt.Buffer
	run := strings.Builder{}
	flush := func() {
		if run.Len() > 0 {
			d.DrawString(run.String())
			run.Reset()
		}
	}
	for _, r := range line {
		if gi, err := f.GlyphIndex(&buf, r); err != nil || gi != 0 || r == ' ' {
			run.WriteRune(r)
			continue
		}
		flush()
		adv := d.MeasureString(string(r))
		m := d.Face.Metrics()
		x0, x1 := d.Dot.X.Ceil()+1, (d.Dot.X+adv).Floor()-1
		y0, y1 := (d.Dot.Y - m.Ascent*7/10).Ceil(), d.Dot.Y.Floor()
		img := d.Dst.(*image.Gray)
		for x := x0; x <= x1; x++ {
			img.SetGray(x, y0, color.Gray{})
			img.SetGray(x, y1, color.Gray{})
		}
		for y := y0; y <= y1; y++ {
			img.SetGray(x0, y, color.Gray{})
			img.SetGray(x1, y, color.Gray{})
		}
		d.Dot.X += adv
	}
	flush()
}

func wrap(d *font.Drawer, words []string, maxWidth fixed.Int26_6) []string {
	var lines []string
	cur := ""
	for _, word := range words {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if cur != "" && d.MeasureString(try) > maxWidth {
			lines = append(lines, cur)
			cur = word
			continue
		}
		cur = try
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// SampleExcerpt returns words of the sample text file name in dir (tests find dir
// with testenv.RequireSamples), after skipping the first skip, up to words of them,
// one paragraph a line.
func SampleExcerpt(dir, name string, skip, words int) (string, error) {
	raw, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return "", fmt.Errorf("read sample: %w", err)
	}
	var b strings.Builder
	n := 0
	for para := range strings.SplitSeq(string(raw), "\n") {
		f := strings.Fields(para)
		if skip > 0 {
			k := min(skip, len(f))
			f, skip = f[k:], skip-k
		}
		if len(f) == 0 {
			continue
		}
		f = f[:min(len(f), words-n)]
		b.WriteString(strings.Join(f, " ") + "\n")
		if n += len(f); n >= words {
			break
		}
	}
	return b.String(), nil
}
