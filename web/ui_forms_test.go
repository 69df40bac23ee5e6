package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"kntc/cases"
)

// fieldError is the problem shown next to field name on a form page.
func fieldError(body, name string) string {
	m := regexp.MustCompile(`id="f-` + regexp.QuoteMeta(name) + `-error">([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestPagesFormOpenCase: the form opens a case through CreateCase and shows the
// citizen's receipt with the PIN, this once; problems come back next to their
// fields in Vietnamese with the input kept; no token is 403.
func TestPagesFormOpenCase(t *testing.T) {
	e := newEnv(t)
	c := newPageClientAs(t, e.pageServer(), uClerk)
	code, body, _ := c.get("/cases")
	if code != 200 || !strings.Contains(body, `href="/cases/new"`) || !strings.Contains(body, `href="/visits/new"`) {
		t.Fatalf("case list without the forms' links: %d\n%s", code, body)
	}
	if code, body, _ = c.get("/cases/new"); code != 200 || !strings.Contains(body, `name="subject"`) {
		t.Fatalf("GET /cases/new: %d\n%s", code, body)
	}
	bad := url.Values{"kind": {"khieu_nai"}, "source": {"buu_chinh"}, "received_on": {"2026-13-40"}, "subject": {""},
		"summary": {"Tóm tắt giữ lại"}, "parties[0].name": {"Nguyễn Văn An"}, "parties[0].id_number": {"07918-ABC!"}}
	code, body, _ = c.post("/cases/new", bad)
	if code != 422 {
		t.Fatalf("bad case form: %d\n%s", code, body)
	}
	if fieldError(body, "received_on") == "" {
		t.Errorf("problem not next to received_on:\n%s", body)
	}
	if !strings.Contains(body, "Tóm tắt giữ lại") || !strings.Contains(body, `value="Nguyễn Văn An"`) || !strings.Contains(body, `value="07918-ABC!"`) {
		t.Errorf("the input was not kept:\n%s", body)
	}
	bad.Set("received_on", "")
	code, body, _ = c.post("/cases/new", bad)
	if msg := fieldError(body, "parties[0].id_number"); code != 422 || !strings.Contains(msg, "giấy tờ") || fieldError(body, "subject") == "" {
		t.Errorf("a bad ID number and no subject: %d, problem %q\n%s", code, msg, body)
	}
	bad.Set("subject", "Khiếu nại quyết định thu hồi đất")
	bad.Set("parties[0].id_number", "079187654321")
	bad.Set("csrf", "")
	if code, _, _ := c.post("/cases/new", bad); code != 403 {
		t.Errorf("open a case without the form token: %d, want 403", code)
	}
	bad.Del("csrf")
	c.get("/cases/new")
	code, body, _ = c.post("/cases/new", bad)
	pin := regexp.MustCompile(`id="pin">([^<]+)<`).FindStringSubmatch(body)
	if code != 200 || pin == nil || !strings.Contains(body, "PHIẾU HẸN") || !strings.Contains(body, "data-print") {
		t.Fatalf("open a case: %d\n%s", code, body)
	}
	list, _, err := e.svc.Cases(e.ctx, e.actor(uLeader), cases.CaseFilter{Limit: 10})
	if err != nil || len(list) != 1 || list[0].Subject != "Khiếu nại quyết định thu hồi đất" || !strings.Contains(body, list[0].Code) {
		t.Fatalf("the case opened: %v %v", list, err)
	}
	if _, page, _ := c.get("/cases/" + list[0].Code); strings.Contains(page, pin[1]) || !strings.Contains(page, "Nguyễn Văn An") {
		t.Errorf("the case page shows the PIN again, or lacks the petitioner")
	}
}

// TestPagesFormPetitionDuplicate: a letter from a sender who wrote about the
// same matter is shown with the duplicate warning before anything is saved;
// confirmed, it is registered (marked a duplicate).
func TestPagesFormPetitionDuplicate(t *testing.T) {
	e := newEnv(t)
	sender := cases.Person{Name: "Trần Văn Bình", IDNumber: "079123456789"}
	first, err := e.svc.RegisterPetition(e.ctx, e.actor(uClerk), cases.Petition{Source: cases.SourcePost, Kind: cases.KindComplaint,
		Petitioner: sender, Subject: "Khiếu nại quyết định thu hồi đất số 125"})
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		_, n, err := e.svc.Petitions(e.ctx, e.actor(uLeader), cases.PetitionFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	c := newPageClientAs(t, e.pageServer(), uClerk)
	c.get("/petitions/new")
	form := url.Values{"source": {"buu_chinh"}, "kind": {"khieu_nai"}, "petitioner.name": {sender.Name},
		"petitioner.id_number": {sender.IDNumber}, "subject": {"Khiếu nại quyết định thu hồi đất số 125"}, "content": {"Nội dung giữ lại"}}
	code, body, _ := c.post("/petitions/new", form)
	if code != 200 || !strings.Contains(body, "Cảnh báo đơn trùng") || !strings.Contains(body, `name="confirm" value="1"`) ||
		!strings.Contains(body, "Nội dung giữ lại") {
		t.Fatalf("duplicate warning: %d\n%s", code, body)
	}
	if n := count(); n != 1 {
		t.Fatalf("the duplicate was saved before the confirm: %d letters", n)
	}
	form.Set("confirm", "1")
	code, _, res := c.post("/petitions/new", form)
	if code != 303 || count() != 2 {
		t.Fatalf("confirmed duplicate: %d, %d letters", code, count())
	}
	if _, body, _ := c.get(res.Header.Get("Location")); !strings.Contains(body, "Đã ghi đơn số") {
		t.Errorf("no notice after saving:\n%s", body)
	}
	list, _, _ := e.svc.Petitions(e.ctx, e.actor(uLeader), cases.PetitionFilter{Limit: 100})
	dup := false
	for _, p := range list {
		dup = dup || p.DuplicateOf == first.ID
	}
	if !dup {
		t.Errorf("the confirmed letter is not marked a duplicate of %d", first.ID)
	}
	// Another sender: saved at once, no warning.
	form.Del("confirm")
	form.Set("petitioner.name", "Lê Thị Cúc")
	form.Set("petitioner.id_number", "079000000001")
	if code, body, _ := c.post("/petitions/new", form); code != 303 || count() != 3 {
		t.Errorf("a new sender's letter: %d\n%s", code, body)
	}
	form.Set("subject", strings.Repeat("đ", 1001))
	form.Set("source", "nonsense")
	code, body, _ = c.post("/petitions/new", form)
	if code != 422 || fieldError(body, "subject") == "" || fieldError(body, "source") == "" || count() != 3 {
		t.Errorf("a bad letter: %d\n%s", code, body)
	}
	form.Set("csrf", "")
	if code, _, _ := c.post("/petitions/new", form); code != 403 {
		t.Errorf("no token: %d, want 403", code)
	}
}

// TestPagesFormVisit: a visit is logged through RecordReception; problems next
// to the fields, input kept.
func TestPagesFormVisit(t *testing.T) {
	e := newEnv(t)
	c := newPageClientAs(t, e.pageServer(), uClerk)
	c.get("/visits/new")
	form := url.Values{"kind": {"to_cao"}, "visitors[0].name": {"Phạm Văn Dũng"}, "group_size": {"nhiều"}, "content": {""}, "outcome": {"xyz"}}
	code, body, _ := c.post("/visits/new", form)
	if code != 422 || fieldError(body, "group_size") == "" || !strings.Contains(body, `value="nhiều"`) {
		t.Fatalf("bad visit: %d\n%s", code, body)
	}
	form.Set("group_size", "")
	code, body, _ = c.post("/visits/new", form)
	if code != 422 || fieldError(body, "content") == "" || fieldError(body, "outcome") == "" || !strings.Contains(body, `value="Phạm Văn Dũng"`) {
		t.Fatalf("bad visit: %d\n%s", code, body)
	}
	form.Set("content", "Tố cáo cán bộ xã")
	form.Set("outcome", "huong_dan")
	if code, body, _ := c.post("/visits/new", form); code != 303 {
		t.Fatalf("log a visit: %d\n%s", code, body)
	}
	if _, n, err := e.svc.Receptions(e.ctx, e.actor(uLeader), cases.ReceptionFilter{Limit: 10}); err != nil || n != 1 {
		t.Errorf("visits logged: %d %v", n, err)
	}
	handler := newPageClientAs(t, c.srv, uHandler)
	if code, _, _ := handler.get("/visits/new"); code != 403 {
		t.Errorf("a handler's visit form: %d, want 403", code)
	}
}

// TestPagesCaseActions: on the case page a leader extends, grants and issues
// a new PIN (receipt with the PIN once); cover sheet is the API's PDF; another
// unit's user gets the 404 page for every action; no token is 403.
func TestPagesCaseActions(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	tc := codes["denunciation"]
	c := newPageClientAs(t, e.pageServer(), uLeader)
	code, body, _ := c.get("/cases/" + tc)
	for _, want := range []string{"/cases/" + tc + "/extension", "/cases/" + tc + "/grant", "/cases/" + tc + "/pin", "/cases/" + tc + "/cover.pdf", "/cases/" + tc + "/upload"} {
		if !strings.Contains(body, want) {
			t.Errorf("case page lacks %s (%d)", want, code)
		}
	}
	code, _, res := c.get("/cases/" + tc + "/cover.pdf")
	if code != 200 || res.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("cover sheet: %d %s", code, res.Header.Get("Content-Type"))
	}
	c.get("/cases/" + tc + "/extension")
	code, body, _ = c.post("/cases/"+tc+"/extension", url.Values{"decision_number": {"12/QĐ-UBND"}, "decision_date": {"hôm qua"}, "days": {"-3"}, "reason": {"Lý do giữ lại"}})
	if code != 422 || fieldError(body, "decision_date") == "" || fieldError(body, "days") == "" || !strings.Contains(body, "Lý do giữ lại") {
		t.Errorf("bad extension: %d\n%s", code, body)
	}
	ext := url.Values{"decision_number": {"12/QĐ-UBND"}, "decision_date": {"2026-03-10"}, "days": {"30"}, "reason": {"Vụ việc phức tạp"}}
	code, body, _ = c.post("/cases/"+tc+"/extension", ext)
	if code != 422 || !strings.Contains(body, "chỉ gia hạn khi đang giải quyết") || !strings.Contains(body, "Vụ việc phức tạp") {
		t.Errorf("an extension before thụ lý: %d\n%s", code, body)
	}
	for _, to := range []cases.Status{cases.StatusClassified, cases.StatusScreening, cases.StatusAccepted} {
		cur, err := e.svc.Case(e.ctx, e.actor(uLeader), tc)
		if err == nil {
			_, err = e.svc.Transition(e.ctx, e.actor(uLeader), tc, cur.Version, cases.Transition{To: to, On: date("2026-03-05")})
		}
		if err != nil {
			t.Fatalf("move %s to %s: %v", tc, to, err)
		}
	}
	code, body, res = c.post("/cases/"+tc+"/extension", ext)
	if code != 303 {
		t.Fatalf("extension: %d\n%s", code, body)
	}
	if _, body, _ = c.get(res.Header.Get("Location")); !strings.Contains(body, "Đã ghi quyết định gia hạn") || !strings.Contains(body, "gia hạn 30 ngày") {
		t.Errorf("no notice or timeline entry after the extension:\n%s", body)
	}
	c.get("/cases/" + tc + "/grant")
	code, body, _ = c.post("/cases/"+tc+"/grant", url.Values{"user": {uHandlerB}})
	if code != 422 || fieldError(body, "user") == "" {
		t.Errorf("grant to another unit's user: %d\n%s", code, body)
	}
	if code, body, _ := c.post("/cases/"+tc+"/grant", url.Values{"user": {uHandler}}); code != 303 {
		t.Errorf("grant: %d\n%s", code, body)
	}
	c.get("/cases/" + tc)
	code, body, _ = c.post("/cases/"+tc+"/pin", url.Values{})
	pin := regexp.MustCompile(`id="pin">([^<]+)<`).FindStringSubmatch(body)
	if code != 200 || pin == nil || strings.Count(body, pin[1]) != 1 || !strings.Contains(body, "Các bước tiếp theo") {
		t.Fatalf("new PIN: %d\n%s", code, body)
	}
	if _, page, _ := c.get("/cases/" + tc); strings.Contains(page, pin[1]) {
		t.Errorf("the case page shows the PIN")
	}
	if code, _, _ := c.post("/cases/"+tc+"/pin", url.Values{"csrf": {""}}); code != 403 {
		t.Errorf("new PIN without the token: %d, want 403", code)
	}
	other := newPageClientAs(t, c.srv, uHandlerB)
	for _, path := range []string{"/extension", "/grant", "/upload", "/cover.pdf"} {
		if code, body, _ := other.get("/cases/" + tc + path); code != 404 || !strings.Contains(body, "Không tìm thấy") {
			t.Errorf("GET %s of another unit's case: %d, want the 404 page", path, code)
		}
	}
	other.get("/")
	for _, path := range []string{"/extension", "/grant", "/pin"} {
		if code, _, _ := other.post("/cases/"+tc+path, url.Values{"user": {uHandlerB}, "days": {"3"}}); code != 404 {
			t.Errorf("POST %s on another unit's case: %d, want 404", path, code)
		}
	}
	handler := newPageClientAs(t, c.srv, uHandler)
	if code, _, _ := handler.get("/cases/" + codes["complaint"] + "/grant"); code != 403 {
		t.Errorf("a handler's grant form: %d, want 403", code)
	}
}

// multipartUpload builds an upload form with the token first and a file of n bytes.
func multipartUpload(t *testing.T, csrf string, n int) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if csrf != "-" {
		if err := mw.WriteField("csrf", csrf); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", "don.pdf")
	if err != nil {
		t.Fatal(err)
	}
	body := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), max(0, n-9))...)
	if _, err := fw.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &b, mw.FormDataContentType()
}

// TestPagesFormUpload: an upload into the case goes through the API's own
// reading and claim; over the limit it is the form with a clear message (413);
// without the token, or into another unit's case, nothing is taken.
func TestPagesFormUpload(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	cc := codes["complaint"]
	c := newPageClientAs(t, e.pageServer(), uClerk)
	send := func(cl *pageClient, csrf string, n int) (int, string, *http.Response) {
		b, ctype := multipartUpload(t, csrf, n)
		req, err := http.NewRequest("POST", cl.srv.URL+"/cases/"+cc+"/upload", b)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", ctype)
		return cl.do(req)
	}
	if code, body, _ := c.get("/cases/" + cc + "/upload"); code != 200 || !strings.Contains(body, `enctype="multipart/form-data"`) {
		t.Fatalf("upload form: %d\n%s", code, body)
	}
	token := c.csrf
	code, body, _ := send(c, token, 2<<20)
	if code != 413 || !strings.Contains(fieldError(body, "file"), "Tệp quá lớn") {
		t.Errorf("upload over the limit: %d\n%s", code, body)
	}
	if code, _, _ := send(c, "-", 100); code != 403 {
		t.Errorf("upload without the token: %d, want 403", code)
	}
	if code, _, _ := send(c, "wrong", 100); code != 403 {
		t.Errorf("upload with a wrong token: %d, want 403", code)
	}
	code, body, res := send(c, token, 2000)
	if code != 303 || !strings.Contains(res.Header.Get("Location"), "done=upload") {
		t.Fatalf("upload: %d\n%s", code, body)
	}
	other := newPageClientAs(t, c.srv, uHandlerB)
	other.get("/")
	if code, _, _ := send(other, other.csrf, 100); code != 404 {
		t.Errorf("upload into another unit's case: %d, want 404", code)
	}
}

// TestPagesFormsBadInput: overlong, NFD, control characters, wrong types and
// missing fields on every form: never a 5xx, NFC kept.
func TestPagesFormsBadInput(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	c := newPageClientAs(t, e.pageServer(), uLeader)
	c.get("/")
	nasty := []string{strings.Repeat("Ư", 20000), norm.NFD.String("Khiếu nại đất đai"), "a\x00b\x1b[31m\u202e", "-1", "99999999999999999999", "", "<script>x</script>"}
	fields := []string{"kind", "source", "received_on", "subject", "summary", "content", "petitioner.name", "parties[0].id_number",
		"visitors[0].phone", "group_size", "outcome", "decision_date", "days", "reason", "user", "confirm"}
	paths := []string{"/cases/new", "/petitions/new", "/visits/new", "/cases/" + codes["denunciation"] + "/extension",
		"/cases/" + codes["denunciation"] + "/grant", "/cases/" + codes["other"] + "/grant", "/cases/" + codes["complaint"] + "/pin"}
	for _, path := range paths {
		for _, v := range nasty {
			form := url.Values{}
			for _, f := range fields {
				form.Set(f, v)
			}
			code, body, _ := c.post(path, form)
			if code >= 500 {
				t.Fatalf("POST %s with %.20q: %d\n%s", path, v, code, body)
			}
			if strings.Contains(v, "Khi") && strings.Contains(body, v) {
				t.Errorf("POST %s: the NFD input came back undecomposed", path)
			}
		}
		if code, body, _ := c.post(path, url.Values{}); code >= 500 {
			t.Fatalf("POST %s empty: %d\n%s", path, code, body)
		}
	}
}
