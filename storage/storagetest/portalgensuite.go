package storagetest

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
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

// testPublicDocuments: a case's documents as the lookup lists them are its
// posted copies whose document stands, newest first, the same as the
// publications list of the case says, and at most the limit.
func testPublicDocuments(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	c := w.createCase(t, cases.KindComplaint, day(2026, 3, 2), nil)
	other := w.createCase(t, cases.KindComplaint, day(2026, 3, 3), nil)
	rec := cases.Record{UserID: w.leader.ID, Username: w.leader.Username, Action: cases.ActionPublish, Object: "case:" + c.Code}
	var pubs []cases.Publication
	for n := range 5 {
		d := sampleDocument()
		d.SHA256 = fmt.Sprintf("%064d", 800+n)
		d.CaseCode = c.Code
		if n == 4 {
			d.CaseCode = other.Code
		}
		must(t, "create document", db.CreateDocument(ctx, &d))
		p := cases.Publication{ID: fmt.Sprintf("doc%02d", n), CaseCode: d.CaseCode, CaseKind: c.Kind, UnitCode: "TTT", UnitName: "Thanh tra tỉnh",
			DocumentID: d.ID, Kind: ingest.KindQuyetDinhThuLy, Number: fmt.Sprintf("%d/QĐ-UBND", n), Date: "2026-03-09", Year: 2026,
			Key: "public/aa/x.pdf", SHA256: fmt.Sprintf("%064d", n), Size: 1234, Pages: n + 1, Text: "Thụ lý",
			PublishedAt: time.Date(2026, 3, 20+n%3, 3, 4, 5, 0, time.UTC), PublishedBy: w.leader.ID, MinUntil: day(2026, 4, 4)}
		must(t, "publish", db.CreatePublication(ctx, &p, rec))
		pubs = append(pubs, p)
	}
	pubs[1].UnpublishedAt, pubs[1].UnpublishedBy, pubs[1].Reason, pubs[1].Ground = time.Now(), w.leader.ID, "hủy", cases.GroundAnnulled
	must(t, "unpublish", db.Unpublish(ctx, &pubs[1], rec))
	d2, err := db.Document(ctx, pubs[2].DocumentID)
	must(t, "document", err)
	must(t, "retract", db.RetractDocument(ctx, &d2, "nhầm", cases.Record{Username: "test", Action: cases.ActionRetract, Object: "document:" + d2.ID}))

	want := func(limit int) []cases.PublicDocument {
		list, _, err := db.Publications(ctx, cases.PublicationFilter{CaseCode: c.Code, LiveOnly: true, Limit: limit})
		must(t, "publications of the case", err)
		var out []cases.PublicDocument
		for _, p := range list {
			out = append(out, cases.PublicDocument{ID: p.ID, Kind: p.Kind, Number: p.Number, Date: p.Date, Pages: p.Pages})
		}
		return out
	}
	for _, limit := range []int{100, 1} {
		got, err := db.PublicDocuments(ctx, c.Code, limit)
		must(t, "public documents", err)
		if w := want(limit); !reflect.DeepEqual(got, w) || len(w) != min(limit, 2) {
			t.Errorf("limit %d: %+v, want %+v (two: doc03, doc00)", limit, got, w)
		}
	}
	if got, err := db.PublicDocuments(ctx, "KN-2026-999999", 100); err != nil || len(got) != 0 {
		t.Errorf("an unknown case: %v %v", got, err)
	}
}
