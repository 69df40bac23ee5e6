package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
)

// world is what the role × endpoint matrix runs against: province P over districts
// A and B; a denunciation case in A opened from a letter of the denouncer, with a
// confidential document naming them and an ordinary one; a complaint case in B;
// letters and visits of both units; an unlinked confidential letter and an inbox
// document for triage. One handler of A (granted.a) is granted the denunciation.
type world struct {
	tc, kn             cases.Case // the denunciation in A, the complaint in B
	petA, petB         cases.Petition
	recA, recB         cases.Reception
	respA, respB       int64 // a respondent party of each case
	docA, docConf      ingest.Document
	docB               ingest.Document
	docLoose, docInbox ingest.Document
}

func date(s string) time.Time {
	t, err := cases.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func newWorld(e *env) *world {
	t := e.t
	t.Helper()
	ctx, lp := e.ctx, e.actor(uLeaderP)
	w := &world{}
	var err error
	w.petA, err = e.svc.RegisterPetition(ctx, lp, cases.Petition{UnitID: e.units["A"].ID, ReceivedOn: date("2026-03-01"),
		Source: cases.SourcePost, Kind: cases.KindDenunciation, Petitioner: denouncer,
		Subject: "Tố cáo cán bộ địa chính xã cấp giấy chứng nhận quyền sử dụng đất sai quy định"})
	if err != nil {
		t.Fatal(err)
	}
	if w.tc, _, w.petA, err = e.svc.OpenCaseFromPetition(ctx, lp, w.petA.ID, cases.NewCase{}); err != nil {
		t.Fatal(err)
	}
	resp, err := e.svc.AddParty(ctx, lp, w.tc.Code, cases.Party{Role: cases.RoleRespondent, Person: cases.Person{Name: "Ông Trần Văn Bị", Address: "UBND xã Tân Bình"}})
	if err != nil {
		t.Fatal(err)
	}
	w.respA = resp.ID
	w.kn, _, err = e.svc.CreateCase(ctx, lp, cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourceInPerson,
		ReceivedOn: date("2026-03-02"), Subject: "Khiếu nại quyết định thu hồi đất", UnitID: e.units["B"].ID,
		Parties: []cases.Party{{Role: cases.RolePetitioner, Person: cases.Person{Name: "Nguyễn Văn Khiếu", IDNumber: "072000111222"}},
			{Role: cases.RoleRespondent, Person: cases.Person{Name: "Chủ tịch UBND huyện B"}}}})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := e.svc.Parties(ctx, lp, w.kn.Code)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Role == cases.RoleRespondent {
			w.respB = p.ID
		}
	}
	w.petB, err = e.svc.RegisterPetition(ctx, lp, cases.Petition{UnitID: e.units["B"].ID, ReceivedOn: date("2026-03-02"),
		Source: cases.SourceInPerson, Kind: cases.KindComplaint, Petitioner: cases.Person{Name: "Nguyễn Văn Khiếu", IDNumber: "072000111222"},
		Subject: "Khiếu nại quyết định thu hồi đất"})
	if err != nil {
		t.Fatal(err)
	}
	w.recA, err = e.svc.RecordReception(ctx, lp, cases.Reception{UnitID: e.units["A"].ID, Kind: cases.KindDenunciation,
		Visitors: []cases.Person{denouncer}, Content: "Công dân đến tố cáo cán bộ địa chính xã", Outcome: cases.OutcomeLetterTaken})
	if err != nil {
		t.Fatal(err)
	}
	w.recB, err = e.svc.RecordReception(ctx, lp, cases.Reception{UnitID: e.units["B"].ID, Kind: cases.KindComplaint,
		Visitors: []cases.Person{{Name: "Nguyễn Văn Khiếu"}}, Content: "Khiếu nại về bồi thường khi thu hồi đất"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Grant(ctx, e.actor(uLeader), w.tc.Code, e.users[uGranted].ID); err != nil {
		t.Fatal(err)
	}

	letter := []string{
		"ĐƠN TỐ CÁO\nKính gửi: Chủ tịch UBND huyện A\nTôi là " + denouncer.Name + ", CCCD số " + denouncer.IDNumber +
			", điện thoại " + denouncer.Phone + ", địa chỉ " + denouncer.Address + ".\nTôi tố cáo cán bộ địa chính xã.",
		"Người tố cáo\n" + strings.ToUpper(denouncer.Name),
	}
	w.docA = e.document(docSpec{unit: "A", caseCode: w.tc.Code, kind: "thong_bao_thu_ly_to_cao", number: "12/TB-UBND", date: "2026-03-05",
		pages: []string{"THÔNG BÁO THỤ LÝ TỐ CÁO\nVề việc thụ lý giải quyết tố cáo đối với cán bộ địa chính xã Tân Bình."}})
	w.docConf = e.document(docSpec{unit: "A", caseCode: w.tc.Code, kind: "khac", confidential: true, pages: letter})
	w.docB = e.document(docSpec{unit: "B", caseCode: w.kn.Code, kind: "bien_ban_lam_viec", date: "2026-03-06",
		pages: []string{"BIÊN BẢN LÀM VIỆC\nVới người khiếu nại về việc thu hồi đất."}})
	w.docLoose = e.document(docSpec{unit: "A", kind: "khac", confidential: true, pages: letter})
	w.docInbox = e.document(docSpec{unit: "A", kind: "cong_van", number: "30/CV-UBND", date: "2026-03-07",
		pages: []string{"CÔNG VĂN\nVề việc cung cấp hồ sơ " + w.tc.Code + " cho đoàn xác minh."}})
	for _, d := range []ingest.Document{w.docLoose, w.docInbox} {
		sugg, err := e.svc.Suggest(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.db.SetSuggestions(ctx, d.ID, sugg); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// Targets of the matrix: "A" is the denunciation case in district A (for document
// endpoints its ordinary document), "B" the complaint case in district B (its
// document), "conf" the confidential document of the denunciation. "" is an
// endpoint without a target (lists, search, audit).
var (
	caseTargets = []string{"A", "B"}
	docTargets  = []string{"A", "conf", "B"}
	noTarget    = []string{""}
)

// granteeOf is whom the grant endpoints grant on a case target: a user who can see
// the case (a grant to someone outside its units is refused).
func granteeOf(target string) string {
	if target == "B" {
		return uHandlerB
	}
	return uGrantee
}

// visible reports whether a user may see the target at all: its unit is in their
// scope, and a confidential document needs the grant.
func visible(user, target string) bool {
	switch target {
	case "A":
		return user != uHandlerB
	case "B":
		return user == uHandlerB || user == uLeaderP
	case "conf":
		return user == uGranted
	}
	return true
}

// roleLetter is a role's letter in the matrix: Administrator, Clerk, Handler,
// Leader, Inspector.
func roleLetter(r auth.Role) string {
	return map[auth.Role]string{auth.RoleAdministrator: "A", auth.RoleClerk: "C", auth.RoleHandler: "H",
		auth.RoleLeader: "L", auth.RoleInspector: "I"}[r]
}

// endpoint is a row of the matrix. The expected answer follows the case system's
// order of checks: a role without the permission is refused (403) whatever the
// target; then a target outside the user's scope (or a confidential document
// without the grant) is not found (404); then a role the step itself refuses is
// 403 (after); else ok (per target, default okAll).
type endpoint struct {
	name    string
	roles   string // letters of the roles holding the permission
	after   string // letters of the roles the act itself allows, when narrower
	targets []string
	okAll   int
	ok      map[string]int
	req     func(user, target string) call
}

func (ep endpoint) want(u *testUser, target string) int {
	l := roleLetter(u.Role)
	switch {
	case !strings.Contains(ep.roles, l):
		return 403
	case !visible(u.Username, target):
		return 404
	case ep.after != "" && !strings.Contains(ep.after, l):
		return 403
	}
	if s, ok := ep.ok[target]; ok {
		return s
	}
	return ep.okAll
}

func get(path string) func(string, string) call {
	return func(string, string) call { return call{method: "GET", path: path} }
}

// endpoints lists every case and document endpoint with a request for each target.
func endpoints(e *env, w *world) []endpoint {
	t, ctx, lp := e.t, e.ctx, e.actor(uLeaderP)
	caseOf := map[string]cases.Case{"A": w.tc, "B": w.kn}
	code := func(target string) string { return caseOf[target].Code }
	unitOf := map[string]int64{"A": e.units["A"].ID, "B": e.units["B"].ID}
	kindOf := map[string]cases.Kind{"A": cases.KindDenunciation, "B": cases.KindComplaint}
	petOf := map[string]int64{"A": w.petA.ID, "B": w.petB.ID}
	recOf := map[string]int64{"A": w.recA.ID, "B": w.recB.ID}
	respOf := map[string]int64{"A": w.respA, "B": w.respB}
	docOf := map[string]ingest.Document{"A": w.docA, "conf": w.docConf, "B": w.docB}
	personOf := map[string]map[string]string{
		"A": {"name": denouncer.Name, "id_number": denouncer.IDNumber, "address": denouncer.Address, "phone": denouncer.Phone},
		"B": {"name": "Trần Thị Mới", "id_number": "072000333444"},
	}
	version := func(target string) int {
		c, err := e.db.CaseByCode(ctx, code(target))
		if err != nil {
			t.Fatal(err)
		}
		return c.Version
	}
	// Fresh objects for the acts that use them up.
	freshCase := func(target string, accepted bool) cases.Case {
		c, _, err := e.svc.CreateCase(ctx, lp, cases.NewCase{Kind: kindOf[target], Source: cases.SourcePost,
			ReceivedOn: date("2026-03-03"), Subject: "Hồ sơ thử chuyển bước", UnitID: unitOf[target]})
		if err != nil {
			t.Fatal(err)
		}
		if accepted {
			for _, to := range []cases.Status{cases.StatusClassified, cases.StatusScreening, cases.StatusAccepted} {
				if c, err = e.svc.Transition(ctx, lp, c.Code, c.Version, cases.Transition{To: to}); err != nil {
					t.Fatal(err)
				}
			}
		}
		return c
	}
	// The denouncer writes and visits in A; a complainant, who is not protected, in B.
	senderOf := map[string]cases.Person{"A": denouncer, "B": {Name: "Trần Thị Mới", IDNumber: "072000333444"}}
	freshPetition := func(target string) int64 {
		p, err := e.svc.RegisterPetition(ctx, lp, cases.Petition{UnitID: unitOf[target], Source: cases.SourcePost,
			Kind: kindOf[target], Petitioner: senderOf[target], Subject: "Đơn thử mở hồ sơ " + strconv.Itoa(e.made)})
		if err != nil {
			t.Fatal(err)
		}
		e.made++
		return p.ID
	}
	freshReception := func(target string) int64 {
		r, err := e.svc.RecordReception(ctx, lp, cases.Reception{UnitID: unitOf[target], Kind: kindOf[target],
			Visitors: []cases.Person{senderOf[target]}, Content: "Công dân đến trình bày"})
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	upload := func(target string) call {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		_ = mw.WriteField("case", code(target))
		fw, _ := mw.CreateFormFile("file", "bien-ban.pdf")
		fmt.Fprintf(fw, "%%PDF-1.7 upload %d", e.made)
		e.made++
		mw.Close()
		return call{method: "POST", path: "/api/v1/documents", raw: b.Bytes(), contentType: mw.FormDataContentType()}
	}
	docPath := func(suffix string) func(string, string) call {
		return func(_, target string) call {
			return call{method: "GET", path: "/api/v1/documents/" + docOf[target].ID + suffix}
		}
	}

	return []endpoint{
		{name: "GET /cases", roles: "CHLI", targets: noTarget, okAll: 200, req: get("/api/v1/cases?limit=1000")},
		{name: "POST /cases", roles: "CHL", targets: caseTargets, okAll: 201, req: func(_, target string) call {
			return call{method: "POST", path: "/api/v1/cases", body: map[string]any{"kind": kindOf[target], "source": "buu_chinh",
				"received_on": "2026-03-09", "subject": "Đơn mới của công dân", "unit_id": unitOf[target],
				"parties": []map[string]string{{"role": "petitioner", "name": personOf[target]["name"], "id_number": personOf[target]["id_number"],
					"address": personOf[target]["address"], "phone": personOf[target]["phone"]}}}}
		}},
		{name: "GET /cases/{code}", roles: "CHLI", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			return call{method: "GET", path: "/api/v1/cases/" + code(target)}
		}},
		{name: "PATCH /cases/{code}", roles: "CHL", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			return call{method: "PATCH", path: "/api/v1/cases/" + code(target), body: map[string]any{"version": version(target), "summary": "Bổ sung tóm tắt nội dung"}}
		}},
		{name: "POST /cases/{code}/transitions", roles: "CHLI", after: "CHL", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			c := freshCase(target, false)
			return call{method: "POST", path: "/api/v1/cases/" + c.Code + "/transitions", body: map[string]any{"to": "phan_loai", "version": c.Version, "note": "phân loại đơn"}}
		}},
		{name: "POST /cases/{code}/extensions", roles: "L", targets: caseTargets, okAll: 200, ok: map[string]int{"B": 422}, req: func(_, target string) call {
			c := freshCase(target, true)
			return call{method: "POST", path: "/api/v1/cases/" + c.Code + "/extensions", body: map[string]any{"decision_number": "05/QĐ-UBND",
				"decision_date": "2026-03-09", "days": 30, "reason": "Vụ việc phức tạp"}}
		}},
		{name: "PUT /cases/{code}/outcome", roles: "CHL", after: "HL", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			c := freshCase(target, true)
			for _, to := range []cases.Status{cases.StatusVerifying, cases.StatusDecided} {
				var err error
				if c, err = e.svc.Transition(ctx, lp, c.Code, c.Version, cases.Transition{To: to, Result: map[cases.Status]cases.Result{cases.StatusDecided: cases.ResultRight}[to]}); err != nil {
					t.Fatal(err)
				}
			}
			return call{method: "PUT", path: "/api/v1/cases/" + c.Code + "/outcome", body: map[string]any{"version": c.Version, "recover_money": 5, "discipline_people": 1}}
		}},
		{name: "GET /reports/{form}", roles: "LI", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			return call{method: "GET", path: "/api/v1/reports/04-GQTC?period=2026-Q1&unit=" + target}
		}},
		{name: "GET /reports/{form}/cells/{ms}", roles: "LI", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			return call{method: "GET", path: "/api/v1/reports/02-XLD/cells/1?period=2026-Q1&unit=" + target}
		}},
		{name: "GET /reports/charts/{chart}", roles: "LI", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			return call{method: "GET", path: "/api/v1/reports/charts/overdue?period=2026-Q1&unit=" + target}
		}},
		{name: "GET /cases/{code}/events", roles: "CHLI", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			return call{method: "GET", path: "/api/v1/cases/" + code(target) + "/events"}
		}},
		{name: "GET /cases/{code}/documents", roles: "CHLI", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			return call{method: "GET", path: "/api/v1/cases/" + code(target) + "/documents"}
		}},
		{name: "GET /cases/{code}/parties", roles: "CHLI", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			return call{method: "GET", path: "/api/v1/cases/" + code(target) + "/parties"}
		}},
		{name: "POST /cases/{code}/parties", roles: "CHL", targets: caseTargets, okAll: 201, req: func(_, target string) call {
			return call{method: "POST", path: "/api/v1/cases/" + code(target) + "/parties", body: map[string]any{"role": "related", "name": "Bà Lê Thị Liên Quan"}}
		}},
		{name: "PUT /cases/{code}/parties/{id}", roles: "CHL", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			return call{method: "PUT", path: fmt.Sprintf("/api/v1/cases/%s/parties/%d", code(target), respOf[target]),
				body: map[string]any{"role": "respondent", "name": "Ông Trần Văn Bị", "note": "đã xác minh địa chỉ"}}
		}},
		{name: "DELETE /cases/{code}/parties/{id}", roles: "CHL", targets: caseTargets, okAll: 204, req: func(_, target string) call {
			p, err := e.svc.AddParty(ctx, lp, code(target), cases.Party{Role: cases.RoleRelated, Person: cases.Person{Name: "Người nhập nhầm"}})
			if err != nil {
				t.Fatal(err)
			}
			return call{method: "DELETE", path: fmt.Sprintf("/api/v1/cases/%s/parties/%d", code(target), p.ID)}
		}},
		{name: "POST /cases/{code}/grants", roles: "L", targets: caseTargets, okAll: 201, req: func(_, target string) call {
			return call{method: "POST", path: "/api/v1/cases/" + code(target) + "/grants", body: map[string]any{"user_id": e.users[granteeOf(target)].ID}}
		}},
		{name: "DELETE /cases/{code}/grants/{user_id}", roles: "L", targets: caseTargets, okAll: 204, req: func(_, target string) call {
			if err := e.svc.Grant(ctx, lp, code(target), e.users[granteeOf(target)].ID); err != nil {
				t.Fatal(err)
			}
			return call{method: "DELETE", path: fmt.Sprintf("/api/v1/cases/%s/grants/%d", code(target), e.users[granteeOf(target)].ID)}
		}},
		{name: "POST /cases/{code}/pin", roles: "CHL", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			return call{method: "POST", path: "/api/v1/cases/" + code(target) + "/pin"}
		}},
		{name: "GET /cases/{code}/cover.pdf", roles: "CHL", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			return call{method: "GET", path: "/api/v1/cases/" + code(target) + "/cover.pdf?kind=quyet_dinh_thu_ly"}
		}},
		{name: "GET /deadlines", roles: "CHLI", targets: noTarget, okAll: 200, req: get("/api/v1/deadlines")},

		{name: "GET /petitions", roles: "CHLI", targets: noTarget, okAll: 200, req: get("/api/v1/petitions?limit=1000")},
		{name: "POST /petitions", roles: "CHL", targets: caseTargets, okAll: 201, req: func(_, target string) call {
			return call{method: "POST", path: "/api/v1/petitions", body: map[string]any{"unit_id": unitOf[target], "source": "buu_chinh",
				"kind": kindOf[target], "received_on": "2026-03-09", "petitioner": personOf[target],
				"subject": "Tố cáo cán bộ địa chính xã cấp giấy chứng nhận sai quy định"}}
		}},
		{name: "GET /petitions/{id}", roles: "CHLI", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			return call{method: "GET", path: fmt.Sprintf("/api/v1/petitions/%d", petOf[target])}
		}},
		{name: "PATCH /petitions/{id}", roles: "CHL", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			return call{method: "PATCH", path: fmt.Sprintf("/api/v1/petitions/%d", petOf[target]), body: map[string]any{"content": "Đã phân loại đơn"}}
		}},
		{name: "POST /petitions/{id}/case", roles: "CHL", targets: caseTargets, okAll: 201, req: func(_, target string) call {
			return call{method: "POST", path: fmt.Sprintf("/api/v1/petitions/%d/case", freshPetition(target))}
		}},
		{name: "GET /receptions", roles: "CHLI", targets: noTarget, okAll: 200, req: get("/api/v1/receptions?limit=1000")},
		{name: "POST /receptions", roles: "CL", targets: caseTargets, okAll: 201, req: func(_, target string) call {
			return call{method: "POST", path: "/api/v1/receptions", body: map[string]any{"unit_id": unitOf[target], "kind": kindOf[target],
				"visitors": []map[string]string{personOf[target]}, "content": "Công dân đến trình bày", "outcome": "tiep_nhan_don"}}
		}},
		{name: "GET /receptions/{id}", roles: "CHLI", targets: caseTargets, okAll: 200, req: func(_, target string) call {
			return call{method: "GET", path: fmt.Sprintf("/api/v1/receptions/%d", recOf[target])}
		}},
		{name: "POST /receptions/{id}/case", roles: "CHL", targets: caseTargets, okAll: 201, req: func(_, target string) call {
			return call{method: "POST", path: fmt.Sprintf("/api/v1/receptions/%d/case", freshReception(target))}
		}},
		{name: "GET /triage", roles: "CHL", targets: noTarget, okAll: 200, req: get("/api/v1/triage")},
		{name: "GET /audit", roles: "AI", targets: noTarget, okAll: 200, req: get("/api/v1/audit?limit=1000")},
		{name: "GET /audit/verify", roles: "AI", targets: noTarget, okAll: 200, req: get("/api/v1/audit/verify")},
		{name: "GET /audit/anchors", roles: "AI", targets: noTarget, okAll: 200, req: get("/api/v1/audit/anchors")},

		{name: "GET /documents", roles: "CHLI", targets: noTarget, okAll: 200, req: get("/api/v1/documents?limit=1000")},
		{name: "POST /documents (case)", roles: "CHL", targets: caseTargets, okAll: 202, req: func(_, target string) call { return upload(target) }},
		{name: "GET /search", roles: "CHLI", targets: noTarget, okAll: 200, req: get("/api/v1/search?q=" + url.QueryEscape("tố cáo"))},
		{name: "GET /documents/{id}", roles: "CHLI", targets: docTargets, okAll: 200, req: docPath("")},
		{name: "GET /documents/{id}/text", roles: "CHLI", targets: docTargets, okAll: 200, req: docPath("/text")},
		{name: "GET /documents/{id}/pdf", roles: "CHLI", targets: docTargets, okAll: 200, req: docPath("/pdf")},
		{name: "GET /documents/{id}/original", roles: "CHLI", targets: docTargets, okAll: 200, req: docPath("/original")},
		{name: "PATCH /documents/{id}", roles: "CHL", targets: docTargets, okAll: 200, req: func(_, target string) call {
			d := docOf[target]
			return call{method: "PATCH", path: "/api/v1/documents/" + d.ID, body: map[string]any{"confidential": d.Confidential}}
		}},
		{name: "POST /documents/{id}/link", roles: "CHL", targets: docTargets, okAll: 200, req: func(_, target string) call {
			d := docOf[target]
			return call{method: "POST", path: "/api/v1/documents/" + d.ID + "/link", body: map[string]any{"case": d.CaseCode, "kind": d.Kind}}
		}},
		// A confidential document never leaves its case (nobody could see it again).
		{name: "DELETE /documents/{id}/link", roles: "CHL", targets: docTargets, okAll: 200, ok: map[string]int{"conf": 422}, req: func(_, target string) call {
			d := docOf[target]
			fresh := e.document(docSpec{unit: d.UnitCode, caseCode: d.CaseCode, kind: d.Kind, confidential: d.Confidential,
				pages: []string{"Bản chụp nhầm hồ sơ."}})
			return call{method: "DELETE", path: "/api/v1/documents/" + fresh.ID + "/link"}
		}},
		// Retraction takes the document out for good: each call retracts a fresh one.
		{name: "POST /documents/{id}/retract", roles: "LA", targets: docTargets, okAll: 204, req: func(_, target string) call {
			d := docOf[target]
			fresh := e.document(docSpec{unit: d.UnitCode, caseCode: d.CaseCode, kind: d.Kind, confidential: d.Confidential,
				pages: []string{"Đơn của công dân khác, đưa vào nhầm."}})
			return call{method: "POST", path: "/api/v1/documents/" + fresh.ID + "/retract", body: map[string]any{"reason": "Nhầm hồ sơ"}}
		}},
		// A purge deletes the files of a document retracted before (by the system,
		// here): administrators of its unit only.
		{name: "POST /documents/{id}/purge", roles: "A", targets: []string{"A", "B"}, okAll: 200, req: func(_, target string) call {
			d := docOf[target]
			fresh := e.document(docSpec{unit: d.UnitCode, caseCode: d.CaseCode, kind: d.Kind,
				pages: []string{"Đơn của công dân khác, đưa vào nhầm."}})
			if _, err := e.svc.Retract(e.ctx, cases.System, fresh.ID, "Nhầm hồ sơ"); err != nil {
				e.t.Fatal(err)
			}
			return call{method: "POST", path: "/api/v1/documents/" + fresh.ID + "/purge"}
		}},
		{name: "GET /retractions", roles: "LA", targets: noTarget, okAll: 200, req: get("/api/v1/retractions")},
	}
}

