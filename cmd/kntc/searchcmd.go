package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"kntc/search"
)

func runSearch(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("search", "QUERY...", "Searches every document in the index, as an administrator would: words with or\nwithout diacritics, \"quoted phrases\", prefix*. Run it where the index is (the data\ndirectory) while the server is stopped; a running server answers GET /api/v1/search.", stderr)
	kind := fs.String("kind", "", "only documents of this kind (e.g. quyet_dinh_thu_ly)")
	caseCode := fs.String("case", "", "only documents of this case")
	unit := fs.String("unit", "", "only documents of this unit code")
	limit := fs.Int("limit", 20, "hits to show")
	fuzzy := fs.Bool("fuzzy", false, "tolerate one wrong letter in long words (OCR errors)")
	cfg := bindConfig(fs, getenv)
	words, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(words) == 0 {
		fs.Usage()
		return fmt.Errorf("search needs a QUERY: %w", errUsage)
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if _, err := os.Stat(cfg.indexDir()); errors.Is(err, os.ErrNotExist) {
		// search.Open would make an empty index here and find nothing.
		dir, _ := filepath.Abs(cfg.DataDir)
		return fmt.Errorf("không có chỉ mục tìm kiếm kntc trong %s; chạy kntc serve hoặc kntc reindex, hoặc chỉ định --data-dir (no kntc search index in %s; run kntc serve or kntc reindex, or give --data-dir)", dir, dir)
	}
	ix, err := openIndexHere(cfg.indexDir())
	if err != nil {
		return err
	}
	defer ix.Close()
	q := search.Query{Text: strings.Join(words, " "), Case: *caseCode, Limit: *limit, Fuzzy: *fuzzy, AllUnits: *unit == ""}
	if *unit != "" {
		q.Units = []string{*unit}
	}
	if *kind != "" {
		q.Kinds = []string{*kind}
	}
	res, err := ix.Search(ctx, q)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d trang (pages) khớp, %s\n", res.Total, res.Took.Round(time.Microsecond))
	for _, h := range res.Hits {
		fmt.Fprintf(stdout, "%s  trang (page) %d  %.3f\n", h.DocumentID, h.Page, h.Score)
		for _, hl := range h.Highlights {
			hl = strings.NewReplacer("<mark>", "[", "</mark>", "]", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", "\"", "&#39;", "'").Replace(hl)
			fmt.Fprintf(stdout, "    %s\n", strings.Join(strings.Fields(hl), " "))
		}
	}
	return nil
}

// openIndexHere opens the search index for a command run beside the data; the
// index belongs to one process at a time, so a running server holds it.
func openIndexHere(dir string) (*search.Index, error) {
	ix, err := search.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("%w (chỉ mục đang được kntc serve dùng? hãy dừng máy chủ, hoặc dùng API của nó — is kntc serve running on this data directory? stop it, or use its API)", err)
	}
	return ix, nil
}
