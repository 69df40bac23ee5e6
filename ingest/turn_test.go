package ingest_test

import (
	"context"
	"image"
	"io"
	"log/slog"
	"slices"
	"testing"

	"kntc/ingest"
	"kntc/ocr"
	"kntc/storage/localfs"
)

// A two-page file whose first page was scanned lying on its side: the recogniser
// reads it turned (Rotation 90) and the archive must hold it upright.

type sideFile struct{}

func (sideFile) ContentType() string { return "image/x-test" }
func (sideFile) NumPages() int       { return 2 }
func (sideFile) Close() error        { return nil }
func (sideFile) Page(_ context.Context, i int) (ingest.PageImage, error) {
	img := image.NewGray(image.Rect(0, 0, 40, 20)) // 40 wide, 20 high as scanned
	img.Pix[0] = uint8(i)                          // the page number, for the recogniser
	return ingest.PageImage{Image: img, DPI: 300, JPEG: []byte{0xff, 0xd8, byte(i)}}, nil
}

// sideOCR reads page 0 turned by 90°: its word box is in the turned page's pixels
// (20 wide, 40 high).
type sideOCR struct{}

func (sideOCR) Recognize(_ context.Context, img image.Image, _ int) (ingest.Recognition, error) {
	if img.(*image.Gray).Pix[0] == 0 {
		return ingest.Recognition{Text: "Biên bản", Rotation: 90, Confidence: 90,
			Words: []ingest.Word{{Text: "Biên", X0: 2, Y0: 5, X1: 8, Y1: 9, Block: 1, Par: 1, Line: 1}}}, nil
	}
	return ingest.Recognition{Text: "trang hai", Confidence: 90,
		Words: []ingest.Word{{Text: "trang", X0: 1, Y0: 1, X1: 9, Y1: 5, Block: 1, Par: 1, Line: 1}}}, nil
}

type recordedPage struct {
	size  image.Point
	jpeg  bool
	words []ingest.Word
}

type recordingArchive struct{ pages *[]recordedPage }

func (a recordingArchive) AddPage(p ingest.ArchivePage) error {
	*a.pages = append(*a.pages, recordedPage{p.Page.Image.Bounds().Size(), p.Page.JPEG != nil, p.Words})
	return nil
}
func (a recordingArchive) Close() error { return nil }

func TestProcessArchivesTurnedPagesUpright(t *testing.T) {
	tests := []struct {
		name   string
		rotate ingest.RotateFunc
		want   []recordedPage
	}{
		{"turned with Rotate", ocr.Rotate, []recordedPage{
			{image.Pt(20, 40), false, []ingest.Word{{Text: "Biên", X0: 2, Y0: 5, X1: 8, Y1: 9, Block: 1, Par: 1, Line: 1}}},
			{image.Pt(40, 20), true, []ingest.Word{{Text: "trang", X0: 1, Y0: 1, X1: 9, Y1: 5, Block: 1, Par: 1, Line: 1}}},
		}},
		// Without Rotate the page stays as scanned and its word goes back with it:
		// (x, y) of the turned page is (y, 20-x) of the scan.
		{"as scanned without Rotate", nil, []recordedPage{
			{image.Pt(40, 20), true, []ingest.Word{{Text: "Biên", X0: 5, Y0: 12, X1: 9, Y1: 18, Block: 1, Par: 1, Line: 1}}},
			{image.Pt(40, 20), true, []ingest.Word{{Text: "trang", X0: 1, Y0: 1, X1: 9, Y1: 5, Block: 1, Par: 1, Line: 1}}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSpoolEnv(t, "")
			blobs, err := localfs.New(t.TempDir())
			must(t, err)
			var archived []recordedPage
			p := &ingest.Processor{
				Docs: e.db, Blobs: blobs, OCR: sideOCR{}, Spool: e.spool, Rotate: tt.rotate,
				Open: func(context.Context, string) (ingest.PageFile, error) { return sideFile{}, nil },
				Archive: func(io.Writer, ingest.ArchiveMeta) (ingest.Archive, error) {
					return recordingArchive{&archived}, nil
				},
				Quarantine: &ingest.Quarantine{Dir: t.TempDir()}, Logger: slog.New(slog.DiscardHandler),
				Slots: 1, Pipeline: "v2",
			}
			d, err := e.spool.Claim(t.Context(), e.drop(t, "scan.tif", "scan"))
			must(t, err)
			must(t, p.Process(t.Context(), d.ID, false))
			got, err := e.db.Document(t.Context(), d.ID)
			must(t, err)
			if got.Status != ingest.StatusStored {
				t.Fatalf("status %s (%s)", got.Status, got.Error)
			}
			if len(archived) != 2 {
				t.Fatalf("%d pages archived, want 2", len(archived))
			}
			for i, w := range tt.want {
				a := archived[i]
				if a.size != w.size || a.jpeg != w.jpeg || !slices.Equal(a.words, w.words) {
					t.Errorf("page %d archived as %v, JPEG %v, words %+v; want %v, %v, %+v", i+1, a.size, a.jpeg, a.words, w.size, w.jpeg, w.words)
				}
			}
			// The page rows describe the page the words are on: turned.
			rows, err := e.db.Pages(t.Context(), d.ID)
			must(t, err)
			for _, r := range rows {
				want := image.Pt(40, 20)
				if r.Number == 1 {
					want = image.Pt(20, 40)
				}
				if image.Pt(r.Width, r.Height) != want {
					t.Errorf("page %d recorded %dx%d, want %v", r.Number, r.Width, r.Height, want)
				}
			}
		})
	}
}
