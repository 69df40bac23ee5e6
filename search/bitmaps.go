package search

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/numeric"
	bquery "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Counting on bitmaps. Every term's postings in a segment are a roaring bitmap of
// the segment's pages, so the pages matching a query without ranking — the
// Total, the facets, the pages newest first — are a few bitmap intersections per
// segment, where bleve's collector visits every matching page one by one (and
// for facets and a sort by date, reads and decompresses its doc values). A
// province leader's query of common words matches most of the 100,000 pages:
// counting its facets on the collector cost as much as ranking it, and sorting
// it by date three times that (make bench-web). Ranking by relevance stays with
// bleve, which scores every match; it then counts nothing.
//
// The bitmaps evaluate the very bleve query the collector would run (query,
// ranked's optional clauses aside, with its access control), node by node with
// bleve's semantics, so the counts and the pages are the same (TestBitmapsAgree
// compares them with the collector's on many queries, with deleted pages and
// several segments). A query with a node they do not know (a fuzzy word) is
// counted by the collector as before (errNoBitmaps).

// errNoBitmaps says a query has a node the bitmaps do not evaluate.
var errNoBitmaps = errors.New("search: query not evaluable on bitmaps")

// maxBitmapFacetTerms is the number of values of a facet (in one segment) up to
// which it is counted by intersecting each value's postings with the matches;
// a facet with more (the case facet: a value per case) is counted from the
// matching pages' doc values instead.
const maxBitmapFacetTerms = 512

// snapshot is a consistent view of every shard, segment by segment.
type snapshot struct {
	readers []index.IndexReader
	segs    []*snapSegment
}

// snapSegment is one segment of a shard's snapshot.
type snapSegment struct {
	seg     segment.Segment
	deleted *roaring.Bitmap // pages deleted since the segment was written; may be nil
	dicts   map[string]segment.TermDictionary
}

// openSnapshot opens a reader on every shard. It returns errNoBitmaps when a
// shard is not a scorch index of zap segments.
func openSnapshot(shards []bleve.Index) (*snapshot, error) {
	s := &snapshot{}
	for _, sh := range shards {
		adv, err := sh.Advanced()
		if err != nil {
			s.Close()
			return nil, err
		}
		r, err := adv.Reader()
		if err != nil {
			s.Close()
			return nil, err
		}
		s.readers = append(s.readers, r)
		is, ok := r.(*scorch.IndexSnapshot)
		if !ok {
			s.Close()
			return nil, errNoBitmaps
		}
		for _, ss := range is.Segments() {
			s.segs = append(s.segs, &snapSegment{seg: ss.Segment(), deleted: ss.Deleted(), dicts: map[string]segment.TermDictionary{}})
		}
	}
	return s, nil
}

// Close releases the shards' readers.
func (s *snapshot) Close() error {
	var errs []error
	for _, r := range s.readers {
		errs = append(errs, r.Close())
	}
	return errors.Join(errs...)
}

func (s *snapSegment) dict(field string) (segment.TermDictionary, error) {
	if d, ok := s.dicts[field]; ok {
		return d, nil
	}
	d, err := s.seg.Dictionary(field)
	if err != nil {
		return nil, err
	}
	s.dicts[field] = d
	return d, nil
}

// postings returns the live pages of the segment having term in field. The
// bitmap may be the segment's own: it is never modified (every operation below
// makes a new one).
func (s *snapSegment) postings(field string, term []byte) (*roaring.Bitmap, error) {
	d, err := s.dict(field)
	if err != nil {
		return nil, err
	}
	pl, err := d.PostingsList(term, s.deleted, nil)
	if err != nil {
		return nil, err
	}
	it, ok := pl.Iterator(false, false, false, nil).(segment.OptimizablePostingsIterator)
	if !ok {
		return nil, errNoBitmaps
	}
	if n, ok := it.DocNum1Hit(); ok {
		return roaring.BitmapOf(uint32(n)), nil
	}
	if bm := it.ActualBitmap(); bm != nil {
		return bm, nil
	}
	return roaring.New(), nil
}

