package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"kntc/internal/errs"
)

// Processor turns a spooled document into stored objects, rows and an index entry.
// Pages of all documents share one pool of Slots page workers (decode + OCR), so a
// 40-page batch and ten 1-page scans keep the cores busy alike, and at most Slots page
// rasters are held at once. Safe for concurrent use by many job workers.
type Processor struct {
	Docs       DocumentStore
	Blobs      BlobStore
	OCR        Recognizer
	Open       PageOpener
	Archive    Archiver
	Spool      *Spool
	Quarantine *Quarantine
	Logger     *slog.Logger
	// ReadHeader, when set, reads the document header (number, date, issuer, type,
	// subject) and the document kind from the first page's text.
	ReadHeader func(firstPage string) (meta Metadata, kind Kind)
	// ReadPageHeader, when set, is used instead of ReadHeader: it reads the header
	// from the first page's words in reading order (the page's layout: the header's
	// two columns), with its text for pages where the layout shows none.
	ReadPageHeader func(text string, words []Word) (meta Metadata, kind Kind)
	// ConvertPDF, when set, makes the archive copy of a born-digital PDF (every page
	// carries its own text) from the file itself, keeping its text and vector
	// content, instead of from page images. It writes dst.
	ConvertPDF func(ctx context.Context, src, dst, title string) error
	// Finish, when set, runs just before a document is marked stored, with every
	// page saved: the case system links it to its case (and marks it confidential
	// when it must be) or files its case suggestions. It may change the document's
	// CaseCode, Kind and Confidential; an error retries the job (Finish must be safe
	// to run again).
	Finish func(ctx context.Context, d *Document) error
	// Stored, when set, is told of every document that reached StatusStored (the
	// search index follower wakes up, so the page is searchable at once).
	Stored func()
	// Cover, when set, is asked about every page of a file before OCR; a file with
	// QR cover sheets is split at them into new documents (split.go).
	Cover CoverDetector
	// CopyPDFPages, when set, makes the parts of a split PDF batch by copying its
	// pages unchanged; otherwise (and for other formats) parts are written from the
	// page images through Archive.
	CopyPDFPages PDFCopier
	// Rotate, when set, turns page images by multiples of 90° (ocr.Rotate): a page
	// the recognizer read turned (Recognition.Rotation) is archived upright, under
	// its text layer. Without it such a page is archived as scanned (turn.go).
	Rotate RotateFunc
	// EncodeArchive, when set, encodes each recognised page's archive image in the
	// page stage, on the raster decoded for OCR, into a spool file the archive
	// step takes (pageImagePath); a page without one is decoded again there.
	EncodeArchive ArchiveEncoder
	// OpenTextLayer, when set, reads the words of every page that carried its own
	// text (Source "text": a born-digital PDF, an office file), which OCR never
	// read, from the archive copy once it is stored, and keeps them under
	// TextWordsKey, so that the viewer marks search hits on a typed page as on a
	// scan and publication finds them ready. A document without typed pages never
	// opens it.
	OpenTextLayer TextLayerOpener

	// Memory, when set, bounds the memory of the pages being decoded and worked on
	// at once, across all documents, by each page's size known before decoding
	// (PageSizer): a 12000×12000 scan weighs what its pixels weigh, not what its
	// few hundred kilobytes of file do.
	Memory *MemoryGate
	// WorkBytesPerPixel is what work on a page costs per pixel besides its decoded
	// image, for Memory; 0 means DefaultWorkBytesPerPixel.
	WorkBytesPerPixel int64

	// Metrics, when set, is told of every page, failure and quarantine.
	Metrics Observer

	Slots       int           // page workers shared by all documents
	PageTimeout time.Duration // per page OCR limit; 0 means 5 minutes
	MaxPages    int           // 0 means no limit
	// MaxInterrupted is how many attempts at a document may end without their
	// worker finishing them (the process died: killed, out of memory, a crash
	// inside OCR or conversion) before the document is quarantined rather than
	// handed to a worker again; 0 means DefaultMaxInterrupted.
	MaxInterrupted int
	Pipeline       string // version of the derived files, part of their keys

	once sync.Once
	sem  chan struct{}
}

// Keys of the objects of a document (content-addressed: the original by its SHA-256,
// derived files by the original's SHA-256 and the pipeline version).
func OriginalKey(sha string) string { return "originals/" + sha[:2] + "/" + sha }

