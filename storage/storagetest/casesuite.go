package storagetest

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
	"kntc/storage/sqldb"
)

// caseWorld is what the case tests stand on: two units and three users.
type caseWorld struct {
	unit, other            auth.Unit
	clerk, handler, leader auth.User
	db                     *sqldb.DB
}

func newCaseWorld(t *testing.T, db *sqldb.DB) caseWorld {
	t.Helper()
	w := caseWorld{db: db}
	// Written around the store, so the world leaves no audit entry and the tests
	// count the chain from 1 (the store's own audit of accounts is tested in
	// testAccountsAudited).
	w.unit = auth.Unit{Code: "TTT", Name: "Thanh tra tỉnh", Level: auth.LevelProvince}
	w.unit.ID = fixtureID(t, db, `INSERT INTO units (code, name, level, parent_id, created_at) VALUES (?, ?, ?, NULL, ?) RETURNING id`,
		w.unit.Code, w.unit.Name, w.unit.Level, time.Now().UTC())
	w.other = auth.Unit{Code: "STNMT", Name: "Sở Tài nguyên và Môi trường", Level: auth.LevelDepartment, ParentID: w.unit.ID}
	w.other.ID = fixtureID(t, db, `INSERT INTO units (code, name, level, parent_id, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		w.other.Code, w.other.Name, w.other.Level, w.unit.ID, time.Now().UTC())
	for _, u := range []struct {
		to   *auth.User
		name string
		role auth.Role
	}{{&w.clerk, "van.thu", auth.RoleClerk}, {&w.handler, "chuyen.vien", auth.RoleHandler}, {&w.leader, "lanh.dao", auth.RoleLeader}} {
		*u.to = auth.User{Username: u.name, Role: u.role, UnitID: w.unit.ID, ScopeUnitID: w.unit.ID, PasswordHash: "x"}
		now := time.Now().UTC()
		u.to.ID = fixtureID(t, db, `INSERT INTO users (username, full_name, role, unit_id, scope_unit_id, password_hash,
			disabled, created_at, updated_at) VALUES (?, '', ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.name, u.role, w.unit.ID, w.unit.ID, "x", false, now, now)
	}
	return w
}

// fixtureID runs an INSERT … RETURNING id written with "?" placeholders on either
// dialect, around the store.
func fixtureID(t *testing.T, db *sqldb.DB, q string, args ...any) int64 {
	t.Helper()
	var id int64
	must(t, q, db.SQL().QueryRowContext(t.Context(), dialectQuery(db, q), args...).Scan(&id))
	return id
}

// dialectQuery turns "?" placeholders into PostgreSQL's "$1, $2, …" there.
func dialectQuery(db *sqldb.DB, q string) string {
	if db.Dialect() != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// rec is an audit record made by the clerk.
func (w caseWorld) rec(action, object string) cases.Record {
	return cases.Record{UserID: w.clerk.ID, Username: w.clerk.Username, Action: action, Object: object, Detail: `{"via":"test"}`}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func (w caseWorld) sampleCase(k cases.Kind, received time.Time) cases.Case {
	return cases.Case{
		Kind:       k,
		Source:     cases.SourcePost,
		ReceivedOn: received,
		Subject:    "Khiếu nại quyết định thu hồi đất của UBND phường Long Thành Trung",
		Summary:    "Bà Hoà không đồng ý mức bồi thường.",
		UnitID:     w.unit.ID,
		Round:      1,
		Status:     cases.StatusReceived,
		DueOn:      received.AddDate(0, 0, cases.AcceptDays),
		PINHash:    "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA",
		CreatedBy:  w.clerk.ID,
	}
}

// createCase stores a sample case of kind k received on that day, with its audit entry.
func (w caseWorld) createCase(t *testing.T, k cases.Kind, received time.Time, edit func(*cases.Case)) cases.Case {
	t.Helper()
	c := w.sampleCase(k, received)
	if edit != nil {
		edit(&c)
	}
	ev := cases.Event{UserID: w.clerk.ID, Type: cases.EventCreated, To: c.Status}
	must(t, "create case", w.db.CreateCase(t.Context(), &c, ev, w.rec(cases.ActionCreate, "")))
	return c
}

func lastAuditSeq(t *testing.T, db *sqldb.DB) int64 {
	t.Helper()
	var seq int64
	must(t, "last audit seq", db.SQL().QueryRowContext(t.Context(), `SELECT COALESCE(MAX(seq), 0) FROM audit_log`).Scan(&seq))
	return seq
}

// audited runs fn, a change, and checks that it appended exactly one audit entry,
// with this action and (unless object is "") this object. It returns the entry.
func audited(t *testing.T, db *sqldb.DB, action, object string, fn func() error) cases.AuditEntry {
	t.Helper()
	before := lastAuditSeq(t, db)
	must(t, action+" "+object, fn())
	entries, err := db.AuditEntries(t.Context(), cases.AuditFilter{AfterSeq: before})
	must(t, "audit entries", err)
	if len(entries) != 1 {
		t.Fatalf("%s %s appended %d audit entries, want 1: %+v", action, object, len(entries), entries)
	}
	e := entries[0]
	if e.Seq != before+1 || e.Action != action || (object != "" && e.Object != object) {
		t.Fatalf("audit entry %d is %q on %q, want %d: %q on %q", e.Seq, e.Action, e.Object, before+1, action, object)
	}
	return e
}

// refused runs fn, which must fail with want, and checks that it appended no audit entry.
func refused(t *testing.T, db *sqldb.DB, what string, want error, fn func() error) {
	t.Helper()
	before := lastAuditSeq(t, db)
	wantErr(t, what, fn(), want)
	if after := lastAuditSeq(t, db); after != before {
		t.Fatalf("%s failed but appended audit entries %d…%d", what, before+1, after)
	}
}

// verifyAudit checks the whole chain and returns how many entries it holds.
func verifyAudit(t *testing.T, db *sqldb.DB) (int64, error) {
	t.Helper()
	var v cases.ChainVerifier
	err := db.WalkAudit(t.Context(), v.Next)
	return v.Count, err
}

func testCaseRecords(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	c := w.sampleCase(cases.KindComplaint, day(2026, 3, 2))
	ev := cases.Event{UserID: w.clerk.ID, Type: cases.EventCreated, To: cases.StatusReceived, Note: "Nhận đơn qua bưu chính"}
	audited(t, db, cases.ActionCreate, "case:KN-2026-000001", func() error {
		return db.CreateCase(ctx, &c, ev, w.rec(cases.ActionCreate, ""))
	})
	if c.ID == 0 || c.Code != "KN-2026-000001" || c.Version != 1 || c.CreatedAt.IsZero() || !c.UpdatedAt.Equal(c.CreatedAt) {
		t.Fatalf("create did not assign ID, code, version and times: %+v", c)
	}
	got, err := db.Case(ctx, c.ID)
	must(t, "get", err)
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, c)
	}
	got, err = db.CaseByCode(ctx, c.Code)
	must(t, "get by code", err)
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("round trip by code:\n got %+v\nwant %+v", got, c)
	}
	_, err = db.Case(ctx, 999999)
	wantErr(t, "get missing", err, ingest.ErrNotFound)
	_, err = db.CaseByCode(ctx, "KN-2026-999999")
	wantErr(t, "get missing code", err, ingest.ErrNotFound)

	stale := c
	c.Status = cases.StatusAccepted
	c.AcceptedOn = day(2026, 3, 9)
	c.HandlerID = w.handler.ID
	c.Complex, c.Remote, c.Round = true, true, 2
	c.DueOn = day(2026, 5, 8)
	c.DecisionDocument = "0190a0a0-0000-7000-8000-0000000000aa"
	c.Extensions = []cases.Extension{{DecisionNumber: "05/QĐ-TTr", DecisionDate: day(2026, 4, 1), Days: 30, Reason: "Phức tạp", By: w.leader.ID}}
	events := []cases.Event{
		{UserID: w.leader.ID, Type: cases.EventTransition, From: cases.StatusReceived, To: cases.StatusAccepted},
		{UserID: w.leader.ID, Type: cases.EventAssigned, Note: "Giao chuyên viên"},
	}
	audited(t, db, cases.ActionTransition, "case:"+c.Code, func() error {
		return db.UpdateCase(ctx, &c, events, w.rec(cases.ActionTransition, "case:"+c.Code))
	})
	if c.Version != 2 || c.UpdatedAt.Before(c.CreatedAt) {
		t.Fatalf("update did not bump the version and time: %+v", c)
	}
	got, err = db.Case(ctx, c.ID)
	must(t, "get after update", err)
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("after update:\n got %+v\nwant %+v", got, c)
	}
	refused(t, db, "update a stale version", ingest.ErrConflict, func() error {
		return db.UpdateCase(ctx, &stale, nil, w.rec(cases.ActionUpdate, "case:"+c.Code))
	})
	if stale.Version != 1 {
		t.Fatalf("a refused update changed the caller's case: version %d", stale.Version)
	}
	ghost := c
	ghost.ID = 999999
	refused(t, db, "update a missing case", ingest.ErrNotFound, func() error {
		return db.UpdateCase(ctx, &ghost, nil, w.rec(cases.ActionUpdate, "case:KN-2026-999999"))
	})
	badHandler := c
	badHandler.HandlerID = 999999
	refused(t, db, "assign a missing user", ingest.ErrNotFound, func() error {
		return db.UpdateCase(ctx, &badHandler, nil, w.rec(cases.ActionUpdate, "case:"+c.Code))
	})
	c.HandlerID, c.Extensions = 0, nil
	audited(t, db, cases.ActionUpdate, "case:"+c.Code, func() error {
		return db.UpdateCase(ctx, &c, nil, w.rec(cases.ActionUpdate, "case:"+c.Code))
	})
	got, err = db.Case(ctx, c.ID)
	must(t, "get after unassigning", err)
	if got.HandlerID != 0 || got.Version != 3 || got.Extensions != nil {
		t.Fatalf("after unassigning: %+v", got)
	}

	evs, err := db.Events(ctx, c.ID)
	must(t, "events", err)
	var types []string
	for i, e := range evs {
		types = append(types, e.Type)
		if e.CaseID != c.ID || e.ID == 0 || e.At.IsZero() || (i > 0 && e.At.Before(evs[i-1].At)) {
			t.Fatalf("event %d: %+v", i, e)
		}
	}
	if want := []string{cases.EventCreated, cases.EventTransition, cases.EventAssigned}; !reflect.DeepEqual(types, want) {
		t.Fatalf("timeline %v, want %v", types, want)
	}
	if evs[0].Note != ev.Note || evs[1].From != cases.StatusReceived || evs[1].To != cases.StatusAccepted || evs[1].UserID != w.leader.ID {
		t.Fatalf("events did not round-trip: %+v", evs)
	}
	backdated := cases.Event{At: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), Type: cases.EventUpdated, Note: "ghi bổ sung"}
	audited(t, db, cases.ActionUpdate, "case:"+c.Code, func() error {
		return db.UpdateCase(ctx, &c, []cases.Event{backdated}, w.rec(cases.ActionUpdate, "case:"+c.Code))
	})
	evs, err = db.Events(ctx, c.ID)
	must(t, "events", err)
	if len(evs) != 4 || evs[0].Note != "ghi bổ sung" || !evs[0].At.Equal(backdated.At) {
		t.Fatalf("a backdated event is not first in the timeline: %+v", evs)
	}
	none, err := db.Events(ctx, 999999)
	must(t, "events of a missing case", err)
	if none == nil || len(none) != 0 {
		t.Fatalf("events of a missing case: %#v, want an empty slice", none)
	}
}

