package cases_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/storage/localfs"
	"kntc/storage/sqldb"
)

// TestPurgeOnDatabases: an administrator retracts a document by its ID (reading
// none of it) and purges it: its objects are deleted, its page text and file name
// wiped, the act audited once; objects another document holds too are kept; a
// decision under a write-once retention cannot be purged; nobody else may purge.
func TestPurgeOnDatabases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		blobs, err := localfs.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		w.svc.Blobs = blobs
		w.svc.WORM = &cases.WORM{Blobs: blobs, Years: 10, Now: func() time.Time { return *w.clock }}
		admin := auth.User{Username: "quan.tri.huyen", Role: auth.RoleAdministrator, UnitID: w.unit.ID}
		if err := w.svc.Accounts.AddUser(ctx, &admin, "mật khẩu thử nghiệm"); err != nil {
			t.Fatal(err)
		}
		adm, err := cases.ActorFor(ctx, w.svc.Accounts, admin)
		if err != nil {
			t.Fatal(err)
		}
		c, _, err := w.svc.CreateCase(ctx, w.clerk, cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost,
			ReceivedOn: day("2026-03-03"), Subject: "Khiếu nại việc thu hồi đất"})
		if err != nil {
			t.Fatal(err)
		}
		// objects puts a document's files where the pipeline and the viewer do.
		objects := func(d ingest.Document) []string {
			t.Helper()
			keys := []string{ingest.OriginalKey(d.SHA256), ingest.ArchiveKey(d.SHA256, d.Pipeline),
				ingest.PageKey(d.SHA256, d.Pipeline, 1),
				"derived/" + d.SHA256[:2] + "/" + d.SHA256 + "/" + d.Pipeline + "/view/page-0001-thumb.png"}
			for _, k := range keys {
				b := []byte("nội dung " + k)
				if _, err := blobs.Put(ctx, k, bytes.NewReader(b), int64(len(b)), ""); err != nil {
					t.Fatal(err)
				}
			}
			return keys
		}
		present := func(keys []string) (n int) {
			t.Helper()
			for _, k := range keys {
				_, err := blobs.Stat(ctx, k)
				switch {
				case err == nil:
					n++
				case !errors.Is(err, errs.ErrNotFound):
					t.Fatal(err)
				}
			}
			return n
		}

		wrong := w.scan(t, db, c.Code, "Đơn khiếu nại của bà Lê Thị Thuý, công dân xã khác, gửi nhầm.")
		wrongKeys := objects(wrong)

		// Only administrators purge, and only what was retracted.
		if _, err := w.svc.Purge(ctx, w.leader, wrong.ID); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("a leader purges: %v, want ErrForbidden", err)
		}
		if _, err := w.svc.Purge(ctx, adm, wrong.ID); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("purge before retracting: %v, want ErrConflict", err)
		}
		// The administrator retracts by ID.
		if _, err := w.svc.Retract(ctx, adm, wrong.ID, "Gửi nhầm đơn của công dân xã khác"); err != nil {
			t.Fatalf("an administrator retracts: %v", err)
		}
		res, err := w.svc.Purge(ctx, adm, wrong.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Shared || res.Deleted != len(wrongKeys) || present(wrongKeys) != 0 {
			t.Errorf("purge: %+v, %d of %d objects left; want all %d deleted", res, present(wrongKeys), len(wrongKeys), len(wrongKeys))
		}
		d, err := db.Document(ctx, wrong.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Filename != "" || d.Meta.Subject != "" {
			t.Errorf("the purged document keeps its file name %q or subject %q", d.Filename, d.Meta.Subject)
		}
		pages, err := db.Pages(ctx, wrong.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			if p.Text != "" {
				t.Errorf("page %d keeps its text %q", p.Number, p.Text)
			}
		}
		// Again: nothing more to delete, no second audit entry.
		if _, err := w.svc.Purge(ctx, adm, wrong.ID); err != nil {
			t.Errorf("purge again: %v", err)
		}
		entries, err := db.AuditEntries(ctx, cases.AuditFilter{Object: "document:" + wrong.ID, Action: cases.ActionPurge})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Username != admin.Username || strings.Contains(entries[0].Detail, "Thuý") {
			t.Errorf("purge audit entries: %+v; want one by %s naming no one", entries, admin.Username)
		}
		purged := true
		list, total, err := w.svc.Retractions(ctx, adm, cases.RetractionFilter{Purged: &purged})
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || len(list) != 1 || list[0].DocumentID != wrong.ID || list[0].PurgedAt.IsZero() || list[0].PurgedBy != admin.Username {
			t.Errorf("purged retractions: %d %+v", total, list)
		}

		// The same bytes held by another document: its objects stay.
		twin := w.scan(t, db, c.Code, "Biên bản làm việc với hộ ông Trần Văn Bình về thu hồi đất.")
		twinKeys := objects(twin)
		again := ingest.Document{Status: ingest.StatusReceived, SHA256: twin.SHA256, Size: twin.Size, Filename: "lai.pdf",
			SourcePath: "test", ContentType: "application/pdf", UnitCode: w.unit.Code, Pipeline: twin.Pipeline}
		if err := db.CreateDocument(ctx, &again); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Retract(ctx, w.leader, twin.ID, "Trùng"); err != nil {
			t.Fatal(err)
		}
		if res, err := w.svc.Purge(ctx, adm, twin.ID); err != nil || !res.Shared || res.Deleted != 0 || present(twinKeys) != len(twinKeys) {
			t.Errorf("purge of shared bytes: %+v, %v, %d of %d objects left; want all kept", res, err, present(twinKeys), len(twinKeys))
		}

		// A decision kept write-once cannot be purged.
		decision := w.scan(t, db, c.Code, "QUYẾT ĐỊNH Về việc giải quyết khiếu nại của ông Trần Văn Bình")
		decisionKeys := objects(decision)
		if err := w.svc.WORM.Retain(ctx, decision); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Retract(ctx, w.leader, decision.ID, "Nhầm"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Purge(ctx, adm, decision.ID); !errors.Is(err, errs.ErrConflict) || present(decisionKeys) != len(decisionKeys) {
			t.Errorf("purge of a write-once decision: %v, %d of %d objects left; want ErrConflict and all kept", err, present(decisionKeys), len(decisionKeys))
		}
	})
}