// ArchiveKey is where the PDF/A copy made by pipeline version v is stored.
func ArchiveKey(sha, v string) string {
	return "derived/" + sha[:2] + "/" + sha + "/" + v + "/archive.pdf"
}

// PageKey is where page n's OCR result (text, words, boxes) made by version v is stored.
func PageKey(sha, v string, n int) string {
	return fmt.Sprintf("derived/%s/%s/%s/page-%04d.json", sha[:2], sha, v, n)
}

// TextWordsVersion names how the words of a typed page are read from the archive
// copy's text layer (redaction's reading: each box shrunk to the ink under it); a
// better reading gets a new version, stored beside the old one.
const TextWordsVersion = "text-words-v2"

// TextWordsKey is where the words of page n of the archive copy made by pipeline
// version v are stored (PageWords JSON) for a page that carried its own text,
// which OCR never read: beside the archive copy they come from, under its
// content address.
func TextWordsKey(sha, v string, n int) string {
	return fmt.Sprintf("derived/%s/%s/%s/%s/page-%04d.json", sha[:2], sha, v, TextWordsVersion, n)
}

// BoxesKey is where the words of page pg of d are kept with their boxes in the
// pixels of the page image its archive copy gives: a scanned page's OCR result
// (pg.WordsKey), or the words of a typed page's text layer (TextWordsKey), made
// when the document was stored or, for one stored before, when it was first
// published. The viewer and publication look a page's words up here alike.
func BoxesKey(d Document, pg Page) string {
	if pg.Source == "text" {
		return TextWordsKey(d.SHA256, d.Pipeline, pg.Number)
	}
	return pg.WordsKey
}

// PageWords is a page's words with their boxes as the object store keeps them
// under BoxesKey: the fields of the page JSON (pageResult) the words need, and
// the whole of a typed page's words object.
type PageWords struct {
	Width  int    `json:"width"` // pixels of the page image the boxes are in
	Height int    `json:"height"`
	DPI    int    `json:"dpi"`
	Words  []Word `json:"words"`
}

// TextLayer is an archive copy opened to read the words of its typed pages.
type TextLayer interface {
	// Words reads page n's (1-based) words from its text layer, in the pixels of
	// the page image the copy gives for it. Only one page's pixels are held per
	// call. Not safe for concurrent use.
	Words(ctx context.Context, n int) (PageWords, error)
	Close() error
}

// TextLayerOpener opens the archive copy (a PDF) at path as a TextLayer.
type TextLayerOpener func(ctx context.Context, path string) (TextLayer, error)

// pageResult is the JSON kept per page in the object store.
type pageResult struct {
	Page       int     `json:"page"`
	Width      int     `json:"width"`
	Height     int     `json:"height"`
	DPI        int     `json:"dpi"`
	Source     string  `json:"source"`
	Confidence float64 `json:"confidence"`
	Text       string  `json:"text"`
	Words      []Word  `json:"words"`
	// Rotation is how far the page was turned, clockwise, to read upright (OCR's
	// Recognition.Rotation); Width, Height and Words are of the turned page.
	Rotation int `json:"rotation,omitempty"`
	// CoverCase and CoverKind are what a QR cover sheet names (Source "cover").
	CoverCase string `json:"cover_case,omitempty"`
	CoverKind Kind   `json:"cover_kind,omitempty"`
}

// init makes the page slots and sets the defaults, once.
func (p *Processor) init() {
	p.once.Do(func() {
		p.sem = make(chan struct{}, max(p.Slots, 1))
		if p.PageTimeout <= 0 {
			p.PageTimeout = 5 * time.Minute
		}
	})
}

