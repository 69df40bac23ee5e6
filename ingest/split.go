package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"

	"kntc/internal/errs"
)

// Scan batches with QR cover sheets (issue 7, 3b). A clerk puts a cover sheet printed
// from a case on top of each document's paper and scans the whole stack as one file.
// Every page is checked for a cover on the raster decoded for OCR (a cover is not
// read); a batch with covers is then cut into one new document per cover (the pages
// up to the next cover), linked to the cover's case with its document kind, and the
// cover pages themselves are dropped. Pages before the first cover form a part of
// their own with the batch's routing. Each part is put into the spool and registered
// like any claimed file, so it then goes through the whole pipeline — taking the
// batch's page results instead of reading its pages again; the batch ends
// StatusSplit, its original bytes kept.
//
// Splitting is repeatable after a crash at any point: part n of a batch has the ID
// PartID(batch, n), so a part registered by an earlier attempt is found and skipped,
// and one interrupted between the spool and the database is finished by
// Spool.Recover (its claim record) or claimed again.

// CoverDetector tells whether a page image is a QR cover sheet and returns the case
// code and document kind (possibly empty) it names. It must be cheap on pages that are
// not covers (every page of every file is checked) and safe for concurrent use.
type CoverDetector func(ctx context.Context, img image.Image) (caseCode string, kind Kind, ok bool)

// PDFPart is a part of a PDF batch to write: its 1-based pages and the file to make.
type PDFPart struct {
	Pages []int
	Path  string
}

// PDFCopier writes each part with its pages of the PDF at src, copied unchanged (the
// scanner's image streams byte for byte), reading src once. Outputs are fsynced.
type PDFCopier func(ctx context.Context, src string, parts []PDFPart) error

const splitPrefix = "split:"

// SplitSource is the SourcePath of every part of the split batch batchID.
func SplitSource(batchID string) string { return splitPrefix + batchID }

// PartID is the document ID of part n (from 1) of the split batch batchID. It is
// derived from both, so that registering a part twice is a conflict rather than a
// second document. For a batch with a UUIDv7 ID the part's ID is a UUIDv7 with the
// batch's timestamp (parts sort beside their batch); otherwise a UUIDv8.
func PartID(batchID string, n int) string {
	h := sha256.Sum256(fmt.Appendf(nil, "kntc split part\x00%s\x00%d", batchID, n))
	u := h[:16]
	if b, ok := parseUUID(batchID); ok && b[6]>>4 == 7 {
		copy(u[:6], b[:6])
		u[6] = 0x70 | u[6]&0x0f
	} else {
		u[6] = 0x80 | u[6]&0x0f
	}
	u[8] = 0x80 | u[8]&0x3f // the RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func parseUUID(s string) ([16]byte, bool) {
	var u [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	_, err := hex.Decode(u[:], []byte(s[0:8]+s[9:13]+s[14:18]+s[19:23]+s[24:36]))
	return u, err == nil
}

// SplitParts returns the documents the split batch batchID was cut into, part 1
// first (empty for a batch that was not split). Parts are registered in order, so
// their numbers have no gaps.
func SplitParts(ctx context.Context, docs DocumentStore, batchID string) ([]Document, error) {
	var out []Document
	for n := 1; ; n++ {
		d, err := docs.Document(ctx, PartID(batchID, n))
		if errors.Is(err, errs.ErrNotFound) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("part %d of %s: %w", n, batchID, err)
		}
		out = append(out, d)
	}
}

// coverPage is what a cover sheet names.
type coverPage struct {
	caseCode string
	kind     Kind
}

// part is a run of pages (0-based, first through last) becoming one document.
type part struct {
	first, last int
	caseCode    string
	kind        Kind
}

