package tonelm_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/internal/viet"
	"kntc/ocr/tonelm"
)

// Right text the model has never seen stays as it is: the corpus documents held
// back from training (tonelm.HeldBack) and the sample texts, fed to the corrector
// line by line as if OCR had read them (confidence unknown), are changed in fewer
// than 1 syllable in 20,000. Needs ../shared (the samples and the corpus beside
// them).
func TestCorrectLeavesUnseenTextAlone(t *testing.T) {
	dir := testenv.RequireSamples(t)
	corpus := filepath.Join(filepath.Dir(dir), "corpus", "vbpl-legal.txt.xz")
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("no corpus beside the samples (%v); put ../shared/corpus beside %s to run this test", err, dir)
	}
	c, err := tonelm.DefaultCorrector()
	if err != nil {
		t.Fatal(err)
	}
	syllables, changed := 0, 0
	check := func(source, line string) {
		var in []ingest.Word
		for _, f := range strings.Fields(line) {
			in = append(in, ingest.Word{Text: f})
			if viet.IsSyllable(strings.Trim(f, ".,;:!?()\"'“”")) {
				syllables++
			}
		}
		out := c.Correct(append([]ingest.Word(nil), in...))
		for i := range in {
			if in[i].Text != out[i].Text {
				changed++
				t.Logf("%s: %q became %q in %q", source, in[i].Text, out[i].Text, line)
			}
		}
	}
	docs := 0
	err = tonelm.ReadCorpus(corpus, func(doc int, name string, lines []string) {
		if !tonelm.HeldBack(doc) {
			return
		}
		docs++
		for _, l := range lines {
			check(name, viet.NFC(l))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample texts in %s: %v", dir, err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(viet.NFC(string(raw))) {
			check(filepath.Base(f), line)
		}
	}
	if docs == 0 || syllables < 100_000 {
		t.Fatalf("%d held-back documents, %d syllables: not the corpus this test is for", docs, syllables)
	}
	t.Logf("%d of %d syllables changed (%d held-back documents, %d samples)", changed, syllables, docs, len(files))
	if changed*20_000 >= syllables {
		t.Errorf("%d of %d syllables changed: want fewer than 1 in 20,000", changed, syllables)
	}
}