// Process handles document id. It returns nil when the document is finished (stored,
// quarantined, duplicate) and an error when it should be tried again. When final is
// true (the last attempt) a failure quarantines the document instead.
func (p *Processor) Process(ctx context.Context, id string, final bool) error {
	p.init()
	d, err := p.Docs.Document(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		p.Logger.Warn("job for an unknown document", "document_id", id)
		return nil
	}
	if err != nil {
		return err
	}
	if d.Status.Final() {
		return p.removeSpool(id) // a crash after the status change left the spool copy
	}
	start := time.Now()
	if d.Status == StatusProcessing {
		// The previous attempt was begun and never ended, neither finished nor
		// failed: its process died under it and the queue gave the job back (a
		// heartbeat missed, or the worker restarted). A file that kills every
		// worker that opens it would do so forever; after MaxInterrupted it is not
		// opened again.
		d.Interrupted++
		limit := p.MaxInterrupted
		if limit <= 0 {
			limit = DefaultMaxInterrupted
		}
		p.Logger.Warn("document's previous attempt did not end: its worker stopped", "document_id", id, "interrupted", d.Interrupted, "limit", limit)
		if d.Interrupted >= limit {
			return p.quarantineKiller(ctx, &d)
		}
	}
	d.Status, d.Attempts, d.Error = StatusProcessing, d.Attempts+1, ""
	if err := p.Docs.UpdateDocument(ctx, &d); err != nil {
		return err
	}
	err = p.run(ctx, &d)
	if err == nil {
		if d.Status == StatusStored { // a split batch has logged its parts
			p.Logger.Info("document stored", "document_id", id, "pages", d.Pages, "duration_ms", time.Since(start).Milliseconds())
		}
		return nil
	}
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			// The attempt's own time limit (the queue's JobTimeout): a failed
			// attempt like any other, recorded so that the next one does not take
			// it for an attempt whose worker died.
			d.Status, d.Error = StatusFailed, userMessage(err)
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			if uerr := p.Docs.UpdateDocument(uctx, &d); uerr != nil {
				p.Logger.Error("record failure", "document_id", id, "error", uerr)
			}
			cancel()
		}
		// Shutting down, or the job was taken over: it is retried, the document
		// stays as it is.
		return err
	}
	if errors.Is(err, ErrBadInput) || final {
		if p.Metrics != nil {
			reason := ReasonExhausted
			if errors.Is(err, ErrBadInput) {
				reason = ReasonBadInput
			}
			p.Metrics.Quarantined(reason)
		}
		return p.quarantine(ctx, &d, err)
	}
	if p.Metrics != nil {
		p.Metrics.Failed(FailureReason(err))
	}
	d.Status, d.Error = StatusFailed, userMessage(err)
	if uerr := p.Docs.UpdateDocument(ctx, &d); uerr != nil {
		p.Logger.Error("record failure", "document_id", id, "error", uerr)
	}
	p.Logger.Warn("document failed, will retry", "document_id", id, "attempt", d.Attempts, "error", err)
	return err
}

func (p *Processor) quarantine(ctx context.Context, d *Document, reason error) error {
	path := p.Spool.Path(d.ID)
	if _, err := os.Stat(path); err == nil {
		if _, err := p.Quarantine.Put(*d, path, reason); err != nil {
			return err
		}
	}
	d.Status, d.Error = StatusQuarantined, userMessage(reason)
	if err := p.Docs.UpdateDocument(ctx, d); err != nil {
		return err
	}
	if err := p.Spool.removeScratch(d.ID); err != nil {
		p.Logger.Warn("remove page images of a quarantined document", "document_id", d.ID, "error", err)
	}
	p.Logger.Warn("document quarantined", "document_id", d.ID, "reason", reason.Error())
	return nil
}

// DefaultMaxInterrupted is Processor.MaxInterrupted's default.
const DefaultMaxInterrupted = 3

// quarantineKiller quarantines document d, whose attempts ended d.Interrupted times
// without their worker finishing, without opening it again. The original goes to
// quarantine as any quarantined file does, fetched back from the object store
// when only the store still has it (the document ran on another machine).
func (p *Processor) quarantineKiller(ctx context.Context, d *Document) error {
	reason := BadInput(fmt.Errorf("tệp làm dừng bộ xử lý %d lần; có thể tệp hỏng hoặc quá sức bộ nhận dạng chữ hay bộ chuyển đổi, "+
		"nên không được mở lại; tệp gốc giữ nguyên ở đây (the file stopped the worker processing it %d times: "+
		"it may be damaged or too much for OCR or conversion, so it is not opened again; the original is kept here)", d.Interrupted, d.Interrupted))
	if err := p.ensureSpool(ctx, d, p.Spool.Path(d.ID)); err != nil && !errors.Is(err, ErrBadInput) {
		return err // the store is unreachable: tried again, the count kept
	}
	if p.Metrics != nil {
		p.Metrics.Quarantined(ReasonKilledWorker)
	}
	return p.quarantine(ctx, d, reason)
}

