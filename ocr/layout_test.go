package ocr_test

import (
	"slices"
	"strings"
	"testing"

	"kntc/ingest"
	"kntc/ocr"
)

// row makes the words of one OCR line n: each item is a word and its left x; words
// are 10 pixels a rune wide and the line 40 pixels high.
func row(n int, items ...any) []ingest.Word {
	var ws []ingest.Word
	for i := 0; i < len(items); i += 2 {
		text, x := items[i].(string), items[i+1].(int)
		ws = append(ws, ingest.Word{Text: text, X0: x, X1: x + 10*len([]rune(text)), Y0: 50 * n, Y1: 50*n + 40, Block: 1, Par: 1, Line: n})
	}
	return ws
}

// text joins words like the recogniser does: a space within a line, a newline
// between lines, a blank line between blocks.
func text(ws []ingest.Word) string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			p := ws[i-1]
			switch {
			case w.Block != p.Block:
				b.WriteString("\n\n")
			case w.Line != p.Line:
				b.WriteString("\n")
			default:
				b.WriteString(" ")
			}
		}
		b.WriteString(w.Text)
	}
	return b.String()
}

func TestOrderColumns(t *testing.T) {
	tests := []struct {
		name  string
		words []ingest.Word
		want  string
	}{
		{"decision header", slices.Concat(
			row(1, "ỦY", 100, "BAN", 140, "TỈNH", 190, "CỘNG", 900, "HÒA", 960),
			row(2, "SỞ", 120, "TƯ", 160, "Độc", 920, "lập", 970),
			row(3, "PHÁP", 130),
			row(4, "Số:", 110, "12/QĐ-STP", 150, "Tây", 900, "Ninh,", 940, "ngày", 1000),
			row(5, "QUYẾT", 500, "ĐỊNH", 570),
			row(6, "Về", 300, "việc", 330, "thụ", 380, "lý", 420, "khiếu", 450, "nại", 520, "đất", 560, "đai", 600, "tại", 640, "xã", 680, "Trường", 720, "Tây", 800)),
			"ỦY BAN TỈNH\nSỞ TƯ\nPHÁP\nSố: 12/QĐ-STP\n\nCỘNG HÒA\nĐộc lập\nTây Ninh, ngày\n\nQUYẾT ĐỊNH\nVề việc thụ lý khiếu nại đất đai tại xã Trường Tây"},
		{"the body after a gap is not the left column", slices.Concat(
			row(1, "ỦY", 100, "BAN", 140, "CỘNG", 900, "HÒA", 960),
			row(2, "Số:", 110, "15/UBND", 150, "Độc", 920, "lập", 970),
			row(3, "V/v", 110, "trả", 150, "lời", 190),
			row(5, "Kính", 100, "gửi:", 160, "Ủy", 220, "ban", 260)),
			"ỦY BAN\nSố: 15/UBND\nV/v trả lời\n\nCỘNG HÒA\nĐộc lập\n\nKính gửi: Ủy ban"},
		{"one wide line is not columns", slices.Concat(
			row(1, "Điều", 100, "1.", 160, "phụ", 900),
			row(2, "Ban", 100, "hành", 150, "kèm", 210, "theo", 260)),
			"Điều 1. phụ\nBan hành kèm theo"},
		{"body text untouched", slices.Concat(
			row(1, "Trong", 100, "thời", 170, "hạn", 230),
			row(2, "giải", 100, "quyết", 150)),
			"Trong thời hạn\ngiải quyết"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.words)
			got := ocr.OrderColumns(tt.words)
			if s := text(got); s != tt.want {
				t.Errorf("got\n%s\nwant\n%s", s, tt.want)
			}
			if len(got) != len(tt.words) || !slices.Equal(tt.words, before) {
				t.Error("words lost, or the input modified")
			}
		})
	}
}