// split cuts d at the cover sheets its pages were found to be (recognizePage
// checks each page on the raster it decodes for OCR, so a file without covers costs
// no second decode) and marks it split; it returns false, doing nothing, for a file
// without covers, which then goes on as usual. Each part gets the batch's page
// results under its own keys, so its pages are not read twice.
func (p *Processor) split(ctx context.Context, d *Document, f PageFile, results []pageResult) (bool, error) {
	covers := make([]*coverPage, len(results))
	found := false
	for i, r := range results {
		if r.Source == "cover" {
			covers[i], found = &coverPage{caseCode: r.CoverCase, kind: r.CoverKind}, true
		}
	}
	if !found {
		return false, nil
	}
	n := len(results)
	parts := planParts(d, covers)
	if len(parts) == 0 {
		return false, BadInput(errors.New("tệp chỉ có phiếu bìa hồ sơ, không có trang tài liệu nào (the file holds only cover sheets, no document pages)"))
	}
	if err := p.claimParts(ctx, d, f, parts, results); err != nil {
		return false, err
	}
	d.Pages, d.Status, d.Error = n, StatusSplit, ""
	if err := p.Docs.UpdateDocument(ctx, d); err != nil {
		return false, err
	}
	p.Logger.Info("batch split at its cover sheets", "document_id", d.ID, "pages", n,
		"parts", len(parts), "covers", n-pagesIn(parts))
	return true, p.removeSpool(d.ID)
}

// planParts cuts the pages at the covers. Pages before the first cover keep the
// batch's own case and kind; a cover followed at once by another cover (or by the end)
// starts no part.
func planParts(d *Document, covers []*coverPage) []part {
	var parts []part
	cur := part{first: 0, caseCode: d.CaseCode, kind: d.Kind}
	for i, c := range covers {
		if c == nil {
			continue
		}
		if i > cur.first {
			cur.last = i - 1
			parts = append(parts, cur)
		}
		cur = part{first: i + 1, caseCode: c.caseCode, kind: c.kind}
	}
	if cur.first < len(covers) {
		cur.last = len(covers) - 1
		parts = append(parts, cur)
	}
	return parts
}

func pagesIn(parts []part) int {
	n := 0
	for _, pt := range parts {
		n += pt.last - pt.first + 1
	}
	return n
}

// partName is the name part k of total is shown with: "batch (2/3).pdf".
func partName(filename, id string, k, total int) string {
	base := strings.TrimSuffix(filename, filepath.Ext(filename))
	if base == "" {
		base = id
	}
	return fmt.Sprintf("%s (%d/%d).pdf", base, k, total)
}

// claimParts writes the parts not registered yet into the spool, then claims them in
// order, each in one transaction with its job.
func (p *Processor) claimParts(ctx context.Context, d *Document, f PageFile, parts []part, results []pageResult) error {
	type todo struct {
		k   int
		pt  part
		id  string
		tmp string
	}
	var missing []todo
	for i, pt := range parts {
		id := PartID(d.ID, i+1)
		_, err := p.Docs.Document(ctx, id)
		if err == nil {
			continue // registered by an earlier attempt
		}
		if !errors.Is(err, errs.ErrNotFound) {
			return err
		}
		// ".tmp" in the name: Spool.Recover removes what a crash leaves of it.
		missing = append(missing, todo{k: i + 1, pt: pt, id: id, tmp: p.Spool.Path(id) + ".split.tmp"})
	}
	if len(missing) == 0 {
		return nil
	}
	defer func() {
		for _, m := range missing {
			_ = os.Remove(m.tmp) // claimed parts were moved away already
		}
	}()
	written := false
	if d.ContentType == "application/pdf" && p.CopyPDFPages != nil {
		var out []PDFPart
		for _, m := range missing {
			var nums []int
			for i := m.pt.first; i <= m.pt.last; i++ {
				nums = append(nums, i+1)
			}
			out = append(out, PDFPart{Pages: nums, Path: m.tmp})
		}
		err := p.CopyPDFPages(ctx, p.Spool.Path(d.ID), out)
		if err != nil && ctx.Err() != nil {
			return err
		}
		if err != nil {
			p.Logger.Warn("pages of a split batch not copied from the PDF; writing them from their images", "document_id", d.ID, "error", err)
		}
		written = err == nil
	}
	if !written {
		for _, m := range missing {
			if err := p.writePart(ctx, d, f, m.pt, m.tmp, partName(d.Filename, d.ID, m.k, len(parts)), results); err != nil {
				return fmt.Errorf("part %d of %s: %w", m.k, d.ID, err)
			}
		}
	}
	for _, m := range missing {
		if err := p.seedPart(ctx, d, m.id, m.tmp, m.pt, results); err != nil {
			return fmt.Errorf("part %d of %s: %w", m.k, d.ID, err)
		}
	}
	for _, m := range missing {
		o := Origin{
			Path: m.tmp, Filename: partName(d.Filename, d.ID, m.k, len(parts)), Source: "split",
			UnitCode: d.UnitCode, CaseCode: m.pt.caseCode, Kind: m.pt.kind, Batch: d.ID,
		}
		if _, err := p.Spool.claim(ctx, m.id, o); err != nil {
			return fmt.Errorf("part %d of %s: %w", m.k, d.ID, err)
		}
	}
	return nil
}

