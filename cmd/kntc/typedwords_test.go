package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kntc/internal/testenv"
)

// typedWordsObjects lists the words objects of typed pages under the data
// directory's object store.
func typedWordsObjects(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, f := range filesIn(t, filepath.Join(dir, "objects")) {
		if strings.Contains(filepath.ToSlash(f), "/text-words-v2/") {
			out = append(out, f)
		}
	}
	return out
}

// forgetTypedWords makes dir's store what an install from before typed pages'
// words were read looks like: no words objects, no backfill cursor.
func forgetTypedWords(t *testing.T, dir string) {
	t.Helper()
	for _, f := range typedWordsObjects(t, dir) {
		must(t, os.Remove(f))
	}
	must(t, os.RemoveAll(filepath.Join(dir, "objects", "state", "backfill")))
}

// backfillDone waits for the summary line of the server's pass and returns it.
func backfillDone(t *testing.T, s *server) map[string]any {
	t.Helper()
	var rec map[string]any
	waitFor(t, "the typed pages' words backfill", func() bool {
		for _, line := range strings.Split(s.stderr.String(), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "typed pages' words backfill done" {
				rec = m
				return true
			}
		}
		return false
	})
	return rec
}

// TestTypedWordsBackfilledAfterUpgrade: a typed document stored before kntc read
// typed pages' words (its words object and the backfill's cursor taken out of
// the store, as after an upgrade), beside a scan, has its hits marked in the
// text only; once serve starts again, its pass reads the typed page's words —
// that page only, not the scan's — and the viewer boxes the hits on the page
// image. kntc reindex --typed-words does the same from the command line.
func TestTypedWordsBackfilledAfterUpgrade(t *testing.T) {
	needPoppler(t)
	dir := t.TempDir()
	env := map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}
	s := startServe(t, env, "--data-dir", dir, "--stable-delay", "1s")
	token := s.login(t)
	ids := storeTypedAndScan(t, s, dir, token)
	typed := ids["cong-van.pdf"]
	backfillDone(t, s) // the first start's pass, over whatever was stored then
	if n := len(typedWordsObjects(t, dir)); n != 1 {
		t.Fatalf("%d words objects after ingest, want the typed page's", n)
	}
	forgetTypedWords(t, dir)
	c := staffPages(t, s, "lanh.dao.tinh", staffPassword)
	if code, body := pageGet(t, c, s.url+"/documents/"+typed+"?q=khieu+nai"); code != 200 || strings.Contains(body, `class="hl"`) {
		t.Fatalf("viewer of the typed document without its words: %d, boxes: %t", code, strings.Contains(body, `class="hl"`))
	}
	must(t, s.stop())

	// The upgrade: serve starts again and reads what is missing by itself.
	s = startServe(t, env, "--data-dir", dir)
	rec := backfillDone(t, s)
	t.Logf("summary: %v", rec)
	if rec["documents"] != 1.0 || rec["pages_read"] != 1.0 || rec["pages_had_words"] != 0.0 || rec["pages_unreadable"] != 0.0 || rec["after"] != typed {
		t.Errorf("backfill summary %v: want the typed document's one page read, and nothing of the scan", rec)
	}
	if n := len(typedWordsObjects(t, dir)); n != 1 {
		t.Fatalf("%d words objects after the backfill, want 1", n)
	}
	token = s.login(t)
	c = staffPages(t, s, "lanh.dao.tinh", staffPassword)
	checkTypedBoxes(t, s, c, token, typed, "chanh thanh tra", 3)
	checkTypedBoxes(t, s, c, token, typed, "khieu nai", 2)
	if logs := s.stderr.String(); strings.Contains(logs, "words not read") {
		t.Errorf("the server warned about words:\n%s", logs)
	}
	must(t, s.stop())

	// The same, forced from the command line.
	forgetTypedWords(t, dir)
	var out, errOut testenv.Buffer
	if err := run(t.Context(), []string{"reindex", "--typed-words", "--data-dir", dir}, envFunc(env), strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("kntc reindex --typed-words: %v\n%s", err, errOut.String())
	}
	t.Logf("kntc reindex --typed-words: %s", out.String())
	if !strings.Contains(out.String(), "1 tài liệu (documents), 1 trang đọc (pages read), 0 trang đã có") || len(typedWordsObjects(t, dir)) != 1 {
		t.Errorf("kntc reindex --typed-words: %q, %d words objects; want the typed page read", out.String(), len(typedWordsObjects(t, dir)))
	}
}
