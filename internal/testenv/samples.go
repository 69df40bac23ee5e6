package testenv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// SamplesEnv names the variable that says where the sample texts are: published
// Vietnamese legal texts, one .txt file each, kept outside the repository (they are
// not ours to commit). A relative path is taken from the repository root.
const SamplesEnv = "KNTC_SAMPLES_DIR"

// defaultSamples is where the samples are when SamplesEnv is not set, from the
// repository root: beside the clone, as in the team's workplace.
const defaultSamples = "../shared/samples"

// SamplesDir returns the directory of sample texts: KNTC_SAMPLES_DIR, else
// ../shared/samples beside the repository root. The error names the path tried as
// the user wrote it ("KNTC_SAMPLES_DIR: ../shared/samples not found").
func SamplesDir() (string, error) {
	want := os.Getenv(SamplesEnv)
	if want == "" {
		want = defaultSamples
	}
	missing := fmt.Errorf("%s: %s not found", SamplesEnv, want)
	dir := want
	if !filepath.IsAbs(dir) {
		root, err := RepoRoot()
		if err != nil {
			return "", fmt.Errorf("%w (%w)", missing, err)
		}
		dir = filepath.Join(root, dir)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", missing
	}
	return filepath.Clean(dir), nil
}

// RequireSamples returns SamplesDir or skips tb with one line saying that the test
// was not run and how to run it. It skips even under CI=true or KNTC_TEST_STRICT=1:
// the samples are data kept outside the repository, not a service the test
// command starts (Missing), so a clone without them passes with the skip said.
func RequireSamples(tb testing.TB) string {
	tb.Helper()
	dir, err := SamplesDir()
	if err != nil {
		what := "test"
		if _, ok := tb.(*testing.B); ok {
			what = "benchmark"
		}
		tb.Skipf("%v; set %s=/path/to/samples to run this %s", err, SamplesEnv, what)
	}
	return dir
}

// RepoRoot returns the repository root: the nearest directory at or above the
// working directory (a test's package directory) that holds go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory")
		}
		dir = parent
	}
}
