package main

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kntc/ocr/ocrtest"
)

// TestPreNamedFolderEndToEnd follows a denunciation letter through the real
// pipeline on the route an attack found open: scanned into the hot folder under
// the code its case will have (hotfolder/HT/TC-2026-000001/) before that case is
// opened. From its arrival it is confidential (routed to a denunciation): its
// words are in no search, the handlers of the unit cannot open it, and only the
// unit's leader sees it, to file it. Once the case is opened with the denouncer,
// the letter joins it, still confidential, and a granted handler reads it.
func TestPreNamedFolderEndToEnd(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}
	s := startServe(t, env, "--data-dir", dir, "--stable-delay", "1s")
	kntc := cliRunner(t, dir, env)
	kntc("", "unit", "add", "--code", "HT", "--name", "Ủy ban nhân dân thị xã Hòa Thành", "--level", "district", "--parent", "TINH")
	for _, u := range []struct{ name, role string }{{"lanh.dao", "leader"}, {"chuyen.vien", "handler"}, {"duoc.giao", "handler"}, {"thanh.tra", "inspector"}} {
		kntc("mật-khẩu-"+u.name+"\n", "user", "add", "--username", u.name, "--full-name", u.name, "--role", u.role, "--unit", "HT", "--password-stdin")
	}
	login := func(user string) client {
		code, body := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": user, "password": "mật-khẩu-" + user})
		if code != http.StatusOK {
			t.Fatalf("login %s: %d %v", user, code, body)
		}
		return client{t, s, str(body, "token")}
	}
	leader, handler, granted, inspector := login("lanh.dao"), login("chuyen.vien"), login("duoc.giao"), login("thanh.tra")

	const name, phone = "Đặng Thị Kín Tiếng", "0915 246 813"
	img, _, err := ocrtest.Render("ĐƠN TỐ CÁO\nKính gửi: Chủ tịch Ủy ban nhân dân thị xã Hòa Thành\nTôi tên là "+name+", điện thoại "+phone+
		".\nTôi tố cáo cán bộ địa chính phường thu tiền sai quy định.", ocrtest.Options{HeightMM: 90})
	must(t, err)
	drop := filepath.Join(dir, "hotfolder", "HT", "TC-2026-000001", "don.png")
	must(t, os.MkdirAll(filepath.Dir(drop), 0o755))
	must(t, os.WriteFile(drop, ocrtest.PNG(img), 0o644))

	var id string
	waitFor(t, "the letter to be stored", func() bool {
		out := leader.call("GET", "/api/v1/documents?limit=10", nil, http.StatusOK)
		docs, _ := out["documents"].([]any)
		for _, d := range docs {
			if m := d.(map[string]any); m["status"] == "stored" {
				id = m["id"].(string)
				if m["confidential"] != true {
					t.Fatalf("the letter under a denunciation's code is not confidential: %v", m)
				}
				return true
			}
		}
		return false
	})
	secretFree := func(who string, c client) {
		t.Helper()
		for _, q := range []string{name, "dang thi kin tieng", "0915246813", "kín tiếng"} {
			code, b := s.get(t, c.token, "/api/v1/search?fuzzy=1&q="+url.QueryEscape(q))
			if code != http.StatusOK || !strings.Contains(string(b), `"total":0`) {
				t.Errorf("%s searching %q: %d %s", who, q, code, b)
			}
		}
		for _, path := range []string{"/api/v1/documents/" + id, "/api/v1/documents/" + id + "/text", "/api/v1/documents?limit=100"} {
			code, b := s.get(t, c.token, path)
			if strings.Contains(strings.ToLower(string(b)), "kín tiếng") || strings.Contains(string(b), "246 813") {
				t.Errorf("%s GET %s (%d) shows the denouncer: %.300s", who, path, code, b)
			}
		}
	}
	secretFree("handler", handler)
	secretFree("inspector", inspector)
	if code, b := s.get(t, leader.token, "/api/v1/documents/"+id+"/text"); code != http.StatusOK || !strings.Contains(string(b), "Kín Tiếng") {
		t.Fatalf("the leader files the letter, so reads it: %d %.200s", code, b)
	}

	// The case is opened with the denouncer: the letter joins it, confidential.
	tc := leader.call("POST", "/api/v1/cases", map[string]any{"kind": "to_cao", "source": "buu_chinh",
		"subject": "Tố cáo cán bộ địa chính phường thu tiền sai quy định",
		"parties": []map[string]any{{"role": "petitioner", "name": name, "phone": phone}}}, http.StatusCreated)
	if str(tc, "code") != "TC-2026-000001" {
		t.Fatalf("the case was opened as %s", str(tc, "code"))
	}
	leader.call("GET", "/api/v1/documents/"+id, nil, http.StatusNotFound) // now only for who is granted the case
	leader.call("POST", "/api/v1/cases/TC-2026-000001/grants", map[string]any{"user_id": userID(t, leader, "duoc.giao")}, http.StatusCreated)
	got := granted.call("GET", "/api/v1/documents/"+id, nil, http.StatusOK)
	if got["case"] != "TC-2026-000001" || got["confidential"] != true || got["unit"] != "HT" {
		t.Errorf("the letter after its case was opened: %v", got)
	}
	secretFree("handler", handler)
	secretFree("inspector", inspector)
	if strings.Contains(s.stderr.String(), "Kín Tiếng") || strings.Contains(strings.ToLower(s.stderr.String()), "kin tieng") {
		t.Errorf("the server's log names the denouncer")
	}
}

// userID finds a user's id through the accounts a leader sees in a case's grants
// (the leader cannot list accounts): the id is read from the administrator's list.
func userID(t *testing.T, c client, username string) int64 {
	t.Helper()
	code, body := c.s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "admin", "password": adminPassword})
	if code != http.StatusOK {
		t.Fatalf("admin login: %d %v", code, body)
	}
	code, list := c.s.do(t, "GET", "/api/v1/users", str(body, "token"), nil)
	if code != http.StatusOK {
		t.Fatalf("users: %d %v", code, list)
	}
	for _, u := range list["users"].([]any) {
		if m := u.(map[string]any); m["username"] == username {
			return int64(m["id"].(float64))
		}
	}
	t.Fatalf("no user %s in %v", username, list)
	return 0
}
