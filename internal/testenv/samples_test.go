package testenv_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kntc/internal/testenv"
)

// skipRecorder is a testing.TB whose Skipf records the message instead of
// stopping the test, so that the message itself can be checked.
type skipRecorder struct {
	testing.TB
	skipped []string
}

func (r *skipRecorder) Helper() {}

func (r *skipRecorder) Skipf(format string, args ...any) {
	r.skipped = append(r.skipped, fmt.Sprintf(format, args...))
}

func TestSamplesDir(t *testing.T) {
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("RepoRoot = %s, which has no go.mod", root)
	}
	there := t.TempDir()
	tests := []struct {
		name, env string
		want      string // the directory, or "" when missing
		msg       string // the skip message when missing
	}{
		{"absolute", there, there, ""},
		{"relative to the repository root", "internal/testenv", filepath.Join(root, "internal", "testenv"), ""},
		{"missing", filepath.Join(there, "nothing"), "",
			"KNTC_SAMPLES_DIR: " + filepath.Join(there, "nothing") + " not found; set KNTC_SAMPLES_DIR=/path/to/samples to run this test"},
		{"a file, not a directory", "go.mod", "",
			"KNTC_SAMPLES_DIR: go.mod not found; set KNTC_SAMPLES_DIR=/path/to/samples to run this test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(testenv.SamplesEnv, tt.env)
			got, err := testenv.SamplesDir()
			if tt.want != "" && (err != nil || got != tt.want) {
				t.Fatalf("SamplesDir = %q, %v; want %q", got, err, tt.want)
			}
			if tt.want == "" && err == nil {
				t.Fatalf("SamplesDir = %q, want an error", got)
			}
			// Strict mode makes missing services fail; missing samples still skip.
			t.Setenv("KNTC_TEST_STRICT", "1")
			t.Setenv("CI", "true")
			rec := &skipRecorder{TB: t}
			dir := testenv.RequireSamples(rec)
			switch {
			case tt.want != "" && (dir != tt.want || len(rec.skipped) != 0):
				t.Errorf("RequireSamples = %q, skips %q; want %q and no skip", dir, rec.skipped, tt.want)
			case tt.want == "" && (len(rec.skipped) != 1 || rec.skipped[0] != tt.msg):
				t.Errorf("RequireSamples skips %q; want once %q", rec.skipped, tt.msg)
			case strings.Contains(strings.Join(rec.skipped, ""), "\n"):
				t.Errorf("skip message %q is more than one line", rec.skipped)
			}
		})
	}
}

// The default is ../shared/samples beside the repository root, named so in the
// message when it is not there.
func TestSamplesDirDefault(t *testing.T) {
	t.Setenv(testenv.SamplesEnv, "")
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Clean(filepath.Join(root, "..", "shared", "samples"))
	got, err := testenv.SamplesDir()
	if _, statErr := os.Stat(want); statErr == nil {
		if err != nil || got != want {
			t.Errorf("SamplesDir = %q, %v; want %q", got, err, want)
		}
		return
	}
	if err == nil || err.Error() != "KNTC_SAMPLES_DIR: ../shared/samples not found" {
		t.Errorf("SamplesDir = %q, %v; want the error %q", got, err, "KNTC_SAMPLES_DIR: ../shared/samples not found")
	}
}
