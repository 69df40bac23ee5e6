package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kntc/ocr/ocrtest"
)

// TestServeRoles runs a web node and a worker node on one database and object
// store (one data directory here; PostgreSQL + S3 across machines): the worker
// takes the hot folder and reads the page, the web node serves its text; the
// worker serves no pages, only /healthz and /metrics.
func TestServeRoles(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword, "KNTC_METRICS_TOKEN": metricsToken}
	web := startServe(t, env, "--data-dir", dir, "--role", "web")
	token := web.login(t)
	worker := startServe(t, env, "--data-dir", dir, "--role", "worker", "--stable-delay", "300ms")

	if code, _ := worker.get(t, token, "/api/v1/me"); code != http.StatusNotFound {
		t.Errorf("/api/v1/me on the worker: %d, want 404", code)
	}
	if code, _ := worker.get(t, "", "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz on the worker: %d", code)
	}
	img, _ := page(t, "THÔNG BÁO thụ lý tố cáo gửi người tố cáo")
	hot := filepath.Join(dir, "hotfolder")
	must(t, os.WriteFile(filepath.Join(hot, "thong-bao.png"), ocrtest.PNG(img), 0o644))
	docs := web.waitFinished(t, token, 1, hot)
	if len(docs) != 1 || docs[0].Status != "stored" {
		t.Fatalf("documents: %+v", docs)
	}
	// The web node reads what the worker stored (shared database and store).
	if code, b := web.get(t, token, "/api/v1/documents/"+docs[0].ID+"/text"); code != http.StatusOK || !strings.Contains(strings.ToUpper(string(b)), "TỐ CÁO") {
		t.Errorf("text on the web node: %d %q", code, b)
	}
	_, m := worker.get(t, metricsToken, "/metrics")
	if v := metricValue(string(m), `kntc_pages_processed_total{source="ocr"}`); v != 1 {
		t.Errorf("worker pages on /metrics: %v, want 1", v)
	}
	_, m = web.get(t, metricsToken, "/metrics")
	if strings.Contains(string(m), "kntc_pages_processed_total") {
		t.Errorf("the web node shows pipeline counters it never moves")
	}
	if !strings.Contains(web.stderr.String(), `"role":"web"`) || !strings.Contains(worker.stderr.String(), `"role":"worker"`) {
		t.Errorf("the roles are not in the start lines")
	}
}
