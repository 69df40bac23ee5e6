package storagetest

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/internal/errs"
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
	wantErr(t, "get missing", err, errs.ErrNotFound)
	_, err = db.CaseByCode(ctx, "KN-2026-999999")
	wantErr(t, "get missing code", err, errs.ErrNotFound)

	stale := c
	c.Status = cases.StatusAccepted
	c.AcceptedOn = day(2026, 3, 9)
	c.HandlerID = w.handler.ID
	c.Complex, c.Remote, c.Round = true, true, 2
	c.DueOn = day(2026, 5, 8)
	c.DecisionDocument = "0190a0a0-0000-7000-8000-0000000000aa"
	c.Extensions = []cases.Extension{{DecisionNumber: "05/QĐ-TTr", DecisionDate: day(2026, 4, 1), Days: 30, Reason: "Phức tạp", By: w.leader.ID}}
	c.Outcome = cases.Outcome{RecoverMoney: 12.75, ReturnLand: 350.5, ReturnPeople: 3, DisciplinePeople: 2,
		DisciplineOfficials: 1, InvestigationCases: 1, RecoveredMoney: 2.25, EnforcedOn: day(2026, 4, 20)}
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
	refused(t, db, "update a stale version", errs.ErrConflict, func() error {
		return db.UpdateCase(ctx, &stale, nil, w.rec(cases.ActionUpdate, "case:"+c.Code))
	})
	if stale.Version != 1 {
		t.Fatalf("a refused update changed the caller's case: version %d", stale.Version)
	}
	ghost := c
	ghost.ID = 999999
	refused(t, db, "update a missing case", errs.ErrNotFound, func() error {
		return db.UpdateCase(ctx, &ghost, nil, w.rec(cases.ActionUpdate, "case:KN-2026-999999"))
	})
	badHandler := c
	badHandler.HandlerID = 999999
	refused(t, db, "assign a missing user", errs.ErrNotFound, func() error {
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
	refused(t, db, "case of a missing unit", errs.ErrNotFound, func() error {
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
	refused(t, db, "duplicate code", errs.ErrConflict, func() error {
		return db.CreateCase(ctx, &dup, cases.Event{Type: cases.EventCreated}, w.rec(cases.ActionCreate, ""))
	})
	bad := w.sampleCase("khac", day(2026, 4, 4))
	refused(t, db, "code of an unknown kind", errs.ErrInvalid, func() error {
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
