package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	"kntc/cases"
)

// denunciationIn opens a denunciation in unit with the denouncer among its
// parties, grants reader on it, and has reader read the parties over the API: a
// secret_read entry of that unit.
func denunciationIn(t *testing.T, e *env, unit, reader string) cases.Case {
	t.Helper()
	lp := e.actor(uLeaderP)
	c, _, err := e.svc.CreateCase(e.ctx, lp, cases.NewCase{Kind: cases.KindDenunciation, Source: cases.SourcePost,
		ReceivedOn: date("2026-03-03"), Subject: "Tố cáo cán bộ địa chính", UnitID: e.units[unit].ID,
		Parties: []cases.Party{{Role: cases.RolePetitioner, Person: denouncer}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Grant(e.ctx, lp, c.Code, e.users[reader].ID); err != nil {
		t.Fatal(err)
	}
	if body := e.get(reader, "/api/v1/cases/"+c.Code+"/parties", 200); secretIn(string(body)) == "" {
		t.Fatalf("the granted %s does not see the denouncer: %s", reader, body)
	}
	return c
}

type auditListOut struct {
	Entries []struct {
		Seq    int64  `json:"seq"`
		Action string `json:"action"`
		Object string `json:"object"`
		Unit   string `json:"unit"`
	} `json:"entries"`
}

// TestAuditScopedByUnit: each audit entry belongs to the unit it concerns, and an
// inspector or administrator of district A sees A's entries only, never who read a
// denouncer's identity in district B, nor entries of no unit; a reader whose
// scope is the whole province sees everything.
func TestAuditScopedByUnit(t *testing.T) {
	e := newEnv(t)
	ca := denunciationIn(t, e, "A", uGranted)
	cb := denunciationIn(t, e, "B", uHandlerB)
	if err := e.svc.Audit(e.ctx, cases.System, cases.ActionExport, "", "no unit"); err != nil {
		t.Fatal(err)
	}
	all, err := e.db.AuditEntries(e.ctx, cases.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	reads := map[string]string{}
	noUnit := 0
	for _, x := range all {
		if x.Action == cases.ActionSecretRead {
			reads[x.Object] = x.Unit
		}
		if x.Unit == "" {
			noUnit++
		}
		if x.Version != cases.AuditV2 {
			t.Errorf("entry %d is version %d, want keyed", x.Seq, x.Version)
		}
	}
	if reads["case:"+ca.Code] != "A" || reads["case:"+cb.Code] != "B" {
		t.Fatalf("secret reads by unit: %v, want %s in A and %s in B", reads, ca.Code, cb.Code)
	}
	if noUnit == 0 {
		t.Fatal("no entry without a unit: the test proves nothing about them")
	}

	for _, user := range []string{uInspector, uAdmin} {
		got := decode[auditListOut](t, e.get(user, "/api/v1/audit?limit=1000", 200))
		sawA := false
		for _, x := range got.Entries {
			if x.Unit != "A" {
				t.Errorf("%s sees entry %d (%s %s) of unit %q", user, x.Seq, x.Action, x.Object, x.Unit)
			}
			sawA = sawA || x.Action == cases.ActionSecretRead && x.Object == "case:"+ca.Code
		}
		if !sawA {
			t.Errorf("%s does not see the secret read in A: %+v", user, got.Entries)
		}
		// Asking for B's case by name shows nothing either.
		if got := decode[auditListOut](t, e.get(user, "/api/v1/audit?object=case:"+cb.Code, 200)); len(got.Entries) != 0 {
			t.Errorf("%s sees B's case in the audit trail: %+v", user, got.Entries)
		}
	}

	// A reader whose scope is the province sees every entry. (No such inspector
	// among the env's users: one is made here.)
	e.addUser("inspector.p", "inspector", "P", "P")
	got := decode[auditListOut](t, e.get("inspector.p", "/api/v1/audit?limit=1000", 200))
	if len(got.Entries) < len(all) {
		t.Errorf("the province's inspector sees %d entries of %d", len(got.Entries), len(all))
	}
	if fmt.Sprint(got.Entries[0].Seq) != "1" {
		t.Errorf("the province's inspector's list starts at %d", got.Entries[0].Seq)
	}
}

// TestUploadIsAudited: an upload's arrival is recorded under the uploader, with
// the document's unit and source, never its file name.
func TestUploadIsAudited(t *testing.T) {
	e := newEnv(t)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "Đơn của bà Hương.pdf")
	fmt.Fprint(fw, "%PDF-1.7 tải lên")
	mw.Close()
	body := e.must(uClerk, call{method: "POST", path: "/api/v1/documents", raw: b.Bytes(), contentType: mw.FormDataContentType()}, 202)
	up := decode[struct {
		ID string `json:"id"`
	}](t, body)
	entries, err := e.db.AuditEntries(e.ctx, cases.AuditFilter{Object: "document:" + up.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("the upload made %d entries: %+v", len(entries), entries)
	}
	x := entries[0]
	if x.Action != cases.ActionReceive || x.UserID != e.users[uClerk].ID || x.Username != uClerk || x.Unit != "A" ||
		!strings.HasPrefix(x.Detail, "source=upload status=received") || strings.Contains(x.Detail, "Hương") {
		t.Errorf("upload audited as %+v", x)
	}
}
