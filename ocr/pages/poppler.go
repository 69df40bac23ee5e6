package pages

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"kntc/internal/viet"
	"kntc/internal/vnlegacy"
)

// Poppler (pdftoppm, pdftotext) renders the PDF pages that are not one image and
// reads text layers. Each run is a subprocess bound by the caller's context and by
// Limits.MaxRenderTime, and its output is read with a bound: pdftoppm writes a PPM
// whose header is checked against Limits.MaxPixels before the pixels are read.

const (
	maxTextBytes  = 8 << 20
	minTextLetter = 20
)

// tailBuffer keeps the last bytes written to it (a subprocess's stderr).
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	const max = 2048
	t.b = append(t.b, p...)
	if len(t.b) > max {
		t.b = t.b[len(t.b)-max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return strings.TrimSpace(strings.ToValidUTF8(string(t.b), "")) }

// poppler runs one poppler tool on page num and hands its stdout to read. It maps
// the outcome: the caller's cancellation as it is, running out of MaxRenderTime as
// ErrTooSlow, a failing tool as ErrCorrupt, a missing tool as a plain error.
func (f *File) poppler(ctx context.Context, num int, tool string, args []string, read func(io.Reader) error) error {
	rctx, cancel := context.WithTimeout(ctx, f.lim.MaxRenderTime)
	defer cancel()
	cmd := exec.CommandContext(rctx, tool, args...)
	cmd.WaitDelay = 5 * time.Second
	var stderr tailBuffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run %s (install poppler-utils): %w", tool, err)
	}
	rerr := read(bufio.NewReaderSize(out, 256<<10))
	if rerr != nil {
		cancel() // stop the tool: the rest of its output is not wanted
	}
	werr := cmd.Wait()
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(rerr, errEnough):
		return nil
	case IsPermanent(rerr): // what was read was refused (too many pixels)
		return rerr
	case errors.Is(rctx.Err(), context.DeadlineExceeded):
		return fail(ErrTooSlow, num, "%s ran longer than %s", tool, f.lim.MaxRenderTime)
	case werr != nil:
		var ee *exec.ExitError
		if errors.As(werr, &ee) {
			// An exit status is poppler refusing the file. A crash (segmentation
			// fault, abort) is poppler tripping over it, and would recur. Other signals
			// (the OOM killer's SIGKILL) say nothing about the file.
			if ws, ok := ee.Sys().(syscall.WaitStatus); ee.Exited() || ok && ws.Signaled() && crashSignal(ws.Signal()) {
				return fail(ErrCorrupt, num, "%s: %v: %s", tool, werr, stderr.String())
			}
		}
		return fmt.Errorf("%s page %d: %w: %s", tool, num, werr, stderr.String())
	case rerr != nil:
		return rerr
	}
	return nil
}

// errEnough is returned by a poppler output reader that has read all it wants.
var errEnough = errors.New("enough output")

func crashSignal(s syscall.Signal) bool {
	switch s {
	case syscall.SIGSEGV, syscall.SIGABRT, syscall.SIGBUS, syscall.SIGFPE, syscall.SIGILL:
		return true
	}
	return false
}

