package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"kntc/ingest"
	"kntc/internal/lease"
)

// startTypedWords runs, on a node that works on documents, the backfill of the
// words of typed pages stored before the pipeline read them (ingest.
// TypedWordsBackfill): one pass from where the last one stopped, then nothing
// until the next start. On several nodes one makes the pass at a time, under
// the lease "typed-words"; a node that stops leaves the rest to another, which
// goes on from the cursor. It returns when ctx ends or the pass is done.
func startTypedWords(ctx context.Context, st *stores, proc *ingest.Processor, node string, ttl time.Duration, logger *slog.Logger) (wait func()) {
	bf := &ingest.TypedWordsBackfill{Processor: proc, Docs: st.db}
	l := &lease.Lease{Store: st.db, Name: "typed-words", Holder: node, TTL: ttl, Logger: logger}
	lctx, finished := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer finished()
		l.Run(lctx, func(wctx context.Context) {
			start := time.Now()
			res, err := bf.Run(wctx)
			attrs := []any{"documents", res.Documents, "pages_read", res.PagesRead, "pages_had_words", res.PagesHad,
				"pages_unreadable", res.PagesFailed, "documents_skipped", res.Skipped, "from", res.From, "after", res.After,
				"duration_ms", time.Since(start).Milliseconds()}
			switch {
			case err == nil:
				logger.Info("typed pages' words backfill done", attrs...)
				finished() // the lease is given up, and not asked for again
			case wctx.Err() != nil:
				logger.Info("typed pages' words backfill stopped: goes on from its cursor", attrs...)
			default:
				logger.Error("typed pages' words backfill failed: tried again in an hour", append(attrs, "error", err)...)
				select {
				case <-wctx.Done():
				case <-time.After(time.Hour):
				}
			}
		})
	}()
	return func() { <-done }
}

// backfillTypedWords is kntc reindex --typed-words: a pass over every stored
// document, with a progress bar, reading the words of the typed pages that have
// none, as serve's pass does; it may run while serve runs.
func backfillTypedWords(ctx context.Context, cfg *Config, stdout, stderr io.Writer) error {
	logger := cfg.Logger(stderr)
	st, err := openStores(ctx, cfg, false, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := os.MkdirAll(cfg.spoolDir(), 0o750); err != nil {
		return fmt.Errorf("create %s: %w", cfg.spoolDir(), err)
	}
	// One page at a time, as serve's pass reads them.
	proc := &ingest.Processor{
		Docs: st.db, Blobs: st.blobs, Spool: &ingest.Spool{Dir: cfg.spoolDir()}, OpenTextLayer: openTextLayer,
		Logger: logger, Slots: 1, PageTimeout: cfg.PageTimeout, Memory: ingest.NewMemoryGate(cfg.DecodeMemory),
	}
	// The count is not known ahead: a spinner, moved by each page read. Not by
	// the library's own ticker, whose goroutine reads the bar without its lock
	// (a data race under -race).
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("kntc reindex --typed-words"),
		progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionClearOnFinish(),
		progressbar.OptionSetSpinnerChangeInterval(0))
	bf := &ingest.TypedWordsBackfill{Processor: proc, Docs: st.db, FromStart: true, Progress: func(int) { _ = bar.Add(1) }}
	start := time.Now()
	res, err := bf.Run(ctx)
	_ = bar.Finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã đọc chữ các trang đánh máy (typed pages' words read): %d tài liệu (documents), %d trang đọc (pages read), %d trang đã có (had words), %d trang không đọc được (unreadable) trong %s\n",
		res.Documents, res.PagesRead, res.PagesHad, res.PagesFailed, time.Since(start).Round(time.Millisecond))
	return nil
}
