// Package search owns the full-text index of kntc: bleve (scorch) with one entry per
// page, a Vietnamese analysis chain (exact words with canonical tone placement,
// words without diacritics, syllable bigrams for phrases), queries parsed from what
// users type, access control inside the query, facets and highlighted snippets with
// page numbers. The index is derived data: it is rebuilt from the database and the
// object store (kntc reindex) and checked against them (DocumentIDs).
package search

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bquery "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/internal/viet"
)

// schemaVersion is the layout of the index (fields, analyzers, ids). An index built
// with another version is refused by Open with ErrSchema; kntc reindex rebuilds it.
// 2: doc values compressed (version 1's merged segments could misattribute facet
// and sort values), confidential documents indexed by metadata only. 3: the issuer
// facet holds IssuerName (one name per issuing body however it was written). 4:
// the facets counted from one doc-values field (fieldFacets); the facet fields
// are indexed for filters only. 5: a doubled Đ made one (viet.SingleD: OCR's
// "QĐÐ-UBND" found by the number "QĐ-UBND").
const schemaVersion = "5"

// ErrSchema is returned by Open for an index built with another schema version.
var ErrSchema = errors.New("search index was built with another schema version; rebuild it with kntc reindex")

// Field names of the bleve documents.
const (
	fieldType         = "type"         // "page" or "document" (the per-document record)
	fieldDoc          = "doc"          // document ID; with fieldPage, the order of pages of one date
	fieldPage         = "page"         // page number
	fieldText         = "text"         // exact words; stores the original page text
	fieldFolded       = "text_folded"  // words without diacritics
	fieldBigram       = "bigram"       // pairs of adjacent words without diacritics ("khieu nai"), no positions
	fieldKind         = "kind"         // facet
	fieldIssuer       = "issuer"       // facet
	fieldYear         = "year"         // facet, YYYY of date
	fieldUnit         = "unit"         // facet and access control
	fieldCase         = "case"         // facet
	fieldStatus       = "status"       // facet
	fieldDate         = "date"         // document date (header, else creation) in days since 1970, for range and sort
	fieldConfidential = "confidential" // "true" or "false"
	fieldPublished    = "published"    // "true" or "false"
	fieldUpdated      = "updated"      // stored only, on the document record
	fieldFacets       = "facets"       // every facet value of a page (facetTerm), for counting

	typePage     = "page"
	typeDocument = "document"
)

// keySchema is the bleve internal key holding schemaVersion.
var keySchema = []byte("kntc_schema")

// pagesPerBatch is the batch size of PutBatch: larger batches barely index faster
// and cost memory (the measurements).
const pagesPerBatch = 1000

// Entry is one document to index with its page texts.
type Entry struct {
	Document ingest.Document // ID, Status, UnitCode, CaseCode, Kind, Meta, CreatedAt, UpdatedAt are indexed
	Pages    []ingest.Page   // Number and Text are indexed; Text is stored for snippets
	// Confidential documents (this or Document.Confidential) are found only by users
	// granted their case (Query.GrantedCases). They carry a denouncer's identity,
	// which must never be in the index: only their metadata is indexed (kind, unit,
	// case, status, date; not the issuer, which a letter's header may name), and a
	// record per page without its text, so a granted user finds them by filters and
	// nobody by words.
	Confidential bool
	// Published documents (this or Document.Published; the public copy) are the only
	// ones the public portal finds.
	Published bool
}

// confidential reports whether e is indexed as confidential.
// EntryOf is the entry of a stored document as the database holds it: a
// confidential one, and one linked to no case yet (the triage inbox's: a letter
// may name its sender before anyone knows it must be protected), are indexed by
// metadata only and found by nobody's full-text search; they are indexed in full
// once filed in a case (the follower sees the change).
func EntryOf(d ingest.Document, pages []ingest.Page) Entry {
	return Entry{Document: d, Pages: pages, Confidential: d.Confidential || d.CaseCode == "", Published: d.Published}
}