// writePart writes the pages of pt as a PDF (the archive writer, without a text
// layer: the part is recognised when its own job runs), each page from the image
// the page stage encoded when it read the page as scanned, else decoded again.
func (p *Processor) writePart(ctx context.Context, d *Document, f PageFile, pt part, path, title string, results []pageResult) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	a, err := p.Archive(out, ArchiveMeta{Title: title, CreateDate: d.CreatedAt})
	if err != nil {
		return fmt.Errorf("start PDF: %w", err)
	}
	for i := pt.first; i <= pt.last; i++ {
		if results[i].Rotation == 0 { // the part holds its pages as scanned
			if done, err := p.addEncodedPage(a, d, i, results[i], nil); done || err != nil {
				if err != nil {
					return fmt.Errorf("page %d: %w", i+1, err)
				}
				continue
			}
		}
		if err := p.addPageImage(ctx, a, f, i); err != nil {
			return err
		}
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("finish PDF: %w", err)
	}
	// The part is registered right after: its bytes must be durable first.
	if err := out.Sync(); err != nil {
		return err
	}
	return out.Close()
}

// addPageImage decodes page i of f again and adds it to a as scanned, within the
// memory budget.
func (p *Processor) addPageImage(ctx context.Context, a Archive, f PageFile, i int) error {
	pg, release, err := p.decodeHeld(ctx, f, i)
	if err != nil {
		return err
	}
	defer release()
	if err := a.AddPage(ArchivePage{Page: pg}); err != nil {
		return fmt.Errorf("page %d: %w", i+1, err)
	}
	return nil
}

// seedPart stores the batch's results of pt's pages under the keys of the part file
// at path (content-addressed, like the part's own results would be), before the
// part is registered: its job then adopts them instead of reading the pages again.
// The pages' encoded archive images are linked under the part's names too, so its
// archive step does not decode them again either.
func (p *Processor) seedPart(ctx context.Context, d *Document, id, path string, pt part, results []pageResult) error {
	sha, err := fileSHA256(path)
	if err != nil {
		return err
	}
	for i := pt.first; i <= pt.last; i++ {
		r := results[i]
		r.Page = i - pt.first + 1
		body := mustJSON(r)
		if _, err := p.Blobs.Put(ctx, PageKey(sha, p.Pipeline, r.Page), bytes.NewReader(body), int64(len(body)), ""); err != nil {
			return fmt.Errorf("store page %d of the part: %w", r.Page, err)
		}
		if r.Source == "ocr" {
			dst := p.pageImagePath(id, r.Page-1, r.Rotation)
			_ = os.Remove(dst)                                     // from an interrupted attempt
			_ = os.Link(p.pageImagePath(d.ID, i, r.Rotation), dst) // an optimisation: without it the part decodes the page
		}
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
