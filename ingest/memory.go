package ingest

import (
	"container/list"
	"context"
	"fmt"
	"sync"
)

// PageSizer is a PageFile that knows, before decoding page i, how many pixels its
// image will have and how many bytes it will hold decoded (ocr/pages reads both
// from the headers). The processor bounds the memory of the pages in work by it;
// a PageFile that is not one is not bounded but by the page slots.
type PageSizer interface {
	PageSize(i int) (pixels, bytes int64)
}

// DefaultWorkBytesPerPixel is what working on a page adds to its decoded image,
// per pixel: the grey copy cleaning makes and its intermediate buffers,
// Tesseract's own copy and its binarised images, a turned copy when the page lies
// wrong, the archive encoding. Measured on a 12000×12000 grey PNG (make
// bench-load): about 12 bytes a pixel over the 1 of the decoded image.
const DefaultWorkBytesPerPixel = 10

// MemoryGate is a budget of bytes shared by the pages being worked on at once,
// across all documents: a page enters when its cost fits what the pages inside
// leave free, in the order they asked. A page that costs more than the whole
// budget enters alone, once every other has left. Safe for concurrent use.
type MemoryGate struct {
	mu      sync.Mutex
	size    int64
	used    int64
	waiters list.List // of *gateWaiter, first come first served
}

type gateWaiter struct {
	n     int64
	ready chan struct{}
}

// NewMemoryGate returns a gate with a budget of size bytes (at least 1).
func NewMemoryGate(size int64) *MemoryGate {
	return &MemoryGate{size: max(size, 1)}
}

// Size is the budget in bytes.
func (g *MemoryGate) Size() int64 { return g.size }

// Acquire waits until cost bytes fit the budget, or ctx ends (its error is
// returned and nothing is held). A cost above the budget is counted as the whole
// budget. release gives the bytes back; it must be called exactly once.
func (g *MemoryGate) Acquire(ctx context.Context, cost int64) (release func(), err error) {
	n := min(max(cost, 0), g.size)
	g.mu.Lock()
	if g.used+n <= g.size && g.waiters.Len() == 0 {
		g.used += n
		g.mu.Unlock()
		return g.releaser(n), nil
	}
	w := &gateWaiter{n: n, ready: make(chan struct{})}
	elem := g.waiters.PushBack(w)
	g.mu.Unlock()
	select {
	case <-w.ready:
		return g.releaser(n), nil
	case <-ctx.Done():
		g.mu.Lock()
		select {
		case <-w.ready: // admitted meanwhile: give it back
			g.used -= n
		default:
			isFront := g.waiters.Front() == elem
			g.waiters.Remove(elem)
			if !isFront {
				g.mu.Unlock()
				return nil, ctx.Err()
			}
		}
		g.admit() // the pages behind may fit now
		g.mu.Unlock()
		return nil, ctx.Err()
	}
}

func (g *MemoryGate) releaser(n int64) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			g.used -= n
			g.admit()
			g.mu.Unlock()
		})
	}
}

// admit lets in the waiters at the front that fit (the caller holds mu).
func (g *MemoryGate) admit() {
	for {
		front := g.waiters.Front()
		if front == nil {
			return
		}
		w := front.Value.(*gateWaiter)
		if g.used+w.n > g.size {
			return
		}
		g.used += w.n
		g.waiters.Remove(front)
		close(w.ready)
	}
}

// InUse is the bytes held now, for tests and metrics.
func (g *MemoryGate) InUse() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.used
}

// pageCost is what working on page i of f is reckoned to cost: its decoded image
// and the working copies of its pixels; 0 when f cannot tell.
func (p *Processor) pageCost(f PageFile, i int) int64 {
	ps, ok := f.(PageSizer)
	if !ok {
		return 0
	}
	pixels, bytes := ps.PageSize(i)
	return bytes + pixels*p.workBytesPerPixel()
}

func (p *Processor) workBytesPerPixel() int64 {
	if p.WorkBytesPerPixel <= 0 {
		return DefaultWorkBytesPerPixel
	}
	return p.WorkBytesPerPixel
}

// pixelsCost is what working on a page image of so many pixels, decoded to four
// bytes a pixel, is reckoned to cost; 0 when the size is not known.
func (p *Processor) pixelsCost(pixels int64) int64 {
	return pixels * (4 + p.workBytesPerPixel())
}

// holdPage waits until page i of f fits the memory budget; with no budget it
// holds nothing. Pages are always let in before they take a page slot (p.sem), so
// that a page holding memory never waits for a slot held by one waiting for
// memory.
func (p *Processor) holdPage(ctx context.Context, f PageFile, i int) (release func(), err error) {
	if p.Memory == nil {
		return func() {}, nil
	}
	return p.Memory.Acquire(ctx, p.pageCost(f, i))
}

// decodeHeld decodes page i of f within the memory budget; the caller releases
// the budget when done with the page.
func (p *Processor) decodeHeld(ctx context.Context, f PageFile, i int) (PageImage, func(), error) {
	release, err := p.holdPage(ctx, f, i)
	if err != nil {
		return PageImage{}, nil, err
	}
	pg, err := f.Page(ctx, i)
	if err != nil {
		release()
		return PageImage{}, nil, fmt.Errorf("trang %d (page %d): %w", i+1, i+1, err)
	}
	return pg, release, nil
}
