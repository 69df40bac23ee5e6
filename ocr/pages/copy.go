package pages

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// PDFPages is a selection of pages of a PDF and the file to write them to.
type PDFPages struct {
	Pages []int // 1-based page numbers, in the order they are to appear
	Path  string
}

// CopyPDFPages writes each selection of pages of the PDF at src into a new PDF at its
// Path, reading src once. Pages are copied as objects, not re-rendered: their
// content streams and images (a scanner's JPEG or CCITT streams) stay byte for byte
// as they are in src, and so do their text layers and vector content. Each output is
// fsynced. Problems of the file itself wrap this package's sentinels (IsPermanent);
// a failed copy may leave partial outputs, which the caller removes.
func CopyPDFPages(ctx context.Context, src string, lim Limits, out ...PDFPages) (err error) {
	// pdfcpu panics on some malformed input; no file may take the process down.
	defer func() {
		if r := recover(); r != nil {
			err = fail(ErrCorrupt, 0, "pdf: copy pages: %v", r)
		}
	}()
	lim = lim.withDefaults()
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copy pages of %s: %w", src, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("copy pages of %s: %w", src, err)
	}
	if info.Size() > lim.MaxFileBytes {
		return fail(ErrTooLarge, 0, "%d bytes, over the limit of %d", info.Size(), lim.MaxFileBytes)
	}
	pc, err := pdfcpu.ReadWithContext(ctx, io.NewSectionReader(f, 0, info.Size()), pdfConfig(lim))
	if err != nil {
		return classifyPDF(err)
	}
	if pc.Encrypt != nil {
		return fail(ErrEncrypted, 0, "pdf: copy pages of an encrypted file")
	}
	// Validation (relaxed) resolves the page tree and inherited page attributes
	// that page extraction relies on, as pdfcpu's own split does.
	if err := api.ValidateContext(pc); err != nil {
		return fail(ErrCorrupt, 0, "pdf: %v", err)
	}
	for _, o := range out {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, n := range o.Pages {
			if n < 1 || n > pc.PageCount {
				return fmt.Errorf("copy pages of %s: page %d of %d", src, n, pc.PageCount)
			}
		}
		dst, err := pdfcpu.ExtractPages(pc, o.Pages, false)
		if err != nil {
			return fail(ErrCorrupt, 0, "pdf: extract pages %v: %v", o.Pages, err)
		}
		if err := writePDF(dst, o.Path); err != nil {
			return err
		}
	}
	return nil
}

func writePDF(pc *model.Context, path string) error {
	w, err := os.Create(path)
	if err != nil {
		return err
	}
	err = api.WriteContext(pc, w)
	if err == nil {
		err = w.Sync()
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
