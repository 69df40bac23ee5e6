package storagetest

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

func testParties(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	c := w.createCase(t, cases.KindDenunciation, day(2026, 3, 2), nil)
	obj := "case:" + c.Code
	ev := cases.Event{UserID: w.clerk.ID, Type: cases.EventParty}

	respondent := cases.Party{CaseID: c.ID, Role: cases.RoleRespondent, Note: "Cán bộ địa chính phường",
		Person: cases.Person{Name: "Trần Văn Bình", Address: "UBND phường Long Thành Trung"}}
	audited(t, db, cases.ActionUpdate, obj, func() error {
		return db.CreateParty(ctx, &respondent, ev, w.rec(cases.ActionUpdate, obj))
	})
	if respondent.ID == 0 || respondent.CreatedAt.IsZero() {
		t.Fatalf("create party did not assign ID and time: %+v", respondent)
	}
	denouncer := cases.Party{CaseID: c.ID, Role: cases.RolePetitioner, Secret: true, Sealed: "sealed:v1:k2026:AAECAwQFBgcICQ==",
		Person: cases.Person{Name: "Nguyễn Thị Hoà", IDNumber: "072190001234", Address: "Tổ 3, khu phố 2", Phone: "0909123456"}}
	audited(t, db, cases.ActionUpdate, obj, func() error {
		return db.CreateParty(ctx, &denouncer, ev, w.rec(cases.ActionUpdate, obj))
	})
	// The secret identity is only sealed in the database, whatever the caller left in Person.
	var name, idNumber, address, phone, sealed string
	must(t, "read the secret party's row", db.SQL().QueryRowContext(ctx, fmt.Sprintf(
		`SELECT name, id_number, address, phone, sealed FROM parties WHERE id = %d`, denouncer.ID)).Scan(
		&name, &idNumber, &address, &phone, &sealed))
	if name != "" || idNumber != "" || address != "" || phone != "" || sealed != denouncer.Sealed {
		t.Fatalf("secret party stored as name=%q id=%q address=%q phone=%q sealed=%q", name, idNumber, address, phone, sealed)
	}
	storedDenouncer := denouncer
	storedDenouncer.Person = cases.Person{}
	parties, err := db.Parties(ctx, c.ID)
	must(t, "parties", err)
	if want := []cases.Party{respondent, storedDenouncer}; !reflect.DeepEqual(parties, want) {
		t.Fatalf("parties:\n got %+v\nwant %+v", parties, want)
	}
	unsealed := cases.Party{CaseID: c.ID, Role: cases.RolePetitioner, Secret: true, Person: cases.Person{Name: "Lộ danh"}}
	refused(t, db, "secret party without its sealed identity", errs.ErrInvalid, func() error {
		return db.CreateParty(ctx, &unsealed, ev, w.rec(cases.ActionUpdate, obj))
	})
	orphan := cases.Party{CaseID: 999999, Role: cases.RoleRespondent}
	refused(t, db, "party of a missing case", errs.ErrNotFound, func() error {
		return db.CreateParty(ctx, &orphan, ev, w.rec(cases.ActionUpdate, "case:KN-2026-999999"))
	})

	respondent.Role, respondent.Note = cases.RoleRelated, "Người có quyền lợi liên quan"
	respondent.Person.Phone = "0276 3822 111"
	audited(t, db, cases.ActionUpdate, obj, func() error {
		return db.UpdateParty(ctx, &respondent, ev, w.rec(cases.ActionUpdate, obj))
	})
	denouncer.Note = "Đề nghị giữ bí mật"
	audited(t, db, cases.ActionUpdate, obj, func() error {
		return db.UpdateParty(ctx, &denouncer, ev, w.rec(cases.ActionUpdate, obj))
	})
	storedDenouncer.Note = denouncer.Note
	parties, err = db.Parties(ctx, c.ID)
	must(t, "parties after update", err)
	if want := []cases.Party{respondent, storedDenouncer}; !reflect.DeepEqual(parties, want) {
		t.Fatalf("parties after update:\n got %+v\nwant %+v", parties, want)
	}
	elsewhere := respondent
	elsewhere.CaseID = 999999
	refused(t, db, "update a party under another case", errs.ErrNotFound, func() error {
		return db.UpdateParty(ctx, &elsewhere, ev, w.rec(cases.ActionUpdate, obj))
	})
	refused(t, db, "delete a party under another case", errs.ErrNotFound, func() error {
		return db.DeleteParty(ctx, 999999, respondent.ID, ev, w.rec(cases.ActionUpdate, obj))
	})
	audited(t, db, cases.ActionUpdate, obj, func() error {
		return db.DeleteParty(ctx, c.ID, respondent.ID, ev, w.rec(cases.ActionUpdate, obj))
	})
	refused(t, db, "delete a deleted party", errs.ErrNotFound, func() error {
		return db.DeleteParty(ctx, c.ID, respondent.ID, ev, w.rec(cases.ActionUpdate, obj))
	})
	parties, err = db.Parties(ctx, c.ID)
	must(t, "parties after delete", err)
	if len(parties) != 1 || parties[0].ID != denouncer.ID {
		t.Fatalf("parties after delete: %+v", parties)
	}
	evs, err := db.Events(ctx, c.ID)
	must(t, "events", err)
	if len(evs) != 1+5 { // created; two added, two changed, one removed
		t.Fatalf("%d events, want 6: %+v", len(evs), evs)
	}

	// A case opened with its parties: all in one transaction, each party with its
	// event and audit entry (the object the new case's code).
	opened := w.sampleCase(cases.KindDenunciation, day(2026, 3, 3))
	first := cases.Party{Role: cases.RoleRespondent, Person: cases.Person{Name: "Lê Văn Tám"}}
	second := cases.Party{Role: cases.RolePetitioner, Secret: true, Sealed: "sealed:v1:k2026:AQIDBAUGBwgJCg=="}
	before := lastAuditSeq(t, db)
	must(t, "create a case with its parties", db.CreateCase(ctx, &opened, cases.Event{Type: cases.EventCreated}, w.rec(cases.ActionCreate, ""),
		cases.NewParty{Party: &first, Event: ev, Record: w.rec(cases.ActionCreate, "")},
		cases.NewParty{Party: &second, Event: ev, Record: w.rec(cases.ActionCreate, "")}))
	if first.ID == 0 || first.CaseID != opened.ID || second.CaseID != opened.ID || first.CreatedAt.IsZero() {
		t.Fatalf("parties written with the case: %+v %+v (case %d)", first, second, opened.ID)
	}
	parties, err = db.Parties(ctx, opened.ID)
	must(t, "parties of the new case", err)
	if want := []cases.Party{first, second}; !reflect.DeepEqual(parties, want) {
		t.Fatalf("parties of the new case:\n got %+v\nwant %+v", parties, want)
	}
	entries, err := db.AuditEntries(ctx, cases.AuditFilter{AfterSeq: before})
	must(t, "audit entries", err)
	if len(entries) != 3 || entries[1].Object != "case:"+opened.Code || entries[2].Object != "case:"+opened.Code {
		t.Fatalf("audit entries of the case and its parties: %+v", entries)
	}
	if evs, err := db.Events(ctx, opened.ID); err != nil || len(evs) != 3 {
		t.Fatalf("events of the case and its parties: %v %+v", err, evs)
	}
	// One party that cannot be stored (a secret identity not sealed) leaves
	// nothing: no case, no party, no audit entry, and its number is given back.
	failed := w.sampleCase(cases.KindDenunciation, day(2026, 3, 3))
	unsealedParty := cases.Party{Role: cases.RolePetitioner, Secret: true, Person: cases.Person{Name: "Lộ danh"}}
	refused(t, db, "case with a party that cannot be stored", errs.ErrInvalid, func() error {
		return db.CreateCase(ctx, &failed, cases.Event{Type: cases.EventCreated}, w.rec(cases.ActionCreate, ""),
			cases.NewParty{Party: &first, Event: ev, Record: w.rec(cases.ActionCreate, "")},
			cases.NewParty{Party: &unsealedParty, Event: ev, Record: w.rec(cases.ActionCreate, "")})
	})
	if failed.ID != 0 || failed.Code != "" {
		t.Fatalf("a refused create changed the caller's case: %+v", failed)
	}
	next := w.createCase(t, cases.KindDenunciation, day(2026, 3, 3), nil)
	if want := cases.FormatCode(cases.KindDenunciation, 2026, seqOf(t, opened.Code)+1); next.Code != want {
		t.Fatalf("after a rolled-back case with parties: %s, want %s (the number given back)", next.Code, want)
	}
}

// seqOf returns the counter of a case code (KN-2026-000012 → 12).
func seqOf(t *testing.T, code string) int {
	t.Helper()
	n, err := strconv.Atoi(code[strings.LastIndexByte(code, '-')+1:])
	must(t, "case code "+code, err)
	return n
}
