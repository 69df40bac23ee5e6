package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/ocr/ocrtest"
	"kntc/storage/s3"
)

// TestSeveralNodes runs two worker processes and one web process on one
// PostgreSQL and one MinIO bucket, with two shared hot folders. Worker 1 holds
// both folders' leases; half the files are claimed, then worker 1 is killed with
// SIGKILL while it reads a document. Worker 2 takes the folders over when their
// leases run out and the killed worker's jobs when their heartbeat stops; the
// rest of the files arrive meanwhile. Every file ends stored exactly once (by
// SHA-256, in the database and in the store), all searchable on the web node.
func TestSeveralNodes(t *testing.T) {
	s3env := testenv.RequireS3(t)
	dbURL := testenv.PostgresDatabase(t)
	bucket := "kntc-nodes-" + randHex(4)
	root := t.TempDir()
	hotA, hotB := filepath.Join(root, "scan-a"), filepath.Join(root, "scan-b")
	must(t, os.MkdirAll(hotA, 0o750))
	must(t, os.MkdirAll(hotB, 0o750))
	env := []string{
		"KNTC_ADMIN_PASSWORD=" + adminPassword, "KNTC_DATABASE_URL=" + dbURL,
		"KNTC_SEAL_KEY=" + testSealKey, "KNTC_AUDIT_KEY=" + testAuditKey,
		"KNTC_S3_ENDPOINT=" + s3env.Endpoint, "KNTC_S3_ACCESS_KEY=" + s3env.AccessKey, "KNTC_S3_SECRET_KEY=" + s3env.SecretKey,
		"KNTC_S3_BUCKET=" + bucket,
		// A short lease so that the hand-over comes soon; one OCR slot a worker,
		// two workers on a small machine.
		"KNTC_LEASE_TTL=6s", "KNTC_OCR_WORKERS=1",
	}
	workerEnv := append(slices.Clone(env), "KNTC_HOTFOLDERS="+hotA+","+hotB, "KNTC_HOTFOLDER_POLL=500ms")
	dirWeb, dir1, dir2 := filepath.Join(root, "web"), filepath.Join(root, "worker1"), filepath.Join(root, "worker2")

	conn, err := pgx.Connect(t.Context(), dbURL)
	must(t, err)
	defer conn.Close(context.Background())

	web := startProc(t, env, "--data-dir", dirWeb, "--role", "web")
	ws := &server{url: web.url, stdout: &testenv.Buffer{}, stderr: web.out}
	token := ws.login(t)
	// The files are routed into a case (UNIT/CASE/ sub-folders): documents in no
	// case are held out of full-text search.
	code, kn := ws.do(t, "POST", "/api/v1/cases", token, map[string]any{"kind": "khieu_nai", "source": "buu_chinh",
		"subject": "Khiếu nại về bồi thường đất đai"})
	if code != http.StatusCreated {
		t.Fatalf("open a case: %d %v", code, kn)
	}
	caseCode := kn["code"].(string)

	// Worker 1 first, until it holds both shared folders.
	w1 := startProc(t, workerEnv, "--data-dir", dir1, "--role", "worker", "--stable-delay", "300ms")
	id1, id2 := workerID(&Config{DataDir: dir1}), workerID(&Config{DataDir: dir2})
	holder := func(folder string) string {
		var h string
		err := conn.QueryRow(t.Context(), `SELECT holder FROM leases WHERE name = $1 AND expires_ms > extract(epoch FROM clock_timestamp()) * 1000`, "hotfolder:"+folder).Scan(&h)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			t.Fatalf("read lease of %s: %v", folder, err)
		}
		return h
	}
	waitFor(t, "worker 1 to hold both hot folders", func() bool { return holder(hotA) == id1 && holder(hotB) == id1 })
	w2 := startProc(t, workerEnv, "--data-dir", dir2, "--role", "worker", "--stable-delay", "300ms")
	t.Cleanup(func() {
		if t.Failed() {
			for name, p := range map[string]*proc{"web": web, "worker 1": w1, "worker 2": w2} {
				out := p.out.String()
				t.Logf("%s, the end of its log:\n%s", name, out[max(0, len(out)-4000):])
			}
		}
	})

	const files = 100
	var datas [][]byte
	want := map[string]int{}
	for i := range files {
		img, _, err := ocrtest.Render(fmt.Sprintf("Đơn khiếu nại số %d", i+1), ocrtest.Options{DPI: 200, HeightMM: 14, WidthMM: 90, MarginMM: 3})
		must(t, err)
		datas = append(datas, ocrtest.PNG(img))
		want[sha(datas[i])] = i
	}
	drop := func(i int) {
		dir := hotA
		if i%2 == 1 {
			dir = hotB
		}
		path := filepath.Join(dir, "TINH", caseCode, fmt.Sprintf("don-%03d.png", i+1))
		must(t, os.MkdirAll(filepath.Dir(path), 0o750))
		must(t, os.WriteFile(path+".tmp", datas[i], 0o644)) // .tmp files are never taken
		must(t, os.Rename(path+".tmp", path))
	}
	for i := range files / 2 {
		drop(i)
	}
	hotEmpty := func() bool { return len(filesIn(t, hotA))+len(filesIn(t, hotB)) == 0 }
	// Claimed: recorded, not only out of the hot folder. (A node killed between
	// the two finishes the claim from its spool when it restarts; this test
	// never restarts it.)
	waitFor(t, "the first half to be claimed", func() bool { return hotEmpty() && len(ws.documents(t, token)) == files/2 })

	// Killed mid-document: while a job of worker 1 runs.
	// Worker 1 is frozen (SIGSTOP) while its running jobs are read, so the job
	// chosen cannot finish between the read and the kill: it is in flight when
	// the power goes, whatever the machine's speed.
	var killedDoc string
	waitFor(t, "worker 1 to read a document", func() bool {
		must(t, w1.cmd.Process.Signal(syscall.SIGSTOP))
		err := conn.QueryRow(t.Context(), `SELECT args->>'document_id' FROM river_job
			WHERE state = 'running' AND attempted_by[array_length(attempted_by, 1)] = $1 LIMIT 1`, id1).Scan(&killedDoc)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			t.Fatalf("read jobs: %v", err)
		}
		if killedDoc == "" {
			must(t, w1.cmd.Process.Signal(syscall.SIGCONT))
		}
		return killedDoc != ""
	})
	w1.kill()
	killedAt := time.Now()
	t.Logf("killed worker 1 while it read document %s", killedDoc)
	for i := files / 2; i < files; i++ {
		drop(i)
	}

	var docs []docJSON
	waitFor(t, "every file to be stored", func() bool {
		if !hotEmpty() {
			return false
		}
		docs = ws.documents(t, token)
		if len(docs) < files {
			return false
		}
		for _, d := range docs {
			if !terminal(d.Status) {
				return false
			}
		}
		return true
	})
	var doc struct {
		Status string `json:"status"`
	}
	code, b := ws.get(t, token, "/api/v1/documents/"+killedDoc)
	must(t, json.Unmarshal(b, &doc))
	var attemptedBy []string
	must(t, conn.QueryRow(t.Context(), `SELECT attempted_by FROM river_job WHERE args->>'document_id' = $1`, killedDoc).Scan(&attemptedBy))
	if code != http.StatusOK || doc.Status != "stored" || !slices.Contains(attemptedBy, id2) {
		t.Errorf("the killed worker's document: %d %s, attempted by %v; want stored, taken over by worker 2 (%s)", code, doc.Status, attemptedBy, id2)
	}
	t.Logf("worker 2 finished the killed worker's document %s after the kill", time.Since(killedAt).Round(time.Second))

	// Exactly once: one stored document per file, and one original per SHA-256 in
	// the store.
	seen := map[string]int{}
	for _, d := range docs {
		seen[d.SHA256]++
		if _, ok := want[d.SHA256]; !ok || d.Status != "stored" || d.Pages != 1 || d.Case != caseCode {
			t.Errorf("document %s (%s): %s, %d pages, case %q, known file %v", d.ID, d.Filename, d.Status, d.Pages, d.Case, ok)
		}
	}
	for h, i := range want {
		if seen[h] != 1 {
			t.Errorf("file %d: %d documents, want 1", i+1, seen[h])
		}
	}
	store, err := s3.New(t.Context(), s3.Config{Endpoint: s3env.Endpoint, AccessKey: s3env.AccessKey, SecretKey: s3env.SecretKey, Bucket: bucket})
	must(t, err)
	originals, archives := map[string]int{}, map[string]int{}
	must(t, store.List(t.Context(), "", func(o ingest.BlobInfo) error {
		switch {
		case strings.HasPrefix(o.Key, "originals/"):
			originals[filepath.Base(o.Key)]++
		case strings.HasSuffix(o.Key, "/archive.pdf"):
			archives[strings.Split(o.Key, "/")[2]]++
		}
		return nil
	}))
	for h, i := range want {
		if originals[h] != 1 || archives[h] != 1 {
			t.Errorf("file %d in the store: %d originals, %d archive copies; want 1 and 1", i+1, originals[h], archives[h])
		}
	}
	if len(originals) != files {
		t.Errorf("%d originals in the store for %d files", len(originals), files)
	}

	// All searchable on the web node (its index follows the database).
	found := map[string]bool{}
	waitFor(t, "every document to be found on the web node", func() bool {
		for page := 1; page <= files/20+1; page++ {
			code, b := ws.get(t, token, "/api/v1/search?"+url.Values{"q": {"khiếu nại"}, "page": {fmt.Sprint(page)}}.Encode())
			if code != http.StatusOK {
				t.Fatalf("search: %d %s", code, b)
			}
			var res struct {
				Hits []struct {
					ID string `json:"id"`
				} `json:"hits"`
			}
			must(t, json.Unmarshal(b, &res))
			for _, h := range res.Hits {
				found[h.ID] = true
			}
		}
		return len(found) >= files
	})
	for _, d := range docs {
		if !found[d.ID] {
			t.Errorf("document %s not found by search", d.ID)
		}
	}
	out := w2.out.String()
	for _, folder := range []string{hotA, hotB} {
		if !strings.Contains(out, "lease acquired") || !strings.Contains(out, "hotfolder:"+folder) {
			t.Errorf("worker 2 never took %s over:\n%s", folder, out)
		}
	}
	if !strings.Contains(out, "took over jobs whose worker stopped") {
		t.Errorf("worker 2 took no job over from the killed worker")
	}
}
