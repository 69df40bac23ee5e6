package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/search"
	"kntc/storage/sqldb"
)

func runReindex(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("reindex", "", "Rebuilds the search index from the database, with a progress bar; with --check\nonly reports documents missing from, stale in, or unknown to the index. Stop\n`kntc serve` first: the index belongs to one process at a time. With\n--typed-words, instead reads the words of stored typed pages that have none\n(serve does so by itself after an upgrade); serve may run.", stderr)
	check := fs.Bool("check", false, "only compare the index with the database; exit 1 when they differ")
	typedWords := fs.Bool("typed-words", false, "instead of the index, read the words of every stored typed page that has none (what serve does by itself after an upgrade), from the first document; may run while serve runs")
	cfg, err := parseConfig(fs, getenv, args)
	if err != nil {
		return err
	}
	if *typedWords {
		if *check {
			return errs.Errorf(errs.Invalid, "--typed-words và --check không dùng cùng nhau (--typed-words and --check: one at a time)")
		}
		return backfillTypedWords(ctx, cfg, stdout, stderr)
	}
	db, _, err := openDatabase(ctx, cfg, false, cfg.Logger(io.Discard))
	if err != nil {
		return err
	}
	defer db.Close()
	if *check {
		ix, err := openIndexHere(cfg.indexDir())
		if err != nil {
			return err
		}
		defer ix.Close()
		return checkIndex(ctx, db, ix, stdout)
	}
	start := time.Now()
	docs, pages, err := rebuildIndex(ctx, cfg, db, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã lập lại chỉ mục (index rebuilt): %d tài liệu, %d trang trong %s\n", docs, pages, time.Since(start).Round(time.Millisecond))
	return nil
}

// rebuildIndex makes the search index anew from the database, with a progress bar
// on stderr (reindex, and restore after it wrote the database).
func rebuildIndex(ctx context.Context, cfg *Config, db *sqldb.DB, stderr io.Writer) (docs, pages int, err error) {
	if err := os.RemoveAll(cfg.indexDir()); err != nil {
		return 0, 0, fmt.Errorf("remove the old index: %w", err)
	}
	ix, err := openIndexHere(cfg.indexDir())
	if err != nil {
		return 0, 0, err
	}
	defer ix.Close()
	_, total, err := db.Documents(ctx, ingest.DocumentFilter{Status: ingest.StatusStored, Limit: 1})
	if err != nil {
		return 0, 0, err
	}
	bar := progressbar.NewOptions(total, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("kntc reindex"),
		progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionClearOnFinish())
	var since time.Time
	after := ""
	for {
		batch, err := db.DocumentsChangedSince(ctx, since, after, 500)
		if err != nil {
			return docs, pages, err
		}
		var entries []search.Entry
		for _, d := range batch {
			since, after = d.UpdatedAt, d.ID
			if !d.Indexed() {
				continue
			}
			ps, err := db.Pages(ctx, d.ID)
			if err != nil {
				return docs, pages, err
			}
			entries = append(entries, search.EntryOf(d, ps))
			pages += len(ps)
		}
		if err := ix.PutBatch(ctx, entries); err != nil {
			return docs, pages, err
		}
		docs += len(entries)
		_ = bar.Add(len(entries))
		if len(batch) < 500 {
			break
		}
	}
	if !since.IsZero() {
		if err := ix.SetCheckpoint(since, after); err != nil {
			return docs, pages, err
		}
	}
	if err := ix.Compact(ctx); err != nil {
		return docs, pages, err
	}
	_ = bar.Finish()
	return docs, pages, nil
}

// checkIndex reports stored documents missing from the index or indexed at another
// version, and indexed documents the database does not hold as stored.
func checkIndex(ctx context.Context, db *sqldb.DB, ix *search.Index, stdout io.Writer) error {
	indexed := map[string]time.Time{}
	if err := ix.DocumentIDs(ctx, func(id string, updated time.Time) error {
		indexed[id] = updated
		return nil
	}); err != nil {
		return err
	}
	var missing, stale, unknown []string
	var since time.Time
	after := ""
	stored := 0
	for {
		batch, err := db.DocumentsChangedSince(ctx, since, after, 1000)
		if err != nil {
			return err
		}
		for _, d := range batch {
			since, after = d.UpdatedAt, d.ID
			at, ok := indexed[d.ID]
			delete(indexed, d.ID)
			switch {
			case !d.Indexed() && ok:
				unknown = append(unknown, d.ID)
			case !d.Indexed():
			case !ok:
				missing = append(missing, d.ID)
				stored++
			case !at.Equal(d.UpdatedAt):
				stale = append(stale, d.ID)
				stored++
			default:
				stored++
			}
		}
		if len(batch) < 1000 {
			break
		}
	}
	for id := range indexed {
		unknown = append(unknown, id)
	}
	fmt.Fprintf(stdout, "Tài liệu đã lưu (stored documents): %d; thiếu trong chỉ mục (missing): %d; cũ (stale): %d; thừa (not stored or unknown): %d\n",
		stored, len(missing), len(stale), len(unknown))
	for _, l := range []struct {
		name string
		ids  []string
	}{{"missing", missing}, {"stale", stale}, {"unknown", unknown}} {
		for _, id := range l.ids {
			fmt.Fprintf(stdout, "  %s %s\n", l.name, id)
		}
	}
	if len(missing)+len(stale)+len(unknown) > 0 {
		return fmt.Errorf("chỉ mục không khớp cơ sở dữ liệu; chạy kntc reindex (the index differs from the database; run kntc reindex)")
	}
	return nil
}
