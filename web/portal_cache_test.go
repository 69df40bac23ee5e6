package web_test

import (
	"database/sql"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
	"kntc/web"
)

// TestPortalPublishedCacheTwoServers: two servers (two kntc nodes, each with its
// own cache) on one database. The published list is served from the cache while
// the portal generation stands (a change made behind the generation's back does
// not show), and any change to what the list shows, made through either server
// or the store, shows on both at the next request: a copy taken down, a copy
// posted, a document retracted, a unit added.
func TestPortalPublishedCacheTwoServers(t *testing.T) {
	e := newEnv(t)
	pw := publicationWorld(e)
	nodeA := e.pageServer()
	nodeB := httptest.NewServer(web.NewServer(slog.New(slog.DiscardHandler), web.Config{}, web.Deps{
		Accounts: e.accounts, Cases: e.svc, Documents: e.db, Blobs: e.blobs, Search: e.index, Registry: prometheus.NewRegistry(),
		MaxUploadBytes: 1 << 20,
	}))
	t.Cleanup(nodeB.Close)
	lists := []string{"", "?unit=A", "?kind=quyet_dinh_thu_ly", "?year=2026&page=1", "?unit=A&kind=quyet_dinh_thu_ly&year=2026"}
	// each checks every list on both servers, twice (the second from the cache).
	each := func(what string, check func(body string) bool) {
		t.Helper()
		for _, srv := range []*httptest.Server{nodeA, nodeB} {
			for range 2 {
				for _, q := range lists {
					code, body, h := send(t, mustReq(t, "GET", srv.URL+"/cong-dan/cong-khai"+q))
					if code != http.StatusOK || !check(body) || h.Get("Cache-Control") != "no-cache" {
						t.Fatalf("%s: %s%s: %d %q\n%s", what, srv.URL, q, code, h.Get("Cache-Control"), body)
					}
				}
			}
		}
	}
	each("posted", func(b string) bool {
		return strings.Contains(b, pw.posted.ID) && strings.Contains(b, "số 3/QĐ-UBND")
	})

	// A change behind the generation's back is not seen: the pages come from
	// the cache. Once the generation moves, it is.
	var gen int64
	if err := e.db.SQL().QueryRowContext(e.ctx, `SELECT n FROM portal_generation`).Scan(&gen); err != nil {
		t.Fatal(err)
	}
	if err := e.db.InTx(e.ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(e.ctx, `UPDATE publications SET number = '77/QĐ-UBND' WHERE id = ?`, pw.posted.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(e.ctx, `UPDATE portal_generation SET n = ?`, gen)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	each("cached", func(b string) bool {
		return strings.Contains(b, "số 3/QĐ-UBND") && !strings.Contains(b, "77/QĐ-UBND")
	})
	if _, err := e.db.SQL().ExecContext(e.ctx, `UPDATE portal_generation SET n = n + 1`); err != nil {
		t.Fatal(err)
	}
	each("after the generation moved", func(b string) bool { return strings.Contains(b, "số 77/QĐ-UBND") })

	// Taken down through server A: gone from both at once.
	if code, body := e.do(uLeaderP, call{method: "POST", path: "/api/v1/publications/" + pw.posted.ID + "/unpublish",
		body: map[string]any{"reason": "quyết định bị hủy", "ground": cases.GroundAnnulled}}); code != http.StatusOK {
		t.Fatalf("unpublish: %d %s", code, body)
	}
	each("taken down", func(b string) bool { return !strings.Contains(b, pw.posted.ID) })

	// Posted (by the store, as another node would): on both at once.
	d := e.document(docSpec{unit: "A", caseCode: pw.doc.CaseCode, kind: ingest.KindQuyetDinhThuLy, number: "5/QĐ-UBND", date: "2026-03-04", pages: []string{"THỤ LÝ"}})
	p := e.publicCopy(d, "QUYẾT ĐỊNH thụ lý lần hai")
	each("posted again", func(b string) bool { return strings.Contains(b, p.ID) && strings.Contains(b, "số 5/QĐ-UBND") })

	// Its document retracted: gone from both.
	if err := e.db.RetractDocument(e.ctx, &d, "nhầm tài liệu", cases.Record{Username: "test", Action: cases.ActionRetract, Object: "document:" + d.ID}); err != nil {
		t.Fatal(err)
	}
	each("retracted", func(b string) bool { return !strings.Contains(b, p.ID) })

	// A new unit: in both filters' choices.
	e.addUnit("C", "UBND huyện Cờ Đỏ", auth.LevelDistrict, "P")
	each("a unit added", func(b string) bool { return strings.Contains(b, `<option value="C">UBND huyện Cờ Đỏ</option>`) })
}
