package pdfa_test

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"math/bits"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	xccitt "golang.org/x/image/ccitt"
	"golang.org/x/text/unicode/norm"

	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/ocr/ocrtest"
	"kntc/ocr/pdfa"
	"kntc/ocr/pdfa/pdfacheck"
)

// requireTools stops the test when qpdf or poppler's tools are missing.
func requireTools(tb testing.TB) {
	tb.Helper()
	for _, tool := range []string{"qpdf", "pdftotext", "pdfimages"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(tb, tool, "not on PATH; apt-get install qpdf poppler-utils")
		}
	}
}

var testDate = time.Date(2026, 2, 5, 10, 30, 0, 0, time.FixedZone("ICT", 7*3600))

func testMeta() pdfa.Meta {
	return pdfa.Meta{
		Title:      "Quyết định thụ lý giải quyết khiếu nại lần đầu",
		Author:     "Ủy ban nhân dân tỉnh Tây Ninh",
		Subject:    "Thụ lý khiếu nại của bà Nguyễn Thị Hoà",
		Keywords:   "khiếu nại; thụ lý",
		Lang:       "vi-VN",
		CreateDate: testDate,
		Producer:   "kntc test",
	}
}

// page is a test page: what goes into the writer and what must come back out.
type page struct {
	pdfa.Page
	text  string // the OCR text, lines joined by "\n"
	enc   string // pdfimages -list: "jpeg", "ccitt" or "image"
	color string // pdfimages -list: "gray", "rgb", "cmyk" or "icc"
	bpc   int
}

// rendered draws text on a page and measures its word boxes.
func rendered(tb testing.TB, text string, o ocrtest.Options) (*image.Gray, []ingest.Word, string) {
	tb.Helper()
	img, lines, err := ocrtest.Render(text, o)
	if err != nil {
		testenv.Missing(tb, "fonts-liberation2 or fonts-dejavu-core", err.Error())
	}
	return img, measureWords(tb, img, lines), strings.Join(lines, "\n")
}

// measureWords finds the box of every word drawn, from the ink: rows with ink make
// line bands, merged across the smallest gaps (a diacritic floats above its letter)
// until there are as many as lines; columns with ink in a band make segments,
// merged across the smallest gaps until there are as many as words.
func measureWords(tb testing.TB, img *image.Gray, lines []string) []ingest.Word {
	tb.Helper()
	b := img.Bounds()
	ink := func(x, y int) bool { return img.Pix[(y-b.Min.Y)*img.Stride+(x-b.Min.X)] < 128 }
	runs := func(n int, has func(i int) bool) [][2]int {
		var out [][2]int
		for i := 0; i < n; i++ {
			if !has(i) {
				continue
			}
			if len(out) > 0 && out[len(out)-1][1] == i {
				out[len(out)-1][1] = i + 1
			} else {
				out = append(out, [2]int{i, i + 1})
			}
		}
		return out
	}
	mergeTo := func(r [][2]int, n int) [][2]int {
		for len(r) > n {
			at, gap := 0, math.MaxInt
			for i := 0; i+1 < len(r); i++ {
				if g := r[i+1][0] - r[i][1]; g < gap {
					at, gap = i, g
				}
			}
			r[at][1] = r[at+1][1]
			r = append(r[:at+1], r[at+2:]...)
		}
		return r
	}
	bands := mergeTo(runs(b.Dy(), func(y int) bool {
		for x := 0; x < b.Dx(); x++ {
			if ink(x, y) {
				return true
			}
		}
		return false
	}), len(lines))
	if len(bands) != len(lines) {
		tb.Fatalf("found %d lines of ink for %d lines of text", len(bands), len(lines))
	}
	var words []ingest.Word
	for li, band := range bands {
		texts := strings.Fields(lines[li])
		segs := mergeTo(runs(b.Dx(), func(x int) bool {
			for y := band[0]; y < band[1]; y++ {
				if ink(x, y) {
					return true
				}
			}
			return false
		}), len(texts))
		if len(segs) != len(texts) {
			tb.Fatalf("line %d: %d ink segments for %d words", li+1, len(segs), len(texts))
		}
		for i, s := range segs {
			y0, y1 := band[1], band[0]
			for y := band[0]; y < band[1]; y++ {
				for x := s[0]; x < s[1]; x++ {
					if ink(x, y) {
						y0, y1 = min(y0, y), max(y1, y+1)
						break
					}
				}
			}
			words = append(words, ingest.Word{
				Text: texts[i], X0: s[0], Y0: y0, X1: s[1], Y1: y1,
				Confidence: 95, Block: 1, Par: 1, Line: li + 1,
			})
		}
	}
	return words
}