// termRange returns the live pages having a term of field in [start, end)
// (nil: unbounded), as bleve's prefix and range searchers find them: every term
// of the segment's dictionary in the range.
func (s *snapSegment) termRange(field string, start, end []byte) (*roaring.Bitmap, error) {
	d, err := s.dict(field)
	if err != nil {
		return nil, err
	}
	var bms []*roaring.Bitmap
	it := d.AutomatonIterator(nil, start, end)
	for {
		e, err := it.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			break
		}
		bm, err := s.postings(field, []byte(e.Term))
		if err != nil {
			return nil, err
		}
		bms = append(bms, bm)
	}
	return roaring.FastOr(bms...), nil
}

// eval returns the pages of the segment matching q, as bleve's searcher for q
// finds them. The result must not be modified.
func (s *snapSegment) eval(q bquery.Query) (*roaring.Bitmap, error) {
	switch q := q.(type) {
	case *bquery.TermQuery:
		return s.postings(q.FieldVal, []byte(q.Term))
	case *bquery.ConjunctionQuery:
		if len(q.Conjuncts) == 0 {
			return nil, errNoBitmaps // bleve: matches nothing, and changes a boolean around it
		}
		acc, err := s.eval(q.Conjuncts[0])
		if err != nil {
			return nil, err
		}
		for _, c := range q.Conjuncts[1:] {
			if acc.IsEmpty() {
				return acc, nil
			}
			bm, err := s.eval(c)
			if err != nil {
				return nil, err
			}
			acc = roaring.And(acc, bm)
		}
		return acc, nil
	case *bquery.DisjunctionQuery:
		if len(q.Disjuncts) == 0 || q.Min > 1 {
			return nil, errNoBitmaps
		}
		bms := make([]*roaring.Bitmap, 0, len(q.Disjuncts))
		for _, c := range q.Disjuncts {
			bm, err := s.eval(c)
			if err != nil {
				return nil, err
			}
			bms = append(bms, bm)
		}
		if len(bms) == 1 {
			return bms[0], nil
		}
		return roaring.FastOr(bms...), nil
	case *bquery.BooleanQuery:
		// Only the shape Search builds: a required part, optional clauses that only
		// score (a disjunction with no minimum), filters and exclusions. Without a
		// required part bleve's semantics change (the optional ones become required,
		// or everything matches).
		if q.Must == nil {
			return nil, errNoBitmaps
		}
		if q.Should != nil {
			d, ok := q.Should.(*bquery.DisjunctionQuery)
			if !ok || d.Min != 0 {
				return nil, errNoBitmaps
			}
		}
		acc, err := s.eval(q.Must)
		if err != nil {
			return nil, err
		}
		if q.Filter != nil && !acc.IsEmpty() {
			bm, err := s.eval(q.Filter)
			if err != nil {
				return nil, err
			}
			acc = roaring.And(acc, bm)
		}
		if q.MustNot != nil && !acc.IsEmpty() {
			bm, err := s.eval(q.MustNot)
			if err != nil {
				return nil, err
			}
			acc = roaring.AndNot(acc, bm)
		}
		return acc, nil
	case *bquery.PrefixQuery:
		// bleve: a disjunction of the terms with the prefix.
		return s.termRange(q.FieldVal, []byte(q.Prefix), prefixEnd([]byte(q.Prefix)))
	case *bquery.NumericRangeQuery:
		// bleve: the values within the bounds, found through their prefix-coded
		// terms; every value has its full-precision (shift 0) term, in order.
		lo, hi := math.Inf(-1), math.Inf(1)
		if q.Min != nil {
			lo = *q.Min
		}
		if q.Max != nil {
			hi = *q.Max
		}
		loInc, hiInc := q.InclusiveMin == nil || *q.InclusiveMin, q.InclusiveMax != nil && *q.InclusiveMax
		a, b := numeric.Float64ToInt64(lo), numeric.Float64ToInt64(hi)
		if !loInc && a != math.MaxInt64 {
			a++
		}
		if !hiInc && b != math.MinInt64 {
			b--
		}
		if a > b {
			return roaring.New(), nil
		}
		end := []byte(numeric.MustNewPrefixCodedInt64(b, 0))
		return s.termRange(q.FieldVal, numeric.MustNewPrefixCodedInt64(a, 0), append(end, 0))
	case *bquery.MatchNoneQuery:
		return roaring.New(), nil
	}
	return nil, errNoBitmaps
}

