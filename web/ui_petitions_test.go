package web_test

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kntc/cases"
)

// TestPagesPetitionRegister: the register lists the letters of the user's scope
// with a denunciation's sender sealed; a letter's page shows its documents
// (a denunciation's as protected) and the thụ lý button, which opens the case
// through OpenCaseFromPetition, files the letter's scan into it and shows the
// receipt with the PIN; a second time is 409; a role that cannot open a case
// has no button and gets 403; another unit's user gets the 404 page; no form
// token is 403.
func TestPagesPetitionRegister(t *testing.T) {
	e := newEnv(t)
	scan := e.document(docSpec{unit: "A", confidential: true, pages: []string{"ĐƠN TỐ CÁO gửi qua cổng thông tin"}})
	rc, err := e.svc.SubmitOnline(e.ctx, cases.OnlinePetition{UnitID: e.units["A"].ID, Kind: cases.KindDenunciation,
		Petitioner: denouncer, Subject: "Tố cáo việc thu phí chợ sai quy định", Content: "Thu cao hơn mức niêm yết.", Documents: []string{scan.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RegisterPetition(e.ctx, e.actor(uClerk), cases.Petition{Source: cases.SourcePost, Kind: cases.KindComplaint,
		Petitioner: cases.Person{Name: "Nguyễn Văn Gửi Thư"}, Subject: "Khiếu nại việc cấp giấy phép xây dựng"}); err != nil {
		t.Fatal(err)
	}
	den := "/petitions/" + strconv.FormatInt(rc.PetitionID, 10)

	c := newPageClientAs(t, e.pageServer(), uClerk)
	code, body, _ := c.get("/")
	if !strings.Contains(body, `href="/petitions"`) {
		t.Errorf("the menu has no register: %d", code)
	}
	code, body, _ = c.get("/petitions")
	if code != 200 || !strings.Contains(body, "Tố cáo việc thu phí chợ") || !strings.Contains(body, "Nguyễn Văn Gửi Thư") ||
		!strings.Contains(body, "Được bảo mật") || !strings.Contains(body, `href="`+den+`"`) || !strings.Contains(body, "2 đơn") {
		t.Fatalf("the register: %d\n%s", code, body)
	}
	if s := secretIn(body); s != "" {
		t.Errorf("the register shows %q of the denouncer", s)
	}
	if code, body, _ = c.get("/petitions?unhandled=1&page=x"); code != 200 || !strings.Contains(body, "2 đơn") {
		t.Errorf("the unhandled letters: %d", code)
	}
	code, body, _ = c.get(den)
	// The scan: listed, or counted as protected (as the pipeline judged it).
	if code != 200 || !strings.Contains(body, `id="open-case"`) || !(strings.Contains(body, "1 tài liệu được bảo mật") || strings.Contains(body, `data-id="`+scan.ID+`"`)) ||
		!strings.Contains(body, rc.Code) || !strings.Contains(body, "Trực tuyến") {
		t.Fatalf("the letter's page: %d\n%s", code, body)
	}
	if s := secretIn(body); s != "" {
		t.Errorf("the letter's page shows %q of the denouncer", s)
	}
	for _, p := range []string{"/petitions/0", "/petitions/x", "/petitions/99999", "/petitions/-1"} {
		if code, _, _ := c.get(p); code != 404 {
			t.Errorf("GET %s: %d, want 404", p, code)
		}
	}

	// Another unit's user: the 404 page; an inspector: no button, 403.
	if code, _, _ := newPageClientAs(t, e.pageServer(), uHandlerB).get(den); code != 404 {
		t.Errorf("another unit's letter: %d, want 404", code)
	}
	insp := newPageClientAs(t, e.pageServer(), uInspector)
	if code, body, _ := insp.get(den); code != 200 || strings.Contains(body, `id="open-case"`) {
		t.Errorf("the inspector's view of the letter: %d, button shown: %t", code, strings.Contains(body, `id="open-case"`))
	}
	if code, _, _ := insp.post(den+"/case", url.Values{}); code != 403 {
		t.Errorf("an inspector accepts a letter: %d, want 403", code)
	}

	if code, _, _ := c.post(den+"/case", url.Values{"csrf": {""}}); code != 403 {
		t.Errorf("accept without the form token: %d, want 403", code)
	}
	c.get(den)
	code, body, _ = c.post(den+"/case", url.Values{})
	pin := regexp.MustCompile(`id="pin">([^<]+)<`).FindStringSubmatch(body)
	caseCode := regexp.MustCompile(`href="/cases/([A-Z]{2}-[0-9]{4}-[0-9]+)"`).FindStringSubmatch(body)
	if code != 200 || pin == nil || caseCode == nil {
		t.Fatalf("accept the letter: %d\n%s", code, body)
	}
	d, err := e.db.Document(e.ctx, scan.ID)
	if err != nil || d.CaseCode != caseCode[1] {
		t.Errorf("the letter's scan after the case opened: in case %q (%v), want %s", d.CaseCode, err, caseCode[1])
	}
	code, body, _ = c.get(den)
	if code != 200 || strings.Contains(body, `id="open-case"`) || !strings.Contains(body, `href="/cases/`+caseCode[1]+`"`) {
		t.Errorf("the letter's page after: %d\n%s", code, body)
	}
	if code, _, _ := c.post(den+"/case", url.Values{}); code != 409 {
		t.Errorf("accept twice: %d, want 409", code)
	}
}
