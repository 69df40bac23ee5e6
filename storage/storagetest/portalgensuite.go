package storagetest

import (
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
	"kntc/storage/sqldb"
)

// testPortalGeneration: the portal generation (what the portal's cache of its
// published list is keyed by) changes with every write to what the list shows —
// a publication posted, changed or taken down, a document retracted, a unit
// added or renamed — and is unchanged by reads and by writes elsewhere. It
// changes in the writer's transaction: not before the commit, and not at all
// when the writer rolls back.
func testPortalGeneration(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	gen := func() int64 {
		t.Helper()
		n, err := db.PortalGeneration(ctx)
		must(t, "portal generation", err)
		return n
	}
	changes := func(what string, want bool, fn func() error) {
		t.Helper()
		before := gen()
		must(t, what, fn())
		if after := gen(); (after != before) != want {
			t.Errorf("%s: generation %d → %d, want a change: %v", what, before, after, want)
		}
	}
	var w caseWorld
	changes("units added", true, func() error { w = newCaseWorld(t, db); return nil })
	var c cases.Case
	changes("a case created", false, func() error { c = w.createCase(t, cases.KindComplaint, day(2026, 3, 2), nil); return nil })
	doc := func(n int) ingest.Document {
		d := sampleDocument()
		d.SHA256 = fmt.Sprintf("%064d", 700+n)
		d.CaseCode = c.Code
		changes("a document stored", false, func() error { return db.CreateDocument(ctx, &d) })
		return d
	}
	rec := func(action string) cases.Record {
		return cases.Record{UserID: w.leader.ID, Username: w.leader.Username, Action: action, Object: "case:" + c.Code}
	}
	d1, d2 := doc(1), doc(2)
	p := cases.Publication{ID: "gen01", CaseCode: c.Code, CaseKind: c.Kind, UnitCode: "TTT", UnitName: "Thanh tra tỉnh",
		DocumentID: d1.ID, Kind: ingest.KindQuyetDinhThuLy, Number: "1/QĐ-UBND", Date: "2026-03-09", Year: 2026,
		Key: "public/aa/x.pdf", SHA256: fmt.Sprintf("%064d", 1), Size: 1234, Pages: 2, Text: "Thụ lý",
		PublishedAt: time.Date(2026, 3, 20, 3, 4, 5, 0, time.UTC), PublishedBy: w.leader.ID, MinUntil: day(2026, 4, 4)}
	changes("a copy posted", true, func() error { return db.CreatePublication(ctx, &p, rec(cases.ActionPublish)) })
	changes("the list read", false, func() error {
		_, _, err := db.Publications(ctx, cases.PublicationFilter{LiveOnly: true, CountUpTo: 10})
		return err
	})
	twice := p
	twice.ID = "gen02"
	changes("a second copy refused", false, func() error {
		if err := db.CreatePublication(ctx, &twice, rec(cases.ActionPublish)); err == nil {
			return errors.New("a second posted copy of a document was taken")
		}
		return nil
	})
	p2 := p
	p2.ID, p2.DocumentID, p2.SHA256 = "gen03", d2.ID, fmt.Sprintf("%064d", 3)
	changes("another copy posted", true, func() error { return db.CreatePublication(ctx, &p2, rec(cases.ActionPublish)) })
	p.UnpublishedAt, p.UnpublishedBy, p.Reason, p.Ground = p.PublishedAt.Add(time.Hour), w.leader.ID, "hủy", cases.GroundAnnulled
	changes("a copy taken down", true, func() error { return db.Unpublish(ctx, &p, rec(cases.ActionUnpublish)) })
	changes("a document retracted", true, func() error {
		return db.RetractDocument(ctx, &d2, "nhầm", cases.Record{Username: "test", Action: cases.ActionRetract, Object: "document:" + d2.ID})
	})
	changes("a unit renamed", true, func() error { return db.RenameUnit(ctx, w.other.ID, "Sở Tài nguyên") })
	changes("a unit created", true, func() error {
		return db.CreateUnit(ctx, &auth.Unit{Code: "HT", Name: "UBND huyện Hoà Thành", Level: auth.LevelDistrict, ParentID: w.unit.ID})
	})
	changes("an audit entry", false, func() error {
		return db.Audit(ctx, cases.Record{Username: "cong_dan", Action: cases.ActionPortalLockout, Object: "portal"})
	})

	// Within the writer's transaction: other connections see the old number
	// until the commit, and a rollback leaves it.
	before := gen()
	rollback := errors.New("roll back")
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, dialectQuery(db, `UPDATE publications SET number = ? WHERE id = ?`), "9/QĐ-UBND", p2.ID); err != nil {
			return err
		}
		var inside int64
		if err := tx.QueryRowContext(ctx, `SELECT n FROM portal_generation`).Scan(&inside); err != nil {
			return err
		}
		if inside == before {
			t.Errorf("inside the writer's transaction the generation is still %d", inside)
		}
		if n := gen(); n != before {
			t.Errorf("another connection sees generation %d before the commit, want %d", n, before)
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("the transaction: %v", err)
	}
	if n := gen(); n != before {
		t.Errorf("after a rollback the generation is %d, want %d", n, before)
	}
}
