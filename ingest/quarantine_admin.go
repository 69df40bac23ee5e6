package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"kntc/internal/errs"
)

// Audit actions of the quarantine (the case system's audit trail records them).
const (
	ActionQuarantineRetry   = "quarantine_retry"
	ActionQuarantineDiscard = "quarantine_discard"
)

// Where handled files go, beside the day folders: a retried or discarded file and
// its reason are moved there, never deleted.
const (
	quarantineRetried   = "retried"
	quarantineDiscarded = "discarded"
)

// QuarantinedFile is one file waiting in quarantine, with the reason written
// beside it.
type QuarantinedFile struct {
	Name       string // "YYYY-MM-DD/file.pdf", relative to the quarantine folder
	Size       int64
	At         time.Time // when it was quarantined (the reason file's time)
	DocumentID string    // from the reason file; "" when it names none
	Reason     string    // for a clerk: Vietnamese, English in brackets
}

// Auditor records an act on the quarantine before it is done; an error stops it.
type Auditor func(ctx context.Context, action, object, detail string) error

// List returns the files waiting in quarantine, newest first: at most limit of
// them (all when limit <= 0) and how many there are.
func (q *Quarantine) List(limit int) ([]QuarantinedFile, int, error) {
	days, err := os.ReadDir(q.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("list quarantine: %w", err)
	}
	var names []string
	for _, day := range days {
		if !day.IsDir() || !isDay(day.Name()) {
			continue
		}
		files, err := os.ReadDir(filepath.Join(q.Dir, day.Name()))
		if err != nil {
			return nil, 0, fmt.Errorf("list quarantine: %w", err)
		}
		for _, f := range files {
			if f.Type().IsRegular() && !strings.HasSuffix(f.Name(), ".error.txt") {
				names = append(names, day.Name()+"/"+f.Name())
			}
		}
	}
	out := make([]QuarantinedFile, 0, len(names))
	for _, n := range names {
		f, err := q.File(n)
		if err != nil {
			continue // gone meanwhile
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.After(out[j].At)
		}
		return out[i].Name < out[j].Name
	})
	total := len(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, total, nil
}

// File returns the quarantined file name ("YYYY-MM-DD/file.pdf"); a name that is
// not one (another folder, a path out of the quarantine) is not found.
func (q *Quarantine) File(name string) (QuarantinedFile, error) {
	p, err := q.path(name)
	if err != nil {
		return QuarantinedFile{}, err
	}
	st, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && !st.Mode().IsRegular()) {
		return QuarantinedFile{}, errs.Errorf(errs.NotFound, "không có tệp %q trong thư mục cách ly (no such quarantined file)", name)
	}
	if err != nil {
		return QuarantinedFile{}, fmt.Errorf("quarantined file %s: %w", name, err)
	}
	f := QuarantinedFile{Name: name, Size: st.Size(), At: st.ModTime()}
	if rs, err := os.Stat(p + ".error.txt"); err == nil {
		f.At = rs.ModTime()
	}
	if raw, err := os.ReadFile(p + ".error.txt"); err == nil {
		f.DocumentID, f.Reason = parseErrorText(string(raw))
	}
	return f, nil
}

// Path is the file's path on disk (after File has accepted name).
func (q *Quarantine) Path(name string) string {
	p, _ := q.path(name)
	return p
}

func (q *Quarantine) path(name string) (string, error) {
	day, base, ok := strings.Cut(name, "/")
	if !ok || !isDay(day) || base == "" || base != safeName(base) || base == "." || base == ".." ||
		strings.HasSuffix(base, ".error.txt") || path.Clean(name) != name {
		return "", errs.Errorf(errs.NotFound, "không có tệp %q trong thư mục cách ly (no such quarantined file)", name)
	}
	return filepath.Join(q.Dir, day, base), nil
}

func isDay(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && len(s) == len(time.DateOnly)
}

// parseErrorText reads the document ID and the reason back from a reason file
// errorText wrote.
func parseErrorText(s string) (id, reason string) {
	for _, line := range strings.Split(s, "\n") {
		if v, ok := strings.CutPrefix(line, "Mã tài liệu (document ID): "); ok {
			id = strings.TrimSpace(v)
		}
	}
	if _, after, ok := strings.Cut(s, "Lý do:\n"); ok {
		reason, _, _ = strings.Cut(after, "\n\nThis file")
		reason = strings.TrimSpace(reason)
	}
	return id, reason
}

// Retry hands quarantined file name to claim again as o (o.Path is the file, kept
// in place while claim copies it), then moves the file and its reason to the
// quarantine's retried/ folder. The act is audited first. A claim that fails
// leaves the file where it was: nothing is lost.
func (q *Quarantine) Retry(ctx context.Context, name string, o Origin, claim func(context.Context, Origin) (Document, error), audit Auditor) (Document, error) {
	f, err := q.File(name)
	if err != nil {
		return Document{}, err
	}
	if err := audit(ctx, ActionQuarantineRetry, "quarantine:"+name, fmt.Sprintf("document %s; unit %s; case %s", f.DocumentID, o.UnitCode, o.CaseCode)); err != nil {
		return Document{}, err
	}
	o.Path, o.Keep = q.Path(name), true
	d, err := claim(ctx, o)
	if err != nil {
		return Document{}, fmt.Errorf("retry %s: %w", name, err)
	}
	if _, err := q.setAside(name, quarantineRetried); err != nil {
		return d, err
	}
	return d, nil
}

// Discard moves quarantined file name and its reason to the quarantine's
// discarded/ folder (kept, no longer listed), after auditing it. It returns the
// file's new path.
func (q *Quarantine) Discard(ctx context.Context, name, note string, audit Auditor) (string, error) {
	f, err := q.File(name)
	if err != nil {
		return "", err
	}
	if err := audit(ctx, ActionQuarantineDiscard, "quarantine:"+name, strings.TrimSpace(fmt.Sprintf("document %s; %s", f.DocumentID, note))); err != nil {
		return "", err
	}
	return q.setAside(name, quarantineDiscarded)
}

// setAside moves a quarantined file and its reason under Dir/to/YYYY-MM-DD/
// (numbered when the name is taken), the reason first.
func (q *Quarantine) setAside(name, to string) (string, error) {
	src := q.Path(name)
	day, base, _ := strings.Cut(name, "/")
	dir := filepath.Join(q.Dir, to, day)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("set aside %s: %w", name, err)
	}
	dst := filepath.Join(dir, base)
	ext := filepath.Ext(base)
	for i := 2; ; i++ {
		_, err1 := os.Lstat(dst)
		_, err2 := os.Lstat(dst + ".error.txt")
		if errors.Is(err1, fs.ErrNotExist) && errors.Is(err2, fs.ErrNotExist) {
			break
		}
		dst = filepath.Join(dir, fmt.Sprintf("%s (%d)%s", strings.TrimSuffix(base, ext), i, ext))
	}
	if err := os.Rename(src+".error.txt", dst+".error.txt"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("set aside %s: %w", name, err)
	}
	if err := os.Rename(src, dst); err != nil {
		return "", fmt.Errorf("set aside %s: %w", name, err)
	}
	if err := syncDir(dir); err != nil {
		return dst, err
	}
	return dst, syncDir(filepath.Dir(src))
}
