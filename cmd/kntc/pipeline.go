package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"kntc/ingest"
	"kntc/ingest/riverqueue"
	"kntc/internal/lease"
	"kntc/ocr"
	"kntc/ocr/cover"
	"kntc/ocr/office"
	"kntc/ocr/pages"
	"kntc/ocr/pdfa"
	"kntc/ocr/pdfa/ghostscript"
	"kntc/ocr/redact"
	"kntc/ocr/tesseract"
	"kntc/search"
)

// pipelineVersion names the derived files this kntc makes; a better pipeline gets a
// new version and rebuilds beside the old files. v2: pages cleaned before OCR
// (ocr/clean), turned upright when they lie wrong, OCR noise taken out. v3: turned
// by the ink's say (clean.Orientation), tones of common phrases put back, PNG image
// data passed through to the PDF/A. v4: tone and vowel marks restored from context
// by a syllable model of legal text (ocr/tonelm) instead of a phrase list.
const pipelineVersion = "v4"

// pipeline is the document backbone: spool, queue, workers, index, hot folders.
type pipeline struct {
	engine *tesseract.Engine
	index  *search.Index // nil unless this process serves searches
	follow *search.Follower
	queue  *riverqueue.Queue
	spool  *ingest.Spool
	proc   *ingest.Processor
	// watchers watch one hot folder each (watch).
	watchers []*ingest.Watcher
	logger   *slog.Logger
}

// newPipeline builds the pipeline on the opened stores. work false makes a pipeline
// that only claims and queues (for commands that leave the work to the server);
// withIndex opens the search index and its follower (the server; a second process
// could not open the index while the server holds it).
func newPipeline(ctx context.Context, cfg *Config, st *stores, logger *slog.Logger, work, withIndex bool) (*pipeline, error) {
	for _, dir := range []string{cfg.spoolDir(), cfg.quarantineDir(), cfg.hotfolderDir()} {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create %s: %w", dir, err)
		}
	}
	p := &pipeline{logger: logger}
	var err error
	if withIndex {
		p.index, err = search.Open(cfg.indexDir())
		if errors.Is(err, search.ErrSchema) {
			// The index is derived data: one made by an older kntc is rebuilt from
			// the database by the follower, which starts from the beginning.
			logger.Warn("search index has another schema: rebuilding it from the database", "error", err)
			if err = os.RemoveAll(cfg.indexDir()); err == nil {
				p.index, err = search.Open(cfg.indexDir())
			}
		}
		if err != nil {
			return nil, fmt.Errorf("open search index: %w", err)
		}
		p.follow = &search.Follower{Index: p.index, Source: st.db, Logger: logger, Poll: time.Second, Overlap: time.Minute}
	}
	slots := cfg.OCRWorkers
	if slots == 0 {
		slots = runtime.NumCPU()
	}
	var proc riverqueue.Processor
	if work {
		if p.engine, err = tesseract.New(slots, cfg.OCRLang); err != nil {
			p.close()
			return nil, err
		}
		// The recognizer cleans each page, reads it, and turns it upright when the
		// first reading shows it lies wrong; the archive then keeps it upright.
		reader, err := tesseract.NewReader(p.engine)
		if err != nil {
			p.close()
			return nil, err
		}
		if !cfg.ToneCorrection {
			reader.WithoutToneCorrection()
		}
		lim := pages.Limits{MaxFileBytes: cfg.MaxFileSize, MaxPages: cfg.MaxPages, MaxPixels: cfg.MaxPixels}
		conv := &office.Converter{Timeout: cfg.OfficeTimeout, Slots: cfg.OfficeWorkers}
		p.proc = &ingest.Processor{
			Docs: st.db, Blobs: st.blobs, OCR: reader, Rotate: ocr.Rotate,
			Open:    openPages(lim, conv, logger),
			Archive: archiver, ConvertPDF: convertPDF, ReadPageHeader: readHeader, Quarantine: &ingest.Quarantine{Dir: cfg.quarantineDir()},
			EncodeArchive: encodeArchivePage, Cover: detectCover, CopyPDFPages: copyPDFPages(lim), OpenTextLayer: openTextLayer,
			Logger: logger, Slots: slots, PageTimeout: cfg.PageTimeout, MaxPages: cfg.MaxPages, MaxInterrupted: cfg.MaxInterrupted, Pipeline: pipelineVersion,
			Memory: ingest.NewMemoryGate(cfg.DecodeMemory),
		}
		if p.follow != nil {
			p.proc.Stored = p.follow.Wake
		}
		proc = p.proc
	}
	var driver riverdriver.Driver[*sql.Tx]
	if st.pool != nil {
		driver = riverdatabasesql.NewWithPgxListener(st.db.SQL(), st.pool)
	} else {
		driver = riversqlite.New(st.db.SQL())
	}
	p.queue, err = riverqueue.New(st.db, driver, proc, riverqueue.Config{
		ID: workerID(cfg), Workers: slots * 4, MaxAttempts: cfg.MaxAttempts, Logger: logger,
	})
	if err != nil {
		p.close()
		return nil, err
	}
	p.spool = &ingest.Spool{
		Dir: cfg.spoolDir(), Docs: st.db, Registrar: p.queue, Logger: logger,
		NewID:      func() string { return uuid.Must(uuid.NewV7()).String() },
		CheckRoute: hotFolderRoute(st.db), Quarantine: &ingest.Quarantine{Dir: cfg.quarantineDir()},
	}
	if p.proc != nil {
		p.proc.Spool = p.spool
	}
	for _, f := range cfg.hotFolders() {
		p.watchers = append(p.watchers, &ingest.Watcher{
			Folders: []ingest.HotFolder{f}, StableFor: cfg.StableDelay, Rescan: cfg.RescanInterval, Logger: logger,
			Claim: func(ctx context.Context, o ingest.Origin) error { _, err := p.spool.Claim(ctx, o); return err },
		})
	}
	return p, nil
}

