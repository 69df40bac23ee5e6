package redact

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
	"unicode"

	"kntc/internal/viet"
)

// ErrLeak reports a public copy that failed its check: a redacted string is still
// in its text, or a rectangle is not black. Publication stops.
var ErrLeak = errors.New("the public copy failed its check")

// checkDPI is the resolution the copy is rendered at to look at its pixels: enough
// to see a rectangle a line of text high, quick to render.
const checkDPI = 50

// darkest is the grey level at or below which a rendered pixel counts as black.
const darkest = 48

// Secret is a string the public copy must not hold, and where it was on the page
// (for the reason given when it is still there; never the string itself, which may
// be a denouncer's name).
type Secret struct {
	Text  string
	Where string
}

// Verify checks a public copy as a reader gets it: the text poppler's pdftotext
// extracts holds none of the secrets, folded on both sides (so neither "Nguyễn"
// nor "Nguyen" nor "NGUYEN" passes; numbers compared by their digits, whatever
// spaces or dots they are written with), and every rectangle, rendered by
// pdftoppm, is black. Any failure wraps ErrLeak and says which rectangle or which
// secret's place, never the secret. It returns the extracted text.
func Verify(ctx context.Context, res Result, rects []Rect, secrets []Secret) (string, error) {
	text, err := verify(ctx, res, rects, secrets)
	if err != nil {
		return "", err
	}
	return text, nil
}

func verify(ctx context.Context, res Result, rects []Rect, secrets []Secret) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	f, err := os.CreateTemp("", "kntc-public-*.pdf")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(res.PDF)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	text, err := exec.CommandContext(ctx, "pdftotext", "-enc", "UTF-8", "-q", f.Name(), "-").Output()
	if err != nil {
		return "", fmt.Errorf("pdftotext of the public copy: %w", err)
	}
	if err := checkText(string(text), secrets); err != nil {
		return "", err
	}
	if !strings.Contains(viet.FoldWords(string(text)), viet.FoldWords(Stamp)) {
		return "", fmt.Errorf("%w: văn bản không có dấu %q (the copy lacks its stamp)", ErrLeak, Stamp)
	}
	return viet.NFC(string(text)), checkPixels(ctx, f.Name(), res, rects)
}

// checkText reports the first secret the text holds.
func checkText(text string, secrets []Secret) error {
	// A name or number a page break cuts in two is looked for whole: the pages'
	// text joined without the stamp each page starts with and its page number.
	joined := joinPages(text)
	words := " " + viet.FoldWords(text) + " " + viet.FoldWords(joined) + " "
	// A number a line break cuts in two is looked for whole as well.
	nums := digitRuns(text) + digitRuns(strings.ReplaceAll(text, "\n", " ")) + digitRuns(joined)
	for _, s := range secrets {
		d := digits(s.Text)
		if len(d) >= 6 && len(d)*2 >= len(strings.ReplaceAll(s.Text, " ", "")) {
			if strings.Contains(nums, d) || len(d) > 9 && d[0] == '0' && strings.Contains(nums, "84"+d[1:]) {
				return fmt.Errorf("%w: văn bản công khai vẫn còn số đã che (%s) (a redacted number is still in the copy's text)", ErrLeak, s.Where)
			}
			continue
		}
		f := viet.FoldWords(s.Text)
		if len(f) < 4 {
			continue // a letter or two: found in any text, it names no one
		}
		if strings.Contains(words, " "+f+" ") {
			return fmt.Errorf("%w: văn bản công khai vẫn còn chữ đã che (%s) (a redacted string is still in the copy's text)", ErrLeak, s.Where)
		}
	}
	return nil
}

