package web_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kntc/cases"
	"kntc/ingest"
)

// testPDF is a small file that is a PDF by its bytes.
var testPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// testPNG is a 2×2 PNG.
func testPNG(t testing.TB) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// formFile is one file of a multipart form.
type formFile struct {
	name, ctype string
	body        []byte
}

// multipartBody builds a petition form.
func multipartBody(t testing.TB, fields url.Values, files ...formFile) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="files"; filename="%s"`, f.name))
		if f.ctype != "" {
			h.Set("Content-Type", f.ctype)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(f.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), b.Bytes()
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// portalSend posts a body to the portal as a browser on the site would, and
// checks what every portal answer must hold: no protected identity, no missing
// message, no script.
func portalSend(t *testing.T, method, u, ctype string, body []byte) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	if res.Header.Get("Content-Type") != "application/pdf" {
		if s := secretIn(text); s != "" {
			t.Errorf("%s %s: the answer holds %q", method, u, s)
		}
		if strings.Contains(text, "⟦") {
			t.Errorf("%s %s: a message key is missing: %s", method, u, text[strings.Index(text, "⟦"):][:60])
		}
		if strings.Contains(text, "<script") {
			t.Errorf("%s %s: a script in the page", method, u)
		}
	}
	return res.StatusCode, text, res.Header
}

// petitionFields is a filled petition form.
func petitionFields(e *env, kind cases.Kind, who cases.Person, content string) url.Values {
	return url.Values{"kind": {string(kind)}, "unit": {strconv.FormatInt(e.units["A"].ID, 10)}, "name": {who.Name},
		"address": {who.Address}, "phone": {who.Phone}, "id_number": {who.IDNumber}, "content": {content}}
}

var receiptRe = regexp.MustCompile(`<dd class="code">(DT-2026-[0-9]{6})</dd>\s*<dt>[^<]*</dt><dd class="code">([0-9]{8})</dd>`)

// submitPetition sends a petition and returns its code and PIN from the receipt.
func submitPetition(t *testing.T, srv string, fields url.Values, files ...formFile) (string, string, string) {
	t.Helper()
	ctype, body := multipartBody(t, fields, files...)
	code, page, h := portalSend(t, "POST", srv+"/cong-dan/nop-don", ctype, body)
	if code != 200 || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("petition: %d %v\n%s", code, h, page)
	}
	m := receiptRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no code and PIN on the receipt:\n%s", page)
	}
	return m[1], m[2], page
}

// TestPortalPetition: a denunciation sent online with a scan enters the register
// (source truc_tuyen) through the staff's service with its sender sealed and its
// scan confidential in the pipeline; the receipt gives a code and PIN that the
// lookup takes and a PDF receipt; an anonymous denunciation is information;
// files that are not what they say, a missing name and the hidden field are
// refused without a 500 and without taking anything in.
func TestPortalPetition(t *testing.T) {
	e := newEnv(t)
	srv := e.pageServer().URL

	code, page, _ := portalSend(t, "GET", srv+"/cong-dan/nop-don", "", nil)
	if code != 200 || !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, `name="website"`) {
		t.Fatalf("form: %d\n%s", code, page)
	}

	// A denunciation with a scan.
	dcode, dpin, receipt := submitPetition(t, srv, petitionFields(e, cases.KindDenunciation, denouncer, "Tố cáo cán bộ địa chính xã nhận tiền khi cấp sổ đỏ.\nChi tiết kèm theo."),
		formFile{name: "don-to-cao.pdf", ctype: "application/pdf", body: testPDF}, formFile{name: "anh.png", body: testPNG(t)})
	for _, want := range []string{"Đã tiếp nhận đơn", "Tố cáo", "UBND huyện A", "07 ngày làm việc", "giữ bí mật", `action="/cong-dan/nop-don/phieu"`} {
		if !strings.Contains(receipt, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
	list, _, err := e.svc.Petitions(e.ctx, e.actor(uClerk), cases.PetitionFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("register: %v %+v", err, list)
	}
	p := list[0]
	if p.Source != cases.SourceOnline || p.Kind != cases.KindDenunciation || !p.Secret || !p.Redacted || p.Petitioner != (cases.Person{}) ||
		p.DocumentID == "" || !strings.HasPrefix(p.Subject, "Tố cáo cán bộ địa chính") {
		t.Errorf("registered petition: %+v", p)
	}
	raw, err := e.db.Petition(e.ctx, p.ID)
	if err != nil || raw.Petitioner.Name != "" || raw.Sealed == "" {
		t.Errorf("the stored sender is not sealed: %+v %v", raw.Petitioner, err)
	}
	online, err := e.db.OnlinePetition(e.ctx, p.ID)
	if err != nil || online.Code != dcode || len(online.Documents) != 2 || online.Documents[0] != p.DocumentID || online.Anonymous {
		t.Fatalf("online record: %+v %v", online, err)
	}
	for _, id := range online.Documents {
		d, err := e.db.Document(e.ctx, id)
		if err != nil || !d.Confidential || d.UnitCode != "A" || secretIn(d.Filename) != "" || !strings.HasPrefix(d.Filename, "don-truc-tuyen-") {
			t.Errorf("attachment %s: %+v %v", id, d, err)
		}
	}
	st, body := e.do(uClerk, call{method: "GET", path: fmt.Sprintf("/api/v1/petitions/%d/online", p.ID)})
	if st != 200 || !strings.Contains(string(body), dcode) || !strings.Contains(string(body), `"anonymous":false`) {
		t.Errorf("online API: %d %s", st, body)
	}

	// The code and PIN look it up; a wrong PIN is the lookup's one answer.
	code, page, _ = portalSend(t, "POST", srv+"/cong-dan/tra-cuu", "application/x-www-form-urlencoded",
		[]byte(url.Values{"code": {strings.ToLower(dcode)}, "pin": {dpin}}.Encode()))
	if code != 200 || !strings.Contains(page, "Hồ sơ "+dcode) || !strings.Contains(page, "Đơn đã được tiếp nhận và đang chờ phân loại.") {
		t.Errorf("lookup by the online code: %d\n%s", code, page)
	}
	code, _, _ = portalSend(t, "POST", srv+"/cong-dan/tra-cuu", "application/x-www-form-urlencoded",
		[]byte(url.Values{"code": {dcode}, "pin": {"00000000"}}.Encode()))
	if code != 404 {
		t.Errorf("wrong PIN: %d", code)
	}
	// The printable receipt.
	code, pdf, h := portalSend(t, "POST", srv+"/cong-dan/nop-don/phieu", "application/x-www-form-urlencoded",
		[]byte(url.Values{"code": {dcode}, "pin": {dpin}}.Encode()))
	if code != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") || secretIn(pdf) != "" {
		t.Errorf("receipt PDF: %d %v", code, h)
	}
	code, _, _ = portalSend(t, "POST", srv+"/cong-dan/nop-don/phieu", "application/x-www-form-urlencoded",
		[]byte(url.Values{"code": {dcode}, "pin": {"12345678"}}.Encode()))
	if code != 404 {
		t.Errorf("receipt PDF with a wrong PIN: %d", code)
	}

	// A case opened from it: the online code shows the case.
	c, _, _, err := e.svc.OpenCaseFromPetition(e.ctx, e.actor(uLeader), p.ID, cases.NewCase{})
	if err != nil {
		t.Fatal(err)
	}
	code, page, _ = portalSend(t, "POST", srv+"/cong-dan/tra-cuu", "application/x-www-form-urlencoded",
		[]byte(url.Values{"code": {dcode}, "pin": {dpin}}.Encode()))
	if code != 200 || !strings.Contains(page, "Hồ sơ "+c.Code) {
		t.Errorf("lookup after the case opened: %d\n%s", code, page)
	}

	// An anonymous denunciation: information, flagged.
	anon := petitionFields(e, cases.KindDenunciation, cases.Person{Name: "bỏ qua"}, "Phản ánh việc khai thác cát trái phép ở bến đò.")
	anon.Set("anonymous", "1")
	acode, apin, receipt := submitPetition(t, srv, anon)
	if !strings.Contains(receipt, "thông tin tố cáo") || !strings.Contains(receipt, "Điều 25") {
		t.Errorf("anonymous receipt:\n%s", receipt)
	}
	ao, err := e.db.OnlinePetitionByCode(e.ctx, acode)
	if err != nil || !ao.Anonymous {
		t.Fatalf("anonymous record: %+v %v", ao, err)
	}
	ap, err := e.db.Petition(e.ctx, ao.PetitionID)
	if err != nil || ap.Admissibility != cases.Inadmissible || ap.Source != cases.SourceOnline || !ap.Secret {
		t.Errorf("anonymous petition: %+v %v", ap, err)
	}
	code, page, _ = portalSend(t, "POST", srv+"/cong-dan/tra-cuu", "application/x-www-form-urlencoded",
		[]byte(url.Values{"code": {acode}, "pin": {apin}}.Encode()))
	if code != 200 || !strings.Contains(page, "được tiếp nhận như thông tin tố cáo") {
		t.Errorf("anonymous lookup: %d\n%s", code, page)
	}

	// Refusals: nothing is registered or taken in, the form comes back with
	// what was typed and a message next to the field.
	docsBefore, _, err := e.db.Documents(e.ctx, ingest.DocumentFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	complaint := petitionFields(e, cases.KindComplaint, cases.Person{Name: "Trần Văn Bình", Address: "thôn 3, xã Hòa Bình"}, "Khiếu nại quyết định thu hồi đất <b>số 12</b>")
	for _, tc := range []struct {
		name   string
		fields url.Values
		files  []formFile
		status int
		want   string
	}{
		{"png named pdf", complaint, []formFile{{name: "don.pdf", ctype: "application/pdf", body: testPNG(t)}}, 422, "không đúng như tên tệp ghi"},
		{"pdf declared as jpeg", complaint, []formFile{{name: "scan", ctype: "image/jpeg", body: testPDF}}, 422, "không đúng như tên tệp ghi"},
		{"program", complaint, []formFile{{name: "don.exe", body: []byte("MZ\x90\x00 this is a program")}}, 422, "không phải tệp PDF, JPEG hoặc PNG"},
		{"text as pdf", complaint, []formFile{{name: "don.pdf", body: []byte("hello")}}, 422, "không phải tệp PDF, JPEG hoặc PNG"},
		{"broken png", complaint, []formFile{{name: "a.png", body: []byte("\x89PNG\r\n\x1a\nbroken")}}, 422, "bị hỏng"},
		{"truncated pdf", complaint, []formFile{{name: "a.pdf", body: []byte("%PDF-1.4\n1 0 obj")}}, 422, "bị hỏng"},
		{"too many", complaint, []formFile{{name: "1.pdf", body: testPDF}, {name: "2.pdf", body: testPDF}, {name: "3.pdf", body: testPDF},
			{name: "4.pdf", body: testPDF}, {name: "5.pdf", body: testPDF}, {name: "6.pdf", body: testPDF}}, 422, "tối đa 5 tệp"},
		{"no name", petitionFields(e, cases.KindComplaint, cases.Person{Address: "x"}, "Nội dung"), nil, 422, "Họ và tên bắt buộc"},
		{"anonymous complaint", func() url.Values {
			v := petitionFields(e, cases.KindComplaint, cases.Person{}, "Nội dung")
			v.Set("anonymous", "1")
			return v
		}(), nil, 422, "Chỉ đơn tố cáo"},
		{"no kind", url.Values{"content": {"x"}}, nil, 422, "Hãy chọn loại đơn"},
		{"honeypot", func() url.Values {
			v := url.Values{}
			for k, vs := range complaint {
				v[k] = vs
			}
			v.Set("website", "http://spam.example")
			return v
		}(), nil, 422, "Không đọc được biểu mẫu"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctype, body := multipartBody(t, tc.fields, tc.files...)
			code, page, _ := portalSend(t, "POST", srv+"/cong-dan/nop-don", ctype, body)
			if code != tc.status || !strings.Contains(page, tc.want) {
				t.Errorf("%d, want %d with %q:\n%s", code, tc.status, tc.want, page)
			}
			if strings.Contains(page, "<b>số 12</b>") {
				t.Errorf("the content came back unescaped")
			}
		})
	}
	if code, _, _ := portalSend(t, "POST", srv+"/cong-dan/nop-don", "application/x-www-form-urlencoded", []byte("kind=to_cao")); code != 422 {
		t.Errorf("a form that is not multipart: %d", code)
	}
	docsAfter, _, err := e.db.Documents(e.ctx, ingest.DocumentFilter{Limit: 100})
	if err != nil || len(docsAfter) != len(docsBefore) {
		t.Errorf("refused forms took in documents: %d → %d %v", len(docsBefore), len(docsAfter), err)
	}
	if list, _, _ := e.svc.Petitions(e.ctx, e.actor(uClerk), cases.PetitionFilter{}); len(list) != 2 {
		t.Errorf("refused forms registered petitions: %d", len(list))
	}
	// Each petition is in the audit trail as the citizen's.
	entries, err := e.db.AuditEntries(e.ctx, cases.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, en := range entries {
		if en.Action == cases.ActionPortalPetition && en.Username == "cong_dan" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d portal_petition entries, want 2", n)
	}
	if s := secretIn(e.logs.String()); s != "" {
		t.Errorf("the log holds %q", s)
	}
}

// TestPortalPetitionLimit: an address that sent its share gets 429 with
// Retry-After and a Vietnamese message.
func TestPortalPetitionLimit(t *testing.T) {
	e := newEnv(t)
	srv := e.pageServer().URL
	fields := petitionFields(e, cases.KindPetition, cases.Person{Name: "Lê Văn Tư", Address: "xã Tân Bình"}, "Kiến nghị sửa đường liên xã.")
	for range 10 {
		submitPetition(t, srv, fields)
	}
	ctype, body := multipartBody(t, fields)
	code, page, h := portalSend(t, "POST", srv+"/cong-dan/nop-don", ctype, body)
	if code != 429 || h.Get("Retry-After") == "" || !strings.Contains(page, "Vui lòng thử lại sau khoảng") {
		t.Errorf("11th petition: %d %v\n%s", code, h, page)
	}
}

// TestPortalQuestions: a citizen's question reaches the staff with its contact;
// once answered and made public it is listed and found with or without
// diacritics, escaped, without the contact; unanswered and private ones are not
// listed; every step is in the audit trail.
func TestPortalQuestions(t *testing.T) {
	e := newEnv(t)
	srv := e.pageServer().URL
	ask := func(topic, question, contact string, unit int64) (int, string, http.Header) {
		v := url.Values{"topic": {topic}, "question": {question}, "contact": {contact}}
		if unit != 0 {
			v.Set("unit", strconv.FormatInt(unit, 10))
		}
		return portalSend(t, "POST", srv+"/cong-dan/hoi-dap", "application/x-www-form-urlencoded", []byte(v.Encode()))
	}
	code, _, h := ask("dat_dai", "Thủ tục khiếu nại quyết định thu hồi đất <script>alert(1)</script> thế nào?", "hoi.dap@example.vn", e.units["A"].ID)
	if code != 303 || h.Get("Location") != "/cong-dan/hoi-dap?da-gui=1#gui-cau-hoi" {
		t.Fatalf("ask: %d %v", code, h)
	}
	if code, _, _ := ask("boi_thuong", "Tiền bồi thường được trả khi nào?", "0988111222", e.units["B"].ID); code != 303 {
		t.Fatalf("second question: %d", code)
	}
	if code, page, _ := ask("", strings.Repeat("x", 5000), "", 0); code != 422 || !strings.Contains(page, "lĩnh vực") || !strings.Contains(page, "4000") {
		t.Errorf("bad question: %d\n%s", code, page)
	}

	// The staff of A see A's question (with its contact), not B's.
	st, body := e.do(uClerk, call{method: "GET", path: "/api/v1/questions?unanswered=1"})
	list := decode[struct {
		Total     int `json:"total"`
		Questions []struct {
			ID      int64  `json:"id"`
			Contact string `json:"contact"`
		} `json:"questions"`
	}](t, body)
	if st != 200 || list.Total != 1 || list.Questions[0].Contact != "hoi.dap@example.vn" {
		t.Fatalf("staff list: %d %s", st, body)
	}
	id := list.Questions[0].ID
	if code, page, _ := portalSend(t, "GET", srv+"/cong-dan/hoi-dap", "", nil); code != 200 || strings.Contains(page, "thu hồi đất") {
		t.Errorf("an unanswered question is listed: %d", code)
	}
	// Answered privately: still not listed; then public.
	e.must(uClerk, call{method: "PUT", path: fmt.Sprintf("/api/v1/questions/%d/answer", id), body: map[string]any{"answer": "Trả lời riêng."}}, 200)
	if _, page, _ := portalSend(t, "GET", srv+"/cong-dan/hoi-dap", "", nil); strings.Contains(page, "thu hồi đất") {
		t.Errorf("a private answer is listed")
	}
	e.must(uInspector, call{method: "PUT", path: fmt.Sprintf("/api/v1/questions/%d/answer", id), body: map[string]any{"answer": "x", "public": true}}, 403)
	e.must(uHandlerB, call{method: "PUT", path: fmt.Sprintf("/api/v1/questions/%d/answer", id), body: map[string]any{"answer": "x", "public": true}}, 403)
	e.must(uClerk, call{method: "PUT", path: fmt.Sprintf("/api/v1/questions/%d/answer", id),
		body: map[string]any{"answer": "Công dân gửi đơn khiếu nại trong 90 ngày kể từ ngày nhận quyết định.", "public": true}}, 200)

	for _, q := range []string{"", "thu hồi đất", "thu hoi dat", "THU HOI", "90 ngay", "khieu nai"} {
		code, page, h := portalSend(t, "GET", srv+"/cong-dan/hoi-dap?q="+url.QueryEscape(q), "", nil)
		if code != 200 || !strings.Contains(page, "Công dân gửi đơn khiếu nại trong 90 ngày") || h.Get("Cache-Control") != "public, max-age=60" {
			t.Errorf("search %q: %d %v", q, code, h)
		}
		if strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("search %q: the question is not escaped", q)
		}
		if strings.Contains(page, "hoi.dap@example.vn") || strings.Contains(page, "0988111222") || strings.Contains(page, "Tiền bồi thường") {
			t.Errorf("search %q: a contact or an unanswered question is shown", q)
		}
	}
	if code, _, _ := portalSend(t, "GET", srv+"/cong-dan/hoi-dap?topic=%00&q=%ff%fe&trang=-5", "", nil); code != 200 {
		t.Errorf("a malformed search: %d", code)
	}
	for _, q := range []string{"?q=" + url.QueryEscape("bồi thường xyz"), "?topic=boi_thuong"} {
		code, page, _ := portalSend(t, "GET", srv+"/cong-dan/hoi-dap"+q, "", nil)
		if code != 200 || strings.Contains(page, "90 ngày") {
			t.Errorf("search %s: %d, finds what it should not", q, code)
		}
	}
	entries, err := e.db.AuditEntries(e.ctx, cases.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	asks, answers := 0, 0
	for _, en := range entries {
		switch en.Action {
		case cases.ActionQuestionAsk:
			asks++
		case cases.ActionQuestionAnswer:
			answers++
		}
	}
	if asks != 2 || answers != 2 {
		t.Errorf("audit: %d asks, %d answers", asks, answers)
	}
}

// TestPortalSchedule: staff keep their unit's schedule through the API
// (audited, checked, their units only); the portal shows it with the coming
// days, working days only for the weekly ones.
func TestPortalSchedule(t *testing.T) {
	e := newEnv(t)
	srv := e.pageServer().URL
	if code, page, _ := portalSend(t, "GET", srv+"/cong-dan/lich-tiep", "", nil); code != 200 || !strings.Contains(page, "Chưa có lịch tiếp công dân") {
		t.Fatalf("empty schedule: %d\n%s", code, page)
	}
	regular := e.must(uClerk, call{method: "POST", path: "/api/v1/reception-days", body: map[string]any{
		"kind": "thuong_xuyen", "weekdays": []int{3, 1}, "hours": "07:30 – 11:00", "place": "Trụ sở tiếp công dân huyện A"}}, 201)
	rd := decode[struct {
		ID       int64  `json:"id"`
		Weekdays []int  `json:"weekdays"`
		Days     string `json:"days"`
	}](t, regular)
	if rd.Days != "Thứ Hai, Thứ Tư hằng tuần" || len(rd.Weekdays) != 2 || rd.Weekdays[0] != 1 {
		t.Errorf("regular entry: %s", regular)
	}
	e.must(uLeader, call{method: "POST", path: "/api/v1/reception-days", body: map[string]any{
		"kind": "lanh_dao", "leader": "Ông Nguyễn Văn An, Chủ tịch UBND huyện <i>A</i>", "month_day": 15, "hours": "Cả ngày", "place": "Phòng tiếp công dân"}}, 201)
	e.must(uClerk, call{method: "POST", path: "/api/v1/reception-days", body: map[string]any{"kind": "lanh_dao", "hours": "x", "place": "y", "month_day": 40, "weekdays": []int{1}}}, 422)
	e.must(uClerk, call{method: "POST", path: "/api/v1/reception-days", body: map[string]any{"kind": "thuong_xuyen", "unit_id": e.units["B"].ID,
		"weekdays": []int{2}, "hours": "x", "place": "y"}}, 404)
	e.must(uHandler, call{method: "POST", path: "/api/v1/reception-days", body: map[string]any{"kind": "thuong_xuyen", "weekdays": []int{2}, "hours": "x", "place": "y"}}, 403)
	e.must(uHandlerB, call{method: "DELETE", path: fmt.Sprintf("/api/v1/reception-days/%d", rd.ID)}, 403)

	code, page, h := portalSend(t, "GET", srv+"/cong-dan/lich-tiep", "", nil)
	// testNow is Tuesday 10 March 2026: the coming Mondays and Wednesdays; the 15th
	// is a Sunday in March (not a working day) and 15 April is beyond the window.
	for _, want := range []string{"UBND huyện A", "Thứ Hai, Thứ Tư hằng tuần", "07:30 – 11:00", "Thứ Tư 11/03/2026", "Thứ Hai 16/03/2026",
		"Ngày 15 hằng tháng", "Không có trong thời gian tới", "Chủ tịch UBND huyện &lt;i&gt;A&lt;/i&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("schedule lacks %q", want)
		}
	}
	if code != 200 || strings.Contains(page, "15/03/2026") || strings.Contains(page, "UBND huyện B") || h.Get("Cache-Control") != "public, max-age=300" {
		t.Errorf("schedule: %d %v\n%s", code, h, page)
	}
	e.must(uClerk, call{method: "DELETE", path: fmt.Sprintf("/api/v1/reception-days/%d", rd.ID)}, 204)
	if _, page, _ := portalSend(t, "GET", srv+"/cong-dan/lich-tiep", "", nil); strings.Contains(page, "Thứ Hai, Thứ Tư hằng tuần") {
		t.Errorf("a deleted entry is shown")
	}
	entries, err := e.db.AuditEntries(e.ctx, cases.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, en := range entries {
		if en.Action == cases.ActionScheduleUpdate || en.Action == cases.ActionScheduleDelete {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d schedule audit entries, want 3", n)
	}
}

// TestPortalStaffPages: a clerk answers a question and keeps the schedule from
// the staff pages (form token, 303 back), which the portal then shows.
func TestPortalStaffPages(t *testing.T) {
	e := newEnv(t)
	srv := e.pageServer()
	if _, err := e.svc.Ask(e.ctx, cases.Question{Topic: cases.TopicLand, Text: "Hỏi về cấp sổ đỏ lần đầu?", Contact: "0901000111"}); err != nil {
		t.Fatal(err)
	}
	c := newPageClient(t, srv)
	c.login(uClerk)
	code, page, _ := c.get("/questions")
	if code != 200 || !strings.Contains(page, "Hỏi về cấp sổ đỏ lần đầu?") || !strings.Contains(page, "0901000111") {
		t.Fatalf("questions page: %d\n%s", code, page)
	}
	qs, _, err := e.svc.Questions(e.ctx, e.actor(uClerk), cases.QuestionFilter{})
	if err != nil || len(qs) != 1 {
		t.Fatal(qs, err)
	}
	code, _, res := c.post(fmt.Sprintf("/questions/%d/answer", qs[0].ID), url.Values{"answer": {"Nộp hồ sơ tại bộ phận một cửa."}, "public": {"1"}})
	if code != 303 || res.Header.Get("Location") != "/questions?done=1" {
		t.Fatalf("answer: %d %v", code, res.Header)
	}
	if code, page, _ := portalSend(t, "GET", srv.URL+"/cong-dan/hoi-dap?q=so+do", "", nil); code != 200 || !strings.Contains(page, "Nộp hồ sơ tại bộ phận một cửa.") {
		t.Errorf("portal after the answer: %d", code)
	}
	c.get("/schedule/new")
	code, _, res = c.post("/schedule/new", url.Values{"unit_id": {strconv.FormatInt(e.units["A"].ID, 10)}, "kind": {"thuong_xuyen"},
		"weekday1": {"4"}, "hours": {"13:30 – 17:00"}, "place": {"Phòng tiếp dân"}})
	if code != 303 || res.Header.Get("Location") != "/schedule?done=saved" {
		t.Fatalf("schedule form: %d %v", code, res.Header)
	}
	if code, page, _ := c.get("/schedule"); code != 200 || !strings.Contains(page, "Thứ Năm hằng tuần") {
		t.Errorf("schedule page: %d\n%s", code, page)
	}
	c.get("/schedule/new")
	code, page, _ = c.post("/schedule/new", url.Values{"unit_id": {strconv.FormatInt(e.units["A"].ID, 10)}, "kind": {"lanh_dao"}, "hours": {"x"}, "place": {"y"}})
	if code != 422 || !strings.Contains(page, "lãnh đạo tiếp") {
		t.Errorf("a leader's day without leader nor days: %d", code)
	}
	if code, page, _ := portalSend(t, "GET", srv.URL+"/cong-dan/lich-tiep", "", nil); code != 200 || !strings.Contains(page, "Thứ Năm hằng tuần") {
		t.Errorf("portal schedule: %d", code)
	}
}
