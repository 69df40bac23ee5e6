package web_test

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/viet"
)

// TestQuarantinedLetterNeverNamesItsSender: a denunciation's letter is named
// after its sender, as scanners' users name files, and is confidential from its
// arrival; it fails (a broken PDF) and goes to quarantine. The ingestion monitor
// the administrator sees (who sees no case content), the audit entries of the
// retry and the discard, read by the inspector, and the log lines never hold
// the name: the quarantine keeps such a file under its document ID. A file that
// is not confidential keeps its name, for the clerk who scanned it.
func TestQuarantinedLetterNeverNamesItsSender(t *testing.T) {
	e := newEnv(t)
	srv := e.pageServer()
	put := func(name string, confidential bool) ingest.Document {
		t.Helper()
		src := filepath.Join(t.TempDir(), "scan.pdf")
		if err := os.WriteFile(src, []byte("%PDF-1.4 broken"), 0o600); err != nil {
			t.Fatal(err)
		}
		d := ingest.Document{Status: ingest.StatusQuarantined, SHA256: strings.Repeat("cd", 32), Filename: name, UnitCode: "A",
			Confidential: confidential, Error: "Tệp PDF bị hỏng (broken PDF)"}
		if err := e.db.CreateDocument(e.ctx, &d); err != nil {
			t.Fatal(err)
		}
		if _, err := e.quarantine.Put(d, src, errors.New("Tệp PDF bị hỏng (broken PDF)")); err != nil {
			t.Fatal(err)
		}
		return d
	}
	retried := put("Đơn tố cáo của "+denouncer.Name+".pdf", true)
	discarded := put("To cao - "+viet.FoldKey(denouncer.Name)+" - CCCD "+denouncer.IDNumber+".pdf", true)
	plain := put("don-khieu-nai-ap-long-yen.pdf", false)

	files, _, err := e.quarantine.List(0)
	if err != nil || len(files) != 3 {
		t.Fatalf("quarantine: %v, %v", files, err)
	}
	nameOf := map[string]string{}
	for _, f := range files {
		nameOf[f.DocumentID] = f.Name
	}
	if !strings.HasSuffix(nameOf[plain.ID], "/don-khieu-nai-ap-long-yen.pdf") {
		t.Errorf("a file that names nobody lost its name in quarantine: %q", nameOf[plain.ID])
	}

	c := newPageClientAs(t, srv, uAdmin)
	code, body, _ := c.get("/admin/ingest")
	if code != 200 || !strings.Contains(body, "don-khieu-nai-ap-long-yen.pdf") {
		t.Fatalf("ingestion monitor: %d, without its quarantined files", code)
	}
	if piece := secretIn(body); piece != "" {
		t.Errorf("the ingestion monitor shows the administrator %q of the denouncer", piece)
	}
	if !strings.Contains(body, retried.ID) {
		t.Errorf("the confidential letter is not listed by its document ID")
	}
	if code, _, _ := c.post("/admin/ingest/retry", url.Values{"name": {nameOf[retried.ID]}}); code != 303 {
		t.Fatalf("retry: %d", code)
	}
	if code, _, _ := c.post("/admin/ingest/discard", url.Values{"name": {nameOf[discarded.ID]}}); code != 303 {
		t.Fatalf("discard: %d", code)
	}
	// The audit trail as the inspectorate reads it (entries of no unit go to a
	// scope of the whole tree): read from the store.
	acts := 0
	for _, en := range e.auditOf(e.users[uAdmin].ID) {
		if !strings.HasPrefix(en.Object, "quarantine:") {
			continue
		}
		acts++
		if piece := secretIn(en.Object + " " + en.Detail); piece != "" {
			t.Errorf("the audit entry %s %s shows %q of the denouncer", en.Action, en.Object, piece)
		}
	}
	if acts != 2 {
		t.Errorf("%d audit entries of the quarantine, want the retry and the discard", acts)
	}
	for _, line := range strings.Split(e.logs.String(), "\n") {
		if piece := secretIn(line); piece != "" {
			t.Errorf("a log line shows %q of the denouncer: %s", piece, line)
		}
	}
	if !strings.Contains(e.logs.String(), "quarantined file retried") {
		t.Error("no log line of the retry: the check above proves nothing")
	}
}

