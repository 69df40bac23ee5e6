package tesseract

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"

	xdraw "golang.org/x/image/draw"
)

// MinOrientationConfidence is the OSD confidence below which DetectOrientation
// leaves a page as it is: below it Tesseract's guess on sparse or noisy pages is
// wrong often enough that turning the page would do more harm than good.
const MinOrientationConfidence = 2.0

// osdDPI is the resolution pages are reduced to for orientation detection: enough
// for OSD's character classifier, and a quarter of the pixels of a 300 dpi page.
const osdDPI = 150

// DetectOrientation asks Tesseract's orientation and script detection (the
// `tesseract` command with `--psm 0 -l osd`; gosseract does not expose OSD) how far
// page must be turned clockwise to be upright: 0, 90, 180 or 270, with Tesseract's
// confidence. A page OSD cannot judge (too little text) or judges with a confidence
// below MinOrientationConfidence gets 0. The context bounds the command. Safe for
// concurrent use.
func DetectOrientation(ctx context.Context, page image.Image, dpi int) (degrees int, confidence float64, err error) {
	b := page.Bounds()
	if b.Dx() < 1 || b.Dy() < 1 {
		return 0, 0, fmt.Errorf("detect orientation: %w", ErrNoImage)
	}
	if dpi < 70 || dpi > 2400 {
		dpi = 300
	}
	small := downscale(page, dpi)
	f, err := os.CreateTemp("", "kntc-osd-*.png")
	if err != nil {
		return 0, 0, fmt.Errorf("detect orientation: %w", err)
	}
	defer os.Remove(f.Name())
	if err := png.Encode(f, small); err != nil {
		f.Close()
		return 0, 0, fmt.Errorf("detect orientation: write %s: %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return 0, 0, fmt.Errorf("detect orientation: write %s: %w", f.Name(), err)
	}
	// No --dpi: Tesseract 5.3 ignores it in OSD mode (and warns about the PNG's
	// missing resolution); OSD judges from the shapes alone.
	cmd := exec.CommandContext(ctx, "tesseract", f.Name(), "stdout", "--psm", "0", "-l", "osd")
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return 0, 0, fmt.Errorf("detect orientation: %w", ctx.Err())
	}
	out := stdout.String() + stderr.String()
	if strings.Contains(out, "Too few characters") {
		return 0, 0, nil // a blank or nearly blank page: nothing to turn
	}
	if runErr != nil {
		return 0, 0, fmt.Errorf("detect orientation: tesseract: %w: %s", runErr, strings.TrimSpace(stderr.String()))
	}
	degrees, confidence, err = parseOSD(out)
	if err != nil {
		return 0, 0, fmt.Errorf("detect orientation: %w", err)
	}
	if confidence < MinOrientationConfidence {
		return 0, confidence, nil
	}
	return degrees, confidence, nil
}

// parseOSD reads the "Rotate: N" and "Orientation confidence: C" lines of
// Tesseract's OSD report. N is the clockwise turn that makes the page upright.
func parseOSD(out string) (degrees int, confidence float64, err error) {
	var haveRotate, haveConf bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		switch strings.TrimSpace(key) {
		case "Rotate":
			n, err := strconv.Atoi(val)
			if err != nil || n%90 != 0 || n < 0 || n >= 360 {
				return 0, 0, fmt.Errorf("OSD rotation %q", val)
			}
			degrees, haveRotate = n, true
		case "Orientation confidence":
			c, err := strconv.ParseFloat(val, 64)
			if err != nil {
				return 0, 0, fmt.Errorf("OSD confidence %q", val)
			}
			confidence, haveConf = c, true
		}
	}
	if !haveRotate || !haveConf {
		return 0, 0, errors.New("no rotation and confidence in the OSD report")
	}
	return degrees, confidence, nil
}

// downscale returns page in grey, reduced to about osdDPI when it is finer.
func downscale(page image.Image, dpi int) *image.Gray {
	b := page.Bounds()
	if dpi <= osdDPI {
		g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
		xdraw.Draw(g, g.Bounds(), page, b.Min, xdraw.Src)
		return g
	}
	scale := float64(osdDPI) / float64(dpi)
	w := max(1, int(math.Round(float64(b.Dx())*scale)))
	h := max(1, int(math.Round(float64(b.Dy())*scale)))
	g := image.NewGray(image.Rect(0, 0, w, h))
	xdraw.ApproxBiLinear.Scale(g, g.Bounds(), page, b, xdraw.Src, nil)
	return g
}
