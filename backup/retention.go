package backup

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"kntc/ingest"
)

// Keep says which backups retention keeps: the newest backup of each of the last
// Daily days, Weekly ISO weeks and Monthly months that have one (restic's
// --keep-daily/weekly/monthly). The newest backup is always kept.
type Keep struct {
	Daily, Weekly, Monthly int
}

// ParseKeep reads "daily=7,weekly=4,monthly=12" (any of them may be left out).
func ParseKeep(s string) (Keep, error) {
	var k Keep
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		name, val, ok := strings.Cut(f, "=")
		n, err := strconv.Atoi(strings.TrimSpace(val))
		if !ok || err != nil || n < 0 {
			return k, fmt.Errorf("backup-keep %q: want daily=N,weekly=N,monthly=N", s)
		}
		switch strings.TrimSpace(name) {
		case "daily":
			k.Daily = n
		case "weekly":
			k.Weekly = n
		case "monthly":
			k.Monthly = n
		default:
			return k, fmt.Errorf("backup-keep %q: %q is not daily, weekly or monthly", s, name)
		}
	}
	return k, nil
}

// Select splits names (any order) into the backups to keep and those to forget.
func (k Keep) Select(names []string, loc *time.Location) (keep, forget []string) {
	type bucket struct {
		n    int
		key  func(time.Time) string
		seen map[string]bool
	}
	buckets := []*bucket{
		{k.Daily, func(t time.Time) string { return t.Format(time.DateOnly) }, map[string]bool{}},
		{k.Weekly, func(t time.Time) string { y, w := t.ISOWeek(); return fmt.Sprint(y, "-", w) }, map[string]bool{}},
		{k.Monthly, func(t time.Time) string { return t.Format("2006-01") }, map[string]bool{}},
	}
	sorted := append([]string(nil), names...)
	slices.Sort(sorted)
	slices.Reverse(sorted) // newest first
	for i, name := range sorted {
		t, err := time.Parse(nameLayout, name)
		if err != nil {
			keep = append(keep, name) // not ours to judge
			continue
		}
		t = t.In(loc)
		kept := i == 0
		for _, b := range buckets {
			key := b.key(t)
			if len(b.seen) < b.n && !b.seen[key] {
				b.seen[key] = true
				kept = true
			}
		}
		if kept {
			keep = append(keep, name)
		} else {
			forget = append(forget, name)
		}
	}
	return keep, forget
}

// Forget applies retention: the manifests and database snapshots of the backups
// keep does not keep are deleted, then every data file no kept backup names and
// older than a day (so a backup running at the same time keeps what it uploaded).
// Manifests go first: a run stopped half way leaves unreferenced files, never a
// backup with missing ones.
func (r *Repo) Forget(ctx context.Context, keep Keep, loc *time.Location) (forgotten []string, pruned int, err error) {
	names, err := r.Snapshots(ctx)
	if err != nil {
		return nil, 0, err
	}
	kept, forget := keep.Select(names, loc)
	if len(forget) == 0 {
		return nil, 0, nil
	}
	used := map[string]bool{}
	for _, n := range kept {
		m, err := r.Manifest(ctx, n)
		if err != nil {
			// Without every kept manifest the blobs in use are unknown: prune nothing.
			return nil, 0, fmt.Errorf("retention stopped, nothing deleted: %w", err)
		}
		for _, o := range m.Objects {
			used[o.Blob] = true
		}
	}
	for _, n := range forget {
		if err := r.store.Delete(ctx, snapshotPrefix+n); err != nil {
			return forgotten, 0, err
		}
		forgotten = append(forgotten, n)
		if err := r.store.List(ctx, dbPrefix+n, func(b ingest.BlobInfo) error { return r.store.Delete(ctx, b.Key) }); err != nil {
			return forgotten, 0, err
		}
	}
	cutoff := time.Now().Add(-24 * time.Hour)
	var unused []string
	if err := r.store.List(ctx, dataPrefix, func(b ingest.BlobInfo) error {
		if !used[b.Key] && b.ModTime.Before(cutoff) {
			unused = append(unused, b.Key)
		}
		return nil
	}); err != nil {
		return forgotten, 0, err
	}
	for _, k := range unused {
		if err := r.store.Delete(ctx, k); err != nil {
			return forgotten, pruned, err
		}
		pruned++
	}
	return forgotten, pruned, nil
}
