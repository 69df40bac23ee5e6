package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"kntc/cases"
	"kntc/ingest"
)

// TestHomePage: the address the server prints opens a page in Vietnamese that
// says what kntc is and where the API is described, with the security headers.
func TestHomePage(t *testing.T) {
	e := newEnv(t)
	rec := httptest.NewRecorder()
	e.server.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	body := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") ||
		!strings.Contains(body, "khiếu nại, tố cáo") || !strings.Contains(body, "/api/v1/openapi.json") {
		t.Fatalf("GET /: %d %s\n%s", rec.Code, rec.Header().Get("Content-Type"), body)
	}
	if rec.Header().Get("X-Frame-Options") != "DENY" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET / without the security headers: %v", rec.Header())
	}
}

// TestUploadsJoinTheCaseUnit: a file uploaded into a case by someone of another
// unit (a province leader filing for a district) belongs to the case's unit, so
// the case's own staff see it; an unknown case is named in the refusal.
func TestUploadsJoinTheCaseUnit(t *testing.T) {
	e := newEnv(t)
	c, _, err := e.svc.CreateCase(e.ctx, e.actor(uLeaderP), cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost,
		ReceivedOn: date("2026-03-02"), Subject: "Khiếu nại quyết định thu hồi đất", UnitID: e.units["A"].ID})
	if err != nil {
		t.Fatal(err)
	}
	upload := func(code string, want int) []byte {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		_ = mw.WriteField("case", code)
		fw, _ := mw.CreateFormFile("file", "bien-ban.pdf")
		fmt.Fprintf(fw, "%%PDF-1.7 biên bản %s", code)
		mw.Close()
		return e.must(uLeaderP, call{method: "POST", path: "/api/v1/documents", raw: b.Bytes(), contentType: mw.FormDataContentType()}, want)
	}
	up := decode[struct {
		ID string `json:"id"`
	}](t, upload(c.Code, 202))
	d, err := e.db.Document(e.ctx, up.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Processed, the document is linked to its case, in the case's unit.
	if err := e.svc.Finish(e.ctx, &d); err != nil {
		t.Fatal(err)
	}
	if d.UnitCode != "A" || d.CaseCode != c.Code {
		t.Errorf("uploaded by the province into a case of A: unit %q case %q, want A and %s", d.UnitCode, d.CaseCode, c.Code)
	}
	// A split part from the hot folder's root (no unit) joins its case's unit.
	part := d
	part.ID, part.UnitCode, part.SourcePath = "", "", "split:batch"
	part.SHA256 = strings.Repeat("7", 64)
	if err := e.db.CreateDocument(e.ctx, &part); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Finish(e.ctx, &part); err != nil {
		t.Fatal(err)
	}
	if part.UnitCode != "A" {
		t.Errorf("a split part of no unit linked to a case of A: unit %q", part.UnitCode)
	}
	if body := string(upload("KN-2026-009999", 404)); !strings.Contains(body, "KN-2026-009999") {
		t.Errorf("upload to an unknown case: %s, want the code named", body)
	}
}

// TestOfficialActsStayVisible: a denunciation's own official acts that name no
// protected party are not confidential, whether scanned into the opened case's
// folder (marked at arrival by their route, judged again on their text) or under
// its code before it was opened; the letter itself stays confidential.
func TestOfficialActsStayVisible(t *testing.T) {
	e := newEnv(t)
	act := func(code string, kind ingest.Kind, text ...string) string {
		o := ingest.Origin{UnitCode: "A", CaseCode: code, Filename: "scan.pdf", Kind: kind}
		if err := e.svc.VetArrival(e.ctx, &o); err != nil {
			t.Fatal(err)
		}
		d := e.document(docSpec{unit: "A", caseCode: code, kind: kind, confidential: o.Confidential, pages: text, finish: true})
		return d.ID
	}
	early := act("TC-2026-000001", "ket_luan_noi_dung_to_cao", "KẾT LUẬN NỘI DUNG TỐ CÁO\nVề việc tố cáo cán bộ địa chính xã.")
	letter := act("TC-2026-000001", "khac", "ĐƠN TỐ CÁO\nTôi là "+denouncer.Name+".")
	c, _, err := e.svc.CreateCase(e.ctx, e.actor(uLeaderP), cases.NewCase{Kind: cases.KindDenunciation, Source: cases.SourcePost,
		ReceivedOn: date("2026-03-01"), Subject: "Tố cáo cán bộ địa chính xã", UnitID: e.units["A"].ID,
		Parties: []cases.Party{{Role: cases.RolePetitioner, Person: denouncer}}})
	if err != nil || c.Code != "TC-2026-000001" {
		t.Fatalf("open the case: %v %s", err, c.Code)
	}
	later := act(c.Code, "thong_bao_thu_ly_to_cao", "THÔNG BÁO THỤ LÝ TỐ CÁO\nVề việc thụ lý tố cáo.")
	for id, want := range map[string]bool{early: false, later: false, letter: true} {
		d, err := e.db.Document(e.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Confidential != want {
			t.Errorf("%s (%s): confidential %v, want %v", d.ID, d.Kind, d.Confidential, want)
		}
	}
	e.get(uHandler, "/api/v1/documents/"+early, 200)
	e.get(uHandler, "/api/v1/documents/"+letter, 404)
}
