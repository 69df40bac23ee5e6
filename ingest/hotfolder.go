package ingest

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fsnotify/fsnotify"
)

// HotFolder is a folder scanners write into. A sub-folder UNIT/ or UNIT/CASE-CODE/
// routes the files in it to that unit and case.
type HotFolder struct {
	Root string
	// Poll, when set, scans the folder at this interval in addition to file-system
	// events: network shares (SMB, NFS) send no events.
	Poll time.Duration
}

// Watcher takes files from hot folders once they have stopped changing and hands them
// to Claim. It finds them through fsnotify events, polling where configured, and a full
// rescan at start and every Rescan.
type Watcher struct {
	Folders   []HotFolder
	StableFor time.Duration // size and mtime unchanged this long; 3 s when 0
	Rescan    time.Duration // full rescan interval; 1 min when 0
	Claim     func(ctx context.Context, o Origin) error
	Logger    *slog.Logger
	Now       func() time.Time // time.Now when nil

	pending map[string]*candidate
}

type candidate struct {
	folder  HotFolder
	size    int64
	mtime   time.Time
	since   time.Time // when size and mtime were last seen to change
	retryAt time.Time // after a failed claim
	fails   int
}

// Ignored reports whether a file name is one scanners, editors and operating systems
// write while working or for themselves: hidden files, Office lock files, partial
// downloads, thumbnails caches.
func Ignored(name string) bool {
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(name, "."), strings.HasPrefix(name, "~$"),
		strings.HasSuffix(lower, ".tmp"), strings.HasSuffix(lower, ".part"),
		strings.HasSuffix(lower, ".partial"), strings.HasSuffix(lower, ".crdownload"),
		strings.HasSuffix(lower, ".error.txt"),
		lower == "thumbs.db", lower == "desktop.ini":
		return true
	}
	return false
}

// Route returns the unit and case code of a file from its path relative to the hot
// folder: "UNIT/CASE/x.pdf" → UNIT, CASE; "UNIT/x.pdf" → UNIT; "x.pdf" → none.
func Route(rel string) (unit, caseCode string) {
	parts := strings.Split(filepath.ToSlash(rel), "/")
	if len(parts) >= 2 {
		unit = strings.TrimSpace(parts[0])
	}
	if len(parts) >= 3 {
		caseCode = strings.TrimSpace(parts[1])
	}
	return unit, caseCode
}

func (w *Watcher) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Run watches until ctx ends.
func (w *Watcher) Run(ctx context.Context) error {
	if w.StableFor <= 0 {
		w.StableFor = 3 * time.Second
	}
	if w.Rescan <= 0 {
		w.Rescan = time.Minute
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer fw.Close()
	for _, f := range w.Folders {
		if err := os.MkdirAll(f.Root, 0o750); err != nil {
			return err
		}
		w.addWatches(fw, f.Root)
	}
	w.ScanAll()
	tick := time.NewTicker(min(w.StableFor/4, 500*time.Millisecond))
	defer tick.Stop()
	lastRescan := w.now()
	lastPoll := make([]time.Time, len(w.Folders))
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-fw.Events:
			if !ok {
				return errors.New("hot-folder watcher closed")
			}
			w.event(fw, ev)
		case err := <-fw.Errors:
			// An overflow loses events; the next scan finds the files.
			w.Logger.Warn("hot-folder events", "error", err)
			w.ScanAll()
		case <-tick.C:
			now := w.now()
			if now.Sub(lastRescan) >= w.Rescan {
				w.ScanAll()
				lastRescan = now
			}
			for i, f := range w.Folders {
				if f.Poll > 0 && now.Sub(lastPoll[i]) >= f.Poll {
					w.Scan(f)
					lastPoll[i] = now
				}
			}
			w.Check(ctx)
		}
	}
}

func (w *Watcher) addWatches(fw *fsnotify.Watcher, root string) {
	f, _ := w.folderOf(root)
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if path != root && Ignored(d.Name()) {
				return filepath.SkipDir
			}
			if err := fw.Add(path); err != nil {
				w.Logger.Warn("watch folder", append(where(f.Root, path, true), "error", redact(err, f.Root, path, true))...)
			}
		}
		return nil
	})
}

func (w *Watcher) event(fw *fsnotify.Watcher, ev fsnotify.Event) {
	if ev.Op&(fsnotify.Create|fsnotify.Write|fsnotify.Rename|fsnotify.Chmod) == 0 {
		return
	}
	f, ok := w.folderOf(ev.Name)
	if !ok {
		return
	}
	info, err := os.Lstat(ev.Name)
	if err != nil {
		return
	}
	if info.IsDir() {
		if !Ignored(info.Name()) {
			w.addWatches(fw, ev.Name)
			w.scanDir(f, ev.Name) // files may have landed before the watch
		}
		return
	}
	w.track(f, ev.Name, info)
}