func testCaseCodes(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	for _, tt := range []struct {
		kind     cases.Kind
		received time.Time
		want     string
	}{
		{cases.KindComplaint, day(2026, 3, 2), "KN-2026-000001"},
		{cases.KindComplaint, day(2026, 12, 31), "KN-2026-000002"},
		{cases.KindDenunciation, day(2026, 1, 5), "TC-2026-000001"},
		{cases.KindComplaint, day(2027, 1, 1), "KN-2027-000001"},
		{cases.KindMixed, day(2026, 6, 1), "ND-2026-000001"},
	} {
		if c := w.createCase(t, tt.kind, tt.received, nil); c.Code != tt.want {
			t.Fatalf("%s received %s got code %s, want %s", tt.kind, cases.FormatDate(tt.received), c.Code, tt.want)
		}
	}
	// A failed insert rolls its number back with it: the numbers stay dense.
	orphan := w.sampleCase(cases.KindComplaint, day(2026, 4, 1))
	orphan.UnitID = 999999
	refused(t, db, "case of a missing unit", ingest.ErrNotFound, func() error {
		return db.CreateCase(ctx, &orphan, cases.Event{Type: cases.EventCreated}, w.rec(cases.ActionCreate, ""))
	})
	if orphan.Code != "" || orphan.ID != 0 {
		t.Fatalf("a refused create changed the caller's case: %+v", orphan)
	}
	if c := w.createCase(t, cases.KindComplaint, day(2026, 4, 1), nil); c.Code != "KN-2026-000003" {
		t.Fatalf("after a rolled-back create: %s, want KN-2026-000003", c.Code)
	}
	// A code given by the caller (an imported case) is kept, and later codes go past it.
	imported := w.createCase(t, cases.KindComplaint, day(2026, 4, 2), func(c *cases.Case) { c.Code = "KN-2026-000010" })
	if imported.Code != "KN-2026-000010" {
		t.Fatalf("given code became %s", imported.Code)
	}
	if c := w.createCase(t, cases.KindComplaint, day(2026, 4, 3), nil); c.Code != "KN-2026-000011" {
		t.Fatalf("after an imported KN-2026-000010: %s, want KN-2026-000011", c.Code)
	}
	lower := w.createCase(t, cases.KindComplaint, day(2026, 4, 3), func(c *cases.Case) { c.Code = "KN-2026-000005" })
	if c := w.createCase(t, cases.KindComplaint, day(2026, 4, 3), nil); c.Code != "KN-2026-000012" {
		t.Fatalf("an imported %s moved the counter back: next is %s", lower.Code, c.Code)
	}
	dup := w.sampleCase(cases.KindComplaint, day(2026, 4, 4))
	dup.Code = "KN-2026-000010"
	refused(t, db, "duplicate code", ingest.ErrConflict, func() error {
		return db.CreateCase(ctx, &dup, cases.Event{Type: cases.EventCreated}, w.rec(cases.ActionCreate, ""))
	})
	bad := w.sampleCase("khac", day(2026, 4, 4))
	refused(t, db, "code of an unknown kind", ingest.ErrInvalid, func() error {
		return db.CreateCase(ctx, &bad, cases.Event{Type: cases.EventCreated}, w.rec(cases.ActionCreate, ""))
	})

	// Concurrent creators each get their own number, without gaps.
	const writers, each = 8, 3
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for range each {
				c := w.sampleCase(cases.KindPetition, day(2026, 5, 1))
				if err := db.CreateCase(ctx, &c, cases.Event{Type: cases.EventCreated}, w.rec(cases.ActionCreate, "")); err != nil {
					t.Errorf("concurrent create: %v", err)
					return
				}
				mu.Lock()
				seen[c.Code] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for n := 1; n <= writers*each; n++ {
		if code := cases.FormatCode(cases.KindPetition, 2026, n); !seen[code] {
			t.Fatalf("concurrent creates: %s not given (got %d codes)", code, len(seen))
		}
	}
	if len(seen) != writers*each {
		t.Fatalf("concurrent creates gave %d codes, want %d", len(seen), writers*each)
	}
}

func testCaseList(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	a := w.createCase(t, cases.KindComplaint, day(2026, 3, 2), func(c *cases.Case) {
		c.Subject = "Khiếu nại việc THU HỒI đất tại phường Long Thành Trung"
	})
	b := w.createCase(t, cases.KindDenunciation, day(2026, 3, 3), func(c *cases.Case) {
		c.Status, c.HandlerID, c.DueOn, c.AcceptedOn = cases.StatusAccepted, w.handler.ID, day(2026, 4, 8), day(2026, 3, 9)
		c.Subject = "Tố cáo cán bộ địa chính nhận tiền"
	})
	cc := w.createCase(t, cases.KindComplaint, day(2026, 3, 4), func(c *cases.Case) {
		c.UnitID, c.Status, c.DueOn, c.Result = w.other.ID, cases.StatusClosed, time.Time{}, cases.ResultWithdrawn
		c.Subject = "Đền bù giải phóng mặt bằng"
	})
	d := w.createCase(t, cases.KindPetition, day(2026, 3, 5), func(c *cases.Case) {
		c.UnitID, c.Status, c.HandlerID, c.DueOn = w.other.ID, cases.StatusVerifying, w.handler.ID, day(2026, 3, 20)
		c.Subject = "Phản ánh tiếng ồn trên ĐƯỜNG 30/4"
	})
	e := w.createCase(t, cases.KindComplaint, day(2026, 3, 6), func(c *cases.Case) {
		c.Status, c.DueOn = cases.StatusDecided, time.Time{}
		c.Subject = "Kiểm tra 100% hồ sơ đúng_mẫu"
	})
	tests := []struct {
		name      string
		f         cases.CaseFilter
		want      []cases.Case
		wantTotal int
	}{
		{"all, newest first", cases.CaseFilter{}, []cases.Case{e, d, cc, b, a}, 5},
		{"unit scope", cases.CaseFilter{UnitIDs: []int64{w.unit.ID}}, []cases.Case{e, b, a}, 3},
		{"unit scope, paged", cases.CaseFilter{UnitIDs: []int64{w.other.ID, w.unit.ID}, Limit: 2}, []cases.Case{e, d}, 5},
		{"empty unit scope", cases.CaseFilter{UnitIDs: []int64{}}, nil, 0},
		{"offset", cases.CaseFilter{Limit: 2, Offset: 4}, []cases.Case{a}, 5},
		{"status", cases.CaseFilter{Status: cases.StatusAccepted}, []cases.Case{b}, 1},
		{"kind", cases.CaseFilter{Kind: cases.KindComplaint}, []cases.Case{e, cc, a}, 3},
		{"handler", cases.CaseFilter{HandlerID: w.handler.ID}, []cases.Case{d, b}, 2},
		{"open only", cases.CaseFilter{OpenOnly: true}, []cases.Case{e, d, b, a}, 4},
		{"due before, by due date", cases.CaseFilter{DueBefore: day(2026, 4, 1)}, []cases.Case{a, d}, 2},
		{"due before, in scope", cases.CaseFilter{DueBefore: day(2026, 4, 9), UnitIDs: []int64{w.unit.ID}}, []cases.Case{a, b}, 2},
		{"due before is strict", cases.CaseFilter{DueBefore: a.DueOn}, nil, 0},
		{"due before, by handler", cases.CaseFilter{DueBefore: day(2026, 12, 31), HandlerID: w.handler.ID}, []cases.Case{d, b}, 2},
		{"text: code", cases.CaseFilter{Text: "tc-2026"}, []cases.Case{b}, 1},
		{"text: subject, case-insensitive", cases.CaseFilter{Text: "thu hồi ĐẤT"}, []cases.Case{a}, 1},
		{"text: without diacritics", cases.CaseFilter{Text: "thu hoi dat"}, []cases.Case{a}, 1},
		{"text: đ and Đ", cases.CaseFilter{Text: "đường 30/4"}, []cases.Case{d}, 1},
		{"text: % is literal", cases.CaseFilter{Text: "100%"}, []cases.Case{e}, 1},
		{"text: _ is literal", cases.CaseFilter{Text: "g_m"}, []cases.Case{e}, 1},
		{"text and status", cases.CaseFilter{Text: "KN-2026", OpenOnly: true}, []cases.Case{e, a}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := db.Cases(ctx, tt.f)
			must(t, "list", err)
			var gotCodes, wantCodes []string
			for _, c := range got {
				gotCodes = append(gotCodes, c.Code)
			}
			for _, c := range tt.want {
				wantCodes = append(wantCodes, c.Code)
			}
			if total != tt.wantTotal || !reflect.DeepEqual(gotCodes, wantCodes) {
				t.Fatalf("got %v (total %d), want %v (total %d)", gotCodes, total, wantCodes, tt.wantTotal)
			}
			if len(got) > 0 && !reflect.DeepEqual(got[0], tt.want[0]) {
				t.Fatalf("listed case differs:\n got %+v\nwant %+v", got[0], tt.want[0])
			}
		})
	}
}

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
	refused(t, db, "secret party without its sealed identity", ingest.ErrInvalid, func() error {
		return db.CreateParty(ctx, &unsealed, ev, w.rec(cases.ActionUpdate, obj))
	})
	orphan := cases.Party{CaseID: 999999, Role: cases.RoleRespondent}
	refused(t, db, "party of a missing case", ingest.ErrNotFound, func() error {
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
	refused(t, db, "update a party under another case", ingest.ErrNotFound, func() error {
		return db.UpdateParty(ctx, &elsewhere, ev, w.rec(cases.ActionUpdate, obj))
	})
	refused(t, db, "delete a party under another case", ingest.ErrNotFound, func() error {
		return db.DeleteParty(ctx, 999999, respondent.ID, ev, w.rec(cases.ActionUpdate, obj))
	})
	audited(t, db, cases.ActionUpdate, obj, func() error {
		return db.DeleteParty(ctx, c.ID, respondent.ID, ev, w.rec(cases.ActionUpdate, obj))
	})
	refused(t, db, "delete a deleted party", ingest.ErrNotFound, func() error {
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
	refused(t, db, "case with a party that cannot be stored", ingest.ErrInvalid, func() error {
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

func testGrants(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	c1 := w.createCase(t, cases.KindDenunciation, day(2026, 3, 2), nil)
	c2 := w.createCase(t, cases.KindDenunciation, day(2026, 3, 3), nil)
	ev := cases.Event{UserID: w.leader.ID, Type: cases.EventGrant}
	grant := func(c cases.Case, user int64) {
		t.Helper()
		audited(t, db, cases.ActionGrant, "case:"+c.Code, func() error {
			return db.Grant(ctx, c.ID, user, w.leader.ID, ev, w.rec(cases.ActionGrant, "case:"+c.Code))
		})
	}
	grant(c2, w.handler.ID)
	grant(c1, w.handler.ID)
	grant(c1, w.handler.ID) // again: not an error
	for _, tt := range []struct {
		c    cases.Case
		user int64
		want bool
	}{{c1, w.handler.ID, true}, {c2, w.handler.ID, true}, {c1, w.clerk.ID, false}, {c1, 999999, false}} {
		got, err := db.Granted(ctx, tt.c.ID, tt.user)
		must(t, "granted", err)
		if got != tt.want {
			t.Fatalf("Granted(%s, %d) = %v, want %v", tt.c.Code, tt.user, got, tt.want)
		}
	}
	codes, err := db.GrantedCodes(ctx, w.handler.ID)
	must(t, "granted codes", err)
	if want := []string{c1.Code, c2.Code}; !reflect.DeepEqual(codes, want) {
		t.Fatalf("granted codes %v, want %v", codes, want)
	}
	codes, err = db.GrantedCodes(ctx, w.clerk.ID)
	must(t, "granted codes of someone without grants", err)
	if codes == nil || len(codes) != 0 {
		t.Fatalf("granted codes of someone without grants: %#v, want an empty slice", codes)
	}
	audited(t, db, cases.ActionRevoke, "case:"+c1.Code, func() error {
		return db.Revoke(ctx, c1.ID, w.handler.ID, ev, w.rec(cases.ActionRevoke, "case:"+c1.Code))
	})
	if ok, err := db.Granted(ctx, c1.ID, w.handler.ID); err != nil || ok {
		t.Fatalf("granted after revoke: %v, %v", ok, err)
	}
	refused(t, db, "revoke a grant not held", ingest.ErrNotFound, func() error {
		return db.Revoke(ctx, c1.ID, w.handler.ID, ev, w.rec(cases.ActionRevoke, "case:"+c1.Code))
	})
	refused(t, db, "grant to a missing user", ingest.ErrNotFound, func() error {
		return db.Grant(ctx, c1.ID, 999999, w.leader.ID, ev, w.rec(cases.ActionGrant, "case:"+c1.Code))
	})
	refused(t, db, "grant on a missing case", ingest.ErrNotFound, func() error {
		return db.Grant(ctx, 999999, w.handler.ID, w.leader.ID, ev, w.rec(cases.ActionGrant, "case:TC-2026-999999"))
	})
	codes, err = db.GrantedCodes(ctx, w.handler.ID)
	must(t, "granted codes after revoke", err)
	if want := []string{c2.Code}; !reflect.DeepEqual(codes, want) {
		t.Fatalf("granted codes after revoke %v, want %v", codes, want)
	}
	evs, err := db.Events(ctx, c1.ID)
	must(t, "events", err)
	if len(evs) != 1+3 { // created; granted twice, revoked
		t.Fatalf("%d events, want 4: %+v", len(evs), evs)
	}
}

func testPetitions(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	create := func(p cases.Petition) cases.Petition {
		t.Helper()
		e := audited(t, db, cases.ActionCreate, "", func() error { return db.CreatePetition(ctx, &p, w.rec(cases.ActionCreate, "")) })
		if p.ID == 0 || p.CreatedAt.IsZero() || !p.UpdatedAt.Equal(p.CreatedAt) {
			t.Fatalf("create petition did not assign ID and times: %+v", p)
		}
		if want := fmt.Sprintf("petition:%d", p.ID); e.Object != want {
			t.Fatalf("petition audited as %q, want %q", e.Object, want)
		}
		return p
	}
	base := cases.Petition{UnitID: w.unit.ID, Source: cases.SourcePost, Kind: cases.KindComplaint,
		Subject: "Khiếu nại việc thu hồi đất", Content: "Đề nghị xem xét lại mức bồi thường.", CreatedBy: w.clerk.ID}
	p1 := base
	p1.ReceivedOn = day(2026, 3, 2)
	p1.Petitioner = cases.Person{Name: "Nguyễn Văn An", IDNumber: "072080001111", Address: "Hòa Thành"}
	p1.IDKey, p1.NameKey = "id-an", "name-an"
	p1.DocumentID = "0190a0a0-0000-7000-8000-0000000000bb"
	p1 = create(p1)
	got, err := db.Petition(ctx, p1.ID)
	must(t, "get petition", err)
	if !reflect.DeepEqual(got, p1) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, p1)
	}
	p2 := base
	p2.ReceivedOn = day(2026, 3, 10)
	p2.Petitioner = cases.Person{Name: "Nguyen Van An", IDNumber: "072080001111"}
	p2.IDKey, p2.NameKey = "id-an", "name-an-khong-dau"
	p2 = create(p2)
	p3 := base
	p3.ReceivedOn, p3.Kind = day(2026, 3, 5), cases.KindDenunciation
	p3.Petitioner = cases.Person{Name: "Người tố cáo", Phone: "0909000000"}
	p3.Secret, p3.Sealed, p3.NameKey = true, "sealed:v1:k2026:c2VjcmV0", "name-secret"
	p3 = create(p3)
	var name, phone, sealed string
	must(t, "read the secret petition's row", db.SQL().QueryRowContext(ctx, fmt.Sprintf(
		`SELECT name, phone, sealed FROM petitions WHERE id = %d`, p3.ID)).Scan(&name, &phone, &sealed))
	if name != "" || phone != "" || sealed != p3.Sealed {
		t.Fatalf("secret petition stored as name=%q phone=%q sealed=%q", name, phone, sealed)
	}
	got, err = db.Petition(ctx, p3.ID)
	must(t, "get secret petition", err)
	if got.Petitioner != (cases.Person{}) || got.Sealed != p3.Sealed || !got.Secret {
		t.Fatalf("secret petition read back as %+v", got)
	}
	p4 := base
	p4.UnitID, p4.ReceivedOn = w.other.ID, day(2026, 3, 7)
	p4.Petitioner = cases.Person{Name: "Nguyễn Văn An"}
	p4.NameKey = "name-an"
	p4 = create(p4)

	c := w.createCase(t, cases.KindComplaint, day(2026, 3, 2), nil)
	p1.Admissibility, p1.Competence, p1.Handling, p1.CaseID = cases.Admissible, cases.Competent, cases.HandlingAccept, c.ID
	p1.DuplicateOf = 0
	audited(t, db, cases.ActionUpdate, fmt.Sprintf("petition:%d", p1.ID), func() error {
		return db.UpdatePetition(ctx, &p1, w.rec(cases.ActionUpdate, fmt.Sprintf("petition:%d", p1.ID)))
	})
	p2.Handling, p2.DuplicateOf, p2.TransferredTo = cases.HandlingFile, p1.ID, ""
	audited(t, db, cases.ActionUpdate, "", func() error {
		return db.UpdatePetition(ctx, &p2, w.rec(cases.ActionUpdate, fmt.Sprintf("petition:%d", p2.ID)))
	})
	got, err = db.Petition(ctx, p1.ID)
	must(t, "get after update", err)
	if !reflect.DeepEqual(got, p1) || got.UpdatedAt.Before(got.CreatedAt) {
		t.Fatalf("after update:\n got %+v\nwant %+v", got, p1)
	}
	_, err = db.Petition(ctx, 999999)
	wantErr(t, "get missing petition", err, ingest.ErrNotFound)
	ghost := p1
	ghost.ID = 999999
	refused(t, db, "update a missing petition", ingest.ErrNotFound, func() error {
		return db.UpdatePetition(ctx, &ghost, w.rec(cases.ActionUpdate, "petition:999999"))
	})
	orphan := base
	orphan.UnitID = 999999
	refused(t, db, "petition of a missing unit", ingest.ErrNotFound, func() error {
		return db.CreatePetition(ctx, &orphan, w.rec(cases.ActionCreate, ""))
	})
	unsealed := base
	unsealed.Secret = true
	refused(t, db, "secret petition without its sealed petitioner", ingest.ErrInvalid, func() error {
		return db.CreatePetition(ctx, &unsealed, w.rec(cases.ActionCreate, ""))
	})

	tests := []struct {
		name      string
		f         cases.PetitionFilter
		want      []cases.Petition
		wantTotal int
	}{
		{"all, latest received first", cases.PetitionFilter{}, []cases.Petition{p2, p4, p3, p1}, 4},
		{"by ID key", cases.PetitionFilter{IDKey: "id-an"}, []cases.Petition{p2, p1}, 2},
		{"by name key", cases.PetitionFilter{NameKey: "name-an"}, []cases.Petition{p4, p1}, 2},
		{"by either key", cases.PetitionFilter{IDKey: "id-an", NameKey: "name-an"}, []cases.Petition{p2, p4, p1}, 3},
		{"unhandled", cases.PetitionFilter{Unhandled: true}, []cases.Petition{p4, p3}, 2},
		{"kind", cases.PetitionFilter{Kind: cases.KindDenunciation}, []cases.Petition{p3}, 1},
		{"unit scope", cases.PetitionFilter{UnitIDs: []int64{w.unit.ID}}, []cases.Petition{p2, p3, p1}, 3},
		{"empty unit scope", cases.PetitionFilter{UnitIDs: []int64{}}, nil, 0},
		{"paged", cases.PetitionFilter{Limit: 1, Offset: 1}, []cases.Petition{p4}, 4},
		{"unknown key", cases.PetitionFilter{IDKey: "id-khac"}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := db.Petitions(ctx, tt.f)
			must(t, "list", err)
			var gotIDs, wantIDs []int64
			for _, p := range got {
				gotIDs = append(gotIDs, p.ID)
			}
			for _, p := range tt.want {
				wantIDs = append(wantIDs, p.ID)
			}
			if total != tt.wantTotal || !reflect.DeepEqual(gotIDs, wantIDs) {
				t.Fatalf("got %v (total %d), want %v (total %d)", gotIDs, total, wantIDs, tt.wantTotal)
			}
		})
	}
}

func testReceptions(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	c := w.createCase(t, cases.KindComplaint, day(2026, 3, 2), nil)
	ict := time.FixedZone("ICT", 7*3600)
	create := func(r cases.Reception) cases.Reception {
		t.Helper()
		e := audited(t, db, cases.ActionCreate, "", func() error { return db.CreateReception(ctx, &r, w.rec(cases.ActionCreate, "")) })
		if want := fmt.Sprintf("reception:%d", r.ID); r.ID == 0 || e.Object != want {
			t.Fatalf("reception %d audited as %q, want %q", r.ID, e.Object, want)
		}
		return r
	}
	r1 := create(cases.Reception{UnitID: w.unit.ID, At: time.Date(2026, 3, 2, 8, 30, 0, 500, ict), OfficerID: w.clerk.ID,
		Visitors:  []cases.Person{{Name: "Nguyễn Văn An", IDNumber: "072080001111"}, {Name: "Lê Thị Cúc", Address: "Hòa Thành"}},
		GroupSize: 2, Kind: cases.KindComplaint, Content: "Khiếu nại bồi thường", Outcome: cases.OutcomeLetterTaken, CreatedBy: w.clerk.ID})
	if !r1.At.Equal(time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC)) || r1.At.Location() != time.UTC {
		t.Fatalf("reception time kept as %v, want UTC to the microsecond", r1.At)
	}
	got, err := db.Reception(ctx, r1.ID)
	must(t, "get reception", err)
	if !reflect.DeepEqual(got, r1) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, r1)
	}
	r2 := create(cases.Reception{UnitID: w.unit.ID, At: time.Date(2026, 3, 3, 7, 0, 0, 0, time.UTC),
		Visitors: []cases.Person{{Name: "Người tố cáo"}}, Secret: true, Sealed: "sealed:v1:k2026:dmlzaXRvcnM=",
		GroupSize: 1, Kind: cases.KindDenunciation, Outcome: cases.OutcomeLetterTaken})
	var visitors, sealed string
	must(t, "read the secret reception's row", db.SQL().QueryRowContext(ctx, fmt.Sprintf(
		`SELECT visitors, sealed FROM receptions WHERE id = %d`, r2.ID)).Scan(&visitors, &sealed))
	if visitors != "[]" || sealed != r2.Sealed {
		t.Fatalf("secret reception stored as visitors=%q sealed=%q", visitors, sealed)
	}
	got, err = db.Reception(ctx, r2.ID)
	must(t, "get secret reception", err)
	if got.Visitors != nil || got.Sealed != r2.Sealed || !got.Secret || got.OfficerID != 0 {
		t.Fatalf("secret reception read back as %+v", got)
	}
	r3 := create(cases.Reception{UnitID: w.other.ID, At: time.Date(2026, 3, 4, 2, 0, 0, 0, time.UTC),
		Visitors: []cases.Person{{Name: "Trần Văn Dũng"}}, GroupSize: 7, Kind: cases.KindMixed, CaseID: c.ID,
		Outcome: cases.OutcomeCaseOpened})

	r1.Outcome, r1.CaseID, r1.Content = cases.OutcomeCaseOpened, c.ID, "Khiếu nại bồi thường; đã mở hồ sơ"
	r1.Visitors = append(r1.Visitors, cases.Person{Name: "Phạm Văn Em"})
	audited(t, db, cases.ActionUpdate, fmt.Sprintf("reception:%d", r1.ID), func() error {
		return db.UpdateReception(ctx, &r1, w.rec(cases.ActionUpdate, fmt.Sprintf("reception:%d", r1.ID)))
	})
	got, err = db.Reception(ctx, r1.ID)
	must(t, "get after update", err)
	if !reflect.DeepEqual(got, r1) {
		t.Fatalf("after update:\n got %+v\nwant %+v", got, r1)
	}
	_, err = db.Reception(ctx, 999999)
	wantErr(t, "get missing reception", err, ingest.ErrNotFound)
	ghost := r1
	ghost.ID = 999999
	refused(t, db, "update a missing reception", ingest.ErrNotFound, func() error {
		return db.UpdateReception(ctx, &ghost, w.rec(cases.ActionUpdate, "reception:999999"))
	})
	badCase := r3
	badCase.CaseID = 999999
	refused(t, db, "reception of a missing case", ingest.ErrNotFound, func() error {
		return db.UpdateReception(ctx, &badCase, w.rec(cases.ActionUpdate, fmt.Sprintf("reception:%d", r3.ID)))
	})

	tests := []struct {
		name      string
		f         cases.ReceptionFilter
		want      []cases.Reception
		wantTotal int
	}{
		{"all, latest first", cases.ReceptionFilter{}, []cases.Reception{r3, r2, r1}, 3},
		{"from", cases.ReceptionFilter{From: day(2026, 3, 3)}, []cases.Reception{r3, r2}, 2},
		{"to is exclusive", cases.ReceptionFilter{From: day(2026, 3, 2), To: r2.At}, []cases.Reception{r1}, 1},
		{"to includes what is just before", cases.ReceptionFilter{To: r2.At.Add(time.Microsecond)}, []cases.Reception{r2, r1}, 2},
		{"range in another zone", cases.ReceptionFilter{From: time.Date(2026, 3, 3, 14, 0, 0, 0, ict), To: time.Date(2026, 3, 4, 9, 0, 0, 0, ict)}, []cases.Reception{r2}, 1},
		{"unit scope", cases.ReceptionFilter{UnitIDs: []int64{w.other.ID}}, []cases.Reception{r3}, 1},
		{"empty unit scope", cases.ReceptionFilter{UnitIDs: []int64{}}, nil, 0},
		{"paged", cases.ReceptionFilter{Limit: 1, Offset: 2}, []cases.Reception{r1}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := db.Receptions(ctx, tt.f)
			must(t, "list", err)
			var gotIDs, wantIDs []int64
			for _, r := range got {
				gotIDs = append(gotIDs, r.ID)
			}
			for _, r := range tt.want {
				wantIDs = append(wantIDs, r.ID)
			}
			if total != tt.wantTotal || !reflect.DeepEqual(gotIDs, wantIDs) {
				t.Fatalf("got %v (total %d), want %v (total %d)", gotIDs, total, wantIDs, tt.wantTotal)
			}
		})
	}
}

