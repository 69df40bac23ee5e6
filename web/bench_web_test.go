package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/internal/viet"
	"kntc/search"
	"kntc/storage/localfs"
	"kntc/storage/postgres"
	"kntc/storage/sqldb"
	"kntc/storage/sqlite"
	"kntc/web"
)

// BenchmarkWeb is make bench-web: the staff pages' server time and weight on a
// province's worth of data. It seeds KNTC_BENCH_DOCS documents (default
// 100,000; one page of synthetic Vietnamese text each, in a search index too)
// and KNTC_BENCH_CASES cases (default 20,000, three timeline events each) over
// eleven units, straight into the tables in batches, on SQLite and, when
// KNTC_TEST_POSTGRES_URL is set, on PostgreSQL too. For a handler of a district
// and a leader of the province it then times KNTC_BENCH_REQUESTS requests
// (default 200) to each page — the dashboard, the case list (filters, text,
// sort, far pages), a case page, a document page (when the route exists) and the
// search page (words without diacritics, facets, page 2) — as the server's own
// time (ServeHTTP, every middleware included), and prints p50/p95 against two
// baselines timed in the same run: GET /healthz and the login page (the same
// layout without data). It checks that each page's own weight (its HTML and the
// CSS and JavaScript it loads) is at most 100 KB and that no page names another
// origin; those two fail the benchmark, the times are reported (targets: p95 ≤
// 100 ms), since a shared machine's timings are no assertion.
func BenchmarkWeb(b *testing.B) {
	nDocs, nCases := benchEnv(b, "KNTC_BENCH_DOCS", 100_000), benchEnv(b, "KNTC_BENCH_CASES", 20_000)
	requests := benchEnv(b, "KNTC_BENCH_REQUESTS", 200)
	data := newBenchData(nDocs, nCases)
	start := time.Now()
	ix, err := search.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	engines := []string{"sqlite"}
	if os.Getenv("KNTC_TEST_POSTGRES_URL") != "" {
		engines = append(engines, "postgres")
	}
	indexed := false
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) {
			ctx := b.Context()
			var db *sqldb.DB
			if engine == "sqlite" {
				db, err = sqlite.Open(ctx, filepath.Join(b.TempDir(), "kntc.db"))
			} else {
				db, _, err = postgres.Open(ctx, testenv.PostgresDatabase(b))
			}
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			w := data.seed(b, db)
			fmt.Fprintf(os.Stderr, "bench-web %s: seeded %d documents, %d cases, %d events in %.1f s\n",
				engine, nDocs, nCases, 3*nCases, time.Since(start).Seconds())
			if !indexed {
				t0 := time.Now()
				data.index(b, db, ix)
				// Merged, as an index that has lived a while is: otherwise its
				// segments merge in the background while the pages are timed.
				if err := ix.Compact(ctx); err != nil {
					b.Fatal(err)
				}
				indexed = true
				fmt.Fprintf(os.Stderr, "bench-web: indexed %d documents in %.1f s\n", nDocs, time.Since(t0).Seconds())
			}
			srv := w.server(b, db, ix)
			for b.Loop() {
				w.measure(b, engine, srv, requests)
			}
		})
		start = time.Now()
	}
}

// benchEnv reads a positive count from the environment, def when unset.
func benchEnv(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: a positive number", name, s)
	}
	return n
}