func (e Entry) confidential() bool { return e.Confidential || e.Document.Confidential }

// Index is the full-text index. It is safe for concurrent use: searches run in
// parallel with each other and with writes; writes (Put, PutBatch, Delete) are
// serialised so that replacing a document's pages is atomic.
//
// The pages are spread over two bleve indexes (shards) by document ID: every
// search runs on both in parallel (a bleve index alias), so one query over 100,000
// pages keeps both cores of the target machines busy; every write goes to the one
// shard that holds the document.
type Index struct {
	shards []bleve.Index
	all    bleve.IndexAlias // searches every shard
	mu     sync.Mutex       // held by writers
	// collectOnly makes every search count with bleve's collector, as before the
	// bitmaps (bitmaps.go): the tests compare the two.
	collectOnly bool
}

// shardCount is part of the schema: another count needs a rebuild.
const shardCount = 2

func shardDir(dir string, i int) string { return filepath.Join(dir, fmt.Sprintf("shard-%d", i)) }

// shard returns the index holding documentID.
func (ix *Index) shard(documentID string) bleve.Index {
	h := fnv.New32a()
	h.Write([]byte(documentID))
	return ix.shards[h.Sum32()%uint32(len(ix.shards))]
}

// Open opens the index in dir, creating it when dir does not exist or is empty. An
// index built with another schema version returns an error wrapping ErrSchema.
func Open(dir string) (*Index, error) {
	ents, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist) || err == nil && len(ents) == 0:
		return create(dir)
	case err != nil:
		return nil, fmt.Errorf("open search index %s: %w", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err == nil {
		return nil, fmt.Errorf("open search index %s (a single bleve index, not %d shards): %w", dir, shardCount, ErrSchema)
	}
	if _, err := os.Stat(filepath.Join(shardDir(dir, 0), "index_meta.json")); err != nil {
		return nil, fmt.Errorf("open search index: %s is not empty and holds no index", dir)
	}
	if _, err := os.Stat(shardDir(dir, shardCount)); err == nil {
		return nil, fmt.Errorf("open search index %s (more than %d shards): %w", dir, shardCount, ErrSchema)
	}
	var shards []bleve.Index
	for i := range shardCount {
		// Another process holding the index (a running server) makes this fail after
		// a moment instead of waiting forever on its lock.
		b, err := bleve.OpenUsing(shardDir(dir, i), map[string]interface{}{"bolt_timeout": "3s"})
		if err == nil {
			err = checkSchema(b)
			if err != nil {
				b.Close()
			}
		}
		if err != nil {
			closeAll(shards)
			return nil, fmt.Errorf("open search index %s: %w", dir, err)
		}
		shards = append(shards, b)
	}
	return newIndex(shards), nil
}

func create(dir string) (*Index, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create search index %s: %w", dir, err)
	}
	var shards []bleve.Index
	for i := range shardCount {
		b, err := bleve.NewUsing(shardDir(dir, i), newMapping(), scorch.Name, scorch.Name, scorchConfig())
		if err == nil {
			err = b.SetInternal(keySchema, []byte(schemaVersion))
		}
		if err != nil {
			closeAll(shards)
			return nil, fmt.Errorf("create search index %s: %w", dir, err)
		}
		shards = append(shards, b)
	}
	return newIndex(shards), nil
}

// OpenMem returns an index held in memory only, for tests.
func OpenMem() (*Index, error) {
	var shards []bleve.Index
	for range shardCount {
		b, err := bleve.NewUsing("", newMapping(), scorch.Name, scorch.Name, scorchConfig())
		if err != nil {
			closeAll(shards)
			return nil, fmt.Errorf("create search index in memory: %w", err)
		}
		shards = append(shards, b)
	}
	return newIndex(shards), nil
}

// scorchConfig keeps fewer segments than bleve's default merge policy (at most 5
// per size tier instead of 10): every term of a query is looked up in every
// segment, so at 100,000 pages segment count, not postings, dominates filtered
// and phrase queries. Merging more costs a little indexing time.
func scorchConfig() map[string]any {
	return map[string]any{"scorchMergePlanOptions": map[string]any{
		"MaxSegmentsPerTier":   5,
		"SegmentsPerMergeTask": 5,
	}}
}

