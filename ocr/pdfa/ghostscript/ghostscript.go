// Package ghostscript makes PDF/A-2b archive copies of born-digital PDFs (PDFs whose
// pages carry real text, not scans) with Ghostscript's pdfwrite device, run as a
// separate process (Ghostscript is AGPL software and is never linked into kntc). A
// PDF that already is PDF/A is kept as it is.
package ghostscript

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"kntc/internal/viet"
	"kntc/ocr/pdfa/internal/icc"
	"kntc/ocr/pdfa/pdfacheck"
)

// ErrNotConformant: Ghostscript's output failed the PDF/A check.
var ErrNotConformant = errors.New("ghostscript output is not PDF/A")

// IsPDFA reports whether pdf declares PDF/A-2 (or -3) and passes the conformance
// check: then it is its own archive copy.
func IsPDFA(pdf []byte) bool {
	if !bytes.Contains(pdf, []byte("pdfaid:part")) {
		return false
	}
	return len(pdfacheck.Check(pdf)) == 0
}

// Convert writes the PDF/A-2b copy of src to dst. title is the document's title (the
// XMP and Info agree on it). The output is checked; one that fails the check is an
// error wrapping ErrNotConformant, and dst is removed.
func Convert(ctx context.Context, src, dst, title string) error {
	if _, err := exec.LookPath("gs"); err != nil {
		return fmt.Errorf("ghostscript (gs) is not installed: %w", err)
	}
	work, err := os.MkdirTemp(filepath.Dir(dst), ".gs-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	profile := filepath.Join(work, "srgb.icc")
	if err := os.WriteFile(profile, icc.SRGB(), 0o600); err != nil {
		return err
	}
	def := filepath.Join(work, "pdfa_def.ps")
	if err := os.WriteFile(def, []byte(pdfaDef(profile)), 0o600); err != nil {
		return err
	}
	// The title goes in after the input: pdfwrite takes the input's own Info
	// dictionary when it reads it, replacing what came before. Ghostscript 10.0
	// discards the whole DOCINFO in PDF/A mode when a string is not ASCII, so the
	// title is written without diacritics (the database keeps the real one).
	info := filepath.Join(work, "info.ps")
	if err := os.WriteFile(info, []byte("[ /Title "+psString(asciiTitle(title))+" /DOCINFO pdfmark\n"), 0o600); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-dNOOUTERSAVE",
		"-dPDFA=2", "-dPDFACompatibilityPolicy=1", "-sColorConversionStrategy=RGB",
		"-sDEVICE=pdfwrite", "--permit-file-read="+profile, "-sOutputFile="+dst, def, src, info)
	if out, err := cmd.CombinedOutput(); err != nil {
		_ = os.Remove(dst)
		return fmt.Errorf("ghostscript: %w: %s", err, firstLines(string(out), 5))
	}
	pdf, err := os.ReadFile(dst)
	if err != nil {
		return err
	}
	if probs := pdfacheck.Check(pdf); len(probs) > 0 {
		_ = os.Remove(dst)
		return fmt.Errorf("%w: %s", ErrNotConformant, probs[0])
	}
	return nil
}

// pdfaDef is Ghostscript's PDFA_def.ps with our sRGB profile.
func pdfaDef(profile string) string {
	return `%!
/ICCProfile ` + psString(profile) + ` def
[/_objdef {icc_PDFA} /type /stream /OBJ pdfmark
[{icc_PDFA} << /N 3 >> /PUT pdfmark
[{icc_PDFA} ICCProfile (r) file /PUT pdfmark
[/_objdef {OutputIntent_PDFA} /type /dict /OBJ pdfmark
[{OutputIntent_PDFA} <<
  /Type /OutputIntent
  /S /GTS_PDFA1
  /DestOutputProfile {icc_PDFA}
  /OutputConditionIdentifier (sRGB IEC61966-2.1)
  /Info (sRGB IEC61966-2.1)
  /RegistryName (http://www.color.org)
>> /PUT pdfmark
[{Catalog} << /OutputIntents [ {OutputIntent_PDFA} ] >> /PUT pdfmark
`
}

// psString writes an ASCII s as a PostScript string.
func psString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
	return "(" + r.Replace(s) + ")"
}

// asciiTitle folds the diacritics away and drops what is still not printable ASCII.
func asciiTitle(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return -1
		}
		return r
	}, viet.Fold(s))
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, " / ")
}