// render rasterises page num (1-based) at dpi with pdftoppm.
func (f *File) render(ctx context.Context, num, dpi int) (image.Image, error) {
	n := strconv.Itoa(num)
	args := []string{"-r", strconv.Itoa(dpi), "-f", n, "-l", n, "-cropbox", f.path}
	var img image.Image
	// Rounding may add a row or a column to what Open computed.
	maxPixels := f.lim.MaxPixels + f.lim.MaxPixels/100 + 10000
	err := f.poppler(ctx, num, "pdftoppm", args, func(r io.Reader) error {
		br := r.(*bufio.Reader)
		var err error
		if img, err = readPNM(br, maxPixels, num); err != nil {
			return err
		}
		if _, err := br.ReadByte(); err != io.EOF {
			return errEnough // more than one page: stop the tool rather than wait for it
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return img, nil
}

// pdfText returns the usable text layer of page num (1-based), or "". When the
// page has a font named for a legacy Vietnamese encoding (legacy), the words
// set in such fonts are converted by their font first (legacyByFont).
func (f *File) pdfText(ctx context.Context, num int, legacy bool) (string, error) {
	n := strconv.Itoa(num)
	args := []string{"-f", n, "-l", n, "-enc", "UTF-8", "-q", f.path, "-"}
	var b []byte
	err := f.poppler(ctx, num, "pdftotext", args, func(r io.Reader) error {
		var err error
		b, err = io.ReadAll(io.LimitReader(r, maxTextBytes))
		if err == nil && len(b) == maxTextBytes {
			return errEnough // the rest of a page this long is not needed
		}
		return err
	})
	switch {
	case errors.Is(err, ErrCorrupt):
		return "", nil // no readable text layer: the page will be OCRed
	case err != nil:
		return "", err
	}
	text := strings.ToValidUTF8(string(b), "")
	if legacy {
		frags, err := f.fragments(ctx, num)
		if err != nil {
			return "", err
		}
		text = legacyByFont(text, frags)
	}
	return usableText(text), nil
}

// usableText normalises a text layer to NFC and returns it, or "" when it is too
// short to spare OCR or looks garbled. Vietnamese PDFs typed with legacy font
// encodings (TCVN3/ABC, VNI) have text layers such as "QuyÕt ®Þnh" or "Quyeát ñònh":
// those are converted to Unicode first (vnlegacy; lines already in Unicode are
// kept). What is still Latin-1 symbols and letters that Vietnamese does not use is
// worse than OCR for search, so it is dropped.
func usableText(s string) string {
	s, _ = vnlegacy.Convert(strings.ToValidUTF8(s, "")) // what fonts did not tell
	s = strings.TrimFunc(viet.NFC(s), unicode.IsSpace)
	letters, odd := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
			if r >= 0xC0 && r <= 0xFF && !strings.ContainsRune(vietnameseLatin1, r) {
				odd++
			}
		case r == utf8.RuneError, r >= 0xE000 && r <= 0xF8FF, r >= 0xA0 && r <= 0xBF,
			unicode.IsControl(r) && !unicode.IsSpace(r):
			odd++
		}
	}
	if letters < minTextLetter || odd*20 > letters {
		return ""
	}
	return s
}

// vietnameseLatin1 are the letters of Latin-1 that Vietnamese uses.
const vietnameseLatin1 = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý"

// readPNM reads a binary PGM or PPM (what pdftoppm writes) after checking its size.
// A colour page whose pixels are all neutral is returned as grey.
func readPNM(r *bufio.Reader, maxPixels int64, page int) (image.Image, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("pdftoppm output for page %d: %s", page, fmt.Sprintf(format, args...))
	}
	var magic [2]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, bad("%v", err)
	}
	if magic[0] != 'P' || magic[1] != '5' && magic[1] != '6' {
		return nil, bad("not a PGM or PPM")
	}
	var v [3]int
	for i := range v {
		n, err := pnmInt(r)
		if err != nil {
			return nil, bad("%v", err)
		}
		v[i] = n
	}
	w, h, maxval := v[0], v[1], v[2]
	if _, err := r.ReadByte(); err != nil { // the single whitespace before the pixels
		return nil, bad("%v", err)
	}
	if w <= 0 || h <= 0 || maxval != 255 {
		return nil, bad("size %d×%d, maxval %d", w, h, maxval)
	}
	if int64(w)*int64(h) > maxPixels {
		return nil, fail(ErrTooManyPixels, page, "rendered page %d×%d", w, h)
	}
	rect := image.Rect(0, 0, w, h)
	if magic[1] == '5' {
		g := image.NewGray(rect)
		if _, err := io.ReadFull(r, g.Pix); err != nil {
			return nil, bad("%v", err)
		}
		return g, nil
	}
	m := image.NewRGBA(rect)
	row := make([]byte, 3*w)
	neutral := true
	for y := range h {
		if _, err := io.ReadFull(r, row); err != nil {
			return nil, bad("%v", err)
		}
		pix := m.Pix[y*m.Stride:]
		for x := range w {
			c := row[3*x : 3*x+3]
			pix[4*x], pix[4*x+1], pix[4*x+2], pix[4*x+3] = c[0], c[1], c[2], 0xFF
			neutral = neutral && c[0] == c[1] && c[1] == c[2]
		}
	}
	if !neutral {
		return m, nil
	}
	g := image.NewGray(rect)
	for i := range g.Pix {
		g.Pix[i] = m.Pix[4*i]
	}
	return g, nil
}

// pnmInt reads a decimal header field, skipping whitespace and comments.
func pnmInt(r *bufio.Reader) (int, error) {
	var c byte
	var err error
	for {
		if c, err = r.ReadByte(); err != nil {
			return 0, err
		}
		if c == '#' {
			if _, err := r.ReadString('\n'); err != nil {
				return 0, err
			}
			continue
		}
		if !isSpace(c) {
			break
		}
	}
	n := 0
	for digits := 0; ; digits++ {
		if c < '0' || c > '9' || digits > 9 {
			return 0, fmt.Errorf("bad header byte %q", c)
		}
		n = n*10 + int(c-'0')
		if c, err = r.ReadByte(); err != nil {
			return 0, err
		}
		if isSpace(c) {
			r.UnreadByte()
			return n, nil
		}
	}
}
