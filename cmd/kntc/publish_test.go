package main

import (
	"bytes"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kntc/ocr/ocrtest"
)

// The denouncer the publication tests plant: distinctive pieces, so that finding
// any of them anywhere public means a leak.
const (
	pubName    = "Hoàng Thị Kín Đáo"
	pubCCCD    = "079188123456"
	pubPhone   = "0913 572 468"
	pubAddress = "số 27 đường Lạc Long Quân, phường Long Hoa"
)

// pubIdentity is that identity as the leak checks look for it.
var pubIdentity = identity{words: []string{"hoang thi kin dao", "kin dao", "lac long quan"},
	numbers: []string{pubCCCD, "0913572468", "84913572468"}}

// pubLeak returns the piece of the planted identity s holds, or "".
func pubLeak(s string) string { return pubIdentity.leak(s) }

// TestPublishRedactedEndToEnd: a denunciation's conclusion naming the
// denouncer with her CCCD, phone and address is scanned in (Tesseract reads
// it); the leader gets the proposed redaction, publishes it; the citizen looks
// the case up and downloads the public copy: pdftotext of it holds none of her
// identity with or without diacritics, the image under every rectangle is
// black, the archive copy is byte for byte what it was. The leakage check runs
// over every portal answer (home, lookup, published list, search for every piece
// of her identity) and the public file. Bad rectangles are 422, an early
// unpublication without a ground 409, and after unpublishing the copy is gone
// from the portal, its list and its search at once.
func TestPublishRedactedEndToEnd(t *testing.T) {
	needPoppler(t)
	dir := t.TempDir()
	env := map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}
	s := startServe(t, env, "--data-dir", dir, "--stable-delay", "1s")
	kntc := cliRunner(t, dir, env)
	kntc("", "unit", "add", "--code", "HT", "--name", "Ủy ban nhân dân thị xã Hòa Thành", "--level", "district", "--parent", "TINH")
	for _, u := range []struct{ name, role string }{{"lanh.dao", "leader"}, {"chuyen.vien", "handler"}} {
		kntc("mật-khẩu-"+u.name+"\n", "user", "add", "--username", u.name, "--full-name", u.name, "--role", u.role, "--unit", "HT", "--password-stdin")
	}
	login := func(user string) client {
		code, body := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": user, "password": "mật-khẩu-" + user})
		if code != http.StatusOK {
			t.Fatalf("login %s: %d %v", user, code, body)
		}
		return client{t, s, str(body, "token")}
	}
	leader, handler := login("lanh.dao"), login("chuyen.vien")

	tc := leader.call("POST", "/api/v1/cases", map[string]any{"kind": "to_cao", "source": "buu_chinh",
		"subject": "Tố cáo cán bộ địa chính phường thu tiền sai quy định",
		"parties": []map[string]any{{"role": "petitioner", "name": pubName, "id_number": pubCCCD, "phone": pubPhone, "address": pubAddress},
			{"role": "respondent", "name": "Trần Văn Bị Cáo"}}}, http.StatusCreated)
	code, pin := str(tc, "code"), str(tc, "pin")
	if code == "" || pin == "" {
		t.Fatalf("case: %v", tc)
	}
	leader.call("POST", "/api/v1/cases/"+code+"/grants", map[string]any{"user_id": userID(t, leader, "lanh.dao")}, http.StatusCreated)

	img, _, err := ocrtest.RenderDecision(ocrtest.Decision{
		Left:   []string{"ỦY BAN NHÂN DÂN", "THỊ XÃ HÒA THÀNH", "Số: 15/KL-UBND"},
		Right:  []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hòa Thành, ngày 20 tháng 3 năm 2026"},
		Centre: []string{"KẾT LUẬN", "Nội dung tố cáo đối với ông Trần Văn Bị Cáo"},
		Body: []string{"Ngày 02 tháng 3 năm 2026, bà " + pubName + ", CCCD số " + pubCCCD + ", điện thoại " + pubPhone +
			", trú tại " + pubAddress + ", tố cáo ông Trần Văn Bị Cáo thu tiền sai quy định.",
			"Kết luận: nội dung tố cáo là đúng một phần. Giao Trưởng phòng Tài nguyên và Môi trường kiểm điểm."},
	})
	must(t, err)
	drop := filepath.Join(dir, "hotfolder", "HT", code, "ket-luan.png")
	must(t, os.MkdirAll(filepath.Dir(drop), 0o755))
	must(t, os.WriteFile(drop, ocrtest.PNG(img), 0o644))
	var id string
	waitFor(t, "the conclusion to be stored", func() bool {
		for _, d := range s.documents(t, leader.token) {
			if d.Status == "stored" {
				id = d.ID
				return true
			}
		}
		return false
	})
	doc := leader.call("GET", "/api/v1/documents/"+id, nil, http.StatusOK)
	if doc["kind"] != "ket_luan_noi_dung_to_cao" {
		leader.call("PATCH", "/api/v1/documents/"+id, map[string]any{"kind": "ket_luan_noi_dung_to_cao"}, http.StatusOK)
	}
	_, archiveBefore := s.get(t, leader.token, "/api/v1/documents/"+id+"/pdf")

	handler.call("GET", "/api/v1/documents/"+id+"/redaction", nil, http.StatusForbidden) // leaders only
	prop := leader.call("GET", "/api/v1/documents/"+id+"/redaction", nil, http.StatusOK)
	rects, _ := prop["rects"].([]any)
	reasons := map[string]int{}
	for _, r := range rects {
		m := r.(map[string]any)
		reasons[m["reason"].(string)]++
		if m["reason"] == "denouncer" && m["text"] != nil {
			t.Errorf("the proposal shows the denouncer's text: %v", m)
		}
	}
	if reasons["denouncer"] == 0 {
		t.Fatalf("the proposal has no denouncer rectangle: %v", prop)
	}
	pages := prop["pages"].([]any)
	page := pages[0].(map[string]any)
	w, h := int(page["width"].(float64)), int(page["height"].(float64))

	// Bad rectangles: 422 with the reason, never 500.
	for _, bad := range []any{
		[]map[string]any{{"page": 1, "x0": -5, "y0": 0, "x1": 10, "y1": 10}},
		[]map[string]any{{"page": 2, "x0": 0, "y0": 0, "x1": 10, "y1": 10}},
		[]map[string]any{{"page": 1, "x0": 0, "y0": 0, "x1": w + 1, "y1": 10}},
		[]map[string]any{{"page": 1, "x0": 50, "y0": 50, "x1": 10, "y1": 60}},
		[]map[string]any{{"page": 1, "x0": 0, "y0": 0, "x1": 1e15, "y1": 10}},
		make([]map[string]any, 2001),
		"nope",
	} {
		if c, body := s.do(t, "POST", "/api/v1/documents/"+id+"/publication", leader.token, map[string]any{"rects": bad}); c != http.StatusUnprocessableEntity {
			t.Errorf("bad rectangles: %d %v, want 422", c, body)
		}
	}
	// Without the denouncer's rectangles the check refuses the copy.
	var kept []any
	for _, r := range rects {
		if r.(map[string]any)["reason"] != "denouncer" {
			kept = append(kept, r)
		}
	}
	if c, body := s.do(t, "POST", "/api/v1/documents/"+id+"/publication", leader.token, map[string]any{"rects": kept}); c != http.StatusConflict ||
		pubLeak(str(body, "error")) != "" {
		t.Errorf("publishing without the denouncer's rectangles: %d %v, want 409 naming no one", c, body)
	}
	// The proposal plus a rectangle the leader draws.
	rects = append(rects, map[string]any{"page": 1, "x0": w - 200, "y0": h - 100, "x1": w - 10, "y1": h - 10})
	pub := leader.call("POST", "/api/v1/documents/"+id+"/publication", map[string]any{"rects": rects}, http.StatusCreated)
	pubID := str(pub, "id")
	leader.call("POST", "/api/v1/documents/"+id+"/publication", map[string]any{"rects": rects}, http.StatusConflict) // posted already
	if c := leader.call("GET", "/api/v1/cases/"+code, nil, http.StatusOK); c["status"] != "cong_khai" {
		t.Errorf("the case after publishing its conclusion: %v", c["status"])
	}

	// The citizen: the lookup lists the public copy; the download is it.
	var portalEcho func(method, path string, form url.Values, echo string) (int, []byte)
	portal := func(method, path string, form url.Values) (int, []byte) {
		t.Helper()
		return portalEcho(method, path, form, "")
	}
	portalEcho = func(method, path string, form url.Values, echo string) (int, []byte) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, s.url+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
		}
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		must(t, err)
		// The search form shows the visitor's own words back: those are not a leak.
		shown := string(b)
		if echo != "" {
			shown = strings.ReplaceAll(shown, `value="`+html.EscapeString(echo)+`"`, "")
		}
		if leak := pubLeak(shown); leak != "" {
			t.Errorf("%s %s holds %q", method, path, leak)
		}
		return resp.StatusCode, b
	}
	c, page1 := portal("POST", "/cong-dan/tra-cuu", url.Values{"code": {code}, "pin": {pin}})
	if c != http.StatusOK || !strings.Contains(string(page1), "/cong-dan/van-ban/"+pubID) {
		t.Fatalf("lookup: %d %s", c, page1)
	}
	c, pdf := portal("GET", "/cong-dan/van-ban/"+pubID, nil)
	if c != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF")) || bytes.Equal(pdf, archiveBefore) {
		t.Fatalf("download: %d", c)
	}
	if c, _ := portal("GET", "/cong-dan/van-ban/"+id, nil); c != http.StatusNotFound {
		t.Errorf("the archive copy's id on the portal: %d", c)
	}
	checkPublicCopy(t, "publish-public.pdf", pdf, [][2]int{{w, h}}, redactRects(rects), pubLeak, "ket luan")
	if _, after := s.get(t, leader.token, "/api/v1/documents/"+id+"/pdf"); !bytes.Equal(after, archiveBefore) {
		t.Error("the archive copy changed")
	}

	// Published list and search: over public copies only, with or without
	// diacritics; nothing of her is found.
	if c, list := portal("GET", "/cong-dan/cong-khai", nil); c != http.StatusOK || !strings.Contains(string(list), pubID) {
		t.Errorf("published list: %d", c)
	}
	for _, q := range []string{"đúng một phần", "dung mot phan", "Tài nguyên và Môi trường", "TAI NGUYEN"} {
		if c, list := portal("GET", "/cong-dan/cong-khai?q="+url.QueryEscape(q), nil); c != http.StatusOK || !strings.Contains(string(list), pubID) {
			t.Errorf("search %q does not find the copy: %d", q, c)
		}
	}
	// Nor the other party, whose name the proposal covered as well.
	for _, q := range []string{pubName, "hoang thi kin dao", "Kín Đáo", pubCCCD, "0913572468", "Lạc Long Quân", "Trần Văn Bị Cáo"} {
		if c, list := portalEcho("GET", "/cong-dan/cong-khai?q="+url.QueryEscape(q), nil, q); c != http.StatusOK || strings.Contains(string(list), pubID) {
			t.Errorf("search %q finds the copy: %d", q, c)
		}
	}
	for _, p := range []string{"/cong-dan/", "/cong-dan/cong-khai?kind=ket_luan_noi_dung_to_cao&year=2026&unit=HT", "/cong-dan/cong-khai?page=99999&year=x"} {
		if c, _ := portal("GET", p, nil); c != http.StatusOK {
			t.Errorf("GET %s: %d", p, c)
		}
	}

	// Unpublishing: a reason always, a ground before 15 days; then gone at once.
	leader.call("POST", "/api/v1/publications/"+pubID+"/unpublish", map[string]any{"reason": "thử"}, http.StatusConflict)
	leader.call("POST", "/api/v1/publications/"+pubID+"/unpublish", map[string]any{"reason": "", "ground": "lo_thong_tin"}, http.StatusUnprocessableEntity)
	handler.call("POST", "/api/v1/publications/"+pubID+"/unpublish", map[string]any{"reason": "x", "ground": "lo_thong_tin"}, http.StatusForbidden)
	leader.call("POST", "/api/v1/publications/"+pubID+"/unpublish", map[string]any{"reason": "lộ thông tin", "ground": "lo_thong_tin"}, http.StatusOK)
	if c, _ := portal("GET", "/cong-dan/van-ban/"+pubID, nil); c != http.StatusNotFound {
		t.Errorf("download after unpublishing: %d", c)
	}
	if _, list := portal("GET", "/cong-dan/cong-khai?q=dung+mot+phan", nil); strings.Contains(string(list), pubID) {
		t.Error("the search still finds the unpublished copy")
	}
	if _, page := portal("POST", "/cong-dan/tra-cuu", url.Values{"code": {code}, "pin": {pin}}); strings.Contains(string(page), pubID) {
		t.Error("the lookup still lists the unpublished copy")
	}
	_, adm := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "admin", "password": adminPassword})
	audit := client{t, s, str(adm, "token")}.call("GET", "/api/v1/audit?object=case:"+code, nil, http.StatusOK)
	if a := strings.Join(actions(audit), " "); !strings.Contains(a, "publish") || !strings.Contains(a, "unpublish") {
		t.Errorf("audit of the case: %s", a)
	}
	if leak := pubLeak(s.stderr.String()); leak != "" {
		t.Errorf("the server's log holds %q", leak)
	}
}

// actions are the actions of an audit answer's entries.
func actions(audit map[string]any) []string {
	var out []string
	entries, _ := audit["entries"].([]any)
	for _, e := range entries {
		if m, ok := e.(map[string]any); ok {
			out = append(out, str(m, "action"))
		}
	}
	return out
}

// num is a JSON number or an int as an int.
func num(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	}
	return -1
}