// TestRoleEndpointMatrix runs every case and document endpoint as every role and
// unit scope, and checks that the denouncer's identity reaches nobody but the
// user granted the case: in no response, search hit, facet count, document list,
// triage inbox, audit entry or log line; and that each of the granted user's reads
// of it is in the audit trail.
func TestRoleEndpointMatrix(t *testing.T) {
	e := newEnv(t)
	w := newWorld(e)

	t.Run("what each user sees", func(t *testing.T) { checkVisibility(t, e, w) })

	var table strings.Builder
	fmt.Fprintf(&table, "%-38s %-4s", "endpoint", "tgt")
	for _, u := range requesters {
		fmt.Fprintf(&table, " %-11s", u)
	}
	table.WriteString("\n")
	for _, ep := range endpoints(e, w) {
		for _, target := range ep.targets {
			fmt.Fprintf(&table, "%-38s %-4s", ep.name, target)
			for _, name := range requesters {
				u := e.users[name]
				c := ep.req(name, target)
				code, body := e.do(name, c)
				want := ep.want(u, target)
				mark := ""
				if code != want {
					mark = "!"
					t.Errorf("%s [%s] as %s (%s): %d, want %d: %.300s", ep.name, target, name, u.Role, code, want, body)
				}
				fmt.Fprintf(&table, " %-11s", strconv.Itoa(code)+mark)
			}
			table.WriteString("\n")
		}
	}
	t.Logf("role × endpoint matrix (targets: A = the denunciation in district A, B = the complaint in district B, conf = the confidential document):\n%s", table.String())

	t.Run("the granted user's reads are audited", func(t *testing.T) { checkGrantedReads(t, e, w) })
	t.Run("the secret leaks nowhere", func(t *testing.T) { checkNoLeak(t, e) })
}