func newIndex(shards []bleve.Index) *Index {
	return &Index{shards: shards, all: bleve.NewIndexAlias(shards...)}
}

func checkSchema(b bleve.Index) error {
	v, err := b.GetInternal(keySchema)
	if err != nil {
		return err
	}
	if string(v) != schemaVersion {
		return fmt.Errorf("schema %q, want %q: %w", v, schemaVersion, ErrSchema)
	}
	return nil
}

func closeAll(shards []bleve.Index) error {
	var errs []error
	for _, b := range shards {
		errs = append(errs, b.Close())
	}
	return errors.Join(errs...)
}

// Compact merges each shard into a single segment, waiting until done: every query
// then looks each term up once per shard. Run it after rebuilding the index (kntc
// reindex); it takes seconds per 100,000 pages and searches go on meanwhile.
func (ix *Index) Compact(ctx context.Context) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for i, s := range ix.shards {
		adv, err := s.Advanced()
		if err != nil {
			return fmt.Errorf("compact search index shard %d: %w", i, err)
		}
		sc, ok := adv.(*scorch.Scorch)
		if !ok {
			return fmt.Errorf("compact search index shard %d: not a scorch index", i)
		}
		if err := sc.ForceMerge(ctx, nil); err != nil {
			return fmt.Errorf("compact search index shard %d: %w", i, err)
		}
	}
	return nil
}

// Close releases the index. Searches and writes after Close return errors.
func (ix *Index) Close() error {
	if err := closeAll(ix.shards); err != nil {
		return fmt.Errorf("close search index: %w", err)
	}
	return nil
}

// newMapping describes the fields for bleve and for people inspecting the index.
// Documents are built directly (Put uses IndexAdvanced), so the mapping documents
// the schema rather than drives it; the two must agree.
func newMapping() mapping.IndexMapping {
	text := func(analyzer string, store, vectors bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeTermVectors = vectors
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	keyword := func(docValues bool) *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = docValues
		return f
	}
	date := mapping.NewNumericFieldMapping()
	date.Store = false
	date.IncludeInAll = false

	updated := mapping.NewTextFieldMapping()
	updated.Index = false
	updated.Store = true
	updated.IncludeInAll = false
	updated.DocValues = false

	dm := mapping.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldText, text(analyzerExact, true, false))
	dm.AddFieldMappingsAt(fieldFolded, text(analyzerFolded, false, false))
	dm.AddFieldMappingsAt(fieldBigram, text(analyzerBigram, false, false))
	for _, f := range []string{fieldType, fieldConfidential, fieldPublished, fieldKind, fieldIssuer, fieldYear, fieldUnit, fieldCase, fieldStatus} {
		dm.AddFieldMappingsAt(f, keyword(false))
	}
	for _, f := range []string{fieldDoc, fieldFacets} {
		dm.AddFieldMappingsAt(f, keyword(true))
	}
	dm.AddFieldMappingsAt(fieldDate, date)
	page := mapping.NewNumericFieldMapping()
	page.Store = false
	page.IncludeInAll = false
	dm.AddFieldMappingsAt(fieldPage, page)
	dm.AddFieldMappingsAt(fieldUpdated, updated)

	im := mapping.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = analyzerExact
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im
}

// Field indexing options; see newMapping.
const (
	optText   = index.IndexField | index.StoreField
	optFolded = index.IndexField
	optBigram = index.IndexField
	// Keyword fields keep frequencies and norms although they are never ranked on:
	// without them a scored conjunction multiplies 0 by an infinite norm (NaN).
	optKey = index.IndexField
	// Facet, date and sort doc values. Not index.SkipDVCompression, although a hit
	// would then cost no decompression of a whole chunk: with bleve v2.6.3 / zapx
	// v16, segments merged on disk (every index that is not built in one batch)
	// give uncompressed doc values to the wrong pages, so facets counted pages
	// outside the query — outside the user's scope — and dates sorted wrongly
	// (TestDocValuesSurviveMerges). The facet fields (kind, …) are only filtered
	// on: their values are counted from fieldFacets.
	optFacets  = index.IndexField | index.DocValues
	optFilter  = index.IndexField
	optDate    = optFacets
	optDoc     = optFacets
	optSort    = optFacets
	optUpdated = index.StoreField
)

