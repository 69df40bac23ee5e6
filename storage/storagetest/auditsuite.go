package storagetest

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

// suiteAuditKey keys the chain in the keyed tests.
var suiteAuditKey = bytes.Repeat([]byte{0x3c}, 32)

// verifyKeyed checks the whole chain under the suite's key.
func verifyKeyed(t *testing.T, db *sqldb.DB) cases.ChainVerifier {
	t.Helper()
	v := cases.ChainVerifier{Key: suiteAuditKey}
	must(t, "verify the keyed chain", db.WalkAudit(t.Context(), v.Next))
	return v
}

// testAuditKeyed: with a key, entries are chained with HMAC and carry the unit of
// their object, which the Units filter selects on; without the key, nothing is
// appended after a keyed entry.
func testAuditKeyed(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	must(t, "unkeyed entry first", db.Audit(ctx, w.rec(cases.ActionRead, "document:cu")))
	db.SetAuditKey(suiteAuditKey)

	other := audited(t, db, cases.ActionCreate, "", func() error {
		c := w.sampleCase(cases.KindComplaint, day(2026, 3, 2))
		c.UnitID = w.other.ID
		return db.CreateCase(ctx, &c, cases.Event{Type: cases.EventCreated}, w.rec(cases.ActionCreate, ""))
	})
	p := cases.Petition{UnitID: w.unit.ID, Source: cases.SourcePost, Kind: cases.KindComplaint, ReceivedOn: day(2026, 3, 2),
		Subject: "Khiếu nại việc thu hồi đất", CreatedBy: w.clerk.ID}
	petition := audited(t, db, cases.ActionCreate, "", func() error { return db.CreatePetition(ctx, &p, w.rec(cases.ActionCreate, "")) })
	d := sampleDocument()
	d.UnitCode = w.other.Code
	doc := audited(t, db, cases.ActionReceive, "", func() error { return db.CreateDocument(ctx, &d) })
	read := audited(t, db, cases.ActionRead, "document:"+d.ID, func() error { return db.Audit(ctx, w.rec(cases.ActionRead, "document:"+d.ID)) })
	explicit := w.rec(cases.ActionExport, "")
	explicit.Unit = w.unit.Code
	exported := audited(t, db, cases.ActionExport, "", func() error { return db.Audit(ctx, explicit) })
	none := audited(t, db, cases.ActionExport, "", func() error { return db.Audit(ctx, w.rec(cases.ActionExport, "report:2026")) })
	for _, tt := range []struct {
		name string
		e    cases.AuditEntry
		want string
	}{
		{"case", other, w.other.Code}, {"petition", petition, w.unit.Code}, {"document arrival", doc, w.other.Code},
		{"document read", read, w.other.Code}, {"given", exported, w.unit.Code}, {"no unit", none, ""},
	} {
		if tt.e.Unit != tt.want || tt.e.Version != cases.AuditV2 {
			t.Errorf("%s: unit %q version %d, want %q keyed", tt.name, tt.e.Unit, tt.e.Version, tt.want)
		}
	}

	v := verifyKeyed(t, db)
	if v.FirstKeyed != 2 || v.Count != 7 {
		t.Fatalf("keyed from %d, %d entries; want from 2, 7", v.FirstKeyed, v.Count)
	}
	for _, tt := range []struct {
		name  string
		units []string
		want  []int64
	}{
		{"every unit and none", nil, []int64{1, 2, 3, 4, 5, 6, 7}},
		{"one unit", []string{w.other.Code}, []int64{2, 4, 5}},
		{"two units", []string{w.other.Code, w.unit.Code}, []int64{2, 3, 4, 5, 6}},
		{"no unit at all", []string{}, nil},
	} {
		got, err := db.AuditEntries(ctx, cases.AuditFilter{Units: tt.units})
		must(t, tt.name, err)
		var seqs []int64
		for _, e := range got {
			seqs = append(seqs, e.Seq)
		}
		if !reflect.DeepEqual(seqs, tt.want) {
			t.Errorf("%s: seqs %v, want %v", tt.name, seqs, tt.want)
		}
	}

	db.SetAuditKey(nil)
	refused(t, db, "an unkeyed entry after keyed ones", cases.ErrNoAuditKey, func() error {
		return db.Audit(ctx, w.rec(cases.ActionRead, "document:x"))
	})
	if err := db.CreateDocument(ctx, &ingest.Document{Status: ingest.StatusReceived, SHA256: strings.Repeat("e", 64)}); !errors.Is(err, cases.ErrNoAuditKey) {
		t.Fatalf("a document arriving without the key: %v", err)
	}
	if _, total, err := db.Documents(ctx, ingest.DocumentFilter{}); err != nil || total != 1 {
		t.Fatalf("the document whose arrival could not be audited was stored: %d, %v", total, err)
	}
}