// Synthetic Vietnamese for subjects and pages: land, compensation, officials,
// the usual matter of complaints and denunciations, in NFC.
var (
	benchPlaces   = []string{"Hòa Thành", "Trảng Bàng", "Gò Dầu", "Bến Cầu", "Châu Thành", "Dương Minh Châu", "Tân Biên", "Tân Châu", "Hòa Hiệp", "Thủy Đông", "Long Thuận"}
	benchNames    = []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Hữu Cường", "Phạm Minh Dũng", "Hoàng Thị Lan", "Võ Quốc Nam", "Đặng Thanh Phúc", "Bùi Thị Yến"}
	benchSubjects = []string{"Khiếu nại quyết định thu hồi đất", "Khiếu nại về mức bồi thường, hỗ trợ tái định cư", "Tố cáo cán bộ địa chính xã nhận tiền",
		"Kiến nghị cấp giấy chứng nhận quyền sử dụng đất", "Khiếu nại quyết định xử phạt vi phạm hành chính", "Tố cáo hành vi lấn chiếm đất công",
		"Phản ánh việc xây dựng trái phép", "Khiếu nại về chế độ chính sách người có công"}
	benchSentences = []string{
		"Căn cứ Luật Khiếu nại năm 2011 và Nghị định số 124/2020/NĐ-CP của Chính phủ quy định chi tiết một số điều.",
		"Ông %s, trú tại ấp %s, trình bày việc Ủy ban nhân dân xã thu hồi đất nông nghiệp không đúng quy định.",
		"Diện tích đất bị thu hồi là %d mét vuông, mức bồi thường chưa thỏa đáng so với giá thị trường.",
		"Đoàn xác minh đã làm việc với các hộ dân liên quan và thu thập hồ sơ địa chính qua các thời kỳ.",
		"Kết quả xác minh cho thấy nội dung khiếu nại là đúng một phần, đề nghị điều chỉnh phương án bồi thường.",
		"Người tố cáo phản ánh cán bộ địa chính có dấu hiệu nhũng nhiễu, gây khó khăn khi giải quyết thủ tục hành chính.",
		"Ủy ban nhân dân huyện %s giao Thanh tra huyện chủ trì, phối hợp với Phòng Tài nguyên và Môi trường kiểm tra.",
		"Thời hạn giải quyết không quá 30 ngày kể từ ngày thụ lý; vụ việc phức tạp có thể kéo dài không quá 45 ngày.",
		"Biên bản đối thoại ghi nhận ý kiến của người khiếu nại, người bị khiếu nại và đại diện tổ chức chính trị - xã hội.",
		"Quyết định này có hiệu lực kể từ ngày ký; Chánh Văn phòng và các cơ quan liên quan chịu trách nhiệm thi hành.",
	}
	benchIssuers = []string{"UBND huyện Hòa Thành", "UBND xã Long Thuận", "Thanh tra tỉnh", "Sở Tài nguyên và Môi trường", "Công an huyện Gò Dầu", "UBND tỉnh"}
)

// benchData is the data set: what is seeded where, fixed by a seed so every
// engine gets the same rows (and the one index fits both).
type benchData struct {
	nDocs, nCases int
	now           time.Time
}

func newBenchData(nDocs, nCases int) *benchData {
	return &benchData{nDocs: nDocs, nCases: nCases, now: time.Now().UTC().Truncate(time.Microsecond)}
}

// benchWorld is one seeded database's units, users and cases to visit.
type benchWorld struct {
	db           *sqldb.DB
	accounts     *auth.Service
	unitCodes    []string // by index of the seeded units
	unitIDs      []int64
	handler      auth.User // a handler of the first district
	leader       auth.User // a leader of the province
	handlerCases []string  // codes of the handler's cases
	leaderCases  []string  // codes of cases anywhere
	docIDs       []string  // documents linked to the handler's cases
}

const benchPassword = "mật-khẩu-thử-nghiệm"

// docID is the i-th document's ID, a UUID as the pipeline makes.
func docID(i int) string { return fmt.Sprintf("00000000-0000-7000-8000-%012d", i) }

// caseCode is the i-th case's code.
func (d *benchData) caseCode(i int) string {
	return fmt.Sprintf("%s-%d-%06d", d.caseKind(i).Prefix(), 2025+i%2, i+1)
}

func (d *benchData) caseKind(i int) cases.Kind {
	return []cases.Kind{cases.KindComplaint, cases.KindDenunciation, cases.KindPetition}[i%3]
}

// caseUnit is the index of the i-th case's unit: the first district holds a
// tenth of the cases, like every other.
func (d *benchData) caseUnit(i int) int { return 1 + i%10 }