func (p *Processor) removeSpool(id string) error {
	if err := os.Remove(p.Spool.Path(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return p.Spool.removeScratch(id)
}

// run does the work; every step can be repeated after a crash or failure.
func (p *Processor) run(ctx context.Context, d *Document) error {
	path := p.Spool.Path(d.ID)
	if err := p.ensureSpool(ctx, d, path); err != nil {
		return err
	}
	if err := p.storeOriginal(ctx, d, path); err != nil {
		return err
	}
	f, err := p.Open(ctx, path)
	if err != nil {
		return err
	}
	defer f.Close()
	d.ContentType = f.ContentType()
	n := f.NumPages()
	if p.MaxPages > 0 && n > p.MaxPages {
		return BadInput(fmt.Errorf("tệp có %d trang, vượt giới hạn %d trang (%d pages, over the limit of %d)", n, p.MaxPages, n, p.MaxPages))
	}
	if n == 0 {
		return BadInput(errors.New("tệp không có trang nào (no pages)"))
	}
	results, err := p.recognizeAll(ctx, d, f, n)
	if err != nil {
		return err
	}
	if split, err := p.split(ctx, d, f, results); split || err != nil {
		return err // a scan batch cut at its cover sheets: its parts have their own jobs
	}
	if (p.ReadHeader != nil || p.ReadPageHeader != nil) && d.Meta == (Metadata{}) {
		var meta Metadata
		var kind Kind
		if p.ReadPageHeader != nil {
			meta, kind = p.ReadPageHeader(results[0].Text, results[0].Words)
		} else {
			meta, kind = p.ReadHeader(results[0].Text)
		}
		d.Meta = meta
		if d.Kind == "" { // a kind already known (a cover sheet said it) is kept
			d.Kind = kind
		}
	}
	if err := p.storeArchive(ctx, d, f, results); err != nil {
		return err
	}
	if err := p.storeTypedWords(ctx, d, f, results); err != nil {
		return err
	}
	d.Pages = n
	d.Pipeline = p.Pipeline
	// The case system may have linked the document while it was processed (a clerk
	// in the document list): keep its link fields, which this run did not read.
	cur, err := p.Docs.Document(ctx, d.ID)
	if err != nil {
		return err
	}
	if cur.Status.Final() {
		// Finished meanwhile by another worker: the job was taken over from this
		// one (its heartbeat stalled) while it still ran. Its objects are the same
		// content-addressed ones; the document is recorded and linked once.
		p.Logger.Info("document finished by another worker", "document_id", d.ID, "status", string(cur.Status))
		return nil
	}
	d.CaseCode, d.Confidential, d.Published = cur.CaseCode, cur.Confidential, cur.Published
	if cur.Kind != "" {
		d.Kind = cur.Kind
	}
	if p.Finish != nil {
		if err := p.Finish(ctx, d); err != nil {
			return fmt.Errorf("link %s to its case: %w", d.ID, err)
		}
	}
	d.Status, d.Error = StatusStored, ""
	if err := p.Docs.UpdateDocument(ctx, d); err != nil {
		return err
	}
	if p.Stored != nil {
		p.Stored()
	}
	return p.removeSpool(d.ID)
}

// ensureSpool makes sure the bytes are in the spool: after a crash that happened
// between storing the original and finishing, they may only be in the object store.
func (p *Processor) ensureSpool(ctx context.Context, d *Document, path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	rc, err := p.Blobs.Get(ctx, OriginalKey(d.SHA256), 0, -1)
	if errors.Is(err, errs.ErrNotFound) {
		return BadInput(fmt.Errorf("tệp không còn trong hàng đợi (the spooled file %s is missing)", filepath.Base(path)))
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	tmp := path + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, rc)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	return err
}

// storeOriginal puts the original bytes, verified against the SHA-256 taken at claim
// time, under their content address.
func (p *Processor) storeOriginal(ctx context.Context, d *Document, path string) error {
	key := OriginalKey(d.SHA256)
	if info, err := p.Blobs.Stat(ctx, key); err == nil && info.Size == d.Size {
		return nil // stored by an earlier attempt or an identical document
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := p.Blobs.Put(ctx, key, f, d.Size, d.SHA256); err != nil {
		if errors.Is(err, errs.ErrChecksum) {
			return BadInput(fmt.Errorf("tệp trong hàng đợi bị hỏng, mã băm không khớp (the spooled file no longer has its SHA-256): %w", err))
		}
		return fmt.Errorf("store original of %s: %w", d.ID, err)
	}
	return nil
}

// recognizeAll reads every page not already saved, in parallel on the shared pool,
// saving each result as soon as it is done.
func (p *Processor) recognizeAll(ctx context.Context, d *Document, f PageFile, n int) ([]pageResult, error) {
	saved, err := p.Docs.Pages(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	results := make([]pageResult, n)
	done := make([]bool, n)
	for _, pg := range saved {
		if pg.Number < 1 || pg.Number > n || pg.WordsKey != PageKey(d.SHA256, p.Pipeline, pg.Number) {
			continue
		}
		r, err := p.loadPage(ctx, pg.WordsKey)
		if err != nil {
			continue // redo the page
		}
		results[pg.Number-1], done[pg.Number-1] = r, true
	}
	if strings.HasPrefix(d.SourcePath, splitPrefix) {
		// A part of a split batch: its batch left each page's result under the
		// part's own keys (the same pixels were read there), so it is not read twice.
		for i := range n {
			if done[i] {
				continue
			}
			r, err := p.adoptPage(ctx, d, i+1)
			if err == nil {
				results[i], done[i] = r, true
			}
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for i := range n {
		if done[i] {
			continue
		}
		release, err := p.holdPage(ctx, f, i)
		if err != nil {
			break
		}
		select {
		case p.sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			release()
			break
		}
		wg.Go(func() {
			defer release()
			defer func() { <-p.sem }()
			r, err := p.recognizePage(ctx, d, f, i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
					cancel()
				}
				return
			}
			results[i] = r
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return results, nil
}

func (p *Processor) recognizePage(ctx context.Context, d *Document, f PageFile, i int) (pageResult, error) {
	start := time.Now()
	pg, err := f.Page(ctx, i)
	if err != nil {
		return pageResult{}, fmt.Errorf("trang %d (page %d): %w", i+1, i+1, err)
	}
	b := pg.Image.Bounds()
	r := pageResult{Page: i + 1, Width: b.Dx(), Height: b.Dy(), DPI: pg.DPI}
	// Every page is checked for a QR cover sheet on the raster decoded for OCR (a
	// part of a split batch holds none: they were cut off). A cover is not read.
	cover := false
	_, converted := f.(ConvertedFile)
	if p.Cover != nil && !converted && !strings.HasPrefix(d.SourcePath, splitPrefix) {
		r.CoverCase, r.CoverKind, cover = p.Cover(ctx, pg.Image)
	}
	switch {
	case cover:
		r.Source = "cover"
	case strings.TrimSpace(pg.Text) != "":
		r.Source, r.Text, r.Confidence = "text", pg.Text, -1
	default:
		pctx, cancel := context.WithTimeout(ctx, p.PageTimeout)
		rec, err := p.OCR.Recognize(pctx, pg.Image, pg.DPI)
		cancel()
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
				return pageResult{}, pageTimeout{fmt.Sprintf("nhận dạng trang %d quá thời gian %s (OCR of page %d timed out)", i+1, p.PageTimeout, i+1)}
			}
			return pageResult{}, fmt.Errorf("nhận dạng trang %d (OCR of page %d): %w", i+1, i+1, err)
		}
		r.Source, r.Text, r.Words, r.Confidence = "ocr", rec.Text, rec.Words, rec.Confidence
		r.Rotation = ((rec.Rotation % 360) + 360) % 360
		if r.Rotation == 90 || r.Rotation == 270 {
			r.Width, r.Height = r.Height, r.Width // the page is archived turned
		}
		p.encodePage(d, pg, i, r.Rotation)
	}
	key := PageKey(d.SHA256, p.Pipeline, i+1)
	body := mustJSON(r)
	if _, err := p.Blobs.Put(ctx, key, bytes.NewReader(body), int64(len(body)), ""); err != nil {
		return pageResult{}, fmt.Errorf("store page %d of %s: %w", i+1, d.ID, err)
	}
	row := Page{
		DocumentID: d.ID, Number: i + 1, Text: r.Text, Confidence: r.Confidence, WordsKey: key,
		Width: r.Width, Height: r.Height, DPI: r.DPI, Source: r.Source, DurationMS: time.Since(start).Milliseconds(),
	}
	if err := p.Docs.SavePage(ctx, &row); err != nil {
		return pageResult{}, err
	}
	if p.Metrics != nil {
		p.Metrics.PageDone(r.Source, time.Since(start))
	}
	return r, nil
}

// pageImagePath is where the page stage leaves page i's (0-based) archive image,
// encoded after turning it by rotation: the turn is in the name, so a page read
// again another way round never takes an image made for the first reading.
func (p *Processor) pageImagePath(id string, i, rotation int) string {
	return fmt.Sprintf("%s.page-%04d-r%d.img", p.Spool.Path(id), i+1, rotation)
}

// encodePage encodes page i's archive image, upright, into its spool file. It is an
// optimisation only: on any failure the archive step decodes the page again and
// reports what is wrong with it there.
func (p *Processor) encodePage(d *Document, pg PageImage, i, rotation int) {
	if p.EncodeArchive == nil || (rotation != 0 && p.Rotate == nil) {
		return
	}
	up, _ := p.upright(pg, nil, rotation)
	enc, err := p.EncodeArchive(up)
	if err == nil {
		err = os.WriteFile(p.pageImagePath(d.ID, i, rotation), enc, 0o640)
	}
	if err != nil {
		p.Logger.Debug("page image not encoded ahead; the archive step will", "document_id", d.ID, "page", i+1, "error", err)
	}
}

// addEncodedPage adds page i of d to a from the image the page stage encoded for
// it (encodePage), under words. done is false, with no error, when there is no
// such image or it does not read back: the page is then decoded again.
func (p *Processor) addEncodedPage(a Archive, d *Document, i int, r pageResult, words []Word) (done bool, err error) {
	if r.Source != "ocr" || (r.Rotation != 0 && p.Rotate == nil) {
		return false, nil
	}
	enc, err := os.ReadFile(p.pageImagePath(d.ID, i, r.Rotation))
	if err != nil {
		return false, nil
	}
	err = a.AddPage(ArchivePage{Page: PageImage{DPI: r.DPI}, Words: words, Encoded: enc})
	if errors.Is(err, ErrEncodedPage) {
		p.Logger.Warn("encoded page image damaged; encoding the page again", "document_id", d.ID, "page", i+1, "error", err)
		return false, nil
	}
	return err == nil, err
}

// adoptPage records, as page n of d, the result its batch stored under d's key.
func (p *Processor) adoptPage(ctx context.Context, d *Document, n int) (pageResult, error) {
	key := PageKey(d.SHA256, p.Pipeline, n)
	r, err := p.loadPage(ctx, key)
	if err != nil {
		return pageResult{}, err
	}
	row := Page{
		DocumentID: d.ID, Number: n, Text: r.Text, Confidence: r.Confidence, WordsKey: key,
		Width: r.Width, Height: r.Height, DPI: r.DPI, Source: r.Source,
	}
	if err := p.Docs.SavePage(ctx, &row); err != nil {
		return pageResult{}, err
	}
	return r, nil
}

func (p *Processor) loadPage(ctx context.Context, key string) (pageResult, error) {
	rc, err := p.Blobs.Get(ctx, key, 0, -1)
	if err != nil {
		return pageResult{}, err
	}
	defer rc.Close()
	var r pageResult
	err = json.NewDecoder(rc).Decode(&r)
	return r, err
}

// bornDigital reports whether every page carried its own text.
func bornDigital(results []pageResult) bool {
	for _, r := range results {
		if r.Source != "text" {
			return false
		}
	}
	return len(results) > 0
}

// storeArchive writes the PDF/A copy into a spool temp file and stores it: the
// converted file's own PDF/A for an office file, from the file itself for a
// born-digital PDF, else page by page from the page images and OCR words (each
// page decoded again, so only one raster is held).
func (p *Processor) storeArchive(ctx context.Context, d *Document, f PageFile, results []pageResult) error {
	key := ArchiveKey(d.SHA256, p.Pipeline)
	if _, err := p.Blobs.Stat(ctx, key); err == nil {
		return nil
	}
	tmp := p.Spool.Path(d.ID) + ".pdf.tmp"
	title := d.Meta.Subject
	if title == "" {
		title = d.Filename
	}
	if cf, ok := f.(ConvertedFile); ok && cf.ArchivePath() != "" {
		return p.putFile(ctx, key, cf.ArchivePath())
	}
	if p.ConvertPDF != nil && d.ContentType == "application/pdf" && bornDigital(results) {
		err := p.ConvertPDF(ctx, p.Spool.Path(d.ID), tmp, title)
		if err == nil {
			defer os.Remove(tmp)
			return p.putFile(ctx, key, tmp)
		}
		if ctx.Err() != nil {
			return err
		}
		p.Logger.Warn("born-digital PDF not converted; archiving its page images instead", "document_id", d.ID, "error", err)
	}
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	defer out.Close()
	a, err := p.Archive(out, ArchiveMeta{Title: title, CreateDate: d.CreatedAt})
	if err != nil {
		return fmt.Errorf("start archive copy of %s: %w", d.ID, err)
	}
	for i, r := range results {
		if done, err := p.addEncodedPage(a, d, i, r, r.Words); done || err != nil {
			if err != nil {
				return fmt.Errorf("archive page %d of %s: %w", i+1, d.ID, err)
			}
			continue
		}
		if err := p.archivePageImage(ctx, a, d, f, i, r); err != nil {
			return err
		}
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("finish archive copy of %s: %w", d.ID, err)
	}
	if err := out.Close(); err != nil {
		return err
	}
	return p.putFile(ctx, key, tmp)
}

// archivePageImage decodes page i of f again and adds it to a, within the memory
// budget.
func (p *Processor) archivePageImage(ctx context.Context, a Archive, d *Document, f PageFile, i int, r pageResult) error {
	pg, release, err := p.decodeHeld(ctx, f, i)
	if err != nil {
		return err
	}
	defer release()
	words, rotation := r.Words, r.Rotation
	if r.Source == "text" {
		// A page with its own text in a PDF that is not born-digital throughout is
		// archived as an image; OCR gives its text layer the word boxes the PDF's
		// text does not come with (the database keeps the PDF's own text), in the
		// pixels of the page as OCR turned it.
		rec, err := p.wordsFor(ctx, pg)
		if err != nil {
			return fmt.Errorf("text layer of page %d of %s: %w", i+1, d.ID, err)
		}
		words, rotation = rec.Words, ((rec.Rotation%360)+360)%360
	}
	pg, words = p.upright(pg, words, rotation)
	if err := a.AddPage(ArchivePage{Page: pg, Words: words}); err != nil {
		return fmt.Errorf("archive page %d of %s: %w", i+1, d.ID, err)
	}
	return nil
}

// wordsFor recognises a page on the shared pool, for its word boxes.
func (p *Processor) wordsFor(ctx context.Context, pg PageImage) (Recognition, error) {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return Recognition{}, ctx.Err()
	}
	defer func() { <-p.sem }()
	pctx, cancel := context.WithTimeout(ctx, p.PageTimeout)
	defer cancel()
	return p.OCR.Recognize(pctx, pg.Image, pg.DPI)
}

// storeTypedWords reads the words of the pages that carried their own text from
// the archive copy as stored (OpenTextLayer), in the pixels of the page images
// the viewer and publication make from that same copy, and stores each page's
// under TextWordsKey. Only typed pages pay: a scanned page has its OCR words. A
// page is read within the memory budget and on a page slot, as a page to
// recognise is. A page whose words cannot be read is logged and left without:
// the document is stored all the same, the viewer marks no hits on that page,
// and publication reads them itself (and refuses what it cannot check).
func (p *Processor) storeTypedWords(ctx context.Context, d *Document, f PageFile, results []pageResult) error {
	if p.OpenTextLayer == nil {
		return nil
	}
	var typed []typedPage
	for i, r := range results {
		if r.Source == "text" {
			typed = append(typed, typedPage{n: i + 1, cost: p.pageCost(f, i)})
		}
	}
	_, err := p.readTypedWords(ctx, d.ID, d.SHA256, p.Pipeline, typed, nil, false)
	return err
}

// typedPage is a typed page to read the words of: its number (1-based) and what
// reading it is reckoned to cost against the memory budget.
type typedPage struct {
	n    int
	cost int64
}

// typedWordsCount is what readTypedWords did with a document's typed pages.
type typedWordsCount struct {
	had, read, failed int // pages whose words were stored already, read and stored now, unreadable
}

// readTypedWords reads the words of the typed pages of document id (the archive
// copy of sha made by pipeline version v) that have no words object under
// TextWordsKey yet, and stores them there: the copy is fetched and opened only
// when one is missing, and pages are read one at a time, each within the memory
// budget and on a page slot. keep, when set, is asked before each page's words
// are stored; false stops (the document was taken out meanwhile). yield waits,
// before each page, until no other page holds a slot (a background pass gives
// way to the documents being ingested).
func (p *Processor) readTypedWords(ctx context.Context, id, sha, v string, pages []typedPage, keep func(context.Context) (bool, error), yield bool) (typedWordsCount, error) {
	var c typedWordsCount
	var todo []typedPage // an earlier attempt may have read some
	for _, pg := range pages {
		if _, err := p.Blobs.Stat(ctx, TextWordsKey(sha, v, pg.n)); err == nil {
			c.had++
			continue
		}
		todo = append(todo, pg)
	}
	if len(todo) == 0 {
		return c, nil
	}
	// A name of its own (a background pass and kntc reindex --typed-words may read
	// one document at once), which Spool.Recover clears should the process die.
	tmp, err := os.CreateTemp(p.Spool.Dir, id+".words-*.tmp.pdf")
	if err != nil {
		return c, fmt.Errorf("archive copy of %s for its typed pages' words: %w", id, err)
	}
	path := tmp.Name()
	tmp.Close()
	defer os.Remove(path)
	if err := p.fetch(ctx, ArchiveKey(sha, v), path); err != nil {
		return c, fmt.Errorf("archive copy of %s for its typed pages' words: %w", id, err)
	}
	tl, err := p.OpenTextLayer(ctx, path)
	if err != nil {
		if ctx.Err() != nil {
			return c, ctx.Err()
		}
		p.Logger.Warn("typed pages' words not read: no search hits marked on them", "document_id", id, "error", err)
		c.failed += len(todo)
		return c, nil
	}
	defer tl.Close()
	for _, pg := range todo {
		if yield {
			if err := p.waitIdle(ctx); err != nil {
				return c, err
			}
		}
		pw, err := p.typedPageWords(ctx, tl, pg)
		if ctx.Err() != nil {
			return c, ctx.Err()
		}
		if err != nil {
			p.Logger.Warn("typed page's words not read: no search hits marked on it", "document_id", id, "page", pg.n, "error", err)
			c.failed++
			continue
		}
		if keep != nil {
			ok, err := keep(ctx)
			if err != nil || !ok {
				return c, err
			}
		}
		body := mustJSON(pw)
		if _, err := p.Blobs.Put(ctx, TextWordsKey(sha, v, pg.n), bytes.NewReader(body), int64(len(body)), ""); err != nil {
			return c, fmt.Errorf("store the words of page %d of %s: %w", pg.n, id, err)
		}
		c.read++
	}
	return c, nil
}

// typedPageWords reads page pg's words from tl, within the memory budget and on a
// page slot.
func (p *Processor) typedPageWords(ctx context.Context, tl TextLayer, pg typedPage) (PageWords, error) {
	release := func() {}
	if p.Memory != nil {
		var err error
		if release, err = p.Memory.Acquire(ctx, pg.cost); err != nil {
			return PageWords{}, err
		}
	}
	defer release()
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return PageWords{}, ctx.Err()
	}
	defer func() { <-p.sem }()
	pctx, cancel := context.WithTimeout(ctx, p.PageTimeout)
	defer cancel()
	return tl.Words(pctx, pg.n)
}

// idlePoll is how often a background pass looks whether the page slots are free.
const idlePoll = time.Second

// waitIdle waits until no page holds a page slot, so that a background pass
// reads a page only while no document's page is being worked on.
func (p *Processor) waitIdle(ctx context.Context) error {
	for len(p.sem) > 0 {
		t := time.NewTimer(idlePoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	return ctx.Err()
}

// fetch copies the object at key into the file at path.
func (p *Processor) fetch(ctx context.Context, key, path string) error {
	rc, err := p.Blobs.Get(ctx, key, 0, -1)
	if err != nil {
		return err
	}
	defer rc.Close()
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, rc)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// putFile stores the file at path under key.
func (p *Processor) putFile(ctx context.Context, key, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if _, err := p.Blobs.Put(ctx, key, f, info.Size(), ""); err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	return nil
}
