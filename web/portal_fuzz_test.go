package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/text/unicode/norm"

	"kntc/cases"
)

// The portal's public handlers under any input (go test runs the seeds; go
// test -fuzz=FuzzPortal… explores): never a 500, never a citizen's markup back
// unescaped, stored text in NFC. Each request comes from its own address, so
// the per-address limits do not hide the handlers behind 429s.

var fuzzAddr atomic.Uint32

// portalDo sends one request to the portal from a fresh address.
func portalDo(e *env, method, target, ctype string, body []byte) (int, string) {
	req := httptest.NewRequestWithContext(e.ctx, method, target, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	n := fuzzAddr.Add(1)
	req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:4000", byte(n>>16), byte(n>>8), byte(n))
	rec := httptest.NewRecorder()
	e.server.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// unescaped reports a piece of markup from the input that came back as is.
func unescaped(input, page string) string {
	for _, s := range strings.FieldsFunc(input, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if strings.ContainsAny(s, "<>\"'&") && len(s) >= 3 && strings.Contains(page, s) {
			return s
		}
	}
	return ""
}

func FuzzPortalPetition(f *testing.F) {
	f.Add("to_cao", "Nguyễn Văn A", "ấp 1", "Nội dung tố cáo", "1", "don.pdf", "application/pdf", testPDF)
	f.Add("khieu_nai", "<script>alert(1)</script>", "\"><img src=x>", "<b>x</b>", "2", "a.png", "image/png", testPNG(f))
	f.Add("kien_nghi_phan_anh", "Nguye\u0302\u0303n", "x", strings.Repeat("Đ", 12000), "999", "../../etc/passwd", "text/html", []byte("<html>"))
	f.Add("", "", "", "", "", "", "", []byte(nil))
	f.Add("to_cao", "\u202eA", "\x00", "\xff\xfe", "-1", "x.jpg", "image/jpeg", []byte("\xff\xd8\xff\xe0broken"))
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, kind, name, address, content, unit, filename, ctype string, file []byte) {
		fields := url.Values{"kind": {kind}, "name": {name}, "address": {address}, "content": {content}, "unit": {unit}}
		var files []formFile
		if filename != "" || len(file) > 0 {
			files = append(files, formFile{name: strings.ReplaceAll(filename, `"`, ""), ctype: strings.Map(func(r rune) rune {
				if r < ' ' || r == 0x7f {
					return -1
				}
				return r
			}, ctype), body: file})
		}
		mt, body := multipartBody(t, fields, files...)
		code, page := portalDo(e, "POST", "/cong-dan/nop-don", mt, body)
		if code >= 500 {
			t.Fatalf("petition: %d\n%.500s", code, page)
		}
		for _, in := range []string{name, address, content, filename} {
			if s := unescaped(in, page); s != "" {
				t.Fatalf("petition: %q came back unescaped", s)
			}
		}
		// The same bytes as a whole body, however broken.
		if code, page := portalDo(e, "POST", "/cong-dan/nop-don", "multipart/form-data; boundary=x", append([]byte(content), file...)); code >= 500 {
			t.Fatalf("raw petition body: %d\n%.500s", code, page)
		}
	})
}

func FuzzPortalQuestion(f *testing.F) {
	f.Add("dat_dai", "Hỏi về thủ tục?", "a@b.vn", "", "dat dai", "1")
	f.Add("khac", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "2", "<script>", "2")
	f.Add("x", "Nguye\u0302\u0303n ho\u0309i", "\x00", "-1", "\xff", "-9")
	f.Add("", strings.Repeat("a", 70000), "", "99999999999999999999", strings.Repeat("q ", 500), "99999999999")
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, topic, question, contact, unit, query, page string) {
		form := url.Values{"topic": {topic}, "question": {question}, "contact": {contact}, "unit": {unit}}
		code, body := portalDo(e, "POST", "/cong-dan/hoi-dap", "application/x-www-form-urlencoded", []byte(form.Encode()))
		if code >= 500 {
			t.Fatalf("ask: %d\n%.500s", code, body)
		}
		for _, in := range []string{question, contact} {
			if s := unescaped(in, body); s != "" {
				t.Fatalf("ask: %q came back unescaped", s)
			}
		}
		if code == http.StatusSeeOther {
			qs, _, err := e.svc.Questions(e.ctx, cases.System, cases.QuestionFilter{Limit: 1})
			if err != nil || len(qs) == 0 {
				t.Fatalf("the question asked is not stored: %v", err)
			}
			if !norm.NFC.IsNormalString(qs[0].Text) || !norm.NFC.IsNormalString(qs[0].Contact) {
				t.Fatalf("stored question not in NFC: %q", qs[0].Text)
			}
		}
		target := "/cong-dan/hoi-dap?" + url.Values{"q": {query}, "topic": {topic}, "trang": {page}}.Encode()
		code, body = portalDo(e, "GET", target, "", nil)
		if code >= 500 {
			t.Fatalf("search: %d\n%.500s", code, body)
		}
		if s := unescaped(query, body); s != "" {
			t.Fatalf("search: %q came back unescaped", s)
		}
	})
}

func FuzzPortalReceipt(f *testing.F) {
	f.Add("KN-2026-000001", "12345678")
	f.Add("DT-2026-000001", "00000000")
	f.Add("dt-9999-999999999999", "\x00")
	f.Add("<script>", strings.Repeat("9", 100))
	f.Add("DT-2026-"+strings.Repeat("0", 40), "")
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, code, pin string) {
		form := []byte(url.Values{"code": {code}, "pin": {pin}}.Encode())
		for _, path := range []string{"/cong-dan/tra-cuu", "/cong-dan/nop-don/phieu"} {
			status, body := portalDo(e, "POST", path, "application/x-www-form-urlencoded", form)
			if status >= 500 {
				t.Fatalf("%s: %d\n%.500s", path, status, body)
			}
			if s := unescaped(code, body); s != "" {
				t.Fatalf("%s: %q came back unescaped", path, s)
			}
		}
		if status, body := portalDo(e, "GET", "/cong-dan/lich-tiep?"+url.Values{"x": {code}}.Encode(), "", nil); status != 200 {
			t.Fatalf("schedule: %d\n%.300s", status, body)
		}
	})
}