// docCase is the case of the i-th document, -1 for one in the triage inbox (one
// in fifty: a backlog of 2,000 letters waiting to be filed in a province).
func (d *benchData) docCase(i int) int {
	if i%50 == 7 {
		return -1
	}
	return (i * 7919) % d.nCases
}

// pageText is the i-th document's page: a subject and six sentences of the matter.
func (d *benchData) pageText(i int) string {
	rnd := rand.New(rand.NewPCG(uint64(i), 7))
	var sb strings.Builder
	sb.WriteString(benchSubjects[rnd.IntN(len(benchSubjects))])
	sb.WriteString(".\n")
	for range 6 {
		s := benchSentences[rnd.IntN(len(benchSentences))]
		switch strings.Count(s, "%") {
		case 1:
			if strings.Contains(s, "%d") {
				s = fmt.Sprintf(s, 100+rnd.IntN(5000))
			} else {
				s = fmt.Sprintf(s, benchPlaces[rnd.IntN(len(benchPlaces))])
			}
		case 2:
			s = fmt.Sprintf(s, benchNames[rnd.IntN(len(benchNames))], benchPlaces[rnd.IntN(len(benchPlaces))])
		}
		sb.WriteString(s)
		sb.WriteByte(' ')
	}
	return sb.String()
}