// testDocumentArrivals: every new document row comes with its arrival's audit
// entry, in the same transaction: its unit, source and uploader, never its file
// name.
func testDocumentArrivals(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	db.SetAuditKey(suiteAuditKey)
	w := newCaseWorld(t, db)
	d := sampleDocument()
	d.Status = ingest.StatusReceived
	d.Arrival = ingest.Arrival{Source: "upload", UserID: w.clerk.ID, Username: w.clerk.Username}
	e := audited(t, db, cases.ActionReceive, "", func() error { return db.CreateDocument(ctx, &d) })
	want := fmt.Sprintf("source=upload status=received sha256=%s case=%s", d.SHA256, d.CaseCode)
	if e.Object != "document:"+d.ID || e.Unit != d.UnitCode || e.UserID != w.clerk.ID || e.Username != w.clerk.Username || e.Detail != want {
		t.Fatalf("arrival entry %+v, want document:%s of %s by %s: %q", e, d.ID, d.UnitCode, w.clerk.Username, want)
	}
	dup := sampleDocument()
	dup.Status, dup.DuplicateOf, dup.CaseCode = ingest.StatusDuplicate, d.ID, ""
	dup.Arrival = ingest.Arrival{Source: "hotfolder"}
	e = audited(t, db, cases.ActionReceive, "", func() error { return db.CreateDocument(ctx, &dup) })
	if e.Username != "system" || e.Detail != fmt.Sprintf("source=hotfolder status=duplicate sha256=%s duplicate_of=%s", dup.SHA256, d.ID) {
		t.Fatalf("duplicate's arrival entry %+v", e)
	}
	all, err := db.AuditEntries(ctx, cases.AuditFilter{})
	must(t, "entries", err)
	for _, x := range all {
		if strings.Contains(fmt.Sprintf("%+v", x), "Quyết định") {
			t.Errorf("entry %d names the file: %+v", x.Seq, x)
		}
	}
	again := d
	refused(t, db, "a document ID twice", errs.ErrConflict, func() error { return db.CreateDocument(ctx, &again) })
	verifyKeyed(t, db)
}

// testAccountsAudited: units and users created or changed through the store are
// recorded, in the same transaction, under the user the context names.
func testAccountsAudited(t *testing.T, db *sqldb.DB) {
	db.SetAuditKey(suiteAuditKey)
	admin := auth.User{ID: 42, Username: "quan.tri"}
	ctx := auth.WithActingUser(t.Context(), admin)
	root := auth.Unit{Code: "TINH", Name: "Tỉnh", Level: auth.LevelProvince}
	e := audited(t, db, cases.ActionCreate, "unit:TINH", func() error { return db.CreateUnit(ctx, &root) })
	if e.UserID != 42 || e.Username != "quan.tri" || e.Unit != "TINH" {
		t.Fatalf("unit creation entry %+v", e)
	}
	dist := auth.Unit{Code: "HT", Name: "Hòa Thành", Level: auth.LevelDistrict, ParentID: root.ID}
	audited(t, db, cases.ActionCreate, "unit:HT", func() error { return db.CreateUnit(ctx, &dist) })
	u := auth.User{Username: "lan", Role: auth.RoleClerk, UnitID: dist.ID, ScopeUnitID: dist.ID, PasswordHash: "$argon2id$bí-mật"}
	e = audited(t, db, cases.ActionCreate, "", func() error { return db.CreateUser(ctx, &u) })
	if e.Object != fmt.Sprintf("user:%d", u.ID) || e.Unit != "HT" || !strings.Contains(e.Detail, "username=lan role=clerk") {
		t.Fatalf("user creation entry %+v", e)
	}
	u.PasswordHash, u.Disabled, u.Role = "$argon2id$mới", true, auth.RoleHandler
	e = audited(t, db, cases.ActionUpdate, fmt.Sprintf("user:%d", u.ID), func() error { return db.UpdateUser(ctx, &u) })
	if e.Detail != "username=lan role=clerk→handler password disabled=true" {
		t.Fatalf("user change entry %q", e.Detail)
	}
	// Without an acting user, the system made the change.
	e = audited(t, db, cases.ActionUpdate, "", func() error { return db.UpdateUser(t.Context(), &u) })
	if e.Username != "system" || e.Detail != "username=lan unchanged" {
		t.Fatalf("unattributed change entry %+v", e)
	}
	refused(t, db, "a unit code twice", errs.ErrConflict, func() error {
		again := auth.Unit{Code: "HT", Name: "Khác", Level: auth.LevelDistrict, ParentID: root.ID}
		return db.CreateUnit(ctx, &again)
	})
	refused(t, db, "a missing user", errs.ErrNotFound, func() error {
		ghost := auth.User{ID: 999999, Username: "ma", Role: auth.RoleClerk, UnitID: dist.ID, ScopeUnitID: dist.ID}
		return db.UpdateUser(ctx, &ghost)
	})
	all, err := db.AuditEntries(ctx, cases.AuditFilter{})
	must(t, "entries", err)
	for _, x := range all {
		if strings.Contains(x.Detail, "argon2") {
			t.Errorf("entry %d holds the password hash: %q", x.Seq, x.Detail)
		}
	}
	verifyKeyed(t, db)
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
		{"action", cases.AuditFilter{Action: cases.ActionDownload}, []int64{3}},
		{"from", cases.AuditFilter{From: at.Add(time.Minute)}, []int64{2, 3, 4}},
		{"to", cases.AuditFilter{To: at.Add(time.Minute)}, []int64{1}},
		{"from and to the instant", cases.AuditFilter{From: at, To: at.Add(time.Microsecond)}, []int64{1}},
		{"action and from", cases.AuditFilter{Action: cases.ActionSecretRead, From: at.Add(time.Minute)}, nil},
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
