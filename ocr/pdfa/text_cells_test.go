package pdfa

import (
	"testing"

	"kntc/ingest"
)

// A table row is one OCR line whose cells lie side by side, each on lines of its
// own: the text layer gives each cell's line its own baseline.
func TestLinesSplitTableCells(t *testing.T) {
	words := []ingest.Word{
		{Text: "ấp", X0: 500, Y0: 100, X1: 520, Y1: 140, Line: 1, Cell: 3},
		{Text: "Long", X0: 530, Y0: 100, X1: 570, Y1: 140, Line: 1, Cell: 3},
		{Text: "Trường", X0: 500, Y0: 150, X1: 560, Y1: 190, Line: 1, Cell: 3},
		{Text: "Khiếu", X0: 850, Y0: 100, X1: 900, Y1: 140, Line: 1, Cell: 4},
	}
	ls := lines(words, 1000, 1000)
	if len(ls) != 3 {
		t.Fatalf("%d text lines, want 3 (a cell's two lines, the next cell)", len(ls))
	}
	if ls[2].y0 != 100 || ls[2].y1 != 140 {
		t.Errorf("the next cell's line spans %d–%d, want 100–140", ls[2].y0, ls[2].y1)
	}
}