func testCaseDocuments(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	c := w.createCase(t, cases.KindDenunciation, day(2026, 3, 2), nil)
	newDoc := func(n int, caseCode, number string, edit func(*ingest.Document)) ingest.Document {
		t.Helper()
		d := sampleDocument()
		d.SHA256 = fmt.Sprintf("%064d", n)
		d.CaseCode, d.Meta.Number = caseCode, number
		if edit != nil {
			edit(&d)
		}
		must(t, "create document", db.CreateDocument(ctx, &d))
		got, err := db.Document(ctx, d.ID)
		must(t, "get document", err)
		if !reflect.DeepEqual(got, d) {
			t.Fatalf("document round trip:\n got %+v\nwant %+v", got, d)
		}
		return d
	}
	inbox := newDoc(1, "", "07/BC-UBND", func(d *ingest.Document) { d.Published = true })
	linked := newDoc(2, c.Code, "12/QĐ-TTr", func(d *ingest.Document) { d.Confidential = true })
	stray := newDoc(3, "", "12/QĐ-TTr", func(d *ingest.Document) { d.UnitCode = "HT" })
	minutes := newDoc(4, c.Code, "15/BB-TTr", nil)
	rescan := newDoc(5, "", "", func(d *ingest.Document) { d.Status, d.DuplicateOf = ingest.StatusDuplicate, linked.ID })

	// Confidential and Published are written by UpdateDocument too.
	minutes.Confidential, minutes.Published = true, true
	must(t, "update document", db.UpdateDocument(ctx, &minutes))
	got, err := db.Document(ctx, minutes.ID)
	must(t, "get document", err)
	if !reflect.DeepEqual(got, minutes) {
		t.Fatalf("after update:\n got %+v\nwant %+v", got, minutes)
	}

	ids := func(docs []ingest.Document) []string {
		var out []string
		for _, d := range docs {
			out = append(out, d.ID)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    ingest.DocumentFilter
		want []string
	}{
		{"unlinked", ingest.DocumentFilter{Unlinked: true}, []string{rescan.ID, stray.ID, inbox.ID}},
		{"unlinked in a unit", ingest.DocumentFilter{Unlinked: true, UnitCodes: []string{"STNMT"}}, []string{rescan.ID, inbox.ID}},
		{"unlinked, empty scope", ingest.DocumentFilter{Unlinked: true, UnitCodes: []string{}}, nil},
		{"linked to the case", ingest.DocumentFilter{CaseCode: c.Code}, []string{minutes.ID, linked.ID}},
		{"no grants: no confidential document, no duplicate of one", ingest.DocumentFilter{ConfidentialCases: []string{}}, []string{stray.ID, inbox.ID}},
		{"granted the case", ingest.DocumentFilter{ConfidentialCases: []string{"TC-2000-000001", c.Code}}, []string{rescan.ID, minutes.ID, stray.ID, linked.ID, inbox.ID}},
		{"granted another case", ingest.DocumentFilter{ConfidentialCases: []string{"TC-2000-000001"}, Unlinked: true}, []string{stray.ID, inbox.ID}},
	} {
		docs, total, err := db.Documents(ctx, tt.f)
		must(t, tt.name, err)
		if got := ids(docs); !reflect.DeepEqual(got, tt.want) || total != len(tt.want) {
			t.Fatalf("%s: %v (total %d), want %v", tt.name, got, total, tt.want)
		}
	}

	byNumber, err := db.DocumentsByNumber(ctx, []string{"12/QĐ-TTr", "15/BB-TTr", "99/XX"})
	must(t, "documents by number", err)
	if got, want := ids(byNumber), []string{linked.ID, minutes.ID}; !reflect.DeepEqual(got, want) {
		t.Fatalf("documents by number: %v, want %v (a document in no case is not one)", got, want)
	}
	if !reflect.DeepEqual(byNumber[0], linked) {
		t.Fatalf("document by number:\n got %+v\nwant %+v", byNumber[0], linked)
	}
	none, err := db.DocumentsByNumber(ctx, nil)
	must(t, "documents by no number", err)
	if none == nil || len(none) != 0 {
		t.Fatalf("documents by no number: %#v, want an empty slice", none)
	}

	// LinkDocument writes the case, kind, confidentiality and publication, nothing
	// else of what it is handed.
	before := inbox
	link := inbox
	link.CaseCode, link.Kind, link.Confidential = c.Code, "don_to_cao", true
	link.Status, link.Filename, link.Meta.Subject, link.Published = ingest.StatusFailed, "khác.pdf", "khác", false
	ev := cases.Event{UserID: w.clerk.ID, CaseID: c.ID, Type: cases.EventLinked, Note: "Từ hộp phân loại"}
	audited(t, db, cases.ActionLink, "document:"+inbox.ID, func() error {
		return db.LinkDocument(ctx, &link, ev, w.rec(cases.ActionLink, "document:"+inbox.ID))
	})
	got, err = db.Document(ctx, inbox.ID)
	must(t, "get linked document", err)
	want := before
	want.CaseCode, want.Kind, want.Confidential, want.Published, want.UpdatedAt = c.Code, "don_to_cao", true, false, link.UpdatedAt
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after linking:\n got %+v\nwant %+v", got, want)
	}
	if !got.UpdatedAt.After(before.UpdatedAt) {
		t.Fatalf("linking did not move UpdatedAt (%v, before %v): the search index would miss it", got.UpdatedAt, before.UpdatedAt)
	}
	changed, err := db.DocumentsChangedSince(ctx, minutes.UpdatedAt, minutes.ID, 100)
	must(t, "changed since", err)
	if len(changed) != 1 || changed[0].ID != inbox.ID || !changed[0].Confidential || changed[0].CaseCode != c.Code {
		t.Fatalf("changes after linking: %+v", changed)
	}
	evs, err := db.Events(ctx, c.ID)
	must(t, "events", err)
	if last := evs[len(evs)-1]; len(evs) != 2 || last.Type != cases.EventLinked || last.DocumentID != inbox.ID || last.Note != ev.Note {
		t.Fatalf("timeline after linking: %+v", evs)
	}
	docs, _, err := db.Documents(ctx, ingest.DocumentFilter{Unlinked: true})
	must(t, "unlinked after linking", err)
	if got := ids(docs); !reflect.DeepEqual(got, []string{rescan.ID, stray.ID}) {
		t.Fatalf("unlinked after linking: %v", got)
	}
	// Without a case event (ev.CaseID 0) only the audit entry is written.
	unlink := got
	unlink.CaseCode, unlink.Kind, unlink.Confidential = "", "", false
	audited(t, db, cases.ActionUnlink, "document:"+inbox.ID, func() error {
		return db.LinkDocument(ctx, &unlink, cases.Event{}, w.rec(cases.ActionUnlink, "document:"+inbox.ID))
	})
	evs, err = db.Events(ctx, c.ID)
	must(t, "events", err)
	if len(evs) != 2 {
		t.Fatalf("an unlink without a case event added to the timeline: %+v", evs)
	}
	got, err = db.Document(ctx, inbox.ID)
	must(t, "get unlinked document", err)
	if got.CaseCode != "" || got.Confidential || got.Published {
		t.Fatalf("after unlinking: %+v", got)
	}
	ghost := sampleDocument()
	ghost.ID = "0190a0a0-0000-7000-8000-00000000dead"
	refused(t, db, "link a missing document", ingest.ErrNotFound, func() error {
		return db.LinkDocument(ctx, &ghost, ev, w.rec(cases.ActionLink, "document:"+ghost.ID))
	})
}

