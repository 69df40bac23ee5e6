package tonelm_test

import (
	"strings"
	"testing"

	"kntc/ingest"
	"kntc/ocr/tonelm"
)

// words makes OCR words of s, one line, with the confidence Tesseract gives a
// clearly printed word.
func words(s string) []ingest.Word {
	var out []ingest.Word
	for i, f := range strings.Fields(s) {
		out = append(out, ingest.Word{Text: f, X0: 10 * i, Y0: 5, X1: 10*i + 8, Y1: 15, Confidence: 95, Block: 1, Par: 1, Line: 1})
	}
	return out
}

func text(ws []ingest.Word) string {
	var parts []string
	for _, w := range ws {
		parts = append(parts, w.Text)
	}
	return strings.Join(parts, " ")
}

func TestModelLoads(t *testing.T) {
	m, err := tonelm.Default()
	if err != nil {
		t.Fatal(err)
	}
	syl, pairs, triples := m.Size()
	if syl < 2000 || pairs < 50000 || triples < 100000 {
		t.Errorf("model has %d syllables, %d pairs and %d triples; want a model of the corpus (make model)", syl, pairs, triples)
	}
	if _, err := tonelm.DefaultCorrector(); err != nil {
		t.Fatal(err)
	}
}

// Tone slips Tesseract makes are corrected in context; right text, text written
// without diacritics, numbers, names and words the model cannot be sure of are
// left as they are.
func TestCorrect(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"tone in a common phrase", "trong Công an nhân dần tỉnh", "trong Công an nhân dân tỉnh"},
		{"both words of a phrase", "các cơ quan, tổ chức, cá nhần có liên quan", "các cơ quan, tổ chức, cá nhân có liên quan"},
		{"capitals", "ĐƠN KHIẾU NẠI, ĐƠN TỔ CÁO", "ĐƠN KHIẾU NẠI, ĐƠN TỐ CÁO"},
		{"article heading", "Điêu 5. Quyền của người tố cáo", "Điều 5. Quyền của người tố cáo"},
		{"hook read as acute", "đại biếu Hội đồng nhân dân", "đại biểu Hội đồng nhân dân"},
		{"grave added", "Nơi tiếp công dần; thời gian tiếp công dân", "Nơi tiếp công dân; thời gian tiếp công dân"},
		{"punctuation kept", "(khiếu nài)", "(khiếu nại)"},
		{"right already", "Cộng hòa xã hội chủ nghĩa Việt Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"},
		{"old tone placement kept", "Cộng hoà xã hội chủ nghĩa Việt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"},
		{"uỷ and ủy", "Uỷ ban nhân dân tỉnh và Ủy ban nhân dân huyện", "Uỷ ban nhân dân tỉnh và Ủy ban nhân dân huyện"},
		{"right in its other neighbour's sense", "vì lợi ích của cả nhân dân", "vì lợi ích của cả nhân dân"},
		{"no diacritics", "Bao cao xac minh ve thu ly", "Bao cao xac minh ve thu ly"},
		{"no diacritics beside marked words", "Uy ban nhân dân", "Uy ban nhân dân"},
		{"numbers", "Nghị định số 31/2019/NĐ-CP ngày 10/4/2019", "Nghị định số 31/2019/NĐ-CP ngày 10/4/2019"},
		{"name inside a sentence", "ông Tô Văn Cao và bà Lê Thị Hà", "ông Tô Văn Cao và bà Lê Thị Hà"},
		// Without "bà", NHẦN DẦN would be read as NHÂN DÂN.
		{"name in capitals after a title", "đơn của bà NGUYỄN THỊ NHẦN DẦN", "đơn của bà NGUYỄN THỊ NHẦN DẦN"},
		{"capitals after a name", "ông NGUYỄN VĂN A. ĐƠN TỔ CÁO", "ông NGUYỄN VĂN A. ĐƠN TỐ CÁO"},
		{"sentence end between words", "Ông Tô. Cao Văn Lâm", "Ông Tô. Cao Văn Lâm"},
		{"not letters only", "QĐ-UBND tố-cao", "QĐ-UBND tố-cao"},
		{"empty", "", ""},
		{"one word", "tố", "tố"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := text(tonelm.Correct(words(tt.in))); got != tt.want {
				t.Errorf("Correct(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// The corrector changes words' text only: the same words, boxes, confidences and
// layout, so the PDF text layer and the search text, both made from the words,
// follow the corrected text.
func TestCorrectKeepsWords(t *testing.T) {
	in := words("Điêu 12. Trách nhiệm của cơ quan, tổ chức, cá nhần có thẩm quyền")
	want := append([]ingest.Word(nil), in...)
	got := tonelm.Correct(in)
	if len(got) != len(want) {
		t.Fatalf("%d words, want %d", len(got), len(want))
	}
	changed := 0
	for i := range got {
		g, w := got[i], want[i]
		if g.Text != w.Text {
			changed++
		}
		g.Text = w.Text
		if g != w {
			t.Errorf("word %d: %+v, want %+v but the text", i, got[i], want[i])
		}
	}
	if changed != 2 {
		t.Errorf("%d words changed, want 2 (Điêu, nhần): %q", changed, text(got))
	}
}

// A low confidence makes a change likelier: Tesseract's own doubt about the word
// counts. "tư vẫn" is left at 97 (the margin is not reached) and read "tư vấn"
// when Tesseract doubts the word.
func TestCorrectUsesConfidence(t *testing.T) {
	const in, fixed = "khảo ý kiến tư vẫn trong việc giải quyết", "khảo ý kiến tư vấn trong việc giải quyết"
	for _, tt := range []struct {
		conf float64
		want string
	}{{97, in}, {80, fixed}, {60, fixed}} {
		ws := words(in)
		for i := range ws {
			if ws[i].Text == "vẫn" {
				ws[i].Confidence = tt.conf
			}
		}
		if got := text(tonelm.Correct(ws)); got != tt.want {
			t.Errorf("confidence %v: %q, want %q", tt.conf, got, tt.want)
		}
	}
}
