package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"kntc/internal/errs"
)

// TypedDocument is a stored document that has pages which carried their own text
// (Source "text"), as the backfill of their words needs it.
type TypedDocument struct {
	ID       string
	SHA256   string
	Pipeline string
	Pages    []Page // its typed pages, in order: Number, Width and Height only
}

// TypedDocumentLister finds the stored documents with typed pages.
type TypedDocumentLister interface {
	// TypedDocuments returns up to limit documents that are stored and not
	// retracted, whose ID comes after afterID, and that have a page with Source
	// "text", in ID order, each with its typed pages.
	TypedDocuments(ctx context.Context, afterID string, limit int) ([]TypedDocument, error)
}

// TypedWordsCursorKey is where the backfill of typed pages' words keeps how far it
// got: the ID of the last document it went through. It is per TextWordsVersion,
// so that a new reading (stored under new keys) is backfilled from the start.
const TypedWordsCursorKey = "state/backfill/" + TextWordsVersion + ".json"

// typedWordsCursor is the object under TypedWordsCursorKey.
type typedWordsCursor struct {
	After   string    `json:"after"` // the last document gone through, in ID order
	Updated time.Time `json:"updated"`
}

// TypedWordsBackfill gives the typed pages of the documents stored before the
// pipeline read their words (Processor.OpenTextLayer) those words, as the
// pipeline would have: it goes through the stored documents with typed pages in
// ID order, from where the last pass stopped (TypedWordsCursorKey), and reads
// the pages that have no words object with the Processor, one page at a time, on
// a page slot within its memory budget, and only while no other page holds a
// slot. A page whose words are there is not read again; nor is a scanned page
// (its OCR words are there). Several passes at once (several nodes, a pass cut
// off and started again) only repeat harmless work: each page's words are the
// same object, written whole.
type TypedWordsBackfill struct {
	Processor *Processor // with OpenTextLayer, Docs, Blobs and Spool
	Docs      TypedDocumentLister
	// Batch is how many documents are listed at once; 0 means 200.
	Batch int
	// FromStart goes through every stored document, not from where the last
	// pass stopped (kntc reindex --typed-words).
	FromStart bool
	// SaveEvery is how often, at most, the cursor is written while documents are
	// being read; it is written after every batch listed too. 0 means a minute.
	SaveEvery time.Duration
	// Progress, when set, is told after each document of how many were gone
	// through.
	Progress func(documents int)
}

// BackfillResult says what a pass of TypedWordsBackfill did.
type BackfillResult struct {
	Documents   int    // documents with typed pages gone through
	PagesHad    int    // typed pages whose words were stored already
	PagesRead   int    // typed pages read and stored now
	PagesFailed int    // typed pages whose words could not be read (left to publication)
	Skipped     int    // documents left alone: no archive copy, or taken out meanwhile
	From        string // the document after which the pass started ("" from the first)
	After       string // the last document gone through
}

// Run makes one pass, to the last stored document, and returns what it did. A
// pass cut off (ctx) returns what it did so far with ctx's error, having saved
// its cursor; the next one goes on from about there.
func (b *TypedWordsBackfill) Run(ctx context.Context) (BackfillResult, error) {
	p := b.Processor
	var res BackfillResult
	if p == nil || p.OpenTextLayer == nil {
		return res, errors.New("typed pages' words: no text layer reader")
	}
	p.init()
	batch := b.Batch
	if batch <= 0 {
		batch = 200
	}
	every := b.SaveEvery
	if every <= 0 {
		every = time.Minute
	}
	if !b.FromStart {
		after, err := b.cursor(ctx)
		if err != nil {
			return res, err
		}
		res.From, res.After = after, after
	}
	saved, savedAt := res.After, time.Now()
	save := func() error {
		if res.After == saved {
			return nil
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := b.saveCursor(sctx, res.After); err != nil {
			return err
		}
		saved, savedAt = res.After, time.Now()
		return nil
	}
	for {
		docs, err := b.Docs.TypedDocuments(ctx, res.After, batch)
		if err != nil {
			return res, errors.Join(err, save())
		}
		for _, d := range docs {
			if err := b.document(ctx, d, &res); err != nil {
				return res, errors.Join(err, save())
			}
			res.After = d.ID
			res.Documents++
			if b.Progress != nil {
				b.Progress(res.Documents)
			}
			if time.Since(savedAt) >= every {
				if err := save(); err != nil {
					return res, err
				}
			}
		}
		if err := save(); err != nil {
			return res, err
		}
		if len(docs) < batch {
			return res, nil
		}
	}
}

// document reads the words missing of d's typed pages.
func (b *TypedWordsBackfill) document(ctx context.Context, d TypedDocument, res *BackfillResult) error {
	p := b.Processor
	if len(d.SHA256) < 2 || d.Pipeline == "" {
		res.Skipped++
		return nil
	}
	pages := make([]typedPage, len(d.Pages))
	for i, pg := range d.Pages {
		pages[i] = typedPage{n: pg.Number, cost: p.pixelsCost(int64(pg.Width) * int64(pg.Height))}
	}
	taken := false
	// A document retracted while its pages are read (and perhaps purged: its
	// objects deleted) gets no words object after that.
	keep := func(ctx context.Context) (bool, error) {
		cur, err := p.Docs.Document(ctx, d.ID)
		if errors.Is(err, errs.ErrNotFound) || err == nil && (cur.Retracted || cur.Status != StatusStored) {
			taken = true
			return false, nil
		}
		return err == nil, err
	}
	c, err := p.readTypedWords(ctx, d.ID, d.SHA256, d.Pipeline, pages, keep, true)
	res.PagesHad += c.had
	res.PagesRead += c.read
	res.PagesFailed += c.failed
	if errors.Is(err, errs.ErrNotFound) && ctx.Err() == nil {
		// No archive copy (a purge cut short, an object store restored apart):
		// nothing to read the words from.
		p.Logger.Warn("typed pages' words not read: no archive copy", "document_id", d.ID, "error", err)
		res.Skipped++
		return nil
	}
	if taken {
		res.Skipped++
	}
	return err
}

// cursor reads where the last pass stopped ("" when none did).
func (b *TypedWordsBackfill) cursor(ctx context.Context) (string, error) {
	rc, err := b.Processor.Blobs.Get(ctx, TypedWordsCursorKey, 0, -1)
	if errors.Is(err, errs.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("typed pages' words: read the cursor: %w", err)
	}
	defer rc.Close()
	var c typedWordsCursor
	if err := json.NewDecoder(io.LimitReader(rc, 1<<16)).Decode(&c); err != nil {
		// A damaged cursor costs a pass from the start, which reads nothing twice.
		b.Processor.Logger.Warn("typed pages' words: cursor unreadable, starting from the first document", "key", TypedWordsCursorKey, "error", err)
		return "", nil
	}
	return c.After, nil
}

func (b *TypedWordsBackfill) saveCursor(ctx context.Context, after string) error {
	body := mustJSON(typedWordsCursor{After: after, Updated: time.Now().UTC()})
	if _, err := b.Processor.Blobs.Put(ctx, TypedWordsCursorKey, bytes.NewReader(body), int64(len(body)), ""); err != nil {
		return fmt.Errorf("typed pages' words: save the cursor: %w", err)
	}
	return nil
}