// seed fills db: units, users, cases with their events, documents with a page.
func (d *benchData) seed(b *testing.B, db *sqldb.DB) *benchWorld {
	ctx := b.Context()
	db.SetAuditKey(testAuditKey)
	w := &benchWorld{db: db, accounts: &auth.Service{Store: db}}
	if _, _, err := w.accounts.Bootstrap(ctx, "TINH", "Ủy ban nhân dân tỉnh", "mật khẩu quản trị thử"); err != nil {
		b.Fatal(err)
	}
	root, err := w.accounts.RootUnit(ctx)
	if err != nil {
		b.Fatal(err)
	}
	w.unitCodes, w.unitIDs = []string{root.Code}, []int64{root.ID}
	for i := range 10 {
		u := auth.Unit{Code: fmt.Sprintf("H%02d", i), Name: "UBND huyện " + benchPlaces[i], Level: auth.LevelDistrict, ParentID: root.ID}
		if err := w.accounts.AddUnit(ctx, &u); err != nil {
			b.Fatal(err)
		}
		w.unitCodes, w.unitIDs = append(w.unitCodes, u.Code), append(w.unitIDs, u.ID)
	}
	// Four handlers a district; the first of the first district is the one timed.
	handlers := make([][]int64, len(w.unitIDs))
	for ui := 1; ui < len(w.unitIDs); ui++ {
		for h := range 4 {
			u := auth.User{Username: fmt.Sprintf("handler.%d.%d", ui, h), FullName: benchNames[(ui+h)%len(benchNames)], Role: auth.RoleHandler,
				UnitID: w.unitIDs[ui], ScopeUnitID: w.unitIDs[ui]}
			if err := w.accounts.AddUser(ctx, &u, benchPassword); err != nil {
				b.Fatal(err)
			}
			handlers[ui] = append(handlers[ui], u.ID)
			if ui == 1 && h == 0 {
				w.handler = u
			}
		}
	}
	w.leader = auth.User{Username: "leader.p", FullName: "Lãnh đạo tỉnh", Role: auth.RoleLeader, UnitID: root.ID, ScopeUnitID: root.ID}
	if err := w.accounts.AddUser(ctx, &w.leader, benchPassword); err != nil {
		b.Fatal(err)
	}

	today := cases.Date(d.now)
	date := func(t time.Time) string { return t.Format(time.DateOnly) }
	caseHandler := make([]int64, d.nCases)
	caseStatus := make([]cases.Status, d.nCases)
	open := []cases.Status{cases.StatusReceived, cases.StatusClassified, cases.StatusScreening, cases.StatusAccepted, cases.StatusVerifying, cases.StatusDialogue}
	benchInsert(b, db, "cases", "code, kind, source, received_on, subject, subject_key, unit_id, handler_id, status, due_on, created_at, updated_at", d.nCases, func(i int) []any {
		rnd := rand.New(rand.NewPCG(uint64(i), 1))
		ui := d.caseUnit(i)
		received := today.AddDate(0, 0, -rnd.IntN(400))
		st, due := open[rnd.IntN(len(open))], date(received.AddDate(0, 0, 30+rnd.IntN(60)))
		if rnd.IntN(3) == 0 {
			st, due = cases.StatusClosed, ""
		}
		caseStatus[i] = st
		var handler any
		if st != cases.StatusReceived {
			caseHandler[i] = handlers[ui][rnd.IntN(len(handlers[ui]))]
			handler = caseHandler[i]
		}
		subject := benchSubjects[rnd.IntN(len(benchSubjects))] + " tại " + benchPlaces[rnd.IntN(len(benchPlaces))]
		return []any{d.caseCode(i), d.caseKind(i), cases.SourcePost, date(received), subject, viet.FoldKey(subject),
			w.unitIDs[ui], handler, st, due, d.now, d.now}
	})
	for i := range d.nCases {
		switch {
		case caseHandler[i] == w.handler.ID && len(w.handlerCases) < 200:
			w.handlerCases = append(w.handlerCases, d.caseCode(i))
		case i%97 == 0 && len(w.leaderCases) < 200:
			w.leaderCases = append(w.leaderCases, d.caseCode(i))
		}
	}
	// Three events a case: opened, classified, a document linked; case IDs are
	// 1…n in insertion order on both engines.
	benchInsert(b, db, "case_events", "case_id, at, user_id, type, from_status, to_status, document_id, note", 3*d.nCases, func(j int) []any {
		i := j / 3
		at := d.now.Add(-time.Duration((i*3+j%3)%(400*24)) * time.Hour)
		switch j % 3 {
		case 0:
			return []any{i + 1, at.Add(-48 * time.Hour), 0, cases.EventCreated, "", cases.StatusReceived, "", ""}
		case 1:
			return []any{i + 1, at.Add(-24 * time.Hour), caseHandler[i], cases.EventTransition, cases.StatusReceived, cases.StatusClassified, "", ""}
		default:
			return []any{i + 1, at, 0, cases.EventLinked, "", "", docID(i), "folder"}
		}
	})
	kinds := ingest.Kinds()
	benchInsert(b, db, "documents", strings.ReplaceAll(benchDocumentColumns, "\n", " "), d.nDocs, func(i int) []any {
		return d.docRow(w, i, kinds)
	})
	benchInsert(b, db, "pages", "document_id, page_no, text, created_at", d.nDocs, func(i int) []any {
		return []any{docID(i), 1, d.pageText(i), d.now}
	})
	for i := range d.nDocs {
		// Not a confidential one: the handler is granted none (its page is the 404 page).
		if c := d.docCase(i); c >= 0 && caseHandler[c] == w.handler.ID && len(w.docIDs) < 200 && d.docRow(w, i, kinds)[18] == false {
			w.docIDs = append(w.docIDs, docID(i))
		}
	}
	if len(w.handlerCases) == 0 || len(w.leaderCases) == 0 {
		b.Fatalf("too few cases (%d) for a handler's", d.nCases)
	}
	// Statistics for the planner and, on PostgreSQL, the visibility map that
	// index-only scans read, as a database that has lived a while (and been
	// autovacuumed) has.
	analyze := "ANALYZE"
	if db.Dialect() == "postgres" {
		analyze = "VACUUM ANALYZE"
	}
	if _, err := db.SQL().ExecContext(ctx, analyze); err != nil {
		b.Fatal(err)
	}
	return w
}

const benchDocumentColumns = `id, status, sha256, size, filename, source_path, content_type, unit_code, case_code,
	pages, kind, meta_number, meta_date, meta_issuer, meta_type, meta_subject, error, pipeline, confidential,
	created_at, updated_at`

