package ghostscript_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kntc/internal/testenv"
	"kntc/ocr/ocrtest"
	"kntc/ocr/pdfa/ghostscript"
	"kntc/ocr/pdfa/pdfacheck"
)

func TestConvertBornDigital(t *testing.T) {
	if _, err := exec.LookPath("gs"); err != nil {
		testenv.Missing(t, "Ghostscript", "gs is not installed (Debian package ghostscript)")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(src, ocrtest.TextPDF("QUYET DINH ve viec giai quyet khieu nai lan dau", "Dieu 1. Cong nhan noi dung khieu nai"), 0o644); err != nil {
		t.Fatal(err)
	}
	if ghostscript.IsPDFA(ocrtest.TextPDF("x")) {
		t.Fatal("a plain PDF counted as PDF/A")
	}
	dst := filepath.Join(dir, "out.pdf")
	if err := ghostscript.Convert(t.Context(), src, dst, "Quyết định giải quyết khiếu nại"); err != nil {
		t.Fatal(err)
	}
	pdf, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pdfacheck.Check(pdf) {
		t.Errorf("PDF/A: %s", p)
	}
	if !ghostscript.IsPDFA(pdf) {
		t.Error("the converted copy does not count as PDF/A")
	}
	if out, err := exec.Command("qpdf", "--check", dst).CombinedOutput(); err != nil || strings.Contains(string(out), "WARNING") {
		t.Errorf("qpdf --check: %v\n%s", err, out)
	}
	text, err := exec.Command("pdftotext", dst, "-").Output()
	if err != nil || !strings.Contains(string(text), "giai quyet khieu nai") {
		t.Errorf("pdftotext: %v %q", err, text)
	}
	info, _ := exec.Command("pdfinfo", dst).Output()
	if !strings.Contains(string(info), "Title:           Quyet dinh giai quyet khieu nai") {
		t.Errorf("the title (without diacritics: Ghostscript 10.0 drops non-ASCII DOCINFO in PDF/A) is missing:\n%s", info)
	}
}
