package web

import (
	"bytes"
	"errors"
	"runtime"
	"sync"
	"testing"
)

// TestPublishedCacheFill: requests that miss the same page while it is being
// built wait for it and take it (one build, not one each); a failed build is
// not cached and its waiters build for themselves; another generation's page
// is never served, and caching under it drops the older one's.
func TestPublishedCacheFill(t *testing.T) {
	var c publishedCache
	k := publishedPageKey{publishedFilter: publishedFilter{unit: "A"}, page: 1, thisYear: 2026}
	release := make(chan struct{})
	var builds sync.Mutex
	nBuilds := 0
	build := func(page string, fail bool) func() ([]byte, error) {
		return func() ([]byte, error) {
			builds.Lock()
			nBuilds++
			builds.Unlock()
			<-release
			if fail {
				return nil, errors.New("the database is down")
			}
			return []byte(page), nil
		}
	}
	run := func(gen int64, first func() ([]byte, error), others int, otherBuild func() ([]byte, error)) [][]byte {
		t.Helper()
		out := make([][]byte, others+1)
		errs := make([]error, others+1)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); out[0], errs[0] = c.fill(t.Context(), gen, k, first) }()
		for { // the first is building once its flight is there
			c.mu.Lock()
			_, flying := c.flights[flightKey{gen, k}]
			c.mu.Unlock()
			if flying {
				break
			}
			runtime.Gosched()
		}
		for i := 1; i <= others; i++ {
			wg.Add(1)
			go func() { defer wg.Done(); out[i], errs[i] = c.fill(t.Context(), gen, k, otherBuild) }()
		}
		for { // every other waits for it
			c.mu.Lock()
			n := c.flights[flightKey{gen, k}].waiters
			c.mu.Unlock()
			if n == others {
				break
			}
			runtime.Gosched()
		}
		close(release)
		wg.Wait()
		release = make(chan struct{})
		for i, err := range errs {
			if err != nil && (i > 0 || err.Error() != "the database is down") {
				t.Errorf("fill %d: %v", i, err)
			}
		}
		return out
	}

	out := run(1, build("page one", false), 7, build("built again", false))
	for i, b := range out {
		if string(b) != "page one" {
			t.Errorf("request %d got %q", i, b)
		}
	}
	if nBuilds != 1 {
		t.Errorf("%d builds for 8 requests, want 1", nBuilds)
	}
	if b, err := c.fill(t.Context(), 1, k, build("not wanted", false)); err != nil || string(b) != "page one" || nBuilds != 1 {
		t.Errorf("a later request: %q %v after %d builds, want the cached page", b, err, nBuilds)
	}

	// A failed build: nothing cached; its waiters build for themselves.
	nBuilds = 0
	out = run(2, build("", true), 3, func() ([]byte, error) { return []byte("page two"), nil })
	if out[0] != nil {
		t.Errorf("the failed build gave %q", out[0])
	}
	for i, b := range out[1:] {
		if string(b) != "page two" {
			t.Errorf("waiter %d got %q", i+1, b)
		}
	}
	if _, ok := c.pages[k]; !ok || c.gen != 2 {
		t.Errorf("after generation 2's waiters: cache at generation %d holds %v", c.gen, ok)
	}
	// Generation 1's page was dropped with generation 1; it is built again.
	nBuilds = 0
	b, err := c.fill(t.Context(), 1, k, func() ([]byte, error) { nBuilds++; return []byte("page one again"), nil })
	if err != nil || !bytes.Equal(b, []byte("page one again")) || nBuilds != 1 {
		t.Errorf("generation 1 after 2: %q %v, %d builds", b, err, nBuilds)
	}
}