func testSuggestions(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	c1 := w.createCase(t, cases.KindComplaint, day(2026, 3, 2), nil)
	c2 := w.createCase(t, cases.KindComplaint, day(2026, 3, 3), nil)
	var docs [2]ingest.Document
	for i := range docs {
		docs[i] = sampleDocument()
		docs[i].SHA256, docs[i].CaseCode = fmt.Sprintf("%064d", i), ""
		must(t, "create document", db.CreateDocument(ctx, &docs[i]))
	}
	a, b := docs[0].ID, docs[1].ID
	before := lastAuditSeq(t, db)
	must(t, "set suggestions", db.SetSuggestions(ctx, a, []cases.Suggestion{
		{CaseCode: c1.Code, Reason: "code_in_text", Detail: c1.Code, Score: 0.9},
		{CaseCode: c2.Code, Reason: "subject", Score: 0.4},
		{CaseCode: c2.Code, Reason: "number_follows", Detail: "12/QĐ-TTr", Score: 0.95},
	}))
	must(t, "set suggestions", db.SetSuggestions(ctx, b, []cases.Suggestion{{CaseCode: c1.Code, Reason: "subject", Score: 0.5}}))
	if lastAuditSeq(t, db) != before {
		t.Fatal("suggestions were audited: they are derived data, not acts")
	}
	wantA := []cases.Suggestion{
		{DocumentID: a, CaseCode: c2.Code, Reason: "number_follows", Detail: "12/QĐ-TTr", Score: 0.95},
		{DocumentID: a, CaseCode: c1.Code, Reason: "code_in_text", Detail: c1.Code, Score: 0.9},
		{DocumentID: a, CaseCode: c2.Code, Reason: "subject", Score: 0.4},
	}
	wantB := []cases.Suggestion{{DocumentID: b, CaseCode: c1.Code, Reason: "subject", Score: 0.5}}
	got, err := db.Suggestions(ctx, []string{b, a})
	must(t, "suggestions", err)
	var gotA, gotB []cases.Suggestion
	for i, s := range got {
		if i > 0 && s.DocumentID != got[i-1].DocumentID && (s.DocumentID == a && len(gotA) > 0 || s.DocumentID == b && len(gotB) > 0) {
			t.Fatalf("suggestions are not grouped by document: %+v", got)
		}
		switch s.DocumentID {
		case a:
			gotA = append(gotA, s)
		case b:
			gotB = append(gotB, s)
		}
	}
	if !reflect.DeepEqual(gotA, wantA) || !reflect.DeepEqual(gotB, wantB) {
		t.Fatalf("suggestions:\n got %+v\nwant %+v and %+v", got, wantA, wantB)
	}
	must(t, "replace suggestions", db.SetSuggestions(ctx, a, []cases.Suggestion{{CaseCode: c1.Code, Reason: "subject", Score: 0.7}}))
	got, err = db.Suggestions(ctx, []string{a})
	must(t, "suggestions after replacing", err)
	if len(got) != 1 || got[0].Score != 0.7 {
		t.Fatalf("after replacing: %+v", got)
	}
	wantErr(t, "suggestion for a missing case", db.SetSuggestions(ctx, a, []cases.Suggestion{{CaseCode: "KN-2026-999999", Reason: "subject"}}), ingest.ErrNotFound)
	got, err = db.Suggestions(ctx, []string{a})
	must(t, "suggestions after a refused replace", err)
	if len(got) != 1 || got[0].Score != 0.7 {
		t.Fatalf("a refused replace changed the suggestions: %+v", got)
	}
	wantErr(t, "suggestion for a missing document", db.SetSuggestions(ctx, "0190a0a0-0000-7000-8000-00000000dead",
		[]cases.Suggestion{{CaseCode: c1.Code, Reason: "subject"}}), ingest.ErrNotFound)
	must(t, "clear suggestions", db.SetSuggestions(ctx, a, nil))
	must(t, "delete a document with suggestions", db.DeleteDocument(ctx, b))
	got, err = db.Suggestions(ctx, []string{a, b})
	must(t, "suggestions after clearing", err)
	if got == nil || len(got) != 0 {
		t.Fatalf("after clearing and deleting: %#v, want an empty slice", got)
	}
	got, err = db.Suggestions(ctx, nil)
	must(t, "suggestions of no document", err)
	if got == nil || len(got) != 0 {
		t.Fatalf("suggestions of no document: %#v", got)
	}
}