// pageID is the bleve ID of a page: DOCID/PAGE.
func pageID(documentID string, page int) string {
	return documentID + "/" + strconv.Itoa(page)
}

// splitPageID is the inverse of pageID.
func splitPageID(id string) (documentID string, page int, ok bool) {
	i := strings.LastIndexByte(id, '/')
	if i < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(id[i+1:])
	if err != nil {
		return "", 0, false
	}
	return id[:i], n, true
}

// keyword normalises a keyword value (unit, case, kind, issuer, status) the same way
// for documents and queries.
func keyword(s string) string { return viet.NFC(strings.TrimSpace(s)) }

// Dates outside these years are not dates of case files (OCR read the year wrong)
// and do not fit bleve's date fields (1677–2262).
const (
	minYear = 1900
	maxYear = 2200
)

// documentDate is the date a document is filed under: the header date when it is
// a valid YYYY-MM-DD between minYear and maxYear, else the day it was created. A
// document without either has no date (it is missing from date ranges and the year
// facet, and sorts last by date).
func documentDate(d ingest.Document) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(d.Meta.Date))
	if err == nil && t.Year() >= minYear && t.Year() <= maxYear {
		return t, true
	}
	y, m, day := d.CreatedAt.Date()
	if y < minYear || y > maxYear {
		return time.Time{}, false
	}
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC), true
}

