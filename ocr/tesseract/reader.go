package tesseract

import (
	"context"
	"fmt"
	"image"
	"os/exec"
	"slices"
	"strings"
	"unicode"

	"kntc/ingest"
	"kntc/internal/viet"
	"kntc/ocr"
	"kntc/ocr/clean"
	"kntc/ocr/tonelm"
)

// Reader is kntc's recogniser: it cleans the page (clean.Prepare: the red seal
// faded, the lighting flattened, specks removed, lines straightened, 600 dpi brought
// down to 300), reads it with the Engine at the turn the page's ink says
// (clean.Orientation: upside down, on its side, or as it is), and only when that
// reading looks wrong — low confidence, or words that are not Vietnamese syllables
// — asks Tesseract's orientation detection (OSD) how the page lies, turns it and
// reads it again, keeping whichever reading is better. A page whose lines run
// vertically but do not show which way up is asked about before the first
// reading, which would be garbage half the time. Side-by-side columns (a
// decision's header and signature blocks, a body set in two columns) are read one
// after the other and tables row by row (ocr.ReadingOrder), and noise
// lines and stray marks are taken out (ocr.DropNoiseWords), and tone marks read
// as their neighbours are restored from context (tonelm.Correct). Word boxes are in the
// pixels of the page as given, turned by Recognition.Rotation: the image the
// pipeline archives. Safe for concurrent use; the Engine bounds how many pages are
// read at once.
type Reader struct {
	engine *Engine
	// orient is DetectOrientation; tests replace it.
	orient func(ctx context.Context, page image.Image, dpi int) (int, float64, error)
	// correct restores tone and vowel marks read as their neighbours; tests
	// replace it to see the words before it.
	correct func(words []ingest.Word) []ingest.Word
}

// NewReader returns a Reader on e. It fails when Tesseract's orientation model or
// command is missing, which a misconfigured server would otherwise only show on the
// first page that needs it.
func NewReader(e *Engine) (*Reader, error) {
	if _, err := exec.LookPath("tesseract"); err != nil {
		return nil, fmt.Errorf("orientation detection needs the tesseract command (install tesseract-ocr): %w", err)
	}
	langs, err := Languages()
	if err != nil {
		return nil, fmt.Errorf("list Tesseract languages: %w", err)
	}
	if !slices.Contains(langs, "osd") {
		return nil, fmt.Errorf("tesseract has no orientation model %q (installed: %s); install tesseract-ocr-osd", "osd", strings.Join(langs, ", "))
	}
	return &Reader{engine: e, orient: DetectOrientation, correct: tonelm.Correct}, nil
}

// WithoutToneCorrection makes r keep the tone and vowel marks as Tesseract read
// them (KNTC_TONE_CORRECTION=false; bench-ingest's baseline). Call it before r is
// used.
func (r *Reader) WithoutToneCorrection() {
	r.correct = func(w []ingest.Word) []ingest.Word { return w }
}

// Thresholds of a first reading that looks wrong. Upright print, even speckled or
// photocopied, reads at a mean confidence above 85 with nine words in ten
// Vietnamese syllables; a page upside down or on its side reads below 50, mostly
// garbage.
const (
	suspectConfidence = 65
	suspectVietnamese = 0.6
)

