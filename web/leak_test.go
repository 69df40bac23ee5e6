package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"

	"kntc/cases"
	"kntc/internal/viet"
	"kntc/search"
)

// TestDenouncerNeverLeaks plants the denouncer's identity (name with and without
// diacritics, ID number, phone) through every route a denunciation's paper takes
// into kntc — a scan routed to a denunciation before its case is opened, a
// document linked before the denouncer is added as a party, a letter uploaded
// with no case (before and after the identity is known), an online letter, a
// petition and a visit — and then asks everything every ungranted user may ask:
// document lists and their totals, every document's metadata, text and files,
// the case's documents, search by every piece of the identity with its hits,
// highlights, facets and totals, the triage inbox, the petition register and the
// reception log, the audit trail, and the duplicate check. No answer and no log
// line may hold any piece of the identity, except the granted user's.
func TestDenouncerNeverLeaks(t *testing.T) {
	e := newEnv(t)
	ctx, lp, leader := e.ctx, e.actor(uLeaderP), e.actor(uLeader)
	follow := &search.Follower{Index: e.index, Source: e.db, Logger: slog.New(slog.DiscardHandler)}
	catchUp := func() {
		t.Helper()
		if err := follow.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	letter := func(greeting string) []string {
		return []string{
			"ĐƠN TỐ CÁO\nKính gửi: Chủ tịch UBND huyện A\n" + greeting + " " + denouncer.Name + ", CCCD số " + denouncer.IDNumber +
				", điện thoại 0912 345 678, địa chỉ " + denouncer.Address + ".\nTôi tố cáo cán bộ địa chính xã thu tiền sai quy định.",
			"Người tố cáo\n" + strings.ToUpper(viet.FoldKey(denouncer.Name)),
		}
	}
	var docs []string // every document made, for the reads below

	// 1. A scan dropped into hotfolder/A/TC-2026-000001/ before that case is
	// opened, then the case opened with the denouncer.
	early := e.document(docSpec{unit: "A", caseCode: "TC-2026-000001", kind: "khac", pages: letter("Tôi là"), finish: true,
		filename: "don-to-cao-" + viet.FoldKey(denouncer.Name) + ".pdf"})
	docs = append(docs, early.ID)
	tc, _, err := e.svc.CreateCase(ctx, lp, cases.NewCase{Kind: cases.KindDenunciation, Source: cases.SourcePost,
		ReceivedOn: date("2026-03-01"), Subject: "Tố cáo cán bộ địa chính xã thu tiền sai quy định", UnitID: e.units["A"].ID,
		Parties: []cases.Party{{Role: cases.RolePetitioner, Person: denouncer}}})
	if err != nil {
		t.Fatal(err)
	}
	if tc.Code != early.CaseCode {
		t.Fatalf("the case was opened as %s, the scan waits under %s", tc.Code, early.CaseCode)
	}
	if err := e.svc.Grant(ctx, leader, tc.Code, e.users[uGranted].ID); err != nil {
		t.Fatal(err)
	}

	// 2. A document linked to a second denunciation before its denouncer is added.
	tc2, _, err := e.svc.CreateCase(ctx, lp, cases.NewCase{Kind: cases.KindDenunciation, Source: cases.SourceOnline,
		ReceivedOn: date("2026-03-02"), Subject: "Tố cáo việc cấp phép xây dựng sai quy định", UnitID: e.units["A"].ID})
	if err != nil {
		t.Fatal(err)
	}
	report := e.document(docSpec{unit: "A", kind: "khac", pages: []string{"BÁO CÁO\nVề việc xác minh đơn của ông " + denouncer2.Name + ", số điện thoại " + denouncer2.Phone + "."}})
	docs = append(docs, report.ID)
	if _, err := e.svc.Link(ctx, e.actor(uClerk), report.ID, tc2.Code, "bao_cao_ket_qua_xac_minh"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddParty(ctx, lp, tc2.Code, cases.Party{Role: cases.RolePetitioner, Person: denouncer2}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Grant(ctx, leader, tc2.Code, e.users[uGranted].ID); err != nil {
		t.Fatal(err)
	}

	// 3. Letters uploaded with no case: one once the identity is known, one
	// written without diacritics; and, before anything knows the identity, a
	// letter of another denouncer, which search must not find.
	for _, greet := range []string{"Tôi tên là", "Toi la"} {
		d := e.document(docSpec{unit: "A", kind: "khac", pages: letter(greet)})
		docs = append(docs, d.ID)
	}
	stranger := e.document(docSpec{unit: "A", kind: "khac", pages: []string{"ĐƠN TỐ CÁO\nTôi là Hồ Thị Bảo Mật, điện thoại 0987 000 111."}})
	catchUp()
	for _, q := range []string{"Hồ Thị Bảo Mật", "ho thi bao mat", "0987000111"} {
		for _, user := range []string{uClerk, uHandler, uLeader, uInspector} {
			res := decode[struct {
				Total int `json:"total"`
			}](t, e.get(user, "/api/v1/search?fuzzy=1&q="+url.QueryEscape(q), 200))
			if res.Total != 0 {
				t.Errorf("%s finds a letter in no case by %q: %d pages", user, q, res.Total)
			}
		}
	}
	e.get(uInspector, "/api/v1/documents/"+stranger.ID, 404) // only those who file documents see the inbox

	// 3b. A letter uploaded through the API with no case, its file named after
	// its sender (as scanners' users name them).
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "Đơn tố cáo của "+denouncer.Name+".pdf")
	fmt.Fprintf(fw, "%%PDF-1.7 letter of %s", viet.FoldKey(denouncer.Name))
	mw.Close()
	up := decode[struct {
		ID string `json:"id"`
	}](t, e.must(uClerk, call{method: "POST", path: "/api/v1/documents", raw: body.Bytes(), contentType: mw.FormDataContentType()}, 202))
	docs = append(docs, up.ID)

	// 4. An online letter (a petition with its scanned letter), 5. a petition and
	// 6. a visit, all of the denouncer, in district A.
	online := e.document(docSpec{unit: "A", kind: "khac", pages: []string{"Đơn gửi qua cổng trực tuyến.", "Chữ ký người gửi"}})
	docs = append(docs, online.ID)
	if _, err := e.svc.RegisterPetition(ctx, e.actor(uClerk), cases.Petition{UnitID: e.units["A"].ID, Source: cases.SourceOnline,
		Kind: cases.KindDenunciation, Petitioner: denouncer, Subject: "Tố cáo cán bộ thu tiền sai quy định", DocumentID: online.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RegisterPetition(ctx, e.actor(uClerk), cases.Petition{UnitID: e.units["A"].ID, Source: cases.SourcePost,
		Kind: cases.KindDenunciation, Petitioner: denouncer, Subject: "Tố cáo cán bộ thu tiền sai quy định của xã"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RecordReception(ctx, e.actor(uClerk), cases.Reception{UnitID: e.units["A"].ID, Kind: cases.KindDenunciation,
		Visitors: []cases.Person{denouncer}, Content: "Công dân đến tố cáo cán bộ địa chính xã", Outcome: cases.OutcomeLetterTaken}); err != nil {
		t.Fatal(err)
	}
	// Minutes of the visit scanned afterwards, with no case.
	minutes := e.document(docSpec{unit: "A", kind: "khac", pages: []string{"BIÊN BẢN TIẾP CÔNG DÂN\nHôm nay tiếp bà " + denouncer.Name + " (SĐT +84 912 345 678)."}})
	docs = append(docs, minutes.ID)
	catchUp()

	// Every document holding the identity is confidential now.
	for _, id := range docs {
		d, err := e.db.Document(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !d.Confidential {
			t.Errorf("document %s (%q, case %q) names the denouncer and is not confidential", d.ID, d.Filename, d.CaseCode)
		}
	}

	// Everything every ungranted user may ask.
	ungranted := []string{uAdmin, uClerk, uHandler, uLeader, uInspector, uHandlerB, uLeaderP}
	for _, user := range ungranted {
		e.do(user, call{method: "GET", path: "/api/v1/documents?limit=1000"})
		e.do(user, call{method: "GET", path: "/api/v1/triage?limit=1000"})
		for _, id := range append(docs, stranger.ID) {
			for _, suffix := range []string{"", "/text", "/original", "/pdf"} {
				e.do(user, call{method: "GET", path: "/api/v1/documents/" + id + suffix})
			}
		}
		for _, code := range []string{tc.Code, tc2.Code} {
			for _, suffix := range []string{"", "/documents", "/parties", "/events"} {
				e.do(user, call{method: "GET", path: "/api/v1/cases/" + code + suffix})
			}
		}
		for _, q := range []string{denouncer.Name, viet.FoldKey(denouncer.Name), "diem huong", denouncer.IDNumber, denouncer.Phone,
			"0912 345 678", `"Trưng Nữ Vương"`, "trung nu vuong", "tố cáo", "", denouncer2.Name, "tham lang", denouncer2.Phone} {
			e.do(user, call{method: "GET", path: "/api/v1/search?fuzzy=1&q=" + url.QueryEscape(q)})
			e.do(user, call{method: "GET", path: "/api/v1/search?q=" + url.QueryEscape(q) + "&case=" + tc.Code})
		}
		e.do(user, call{method: "GET", path: "/api/v1/petitions?limit=1000"})
		e.do(user, call{method: "GET", path: "/api/v1/receptions?limit=1000"})
		for id := 1; id <= 3; id++ {
			e.do(user, call{method: "GET", path: fmt.Sprintf("/api/v1/petitions/%d", id)})
			e.do(user, call{method: "GET", path: fmt.Sprintf("/api/v1/receptions/%d", id)})
		}
		e.do(user, call{method: "GET", path: "/api/v1/audit?limit=1000"})
		e.do(user, call{method: "GET", path: "/api/v1/deadlines"})
		// The duplicate check as an oracle: a guess, with and without diacritics.
		for _, name := range []string{denouncer.Name, viet.FoldKey(denouncer.Name)} {
			code, body := e.do(user, call{method: "POST", path: "/api/v1/petitions", body: map[string]any{
				"unit_id": e.units["A"].ID, "source": "buu_chinh", "kind": "to_cao", "received_on": "2026-03-09",
				"petitioner": map[string]string{"name": name, "id_number": denouncer.IDNumber},
				"subject":    "Tố cáo cán bộ thu tiền sai quy định"}})
			if code == 201 && decode[petitionOut](t, body).DuplicateOf != 0 {
				t.Errorf("%s: the duplicate check confirms a guessed identity: %s", user, body)
			}
		}
	}

	// Totals: never above what is listed (a hidden document counted is a signal).
	for _, x := range e.seen {
		if !strings.Contains(x.label, "GET /api/v1/documents?") && !strings.Contains(x.label, "GET /api/v1/triage") &&
			!strings.Contains(x.label, "/documents?") {
			continue
		}
		if x.status != 200 {
			continue
		}
		var list struct {
			Total     int   `json:"total"`
			Documents []any `json:"documents"`
			Items     []any `json:"items"`
		}
		if err := decodeInto(x.body, &list); err == nil && list.Total != len(list.Documents)+len(list.Items) {
			t.Errorf("%s as %s: total %d for %d listed", x.label, x.user, list.Total, len(list.Documents)+len(list.Items))
		}
	}

	// The granted user sees what they are granted: the scan, the report, the
	// letters naming the first case's denouncer.
	e.get(uGranted, "/api/v1/documents/"+early.ID+"/text", 200)
	e.get(uGranted, "/api/v1/documents/"+report.ID+"/text", 200)
	checkNoLeak(t, e)
}

func decodeInto(b []byte, v any) error { return json.Unmarshal(b, v) }