// checkVisibility checks document lists, case documents, search, facets, triage,
// parties, letters and visits for every user.
func checkVisibility(t *testing.T, e *env, w *world) {
	// The unlinked letter names the denouncer: the pipeline's check marked it
	// confidential for the denunciation, so only its granted user sees it (in
	// the triage inbox, where documents in no case are).
	if d, err := e.db.Document(e.ctx, w.docLoose.ID); err != nil || !d.Confidential || d.SecretCase != w.tc.Code {
		t.Fatalf("the unlinked letter: confidential %v, secret case %q (%v), want confidential for %s", d.Confidential, d.SecretCase, err, w.tc.Code)
	}
	hidden := func(user string) []string {
		if user == uGranted {
			return nil
		}
		return []string{w.docConf.ID, w.docLoose.ID}
	}
	for _, user := range requesters {
		if user == uAdmin {
			// Administrators keep accounts, not case content.
			e.get(user, "/api/v1/documents?limit=1000", 403)
			e.get(user, "/api/v1/search?q=to+cao", 403)
			continue
		}
		// Document lists: never an ungranted confidential document, not even in the count.
		list := decode[struct {
			Total     int `json:"total"`
			Documents []struct {
				ID string `json:"id"`
			} `json:"documents"`
		}](t, e.get(user, "/api/v1/documents?limit=1000", 200))
		var ids []string
		for _, d := range list.Documents {
			ids = append(ids, d.ID)
		}
		for _, id := range hidden(user) {
			if slices.Contains(ids, id) {
				t.Errorf("%s: GET /documents lists confidential document %s", user, id)
			}
		}
		if list.Total != len(list.Documents) {
			t.Errorf("%s: GET /documents total %d for %d documents: the count includes hidden confidential documents (does the store apply DocumentFilter.ConfidentialCases?)", user, list.Total, len(list.Documents))
		}
		if want := visible(user, "conf"); slices.Contains(ids, w.docConf.ID) != want {
			t.Errorf("%s: GET /documents lists the confidential document: %v, want %v", user, !want, want)
		}

		// The case's documents.
		if visible(user, "A") && user != uAdmin {
			cd := decode[struct {
				Total     int `json:"total"`
				Documents []struct {
					ID string `json:"id"`
				} `json:"documents"`
			}](t, e.get(user, "/api/v1/cases/"+w.tc.Code+"/documents", 200))
			var got []string
			for _, d := range cd.Documents {
				got = append(got, d.ID)
			}
			want := []string{w.docA.ID}
			if user == uGranted {
				want = append(want, w.docConf.ID)
			}
			if slices.Sort(got); !slices.Equal(got, slices.Sorted(slices.Values(want))) || cd.Total != len(want) {
				t.Errorf("%s: the case's documents are %q (total %d), want %q (a total above the list: does the store apply DocumentFilter.ConfidentialCases?)", user, got, cd.Total, want)
			}
		}

		// Search: the identity is in no index, and the confidential document is
		// counted only for the granted user, in hits and facets alike.
		type searchResult struct {
			Total int `json:"total"`
			Hits  []struct {
				ID         string   `json:"id"`
				Highlights []string `json:"highlights"`
			} `json:"hits"`
			Facets map[string][]struct {
				Term  string `json:"term"`
				Count int    `json:"count"`
			} `json:"facets"`
		}
		for _, q := range []string{denouncer.Name, "diem huong", denouncer.IDNumber, denouncer.Phone, `"Trưng Nữ Vương"`} {
			res := decode[searchResult](t, e.get(user, "/api/v1/search?fuzzy=1&q="+url.QueryEscape(q), 200))
			if res.Total != 0 {
				t.Errorf("%s: searching %q finds %d pages", user, q, res.Total)
			}
		}
		res := decode[searchResult](t, e.get(user, "/api/v1/search?case="+w.tc.Code, 200))
		wantPages := 0
		if visible(user, "A") {
			wantPages = 1 // the ordinary document
		}
		if user == uGranted {
			wantPages += 2 // the letter's two pages, found by its case, not its words
		}
		if res.Total != wantPages || len(res.Hits) != wantPages {
			t.Errorf("%s: the case's pages in search: total %d, %d hits, want %d", user, res.Total, len(res.Hits), wantPages)
		}
		all := decode[searchResult](t, e.get(user, "/api/v1/search", 200))
		for facet, counts := range all.Facets {
			for _, c := range counts {
				if facet == "kind" && c.Term == "khac" && (user != uGranted || c.Count != 2) {
					t.Errorf("%s: the kind facet counts %d confidential pages", user, c.Count)
				}
				if facet == "case" && c.Term == w.tc.Code && c.Count != wantPages {
					t.Errorf("%s: the case facet counts %d pages of %s, want %d", user, c.Count, w.tc.Code, wantPages)
				}
			}
		}
		for _, h := range all.Hits {
			if slices.Contains(hidden(user), h.ID) {
				t.Errorf("%s: search hit on hidden document %s", user, h.ID)
			}
		}

		// Triage: the unlinked confidential letter is in nobody's inbox.
		if strings.Contains("CHL", roleLetter(e.users[user].Role)) {
			tr := decode[struct {
				Total int `json:"total"`
				Items []struct {
					Document struct {
						ID string `json:"id"`
					} `json:"document"`
					Suggestions []struct {
						Case string `json:"case"`
					} `json:"suggestions"`
				} `json:"items"`
			}](t, e.get(user, "/api/v1/triage", 200))
			found := false
			for _, it := range tr.Items {
				if it.Document.ID == w.docLoose.ID && user != uGranted {
					t.Errorf("%s: the unlinked confidential letter is in the triage inbox", user)
				}
				if it.Document.ID == w.docInbox.ID {
					found = true
					if len(it.Suggestions) == 0 || it.Suggestions[0].Case != w.tc.Code {
						t.Errorf("%s: the inbox document's suggestions are %v, want %s", user, it.Suggestions, w.tc.Code)
					}
				}
			}
			if found != visible(user, "A") {
				t.Errorf("%s: the inbox document in the triage inbox: %v", user, found)
			}
			if tr.Total != len(tr.Items) {
				t.Errorf("%s: triage total %d for %d items: the count includes the hidden confidential letter (does the store apply DocumentFilter.ConfidentialCases?)", user, tr.Total, len(tr.Items))
			}
		}

		// Parties, the letter and the visit of the denunciation.
		if visible(user, "A") && user != uAdmin {
			ps := decode[struct {
				Parties []map[string]any `json:"parties"`
			}](t, e.get(user, "/api/v1/cases/"+w.tc.Code+"/parties", 200))
			secrets := 0
			for _, p := range ps.Parties {
				if p["secret"] != true {
					continue
				}
				secrets++
				if user == uGranted {
					if p["redacted"] != false || p["name"] != denouncer.Name || p["id_number"] != denouncer.IDNumber || p["phone"] != denouncer.Phone {
						t.Errorf("%s: the granted user sees the denouncer as %v", user, p)
					}
					continue
				}
				if p["redacted"] != true {
					t.Errorf("%s: the denouncer is not marked redacted: %v", user, p)
				}
				for _, k := range []string{"name", "id_number", "address", "phone", "note"} {
					if _, ok := p[k]; ok {
						t.Errorf("%s: a redacted party has the field %q: %v", user, k, p)
					}
				}
			}
			if secrets != 1 {
				t.Errorf("%s: %d protected parties, want the denouncer", user, secrets)
			}
			pet := decode[map[string]any](t, e.get(user, fmt.Sprintf("/api/v1/petitions/%d", w.petA.ID), 200))
			if user == uGranted {
				if who, _ := pet["petitioner"].(map[string]any); who["name"] != denouncer.Name || pet["redacted"] != false {
					t.Errorf("%s: the granted user sees the letter as %v", user, pet)
				}
			} else if _, ok := pet["petitioner"]; ok || pet["redacted"] != true {
				t.Errorf("%s: the letter shows its sender: %v", user, pet)
			}
			rec := decode[map[string]any](t, e.get(user, fmt.Sprintf("/api/v1/receptions/%d", w.recA.ID), 200))
			if _, ok := rec["visitors"]; ok || rec["redacted"] != true {
				t.Errorf("%s: the visit opened no case, so nobody is granted its visitors: %v", user, rec)
			}
		}
	}
}