// watch watches the hot folders until ctx ends, each under its lease
// ("hotfolder:" and its absolute path), so that of several worker nodes one at a
// time watches it: a node that stops (or is cut off from the database) stops
// claiming at once and another takes the folder over within the lease's time.
// Two nodes in a hand-over still never claim one file twice (Spool.Claim).
// Every node must therefore see a shared folder at the same path.
func (p *pipeline) watch(ctx context.Context, leases lease.Store, node string, ttl time.Duration) {
	var wg sync.WaitGroup
	for _, w := range p.watchers {
		root, err := filepath.Abs(w.Folders[0].Root)
		if err != nil {
			root = filepath.Clean(w.Folders[0].Root)
		}
		l := &lease.Lease{Store: leases, Name: "hotfolder:" + root, Holder: node, TTL: ttl, Logger: p.logger}
		wg.Go(func() {
			l.Run(ctx, func(ctx context.Context) {
				if err := w.Run(ctx); err != nil {
					p.logger.Error("hot-folder watcher", "hot_folder", root, "error", err)
				}
			})
		})
	}
	wg.Wait()
}

// workerID names this process's queue worker: the same host and data directory give
// the same ID, so a restarted server takes back the jobs its crashed run held.
func workerID(cfg *Config) string {
	host, _ := os.Hostname()
	abs, _ := filepath.Abs(cfg.DataDir)
	h := sha256.Sum256([]byte(abs))
	return "kntc-" + host + "-" + hex.EncodeToString(h[:4])
}

// start recovers interrupted claims, gives every spooled document a job, and, when
// work is true, starts the workers (a web node only queues).
func (p *pipeline) start(ctx context.Context, work bool) error {
	if err := p.spool.Recover(ctx); err != nil {
		return fmt.Errorf("recover spool: %w", err)
	}
	if err := p.spool.Resume(ctx, p.queue.Enqueue); err != nil {
		return err
	}
	if !work {
		return nil
	}
	return p.queue.Start(ctx)
}

func (p *pipeline) stop(ctx context.Context) {
	if p.queue != nil {
		if err := p.queue.Stop(ctx); err != nil {
			p.logger.Warn("stop job queue", "error", err)
		}
	}
	p.close()
}

func (p *pipeline) close() {
	if p.engine != nil {
		p.engine.Close()
	}
	if p.index != nil {
		if err := p.index.Close(); err != nil {
			p.logger.Error("close search index", "error", err)
		}
	}
}

