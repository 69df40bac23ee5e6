package web_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
)

// TestPagesRetract: a leader retracts a document from the viewer's "Thu hồi"
// form (a reason is required: without one the form comes back with the problem
// next to the field); the document leaves the viewer and its case, and the list
// of retracted documents says who, when, why and until when its files are kept.
// An administrator retracts by ID from that list and purges after a
// confirmation step; a decision kept write-once is refused with the reason
// shown, and its files stay. Handlers and clerks get neither form nor page.
func TestPagesRetract(t *testing.T) {
	e := newEnv(t)
	c, _, err := e.svc.CreateCase(e.ctx, e.actor(uLeader), cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost,
		ReceivedOn: date("2026-03-02"), Subject: "Khiếu nại việc thu hồi đất", UnitID: e.units["A"].ID})
	if err != nil {
		t.Fatal(err)
	}
	keep := e.document(docSpec{unit: "A", caseCode: c.Code, kind: "don_khieu_nai", pages: []string{"ĐƠN KHIẾU NẠI\nKính gửi: UBND huyện A"}, finish: true})
	wrong := e.document(docSpec{unit: "A", caseCode: c.Code, kind: "don_khieu_nai", filename: "don-xa-khac.pdf",
		pages: []string{"ĐƠN KHIẾU NẠI của bà Lê Thị Thuý, công dân xã khác"}, finish: true})
	byID := e.document(docSpec{unit: "A", caseCode: c.Code, kind: "cong_van", pages: []string{"CÔNG VĂN\nV/v gửi nhầm"}, finish: true})
	decision := e.document(docSpec{unit: "A", caseCode: c.Code, kind: "quyet_dinh_giai_quyet_khieu_nai", number: "20/QĐ-UBND",
		pages: []string{"QUYẾT ĐỊNH\nVề việc giải quyết khiếu nại"}, finish: true})
	worm := &cases.WORM{Blobs: e.blobs, Years: 10, Now: func() time.Time { return testNow }}
	if err := worm.Retain(e.ctx, decision); err != nil {
		t.Fatal(err)
	}
	srv := e.pageServer()
	leader, clerk, admin := newPageClientAs(t, srv, uLeader), newPageClientAs(t, srv, uClerk), newPageClientAs(t, srv, uAdmin)
	viewer := "/documents/" + wrong.ID

	// The form is a leader's; a clerk sees none and is refused.
	if _, body, _ := leader.get(viewer); !strings.Contains(body, `action="/documents/`+wrong.ID+`/retract"`) || !strings.Contains(body, "Thu hồi tài liệu") {
		t.Fatalf("the leader's viewer has no retract form:\n%s", body)
	}
	if _, body, _ := clerk.get(viewer); strings.Contains(body, "/retract") {
		t.Errorf("a clerk's viewer offers the retract form")
	}
	if code, _, _ := clerk.post(viewer+"/retract", url.Values{"reason": {"nhầm"}}); code != http.StatusForbidden {
		t.Errorf("a clerk retracts: %d, want 403", code)
	}
	// Without the form token: refused, as every form.
	if code, _, _ := leader.post(viewer+"/retract", url.Values{"reason": {"nhầm"}, "csrf": {"sai"}}); code != http.StatusForbidden {
		t.Errorf("retract with a wrong form token: %d, want 403", code)
	}
	// Without a reason: the problem next to the field.
	code, body, _ := leader.post(viewer+"/retract", url.Values{"reason": {"   "}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="retract-reason-error"`) || !strings.Contains(body, `aria-invalid="true"`) {
		t.Fatalf("retract without a reason: %d\n%s", code, body)
	}
	reason := "Đơn của bà Lê Thị Thuý, công dân xã khác, gửi nhầm"
	code, _, res := leader.post(viewer+"/retract", url.Values{"reason": {reason}})
	if code != http.StatusSeeOther || res.Header.Get("Location") != "/admin/retractions?done=retracted&id="+wrong.ID {
		t.Fatalf("retract: %d %s", code, res.Header.Get("Location"))
	}
	if code, _, _ := leader.get(viewer); code != http.StatusNotFound {
		t.Errorf("the retracted document's viewer: %d, want 404", code)
	}
	if _, body, _ := leader.get("/cases/" + c.Code); strings.Contains(body, wrong.ID) || !strings.Contains(body, keep.ID) {
		t.Errorf("the case page after the retraction: want %s only\n%s", keep.ID, body)
	}
	code, body, _ = leader.get("/admin/retractions?done=retracted&id=" + wrong.ID)
	if code != http.StatusOK || !strings.Contains(body, "Đã thu hồi tài liệu "+wrong.ID) || !strings.Contains(body, reason) ||
		!strings.Contains(body, uLeader) || !strings.Contains(body, "Đến khi xoá hẳn") || strings.Contains(body, "/purge") {
		t.Fatalf("the leader's list of retracted documents: %d\n%s", code, body)
	}
	if strings.Contains(body, "don-xa-khac.pdf") {
		t.Errorf("the list names the retracted file")
	}

	// The administrator retracts by ID: the problems next to their fields first.
	admin.get("/admin/retractions")
	for _, tc := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"id": {""}, "reason": {"nhầm"}}, "rid-id-error"},
		{url.Values{"id": {"khong-co"}, "reason": {"nhầm"}}, "rid-id-error"},
		{url.Values{"id": {byID.ID}, "reason": {""}}, "rid-reason-error"},
	} {
		code, body, _ := admin.post("/admin/retractions", tc.form)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+tc.field+`"`) || strings.Count(body, `class="field-error"`) != 1 {
			t.Errorf("retract by ID %v: %d, want 422 with %s only\n%s", tc.form, code, tc.field, body)
		}
	}
	if code, _, res := admin.post("/admin/retractions", url.Values{"id": {byID.ID}, "reason": {"Công văn gửi nhầm đơn vị"}}); code != http.StatusSeeOther ||
		!strings.HasPrefix(res.Header.Get("Location"), "/admin/retractions?done=retracted") {
		t.Fatalf("retract by ID: %d %s", code, res.Header.Get("Location"))
	}
	if _, err := e.svc.Retract(e.ctx, e.actor(uLeader), decision.ID, "Nhầm hồ sơ"); err != nil {
		t.Fatal(err)
	}

	// The administrator's list: a purge button for each but the write-once decision.
	_, body, _ = admin.get("/admin/retractions")
	for _, id := range []string{wrong.ID, byID.ID} {
		if !strings.Contains(body, `href="/admin/retractions/`+id+`/purge"`) {
			t.Errorf("no purge button for %s", id)
		}
	}
	if strings.Contains(body, `href="/admin/retractions/`+decision.ID+`/purge"`) || !strings.Contains(body, "Lưu giữ không sửa xoá đến 10/03/2036") {
		t.Errorf("the write-once decision in the list:\n%s", body)
	}
	// The leader may not purge.
	if code, _, _ := leader.get("/admin/retractions/" + wrong.ID + "/purge"); code != http.StatusForbidden {
		t.Errorf("a leader's purge page: %d, want 403", code)
	}
	if code, _, _ := leader.post("/admin/retractions/"+wrong.ID+"/purge", url.Values{}); code != http.StatusForbidden {
		t.Errorf("a leader purges: %d, want 403", code)
	}

	// The write-once decision: no confirmation, and the service's refusal shown.
	if _, body, _ := admin.get("/admin/retractions/" + decision.ID + "/purge"); strings.Contains(body, `action="/admin/retractions/`+decision.ID+`/purge"`) ||
		!strings.Contains(body, "Không xoá được") {
		t.Errorf("the purge page of the write-once decision:\n%s", body)
	}
	code, body, _ = admin.post("/admin/retractions/"+decision.ID+"/purge", url.Values{})
	if code != http.StatusConflict || !strings.Contains(body, "không xoá được") || !strings.Contains(body, `class="alert"`) {
		t.Errorf("purge of the write-once decision: %d\n%s", code, body)
	}
	if _, err := e.blobs.Stat(e.ctx, ingest.OriginalKey(decision.SHA256)); err != nil {
		t.Errorf("the decision's original after the refused purge: %v", err)
	}

	// The purge: a confirmation step, then the files are gone.
	code, body, _ = admin.get("/admin/retractions/" + wrong.ID + "/purge")
	if code != http.StatusOK || !strings.Contains(body, `action="/admin/retractions/`+wrong.ID+`/purge"`) || !strings.Contains(body, reason) {
		t.Fatalf("the confirmation step: %d\n%s", code, body)
	}
	if _, err := e.blobs.Stat(e.ctx, ingest.OriginalKey(wrong.SHA256)); err != nil {
		t.Fatalf("the original before the confirmation: %v", err)
	}
	code, _, res = admin.post("/admin/retractions/"+wrong.ID+"/purge", url.Values{})
	if code != http.StatusSeeOther || res.Header.Get("Location") != "/admin/retractions?done=purged&id="+wrong.ID {
		t.Fatalf("purge: %d %s", code, res.Header.Get("Location"))
	}
	for _, key := range []string{ingest.OriginalKey(wrong.SHA256), ingest.ArchiveKey(wrong.SHA256, wrong.Pipeline)} {
		if _, err := e.blobs.Stat(e.ctx, key); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("%s after the purge: %v, want not found", key, err)
		}
	}
	if _, body, _ := admin.get("/admin/retractions?purged=1"); !strings.Contains(body, wrong.ID) || !strings.Contains(body, "Đã xoá hẳn lúc") || strings.Contains(body, byID.ID) {
		t.Errorf("the purged list:\n%s", body)
	}

	// Nobody else has the page; the nav entry is the leaders' and administrators'.
	for _, u := range []string{uHandler, uClerk} {
		c := newPageClientAs(t, srv, u)
		if code, _, _ := c.get("/admin/retractions"); code != http.StatusForbidden {
			t.Errorf("%s: the list of retracted documents: %d, want 403", u, code)
		}
		if _, body, _ := c.get("/"); strings.Contains(body, `href="/admin/retractions"`) {
			t.Errorf("%s has the nav entry", u)
		}
	}
	if _, body, _ := admin.get("/"); !strings.Contains(body, `href="/admin/retractions"`) {
		t.Errorf("the administrator has no nav entry")
	}

	// Audited: who retracted and purged which document.
	for _, tc := range []struct {
		user, action, object string
	}{
		{uLeader, cases.ActionRetract, "document:" + wrong.ID},
		{uAdmin, cases.ActionRetract, "document:" + byID.ID},
		{uAdmin, cases.ActionPurge, "document:" + wrong.ID},
	} {
		if n := count(e.auditOf(e.users[tc.user].ID), tc.action, tc.object); n != 1 {
			t.Errorf("%s %s %s: %d audit entries, want 1", tc.user, tc.action, tc.object, n)
		}
	}
	if n := count(e.auditOf(e.users[uAdmin].ID), cases.ActionPurge, "document:"+decision.ID); n != 0 {
		t.Errorf("the refused purge was audited as done: %d", n)
	}
}
