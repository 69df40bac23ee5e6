package web

import (
	"context"
	"sync"

	"kntc/auth"
	"kntc/ingest"
)

// The portal's own cache of its published list (issue 13, make bench-portal):
// the list without words is the same for every visitor, so each server keeps,
// in memory, the units its filter offers, the count of each filter and each
// page as rendered, all under the portal generation they were read at
// (cases.PortalGenerationStore: a number the database changes in the same
// transaction as any publication, retraction or unit). Every request reads the
// generation first (one row) and serves only what was cached under the number
// it read: a copy taken down on any server, or its document retracted, leaves
// every server's list with that request. What is read after the number is at
// least as new as the number, so nothing older than it is ever kept under it.
// A search with words is not cached (its answers are many and seldom asked
// twice); it takes the cached units.
type publishedCache struct {
	mu     sync.Mutex
	gen    int64
	units  []auth.Unit // nil: not read under gen
	counts map[publishedFilter]int
	pages  map[publishedPageKey][]byte
	// flights are the pages being built, by generation (whatever the cache's).
	flights map[flightKey]*flight
}

// publishedFilter is a list's filter as applied (a unit, kind or year the
// filter does not offer is no filter).
type publishedFilter struct {
	unit string
	kind ingest.Kind
	year int
}

// publishedPageKey names a rendered page: its filter, its number, and the
// year the year filter's choices start at (this year).
type publishedPageKey struct {
	publishedFilter
	page, thisYear int
}

// Bounds of the cache: 11 units, 5 kinds and 10 years make 792 filters; a page
// is ~13 KB, so the pages take at most ~7 MB.
const (
	publishedCacheCounts = 4096
	publishedCachePages  = 512
)

// use makes gen the cache's generation, dropping what another held (the caller
// holds mu).
func (c *publishedCache) use(gen int64) {
	if c.gen == gen && c.counts != nil {
		return
	}
	c.gen, c.units = gen, nil
	c.counts = map[publishedFilter]int{}
	c.pages = map[publishedPageKey][]byte{}
}

func (c *publishedCache) cachedUnits(gen int64) ([]auth.Unit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.units, c.gen == gen && c.units != nil
}

func (c *publishedCache) putUnits(gen int64, units []auth.Unit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.use(gen)
	c.units = units
}

func (c *publishedCache) count(gen int64, f publishedFilter) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.counts[f]
	return n, ok && c.gen == gen
}

func (c *publishedCache) putCount(gen int64, f publishedFilter, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.use(gen)
	if len(c.counts) >= publishedCacheCounts {
		for k := range c.counts { // any one: the map's order is random enough
			delete(c.counts, k)
			break
		}
	}
	c.counts[f] = n
}

// fill returns page k as cached under gen, or as build makes it (and then
// caches it). While one request builds a page, the others that want it wait for
// it rather than build it too: after a change every visitor misses at once, and
// a count takes tens of milliseconds.
func (c *publishedCache) fill(ctx context.Context, gen int64, k publishedPageKey, build func() ([]byte, error)) ([]byte, error) {
	fk := flightKey{gen, k}
	c.mu.Lock()
	if b, ok := c.pages[k]; ok && c.gen == gen {
		c.mu.Unlock()
		return b, nil
	}
	if f, ok := c.flights[fk]; ok {
		f.waiters++
		c.mu.Unlock()
		select {
		case <-f.done:
			if f.err == nil {
				return f.page, nil
			}
			return c.fill(ctx, gen, k, build) // its builder failed (or its client left): try again
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if c.flights == nil {
		c.flights = map[flightKey]*flight{}
	}
	f := &flight{done: make(chan struct{})}
	c.flights[fk] = f
	c.mu.Unlock()

	f.page, f.err = build()
	c.mu.Lock()
	delete(c.flights, fk)
	if f.err == nil {
		c.use(gen)
		if len(c.pages) >= publishedCachePages {
			for k := range c.pages { // any one: the map's order is random enough
				delete(c.pages, k)
				break
			}
		}
		c.pages[k] = f.page
	}
	c.mu.Unlock()
	close(f.done)
	return f.page, f.err
}

// flightKey names a page being built.
type flightKey struct {
	gen int64
	k   publishedPageKey
}

// flight is a page being built: page and err are set before done is closed.
type flight struct {
	done    chan struct{}
	page    []byte
	err     error
	waiters int // how many requests wait for it (under the cache's mu)
}

// publishedUnits are the units the list's filter offers: cached under gen when
// cache is set.
func (p *portal) publishedUnits(ctx context.Context, gen int64, cache bool) ([]auth.Unit, error) {
	if cache {
		if u, ok := p.published.cachedUnits(gen); ok {
			return u, nil
		}
	}
	units, err := p.deps.Accounts.Store.Units(ctx)
	if err == nil && cache {
		p.published.putUnits(gen, units)
	}
	return units, err
}