// checkGrantedReads: the granted user sees the identity, and each such read is in
// the audit trail (no record, no read).
func checkGrantedReads(t *testing.T, e *env, w *world) {
	id := e.users[uGranted].ID
	before := e.auditOf(id)
	if body := e.get(uGranted, "/api/v1/cases/"+w.tc.Code+"/parties", 200); secretIn(string(body)) == "" {
		t.Errorf("the granted user does not see the denouncer among the parties: %s", body)
	}
	e.get(uGranted, "/api/v1/documents/"+w.docConf.ID, 200)
	if body := e.get(uGranted, "/api/v1/documents/"+w.docConf.ID+"/text", 200); !strings.Contains(string(body), denouncer.Name) {
		t.Errorf("the granted user's text of the letter: %s", body)
	}
	if body := e.get(uGranted, "/api/v1/documents/"+w.docConf.ID+"/original", 200); !strings.Contains(string(body), denouncer.Name) {
		t.Errorf("the granted user's original of the letter: %s", body)
	}
	e.get(uGranted, fmt.Sprintf("/api/v1/petitions/%d", w.petA.ID), 200)
	after := e.auditOf(id)
	for _, c := range []struct {
		action, object string
		n              int
	}{
		{cases.ActionSecretRead, "case:" + w.tc.Code, 1},
		{cases.ActionRead, "document:" + w.docConf.ID, 1},     // the metadata
		{cases.ActionDownload, "document:" + w.docConf.ID, 2}, // the text and the original
		{cases.ActionSecretRead, fmt.Sprintf("petition:%d", w.petA.ID), 1},
	} {
		if got := count(after, c.action, c.object) - count(before, c.action, c.object); got != c.n {
			t.Errorf("%d new %s entries on %s, want %d", got, c.action, c.object, c.n)
		}
	}

	// An ungranted user's read of an ordinary document's metadata records
	// nothing; every download of any kind is recorded, with its kind.
	hid := e.users[uHandler].ID
	before = e.auditOf(hid)
	e.get(uHandler, "/api/v1/documents/"+w.docA.ID, 200)
	for _, kind := range []string{"pdf", "original", "text"} {
		e.get(uHandler, "/api/v1/documents/"+w.docA.ID+"/"+kind, 200)
	}
	after = e.auditOf(hid)
	if n := count(after, cases.ActionRead, "document:"+w.docA.ID) - count(before, cases.ActionRead, "document:"+w.docA.ID); n != 0 {
		t.Errorf("reading an ordinary document made %d read entries", n)
	}
	var kinds []string
	for _, x := range after[len(before):] {
		if x.Action == cases.ActionDownload && x.Object == "document:"+w.docA.ID {
			kinds = append(kinds, x.Detail)
			if x.Unit != w.docA.UnitCode {
				t.Errorf("download entry %d of unit %q, want the document's %q", x.Seq, x.Unit, w.docA.UnitCode)
			}
		}
	}
	if strings.Join(kinds, ",") != "pdf,original,text" {
		t.Errorf("downloads recorded as %q, want pdf,original,text", kinds)
	}

	// Revoked, the grant shows nothing any more.
	if err := e.svc.Revoke(e.ctx, e.actor(uLeader), w.tc.Code, id); err != nil {
		t.Fatal(err)
	}
	e.get(uGranted, "/api/v1/documents/"+w.docConf.ID, 404)
	if body := e.get(uGranted, "/api/v1/cases/"+w.tc.Code+"/parties", 200); secretIn(string(body)) != "" {
		t.Errorf("after the grant was revoked the parties still show the denouncer: %s", body)
	}
}

// checkNoLeak looks at every response the tests received and every log line.
func checkNoLeak(t *testing.T, e *env) {
	granted := 0
	for _, x := range e.seen {
		if x.status >= 500 {
			t.Errorf("%s as %s: %d %s", x.label, x.user, x.status, x.body)
		}
		piece := secretIn(string(x.body))
		if piece == "" {
			continue
		}
		if x.user != uGranted {
			t.Errorf("%s as %s (%d) shows %q of the denouncer: %.400s", x.label, x.user, x.status, piece, x.body)
			continue
		}
		granted++
	}
	if granted == 0 {
		t.Error("no response to the granted user showed the denouncer: the check above proves nothing")
	}
	logs := e.logs.String()
	for _, line := range strings.Split(logs, "\n") {
		if piece := secretIn(line); piece != "" {
			t.Errorf("a log line shows %q of the denouncer: %s", piece, line)
		}
	}
	if !strings.Contains(logs, `"msg"`) && len(e.seen) > 0 {
		// The logger is wired: an upload logs a line. Without any line the check
		// above would prove nothing.
		t.Errorf("no log line captured")
	}
	t.Logf("checked %d responses and %d bytes of logs", len(e.seen), len(logs))
}
