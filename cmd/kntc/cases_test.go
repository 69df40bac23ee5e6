package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"kntc/internal/testenv"
	"kntc/ocr/ocrtest"
)

// TestCaseFilesEndToEnd runs the case system on each database through the real
// pipeline: cases opened over the API; a quyết định thụ lý scanned into the case's
// hot-folder sub-folder accepts the case and starts its 30-day period; a batch
// behind the case's QR cover sheet joins it and starts verification; scans that name
// a case's code or cite its decision land in the triage inbox with that case
// suggested, and one click links them; duplicate petitions are caught; the audit
// trail verifies, and finds rows edited or cut off.
func TestCaseFilesEndToEnd(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { caseFilesEndToEnd(t, map[string]string{}) })
	t.Run("postgres", func(t *testing.T) {
		// A shared database needs a configured sealing key.
		caseFilesEndToEnd(t, map[string]string{"KNTC_DATABASE_URL": testenv.PostgresDatabase(t), "KNTC_SEAL_KEY": testSealKey})
	})
}

// client is a logged-in client of a test server.
type client struct {
	t     *testing.T
	s     *server
	token string
}

func (a client) call(method, path string, body any, want int) map[string]any {
	a.t.Helper()
	code, out := a.s.do(a.t, method, path, a.token, body)
	if code != want {
		a.t.Fatalf("%s %s: %d %v, want %d", method, path, code, out, want)
	}
	return out
}

func str(m map[string]any, key string) string {
	v, _ := m[key].(string)
	return v
}