// openPages adapts ocr/pages to the pipeline; office files are converted to PDF/A
// by conv first (when set) and read from that PDF.
func openPages(lim pages.Limits, conv *office.Converter, logger *slog.Logger) ingest.PageOpener {
	return func(ctx context.Context, path string) (ingest.PageFile, error) {
		if conv != nil {
			if f, err := openOffice(ctx, path, lim, conv, logger); f != nil || err != nil {
				return f, err
			}
		}
		f, err := pages.Open(ctx, path, lim)
		if err != nil {
			return nil, pagesError(err)
		}
		return pageFile{f}, nil
	}
}

// openOffice converts the office file at path (a spool file) to PDF/A beside it
// and opens that PDF's pages: their text is the document's own, read from the
// PDF, never OCR's. It returns no file and no error for a file that is not an
// office file (or is over the size limit, which pages.Open reports).
func openOffice(ctx context.Context, path string, lim pages.Limits, conv *office.Converter, logger *slog.Logger) (ingest.PageFile, error) {
	st, err := os.Stat(path)
	if err != nil || lim.MaxFileBytes > 0 && st.Size() > lim.MaxFileBytes || !st.Mode().IsRegular() {
		return nil, nil
	}
	format, err := office.Sniff(path, office.Limits{})
	if err != nil || format == "" {
		return nil, officeError(err)
	}
	pdf := path + ".office.pdf"
	res, err := conv.ToPDFA(ctx, path, format, pdf)
	if err != nil {
		return nil, officeError(err)
	}
	id := filepath.Base(path)
	if res.Legacy != (office.Counts{}) {
		logger.Info("legacy Vietnamese encodings converted to Unicode", "document_id", id, "format", string(format),
			"tcvn3_runs", res.Legacy.TCVN3, "vni_runs", res.Legacy.VNI)
	}
	archive := pdf
	if len(res.Problems) > 0 {
		// Kept for its pages and text; the archive copy is then assembled from the
		// page images, as for a born-digital PDF Ghostscript could not convert.
		logger.Warn("LibreOffice's PDF is not PDF/A; archiving its page images instead", "document_id", id, "problem", res.Problems[0].String())
		archive = ""
	}
	f, err := pages.Open(ctx, pdf, lim)
	if err != nil {
		return nil, pagesError(err)
	}
	return officeFile{pageFile{f}, format.MIME(), archive}, nil
}

func officeError(err error) error {
	if office.IsPermanent(err) {
		return ingest.BadInput(err)
	}
	return err
}

// officeFile is an office file's pages, read from the PDF/A LibreOffice made of it.
type officeFile struct {
	pageFile
	ctype, archive string
}

func (o officeFile) ContentType() string { return o.ctype }
func (o officeFile) ArchivePath() string { return o.archive }

func pagesError(err error) error {
	if pages.IsPermanent(err) {
		return ingest.BadInput(err)
	}
	return err
}

type pageFile struct{ f *pages.File }

func (p pageFile) ContentType() string { return p.f.ContentType() }
func (p pageFile) NumPages() int       { return p.f.NumPages() }
func (p pageFile) Close() error        { return p.f.Close() }

// PageSize makes pageFile an ingest.PageSizer: the memory budget counts each page
// by its header's size.
func (p pageFile) PageSize(i int) (pixels, bytes int64) { return p.f.PageSize(i) }
func (p pageFile) Page(ctx context.Context, i int) (ingest.PageImage, error) {
	pg, err := p.f.Page(ctx, i)
	if err != nil {
		return ingest.PageImage{}, pagesError(err)
	}
	return ingest.PageImage{Image: pg.Image, DPI: pg.DPI, JPEG: pg.JPEG, PNG: pg.PNG, Bilevel: pg.Bilevel, Text: pg.Text}, nil
}

// detectCover adapts ocr/cover to the pipeline: is this page a QR cover sheet?
func detectCover(_ context.Context, img image.Image) (caseCode string, kind ingest.Kind, ok bool) {
	s, ok := cover.Detect(img)
	return s.CaseCode, s.Kind, ok
}

// copyPDFPages adapts ocr/pages' lossless page copy to the pipeline, for the parts
// of a split PDF batch.
func copyPDFPages(lim pages.Limits) ingest.PDFCopier {
	return func(ctx context.Context, src string, parts []ingest.PDFPart) error {
		out := make([]pages.PDFPages, len(parts))
		for i, p := range parts {
			out[i] = pages.PDFPages{Pages: p.Pages, Path: p.Path}
		}
		return pagesError(pages.CopyPDFPages(ctx, src, lim, out...))
	}
}

