package ocr

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/internal/viet"
	"kntc/ocr/ocrtest"
)

func wordsOf(s string) []ingest.Word {
	var out []ingest.Word
	for _, f := range strings.Fields(s) {
		out = append(out, ingest.Word{Text: f})
	}
	return out
}

func textOf(ws []ingest.Word) string {
	var parts []string
	for _, w := range ws {
		parts = append(parts, w.Text)
	}
	return strings.Join(parts, " ")
}

// Golden cases: bold-print tone errors of the kind Tesseract makes are corrected;
// right text, other phrases and words that only look alike are left as they are.
func TestFixPhraseTones(t *testing.T) {
	tests := []struct{ in, want string }{
		// Corrected: only the tones were wrong.
		{"trong Công an nhần dần", "trong Công an nhân dân"},
		{"ĐƠN KHIẾU NẠI, ĐƠN TỔ CÁO, ĐƠN KIẾN NGHỊ", "ĐƠN KHIẾU NẠI, ĐƠN TỐ CÁO, ĐƠN KIẾN NGHỊ"},
		{"(khiêu nại)", "(khiếu nại)"},
		{"Quyết đinh giải quyết", "Quyết định giải quyết"},
		{"Quyêt đinh", "Quyết định"},
		{"tố cáo, khiếu nài.", "tố cáo, khiếu nại."},
		// Right already, in either tone placement: unchanged.
		{"Cộng hoà xã hội chủ nghĩa Việt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"},
		{"Uỷ ban nhân dân tỉnh", "Uỷ ban nhân dân tỉnh"},
		{"Ủy ban nhân dân tỉnh", "Ủy ban nhân dân tỉnh"},
		// A word that makes a right phrase with its other neighbour stays.
		{"vì lợi ích của cả nhân dân", "vì lợi ích của cả nhân dân"},
		{"Chính phủ quy định chỉ tiết", "Chính phủ quy định chỉ tiết"},
		// A sentence ends between the words: not a phrase.
		{"Ông Tô. Cao Văn Lâm", "Ông Tô. Cao Văn Lâm"},
		{"đã tố: cáo", "đã tố: cáo"},
		// Text written without diacritics means it.
		{"Bao cao xac minh ve thu ly", "Bao cao xac minh ve thu ly"},
		{"Uy ban nhân dân", "Uy ban nhân dân"},
		// Vowel marks or đ differ: not a tone error, not touched.
		{"dat dai", "dat dai"},
		{"nhan dan", "nhan dan"},
		{"đất dai", "đất dai"},
		// Not letters only.
		{"QĐ-UBND tố-cao", "QĐ-UBND tố-cao"},
		{"", ""},
		{"tố", "tố"},
	}
	for _, tt := range tests {
		if got := textOf(FixPhraseTones(wordsOf(tt.in))); got != tt.want {
			t.Errorf("FixPhraseTones(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Every phrase of the list can be corrected: no two share their letters without
// tones (the list would silently lose both), and each is written in NFC lower case
// with two syllables.
func TestAdminPhrases(t *testing.T) {
	seen := map[string]string{}
	for _, p := range adminPhrases {
		if p != viet.NFC(strings.ToLower(p)) || len(strings.Fields(p)) != 2 {
			t.Errorf("phrase %q: want two NFC lower-case syllables", p)
		}
		k := withoutTones(p)
		if q, ok := seen[k]; ok {
			t.Errorf("phrases %q and %q share the letters %q", q, p, k)
		}
		seen[k] = p
		if _, ok := phraseByKey[k]; !ok {
			t.Errorf("phrase %q is not in the table", p)
		}
		for _, s := range strings.Fields(p) {
			if !viet.IsSyllable(s) {
				t.Errorf("phrase %q: %q is not a Vietnamese syllable", p, s)
			}
		}
	}
}

// On right text the correction does nothing: the generated test prose goes through
// unchanged, word for word.
func TestFixPhraseTonesLeavesGeneratedTextAlone(t *testing.T) {
	words := 0
	for seed := range int64(20) {
		for line := range strings.Lines(ocrtest.GeneratedText(seed, 2000)) {
			in := wordsOf(line)
			words += len(in)
			if got := textOf(FixPhraseTones(wordsOf(line))); got != textOf(in) {
				t.Errorf("seed %d: %q\nbecame %q", seed, textOf(in), got)
			}
		}
	}
	t.Logf("%d generated words unchanged", words)
}

// On right text the correction does nothing: every sample text of KNTC_SAMPLES_DIR
// (published legal texts, none of it used to write the phrase list) goes through
// unchanged, word for word.
func TestFixPhraseTonesLeavesRightTextAlone(t *testing.T) {
	dir := testenv.RequireSamples(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample texts in %s: %v", dir, err)
	}
	words := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(viet.NFC(string(raw)), "\n") {
			in := wordsOf(line)
			words += len(in)
			if got := textOf(FixPhraseTones(wordsOf(line))); got != textOf(in) {
				t.Errorf("%s: %q\nbecame %q", filepath.Base(f), textOf(in), got)
			}
		}
	}
	t.Logf("%d words of %d sample texts unchanged", words, len(files))
}
