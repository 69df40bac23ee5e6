// Package office turns office files (.doc, .docx, .odt, .rtf, .xls, .xlsx, .ods)
// into PDF/A-2 copies with LibreOffice, run headless as a separate program, and
// puts the Vietnamese text typed in the pre-Unicode TCVN3 (ABC) and VNI font
// encodings into Unicode on the way (internal/vnlegacy), so that the archive copy
// and the text read from it are Unicode.
//
// Files are recognised by content (Sniff). A zip-based file is decompressed once
// and counted against Limits before LibreOffice sees it (zip bombs, damaged
// entries); an encrypted one is refused. A .doc, .rtf, .xls or .xlsx is first
// converted by LibreOffice to OpenDocument, whose XML is then rewritten like a
// .docx's or .odt's own: run by run, a run in a TCVN3 or VNI font (.VnTime,
// VNI-Times…) or whose text is TCVN3 or VNI by content gets its Unicode text and a
// Unicode font. Then LibreOffice writes the PDF/A-2b, which is checked with
// pdfacheck.
package office

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"kntc/ocr/pdfa/pdfacheck"
)

// Converter converts office files to PDF/A. Safe for concurrent use; at most
// Slots conversions run at once (LibreOffice takes a few hundred megabytes and a
// core), the others wait their turn before their time starts.
type Converter struct {
	Program string        // LibreOffice's soffice; "soffice" (on PATH) when empty
	Timeout time.Duration // longest one LibreOffice run; 0 means 2 minutes
	Slots   int           // conversions at once; 0 means 1
	Limits  Limits        // what a zip-based file may hold

	once sync.Once
	sem  chan struct{}
}

// Result says what a conversion did.
type Result struct {
	Format Format
	Legacy Counts // runs converted from TCVN3 and VNI
	// Problems are the PDF/A rules the PDF LibreOffice wrote breaks (pdfacheck);
	// none for an archive copy.
	Problems []pdfacheck.Problem
}

func (c *Converter) init() {
	c.once.Do(func() { c.sem = make(chan struct{}, max(c.Slots, 1)) })
}

func (c *Converter) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 2 * time.Minute
}

func (c *Converter) program() string {
	if c.Program != "" {
		return c.Program
	}
	return "soffice"
}

// ToPDFA converts the office file src, of format f (Sniff's answer), to a PDF/A
// written at dst. Its work (LibreOffice's profile, intermediate files) is done in
// a directory beside dst named after it, removed before it returns. Problems of
// the file wrap one of the package's sentinels (IsPermanent); a PDF that breaks
// PDF/A rules is written all the same, with Result.Problems saying which.
func (c *Converter) ToPDFA(ctx context.Context, src string, f Format, dst string) (Result, error) {
	c.init()
	res := Result{Format: f}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return res, ctx.Err()
	}
	defer func() { <-c.sem }()
	job, err := os.MkdirTemp(filepath.Dir(dst), filepath.Base(dst)+".work-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(job)
	// LibreOffice runs in the job directory and takes its profile as a file URL:
	// both need the absolute path (a data directory may be given as ./data).
	if job, err = filepath.Abs(job); err != nil {
		return res, err
	}

	in := filepath.Join(job, "in."+string(f))
	if err := linkOrCopy(src, in); err != nil {
		return res, err
	}
	// The formats whose runs and fonts cannot be read directly go to OpenDocument
	// first.
	switch f {
	case DOC, RTF:
		if in, err = soffice(ctx, c.program(), job, in, "odt", "odt", c.timeout()); err != nil {
			return res, err
		}
		f = ODT
	case XLS, XLSX:
		if in, err = soffice(ctx, c.program(), job, in, "ods", "ods", c.timeout()); err != nil {
			return res, err
		}
		f = ODS
	}
	if in, err = c.unicode(in, f, &res.Legacy); err != nil {
		return res, err
	}
	pdf, err := soffice(ctx, c.program(), job, in, pdfFilter(f.Spreadsheet()), "pdf", c.timeout())
	if err != nil {
		return res, err
	}
	data, err := os.ReadFile(pdf)
	if err != nil {
		return res, err
	}
	res.Problems = pdfacheck.Check(data)
	if err := os.Rename(pdf, dst); err != nil {
		return res, err
	}
	return res, nil
}

// unicode rewrites the legacy text of the zip-based file in (a .docx, .odt or
// .ods) into a new file beside it, which it returns; in itself when there is no
// legacy text.
func (c *Converter) unicode(in string, f Format, counts *Counts) (string, error) {
	zr, err := zip.OpenReader(in)
	if err != nil {
		return "", fail(ErrCorrupt, "zip: %v", err)
	}
	defer zr.Close()
	if err := checkZip(&zr.Reader, c.Limits.withDefaults()); err != nil {
		return "", err
	}
	entries := map[string]*zip.File{}
	var names []string
	for _, e := range zr.File {
		entries[e.Name] = e
		names = append(names, e.Name)
	}
	get := func(name string) ([]byte, error) {
		e, ok := entries[name]
		if !ok {
			return nil, fmt.Errorf("no %s: %w", name, os.ErrNotExist)
		}
		return readEntry(e, c.Limits.withDefaults().MaxUnzipped)
	}
	var parts map[string][]byte
	switch f {
	case DOCX:
		parts, err = rewriteDocx(names, get, counts)
	case ODT, ODS:
		parts, err = rewriteODF(get, counts)
	default:
		return in, nil
	}
	if err != nil || len(parts) == 0 {
		return in, err
	}
	out := filepath.Join(filepath.Dir(in), "unicode."+string(f))
	if err := writeZip(out, zr.File, parts); err != nil {
		return "", err
	}
	return out, nil
}

// writeZip writes a copy of the zip entries files into path, with the entries
// named in parts replaced. The other entries are copied compressed as they are,
// in their order (an OpenDocument's mimetype stays first and stored).
func writeZip(path string, files []*zip.File, parts map[string][]byte) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	for _, e := range files {
		if b, ok := parts[e.Name]; ok {
			hdr := e.FileHeader
			hdr.Method = zip.Deflate
			w, err := zw.CreateHeader(&hdr)
			if err != nil {
				return err
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
			continue
		}
		if err := zw.Copy(e); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return out.Close()
}

// linkOrCopy makes dst a hard link to src, or a copy where links cannot be made.
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return errors.Join(err, os.Remove(dst))
	}
	return nil
}