// days is the number of days from 1970-01-01 to t's date. Dates are indexed as
// days: a range of years is then a few dozen numeric terms, not hundreds.
func days(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func validate(e Entry) error {
	id := e.Document.ID
	if id == "" || strings.Contains(id, "/") {
		return errs.Errorf(errs.Invalid, "index document %q: id must be non-empty and without '/'", id)
	}
	seen := make(map[int]bool, len(e.Pages))
	for _, p := range e.Pages {
		if p.Number < 1 || seen[p.Number] {
			return errs.Errorf(errs.Invalid, "index document %s: page number %d is not positive or repeated", id, p.Number)
		}
		seen[p.Number] = true
	}
	return nil
}

// addEntry adds the bleve documents of e to b: one per page and the document record.
func addEntry(b *bleve.Batch, e Entry) error {
	d := e.Document
	confidential, published := e.confidential(), e.Published || d.Published
	date, dated := documentDate(d)
	facets := [][2]string{
		{fieldKind, keyword(string(d.Kind))},
		{fieldUnit, keyword(d.UnitCode)},
		{fieldCase, keyword(d.CaseCode)},
		{fieldStatus, keyword(string(d.Status))},
	}
	if !confidential {
		facets = append(facets, [2]string{fieldIssuer, keyword(IssuerName(d.Meta.Issuer))})
	}
	if dated {
		facets = append(facets, [2]string{fieldYear, strconv.Itoa(date.Year())})
	}
	for _, p := range e.Pages {
		doc := document.NewDocument(pageID(d.ID, p.Number))
		if !confidential {
			pw := &pageWords{text: p.Text}
			doc.AddField(document.NewTextFieldCustom(fieldText, nil, []byte(p.Text), optText, pageAnalyzer{pw, exactStream}))
			doc.AddField(document.NewTextFieldCustom(fieldFolded, nil, nil, optFolded, pageAnalyzer{pw, foldedStream}))
			doc.AddField(document.NewTextFieldCustom(fieldBigram, nil, nil, optBigram, pageAnalyzer{pw, bigramStream}))
		}
		doc.AddField(document.NewTextFieldWithIndexingOptions(fieldType, nil, []byte(typePage), optKey))
		doc.AddField(document.NewTextFieldWithIndexingOptions(fieldDoc, nil, []byte(d.ID), optDoc))
		doc.AddField(document.NewNumericFieldWithIndexingOptions(fieldPage, nil, float64(p.Number), optSort))
		doc.AddField(document.NewTextFieldWithIndexingOptions(fieldConfidential, nil, []byte(strconv.FormatBool(confidential)), optKey))
		doc.AddField(document.NewTextFieldWithIndexingOptions(fieldPublished, nil, []byte(strconv.FormatBool(published)), optKey))
		for _, f := range facets {
			if f[1] != "" {
				doc.AddField(document.NewTextFieldWithIndexingOptions(f[0], nil, []byte(f[1]), optFilter))
				doc.AddField(document.NewTextFieldWithIndexingOptions(fieldFacets, nil, []byte(facetTerm(f[0], f[1])), optFacets))
			}
		}
		if dated {
			doc.AddField(document.NewNumericFieldWithIndexingOptions(fieldDate, nil, float64(days(date)), optDate))
		}
		if err := b.IndexAdvanced(doc); err != nil {
			return fmt.Errorf("index %s page %d: %w", d.ID, p.Number, err)
		}
	}
	rec := document.NewDocument(d.ID)
	rec.AddField(document.NewTextFieldWithIndexingOptions(fieldType, nil, []byte(typeDocument), optKey))
	rec.AddField(document.NewTextFieldWithIndexingOptions(fieldDoc, nil, []byte(d.ID), optKey))
	rec.AddField(document.NewTextFieldWithIndexingOptions(fieldUpdated, nil, []byte(d.UpdatedAt.UTC().Format(time.RFC3339Nano)), optUpdated))
	if err := b.IndexAdvanced(rec); err != nil {
		return fmt.Errorf("index %s: %w", d.ID, err)
	}
	return nil
}

// pageIDs returns the bleve IDs of the pages indexed for a document in shard s.
func pageIDs(ctx context.Context, s bleve.Index, documentID string) ([]string, error) {
	const size = 1000
	q := bquery.NewConjunctionQuery([]bquery.Query{
		termQuery(fieldDoc, documentID, 1), termQuery(fieldType, typePage, 1),
	})
	var ids []string
	for from := 0; ; from += size {
		req := bleve.NewSearchRequestOptions(q, size, from, false)
		req.Score = "none"
		req.SortBy([]string{"_id"}) // a sort also keeps bleve from stopping early
		res, err := s.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("look up indexed pages of %s: %w", documentID, err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < size {
			return ids, nil
		}
	}
}

// Put indexes the document and all its pages, replacing what was indexed for it
// before, pages that no longer exist included, in one atomic batch. It returns an
// error wrapping errs.ErrInvalid for an empty ID, an ID with '/', or a page number
// that is not positive or repeats. Put is durable when it returns nil.
func (ix *Index) Put(ctx context.Context, e Entry) error {
	if err := validate(e); err != nil {
		return err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	s := ix.shard(e.Document.ID)
	b := s.NewBatch()
	if err := replace(ctx, s, b, e); err != nil {
		return err
	}
	return apply(ctx, s, b)
}

// replace adds to b the deletion of the pages of e's document that shard s holds
// and e does not have, then e itself.
func replace(ctx context.Context, s bleve.Index, b *bleve.Batch, e Entry) error {
	old, err := pageIDs(ctx, s, e.Document.ID)
	if err != nil {
		return err
	}
	keep := make(map[string]bool, len(e.Pages))
	for _, p := range e.Pages {
		keep[pageID(e.Document.ID, p.Number)] = true
	}
	for _, id := range old {
		if !keep[id] {
			b.Delete(id)
		}
	}
	return addEntry(b, e)
}

func apply(ctx context.Context, s bleve.Index, b *bleve.Batch) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("index batch: %w", err)
	}
	if err := s.Batch(b); err != nil {
		return fmt.Errorf("index batch of %d: %w", b.Size(), err)
	}
	return nil
}

// PutBatch indexes many documents as Put does, in batches of about 1,000 pages; a
// document's pages are never split across batches, and when a document is listed
// more than once its last entry wins. It is meant for rebuilding the index: the
// shards are filled in parallel and several batches are in flight (one building its
// segment while the next is analysed), so on error some batches may be indexed and
// some not; PutBatch can be repeated.
func (ix *Index) PutBatch(ctx context.Context, es []Entry) error {
	last := make(map[string]int, len(es))
	for i, e := range es {
		if err := validate(e); err != nil {
			return err
		}
		last[e.Document.ID] = i
	}
	perShard := map[bleve.Index][]Entry{}
	for i, e := range es {
		if last[e.Document.ID] == i {
			s := ix.shard(e.Document.ID)
			perShard[s] = append(perShard[s], e)
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	type job struct {
		s bleve.Index
		b *bleve.Batch
	}
	jobs := make(chan job)
	var workers, producers sync.WaitGroup
	for range batchWorkers() {
		workers.Go(func() {
			for j := range jobs {
				if err := apply(ctx, j.s, j.b); err != nil {
					cancel(err)
				}
			}
		})
	}
	for s, es := range perShard {
		producers.Go(func() {
			b, pages := s.NewBatch(), 0
			send := func() bool {
				select {
				case jobs <- job{s, b}:
					b, pages = s.NewBatch(), 0
					return true
				case <-ctx.Done():
					return false
				}
			}
			for _, e := range es {
				if pages > 0 && pages+len(e.Pages) > pagesPerBatch && !send() {
					return
				}
				if err := replace(ctx, s, b, e); err != nil {
					cancel(err)
					return
				}
				pages += len(e.Pages) + 1
			}
			if pages > 0 {
				send()
			}
		})
	}
	producers.Wait()
	close(jobs)
	workers.Wait()
	return context.Cause(ctx)
}

// batchWorkers is the number of batches PutBatch has in flight.
func batchWorkers() int { return min(4, max(2, runtime.GOMAXPROCS(0))) }

// Delete removes a document and its pages from the index. A document that is not
// indexed is not an error.
func (ix *Index) Delete(ctx context.Context, documentID string) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	s := ix.shard(documentID)
	ids, err := pageIDs(ctx, s, documentID)
	if err != nil {
		return err
	}
	b := s.NewBatch()
	for _, id := range ids {
		b.Delete(id)
	}
	b.Delete(documentID)
	if err := apply(ctx, s, b); err != nil {
		return fmt.Errorf("delete %s from index: %w", documentID, err)
	}
	return nil
}

// DocumentIDs calls fn for every indexed document (in no particular order) with the
// UpdatedAt the document had when it was indexed, for checking the index against
// the database. It stops at the first error fn returns and returns it.
func (ix *Index) DocumentIDs(ctx context.Context, fn func(id string, updated time.Time) error) error {
	const size = 1000
	q := termQuery(fieldType, typeDocument, 1)
	for _, s := range ix.shards {
		var after []string
		for {
			req := bleve.NewSearchRequestOptions(q, size, 0, false)
			req.Score = "none"
			req.SortBy([]string{"_id"})
			req.Fields = []string{fieldUpdated}
			req.SearchAfter = after
			res, err := s.SearchInContext(ctx, req)
			if err != nil {
				return fmt.Errorf("list indexed documents: %w", err)
			}
			for _, h := range res.Hits {
				str, _ := h.Fields[fieldUpdated].(string)
				updated, err := time.Parse(time.RFC3339Nano, str)
				if err != nil {
					return fmt.Errorf("list indexed documents: %s has a bad update time %q: %w", h.ID, str, err)
				}
				if err := fn(h.ID, updated); err != nil {
					return err
				}
			}
			if len(res.Hits) < size {
				break
			}
			after = []string{res.Hits[len(res.Hits)-1].ID}
		}
	}
	return nil
}