// bilevel thresholds a page as a scanner's black-and-white mode does.
func bilevel(img *image.Gray) *image.Gray {
	out := image.NewGray(img.Bounds())
	for i, v := range img.Pix {
		if v >= 160 {
			out.Pix[i] = 255
		}
	}
	return out
}

// sealed returns the page in colour with a red seal (a ring and a star) stamped on
// its lower right, as decisions carry.
func sealed(img *image.Gray) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(b)
	draw.Draw(out, b, img, b.Min, draw.Src)
	cx, cy := b.Min.X+b.Dx()*3/4, b.Min.Y+b.Dy()*2/3
	r := float64(min(b.Dx(), b.Dy())) / 4
	red := color.RGBA{200, 20, 30, 255}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			d := math.Hypot(float64(x-cx), float64(y-cy))
			if (d < r && d > r*0.9) || (d < r*0.3 && (x+y)%5 != 0) {
				// Multiply, as ink on paper: the text stays readable under the seal.
				g := out.RGBAAt(x, y)
				out.SetRGBA(x, y, color.RGBA{uint8(int(g.R) * int(red.R) / 255), uint8(int(g.G) * int(red.G) / 255), uint8(int(g.B) * int(red.B) / 255), 255})
			}
		}
	}
	return out
}

// greyRGBA is the page as an RGBA image whose pixels are all grey.
func greyRGBA(img *image.Gray) *image.RGBA {
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	return out
}