// docRow is the i-th document's row: in its case's unit (an unlinked one in a
// district), stored but for a few quarantined or processing, the newest in the
// last day.
func (d *benchData) docRow(w *benchWorld, i int, kinds []ingest.Kind) []any {
	rnd := rand.New(rand.NewPCG(uint64(i), 3))
	c := d.docCase(i)
	unit, code := w.unitCodes[1+rnd.IntN(10)], ""
	if c >= 0 {
		unit, code = w.unitCodes[d.caseUnit(c)], d.caseCode(c)
	}
	st, errText := ingest.StatusStored, ""
	switch r := rnd.IntN(100); {
	case r < 2:
		st, errText = ingest.StatusQuarantined, "không đọc được tệp (unreadable file)"
	case r < 3:
		st = ingest.StatusProcessing
	}
	at := d.now.Add(-time.Duration(rnd.IntN(400*24*60)) * time.Minute)
	if i%100 == 0 {
		at = d.now.Add(-time.Duration(rnd.IntN(24*60)) * time.Minute)
	}
	return []any{docID(i), st, fmt.Sprintf("%064x", i), 40_000 + rnd.IntN(400_000), fmt.Sprintf("scan-%06d.pdf", i), "hot/" + unit,
		"application/pdf", unit, code, 1, kinds[rnd.IntN(len(kinds))], fmt.Sprintf("%d/QĐ-UBND", 1+rnd.IntN(999)),
		date2(at), benchIssuers[rnd.IntN(len(benchIssuers))], "Quyết định", benchSubjects[rnd.IntN(len(benchSubjects))],
		errText, "bench-1", rnd.IntN(50) == 0, at, at}
}

func date2(t time.Time) string { return t.Format(time.DateOnly) }

// index puts every document of db, with its page, in the search index.
func (d *benchData) index(b *testing.B, db *sqldb.DB, ix *search.Index) {
	ctx := b.Context()
	const batch = 1000
	for lo := 0; lo < d.nDocs; lo += batch {
		hi := min(lo+batch, d.nDocs)
		es := make([]search.Entry, 0, hi-lo)
		for i := lo; i < hi; i++ {
			doc, err := db.Document(ctx, docID(i))
			if err != nil {
				b.Fatal(err)
			}
			es = append(es, search.EntryOf(doc, []ingest.Page{{DocumentID: doc.ID, Number: 1, Text: d.pageText(i)}}))
		}
		if err := ix.PutBatch(ctx, es); err != nil {
			b.Fatal(err)
		}
	}
}

// benchInsert writes rows into table in batched multi-row INSERTs, one
// transaction.
func benchInsert(b *testing.B, db *sqldb.DB, table, cols string, rows int, row func(i int) []any) {
	ctx := b.Context()
	ncol := strings.Count(cols, ",") + 1
	ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", ncol), ", ") + ")"
	const batch = 400
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		for lo := 0; lo < rows; lo += batch {
			hi := min(lo+batch, rows)
			args := make([]any, 0, (hi-lo)*ncol)
			for i := lo; i < hi; i++ {
				args = append(args, row(i)...)
			}
			q := "INSERT INTO " + table + " (" + cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(ph+", ", hi-lo), ", ")
			if db.Dialect() == "postgres" {
				n := 0
				q = regexp.MustCompile(`\?`).ReplaceAllStringFunc(q, func(string) string { n++; return "$" + strconv.Itoa(n) })
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("%s: %w", table, err)
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// server is kntc's handler on the seeded database, as kntc serve builds it.
func (w *benchWorld) server(b *testing.B, db *sqldb.DB, ix *search.Index) http.Handler {
	blobs, err := localfs.New(filepath.Join(b.TempDir(), "objects"))
	if err != nil {
		b.Fatal(err)
	}
	sealer, err := cases.NewSealer("test-1", map[string][]byte{"test-1": bytes.Repeat([]byte{0x5a}, 32)})
	if err != nil {
		b.Fatal(err)
	}
	svc := &cases.Service{Store: db, Docs: db, Accounts: w.accounts, Sealer: sealer, AuditKey: testAuditKey}
	return web.NewServer(slog.New(slog.DiscardHandler), web.Config{}, web.Deps{
		Accounts: w.accounts, Cases: svc, Documents: db, Blobs: blobs, Search: ix, Registry: prometheus.NewRegistry(),
		Ready: db.Ping, MaxUploadBytes: 1 << 20,
	})
}

// benchSession signs user in through the login page and returns the session cookie.
func benchSession(b *testing.B, srv http.Handler, username string) *http.Cookie {
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/login", nil))
	var token string
	for _, c := range rec.Result().Cookies() {
		if c.Name == "kntc_login" {
			token = c.Value
		}
	}
	form := url.Values{"csrf": {token}, "username": {username}, "password": {benchPassword}}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "kntc_login", Value: token})
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "kntc_session" && c.Value != "" {
			return c
		}
	}
	b.Fatalf("login as %s: %d %s", username, rec.Code, rec.Body.String())
	return nil
}