func testAudit(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	if n, err := verifyAudit(t, db); err != nil || n != 0 {
		t.Fatalf("empty chain: %d entries, %v", n, err)
	}
	ict := time.FixedZone("ICT", 7*3600)
	at := time.Date(2026, 3, 2, 8, 30, 0, 123456789, ict)
	read := cases.Record{At: at, UserID: w.handler.ID, Username: w.handler.Username, Action: cases.ActionSecretRead,
		Object: "case:TC-2025-000042", Detail: `{"party":2}`}
	first := audited(t, db, cases.ActionSecretRead, read.Object, func() error { return db.Audit(ctx, read) })
	want := cases.AuditEntry{Record: read, Seq: 1, Version: cases.AuditV1} // no key: the old way
	want.At = time.Date(2026, 3, 2, 1, 30, 0, 123456000, time.UTC)
	want.Hash = cases.ChainHash(want)
	if !reflect.DeepEqual(first, want) {
		t.Fatalf("first entry:\n got %+v\nwant %+v", first, want)
	}
	start := time.Now()
	c := w.createCase(t, cases.KindDenunciation, day(2026, 3, 2), nil)
	download := audited(t, db, cases.ActionDownload, "document:0190", func() error {
		return db.Audit(ctx, cases.Record{UserID: w.clerk.ID, Username: w.clerk.Username, Action: cases.ActionDownload, Object: "document:0190"})
	})
	if download.At.Before(start.Add(-time.Second)) || download.At.After(time.Now().Add(time.Second)) || download.At.Location() != time.UTC {
		t.Fatalf("a record without a time was stamped %v", download.At)
	}
	audited(t, db, cases.ActionUpdate, "case:"+c.Code, func() error {
		return db.UpdateCase(ctx, &c, nil, cases.Record{UserID: w.handler.ID, Username: w.handler.Username,
			Action: cases.ActionUpdate, Object: "case:" + c.Code})
	})

	entries, err := db.AuditEntries(ctx, cases.AuditFilter{})
	must(t, "all entries", err)
	if len(entries) != 4 {
		t.Fatalf("%d entries, want 4", len(entries))
	}
	for i, e := range entries {
		if e.Seq != int64(i+1) || (i > 0 && e.PrevHash != entries[i-1].Hash) || e.Hash != cases.ChainHash(e) {
			t.Fatalf("entry %d does not chain: %+v", i, e)
		}
	}
	for _, tt := range []struct {
		name string
		f    cases.AuditFilter
		want []int64
	}{
		{"object", cases.AuditFilter{Object: "case:" + c.Code}, []int64{2, 4}},
		{"user", cases.AuditFilter{UserID: w.handler.ID}, []int64{1, 4}},
		{"after", cases.AuditFilter{AfterSeq: 2}, []int64{3, 4}},
		{"limit", cases.AuditFilter{Limit: 2}, []int64{1, 2}},
		{"object and user", cases.AuditFilter{Object: "case:" + c.Code, UserID: w.clerk.ID}, []int64{2}},
		{"nothing", cases.AuditFilter{Object: "case:KHONG-CO"}, nil},
	} {
		got, err := db.AuditEntries(ctx, tt.f)
		must(t, tt.name, err)
		var seqs []int64
		for _, e := range got {
			seqs = append(seqs, e.Seq)
		}
		if !reflect.DeepEqual(seqs, tt.want) {
			t.Fatalf("%s: seqs %v, want %v", tt.name, seqs, tt.want)
		}
	}
	if n, err := verifyAudit(t, db); err != nil || n != 4 {
		t.Fatalf("verify: %d entries, %v", n, err)
	}
	stop := fmt.Errorf("enough")
	var walked int
	err = db.WalkAudit(ctx, func(cases.AuditEntry) error {
		walked++
		if walked == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || walked != 2 {
		t.Fatalf("WalkAudit did not stop at fn's error: %v after %d", err, walked)
	}
}

func testAuditConcurrent(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	const writers, each = 8, 12
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range each {
				var err error
				if i%4 == 0 { // a change and its record, among plain records
					c := w.sampleCase(cases.KindComplaint, day(2026, 3, 2))
					err = db.CreateCase(ctx, &c, cases.Event{Type: cases.EventCreated}, w.rec(cases.ActionCreate, ""))
				} else {
					err = db.Audit(ctx, cases.Record{UserID: int64(g), Action: cases.ActionRead, Object: fmt.Sprintf("document:%d-%d", g, i)})
				}
				if err != nil {
					t.Errorf("writer %d: %v", g, err)
					return
				}
			}
		})
	}
	wg.Wait()
	n, err := verifyAudit(t, db)
	must(t, "verify the chain after concurrent appends", err)
	if n != writers*each {
		t.Fatalf("%d entries, want %d", n, writers*each)
	}
}