// readHeader reads the header of a document's first page: from its layout when
// it has words (ocr.ParsePageHeader), else from its text.
func readHeader(text string, words []ingest.Word) (ingest.Metadata, ingest.Kind) {
	h := ocr.ParsePageHeader(text, words)
	return ingest.Metadata{Number: h.Number, Date: h.Date, Issuer: h.Issuer, Type: h.Type, Subject: h.Subject}, h.Kind
}

// openTextLayer opens an archive copy to read its typed pages' words as
// publication reads them to redact (redact.TextFile: each box shrunk to its ink),
// so that what the pipeline keeps is what publication would have read itself.
func openTextLayer(ctx context.Context, path string) (ingest.TextLayer, error) {
	tf, err := redact.OpenText(ctx, path)
	if err != nil {
		return nil, err
	}
	return textLayer{tf}, nil
}

type textLayer struct{ *redact.TextFile }

func (t textLayer) Words(ctx context.Context, n int) (ingest.PageWords, error) {
	p, err := t.Page(ctx, n)
	if err != nil {
		return ingest.PageWords{}, err
	}
	return ingest.PageWords{Width: p.Width, Height: p.Height, DPI: p.DPI, Words: p.Words}, nil
}

// convertPDF makes the archive copy of a born-digital PDF: the file itself when it
// already is PDF/A, else Ghostscript's PDF/A-2b conversion.
func convertPDF(ctx context.Context, src, dst, title string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if ghostscript.IsPDFA(data) {
		return os.WriteFile(dst, data, 0o640)
	}
	return ghostscript.Convert(ctx, src, dst, title)
}

// archiver adapts ocr/pdfa to the pipeline.
func archiver(w io.Writer, meta ingest.ArchiveMeta) (ingest.Archive, error) {
	pw, err := pdfa.NewWriter(w, pdfa.Meta{Title: meta.Title, Lang: "vi-VN", CreateDate: meta.CreateDate, Producer: "kntc " + version})
	if err != nil {
		return nil, err
	}
	return archive{pw}, nil
}

type archive struct{ w *pdfa.Writer }

func (a archive) AddPage(p ingest.ArchivePage) error {
	im := new(pdfa.Image)
	if p.Encoded != nil {
		if err := im.UnmarshalBinary(p.Encoded); err != nil {
			return fmt.Errorf("%w: %w", ingest.ErrEncodedPage, err)
		}
	} else {
		var err error
		if im, err = encodeArchive(p.Page); err != nil {
			return err
		}
	}
	return a.w.AddPage(pdfa.Page{Encoded: im, DPI: p.Page.DPI, Words: p.Words})
}

// archivePage is what the archive copy holds of a page: the JPEG stream when there
// is one (passed through untouched), else the pixels, with the PNG file they came
// from when they did.
func archivePage(pg ingest.PageImage, words []ingest.Word) pdfa.Page {
	if pg.JPEG != nil {
		return pdfa.Page{JPEG: pg.JPEG, DPI: pg.DPI, Words: words}
	}
	return pdfa.Page{Image: pg.Image, PNG: pg.PNG, DPI: pg.DPI, Words: words}
}

// encodeArchive encodes a page's archive image (archivePage); a JPEG that PDF
// cannot carry as it is (12-bit, arithmetic-coded…) goes in as its pixels.
func encodeArchive(pg ingest.PageImage) (*pdfa.Image, error) {
	im, err := pdfa.Encode(archivePage(pg, nil))
	if errors.Is(err, pdfa.ErrUnsupportedJPEG) && pg.Image != nil {
		im, err = pdfa.Encode(pdfa.Page{Image: pg.Image})
	}
	return im, err
}

// encodeArchivePage encodes a page's archive image ahead, in the page stage.
func encodeArchivePage(pg ingest.PageImage) ([]byte, error) {
	im, err := encodeArchive(pg)
	if err != nil {
		return nil, err
	}
	return im.MarshalBinary()
}

func (a archive) Close() error { return a.w.Close() }