func (w *Watcher) folderOf(path string) (HotFolder, bool) {
	for _, f := range w.Folders {
		if rel, err := filepath.Rel(f.Root, path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return f, true
		}
	}
	return HotFolder{}, false
}

// ScanAll looks at every file of every hot folder.
func (w *Watcher) ScanAll() {
	for _, f := range w.Folders {
		w.Scan(f)
	}
}

// Scan looks at every file of one hot folder.
func (w *Watcher) Scan(f HotFolder) { w.scanDir(f, f.Root) }

func (w *Watcher) scanDir(f HotFolder, dir string) {
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if path != dir && Ignored(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if info, err := d.Info(); err == nil {
			w.track(f, path, info)
		}
		return nil
	})
}

func (w *Watcher) track(f HotFolder, path string, info fs.FileInfo) {
	if !info.Mode().IsRegular() || Ignored(info.Name()) {
		return // symbolic links, devices, sockets and working files are never taken
	}
	if w.pending == nil {
		w.pending = map[string]*candidate{}
	}
	c, ok := w.pending[path]
	if !ok {
		w.pending[path] = &candidate{folder: f, size: info.Size(), mtime: info.ModTime(), since: w.now()}
		return
	}
	if c.size != info.Size() || !c.mtime.Equal(info.ModTime()) {
		c.size, c.mtime, c.since = info.Size(), info.ModTime(), w.now()
	}
}

// Check claims every tracked file whose size and mtime have not changed for StableFor.
func (w *Watcher) Check(ctx context.Context) {
	now := w.now()
	for path, c := range w.pending {
		info, err := os.Lstat(path)
		if err != nil {
			delete(w.pending, path) // gone (claimed by another node, or deleted)
			continue
		}
		if info.Size() != c.size || !info.ModTime().Equal(c.mtime) {
			c.size, c.mtime, c.since = info.Size(), info.ModTime(), now
			continue
		}
		if now.Sub(c.since) < w.StableFor || now.Before(c.retryAt) {
			continue
		}
		if ctx.Err() != nil {
			return // shutting down, or the folder's lease is lost: no new claim
		}
		rel, _ := filepath.Rel(c.folder.Root, path)
		unit, caseCode := Route(rel)
		// A claim under way is finished even when ctx ends meanwhile: one cut
		// half-way would wait in the spool for this node's restart.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Minute)
		err = w.Claim(cctx, Origin{Path: path, Filename: info.Name(), Source: "hotfolder", UnitCode: unit, CaseCode: caseCode})
		cancel()
		if err != nil {
			if _, serr := os.Lstat(path); errors.Is(err, fs.ErrNotExist) && errors.Is(serr, fs.ErrNotExist) {
				delete(w.pending, path) // another node took it first
				continue
			}
			if ctx.Err() != nil {
				return
			}
			c.fails++
			c.retryAt = now.Add(min(time.Duration(c.fails)*5*time.Second, 5*time.Minute))
			w.Logger.Error("claim failed; will retry", append(where(c.folder.Root, path, false), "error", redact(err, c.folder.Root, path, false), "attempt", c.fails)...)
			continue
		}
		delete(w.pending, path)
	}
}

// where is what a log line may say of a file or folder (dir) in a hot folder: the
// hot folder and the unit and case sub-folders, never a file's or a deeper
// folder's name (letters are often named after their sender).
func where(root, path string, dir bool) []any {
	unit, caseCode := routeOf(root, path, dir)
	return []any{"hot_folder", root, "unit", unit, "case", caseCode}
}

func routeOf(root, path string, dir bool) (unit, caseCode string) {
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", ""
	}
	if dir {
		rel += "/x" // the folder's own name is a unit or case sub-folder too
	}
	return Route(rel)
}

// redact returns err's text with path (its whole path, its path within root,
// its name) written as where shows it.
func redact(err error, root, path string, dir bool) string {
	msg := err.Error()
	unit, caseCode := routeOf(root, path, dir)
	shown := filepath.Join(root, unit, caseCode, "…")
	parts := []string{path}
	if rel, err := filepath.Rel(root, path); err == nil && rel != "." {
		parts = append(parts, rel)
	}
	// A name of a character or two names nobody, and replacing it would garble
	// the message.
	if base := filepath.Base(path); utf8.RuneCountInString(base) > 2 {
		parts = append(parts, base)
	}
	for _, s := range parts {
		if !strings.Contains(shown, s) { // a unit or case folder is shown as it is
			msg = strings.ReplaceAll(msg, s, shown)
		}
	}
	return msg
}

// Pending is the number of files waiting to become stable (for tests and metrics).
func (w *Watcher) Pending() int { return len(w.pending) }