// prefixEnd is the first key after every key starting with p (nil: none).
func prefixEnd(p []byte) []byte {
	end := bytes.Clone(p)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}

// matches are the pages matching one query, a bitmap per segment of a snapshot.
type matches struct {
	snap *snapshot
	bms  []*roaring.Bitmap // by snap.segs
}

// evalAll evaluates q on every segment of snap.
func evalAll(snap *snapshot, q bquery.Query) (*matches, error) {
	m := &matches{snap: snap}
	for _, s := range snap.segs {
		bm, err := s.eval(q)
		if err != nil {
			return nil, err
		}
		m.bms = append(m.bms, bm)
	}
	return m, nil
}

func (m *matches) total() int {
	n := 0
	for _, bm := range m.bms {
		n += int(bm.GetCardinality())
	}
	return n
}

// facets counts the values of the named facets among the matches.
func (m *matches) facets(names []string) (map[string][]FacetCount, error) {
	counts := make(map[string]map[string]int, len(names))
	for _, n := range names {
		counts[n] = map[string]int{}
	}
	for i, s := range m.snap.segs {
		bm := m.bms[i]
		if bm.IsEmpty() {
			continue
		}
		var many []string // facets with too many values for their postings
		for _, name := range names {
			d, err := s.dict(name)
			if err != nil {
				return nil, err
			}
			if d.Cardinality() > maxBitmapFacetTerms {
				many = append(many, name)
				continue
			}
			it := d.AutomatonIterator(nil, nil, nil)
			for {
				e, err := it.Next()
				if err != nil {
					return nil, err
				}
				if e == nil {
					break
				}
				p, err := s.postings(name, []byte(e.Term))
				if err != nil {
					return nil, err
				}
				if n := int(bm.AndCardinality(p)); n > 0 {
					counts[name][e.Term] += n
				}
			}
		}
		if len(many) > 0 {
			if err := s.docValueFacets(bm, many, counts); err != nil {
				return nil, err
			}
		}
	}
	out := make(map[string][]FacetCount, len(names))
	for _, name := range names {
		fc := make([]FacetCount, 0, len(counts[name]))
		for v, n := range counts[name] {
			fc = append(fc, FacetCount{Term: v, Count: n})
		}
		sortFacetCounts(fc)
		out[name] = fc[:min(len(fc), FacetSize)]
	}
	return out, nil
}

// docValueFacets counts the named facets of the pages of bm from their
// fieldFacets doc values into counts.
func (s *snapSegment) docValueFacets(bm *roaring.Bitmap, names []string, counts map[string]map[string]int) error {
	dvs, ok := s.seg.(segment.DocValueVisitable)
	if !ok {
		return errNoBitmaps
	}
	var codes [256]string // code → facet name
	for _, n := range names {
		codes[facetCodes[n]] = n
	}
	local := map[string]int{}
	visit := func(_ string, term []byte) {
		if len(term) > 0 && codes[term[0]] != "" {
			local[string(term)]++
		}
	}
	fields := []string{fieldFacets}
	var state segment.DocVisitState
	var err error
	for it := bm.Iterator(); it.HasNext(); {
		if state, err = dvs.VisitDocValues(uint64(it.Next()), fields, visit, state); err != nil {
			return err
		}
	}
	for term, n := range local {
		counts[codes[term[0]]][term[1:]] += n
	}
	return nil
}

// pageRef is one matching page, found on the bitmaps.
type pageRef struct {
	seg       *snapSegment
	num       uint32
	doc       string
	page      int
	storedRef string // its bleve ID
}