func caseFilesEndToEnd(t *testing.T, env map[string]string) {
	dir := t.TempDir()
	env["KNTC_ADMIN_PASSWORD"] = adminPassword
	s := startServe(t, env, "--data-dir", dir, "--stable-delay", "1s")
	kntc := func(stdin string, args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if err := run(t.Context(), append(args, "--data-dir", dir), envFunc(env), strings.NewReader(stdin), &stdout, &stderr); err != nil {
			t.Fatalf("kntc %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
		}
		return stdout.String()
	}
	kntc("", "unit", "add", "--code", "HT", "--name", "Ủy ban nhân dân thị xã Hòa Thành", "--level", "district", "--parent", "TINH")
	kntc("mật-khẩu-lãnh-đạo\n", "user", "add", "--username", "lanh.dao", "--full-name", "Lê Văn Lãnh", "--role", "leader", "--unit", "HT", "--password-stdin")
	kntc("mật-khẩu-văn-thư\n", "user", "add", "--username", "van.thu", "--full-name", "Trần Thị Thư", "--role", "clerk", "--unit", "HT", "--password-stdin")
	login := func(user, pw string) client {
		code, body := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": user, "password": pw})
		if code != http.StatusOK {
			t.Fatalf("login %s: %d %v", user, code, body)
		}
		return client{t, s, str(body, "token")}
	}
	leader := login("lanh.dao", "mật-khẩu-lãnh-đạo")
	clerk := login("van.thu", "mật-khẩu-văn-thư")

	received := time.Now().AddDate(0, 0, -20).Format(time.DateOnly)
	kn := clerk.call("POST", "/api/v1/cases", map[string]any{
		"kind": "khieu_nai", "source": "buu_chinh", "received_on": received,
		"subject": "Khiếu nại quyết định thu hồi đất của hộ bà Nguyễn Thị Hoà tại phường Long Hoa",
		"parties": []map[string]any{{"role": "petitioner", "name": "Nguyễn Thị Hoà", "address": "phường Long Hoa"}},
	}, http.StatusCreated)
	code := str(kn, "code")
	if !strings.HasPrefix(code, "KN-") || str(kn, "pin") == "" {
		t.Fatalf("new case: %v", kn)
	}
	// Received 20 days ago and not accepted: the 10-day deadline has passed.
	overdue := leader.call("GET", "/api/v1/deadlines", nil, http.StatusOK)
	if !strings.Contains(fmt.Sprint(overdue["overdue"]), code) {
		t.Fatalf("case %s not in the overdue list: %v", code, overdue)
	}
	for _, step := range []string{"phan_loai", "xu_ly_don"} {
		c := clerk.call("GET", "/api/v1/cases/"+code, nil, http.StatusOK)
		clerk.call("POST", "/api/v1/cases/"+code+"/transitions", map[string]any{"to": step, "version": c["version"]}, http.StatusOK)
	}

	// Route (a): the hot-folder sub-folder HT/CODE/. The scan is the quyết định thụ
	// lý, dated five days ago: the case is accepted on that date, due 30 days later.
	accepted := time.Now().AddDate(0, 0, -5)
	header := fmt.Sprintf("ỦY BAN NHÂN DÂN\nTHỊ XÃ HÒA THÀNH\nSố: 15/QĐ-UBND\nHòa Thành, ngày %02d tháng %02d năm %d\nQUYẾT ĐỊNH\nVề việc thụ lý giải quyết khiếu nại lần đầu\nCHỦ TỊCH ỦY BAN NHÂN DÂN THỊ XÃ HÒA THÀNH",
		accepted.Day(), int(accepted.Month()), accepted.Year())
	img, _, err := ocrtest.Render(header, ocrtest.Options{HeightMM: 110})
	must(t, err)
	hot := filepath.Join(dir, "hotfolder")
	drop := func(rel string, data []byte) {
		t.Helper()
		p := filepath.Join(hot, rel)
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, data, 0o644))
	}
	drop("HT/"+code+"/thu-ly.png", ocrtest.PNG(img))
	var c map[string]any
	waitFor(t, "the quyết định thụ lý to accept the case", func() bool {
		c = leader.call("GET", "/api/v1/cases/"+code, nil, http.StatusOK)
		return str(c, "status") == "thu_ly"
	})
	if want := accepted.Format(time.DateOnly); str(c, "accepted_on") != want {
		t.Fatalf("accepted_on %q, want %q (the decision's date)", str(c, "accepted_on"), want)
	}
	if want := accepted.AddDate(0, 0, 30).Format(time.DateOnly); str(c, "due_on") != want {
		t.Fatalf("due_on %q, want %q (thụ lý + 30 days)", str(c, "due_on"), want)
	}
	docs := leader.call("GET", "/api/v1/cases/"+code+"/documents", nil, http.StatusOK)
	if !strings.Contains(fmt.Sprint(docs), "quyet_dinh_thu_ly") {
		t.Fatalf("the decision is not among the case's documents: %v", docs)
	}

	// Route (b): a QR cover sheet printed from the case, on top of the verification
	// assignment, scanned as one batch: the assignment joins the case without its
	// cover, and moves the case to verification.
	code0, coverPDF := s.get(t, clerk.token, "/api/v1/cases/"+code+"/cover.pdf?kind=quyet_dinh_giao_xac_minh")
	if code0 != http.StatusOK || !bytes.HasPrefix(coverPDF, []byte("%PDF-")) {
		t.Fatalf("cover sheet: %d %.200s", code0, coverPDF)
	}
	assign, _ := page(t, "QUYẾT ĐỊNH về việc giao nhiệm vụ xác minh nội dung khiếu nại của bà Nguyễn Thị Hoà")
	drop("HT/lo-quet.pdf", mixedPDF(t, coverPDF, imagePDF(t, assign)))
	waitFor(t, "the cover-sheet batch to move the case to verification", func() bool {
		c = leader.call("GET", "/api/v1/cases/"+code, nil, http.StatusOK)
		return str(c, "status") == "xac_minh"
	})

	// Routes (c) and (d): scans dropped into the unit's folder without a case. One
	// names the case code, one cites the thụ lý decision by its number.
	named, _ := page(t, "Kính gửi Ủy ban nhân dân thị xã. Bổ sung tài liệu cho hồ sơ "+code+" về việc thu hồi đất")
	cites, _ := page(t, "BIÊN BẢN LÀM VIỆC thực hiện Quyết định số 15/QĐ-UBND về việc thụ lý giải quyết khiếu nại")
	drop("HT/bo-sung.png", ocrtest.PNG(named))
	drop("HT/bien-ban.png", ocrtest.PNG(cites))
	var items []any
	waitFor(t, "two triage items with suggestions", func() bool {
		tr := leader.call("GET", "/api/v1/triage", nil, http.StatusOK)
		items, _ = tr["items"].([]any)
		if len(items) < 2 {
			return false
		}
		for _, it := range items {
			if !strings.Contains(fmt.Sprint(it.(map[string]any)["suggestions"]), code) {
				return false
			}
		}
		return true
	})
	reasons := fmt.Sprint(items)
	if !strings.Contains(reasons, "code_in_text") || !strings.Contains(reasons, "number_follows") {
		t.Fatalf("want one suggestion by code and one by cited number: %v", reasons)
	}
	for _, it := range items {
		doc := it.(map[string]any)["document"].(map[string]any)
		clerk.call("POST", "/api/v1/documents/"+str(doc, "id")+"/link", map[string]any{"case": code}, http.StatusOK)
	}
	if tr := leader.call("GET", "/api/v1/triage", nil, http.StatusOK); len(tr["items"].([]any)) != 0 {
		t.Fatalf("linked documents are still in triage: %v", tr)
	}
	docs = leader.call("GET", "/api/v1/cases/"+code+"/documents", nil, http.StatusOK)
	if n := len(docs["documents"].([]any)); n != 4 {
		t.Fatalf("case has %d documents, want 4 (folder, cover sheet, two linked): %v", n, docs)
	}
	if strings.Contains(fmt.Sprint(docs), "PHIẾU BÌA") {
		t.Fatalf("a cover page was kept: %v", docs)
	}

	// Petitions: the same letter sent twice is a duplicate.
	letter := map[string]any{"source": "buu_chinh", "kind": "khieu_nai",
		"petitioner": map[string]any{"name": "Phạm Văn Dũng", "id_number": "072080001234"},
		"subject":    "Khiếu nại việc bồi thường khi thu hồi đất tại ấp Long Yên"}
	first := clerk.call("POST", "/api/v1/petitions", letter, http.StatusCreated)
	letter["subject"] = "Khiếu nại về việc bồi thường thu hồi đất ở ấp Long Yên"
	letter["petitioner"] = map[string]any{"name": "Pham Van Dung", "id_number": "072080001234"}
	second := clerk.call("POST", "/api/v1/petitions", letter, http.StatusCreated)
	if fmt.Sprint(second["duplicate_of"]) != fmt.Sprint(first["id"]) {
		t.Fatalf("second letter duplicate_of %v, want %v", second["duplicate_of"], first["id"])
	}

	// The audit trail verifies; on SQLite, an edited row is then found.
	out := kntc("", "verify")
	if !strings.Contains(out, "intact") {
		t.Fatalf("verify: %s", out)
	}
	if env["KNTC_DATABASE_URL"] != "" {
		return
	}
	must(t, s.stop())
	db, err := sql.Open("sqlite", filepath.Join(dir, "kntc.db"))
	must(t, err)
	defer db.Close()
	var triggers []string
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'`)
	must(t, err)
	defer rows.Close()
	for rows.Next() {
		var name string
		must(t, rows.Scan(&name))
		triggers = append(triggers, name)
	}
	must(t, rows.Err())
	if _, err := db.Exec(`UPDATE audit_log SET detail = 'sửa' WHERE seq = 3`); err == nil {
		t.Fatal("the database let an audit row be edited")
	}
	if _, err := db.Exec(`DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)`); err == nil {
		t.Fatal("the database let an audit row be deleted")
	}
	for _, name := range triggers {
		_, err = db.Exec(`DROP TRIGGER ` + name)
		must(t, err)
	}
	verify := func(want string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), []string{"verify", "--data-dir", dir}, envFunc(env), strings.NewReader(""), &stdout, &stderr)
		if err == nil || !strings.Contains(stdout.String(), want) {
			t.Fatalf("verify: %v, want a report with %q:\n%s", err, want, stdout.String())
		}
	}
	// The newest rows cut off: the chain alone is intact, the anchor the server
	// left in the object store tells.
	_, err = db.Exec(`DELETE FROM audit_log WHERE seq > (SELECT MAX(seq) - 2 FROM audit_log)`)
	must(t, err)
	verify("were deleted")
	_, err = db.Exec(`UPDATE audit_log SET detail = 'sửa' WHERE seq = 3`)
	must(t, err)
	verify("entry 3")
}