// benchPage is one page to time, with the addresses it is asked at in turn.
type benchPage struct {
	name  string
	paths []string
}

// foreignRef finds a reference to another origin in a page or a stylesheet: an
// absolute or protocol-relative URL in src, href, action, srcset, or url().
var foreignRef = regexp.MustCompile(`(?i)(?:\b(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*|url\(\s*["']?)(?:[a-z][a-z0-9+.-]*:)?//`)

// assetRef finds the CSS and JavaScript a page loads.
var assetRef = regexp.MustCompile(`(?:<script[^>]+src|<link[^>]+href)="(/static/[^"]+\.(?:css|js))"`)

// measure times every page for the handler and the leader and prints the table.
func (w *benchWorld) measure(b *testing.B, engine string, srv http.Handler, n int) {
	get := func(path string, session *http.Cookie) (time.Duration, *httptest.ResponseRecorder) {
		req := httptest.NewRequestWithContext(context.Background(), "GET", path, nil)
		req.Header.Set("Accept", "text/html")
		if session != nil {
			req.AddCookie(session)
		}
		rec := httptest.NewRecorder()
		t0 := time.Now()
		srv.ServeHTTP(rec, req)
		return time.Since(t0), rec
	}
	assets := map[string]int{}
	weight := func(html string) int {
		total := len(html)
		for _, m := range assetRef.FindAllStringSubmatch(html, -1) {
			if _, ok := assets[m[1]]; !ok {
				_, rec := get(m[1], nil)
				if rec.Code != 200 {
					b.Errorf("%s: %d", m[1], rec.Code)
				}
				if foreignRef.MatchString(rec.Body.String()) {
					b.Errorf("%s names another origin: %s", m[1], foreignRef.FindString(rec.Body.String()))
				}
				assets[m[1]] = rec.Body.Len()
			}
			total += assets[m[1]]
		}
		return total
	}
	// timeAll times n requests to paths in turn; it also returns the process's
	// CPU time a request (user + system, every goroutine), which a machine busy
	// with other work inflates less than the wall-clock times.
	timeAll := func(paths []string, session *http.Cookie, check func(path string, rec *httptest.ResponseRecorder)) ([]time.Duration, float64) {
		for _, p := range paths[:min(len(paths), 5)] { // warm up
			get(p, session)
		}
		ds := make([]time.Duration, 0, n)
		var cpu time.Duration
		for i := range n {
			p := paths[i%len(paths)]
			c0 := cpuTime()
			d, rec := get(p, session)
			cpu += cpuTime() - c0
			if check != nil {
				check(p, rec)
			}
			ds = append(ds, d)
		}
		return ds, float64(cpu.Microseconds()) / 1000 / float64(n)
	}
	p50p95 := func(ds []time.Duration) (float64, float64) {
		slices.Sort(ds)
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		return ms(ds[len(ds)/2]), ms(ds[min(len(ds)-1, len(ds)*95/100)])
	}
	health, hcpu := timeAll([]string{"/healthz"}, nil, nil)
	loginPage, lcpu := timeAll([]string{"/login"}, nil, nil)
	h50, h95 := p50p95(health)
	l50, l95 := p50p95(loginPage)
	fmt.Fprintf(os.Stderr, "bench-web %s: %d requests a page; baselines: GET /healthz p50 %.2f ms p95 %.2f ms (CPU %.2f ms); login page p50 %.2f ms p95 %.2f ms (CPU %.2f ms)\n",
		engine, n, h50, h95, hcpu, l50, l95, lcpu)
	fmt.Fprintf(os.Stderr, "bench-web %s: %-8s %-10s %8s %8s %8s %8s %7s %s\n", engine, "role", "page", "p50 ms", "p95 ms", "CPU ms", "×login", "KB", "verdict")
	for _, who := range []struct {
		role  string
		user  auth.User
		cases []string
	}{{"handler", w.handler, w.handlerCases}, {"leader", w.leader, w.leaderCases}} {
		session := benchSession(b, srv, who.user.Username)
		var casePaths, docPaths []string
		for _, c := range who.cases {
			casePaths = append(casePaths, "/cases/"+c)
		}
		for _, id := range w.docIDs {
			docPaths = append(docPaths, "/documents/"+id)
		}
		pages := []benchPage{
			{"dashboard", []string{"/"}},
			{"cases", []string{"/cases", "/cases?page=30", "/cases?status=xac_minh", "/cases?q=thu+hoi+dat", "/cases?sort=due",
				"/cases?overdue=1", "/cases?mine=1&open=1", "/cases?kind=to_cao&unit=H01"}},
			{"case", casePaths},
			{"document", docPaths},
			{"search", []string{"/search?q=thu+hoi+dat", "/search?q=boi+thuong", "/search?q=quyết+định+thu+hồi&kind=quyet_dinh_giai_quyet_khieu_nai",
				"/search?q=can+bo+dia+chinh&page=2", "/search?q=xac+minh&sort=date", "/search?q=dat&year=2026"}},
		}
		for _, pg := range pages {
			if pg.name == "document" {
				if _, rec := get(pg.paths[0], session); rec.Code == http.StatusNotFound {
					fmt.Fprintf(os.Stderr, "bench-web %s: %-8s %-10s skipped: GET /documents/{id} answers 404 (no document page on this branch)\n", engine, who.role, pg.name)
					continue
				}
			}
			maxWeight := 0
			stop := startProfile(b, engine, who.role, pg.name)
			ds, cpu := timeAll(pg.paths, session, func(path string, rec *httptest.ResponseRecorder) {
				if rec.Code != 200 {
					b.Fatalf("%s as %s: %d\n%s", path, who.role, rec.Code, rec.Body.String())
				}
				body := rec.Body.String()
				if m := foreignRef.FindString(body); m != "" {
					b.Errorf("%s as %s names another origin: %q", path, who.role, m)
				}
				maxWeight = max(maxWeight, weight(body))
			})
			stop()
			p50, p95 := p50p95(ds)
			verdict := "ok"
			if p95 > 100 {
				verdict = "OVER 100 ms"
			}
			if maxWeight > 100_000 {
				verdict += ", OVER 100 KB"
				b.Errorf("%s as %s weighs %d bytes (HTML + CSS + JS), over 100 KB", pg.name, who.role, maxWeight)
			}
			fmt.Fprintf(os.Stderr, "bench-web %s: %-8s %-10s %8.2f %8.2f %8.2f %8.1f %7.1f %s\n",
				engine, who.role, pg.name, p50, p95, cpu, p95/max(l95, 1e-3), float64(maxWeight)/1000, verdict)
		}
	}
}

// startProfile writes a CPU profile of one page's requests to
// KNTC_BENCH_CPUPROFILE/ENGINE-ROLE-PAGE.pprof when that directory is set
// (go tool pprof reads it); the returned function stops it.
func startProfile(b *testing.B, engine, role, page string) func() {
	dir := os.Getenv("KNTC_BENCH_CPUPROFILE")
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, engine+"-"+role+"-"+page+".pprof"))
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			b.Error(err)
		}
	}
}

// cpuTime is the process's CPU time so far (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
