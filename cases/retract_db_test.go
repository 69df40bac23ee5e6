package cases_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/search"
	"kntc/storage/sqldb"
)

// TestRetractOnDatabases: a leader retracts a document put in by mistake, giving a
// reason. It leaves the document lists, its case, reading by ID, the portal
// (list, search and its public copy) and the search index of two nodes (hits,
// totals and facets), each following the database; the act is audited without
// the reason, which may name people.
func TestRetractOnDatabases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		c, _, err := w.svc.CreateCase(ctx, w.clerk, cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost,
			ReceivedOn: day("2026-03-03"), Subject: "Khiếu nại việc thu hồi đất"})
		if err != nil {
			t.Fatal(err)
		}
		keep := w.scan(t, db, c.Code, "Đơn khiếu nại về việc thu hồi đất của hộ ông Trần Văn Bình.")
		wrong := w.scan(t, db, c.Code, "Đơn khiếu nại về việc bồi thường của bà Lê Thị Thuý, công dân xã khác.")

		var nodes []*search.Index
		var followers []*search.Follower
		for range 2 {
			ix, err := search.OpenMem()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ix.Close() })
			nodes = append(nodes, ix)
			followers = append(followers, &search.Follower{Index: ix, Source: db, Logger: slog.New(slog.DiscardHandler)})
		}
		catchUp := func() {
			t.Helper()
			for _, f := range followers {
				if err := f.CatchUp(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		found := func(node int) (total int, ids []string, caseCount int) {
			t.Helper()
			res, err := nodes[node].Search(ctx, search.Query{Text: "khieu nai", AllUnits: true, Facets: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				ids = append(ids, h.DocumentID)
			}
			for _, fc := range res.Facets["case"] {
				caseCount += fc.Count
			}
			return res.Total, ids, caseCount
		}
		// Its public copy on the portal (as Service.Publish leaves it).
		w.svc.Publications = db
		pub := cases.Publication{ID: "pub-nham", CaseCode: c.Code, CaseKind: c.Kind, UnitCode: w.unit.Code, UnitName: w.unit.Name,
			DocumentID: wrong.ID, Kind: ingest.KindQuyetDinhGiaiQuyetKhieuNai, Year: 2026, Key: "public/aa/nham.pdf",
			SHA256: strings.Repeat("a", 64), Size: 10, Pages: 1, Text: "bồi thường công dân xã khác", PublishedAt: time.Now().UTC(),
			PublishedBy: w.leader.User.ID, MinUntil: day("2026-04-04")}
		if err := db.CreatePublication(ctx, &pub, cases.Record{UserID: w.leader.User.ID, Username: w.leader.User.Username,
			Action: cases.ActionPublish, Object: "case:" + c.Code}); err != nil {
			t.Fatal(err)
		}
		portal := func() (listed int, copyErr error) {
			t.Helper()
			for _, q := range []string{"", "boi thuong"} {
				list, total, err := w.svc.PublishedList(ctx, cases.PublicationFilter{Limit: 50}, q)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range list {
					if p.DocumentID == wrong.ID {
						listed++
					}
				}
				if total != len(list) {
					t.Errorf("portal list %q: total %d, %d listed", q, total, len(list))
				}
			}
			_, copyErr = w.svc.PublishedCopy(ctx, pub.ID)
			return listed, copyErr
		}
		if n, err := portal(); n != 2 || err != nil {
			t.Fatalf("the portal before: listed %d times, copy %v", n, err)
		}
		catchUp()
		for node := range nodes {
			if total, ids, n := found(node); total != 2 || n != 2 || len(ids) != 2 {
				t.Fatalf("node %d before: total %d, hits %v, case facet %d; want both documents", node, total, ids, n)
			}
		}

		if _, err := w.svc.Retract(ctx, w.handler, wrong.ID, "nhầm hồ sơ"); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("a handler retracts: %v, want ErrForbidden", err)
		}
		if _, err := w.svc.Retract(ctx, w.leader, wrong.ID, "  "); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("retract without a reason: %v, want ErrInvalid", err)
		}
		reason := "Nhầm đơn của bà Lê Thị Thuý, công dân xã khác"
		d, err := w.svc.Retract(ctx, w.leader, wrong.ID, reason)
		if err != nil {
			t.Fatal(err)
		}
		if !d.Retracted {
			t.Errorf("the retracted document does not say so: %+v", d)
		}
		if _, err := w.svc.Retract(ctx, w.leader, wrong.ID, reason); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("retract twice: %v, want ErrNotFound", err)
		}

		// Lists, the case, reading by ID.
		for _, f := range []ingest.DocumentFilter{{}, {CaseCode: c.Code}, {Status: ingest.StatusStored}, {UnitCode: w.unit.Code}} {
			list, total, err := db.Documents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if total != 1 || len(list) != 1 || list[0].ID != keep.ID {
				t.Errorf("list %+v: total %d, %d documents; want only %s", f, total, len(list), keep.ID)
			}
		}
		if _, err := w.svc.Document(ctx, w.leader, wrong.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("read the retracted document: %v, want ErrNotFound", err)
		}
		if _, err := w.svc.Document(ctx, w.leader, keep.ID); err != nil {
			t.Errorf("read the other document: %v", err)
		}
		// The same bytes arriving again are processed, not a duplicate of it.
		if d, err := db.DocumentBySHA256(ctx, wrong.SHA256); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("the retracted document is still an original for its bytes: %v, %s", err, d.ID)
		}

		// The portal: neither listed nor served.
		if n, err := portal(); n != 0 || !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("the portal after: listed %d times, copy %v; want neither", n, err)
		}

		// Every node's index: hits, totals, facets, and the index's own list.
		catchUp()
		for node, ix := range nodes {
			if total, ids, n := found(node); total != 1 || n != 1 || len(ids) != 1 || ids[0] != keep.ID {
				t.Errorf("node %d after: total %d, hits %v, case facet %d; want only %s", node, total, ids, n, keep.ID)
			}
			err := ix.DocumentIDs(ctx, func(id string, _ time.Time) error {
				if id == wrong.ID {
					t.Errorf("node %d still indexes the retracted document", node)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}

		// The audit trail: who retracted which document, not the reason.
		entries, err := db.AuditEntries(ctx, cases.AuditFilter{Object: "document:" + wrong.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var retracts int
		for _, e := range entries {
			if e.Action == cases.ActionRetract {
				retracts++
				if e.Username != w.leader.User.Username || strings.Contains(e.Detail, "Thuý") {
					t.Errorf("audit entry %+v: want the leader, and no reason text", e)
				}
			}
		}
		if retracts != 1 {
			t.Errorf("%d retract entries in the audit trail, want 1", retracts)
		}
	})
}
