package storagetest

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"kntc/auth"
	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

// TestDatabase runs the metadata-database conformance suite. open must return a
// fresh, empty, unmigrated database for every call; the suite closes it.
func TestDatabase(t *testing.T, open func(t *testing.T) *sqldb.DB) {
	migrated := func(t *testing.T) *sqldb.DB {
		t.Helper()
		db := open(t)
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(t.Context()); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		return db
	}
	t.Run("Migrations", func(t *testing.T) { testMigrations(t, open) })
	t.Run("Documents", func(t *testing.T) { testDocuments(t, migrated(t)) })
	t.Run("DocumentList", func(t *testing.T) { testDocumentList(t, migrated(t)) })
	t.Run("Pages", func(t *testing.T) { testPages(t, migrated(t)) })
	t.Run("ChangedSince", func(t *testing.T) { testChangedSince(t, migrated(t)) })
	t.Run("TypedDocuments", func(t *testing.T) { testTypedDocuments(t, migrated(t)) })
	t.Run("ConcurrentWriters", func(t *testing.T) { testConcurrentDocumentWriters(t, migrated(t)) })
	t.Run("Units", func(t *testing.T) { testUnits(t, migrated(t)) })
	t.Run("UsersAndTokens", func(t *testing.T) { testUsersAndTokens(t, migrated(t)) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, migrated(t)) })
	t.Run("Bootstrap", func(t *testing.T) { testBootstrap(t, migrated(t)) })
	t.Run("JobQueueTables", func(t *testing.T) { testJobQueueTables(t, migrated(t)) })
	t.Run("Leases", func(t *testing.T) { testLeases(t, migrated(t)) })
	t.Run("CaseRecords", func(t *testing.T) { testCaseRecords(t, migrated(t)) })
	t.Run("CaseCodes", func(t *testing.T) { testCaseCodes(t, migrated(t)) })
	t.Run("CaseList", func(t *testing.T) { testCaseList(t, migrated(t)) })
	t.Run("DueCounts", func(t *testing.T) { testDueCounts(t, migrated(t)) })
	t.Run("DocumentCounts", func(t *testing.T) { testDocumentCounts(t, migrated(t)) })
	t.Run("Parties", func(t *testing.T) { testParties(t, migrated(t)) })
	t.Run("Grants", func(t *testing.T) { testGrants(t, migrated(t)) })
	t.Run("Petitions", func(t *testing.T) { testPetitions(t, migrated(t)) })
	t.Run("Receptions", func(t *testing.T) { testReceptions(t, migrated(t)) })
	t.Run("CaseDocuments", func(t *testing.T) { testCaseDocuments(t, migrated(t)) })
	t.Run("Publications", func(t *testing.T) { testPublications(t, migrated(t)) })
	t.Run("PortalGeneration", func(t *testing.T) { testPortalGeneration(t, migrated(t)) })
	t.Run("PublicDocuments", func(t *testing.T) { testPublicDocuments(t, migrated(t)) })
	t.Run("Suggestions", func(t *testing.T) { testSuggestions(t, migrated(t)) })
	t.Run("Holidays", func(t *testing.T) { testHolidays(t, migrated(t)) })
	t.Run("PortalForms", func(t *testing.T) { testPortalForms(t, migrated(t)) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, migrated(t)) })
	t.Run("AuditConcurrent", func(t *testing.T) { testAuditConcurrent(t, migrated(t)) })
	t.Run("AuditAppendOnly", func(t *testing.T) { testAuditAppendOnly(t, migrated(t)) })
	t.Run("AuditTamper", func(t *testing.T) { testAuditTamper(t, migrated) })
	t.Run("AuditKeyed", func(t *testing.T) { testAuditKeyed(t, migrated(t)) })
	t.Run("DocumentArrivals", func(t *testing.T) { testDocumentArrivals(t, migrated(t)) })
	t.Run("AccountsAudited", func(t *testing.T) { testAccountsAudited(t, migrated(t)) })
	t.Run("AccountChanges", func(t *testing.T) { testAccountChanges(t, migrated(t)) })
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got error %v, want one wrapping %v", what, err, want)
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func testMigrations(t *testing.T, open func(t *testing.T) *sqldb.DB) {
	ctx := t.Context()
	db := open(t)
	defer db.Close()
	if v, err := db.SchemaVersion(ctx); err != nil || v != 0 {
		t.Fatalf("fresh database: version %d, %v; want 0", v, err)
	}
	wantErr(t, "CheckSchema before migrating", db.CheckSchema(ctx), sqldb.ErrSchemaStale)
	applied, err := db.Migrate(ctx)
	must(t, "migrate", err)
	known := db.KnownVersion()
	if known < 2 || len(applied) != known {
		t.Fatalf("applied %v, known version %d", applied, known)
	}
	must(t, "CheckSchema after migrating", db.CheckSchema(ctx))
	again, err := db.Migrate(ctx)
	must(t, "migrate again", err)
	if len(again) != 0 {
		t.Fatalf("second Migrate applied %v, want nothing", again)
	}
	// Concurrent starters apply each migration once (each is recorded once).
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := db.Migrate(ctx); err != nil {
				t.Errorf("concurrent migrate: %v", err)
			}
		})
	}
	wg.Wait()
	var rows int
	must(t, "count migrations", db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&rows))
	if rows != known {
		t.Fatalf("schema_migrations has %d rows, want %d", rows, known)
	}
	// A newer kntc migrated this database: refuse it.
	_, err = db.SQL().ExecContext(ctx, fmt.Sprintf(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (%d, 'future', 'x')`, known+1))
	must(t, "insert future migration", err)
	wantErr(t, "CheckSchema on a newer schema", db.CheckSchema(ctx), sqldb.ErrSchemaTooNew)
	_, err = db.Migrate(ctx)
	wantErr(t, "Migrate on a newer schema", err, sqldb.ErrSchemaTooNew)
}

func sampleDocument() ingest.Document {
	return ingest.Document{
		Status:      ingest.StatusStored,
		SHA256:      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Size:        123456,
		Filename:    "Quyết định thụ lý số 12.pdf",
		SourcePath:  "hotfolder/STNMT/KN-2026-000123/Quyết định thụ lý số 12.pdf",
		ContentType: "application/pdf",
		UnitCode:    "STNMT",
		CaseCode:    "KN-2026-000123",
		Pages:       3,
		Kind:        "quyet_dinh_thu_ly",
		Meta: ingest.Metadata{
			Number:  "12/QĐ-STNMT",
			Date:    "2026-02-05",
			Issuer:  "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
			Type:    "QUYẾT ĐỊNH",
			Subject: "Về việc thụ lý giải quyết khiếu nại của bà Nguyễn Thị Hoà",
		},
		Attempts: 1,
		Pipeline: "v1",
	}
}

func testDocuments(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	d := sampleDocument()
	must(t, "create", db.CreateDocument(ctx, &d))
	if d.ID == "" || d.CreatedAt.IsZero() || !d.UpdatedAt.Equal(d.CreatedAt) {
		t.Fatalf("create did not assign ID and times: %+v", d)
	}
	got, err := db.Document(ctx, d.ID)
	must(t, "get", err)
	if !reflect.DeepEqual(got, d) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, d)
	}
	dup := d
	wantErr(t, "create with an existing ID", db.CreateDocument(ctx, &dup), errs.ErrConflict)

	_, err = db.Document(ctx, "0190a0a0-0000-7000-8000-000000000000")
	wantErr(t, "get missing", err, errs.ErrNotFound)

	bad := sampleDocument()
	bad.Status = "lost"
	wantErr(t, "create with an unknown status", db.CreateDocument(ctx, &bad), errs.ErrInvalid)

	d.Status = ingest.StatusQuarantined
	d.Error = "Tệp PDF bị mã hoá (encrypted PDF)"
	d.Meta.Subject = "Về việc khác"
	must(t, "update", db.UpdateDocument(ctx, &d))
	got, err = db.Document(ctx, d.ID)
	must(t, "get after update", err)
	if !reflect.DeepEqual(got, d) {
		t.Fatalf("after update:\n got %+v\nwant %+v", got, d)
	}
	missing := sampleDocument()
	missing.ID = "0190a0a0-0000-7000-8000-000000000001"
	wantErr(t, "update missing", db.UpdateDocument(ctx, &missing), errs.ErrNotFound)

	// By SHA-256: the original, never a duplicate row.
	d.Status, d.Error = ingest.StatusStored, ""
	must(t, "store", db.UpdateDocument(ctx, &d))
	copyOf := sampleDocument()
	copyOf.Status, copyOf.DuplicateOf = ingest.StatusDuplicate, d.ID
	must(t, "create duplicate", db.CreateDocument(ctx, &copyOf))
	orig, err := db.DocumentBySHA256(ctx, d.SHA256)
	must(t, "by sha256", err)
	if orig.ID != d.ID {
		t.Fatalf("by sha256 returned %s, want the original %s", orig.ID, d.ID)
	}
	_, err = db.DocumentBySHA256(ctx, "00")
	wantErr(t, "by unknown sha256", err, errs.ErrNotFound)
	d.Status = ingest.StatusQuarantined
	must(t, "quarantine", db.UpdateDocument(ctx, &d))
	_, err = db.DocumentBySHA256(ctx, d.SHA256)
	wantErr(t, "by sha256 of a quarantined document", err, errs.ErrNotFound)
	d.Status = ingest.StatusStored
	must(t, "store again", db.UpdateDocument(ctx, &d))

	must(t, "delete", db.DeleteDocument(ctx, copyOf.ID))
	_, err = db.Document(ctx, copyOf.ID)
	wantErr(t, "get deleted", err, errs.ErrNotFound)
	wantErr(t, "delete missing", db.DeleteDocument(ctx, copyOf.ID), errs.ErrNotFound)
}

func testDocumentList(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	var ids []string
	for i := range 7 {
		d := sampleDocument()
		d.SHA256 = fmt.Sprintf("%064d", i)
		if i%2 == 0 {
			d.Status = ingest.StatusReceived
		}
		if i < 3 {
			d.CaseCode = "TC-2026-000007"
		}
		must(t, "create", db.CreateDocument(ctx, &d))
		ids = append(ids, d.ID)
	}
	docs, total, err := db.Documents(ctx, ingest.DocumentFilter{})
	must(t, "list all", err)
	if total != 7 || len(docs) != 7 {
		t.Fatalf("list all: %d docs, total %d; want 7", len(docs), total)
	}
	for i, d := range docs { // newest first
		if d.ID != ids[6-i] {
			t.Fatalf("list order: position %d is %s, want %s", i, d.ID, ids[6-i])
		}
	}
	tests := []struct {
		name      string
		f         ingest.DocumentFilter
		wantIDs   []string
		wantTotal int
	}{
		{"status", ingest.DocumentFilter{Status: ingest.StatusReceived}, []string{ids[6], ids[4], ids[2], ids[0]}, 4},
		{"case", ingest.DocumentFilter{CaseCode: "TC-2026-000007"}, []string{ids[2], ids[1], ids[0]}, 3},
		{"status and case", ingest.DocumentFilter{Status: ingest.StatusStored, CaseCode: "TC-2026-000007"}, []string{ids[1]}, 1},
		{"page", ingest.DocumentFilter{Limit: 2, Offset: 2}, []string{ids[4], ids[3]}, 7},
		{"offset past the end", ingest.DocumentFilter{Offset: 100}, nil, 7},
		{"nothing matches", ingest.DocumentFilter{UnitCode: "KHONG-CO"}, nil, 0},
		{"unit scope", ingest.DocumentFilter{UnitCodes: []string{"KHAC", "STNMT"}, Limit: 1}, []string{ids[6]}, 7},
		{"empty unit scope", ingest.DocumentFilter{UnitCodes: []string{}}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, total, err := db.Documents(ctx, tt.f)
			must(t, "list", err)
			var got []string
			for _, d := range docs {
				got = append(got, d.ID)
			}
			if total != tt.wantTotal || !reflect.DeepEqual(got, tt.wantIDs) {
				t.Fatalf("got %v (total %d), want %v (total %d)", got, total, tt.wantIDs, tt.wantTotal)
			}
		})
	}
}

func testPages(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	d := sampleDocument()
	must(t, "create", db.CreateDocument(ctx, &d))
	pages, err := db.Pages(ctx, d.ID)
	must(t, "pages of a new document", err)
	if pages == nil || len(pages) != 0 {
		t.Fatalf("pages of a new document: %#v, want an empty slice", pages)
	}
	text := "QUYẾT ĐỊNH\nVề việc thụ lý giải quyết khiếu nại lần đầu\fĐiều 1. Thụ lý"
	for _, n := range []int{3, 1, 2} {
		p := ingest.Page{DocumentID: d.ID, Number: n, Text: fmt.Sprintf("%s (trang %d)", text, n), Confidence: 91.5,
			WordsKey: fmt.Sprintf("derived/%s/v1/page-%04d.json", d.SHA256, n), Width: 2480, Height: 3508, DPI: 300,
			Source: "ocr", DurationMS: 1600}
		must(t, "save page", db.SavePage(ctx, &p))
	}
	redo := ingest.Page{DocumentID: d.ID, Number: 2, Text: "trang 2, làm lại", Confidence: 95, Source: "ocr"}
	must(t, "save page again", db.SavePage(ctx, &redo))
	pages, err = db.Pages(ctx, d.ID)
	must(t, "pages", err)
	if len(pages) != 3 {
		t.Fatalf("got %d pages, want 3", len(pages))
	}
	for i, p := range pages {
		if p.Number != i+1 {
			t.Fatalf("page order: position %d holds page %d", i, p.Number)
		}
	}
	if !reflect.DeepEqual(pages[1], redo) {
		t.Fatalf("replaced page:\n got %+v\nwant %+v", pages[1], redo)
	}
	if pages[0].Text != text+" (trang 1)" || pages[0].Width != 2480 {
		t.Fatalf("page 1 did not round-trip: %+v", pages[0])
	}
	orphan := ingest.Page{DocumentID: "0190a0a0-0000-7000-8000-00000000dead", Number: 1}
	wantErr(t, "page of a missing document", db.SavePage(ctx, &orphan), errs.ErrNotFound)
	zero := ingest.Page{DocumentID: d.ID, Number: 0}
	wantErr(t, "page number 0", db.SavePage(ctx, &zero), errs.ErrInvalid)

	must(t, "delete document", db.DeleteDocument(ctx, d.ID))
	pages, err = db.Pages(ctx, d.ID)
	must(t, "pages of a deleted document", err)
	if len(pages) != 0 {
		t.Fatalf("deleting a document left %d pages", len(pages))
	}
}

func testChangedSince(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	var docs []ingest.Document
	for i := range 5 {
		d := sampleDocument()
		d.SHA256 = fmt.Sprintf("%064d", i)
		must(t, "create", db.CreateDocument(ctx, &d))
		docs = append(docs, d)
	}
	ids := func(ds []ingest.Document) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.ID)
		}
		return out
	}
	all, err := db.DocumentsChangedSince(ctx, time.Time{}, "", 100)
	must(t, "all changes", err)
	if !reflect.DeepEqual(ids(all), ids(docs)) {
		t.Fatalf("changes since the beginning: %v, want %v", ids(all), ids(docs))
	}
	// Paging by (updated_at, id): two at a time gives every document once, in order.
	var paged []ingest.Document
	var since time.Time
	after := ""
	for {
		page, err := db.DocumentsChangedSince(ctx, since, after, 2)
		must(t, "page of changes", err)
		paged = append(paged, page...)
		if len(page) < 2 {
			break
		}
		since, after = page[len(page)-1].UpdatedAt, page[len(page)-1].ID
	}
	if !reflect.DeepEqual(ids(paged), ids(docs)) {
		t.Fatalf("paged changes: %v, want %v", ids(paged), ids(docs))
	}
	last := all[len(all)-1]
	none, err := db.DocumentsChangedSince(ctx, last.UpdatedAt, last.ID, 100)
	must(t, "no changes", err)
	if len(none) != 0 {
		t.Fatalf("changes after the last one: %v", ids(none))
	}
	docs[1].Status = ingest.StatusQuarantined
	must(t, "update", db.UpdateDocument(ctx, &docs[1]))
	changed, err := db.DocumentsChangedSince(ctx, last.UpdatedAt, last.ID, 100)
	must(t, "changes after an update", err)
	if len(changed) != 1 || changed[0].ID != docs[1].ID || changed[0].Status != ingest.StatusQuarantined {
		t.Fatalf("after updating one document: %v", ids(changed))
	}
}

func testConcurrentDocumentWriters(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	const writers, each = 8, 10
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				d := sampleDocument()
				d.SHA256 = fmt.Sprintf("%032d%032d", w, i)
				if err := db.CreateDocument(ctx, &d); err != nil {
					t.Errorf("writer %d: create: %v", w, err)
					return
				}
				p := ingest.Page{DocumentID: d.ID, Number: 1, Text: "trang một"}
				if err := db.SavePage(ctx, &p); err != nil {
					t.Errorf("writer %d: save page: %v", w, err)
					return
				}
				d.Status = ingest.StatusStored
				if err := db.UpdateDocument(ctx, &d); err != nil {
					t.Errorf("writer %d: update: %v", w, err)
					return
				}
			}
		})
	}
	wg.Wait()
	_, total, err := db.Documents(ctx, ingest.DocumentFilter{Status: ingest.StatusStored})
	must(t, "count", err)
	if total != writers*each {
		t.Fatalf("%d stored documents, want %d", total, writers*each)
	}
}

func testUnits(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	svc := &auth.Service{Store: db}
	root := auth.Unit{Code: "UBND-TN", Name: "Ủy ban nhân dân tỉnh Tây Ninh", Level: auth.LevelProvince}
	must(t, "add root", svc.AddUnit(ctx, &root))
	dept := auth.Unit{Code: "STNMT", Name: "Sở Tài nguyên và Môi trường", Level: auth.LevelDepartment, ParentID: root.ID}
	must(t, "add department", svc.AddUnit(ctx, &dept))
	dist := auth.Unit{Code: "HT", Name: "Thị xã Hòa Thành", Level: auth.LevelDistrict, ParentID: root.ID}
	must(t, "add district", svc.AddUnit(ctx, &dist))
	comm := auth.Unit{Code: "HT-LTT", Name: "Phường Long Thành Trung", Level: auth.LevelCommune, ParentID: dist.ID}
	must(t, "add commune", svc.AddUnit(ctx, &comm))

	got, err := db.UnitByCode(ctx, "HT-LTT")
	must(t, "by code", err)
	if !reflect.DeepEqual(got, comm) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, comm)
	}
	_, err = db.UnitByCode(ctx, "KHONG-CO")
	wantErr(t, "missing code", err, errs.ErrNotFound)
	_, err = db.Unit(ctx, 999999)
	wantErr(t, "missing id", err, errs.ErrNotFound)

	again := auth.Unit{Code: "STNMT", Name: "Trùng mã", Level: auth.LevelDepartment, ParentID: root.ID}
	wantErr(t, "duplicate code", svc.AddUnit(ctx, &again), errs.ErrConflict)
	orphan := auth.Unit{Code: "X", Name: "Không có cấp trên", Level: auth.LevelCommune, ParentID: 999999}
	wantErr(t, "missing parent (service)", svc.AddUnit(ctx, &orphan), errs.ErrNotFound)
	orphan.CreatedAt = time.Now()
	wantErr(t, "missing parent (store)", db.CreateUnit(ctx, &orphan), errs.ErrNotFound)
	second := auth.Unit{Code: "TINH2", Name: "Tỉnh thứ hai", Level: auth.LevelProvince}
	wantErr(t, "second root", svc.AddUnit(ctx, &second), errs.ErrInvalid)
	badCode := auth.Unit{Code: "Sở TN", Name: "x", Level: auth.LevelDepartment, ParentID: root.ID}
	wantErr(t, "bad code", svc.AddUnit(ctx, &badCode), errs.ErrInvalid)

	units, err := db.Units(ctx)
	must(t, "list", err)
	if len(units) != 4 {
		t.Fatalf("%d units, want 4", len(units))
	}
	sub := auth.Subtree(units, dist.ID)
	if len(sub) != 2 || sub[0] != dist.ID || sub[1] != comm.ID {
		t.Fatalf("subtree of the district: %v, want [%d %d]", sub, dist.ID, comm.ID)
	}
	if n := len(auth.Subtree(units, root.ID)); n != 4 {
		t.Fatalf("subtree of the root has %d units, want 4", n)
	}
}

func testUsersAndTokens(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	clock := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	svc := &auth.Service{Store: db, TokenTTL: time.Hour, Now: func() time.Time { return clock }}
	root := auth.Unit{Code: "TINH", Name: "Tỉnh", Level: auth.LevelProvince}
	must(t, "add root", svc.AddUnit(ctx, &root))
	u := auth.User{Username: "Lan.Nguyen", FullName: "Nguyễn Thị Lan", Role: auth.RoleHandler, UnitID: root.ID}
	must(t, "add user", svc.AddUser(ctx, &u, "mật-khẩu-đủ-dài"))
	if u.Username != "lan.nguyen" || u.ScopeUnitID != root.ID || u.PasswordHash == "" {
		t.Fatalf("add user did not normalise: %+v", u)
	}
	got, err := db.UserByUsername(ctx, "lan.nguyen")
	must(t, "by username", err)
	if !reflect.DeepEqual(got, u) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, u)
	}
	twin := auth.User{Username: "lan.nguyen", Role: auth.RoleClerk, UnitID: root.ID}
	wantErr(t, "duplicate username", svc.AddUser(ctx, &twin, "mật-khẩu-đủ-dài"), errs.ErrConflict)
	weak := auth.User{Username: "yeu", Role: "boss", UnitID: 424242}
	err = svc.AddUser(ctx, &weak, "ngắn")
	wantErr(t, "invalid user", err, errs.ErrInvalid)
	for _, part := range []string{"vai trò", "đơn vị 424242", "mật khẩu"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not report %q (every problem at once)", err, part)
		}
	}

	if _, _, err := svc.Login(ctx, "lan.nguyen", "sai mật khẩu rồi"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, _, err := svc.Login(ctx, "khong.co", "mật-khẩu-đủ-dài"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("unknown user: %v", err)
	}
	token, who, err := svc.Login(ctx, "  LAN.NGUYEN ", "mật-khẩu-đủ-dài")
	must(t, "login", err)
	if who.ID != u.ID {
		t.Fatalf("login returned user %d, want %d", who.ID, u.ID)
	}
	who, err = svc.Authenticate(ctx, token)
	must(t, "authenticate", err)
	if who.ID != u.ID {
		t.Fatalf("token belongs to %d, want %d", who.ID, u.ID)
	}
	_, err = svc.Authenticate(ctx, token+"x")
	wantErr(t, "unknown token", err, errs.ErrNotFound)

	clock = clock.Add(2 * time.Hour)
	_, err = svc.Authenticate(ctx, token)
	wantErr(t, "expired token", err, errs.ErrNotFound)

	token2, _, err := svc.Login(ctx, "lan.nguyen", "mật-khẩu-đủ-dài")
	must(t, "login again", err)
	must(t, "logout", svc.Logout(ctx, token2))
	_, err = svc.Authenticate(ctx, token2)
	wantErr(t, "token after logout", err, errs.ErrNotFound)

	// A new password revokes every session opened with the old one.
	old1, _, err := svc.Login(ctx, "lan.nguyen", "mật-khẩu-đủ-dài")
	must(t, "login before the password change", err)
	old2, err := svc.IssueToken(ctx, u.ID, "script", 24*time.Hour)
	must(t, "issue a named token", err)
	other := auth.User{Username: "minh.tran", Role: auth.RoleClerk, UnitID: root.ID}
	must(t, "add another user", svc.AddUser(ctx, &other, "mật-khẩu-đủ-dài"))
	otherToken, _, err := svc.Login(ctx, "minh.tran", "mật-khẩu-đủ-dài")
	must(t, "login as the other user", err)
	wantErr(t, "password of spaces", svc.SetPassword(ctx, u.ID, "          "), errs.ErrInvalid)
	if _, err := svc.Authenticate(ctx, old1); err != nil {
		t.Fatalf("a refused password change revoked the tokens: %v", err)
	}
	must(t, "set password", svc.SetPassword(ctx, u.ID, "mật-khẩu-mới-hẳn"))
	for _, tok := range []string{old1, old2} {
		_, err = svc.Authenticate(ctx, tok)
		wantErr(t, "a token from before the password change", err, errs.ErrNotFound)
	}
	if _, err := svc.Authenticate(ctx, otherToken); err != nil {
		t.Fatalf("another user's token was revoked: %v", err)
	}
	if _, _, err := svc.Login(ctx, "lan.nguyen", "mật-khẩu-đủ-dài"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("the old password still logs in: %v", err)
	}
	wantErr(t, "set password of a missing user", svc.SetPassword(ctx, 999999, "mật-khẩu-mới-hẳn"), errs.ErrNotFound)

	token3, _, err := svc.Login(ctx, "lan.nguyen", "mật-khẩu-mới-hẳn")
	must(t, "login a third time", err)
	u.Disabled = true
	must(t, "disable", db.UpdateUser(ctx, &u))
	_, err = svc.Authenticate(ctx, token3)
	wantErr(t, "token of a disabled user", err, errs.ErrNotFound)
	if _, _, err := svc.Login(ctx, "lan.nguyen", "mật-khẩu-mới-hẳn"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("disabled user logged in: %v", err)
	}
	users, err := db.Users(ctx)
	must(t, "list users", err)
	if len(users) != 2 || !users[0].Disabled {
		t.Fatalf("users: %+v", users)
	}
	_, err = db.User(ctx, 999999)
	wantErr(t, "missing user", err, errs.ErrNotFound)
	ghost := auth.User{ID: 999999, Username: "ma", Role: auth.RoleClerk, UnitID: root.ID, ScopeUnitID: root.ID}
	wantErr(t, "update missing user", db.UpdateUser(ctx, &ghost), errs.ErrNotFound)
}

func testBootstrap(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	svc := &auth.Service{Store: db}
	pw, generated, err := svc.Bootstrap(ctx, "TINH", "Ủy ban nhân dân tỉnh", "")
	must(t, "bootstrap", err)
	if !generated || len(pw) < auth.MinPasswordLength {
		t.Fatalf("bootstrap generated %q (%v)", pw, generated)
	}
	if _, _, err := svc.Login(ctx, "admin", pw); err != nil {
		t.Fatalf("admin cannot log in with the generated password: %v", err)
	}
	admin, err := db.UserByUsername(ctx, "admin")
	must(t, "admin", err)
	if admin.Role != auth.RoleAdministrator {
		t.Fatalf("admin has role %s", admin.Role)
	}
	pw2, generated2, err := svc.Bootstrap(ctx, "TINH", "Ủy ban nhân dân tỉnh", "khác-hẳn-mật-khẩu")
	must(t, "bootstrap again", err)
	if pw2 != "" || generated2 {
		t.Fatalf("second bootstrap did something: %q %v", pw2, generated2)
	}
	if n, _ := db.CountUsers(ctx); n != 1 {
		t.Fatalf("%d users after two bootstraps, want 1", n)
	}
}

func testJobQueueTables(t *testing.T, db *sqldb.DB) {
	var n int
	must(t, "river_job exists", db.SQL().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM river_job`).Scan(&n))
	if n != 0 {
		t.Fatalf("a fresh queue holds %d jobs", n)
	}
}