// Recognize implements ingest.Recognizer.
func (r *Reader) Recognize(ctx context.Context, page image.Image, dpi int) (ingest.Recognition, error) {
	b := page.Bounds()
	if b.Dx() < 1 || b.Dy() < 1 {
		return ingest.Recognition{}, fmt.Errorf("recognize: %w", ErrNoImage)
	}
	p := clean.Prepare(page, dpi)
	g := p.Gray
	read := map[int][]ingest.Word{} // readings by clockwise turn
	readAt := func(deg int) ([]ingest.Word, error) {
		if ws, ok := read[deg]; ok {
			return ws, nil
		}
		in := g
		if deg != 0 {
			in = ocr.Rotate(g, deg).(*image.Gray)
		}
		ws, err := r.read(ctx, in, p.DPI)
		read[deg] = ws
		return ws, err
	}
	osd := -1 // not asked yet
	askOSD := func() error {
		if osd >= 0 {
			return nil
		}
		deg, _, err := r.orient(ctx, g, p.DPI)
		osd = deg
		return err
	}
	// The ink says how the page lies, in milliseconds: OSD takes a second and a
	// half, as long as reading the page. When the lines run vertically but the ink
	// does not say which way up, ask OSD before reading rather than read garbage.
	// A wrong guess costs a reading, not the text: it reads as suspect, and OSD is
	// asked then. (Orientation's guess for vertical lines is never 0.)
	rotation, sure := clean.Orientation(g)
	if !sure && rotation != 0 {
		if err := askOSD(); err != nil {
			return ingest.Recognition{}, fmt.Errorf("recognize: %w", err)
		}
		if osd != 0 { // OSD's 0 is also its "no opinion": the lines do run vertically
			rotation = osd
		}
	}
	words, err := readAt(rotation)
	if err != nil {
		return ingest.Recognition{}, fmt.Errorf("recognize: %w", err)
	}
	if suspect(words) {
		if err := askOSD(); err != nil {
			return ingest.Recognition{}, fmt.Errorf("recognize: %w", err)
		}
		// The turn OSD says, the opposite of the turn read, the page as it is: until
		// a reading looks right, keeping the best.
		for _, deg := range []int{osd, (rotation + 180) % 360, 0} {
			if _, done := read[deg]; done {
				continue
			}
			again, err := readAt(deg)
			if err != nil {
				return ingest.Recognition{}, fmt.Errorf("recognize: %w", err)
			}
			if quality(again) > quality(words) {
				words, rotation = again, deg
			}
			if !suspect(words) {
				break
			}
		}
	}
	// The page as it was read (its words' pixels).
	in := g
	if rotation != 0 {
		in = ocr.Rotate(g, rotation).(*image.Gray)
	}
	// A speck Tesseract took into a word would widen it into the gutter between
	// columns: the layout is found from boxes trimmed of such specks.
	words = ocr.ReadingOrder(ocr.TrimSpecks(in, words))
	if slices.ContainsFunc(words, func(w ingest.Word) bool { return w.Cell > 0 }) {
		// Table cells Tesseract's page reading lost or misread, read again alone.
		if words, err = r.rereadCells(ctx, in, p.DPI, words); err != nil {
			return ingest.Recognition{}, fmt.Errorf("recognize: %w", err)
		}
	}
	// Weak lines of the header block, read again alone.
	if words, err = r.rereadWeakLines(ctx, in, p.DPI, words); err != nil {
		return ingest.Recognition{}, fmt.Errorf("recognize: %w", err)
	}
	// Tone and vowel marks read as their neighbours ("nhần dần" for "nhân dân",
	// "Điêu" for "Điều"), from the sentence around them; same words, same boxes.
	words = r.correct(ocr.DropNoiseWords(words))
	// The Đ of a code read twice ("QĐÐ-UBND"), or as an eth: one Đ.
	for i := range words {
		words[i].Text = viet.SingleD(words[i].Text)
	}
	// Back from the prepared page, turned, to the page as given, turned: the turn
	// undone, then the straightening and the scale (clean.Page.Original), then the
	// turn done again on the page as given (ocr.Rotate's geometry).
	gw, gh := g.Bounds().Dx(), g.Bounds().Dy()
	w, h := b.Dx(), b.Dy()
	for i := range words {
		wd := &words[i]
		x0, y0, x1, y1 := turnBox(wd.X0, wd.Y0, wd.X1, wd.Y1, (360-rotation)%360, turnedSize(gw, gh, rotation))
		x0, y0, x1, y1 = p.Original(x0, y0, x1, y1)
		wd.X0, wd.Y0, wd.X1, wd.Y1 = turnBox(x0, y0, x1, y1, rotation, image.Pt(w, h))
	}
	rec := assemble(words)
	rec.Rotation = rotation
	return rec, nil
}

// turnedSize is the size of a w×h image turned by deg.
func turnedSize(w, h, deg int) image.Point {
	if deg == 90 || deg == 270 {
		return image.Pt(h, w)
	}
	return image.Pt(w, h)
}

// turnBox maps a box (x1, y1 exclusive) of an image of the given size to the image
// turned clockwise by deg, as ocr.Rotate turns it.
func turnBox(x0, y0, x1, y1, deg int, size image.Point) (int, int, int, int) {
	w, h := size.X, size.Y
	switch deg {
	case 90: // (x, y) goes to (h-1-y, x)
		return h - y1, x0, h - y0, x1
	case 180:
		return w - x1, h - y1, w - x0, h - y0
	case 270: // (x, y) goes to (y, w-1-x)
		return y0, w - x1, y1, w - x0
	}
	return x0, y0, x1, y1
}

// read runs the engine on a prepared page.
func (r *Reader) read(ctx context.Context, g *image.Gray, dpi int) ([]ingest.Word, error) {
	boxes, err := r.engine.boxes(ctx, g, dpi)
	if err != nil {
		return nil, err
	}
	return toWords(boxes), nil
}

// suspect reports whether a first reading looks like a page read the wrong way
// round: low mean confidence, or most of its words not Vietnamese. A page without
// words (blank, or a picture) is not suspect: OSD has nothing to judge either.
func suspect(words []ingest.Word) bool {
	if len(words) == 0 {
		return false
	}
	conf, vi := stats(words)
	return conf < suspectConfidence || vi < suspectVietnamese
}

// quality ranks two readings of a page: mean confidence weighted by the share of
// Vietnamese words, times the number of words (a turned page that reads a few
// confident words is not better than one that reads the page).
func quality(words []ingest.Word) float64 {
	conf, vi := stats(words)
	return conf * vi * float64(len(words))
}

// stats returns the mean word confidence and the share of letters that are in
// Vietnamese syllables, among the words that have letters.
func stats(words []ingest.Word) (conf, vietnamese float64) {
	var sum float64
	var letters, good int
	for _, w := range words {
		sum += w.Confidence
		// Each run of letters on its own: "QĐ-UBND", "(sau", "đây:".
		for _, part := range strings.FieldsFunc(w.Text, func(r rune) bool { return !unicode.IsLetter(r) }) {
			n := len([]rune(part))
			letters += n
			if viet.IsSyllable(part) || isAcronym(part) {
				good += n
			}
		}
	}
	if len(words) > 0 {
		conf = sum / float64(len(words))
	}
	if letters > 0 {
		vietnamese = float64(good) / float64(letters)
	} else {
		vietnamese = 1
	}
	return conf, vietnamese
}

// isAcronym: UBND, QĐ, TTr, HĐND — upper-case letters of an abbreviation, which
// headers and symbols are full of.
func isAcronym(s string) bool {
	upper := 0
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
		if unicode.IsUpper(r) {
			upper++
		}
	}
	return upper >= 2 && len([]rune(s)) <= 8
}