func encodeJPEG(tb testing.TB, img image.Image, quality int) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// cmykJPEG builds a 4-component JPEG as Adobe's applications write them (APP14
// marker, inverted samples), whose 8×8 blocks are flat colours: DC coefficients
// only, coded with the standard luminance DC table. Go's encoder writes no CMYK.
func cmykJPEG(tb testing.TB, w, h int, progressive bool) []byte {
	tb.Helper()
	ink := func(bx, by int) [4]int { // cyan grows right, magenta and yellow down: a red corner
		return [4]int{bx * 255 / max(1, (w+7)/8-1), by * 255 / max(1, (h+7)/8-1), by * 200 / max(1, (h+7)/8-1), 0}
	}
	var out bytes.Buffer
	seg := func(marker byte, payload []byte) {
		out.Write([]byte{0xff, marker, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)})
		out.Write(payload)
	}
	out.Write([]byte{0xff, 0xd8})
	seg(0xee, []byte{'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0})
	dqt := bytes.Repeat([]byte{1}, 65)
	dqt[0], dqt[1] = 0, 8
	seg(0xdb, dqt)
	frame := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 4}
	for c := byte(1); c <= 4; c++ {
		frame = append(frame, c, 0x11, 0)
	}
	sof := byte(0xc0)
	if progressive {
		sof = 0xc2
	}
	seg(sof, frame)
	dht := append([]byte{0x00, 0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	dht = append(dht, 0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00) // AC: EOB alone, code "0"
	seg(0xc4, dht)
	scan := []byte{4, 1, 0, 2, 0, 3, 0, 4, 0, 0, 63, 0}
	if progressive {
		scan = []byte{4, 1, 0, 2, 0, 3, 0, 4, 0, 0, 0, 0} // the DC scan; AC coefficients stay 0
	}
	seg(0xda, scan)
	dc := [12]struct {
		code uint32
		n    int
	}{{0b00, 2}, {0b010, 3}, {0b011, 3}, {0b100, 3}, {0b101, 3}, {0b110, 3}, {0b1110, 4}, {0b11110, 5}, {0b111110, 6}, {0b1111110, 7}, {0b11111110, 8}, {0b111111110, 9}}
	var acc uint64
	var nbits int
	put := func(code uint32, n int) {
		acc = acc<<n | uint64(code)
		nbits += n
		for nbits >= 8 {
			nbits -= 8
			b := byte(acc >> nbits)
			out.WriteByte(b)
			if b == 0xff {
				out.WriteByte(0) // byte stuffing
			}
		}
	}
	var pred [4]int
	for by := 0; by < (h+7)/8; by++ {
		for bx := 0; bx < (w+7)/8; bx++ {
			k := ink(bx, by)
			for c := range 4 {
				q := (255 - k[c]) - 128 // Adobe CMYK is stored inverted
				diff := q - pred[c]
				pred[c] = q
				cat := bits.Len(uint(max(diff, -diff)))
				put(dc[cat].code, dc[cat].n)
				if cat > 0 {
					v := diff
					if v < 0 {
						v += 1<<cat - 1
					}
					put(uint32(v), cat)
				}
				if !progressive {
					put(0, 1) // EOB
				}
			}
		}
	}
	if nbits > 0 {
		put(1<<(8-nbits)-1, 8-nbits) // pad with one bits
	}
	out.Write([]byte{0xff, 0xd9})
	// The fixture itself must be a JPEG an independent decoder reads as CMYK.
	img, err := jpeg.Decode(bytes.NewReader(out.Bytes()))
	if err != nil {
		tb.Fatalf("the CMYK test JPEG does not decode: %v", err)
	}
	if c, ok := img.(*image.CMYK); !ok || img.Bounds().Dx() != w {
		tb.Fatalf("the CMYK test JPEG decodes as %T %v", img, img.Bounds())
	} else if got, want := c.CMYKAt(w-1, h-1), ink((w-1)/8, (h-1)/8); int(got.C) != want[0] || int(got.M) != want[1] {
		tb.Fatalf("the CMYK test JPEG decodes to %v at the corner, want %v", got, want)
	}
	return out.Bytes()
}

// write makes a PDF/A of the pages.
func write(tb testing.TB, meta pdfa.Meta, pages ...page) []byte {
	tb.Helper()
	var b bytes.Buffer
	w, err := pdfa.NewWriter(&b, meta)
	if err != nil {
		tb.Fatal(err)
	}
	for i, p := range pages {
		if err := w.AddPage(p.Page); err != nil {
			tb.Fatalf("page %d: %v", i+1, err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func normalize(s string) string { return strings.Join(strings.Fields(norm.NFC.String(s)), " ") }

// textLines returns the non-blank lines of s, normalised.
func textLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if n := normalize(l); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// verify runs every check the issue asks of a PDF/A: pdfacheck, qpdf --check, the
// text and word boxes poppler extracts, and the images pdfimages finds.
func verify(tb testing.TB, pdf []byte, pages ...page) {
	tb.Helper()
	requireTools(tb)
	if problems := pdfacheck.Check(pdf); len(problems) > 0 {
		tb.Fatalf("pdfacheck: %d problems, first %v", len(problems), problems)
	}
	dir := tb.TempDir()
	path := filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		tb.Fatal(err)
	}
	// run returns a tool's standard output and fails the test on anything it says
	// on standard error (poppler's syntax errors and warnings, qpdf's warnings) but
	// poppler's note that a page has no words.
	run := func(name string, args ...string) string {
		tb.Helper()
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(name, args...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		complaint := strings.TrimSpace(strings.ReplaceAll(stderr.String(), "no word list", ""))
		if err != nil || complaint != "" {
			tb.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
		}
		return stdout.String()
	}
	if out := run("qpdf", "--check", path); strings.Contains(strings.ToLower(out), "warning") || !strings.Contains(out, "No syntax or stream encoding errors") {
		tb.Fatalf("qpdf --check is not clean:\n%s", out)
	}

	texts := strings.Split(run("pdftotext", "-enc", "UTF-8", path, "-"), "\f")
	if len(texts) < len(pages) {
		tb.Fatalf("pdftotext gave %d pages, want %d", len(texts), len(pages))
	}
	for i, p := range pages {
		if got, want := normalize(texts[i]), normalize(p.text); got != want {
			tb.Errorf("page %d: pdftotext text differs from the OCR text\n got: %q\nwant: %q", i+1, got, want)
		}
		// Stricter than the issue asks: line for line too (poppler adds blank lines
		// between the blocks it sees, so blank lines are not compared).
		if got, want := textLines(texts[i]), textLines(p.text); !slices.Equal(got, want) {
			tb.Errorf("page %d: pdftotext lines differ from the OCR lines\n got: %q\nwant: %q", i+1, got, want)
		}
	}
	verifyBoxes(tb, run("pdftotext", "-bbox", "-enc", "UTF-8", path, "-"), pages)
	verifyImages(tb, run, path, dir, pages)
}

var (
	bboxPage = regexp.MustCompile(`<page width="[^"]*" height="[^"]*">`)
	bboxWord = regexp.MustCompile(`<word xMin="([^"]+)" yMin="([^"]+)" xMax="([^"]+)" yMax="([^"]+)">([^<]*)</word>`)
)

// verifyBoxes holds pdftotext's word boxes (points, top-left origin) against the OCR
// boxes (pixels): same words in the same order, and each OCR box at least 90%
// covered by its extracted box.
func verifyBoxes(tb testing.TB, out string, pages []page) {
	tb.Helper()
	chunks := bboxPage.Split(out, -1)[1:]
	for i, p := range pages {
		got := bboxWord.FindAllStringSubmatch(chunks[i], -1)
		var want []ingest.Word
		for _, w := range p.Words {
			if normalize(w.Text) != "" {
				want = append(want, w)
			}
		}
		if len(got) != len(want) {
			tb.Fatalf("page %d: pdftotext -bbox found %d words, the OCR %d", i+1, len(got), len(want))
		}
		scale := 72 / float64(p.DPI)
		worst := 1.0
		for j, g := range got {
			w := want[j]
			if text := html.UnescapeString(g[5]); norm.NFC.String(text) != normalize(w.Text) {
				tb.Fatalf("page %d word %d: pdftotext %q, OCR %q", i+1, j+1, text, w.Text)
			}
			var box [4]float64
			for k := range box {
				box[k], _ = strconv.ParseFloat(g[k+1], 64)
			}
			ox0, oy0, ox1, oy1 := float64(w.X0)*scale, float64(w.Y0)*scale, float64(w.X1)*scale, float64(w.Y1)*scale
			iw := math.Min(box[2], ox1) - math.Max(box[0], ox0)
			ih := math.Min(box[3], oy1) - math.Max(box[1], oy0)
			cover := math.Max(0, iw) * math.Max(0, ih) / ((ox1 - ox0) * (oy1 - oy0))
			worst = math.Min(worst, cover)
			if cover < 0.9 {
				tb.Errorf("page %d word %q: extracted box %v covers %.0f%% of the OCR box [%.1f %.1f %.1f %.1f]",
					i+1, w.Text, box, 100*cover, ox0, oy0, ox1, oy1)
			}
		}
		tb.Logf("page %d: %d word boxes, the worst %.1f%% covered", i+1, len(got), 100*worst)
	}
}

// verifyImages checks pdfimages' listing (one image a page, its encoding, colour,
// depth, resolution, no interpolation), JPEG streams byte for byte, CCITT streams
// through an independent decoder, and lossless images pixel for pixel as poppler
// decodes them.
func verifyImages(tb testing.TB, run func(string, ...string) string, path, dir string, pages []page) {
	tb.Helper()
	lines := strings.Split(strings.TrimSpace(run("pdfimages", "-list", path)), "\n")[2:]
	if len(lines) != len(pages) {
		tb.Fatalf("pdfimages -list: %d images for %d pages", len(lines), len(pages))
	}
	run("pdfimages", "-all", path, filepath.Join(dir, "all"))
	run("pdfimages", "-png", path, filepath.Join(dir, "png"))
	for i, p := range pages {
		f := strings.Fields(lines[i])
		// page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
		if f[0] != strconv.Itoa(i+1) || f[5] != p.color || f[7] != strconv.Itoa(p.bpc) || f[8] != p.enc || f[9] != "no" || f[12] != strconv.Itoa(p.DPI) {
			tb.Errorf("page %d: pdfimages -list says %q; want color %s, bpc %d, enc %s, no interpolation, %d ppi", i+1, lines[i], p.color, p.bpc, p.enc, p.DPI)
		}
		switch {
		case p.JPEG != nil:
			got, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("all-%03d.jpg", i)))
			if err != nil {
				tb.Fatal(err)
			}
			if !bytes.Equal(got, p.JPEG) {
				tb.Errorf("page %d: the JPEG stream in the PDF is not the input's bytes (%d vs %d bytes)", i+1, len(got), len(p.JPEG))
			}
		default:
			if p.enc == "ccitt" {
				raw, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("all-%03d.ccitt", i)))
				if err != nil {
					tb.Fatal(err)
				}
				g := image.NewGray(image.Rect(0, 0, p.Image.Bounds().Dx(), p.Image.Bounds().Dy()))
				if err := xccitt.DecodeIntoGray(g, bytes.NewReader(raw), xccitt.MSB, xccitt.Group4, nil); err != nil {
					tb.Fatalf("page %d: golang.org/x/image/ccitt cannot decode the G4 stream: %v", i+1, err)
				}
				samePixels(tb, fmt.Sprintf("page %d (G4 through x/image/ccitt)", i+1), g, p.Image)
			}
			if p.bpc == 16 {
				// poppler writes 16-bit images as 8-bit files; qpdf decodes the
				// stream (Flate and PNG predictors) to its 16-bit samples instead.
				raw := run("qpdf", "--show-object="+f[10], "--filtered-stream-data", path)
				sameSamples16(tb, fmt.Sprintf("page %d (qpdf)", i+1), []byte(raw), p.Image)
				continue
			}
			f, err := os.Open(filepath.Join(dir, fmt.Sprintf("png-%03d.png", i)))
			if err != nil {
				tb.Fatal(err)
			}
			got, err := png.Decode(f)
			f.Close()
			if err != nil {
				tb.Fatal(err)
			}
			samePixels(tb, fmt.Sprintf("page %d (poppler)", i+1), got, p.Image)
		}
	}
}

// sameSamples16 compares big-endian 16-bit grey samples with the image.
func sameSamples16(tb testing.TB, what string, raw []byte, want image.Image) {
	tb.Helper()
	b := want.Bounds()
	if len(raw) != 2*b.Dx()*b.Dy() {
		tb.Fatalf("%s: %d bytes of samples for %v", what, len(raw), b)
	}
	for i := 0; i < len(raw); i += 2 {
		x, y := (i/2)%b.Dx(), (i/2)/b.Dx()
		r, _, _, _ := want.At(b.Min.X+x, b.Min.Y+y).RGBA()
		if got := uint32(raw[i])<<8 | uint32(raw[i+1]); got != r {
			tb.Fatalf("%s: sample (%d,%d) is %04x, input %04x", what, x, y, got, r)
		}
	}
}

func samePixels(tb testing.TB, what string, got, want image.Image) {
	tb.Helper()
	gb, wb := got.Bounds(), want.Bounds()
	if gb.Dx() != wb.Dx() || gb.Dy() != wb.Dy() {
		tb.Fatalf("%s: decoded %v, input %v", what, gb, wb)
	}
	if g1, ok := got.(*image.Gray); ok {
		if g2, ok := want.(*image.Gray); ok && g1.Stride == g2.Stride && bytes.Equal(g1.Pix, g2.Pix) {
			return // the common case, without a call per pixel
		}
	}
	for y := 0; y < wb.Dy(); y++ {
		for x := 0; x < wb.Dx(); x++ {
			r1, g1, b1, _ := got.At(gb.Min.X+x, gb.Min.Y+y).RGBA()
			r2, g2, b2, _ := want.At(wb.Min.X+x, wb.Min.Y+y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				tb.Fatalf("%s: pixel (%d,%d) is %04x %04x %04x, input %04x %04x %04x", what, x, y, r1, g1, b1, r2, g2, b2)
			}
		}
	}
}

const decision = "QUYẾT ĐỊNH\nVề việc thụ lý giải quyết khiếu nại lần đầu của bà Nguyễn Thị Hoà\n" +
	"Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011; xét đơn khiếu nại đề ngày 05 tháng 02 năm 2026 " +
	"về việc thu hồi đất tại phường Long Thành Trung, thị xã Hòa Thành, tỉnh Tây Ninh."