// newest returns the window [offset, offset+limit) of the matches ordered as the
// collector orders a search without ranking: by document date, newest first,
// then by document ID and page number; pages without a date last. Only the
// dates the window reaches are looked at, and only the pages of the dates it
// ends in are read (their IDs, to order them).
func (m *matches) newest(offset, limit int) ([]pageRef, error) {
	need := offset + limit
	// The full-precision date terms of each segment, oldest first.
	dates := make([][][]byte, len(m.snap.segs))
	for i, s := range m.snap.segs {
		if m.bms[i].IsEmpty() {
			continue
		}
		d, err := s.dict(fieldDate)
		if err != nil {
			return nil, err
		}
		it := d.AutomatonIterator(nil, []byte{numeric.ShiftStartInt64}, []byte{numeric.ShiftStartInt64 + 1})
		for {
			e, err := it.Next()
			if err != nil {
				return nil, err
			}
			if e == nil {
				break
			}
			dates[i] = append(dates[i], []byte(e.Term))
		}
	}
	var out []pageRef
	seen := 0 // pages before the current date
	// take adds a group of pages that sort together by date (all of one date, or
	// the undated ones) to the window, ordered by document and page, reading their
	// IDs only when the window reaches into the group.
	take := func(group []pageRef, size int) error {
		if seen+size <= offset {
			seen += size
			return nil
		}
		for k := range group {
			id, err := group[k].seg.seg.DocID(uint64(group[k].num))
			if err != nil {
				return err
			}
			doc, page, ok := splitPageID(string(id))
			if !ok {
				return fmt.Errorf("search: page %q has no page number", id)
			}
			group[k].doc, group[k].page, group[k].storedRef = doc, page, string(id)
		}
		slices.SortFunc(group, func(a, b pageRef) int {
			if c := strings.Compare(a.doc, b.doc); c != 0 {
				return c
			}
			return a.page - b.page
		})
		lo := max(0, offset-seen)
		hi := min(len(group), need-seen)
		if lo < hi {
			out = append(out, group[lo:hi]...)
		}
		seen += size
		return nil
	}
	pos := make([]int, len(dates)) // per segment, dates not yet walked (from the end)
	for i := range dates {
		pos[i] = len(dates[i])
	}
	dated := make([]*roaring.Bitmap, len(m.bms)) // per segment, the matches walked
	for seen < need {
		// The newest date not yet walked, in any segment.
		var day []byte
		for i := range dates {
			if pos[i] > 0 && (day == nil || bytes.Compare(dates[i][pos[i]-1], day) > 0) {
				day = dates[i][pos[i]-1]
			}
		}
		if day == nil {
			break
		}
		bms := make([]*roaring.Bitmap, len(m.bms)) // per segment, the matches of the day
		size := 0
		for i, s := range m.snap.segs {
			if pos[i] == 0 || !bytes.Equal(dates[i][pos[i]-1], day) {
				continue
			}
			pos[i]--
			p, err := s.postings(fieldDate, day)
			if err != nil {
				return nil, err
			}
			bms[i] = roaring.And(m.bms[i], p)
			size += int(bms[i].GetCardinality())
			if dated[i] == nil {
				dated[i] = bms[i]
			} else {
				dated[i] = roaring.Or(dated[i], bms[i])
			}
		}
		var group []pageRef
		if seen+size > offset {
			for i, bm := range bms {
				if bm == nil {
					continue
				}
				for it := bm.Iterator(); it.HasNext(); {
					group = append(group, pageRef{seg: m.snap.segs[i], num: it.Next()})
				}
			}
		}
		if err := take(group, size); err != nil {
			return nil, err
		}
	}
	if seen < need {
		// Every date is walked: the matches left have no date.
		var group []pageRef
		size := 0
		for i, s := range m.snap.segs {
			bm := m.bms[i]
			if dated[i] != nil {
				bm = roaring.AndNot(bm, dated[i])
			}
			size += int(bm.GetCardinality())
			for it := bm.Iterator(); it.HasNext(); {
				group = append(group, pageRef{seg: s, num: it.Next()})
			}
		}
		if err := take(group, size); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// text returns the stored text of a page ("" for a page indexed without it).
func (p pageRef) text() (string, error) {
	var text string
	err := p.seg.seg.VisitStoredFields(uint64(p.num), func(field string, _ byte, value []byte, _ []uint64) bool {
		if field == fieldText {
			text = string(value)
			return false
		}
		return true
	})
	return text, err
}
