package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"kntc/internal/testenv"
	"kntc/ocr/ocrtest"
)

// TestRetractOnTwoNodes: two kntc processes, each with its own search index,
// follow one PostgreSQL database: one takes the uploads, the other only serves.
// A leader retracts a document on the second; on both, it then leaves the list,
// its case, reading by ID and search (hits, totals and facets), and once they
// are stopped `kntc reindex --check` finds every index clean.
func TestRetractOnTwoNodes(t *testing.T) {
	dbURL := testenv.PostgresDatabase(t)
	root := t.TempDir()
	env := []string{"KNTC_ADMIN_PASSWORD=" + adminPassword, "KNTC_DATABASE_URL=" + dbURL,
		"KNTC_SEAL_KEY=" + testSealKey, "KNTC_AUDIT_KEY=" + testAuditKey, "KNTC_OCR_WORKERS=1"}
	dirs := []string{filepath.Join(root, "node1"), filepath.Join(root, "node2")}
	p1 := startProc(t, env, "--data-dir", dirs[0])
	p2 := startProc(t, env, "--data-dir", dirs[1], "--role", "web")
	nodes := []*server{{url: p1.url, stdout: &testenv.Buffer{}, stderr: p1.out}, {url: p2.url, stdout: &testenv.Buffer{}, stderr: p2.out}}
	token := nodes[0].login(t)

	code, kn := nodes[0].do(t, "POST", "/api/v1/cases", token, map[string]any{"kind": "khieu_nai", "source": "buu_chinh",
		"subject": "Khiếu nại việc thu hồi đất"})
	if code != http.StatusCreated {
		t.Fatalf("open a case: %d %v", code, kn)
	}
	caseCode := kn["code"].(string)
	for i, text := range []string{"Đơn khiếu nại về việc thu hồi đất của hộ ông Trần Văn Bình", "Đơn khiếu nại về bồi thường của công dân xã khác gửi nhầm"} {
		img, _ := page(t, text)
		var body bytes.Buffer
		ctype := newMultipart(&body, []string{"dung.png", "nham.png"}[i], ocrtest.PNG(img), caseCode)
		req, _ := http.NewRequest("POST", nodes[0].url+"/api/v1/documents", &body)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", ctype)
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("upload %d: %d", i, resp.StatusCode)
		}
	}
	var wrong string
	for _, d := range nodes[0].waitFinished(t, token, 2, "") {
		if d.Status != "stored" {
			t.Fatalf("%s: %s %s", d.Filename, d.Status, d.Error)
		}
		if d.Filename == "nham.png" {
			wrong = d.ID
		}
	}

	type answer struct {
		total, listed, inCase, caseFacet, kindFacet int
		hits                                        []string
	}
	look := func(s *server) answer {
		t.Helper()
		var a answer
		code, b := s.get(t, token, "/api/v1/search?"+url.Values{"q": {"khieu nai"}}.Encode())
		var res struct {
			Total int `json:"total"`
			Hits  []struct {
				ID string `json:"id"`
			} `json:"hits"`
			Facets map[string][]struct {
				Term  string `json:"term"`
				Count int    `json:"count"`
			} `json:"facets"`
		}
		if code != http.StatusOK || json.Unmarshal(b, &res) != nil {
			t.Fatalf("search on %s: %d %s", s.url, code, b)
		}
		a.total = res.Total
		for _, h := range res.Hits {
			a.hits = append(a.hits, h.ID)
		}
		for _, f := range res.Facets["case"] {
			a.caseFacet += f.Count
		}
		for _, f := range res.Facets["kind"] {
			a.kindFacet += f.Count
		}
		for path, n := range map[string]*int{"/api/v1/documents": &a.listed, "/api/v1/documents?case=" + caseCode: &a.inCase} {
			code, b := s.get(t, token, path)
			var list struct {
				Total int `json:"total"`
			}
			if code != http.StatusOK || json.Unmarshal(b, &list) != nil {
				t.Fatalf("%s on %s: %d %s", path, s.url, code, b)
			}
			*n = list.Total
		}
		return a
	}
	for i, s := range nodes {
		waitFor(t, fmt.Sprintf("node %d to index both documents", i+1), func() bool { return look(s).total == 2 })
		if a := look(s); a.listed != 2 || a.inCase != 2 || a.caseFacet != 2 || a.kindFacet != 2 || !strings.Contains(strings.Join(a.hits, " "), wrong) {
			t.Fatalf("node %d before: %+v", i+1, a)
		}
	}

	// Retracted on the node that only serves.
	if code, body := nodes[1].do(t, "POST", "/api/v1/documents/"+wrong+"/retract", token, map[string]string{"reason": "Đơn của công dân xã khác gửi nhầm"}); code != http.StatusNoContent {
		t.Fatalf("retract: %d %v", code, body)
	}
	for i, s := range nodes {
		waitFor(t, fmt.Sprintf("node %d to drop the retracted document", i+1), func() bool { return look(s).total == 1 })
		if a := look(s); a.listed != 1 || a.inCase != 1 || a.caseFacet != 1 || a.kindFacet != 1 || strings.Contains(strings.Join(a.hits, " "), wrong) {
			t.Errorf("node %d after: %+v", i+1, a)
		}
		if code, _ := s.get(t, token, "/api/v1/documents/"+wrong); code != http.StatusNotFound {
			t.Errorf("node %d reads the retracted document: %d, want 404", i+1, code)
		}
	}

	// Each node's index checked against the database once it has stopped.
	p1.kill()
	p2.kill()
	for i, dir := range dirs {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"reindex", "--check", "--data-dir", dir}, envFunc(map[string]string{"KNTC_DATABASE_URL": dbURL,
			"KNTC_SEAL_KEY": testSealKey, "KNTC_AUDIT_KEY": testAuditKey}), nil, &stdout, &stderr)
		out := stdout.String() + stderr.String()
		if err != nil || !strings.Contains(out, "(stored documents): 1; thiếu trong chỉ mục (missing): 0; cũ (stale): 0; thừa (not stored or unknown): 0") {
			t.Errorf("node %d: reindex --check: %v\n%s", i+1, err, out)
		}
	}
}
