package ingest_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"kntc/ingest"
)

func TestIgnored(t *testing.T) {
	tests := []struct {
		name string
		file string
		want bool
	}{
		{"scan", "Quyết định 12.pdf", false},
		{"tiff", "scan0001.TIF", false},
		{"hidden", ".DS_Store", true},
		{"office lock", "~$bao cao.docx", true},
		{"temp", "scan.tmp", true},
		{"partial", "scan.pdf.part", true},
		{"partial upper", "SCAN.PART", true},
		{"browser download", "x.pdf.crdownload", true},
		{"thumbnails", "Thumbs.db", true},
		{"desktop.ini", "desktop.ini", true},
		{"error report", "x.pdf.error.txt", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ingest.Ignored(tt.file); got != tt.want {
				t.Fatalf("Ignored(%q) = %v, want %v", tt.file, got, tt.want)
			}
		})
	}
}

func TestRoute(t *testing.T) {
	tests := []struct {
		name, rel, unit, caseCode string
	}{
		{"top level", "scan.pdf", "", ""},
		{"unit", "STNMT/scan.pdf", "STNMT", ""},
		{"unit and case", "STNMT/KN-2026-000123/scan.pdf", "STNMT", "KN-2026-000123"},
		{"deeper", "STNMT/KN-2026-000123/lo 2/scan.pdf", "STNMT", "KN-2026-000123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, c := ingest.Route(tt.rel)
			if u != tt.unit || c != tt.caseCode {
				t.Fatalf("Route(%q) = %q, %q; want %q, %q", tt.rel, u, c, tt.unit, tt.caseCode)
			}
		})
	}
}

func FuzzRoute(f *testing.F) {
	for _, s := range []string{"a.pdf", "U/C/a.pdf", "../x", "/abs/x", "a//b", "\x00/\xff", "Sở/Hồ sơ/ả.pdf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rel string) {
		u, c := ingest.Route(rel)
		if c != "" && u == "" && len(rel) > 0 && rel[0] != '/' {
			t.Fatalf("case %q without unit for %q", c, rel)
		}
		_ = ingest.Ignored(filepath.Base(rel))
	})
}

// clock is a manual clock for the watcher.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestWatcherTakesOnlyStableFiles drives the watcher with a manual clock: a file still
// being written is not taken until it has been unchanged for StableFor.
func TestWatcherTakesOnlyStableFiles(t *testing.T) {
	root := t.TempDir()
	clk := &clock{now: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)}
	var claimed []ingest.Origin
	w := &ingest.Watcher{
		Folders:   []ingest.HotFolder{{Root: root}},
		StableFor: 3 * time.Second,
		Now:       clk.Now,
		Logger:    slog.New(slog.DiscardHandler),
		Claim: func(_ context.Context, o ingest.Origin) error {
			claimed = append(claimed, o)
			return os.Remove(o.Path)
		},
	}
	must(t, os.MkdirAll(filepath.Join(root, "STNMT", "KN-2026-000001"), 0o755))
	slow := filepath.Join(root, "STNMT", "KN-2026-000001", "đang quét.pdf")
	must(t, os.WriteFile(slow, []byte("%PDF-1.4 phần đầu"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, ".hidden.pdf"), []byte("x"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "scan.tmp"), []byte("x"), 0o644))
	must(t, os.Symlink("/etc/passwd", filepath.Join(root, "link.pdf")))

	w.ScanAll()
	clk.Add(2 * time.Second)
	w.Check(t.Context())
	if len(claimed) != 0 {
		t.Fatalf("claimed %v before the file was stable", claimed)
	}
	// The scanner writes more: the file is not stable any more.
	f, err := os.OpenFile(slow, os.O_APPEND|os.O_WRONLY, 0)
	must(t, err)
	_, err = f.WriteString(" … phần cuối %%EOF")
	must(t, err)
	must(t, f.Close())
	clk.Add(2 * time.Second)
	w.Check(t.Context()) // sees the change
	clk.Add(2 * time.Second)
	w.Check(t.Context())
	if len(claimed) != 0 {
		t.Fatalf("claimed 2 s after the last change: %v", claimed)
	}
	clk.Add(1500 * time.Millisecond)
	w.Check(t.Context())
	if len(claimed) != 1 {
		t.Fatalf("claimed %d files after the file settled, want 1 (hidden, temporary and linked files are never taken)", len(claimed))
	}
	o := claimed[0]
	if o.UnitCode != "STNMT" || o.CaseCode != "KN-2026-000001" || o.Filename != "đang quét.pdf" || o.Source != "hotfolder" {
		t.Fatalf("origin %+v", o)
	}
	if w.Pending() != 0 {
		t.Fatalf("%d files still pending", w.Pending())
	}
}

func TestWatcherRetriesFailedClaims(t *testing.T) {
	root := t.TempDir()
	clk := &clock{now: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)}
	fail := true
	calls := 0
	w := &ingest.Watcher{
		Folders: []ingest.HotFolder{{Root: root}}, StableFor: time.Second, Now: clk.Now,
		Logger: slog.New(slog.DiscardHandler),
		Claim: func(_ context.Context, o ingest.Origin) error {
			calls++
			if fail {
				return os.ErrPermission
			}
			return os.Remove(o.Path)
		},
	}
	must(t, os.WriteFile(filepath.Join(root, "a.png"), []byte("x"), 0o644))
	w.ScanAll()
	clk.Add(2 * time.Second)
	w.Check(t.Context())
	if calls != 1 || w.Pending() != 1 {
		t.Fatalf("after a failed claim: %d calls, %d pending", calls, w.Pending())
	}
	w.Check(t.Context()) // backing off
	if calls != 1 {
		t.Fatalf("retried without waiting")
	}
	fail = false
	clk.Add(6 * time.Second)
	w.Check(t.Context())
	if calls != 2 || w.Pending() != 0 {
		t.Fatalf("after the retry: %d calls, %d pending", calls, w.Pending())
	}
}

// TestWatcherRun runs the real event loop: a file dropped into a new sub-folder is
// claimed. The assertion waits for the claim (no fixed sleep decides the result).
func TestWatcherRun(t *testing.T) {
	root := t.TempDir()
	got := make(chan ingest.Origin, 1)
	w := &ingest.Watcher{
		Folders: []ingest.HotFolder{{Root: root}}, StableFor: 100 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler),
		Claim: func(_ context.Context, o ingest.Origin) error {
			got <- o
			return os.Remove(o.Path)
		},
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	dir := filepath.Join(root, "HT", "TC-2026-000002")
	must(t, os.MkdirAll(dir, 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "bien-ban.jpg"), []byte("jpeg"), 0o644))
	o := <-got
	cancel()
	must(t, <-done)
	if o.UnitCode != "HT" || o.CaseCode != "TC-2026-000002" {
		t.Fatalf("origin %+v", o)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
