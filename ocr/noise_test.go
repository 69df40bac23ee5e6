package ocr_test

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kntc/ingest"
	"kntc/internal/viet"
	"kntc/ocr"
)

func noiseUpdating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// TestRemoveNoiseLinesGolden cleans every testdata/noise/*.txt (OCR output with the
// noise Tesseract reads from specks, rules and page edges) and compares with the
// .golden beside it (go test -run NoiseLinesGolden -update rewrites them).
func TestRemoveNoiseLinesGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "noise", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatal("no testdata/noise/*.txt")
	}
	for _, in := range inputs {
		t.Run(strings.TrimSuffix(filepath.Base(in), ".txt"), func(t *testing.T) {
			text, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got := ocr.RemoveNoiseLines(string(text))
			if again := ocr.RemoveNoiseLines(got); again != got {
				t.Errorf("not idempotent:\n%s\nthen\n%s", got, again)
			}
			golden := strings.TrimSuffix(in, ".txt") + ".golden"
			if noiseUpdating() {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run NoiseLinesGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("differs from %s (go test -run NoiseLinesGolden -update, then review the diff)\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

func TestIsNoiseLine(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"| _ :", true},
		{"_____", true},
		{"—— —", true},
		{". . . …", true},
		{"ẵ - -", true},
		{"Ẫ", true},
		{"ì 2", true},
		{"- 2 -", false}, // a page number
		{"12", false},
		{"a) Kiểm tra", false},
		{"ở", true}, // a one-letter line is noise even when it is a word
		{"Số: 12/QĐ-UBND", false},
		{"ngay;", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			if got := ocr.IsNoiseLine(strings.Fields(tt.line)); got != tt.want {
				t.Errorf("IsNoiseLine(%q) = %v, want %v", tt.line, got, tt.want)
			}
		})
	}
}

// line lays tokens out on one OCR line, 40 pixels high, at the given x positions
// (each token 10 pixels a rune wide).
func line(n int, tokens []string, xs []int) []ingest.Word {
	var ws []ingest.Word
	for i, tok := range tokens {
		x := xs[i]
		ws = append(ws, ingest.Word{Text: tok, X0: x, X1: x + 10*len([]rune(tok)), Y0: 100 * n, Y1: 100*n + 40, Confidence: 90, Block: 1, Par: 1, Line: n})
	}
	return ws
}

func TestDropNoiseWords(t *testing.T) {
	texts := func(ws []ingest.Word) []string {
		var out []string
		for _, w := range ws {
			out = append(out, w.Text)
		}
		return out
	}
	tests := []struct {
		name  string
		words []ingest.Word
		want  []string
	}{
		{"stray mark far left of the line", line(1, []string{"Ẫ", "Trong", "thời", "hạn"}, []int{10, 200, 260, 320}), []string{"Trong", "thời", "hạn"}},
		{"stray marks far right of the line", line(1, []string{"khiếu", "nại", ":", "|"}, []int{200, 260, 500, 600}), []string{"khiếu", "nại"}},
		{"list marker close to its words", line(1, []string{"-", "Lưu:", "VT."}, []int{190, 210, 260}), []string{"-", "Lưu:", "VT."}},
		{"one-letter word in the line", line(1, []string{"ở", "vùng", "sâu"}, []int{190, 210, 260}), []string{"ở", "vùng", "sâu"}},
		{"number far left is kept", line(1, []string{"1.", "Trong", "thời"}, []int{10, 200, 260}), []string{"1.", "Trong", "thời"}},
		{"noise line dropped", slices.Concat(line(1, []string{"Điều", "27."}, []int{200, 260}), line(2, []string{":", "_", "|"}, []int{10, 300, 900}), line(3, []string{"Thụ", "lý"}, []int{200, 260})), []string{"Điều", "27.", "Thụ", "lý"}},
		{"a lone mark on its own line", line(1, []string{"—"}, []int{10}), nil},
		{"apostrophe read inside a line", line(1, []string{"bà", "Trương", "'", "Thị"}, []int{200, 240, 330, 345}), []string{"bà", "Trương", "Thị"}},
		{"quote attached to a word is kept", line(1, []string{"“Điều", "27”"}, []int{200, 260}), []string{"“Điều", "27”"}},
		{"apostrophe stuck before a syllable", line(1, []string{"Trương", "'Thị", "Mỹ"}, []int{200, 270, 320}), []string{"Trương", "Thị", "Mỹ"}},
		{"a quoted word keeps its quotes", line(1, []string{"'Thị'", "'UBND"}, []int{200, 270}), []string{"'Thị'", "'UBND"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.words)
			got := ocr.DropNoiseWords(tt.words)
			if !slices.Equal(texts(got), tt.want) {
				t.Errorf("DropNoiseWords = %q, want %q", texts(got), tt.want)
			}
			if !slices.Equal(tt.words, before) {
				t.Error("the input was modified")
			}
		})
	}
}

func TestIsSyllable(t *testing.T) {
	tests := []struct {
		word string
		want bool
	}{
		{"người", true}, {"Nguyễn", true}, {"khiếu", true}, {"nại", true}, {"ĐỊNH", true},
		{"quyết", true}, {"gì", true}, {"giải", true}, {"thuý", true}, {"thúy", true},
		{"hoà", true}, {"ban", true}, {"a", true}, {"ở", true}, {"nghiêng", true},
		{"UBND", false}, {"bkhcn", false}, {"ʎɐu", false}, {"nqiy", false}, {"hóá", false},
		{"rnột", false}, {"", false}, {"12", false}, {"qu", false}, {"xyz", false},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := viet.IsSyllable(tt.word); got != tt.want {
				t.Errorf("IsSyllable(%q) = %v, want %v", tt.word, got, tt.want)
			}
		})
	}
}