func testAuditAppendOnly(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	for i := range 3 {
		must(t, "audit", db.Audit(ctx, w.rec(cases.ActionRead, fmt.Sprintf("document:%d", i))))
	}
	for _, stmt := range []string{
		`UPDATE audit_log SET detail = 'sửa' WHERE seq = 2`,
		`UPDATE audit_log SET username = username`,
		`DELETE FROM audit_log WHERE seq = 3`,
		`DELETE FROM audit_log`,
	} {
		if _, err := db.SQL().ExecContext(ctx, stmt); err == nil {
			t.Errorf("%s: the database allowed it", stmt)
		} else if !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: refused, but not by the audit trigger: %v", stmt, err)
		}
	}
	if db.Dialect() == "postgres" {
		if _, err := db.SQL().ExecContext(ctx, `TRUNCATE audit_log`); err == nil {
			t.Error("TRUNCATE audit_log: the database allowed it")
		}
	}
	if n, err := verifyAudit(t, db); err != nil || n != 3 {
		t.Fatalf("after the refused statements: %d entries, %v", n, err)
	}
	must(t, "append after the refused statements", db.Audit(ctx, w.rec(cases.ActionRead, "document:3")))
}

// testAuditTamper plays someone with database access who drops the triggers: the
// chain still shows what they did.
func testAuditTamper(t *testing.T, migrated func(t *testing.T) *sqldb.DB) {
	setUp := func(t *testing.T) *sqldb.DB {
		db := migrated(t)
		w := newCaseWorld(t, db)
		for i := range 5 {
			must(t, "audit", db.Audit(t.Context(), w.rec(cases.ActionRead, fmt.Sprintf("document:%d", i))))
		}
		if n, err := verifyAudit(t, db); err != nil || n != 5 {
			t.Fatalf("before tampering: %d entries, %v", n, err)
		}
		for _, trigger := range []string{"audit_log_no_update", "audit_log_no_delete"} {
			stmt := `DROP TRIGGER ` + trigger
			if db.Dialect() == "postgres" {
				stmt += ` ON audit_log`
			}
			_, err := db.SQL().ExecContext(t.Context(), stmt)
			must(t, stmt, err)
		}
		return db
	}
	tamper := func(t *testing.T, db *sqldb.DB, stmt string) {
		t.Helper()
		res, err := db.SQL().ExecContext(t.Context(), stmt)
		must(t, stmt, err)
		if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("%s changed %d rows", stmt, n)
		}
	}
	for _, tt := range []struct {
		name   string
		stmt   func(t *testing.T, db *sqldb.DB) string
		report string
	}{
		{"edited", func(*testing.T, *sqldb.DB) string {
			return `UPDATE audit_log SET detail = '{"via":"ai đó"}' WHERE seq = 3`
		}, "audit entry 3 was edited"},
		{"edited with its hash", func(t *testing.T, db *sqldb.DB) string {
			entries, err := db.AuditEntries(t.Context(), cases.AuditFilter{AfterSeq: 2, Limit: 1})
			must(t, "entry 3", err)
			e := entries[0]
			e.Username = "nguoi.khac"
			return fmt.Sprintf(`UPDATE audit_log SET username = 'nguoi.khac', hash = '%s' WHERE seq = 3`, cases.ChainHash(e))
		}, "audit entry 4 does not chain"},
		{"deleted", func(*testing.T, *sqldb.DB) string { return `DELETE FROM audit_log WHERE seq = 3` }, "audit entries 2→4"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := setUp(t)
			tamper(t, db, tt.stmt(t, db))
			n, err := verifyAudit(t, db)
			if err == nil || !strings.Contains(err.Error(), tt.report) {
				t.Fatalf("verify after tampering: %v (after %d good entries), want it to report %q", err, n, tt.report)
			}
		})
	}
}

