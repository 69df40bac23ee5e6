package tesseract_test

import (
	"context"
	"strings"
	"testing"

	"kntc/internal/testenv"
	"kntc/ocr"
	"kntc/ocr/ocrtest"
)

// TestReaderTableCells reads a report page of the OCR benchmark whose table's row
// numbers Tesseract's page reading gets wrong (a 5 read as 2 on the clean page; on
// the speckled one, skewed, a 1 and a 7 lost, 9, for 2): with the short cells read
// again each alone, every cell is read, in row order, and each row number is
// right.
func TestReaderTableCells(t *testing.T) {
	r, _ := newReader(t)
	cs, err := ocrtest.GeneratedTablePages(testenv.RequireSamples(t), benchSamples, 2, 2028)
	if err != nil {
		t.Fatal(err)
	}
	img, _, tab, err := ocrtest.RenderTable(cs[1].Table)
	if err != nil {
		testenv.Missing(t, "fonts-dejavu-core", err.Error())
	}
	for _, name := range []string{"clean", "speckled"} {
		t.Run(name, func(t *testing.T) {
			page, dpi := ocrtest.Clean(img, 2)
			if name == "speckled" {
				page, dpi = ocrtest.Speckled(img, 2)
			}
			rec, err := r.Recognize(context.Background(), page, dpi)
			if err != nil {
				t.Fatal(err)
			}
			if found, total := ocrtest.CellsInOrder(rec.Text, tab); found != total {
				t.Errorf("%d of %d cells in row order:\n%s", found, total, rec.Text)
			}
			var numbers []string
			for line := range strings.SplitSeq(rec.Text, "\n") {
				if cells := strings.Split(line, ocr.CellSep); len(cells) == 4 {
					numbers = append(numbers, cells[0])
				}
			}
			if got, want := strings.Join(numbers, " "), "STT 1 2 3 4 5 6 7 8 9"; got != want {
				t.Errorf("row numbers %q, want %q", got, want)
			}
		})
	}
}
