package web_test

import (
	"os"
	"testing"
	"time"

	"kntc/internal/browsertest"
)

// TestMain stops the one Chromium the browser tests of this binary share
// (browsertest starts it for the first of them).
func TestMain(m *testing.M) {
	code := m.Run()
	browsertest.Stop()
	os.Exit(code)
}

// newBrowserSession opens a tab of the shared Chromium with a width×height
// viewport for at most timeout; the screenshots are named PREFIX-NN-step.png.
func newBrowserSession(t *testing.T, prefix string, timeout time.Duration, width, height int) *browsertest.Session {
	t.Helper()
	return browsertest.New(t, prefix, timeout, width, height)
}
