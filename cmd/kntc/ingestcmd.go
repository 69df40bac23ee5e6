package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/schollz/progressbar/v3"

	"kntc/auth"
	"kntc/ingest"
)

func runIngest(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("ingest", "PATH...", "Takes files, or every file under folders, into kntc through the same pipeline as\nthe hot folders. The files are copied, never moved. By default the documents are\nprocessed here, with a progress bar, and a summary is printed; with --wait=false\nthey are only queued for a running server.", stderr)
	unit := fs.String("unit", "", "unit code to route the documents to (default: the root unit)")
	caseCode := fs.String("case", "", "case code to link the documents to")
	wait := fs.Bool("wait", true, "process the documents here and wait for each to be stored or quarantined")
	cfg := bindConfig(fs, getenv)
	paths, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return fmt.Errorf("ingest needs at least one PATH: %w", errUsage)
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	logger := cfg.Logger(io.Discard)
	if cfg.LogLevel == "debug" {
		logger = cfg.Logger(stderr)
	}
	files, err := collectFiles(paths)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("không có tệp nào trong %v (no files found)", paths)
	}
	st, err := openStores(ctx, cfg, true, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	accounts := &auth.Service{Store: st.db}
	if *unit == "" {
		root, err := accounts.RootUnit(ctx)
		if err == nil {
			*unit = root.Code
		}
	}
	// The search index is the server's: it indexes these documents from the database
	// as soon as it runs.
	pl, err := newPipeline(ctx, cfg, st, logger, *wait, false)
	if err != nil {
		return err
	}
	// The case system links the documents to their case and keeps what names a
	// denouncer confidential, as for any other arrival.
	caseSvc, err := newCaseService(cfg, st, accounts, logger)
	if err != nil {
		return err
	}
	pl.spool.Vet = caseSvc.VetArrival
	if pl.proc != nil { // with --wait=false the running server processes them
		pl.proc.Finish = caseSvc.Finish
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		pl.stop(stopCtx)
	}()
	if *wait {
		if err := pl.start(ctx, true); err != nil {
			return err
		}
	}

	// The bar counts files done: stored, duplicate, quarantined or refused (queued
	// with --wait=false).
	bar := progressbar.NewOptions(len(files), progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("kntc ingest"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	var ids []string
	var failed []string
	for _, path := range files {
		d, err := pl.spool.Claim(ctx, ingest.Origin{Path: path, Filename: filepath.Base(path), Source: "cli", UnitCode: *unit, CaseCode: *caseCode, Keep: true, Username: cliUser.Username})
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", path, err))
			_ = bar.Add(1)
			continue
		}
		ids = append(ids, d.ID)
		if !*wait {
			_ = bar.Add(1)
		}
	}
	counts := map[ingest.Status]int{}
	var problems []string
	if *wait {
		docs, err := ingest.WaitFinal(ctx, st.db, ids, 200*time.Millisecond, func(_ ingest.Document, parts []ingest.Document) {
			_ = bar.Add(1)
			if len(parts) > 0 {
				// A batch cut at its cover sheets: its parts are waited for too.
				bar.ChangeMax(bar.GetMax() + len(parts))
			}
		})
		if err != nil {
			return err
		}
		for _, d := range docs {
			counts[d.Status]++
			if d.Status == ingest.StatusQuarantined {
				problems = append(problems, fmt.Sprintf("%s: %s", d.Filename, d.Error))
			}
		}
	} else {
		counts[ingest.StatusReceived] = len(ids)
	}
	_ = bar.Finish()

	fmt.Fprintf(stdout, "Tổng (total) %d tệp: lưu (stored) %d, trùng (duplicate) %d, cách ly (quarantined) %d, chờ xử lý (queued) %d, lỗi (failed to take) %d\n",
		len(files), counts[ingest.StatusStored], counts[ingest.StatusDuplicate], counts[ingest.StatusQuarantined], counts[ingest.StatusReceived], len(failed))
	if counts[ingest.StatusSplit] > 0 {
		fmt.Fprintf(stdout, "Tách theo phiếu bìa (split at cover sheets): %d tệp; các phần được tính ở trên (their parts are counted above)\n", counts[ingest.StatusSplit])
	}
	for _, p := range append(failed, problems...) {
		fmt.Fprintln(stdout, "  -", p)
	}
	if len(failed) > 0 || len(problems) > 0 {
		return fmt.Errorf("%d tệp không xử lý được (%d files could not be processed)", len(failed)+len(problems), len(failed)+len(problems))
	}
	return nil
}

// collectFiles expands folders recursively (skipping hidden and temporary files) and
// returns the files in a stable order.
func collectFiles(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if path != p && ingest.Ignored(d.Name()) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(files)
	return files, nil
}