// joinPages returns the text's lines in one line, passing over the stamp's line
// (the first of every page) and lines holding only a page number.
func joinPages(text string) string {
	stamp := viet.FoldWords(Stamp)
	var keep []string
	for _, l := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\f' }) {
		t := strings.TrimSpace(l)
		if n := strings.Trim(t, "-–—.· "); n != "" && len(n) <= 3 && digits(n) == n {
			continue
		}
		if t == "" || strings.Contains(viet.FoldWords(t), stamp) {
			continue
		}
		keep = append(keep, t)
	}
	return strings.Join(keep, " ")
}

// digitRuns is the text's numbers with the spaces, dots, dashes and brackets
// people write inside them removed, separated by "|".
func digitRuns(text string) string {
	rs := []rune(text)
	var b strings.Builder
	b.WriteByte('|')
	for i, r := range rs {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune(" .-()+\u00a0", r) && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && (unicode.IsDigit(rs[i+1]) || rs[i+1] == ' ' || rs[i+1] == '('):
		default:
			if !strings.HasSuffix(b.String(), "|") {
				b.WriteByte('|')
			}
		}
	}
	return b.String() + "|"
}

// checkPixels renders every page and looks under each rectangle: inside a margin
// of a rendered pixel (anti-aliasing greys the edges) every pixel must be black.
func checkPixels(ctx context.Context, path string, res Result, rects []Rect) error {
	if len(rects) == 0 {
		return nil
	}
	cmd := exec.CommandContext(ctx, "pdftoppm", "-r", strconv.Itoa(checkDPI), "-gray", path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pdftoppm: %w", err)
	}
	br := bufio.NewReader(out)
	var perr error
	for i := range res.Pages {
		img, err := readPGM(br)
		if err != nil {
			perr = fmt.Errorf("render page %d of the public copy: %w", i+1, err)
			break
		}
		if perr = pageBlack(img, i+1, res.geom[i], rects); perr != nil {
			break
		}
	}
	_, _ = io.Copy(io.Discard, br)
	if err := cmd.Wait(); err != nil && perr == nil {
		perr = fmt.Errorf("pdftoppm: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return perr
}

func pageBlack(img *image.Gray, page int, g geom, rects []Rect) error {
	fx, fy := float64(img.Rect.Dx())/float64(g.w), float64(img.Rect.Dy())/float64(g.h)
	for i, r := range rects {
		if r.Page != page {
			continue
		}
		c := g.at(r)
		x0, y0 := int(float64(c.Min.X)*fx)+1, int(float64(c.Min.Y)*fy)+1
		x1, y1 := int(float64(c.Max.X)*fx)-1, int(float64(c.Max.Y)*fy)-1
		if x1 <= x0 || y1 <= y0 { // thinner than the margin: its middle
			x0, y0 = int(float64(c.Min.X+c.Max.X)/2*fx), int(float64(c.Min.Y+c.Max.Y)/2*fy)
			x1, y1 = x0+1, y0+1
		}
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				if img.GrayAt(x, y).Y > darkest {
					return fmt.Errorf("%w: vùng che %d ở trang %d không đen hoàn toàn (rectangle %d on page %d is not black)", ErrLeak, i+1, page, i+1, page)
				}
			}
		}
	}
	return nil
}

// readPGM reads one binary PGM (P5, 8 bits) image.
func readPGM(r *bufio.Reader) (*image.Gray, error) {
	var magic string
	if _, err := fmt.Fscan(r, &magic); err != nil {
		return nil, err
	}
	if magic != "P5" {
		return nil, fmt.Errorf("not a PGM image: %q", magic)
	}
	var w, h, maxv int
	if _, err := fmt.Fscan(r, &w, &h, &maxv); err != nil {
		return nil, err
	}
	if _, err := r.ReadByte(); err != nil { // the single white space after the header
		return nil, err
	}
	if w <= 0 || h <= 0 || maxv != 255 || int64(w)*int64(h) > 200<<20 {
		return nil, fmt.Errorf("PGM image %d×%d max %d", w, h, maxv)
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	if _, err := io.ReadFull(r, img.Pix); err != nil {
		return nil, err
	}
	return img, nil
}
