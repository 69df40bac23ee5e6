package ingest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/storage/localfs"
)

// In these tests a toy page whose line begins "TEXT " carried its own text (a
// typed page); any other is a scan, read by toyOCR. The toy archive copy is the
// pages' lines, one a line; the toy text layer reads page n's words from the
// copy's line n.

type typedToyFile struct{ toyFile }

func openTypedToy(ctx context.Context, path string) (ingest.PageFile, error) {
	f, err := openToy(ctx, path)
	if err != nil {
		return nil, err
	}
	return typedToyFile{f.(toyFile)}, nil
}

func (f typedToyFile) Page(ctx context.Context, i int) (ingest.PageImage, error) {
	pg, err := f.toyFile.Page(ctx, i)
	if line := f.lines[i]; strings.HasPrefix(line, "TEXT ") {
		pg.Text = line
	}
	return pg, err
}

// toyTextLayer records what the pipeline asked of the text layer.
type toyTextLayer struct {
	mu     sync.Mutex
	copies []string // the archive copies opened, as they were read
	asked  []int    // the pages read
	fail   int      // a page whose reading fails
	closed int
}

func (l *toyTextLayer) open(_ context.Context, path string) (ingest.TextLayer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.copies = append(l.copies, string(b))
	return toyLayerFile{l, strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")}, nil
}

type toyLayerFile struct {
	l     *toyTextLayer
	lines []string
}

func (f toyLayerFile) Words(_ context.Context, n int) (ingest.PageWords, error) {
	f.l.mu.Lock()
	defer f.l.mu.Unlock()
	f.l.asked = append(f.l.asked, n)
	if n == f.l.fail {
		return ingest.PageWords{}, errors.New("pdftotext: broken page")
	}
	line := f.lines[n-1]
	return ingest.PageWords{Width: len(line), Height: 1, DPI: 300,
		Words: []ingest.Word{{Text: strings.Fields(line)[1], X0: 5, Y0: 0, X1: 5 + len(strings.Fields(line)[1]), Y1: 1, Block: 1, Par: 1, Line: 1}}}, nil
}

func (f toyLayerFile) Close() error {
	f.l.mu.Lock()
	defer f.l.mu.Unlock()
	f.l.closed++
	return nil
}

// TestTypedPagesWordsStored: a document's pages that carried their own text get
// their words read from the archive copy as stored, kept under TextWordsKey and
// found by BoxesKey, as a scan's OCR words are under their WordsKey; a scan
// alone never opens the text layer; a page whose words cannot be read leaves
// the document stored, without that page's words.
func TestTypedPagesWordsStored(t *testing.T) {
	tests := []struct {
		name      string
		pages     []string
		fail      int
		wantAsked []int // pages whose words were read
		wantKept  []int // pages whose words were stored
	}{
		{"scans only", []string{"quet trang mot", "quet trang hai"}, 0, nil, nil},
		{"typed only", []string{"TEXT quyet dinh", "TEXT ket luan"}, 0, []int{1, 2}, []int{1, 2}},
		{"scan and typed", []string{"quet trang mot", "TEXT to trinh", "quet trang ba"}, 0, []int{2}, []int{2}},
		{"a typed page unreadable", []string{"TEXT quyet dinh", "TEXT ket luan"}, 1, []int{1, 2}, []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSpoolEnv(t, "")
			blobs, err := localfs.New(t.TempDir())
			must(t, err)
			layer := &toyTextLayer{fail: tt.fail}
			ocr := &toyOCR{}
			p := &ingest.Processor{
				Docs: e.db, Blobs: blobs, OCR: ocr, Open: openTypedToy, Spool: e.spool, OpenTextLayer: layer.open,
				Archive:    func(w io.Writer, _ ingest.ArchiveMeta) (ingest.Archive, error) { return toyArchive{w}, nil },
				Quarantine: &ingest.Quarantine{Dir: t.TempDir()}, Logger: slog.New(slog.DiscardHandler),
				Slots: 2, Pipeline: "v1",
			}
			d, err := e.spool.Claim(t.Context(), e.drop(t, "van-ban.toy", strings.Join(tt.pages, "\n")+"\n"))
			must(t, err)
			must(t, p.Process(t.Context(), d.ID, false))
			d, err = e.db.Document(t.Context(), d.ID)
			must(t, err)
			if d.Status != ingest.StatusStored {
				t.Fatalf("status %s (%s), want stored", d.Status, d.Error)
			}
			slices.Sort(layer.asked)
			if !slices.Equal(layer.asked, tt.wantAsked) {
				t.Errorf("words read of pages %v, want %v", layer.asked, tt.wantAsked)
			}
			if len(tt.wantAsked) == 0 && len(layer.copies) != 0 {
				t.Errorf("a document without typed pages opened the text layer %d times", len(layer.copies))
			}
			if len(tt.wantAsked) > 0 {
				rc, err := blobs.Get(t.Context(), ingest.ArchiveKey(d.SHA256, "v1"), 0, -1)
				must(t, err)
				stored, err := io.ReadAll(rc)
				rc.Close()
				must(t, err)
				if len(layer.copies) != 1 || layer.copies[0] != string(stored) || layer.closed != 1 {
					t.Errorf("text layers opened %q (closed %d), want the stored archive copy %q once", layer.copies, layer.closed, stored)
				}
			}
			rows, err := e.db.Pages(t.Context(), d.ID)
			must(t, err)
			if len(rows) != len(tt.pages) {
				t.Fatalf("%d page rows, want %d", len(rows), len(tt.pages))
			}
			for _, pg := range rows {
				key := ingest.BoxesKey(d, pg)
				typed := strings.HasPrefix(tt.pages[pg.Number-1], "TEXT ")
				if typed != (pg.Source == "text") {
					t.Fatalf("page %d: source %q", pg.Number, pg.Source)
				}
				if !typed {
					if key != pg.WordsKey || key != ingest.PageKey(d.SHA256, "v1", pg.Number) {
						t.Errorf("scanned page %d: boxes under %q, want its OCR result %q", pg.Number, key, pg.WordsKey)
					}
					if _, err := blobs.Stat(t.Context(), ingest.TextWordsKey(d.SHA256, "v1", pg.Number)); !errors.Is(err, errs.ErrNotFound) {
						t.Errorf("scanned page %d has text-layer words (%v)", pg.Number, err)
					}
					continue
				}
				if key != ingest.TextWordsKey(d.SHA256, "v1", pg.Number) || key == pg.WordsKey {
					t.Errorf("typed page %d: boxes under %q, want the text-layer words", pg.Number, key)
				}
				rc, err := blobs.Get(t.Context(), key, 0, -1)
				if !slices.Contains(tt.wantKept, pg.Number) {
					if !errors.Is(err, errs.ErrNotFound) {
						t.Errorf("typed page %d, unreadable: its words object %v, want none", pg.Number, err)
					}
					continue
				}
				must(t, err)
				var pw ingest.PageWords
				err = json.NewDecoder(rc).Decode(&pw)
				rc.Close()
				must(t, err)
				word := strings.Fields(tt.pages[pg.Number-1])[1]
				want := []ingest.Word{{Text: word, X0: 5, Y0: 0, X1: 5 + len(word), Y1: 1, Block: 1, Par: 1, Line: 1}}
				if pw.Width != len(tt.pages[pg.Number-1]) || pw.Height != 1 || pw.DPI != 300 || !slices.Equal(pw.Words, want) {
					t.Errorf("typed page %d: words %+v, want %+v on %d×1", pg.Number, pw, want, len(tt.pages[pg.Number-1]))
				}
			}
			// The copy fetched for the text layer is not left in the spool.
			if left := spoolFiles(t, e.spool.Dir); len(left) != 0 {
				t.Errorf("spool after storing: %v", left)
			}
		})
	}
}