// testHolidays: the working-day calendar comes seeded with 2026 and 2027 (migration
// 7), is listed per year, and every change is audited in its transaction.
func testHolidays(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	y26, err := db.Holidays(ctx, 2026)
	must(t, "holidays of 2026", err)
	y27, err := db.Holidays(ctx, 2027)
	must(t, "holidays of 2027", err)
	all, err := db.Holidays(ctx, 0)
	must(t, "every holiday", err)
	if len(y26) == 0 || len(y27) == 0 || len(all) != len(y26)+len(y27) {
		t.Fatalf("seeded calendar: %d days in 2026, %d in 2027, %d in all", len(y26), len(y27), len(all))
	}
	for i, h := range y26 {
		if h.Day.Year() != 2026 || i > 0 && !y26[i-1].Day.Before(h.Day) {
			t.Fatalf("2026 list not in order or holds %s", cases.FormatDate(h.Day))
		}
	}
	marks := map[string]cases.Holiday{}
	for _, h := range all {
		marks[cases.FormatDate(h.Day)] = h
	}
	for _, d := range []string{"2026-01-01", "2026-02-16", "2026-02-17", "2026-02-20", "2026-04-27", "2026-04-30",
		"2026-05-01", "2026-09-01", "2026-09-02", "2027-01-01", "2027-02-06", "2027-04-16", "2027-05-03", "2027-09-03"} {
		if h, ok := marks[d]; !ok || h.Working || h.Name == "" {
			t.Errorf("seeded %s = %+v (present %v), want a named day off", d, h, ok)
		}
	}
	// Tết 2026 (Saturday 14 to Sunday 22 February) lies between Thursday 12 and
	// the fifth working day after it.
	cal := cases.NewCalendar(all)
	if got := cases.FormatDate(cal.AddWorkingDays(day(2026, 2, 12), 5)); got != "2026-02-26" {
		t.Errorf("5 working days after 2026-02-12 = %s, want 2026-02-26", got)
	}

	rec := func(action, d string) cases.Record {
		return cases.Record{UserID: w.leader.ID, Username: "quan.tri", Action: action, Object: "holiday:" + d}
	}
	makeUp := cases.Holiday{Day: day(2026, 2, 28), Name: "Làm bù", Working: true}
	audited(t, db, cases.ActionCreate, "holiday:2026-02-28", func() error {
		return db.PutHoliday(ctx, makeUp, rec(cases.ActionCreate, "2026-02-28"))
	})
	makeUp.Name = "Làm bù ngày 2/1"
	audited(t, db, cases.ActionUpdate, "holiday:2026-02-28", func() error {
		return db.PutHoliday(ctx, makeUp, rec(cases.ActionUpdate, "2026-02-28"))
	})
	after, err := db.Holidays(ctx, 2026)
	must(t, "holidays after put", err)
	if len(after) != len(y26)+1 || !slicesHas(after, makeUp) {
		t.Fatalf("after two puts of one day: %d days, want %d with %+v", len(after), len(y26)+1, makeUp)
	}
	audited(t, db, cases.ActionDelete, "holiday:2026-02-28", func() error {
		return db.DeleteHoliday(ctx, makeUp.Day, rec(cases.ActionDelete, "2026-02-28"))
	})
	refused(t, db, "delete an unmarked day", ingest.ErrNotFound, func() error {
		return db.DeleteHoliday(ctx, makeUp.Day, rec(cases.ActionDelete, "2026-02-28"))
	})
	if n, err := verifyAudit(t, db); err != nil || n != 3 {
		t.Fatalf("audit chain: %d entries, %v; want 3, intact", n, err)
	}
}

func slicesHas(hs []cases.Holiday, want cases.Holiday) bool {
	for _, h := range hs {
		if h.Day.Equal(want.Day) && h.Name == want.Name && h.Working == want.Working {
			return true
		}
	}
	return false
}
