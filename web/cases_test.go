package web_test

import (
	"fmt"
	"strings"
	"testing"

	"kntc/cases"
)

type caseOut struct {
	ID          int64  `json:"id"`
	Code        string `json:"code"`
	Kind        string `json:"kind"`
	Source      string `json:"source"`
	Subject     string `json:"subject"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Result      string `json:"result"`
	ReceivedOn  string `json:"received_on"`
	AcceptedOn  string `json:"accepted_on"`
	DueOn       string `json:"due_on"`
	DueSoon     bool   `json:"due_soon"`
	Overdue     bool   `json:"overdue"`
	Version     int    `json:"version"`
	PIN         string `json:"pin"`
}

type errorOut struct {
	Error string `json:"error"`
}

// createCase opens a first complaint in district A as user and returns it.
func createCase(t *testing.T, e *env, user, received string) caseOut {
	t.Helper()
	body := e.must(user, call{method: "POST", path: "/api/v1/cases", body: map[string]any{
		"kind": "khieu_nai", "source": "truc_tiep", "received_on": received,
		"subject": "Khiếu nại quyết định thu hồi đất của UBND xã", "summary": "Bà Năm khiếu nại mức bồi thường.",
		"parties": []map[string]string{{"role": "petitioner", "name": "Đặng Thị Năm", "id_number": "072999888777"}},
	}}, 201)
	return decode[caseOut](t, body)
}

// TestCasePINIsShownOnce: the citizen's lookup PIN is in the answer that creates
// the case and in no other; a new one replaces it.
func TestCasePINIsShownOnce(t *testing.T) {
	e := newEnv(t)
	c := createCase(t, e, uClerk, "2026-03-02")
	if len(c.PIN) != cases.PINDigits || strings.Trim(c.PIN, "0123456789") != "" {
		t.Fatalf("PIN %q, want %d digits", c.PIN, cases.PINDigits)
	}
	if c.Status != "tiep_nhan" || c.Version != 1 || c.DueOn != "2026-03-12" || !c.DueSoon || c.Overdue {
		t.Errorf("new case %+v: want tiep_nhan, version 1, accept by 2026-03-12 (due soon on 2026-03-10)", c)
	}
	if _, err := e.svc.Lookup(e.ctx, c.Code, c.PIN); err != nil {
		t.Fatalf("the PIN shown does not open the case: %v", err)
	}
	for _, path := range []string{"/api/v1/cases/" + c.Code, "/api/v1/cases", "/api/v1/deadlines"} {
		body := string(e.get(uClerk, path, 200))
		if strings.Contains(body, `"pin"`) || strings.Contains(body, "pin_hash") || strings.Contains(body, "argon2") {
			t.Errorf("GET %s shows the PIN or its hash: %s", path, body)
		}
	}
	fresh := decode[struct {
		PIN string `json:"pin"`
	}](t, e.must(uClerk, call{method: "POST", path: "/api/v1/cases/" + c.Code + "/pin"}, 200))
	if _, err := e.svc.Lookup(e.ctx, c.Code, fresh.PIN); err != nil {
		t.Errorf("the new PIN does not open the case: %v", err)
	}
	if _, err := e.svc.Lookup(e.ctx, c.Code, c.PIN); err == nil && fresh.PIN != c.PIN {
		t.Errorf("the old PIN still opens the case")
	}
}

// TestCaseWorkflow moves a case through the workflow, and checks the refusals: a
// step the workflow does not have (422 with the reason), a stale version (409), a
// role that may not make the step (403 naming the role).
func TestCaseWorkflow(t *testing.T) {
	e := newEnv(t)
	c := createCase(t, e, uHandler, "2026-03-02")
	move := func(user, to string, version int, extra map[string]any) (int, []byte) {
		body := map[string]any{"to": to, "version": version}
		for k, v := range extra {
			body[k] = v
		}
		return e.do(user, call{method: "POST", path: "/api/v1/cases/" + c.Code + "/transitions", body: body})
	}
	version := c.Version
	for _, step := range []struct {
		to    string
		extra map[string]any
	}{
		{"phan_loai", nil},
		{"xu_ly_don", map[string]any{"note": "đủ điều kiện, thuộc thẩm quyền"}},
		{"thu_ly", map[string]any{"on": "2026-03-05"}},
	} {
		code, body := move(uHandler, step.to, version, step.extra)
		if code != 200 {
			t.Fatalf("→ %s: %d %s", step.to, code, body)
		}
		got := decode[caseOut](t, body)
		if got.Status != step.to || got.Version != version+1 {
			t.Fatalf("→ %s: status %s version %d", step.to, got.Status, got.Version)
		}
		version = got.Version
	}
	got := decode[caseOut](t, e.get(uHandler, "/api/v1/cases/"+c.Code, 200))
	if got.AcceptedOn != "2026-03-05" || got.DueOn != "2026-04-04" || got.StatusLabel != "Thụ lý" {
		t.Errorf("after thụ lý: accepted %s, due %s, label %q; want 2026-03-05, 2026-04-04 (30 days), Thụ lý", got.AcceptedOn, got.DueOn, got.StatusLabel)
	}

	// Publishing before any decision is not a step of the workflow.
	code, body := move(uLeader, "cong_khai", version, nil)
	if msg := decode[errorOut](t, body).Error; code != 422 || !strings.Contains(msg, "không thể chuyển") || !strings.Contains(msg, "not a step of the workflow") {
		t.Errorf("thụ lý → công khai: %d %s, want 422 with the reason", code, body)
	}
	// Deciding a complaint needs its result.
	code, body = move(uHandler, "ket_luan", version, nil)
	if code != 422 {
		t.Errorf("thụ lý → kết luận without a result: %d %s, want 422", code, body)
	}
	// A date in the future is refused.
	code, body = move(uHandler, "xac_minh", version, map[string]any{"on": "2026-04-01"})
	if code != 422 {
		t.Errorf("a step dated in the future: %d %s, want 422", code, body)
	}
	// A clerk registers and classifies; verifying is not theirs.
	code, body = move(uClerk, "xac_minh", version, nil)
	if msg := decode[errorOut](t, body).Error; code != 403 || !strings.Contains(msg, "Văn thư") {
		t.Errorf("a clerk starting the verification: %d %s, want 403 naming the role", code, body)
	}
	// Someone else moved the case meanwhile: the stale version is refused.
	if code, body := move(uHandler, "xac_minh", version, nil); code != 200 {
		t.Fatalf("→ xac_minh: %d %s", code, body)
	}
	code, body = move(uHandler, "ket_luan", version, map[string]any{"result": "dung_mot_phan"})
	if code != 409 || !strings.Contains(decode[errorOut](t, body).Error, "đã được người khác sửa") {
		t.Errorf("a transition with a stale version: %d %s, want 409", code, body)
	}
	code, body = e.do(uHandler, call{method: "PATCH", path: "/api/v1/cases/" + c.Code, body: map[string]any{"version": version, "complex": true}})
	if code != 409 {
		t.Errorf("a change with a stale version: %d %s, want 409", code, body)
	}
	code, body = e.do(uHandler, call{method: "PATCH", path: "/api/v1/cases/" + c.Code, body: map[string]any{"complex": true}})
	if code != 422 {
		t.Errorf("a change without a version: %d %s, want 422", code, body)
	}
	// With the version read, a complex case gets 45 days.
	got = decode[caseOut](t, e.must(uHandler, call{method: "PATCH", path: "/api/v1/cases/" + c.Code,
		body: map[string]any{"version": version + 1, "complex": true}}, 200))
	if got.DueOn != "2026-04-19" {
		t.Errorf("a complex first complaint is due %s, want 2026-04-19 (45 days)", got.DueOn)
	}
	// Assigning is a leader's.
	code, body = e.do(uHandler, call{method: "PATCH", path: "/api/v1/cases/" + c.Code,
		body: map[string]any{"version": got.Version, "handler_id": e.users[uHandler].ID}})
	if code != 403 {
		t.Errorf("a handler assigning: %d %s, want 403", code, body)
	}
}

type petitionOut struct {
	ID          int64          `json:"id"`
	DuplicateOf int64          `json:"duplicate_of"`
	Redacted    bool           `json:"redacted"`
	Secret      bool           `json:"secret"`
	Petitioner  map[string]any `json:"petitioner"`
	CaseID      int64          `json:"case_id"`
	Handling    string         `json:"handling"`
}

// TestPetitionDuplicates registers letters through the API: the same petitioner
// (name written with or without diacritics, same ID number) about the same matter
// is a duplicate of the first letter; another matter is not.
func TestPetitionDuplicates(t *testing.T) {
	e := newEnv(t)
	registerAs := func(user, name, id, kind, subject string) petitionOut {
		t.Helper()
		return decode[petitionOut](t, e.must(user, call{method: "POST", path: "/api/v1/petitions", body: map[string]any{
			"source": "buu_chinh", "kind": kind, "received_on": "2026-03-03", "subject": subject,
			"petitioner": map[string]string{"name": name, "id_number": id, "address": "ấp 3, xã Tân Bình"},
		}}, 201))
	}
	register := func(name, id, kind, subject string) petitionOut {
		t.Helper()
		return registerAs(uClerk, name, id, kind, subject)
	}
	first := register("Trần Thị Lặp", "072111222333", "khieu_nai", "Khiếu nại về việc bồi thường đất nông nghiệp khi thu hồi")
	if first.DuplicateOf != 0 || first.Petitioner["name"] != "Trần Thị Lặp" || first.Redacted {
		t.Fatalf("first letter: %+v", first)
	}
	again := register("TRAN THI LAP", "072111222333", "khieu_nai", "Khiếu nại việc bồi thường đất nông nghiệp khi thu hồi đất")
	if again.DuplicateOf != first.ID {
		t.Errorf("the same letter sent again: duplicate_of %d, want %d", again.DuplicateOf, first.ID)
	}
	third := register("Trần Thị Lặp", "072111222333", "khieu_nai", "Kiến nghị sửa chữa đường giao thông nông thôn")
	if third.DuplicateOf != 0 {
		t.Errorf("another matter of the same petitioner: duplicate_of %d, want 0", third.DuplicateOf)
	}
	other := register("Trần Văn Khác", "072444555666", "khieu_nai", "Khiếu nại về việc bồi thường đất nông nghiệp khi thu hồi")
	if other.DuplicateOf != 0 {
		t.Errorf("another petitioner on the same matter: duplicate_of %d, want 0", other.DuplicateOf)
	}
	// A denunciation's sender is sealed at once. The second letter is still found
	// to be the first's duplicate (by blind index, without the plain values), but
	// the link is told to nobody who is not granted: it would say who denounced.
	d1 := register(denouncer.Name, denouncer.IDNumber, "to_cao", "Tố cáo cán bộ thu tiền sai quy định")
	d2 := register(denouncer.Name, denouncer.IDNumber, "to_cao", "Tố cáo cán bộ thu tiền sai quy định của người dân")
	if !d1.Redacted || !d1.Secret || d1.Petitioner != nil || d2.DuplicateOf != 0 {
		t.Errorf("denunciations: %+v then %+v; want redacted, and no duplicate shown", d1, d2)
	}
	if stored, err := e.db.Petition(e.ctx, d2.ID); err != nil || stored.DuplicateOf != d1.ID {
		t.Errorf("stored duplicate of the second denunciation: %d (%v), want %d", stored.DuplicateOf, err, d1.ID)
	}
	// The oracle: someone of another district, and a clerk of this one as a
	// denunciation, register a guessed name (without diacritics) or ID number with
	// the denunciation's subject; they learn nothing.
	for _, g := range []struct{ user, name, id, kind string }{
		{uHandlerB, "luu thi diem huong", "", "khieu_nai"},
		{uHandlerB, "Nguyễn Văn Đoán", denouncer.IDNumber, "to_cao"},
		{uClerk, "luu thi diem huong", "", "to_cao"},
	} {
		if guess := registerAs(g.user, g.name, g.id, g.kind, "Tố cáo cán bộ thu tiền sai quy định"); guess.DuplicateOf != 0 {
			t.Errorf("%s's guess %+v is confirmed: duplicate_of %d", g.user, g, guess.DuplicateOf)
		}
	}
	list := decode[struct {
		Total     int           `json:"total"`
		Petitions []petitionOut `json:"petitions"`
	}](t, e.get(uInspector, "/api/v1/petitions", 200))
	dups := map[int64]int64{}
	for _, p := range list.Petitions {
		dups[p.ID] = p.DuplicateOf
	}
	if list.Total != 7 || dups[again.ID] != first.ID || dups[d2.ID] != 0 || dups[third.ID] != 0 || len(dups) != 7 {
		t.Errorf("the register lists %d letters with duplicates %v", list.Total, dups)
	}
	for _, x := range e.seen {
		if strings.Contains(x.label, "GET") && secretIn(string(x.body)) != "" {
			t.Errorf("%s shows the denouncer: %s", x.label, x.body)
		}
	}
}

// TestReceptionOpensCase records a visit and opens a case from it: the visitors
// become petitioners, the visit points at the case, and only once.
func TestReceptionOpensCase(t *testing.T) {
	e := newEnv(t)
	rec := decode[struct {
		ID        int64 `json:"id"`
		GroupSize int   `json:"group_size"`
	}](t, e.must(uClerk, call{method: "POST", path: "/api/v1/receptions", body: map[string]any{
		"kind": "khieu_nai", "content": "Khiếu nại việc cấp giấy phép xây dựng cho hộ liền kề", "outcome": "tiep_nhan_don",
		"visitors": []map[string]string{{"name": "Võ Văn Đến", "phone": "0903000111"}, {"name": "Võ Thị Cùng"}},
	}}, 201))
	if rec.GroupSize != 2 {
		t.Errorf("group size %d, want the 2 visitors", rec.GroupSize)
	}
	path := fmt.Sprintf("/api/v1/receptions/%d/case", rec.ID)
	out := decode[struct {
		Case      caseOut `json:"case"`
		PIN       string  `json:"pin"`
		Reception struct {
			CaseID  int64  `json:"case_id"`
			Outcome string `json:"outcome"`
		} `json:"reception"`
	}](t, e.must(uClerk, call{method: "POST", path: path}, 201))
	if out.Case.Source != "truc_tiep" || out.Case.Kind != "khieu_nai" || out.Case.Subject != "Khiếu nại việc cấp giấy phép xây dựng cho hộ liền kề" ||
		out.Case.ReceivedOn != "2026-03-10" || len(out.PIN) != cases.PINDigits {
		t.Errorf("case opened from the visit: %+v (pin %q)", out.Case, out.PIN)
	}
	if out.Reception.CaseID != out.Case.ID || out.Reception.Outcome != cases.OutcomeCaseOpened {
		t.Errorf("the visit after opening its case: %+v, want case %d and outcome %s", out.Reception, out.Case.ID, cases.OutcomeCaseOpened)
	}
	ps := decode[struct {
		Parties []struct {
			Role string `json:"role"`
			Name string `json:"name"`
		} `json:"parties"`
	}](t, e.get(uHandler, "/api/v1/cases/"+out.Case.Code+"/parties", 200))
	if len(ps.Parties) != 2 || ps.Parties[0].Role != "petitioner" || ps.Parties[0].Name != "Võ Văn Đến" {
		t.Errorf("parties of the case: %+v, want the two visitors as petitioners", ps.Parties)
	}
	if code, body := e.do(uClerk, call{method: "POST", path: path}); code != 409 {
		t.Errorf("opening a second case from the same visit: %d %s, want 409", code, body)
	}
	// A handler reads the log but does not keep it.
	if code, _ := e.do(uHandler, call{method: "POST", path: "/api/v1/receptions", body: map[string]any{"content": "x", "visitors": []map[string]string{{"name": "A"}}}}); code != 403 {
		t.Errorf("a handler recording a visit: %d, want 403", code)
	}
}

// TestTriageAndLinkAcceptsCase: a stored quyết định thụ lý that names a case is in
// the triage inbox with that case suggested; linking it accepts the case on the
// decision's date and starts the 30 days of a first complaint.
func TestTriageAndLinkAcceptsCase(t *testing.T) {
	e := newEnv(t)
	c := createCase(t, e, uLeader, "2026-03-02")
	d := e.document(docSpec{unit: "A", kind: "quyet_dinh_thu_ly", number: "15/QĐ-UBND", date: "2026-03-05",
		pages: []string{"QUYẾT ĐỊNH\nVề việc thụ lý giải quyết khiếu nại lần đầu\nHồ sơ số " + c.Code + "."}})
	if err := e.svc.Finish(e.ctx, &d); err != nil { // what the pipeline does for an unlinked document
		t.Fatal(err)
	}
	type triageOut struct {
		Total int `json:"total"`
		Items []struct {
			Document struct {
				ID   string `json:"id"`
				Kind string `json:"kind"`
			} `json:"document"`
			Suggestions []struct {
				Case   string  `json:"case"`
				Reason string  `json:"reason"`
				Detail string  `json:"detail"`
				Score  float64 `json:"score"`
			} `json:"suggestions"`
		} `json:"items"`
	}
	tr := decode[triageOut](t, e.get(uClerk, "/api/v1/triage", 200))
	if tr.Total != 1 || len(tr.Items) != 1 || tr.Items[0].Document.ID != d.ID || len(tr.Items[0].Suggestions) == 0 {
		t.Fatalf("triage: %+v, want the decision with a suggestion", tr)
	}
	if sg := tr.Items[0].Suggestions[0]; sg.Case != c.Code || sg.Reason != "code_in_text" || sg.Detail != c.Code || sg.Score != 1 {
		t.Errorf("suggestion %+v, want %s because its text names it", sg, c.Code)
	}
	// Out of district A's scope, neither the document nor the suggestion shows.
	if other := decode[triageOut](t, e.get(uHandlerB, "/api/v1/triage", 200)); other.Total != 0 || len(other.Items) != 0 {
		t.Errorf("district B's inbox: %+v", other)
	}

	linked := decode[struct {
		Case string `json:"case"`
		Kind string `json:"kind"`
	}](t, e.must(uClerk, call{method: "POST", path: "/api/v1/documents/" + d.ID + "/link", body: map[string]any{"case": c.Code}}, 200))
	if linked.Case != c.Code || linked.Kind != "quyet_dinh_thu_ly" {
		t.Errorf("linked document: %+v", linked)
	}
	got := decode[caseOut](t, e.get(uClerk, "/api/v1/cases/"+c.Code, 200))
	if got.Status != "thu_ly" || got.AcceptedOn != "2026-03-05" || got.DueOn != "2026-04-04" {
		t.Errorf("after linking the thụ lý decision: status %s, accepted %s, due %s; want thu_ly, 2026-03-05, 2026-04-04", got.Status, got.AcceptedOn, got.DueOn)
	}
	evs := decode[struct {
		Events []struct {
			Type       string `json:"type"`
			To         string `json:"to"`
			DocumentID string `json:"document_id"`
		} `json:"events"`
	}](t, e.get(uClerk, "/api/v1/cases/"+c.Code+"/events", 200))
	var linkedEv, moved bool
	for _, ev := range evs.Events {
		linkedEv = linkedEv || ev.Type == cases.EventLinked && ev.DocumentID == d.ID
		moved = moved || ev.Type == cases.EventTransition && ev.To == "thu_ly" && ev.DocumentID == d.ID
	}
	if !linkedEv || !moved {
		t.Errorf("timeline %+v: want the link and the move by the document", evs.Events)
	}
	if tr := decode[triageOut](t, e.get(uClerk, "/api/v1/triage", 200)); tr.Total != 0 {
		t.Errorf("the linked document is still in the inbox: %+v", tr)
	}
	docs := decode[struct {
		Total int `json:"total"`
	}](t, e.get(uClerk, "/api/v1/cases/"+c.Code+"/documents", 200))
	if docs.Total != 1 {
		t.Errorf("the case has %d documents, want 1", docs.Total)
	}

	// A wrong kind is refused; unlinking keeps the case's dates.
	if code, body := e.do(uClerk, call{method: "POST", path: "/api/v1/documents/" + d.ID + "/link", body: map[string]any{"case": c.Code, "kind": "thu_moi"}}); code != 422 {
		t.Errorf("an unknown document kind: %d %s, want 422", code, body)
	}
	e.must(uClerk, call{method: "DELETE", path: "/api/v1/documents/" + d.ID + "/link"}, 200)
	if got := decode[caseOut](t, e.get(uClerk, "/api/v1/cases/"+c.Code, 200)); got.Status != "thu_ly" || got.AcceptedOn != "2026-03-05" {
		t.Errorf("after unlinking: %+v", got)
	}
}

// TestCoverSheet prints a case's cover sheet as a PDF.
func TestCoverSheet(t *testing.T) {
	e := newEnv(t)
	c := createCase(t, e, uClerk, "2026-03-02")
	code, body := e.do(uClerk, call{method: "GET", path: "/api/v1/cases/" + c.Code + "/cover.pdf?kind=bien_ban_doi_thoai"})
	if code != 200 || !strings.HasPrefix(string(body), "%PDF-") {
		t.Fatalf("cover sheet: %d %.100q", code, body)
	}
	if code, body := e.do(uClerk, call{method: "GET", path: "/api/v1/cases/" + c.Code + "/cover.pdf?kind=thu_moi"}); code != 422 {
		t.Errorf("an unknown kind: %d %s, want 422", code, body)
	}
}

// TestAuditTrail lists the audit trail and verifies its chain through the API,
// then finds an edited entry.
func TestAuditTrail(t *testing.T) {
	e := newEnv(t)
	c := createCase(t, e, uClerk, "2026-03-02")
	entries := decode[struct {
		Entries []struct {
			Seq      int64  `json:"seq"`
			Username string `json:"username"`
			Action   string `json:"action"`
			Object   string `json:"object"`
			Hash     string `json:"hash"`
		} `json:"entries"`
	}](t, e.get(uInspector, "/api/v1/audit?object=case:"+c.Code, 200))
	if len(entries.Entries) < 2 || entries.Entries[0].Action != cases.ActionCreate || entries.Entries[0].Username != uClerk {
		t.Errorf("audit of the new case: %+v, want its creation by %s and its party", entries.Entries, uClerk)
	}
	type verifyOut struct {
		Entries int64  `json:"entries"`
		OK      bool   `json:"ok"`
		Error   string `json:"error"`
	}
	// Until the server anchors the chain, the keyed trail cannot be shown intact.
	if v := decode[verifyOut](t, e.get(uAdmin, "/api/v1/audit/verify", 200)); v.OK || !strings.Contains(v.Error, "no signed anchor") {
		t.Errorf("verify before any anchor: %+v, want 'no signed anchor'", v)
	}
	an := e.anchor()
	v := decode[verifyOut](t, e.get(uAdmin, "/api/v1/audit/verify", 200))
	if !v.OK || v.Entries < 2 || v.Error != "" {
		t.Errorf("verify: %+v, want ok", v)
	}
	anchors := decode[struct {
		Anchors []struct {
			Object string `json:"object"`
			Seq    int64  `json:"seq"`
			Hash   string `json:"hash"`
			MAC    string `json:"mac"`
		} `json:"anchors"`
	}](t, e.get(uInspector, "/api/v1/audit/anchors", 200))
	if len(anchors.Anchors) != 1 || anchors.Anchors[0].Seq != an.Seq || anchors.Anchors[0].Hash != an.Hash ||
		anchors.Anchors[0].MAC != an.MAC || anchors.Anchors[0].Object != cases.AnchorObject(an.Seq) {
		t.Errorf("exported anchors: %+v, want the one written (%+v)", anchors.Anchors, an)
	}
	if code, _ := e.do(uClerk, call{method: "GET", path: "/api/v1/audit/anchors"}); code != 403 {
		t.Errorf("a clerk exporting the anchors: %d, want 403", code)
	}
	if code, body := e.do(uClerk, call{method: "GET", path: "/api/v1/audit/verify"}); code != 403 || !strings.Contains(string(body), "không") {
		t.Errorf("a clerk verifying the audit trail: %d %s, want 403", code, body)
	}
	// Edited behind the triggers' back, the chain breaks at that entry.
	seq := entries.Entries[0].Seq
	if _, err := e.db.SQL().ExecContext(e.ctx, `DROP TRIGGER audit_log_no_update`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SQL().ExecContext(e.ctx, `UPDATE audit_log SET detail = 'kind=kien_nghi_phan_anh' WHERE seq = ?`, seq); err != nil {
		t.Fatal(err)
	}
	v = decode[verifyOut](t, e.get(uAdmin, "/api/v1/audit/verify", 200))
	if v.OK || !strings.Contains(v.Error, fmt.Sprint(seq)) {
		t.Errorf("verify after an edit: %+v, want the break at entry %d", v, seq)
	}
}
