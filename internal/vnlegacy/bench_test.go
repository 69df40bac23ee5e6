package vnlegacy_test

import (
	"os"
	"path/filepath"
	"testing"

	"kntc/internal/testenv"
	"kntc/internal/vnlegacy"
	"kntc/internal/vnlegacy/vnlegacytest"
)

// BenchmarkConvert converts a sample text (about a page) as it is (Unicode) and
// written in TCVN3.
func BenchmarkConvert(b *testing.B) {
	dir := testenv.RequireSamples(b)
	paths, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(paths) == 0 {
		b.Fatalf("no sample texts in %s", dir)
	}
	raw, err := os.ReadFile(paths[0])
	if err != nil {
		b.Fatal(err)
	}
	text := string(raw[:min(len(raw), 3000)])
	for _, tt := range []struct{ name, text string }{{"unicode", text}, {"tcvn3", vnlegacytest.ToTCVN3(text)}, {"vni", vnlegacytest.ToVNI(text)}} {
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(len(tt.text)))
			for b.Loop() {
				vnlegacy.Convert(tt.text)
			}
		})
	}
}