// TestOnlineDenunciationContentNeverNamesItsSender: a denunciation sent through
// the portal is typed by its sender, who starts, as Vietnamese letters do, with
// who they are. The sender is sealed, and so must their identity be in what
// they typed: the letter's subject (its first line) and content, which every
// reader of the petition register reads, and the case opened from it, whose
// subject and summary are the letter's. What is denounced stays readable.
func TestOnlineDenunciationContentNeverNamesItsSender(t *testing.T) {
	e := newEnv(t)
	srv := e.pageServer()
	content := "Tôi tên là " + denouncer.Name + ", CCCD số " + denouncer.IDNumber + ", điện thoại " + denouncer.Phone +
		", trú tại " + denouncer.Address + ", tố cáo cán bộ địa chính xã thu tiền sai quy định.\n" +
		"Ngày 02/3/2026 ông Trần Văn Bê nhận 5 triệu đồng khi làm thủ tục cho gia đình tôi."
	rc, err := e.svc.SubmitOnline(e.ctx, cases.OnlinePetition{UnitID: e.units["A"].ID, Kind: cases.KindDenunciation,
		Petitioner: denouncer, Content: content})
	if err != nil {
		t.Fatal(err)
	}
	c, _, _, err := e.svc.OpenCaseFromPetition(e.ctx, e.actor(uLeader), rc.PetitionID, cases.NewCase{})
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/api/v1/petitions?limit=1000", fmt.Sprintf("/api/v1/petitions/%d", rc.PetitionID),
		"/api/v1/cases/" + c.Code, "/api/v1/cases?limit=1000", "/api/v1/cases/" + c.Code + "/events"}
	for _, user := range []string{uClerk, uHandler, uLeader, uInspector} {
		for _, path := range paths {
			if piece := secretIn(string(e.get(user, path, 200))); piece != "" {
				t.Errorf("GET %s as %s shows %q of the denouncer", path, user, piece)
			}
		}
	}
	clerk := newPageClientAs(t, srv, uClerk)
	for _, path := range []string{"/petitions", fmt.Sprintf("/petitions/%d", rc.PetitionID), "/cases/" + c.Code, "/cases"} {
		code, body, _ := clerk.get(path)
		if code != 200 {
			t.Errorf("GET %s: %d", path, code)
		}
		if piece := secretIn(body); piece != "" {
			t.Errorf("the page %s shows the clerk %q of the denouncer", path, piece)
		}
	}
	p, err := e.svc.PetitionListed(e.ctx, e.actor(uClerk), rc.PetitionID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Content, "ông Trần Văn Bê nhận 5 triệu đồng") || !strings.Contains(p.Content, "tố cáo cán bộ địa chính xã") {
		t.Errorf("what is denounced was masked too: %q", p.Content)
	}
	// The sender is still known to whom the case is granted.
	if err := e.svc.Grant(e.ctx, e.actor(uLeader), c.Code, e.users[uGranted].ID); err != nil {
		t.Fatal(err)
	}
	if got, err := e.svc.Petition(e.ctx, e.actor(uGranted), rc.PetitionID); err != nil || got.Petitioner.Name != denouncer.Name {
		t.Errorf("the granted user reads %+v (%v), want the sender", got.Petitioner, err)
	}
}

// TestPublicAnswerNeverNamesADenouncer: the portal lists the answers staff make
// public. A question whose asker names herself as the one who denounced, or an
// answer that names a denouncer, is answered but not made public (409), as a
// published decision naming a protected identity is refused; answered without
// making it public, it is kept for staff. The portal lists nothing of it.
func TestPublicAnswerNeverNamesADenouncer(t *testing.T) {
	e := newEnv(t)
	a := e.units["A"].ID
	if _, err := e.svc.RegisterPetition(e.ctx, e.actor(uClerk), cases.Petition{UnitID: a, Source: cases.SourcePost,
		Kind: cases.KindDenunciation, Petitioner: denouncer, Subject: "Tố cáo cán bộ địa chính xã thu tiền sai quy định"}); err != nil {
		t.Fatal(err)
	}
	ask := func(unit int64, text string) int64 {
		t.Helper()
		q, err := e.svc.Ask(e.ctx, cases.Question{UnitID: unit, Topic: cases.TopicProcedure, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return q.ID
	}
	answer := func(id int64, text string, public bool) int {
		t.Helper()
		code, _ := e.do(uClerk, call{method: "PUT", path: fmt.Sprintf("/api/v1/questions/%d/answer", id),
			body: map[string]any{"answer": text, "public": public}})
		return code
	}
	herself := ask(a, "Tôi là "+denouncer.Name+", đã gửi đơn tố cáo cán bộ địa chính xã, bao lâu thì có kết quả?")
	other := ask(0, "Đơn tố cáo gửi qua bưu điện bao lâu thì được thụ lý?")
	plain := ask(a, "Tiếp công dân vào những ngày nào?")
	for _, tc := range []struct {
		id     int64
		answer string
	}{
		{herself, "Đơn tố cáo được xem xét thụ lý trong 7 ngày làm việc."},
		{other, "Đơn của bà " + viet.FoldKey(denouncer.Name) + " (SĐT " + denouncer.Phone + ") đang được xác minh."},
	} {
		if code := answer(tc.id, tc.answer, true); code != 409 {
			t.Errorf("question %d made public: %d, want 409", tc.id, code)
		}
		if code := answer(tc.id, tc.answer, false); code != 200 {
			t.Errorf("question %d answered without making it public: %d, want 200", tc.id, code)
		}
	}
	if code := answer(plain, "Thứ Năm hằng tuần, tại trụ sở tiếp công dân.", true); code != 200 {
		t.Fatalf("a public answer naming nobody: %d", code)
	}
	qs, n, err := e.svc.PublicQuestions(e.ctx, "", "", 100, 0)
	if err != nil || n != 1 || len(qs) != 1 || qs[0].ID != plain {
		t.Fatalf("public questions: %d %+v %v, want only %d", n, qs, err, plain)
	}
	for _, q := range qs {
		if piece := secretIn(q.Text + " " + q.Answer); piece != "" {
			t.Errorf("the portal lists %q of the denouncer", piece)
		}
	}
}
