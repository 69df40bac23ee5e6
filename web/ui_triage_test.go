package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kntc/ingest"
)

// triageDoc makes an unlinked stored document of unit whose text names what
// (a case code makes it suggested), with the header a scan's OCR reads.
func triageDoc(e *env, unit, number, subject, text string) ingest.Document {
	e.t.Helper()
	d := e.document(docSpec{unit: unit, kind: "cong_van", number: number, date: "2026-03-04",
		pages: []string{"CÔNG VĂN\n" + text}})
	d.Meta.Issuer, d.Meta.Type, d.Meta.Subject = "UBND huyện Tân Phú", "CÔNG VĂN", subject
	if err := e.db.UpdateDocument(e.ctx, &d); err != nil {
		e.t.Fatal(err)
	}
	return d
}

// TestPagesTriage: the inbox lists the user's unit's unlinked documents with the
// header read from the scan, a thumbnail and a link to the viewer, the suggested
// cases and why (in Vietnamese); one document is linked with one click (its kind
// chosen), several at once; a refusal comes back next to its document; another
// unit's document is not listed and linking it is the 404 page; a form without
// its token is refused (403); the poll answers only what changed.
func TestPagesTriage(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	code := codes["complaint"]
	one := triageDoc(e, "A", "31/UBND-TD", "V/v chuyển đơn của công dân", "Liên quan hồ sơ "+code+" đang giải quyết.")
	two := triageDoc(e, "A", "32/UBND-TD", "V/v cung cấp hồ sơ", "Bổ sung tài liệu.")
	three := triageDoc(e, "A", "33/UBND-TD", "V/v báo cáo bổ sung", "Bổ sung tài liệu lần hai.")
	theirs := triageDoc(e, "B", "77/UBND-TD", "V/v của huyện B", "Tài liệu huyện B.")
	srv := e.pageServer()
	c := newPageClientAs(t, srv, uClerk)

	code200, body, _ := c.get("/triage")
	if code200 != 200 {
		t.Fatalf("GET /triage: %d\n%s", code200, body)
	}
	for _, want := range []string{"31/UBND-TD", "04/03/2026", "UBND huyện Tân Phú", "V/v chuyển đơn của công dân", "Công văn",
		`src="/documents/` + one.ID + `/pages/1/thumb.png"`, `href="/documents/` + one.ID + `"`,
		`name="case" value="` + code + `"`, "Tài liệu ghi mã hồ sơ " + code, `name="doc" value="` + two.ID + `" form="batch"`,
		`action="/triage/link"`, `src="/static/triage.`} {
		if !strings.Contains(body, want) {
			t.Errorf("the inbox lacks %q", want)
		}
	}
	if strings.Contains(body, theirs.ID) || strings.Contains(body, "77/UBND-TD") {
		t.Errorf("the inbox of district A lists a document of B")
	}
	if _, dash, _ := c.get("/"); !strings.Contains(dash, `href="/triage"`) {
		t.Errorf("the dashboard's triage count does not lead to /triage")
	}

	// The poll: everything since the start, nothing since the cursor.
	res := c.raw("/triage/fragment?since=0")
	if res.code != 200 || !strings.Contains(res.body, `data-id="`+one.ID+`"`) || strings.Contains(res.body, "<html") {
		t.Errorf("fragment since 0: %d\n%s", res.code, res.body)
	}
	cursor, err := strconv.ParseInt(res.header.Get("X-Triage-Since"), 10, 64)
	if err != nil || res.header.Get("X-Triage-Total") == "" {
		t.Fatalf("fragment headers: %v", res.header)
	}
	if later := c.raw("/triage/fragment?since=" + strconv.FormatInt(cursor+10e6, 10)); later.code != 204 || later.body != "" {
		t.Errorf("fragment after every change: %d %q, want 204", later.code, later.body)
	}
	for _, bad := range []string{"abc", "-5", "99999999999999999999", ""} {
		if got := c.raw("/triage/fragment?since=" + url.QueryEscape(bad)); got.code != 200 || !strings.Contains(got.body, one.ID) {
			t.Errorf("fragment since %q: %d, want every row", bad, got.code)
		}
	}

	// One click: a suggestion's button, the kind chosen in its form.
	st, b, r := c.post("/triage/link", url.Values{"doc": {one.ID}, "kind": {"phieu_chuyen_don"}, "case": {code}, "other": {""}})
	if st != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/triage?linked=1") {
		t.Fatalf("link one: %d %s\n%s", st, r.Header.Get("Location"), b)
	}
	if _, b, _ := c.get(r.Header.Get("Location")); !strings.Contains(b, "Đã gắn 1 tài liệu vào hồ sơ "+code) || strings.Contains(b, `data-id="`+one.ID+`"`) {
		t.Errorf("after linking one: no notice, or still listed\n%s", b)
	}
	if d, err := e.db.Document(e.ctx, one.ID); err != nil || d.CaseCode != code || d.Kind != "phieu_chuyen_don" {
		t.Errorf("linked document: case %q kind %q (%v)", d.CaseCode, d.Kind, err)
	}

	// A stale page: the document was filed meanwhile; the inbox does not move it.
	st, b, _ = c.post("/triage/link", url.Values{"doc": {one.ID}, "kind": {"cong_van"}, "case": {codes["denunciation"]}})
	if st != 422 || !strings.Contains(b, "đã được gắn vào hồ sơ "+code) {
		t.Errorf("link a document filed meanwhile: %d\n%s", st, b)
	}
	if d, _ := e.db.Document(e.ctx, one.ID); d.CaseCode != code {
		t.Errorf("a stale page moved %s to %s", one.ID, d.CaseCode)
	}

	// A case that does not exist: the problem next to the document, the input kept.
	st, b, _ = c.post("/triage/link", url.Values{"doc": {two.ID}, "kind": {"cong_van"}, "case": {""}, "other": {"KN-2026-999999"}})
	if st != 422 || !strings.Contains(b, `id="err-`+two.ID+`"`) || !strings.Contains(b, "Không tìm thấy hồ sơ KN-2026-999999") ||
		!strings.Contains(b, `value="KN-2026-999999"`) {
		t.Errorf("link to no case: %d\n%s", st, b)
	}

	// Several at once, each keeping its detected kind.
	st, b, r = c.post("/triage/link", url.Values{"from": {"batch"}, "doc": {two.ID, three.ID}, "case": {strings.ToLower(code)}, "kind": {""}})
	if st != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/triage?linked=2") {
		t.Fatalf("link several: %d %s\n%s", st, r.Header.Get("Location"), b)
	}
	for _, id := range []string{two.ID, three.ID} {
		if d, err := e.db.Document(e.ctx, id); err != nil || d.CaseCode != code || d.Kind != "cong_van" {
			t.Errorf("batch-linked %s: case %q kind %q (%v)", id, d.CaseCode, d.Kind, err)
		}
	}
	st, b, _ = c.post("/triage/link", url.Values{"from": {"batch"}, "case": {code}})
	if st != 422 || !strings.Contains(b, `id="batch-err"`) {
		t.Errorf("batch without documents: %d\n%s", st, b)
	}

	// Another unit's document: not listed, and its link is the 404 page (alone
	// or with one of ours, which then stays unlinked).
	four := triageDoc(e, "A", "34/UBND-TD", "V/v khác", "Văn bản khác.")
	c.get("/triage")
	for _, ids := range [][]string{{theirs.ID}, {four.ID, theirs.ID}, {"khong-co-that"}} {
		if st, b, _ := c.post("/triage/link", url.Values{"from": {"batch"}, "doc": ids, "case": {code}}); st != 404 || !strings.Contains(b, "Không tìm thấy") {
			t.Errorf("link %v: %d, want the 404 page", ids, st)
		}
	}
	if d, _ := e.db.Document(e.ctx, four.ID); d.CaseCode != "" {
		t.Errorf("a refused batch linked %s to %s", four.ID, d.CaseCode)
	}
	if d, _ := e.db.Document(e.ctx, theirs.ID); d.CaseCode != "" {
		t.Errorf("district B's document was linked to %s", d.CaseCode)
	}
	// Without the form token: 403, nothing linked.
	if st, _, _ := c.post("/triage/link", url.Values{"csrf": {""}, "doc": {four.ID}, "case": {code}}); st != 403 {
		t.Errorf("link without the form token: %d, want 403", st)
	}
	if d, _ := e.db.Document(e.ctx, four.ID); d.CaseCode != "" {
		t.Errorf("a tokenless form linked %s", four.ID)
	}
	// A new arrival shows in the poll.
	five := triageDoc(e, "A", "35/UBND-TD", "V/v mới đến", "Mới đến.")
	if res := c.raw("/triage/fragment?since=" + res.header.Get("X-Triage-Since")); res.code != 200 || !strings.Contains(res.body, `data-id="`+five.ID+`"`) {
		t.Errorf("fragment after an arrival: %d\n%s", res.code, res.body)
	}

	// Whatever a form holds, never a server error.
	c.get("/triage")
	for _, v := range []string{"Tra\u0302\u0300n", "a\x00b\x1b[31m", strings.Repeat("ẫ", 3000), "\u202Eevil", "-1", "'; DROP TABLE documents;--", ""} {
		form := url.Values{"doc": {v, four.ID}, "case": {v}, "other": {v}, "kind": {v}, "from": {v}}
		if st, b, _ := c.post("/triage/link", form); st >= 500 || st == 200 || st == 303 {
			t.Errorf("POST /triage/link with %q: %d\n%s", v, st, b)
		}
		if st, _, _ := c.get("/triage?linked=" + url.QueryEscape(v) + "&case=" + url.QueryEscape(v)); st != 200 {
			t.Errorf("GET /triage with %q: %d", v, st)
		}
	}

	// Roles without the triage: 403; district B's handler sees B's document only.
	for _, user := range []string{uAdmin, uInspector} {
		other := newPageClientAs(t, srv, user)
		if st, _, _ := other.get("/triage"); st != 403 {
			t.Errorf("%s: GET /triage %d, want 403", user, st)
		}
		other.get("/password") // a page with the form token
		if st, _, _ := other.post("/triage/link", url.Values{"doc": {four.ID}, "case": {code}}); st != 403 {
			t.Errorf("%s: POST /triage/link %d, want 403", user, st)
		}
	}
	// In English, every string from the catalogue (pageClient fails on a missing key).
	c.get("/lang?to=en&back=/triage")
	if _, b, _ := c.get("/triage"); !strings.Contains(b, "Documents awaiting triage") || !strings.Contains(b, "Link the selected documents") {
		t.Errorf("the inbox in English:\n%s", b)
	}
	if _, b, _ := newPageClientAs(t, srv, uHandlerB).get("/triage"); !strings.Contains(b, theirs.ID) || strings.Contains(b, four.ID) {
		t.Errorf("district B's inbox:\n%s", b)
	}
}

// TestPagesTriageReach: the inbox is in the menu of, and answers, exactly the
// roles that triage (clerk, handler, leader), for every user; the others get
// no menu entry and the 403 page.
func TestPagesTriageReach(t *testing.T) {
	e := newEnv(t)
	pageWorld(e)
	srv := e.pageServer()
	for _, user := range requesters {
		c := newPageClientAs(t, srv, user)
		want := user != uAdmin && user != uInspector
		_, home, _ := c.get("/")
		code, _, _ := c.get("/triage")
		if strings.Contains(home, `href="/triage"`) != want || (code == 200) != want || !want && code != 403 {
			t.Errorf("%s: triage in the menu %t, /triage %d; want the inbox %t", user, strings.Contains(home, `href="/triage"`), code, want)
		}
	}
}

// rawAnswer is an answer read without the page checks (a fragment).
type rawAnswer struct {
	code   int
	body   string
	header http.Header
}

func (c *pageClient) raw(path string) rawAnswer {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.srv.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	code, body, res := c.do(req)
	return rawAnswer{code: code, body: body, header: res.Header}
}

// TestPagesTriagePages: beyond 50 documents the inbox is paged; the unit filter
// (for a user of several units) is kept by the pager, the link forms, the
// redirect after linking and the poll, which only the first page runs; a page
// past the last shows the last; a user of one unit gets no unit filter.
func TestPagesTriagePages(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e) // one unlinked document in A
	for i := range 52 {
		triageDoc(e, "A", fmt.Sprintf("%d/UBND-A", 100+i), "V/v tài liệu huyện A", "Tài liệu chờ phân loại.")
	}
	triageDoc(e, "B", "1/UBND-B", "V/v tài liệu huyện B", "Tài liệu chờ phân loại.")
	triageDoc(e, "B", "2/UBND-B", "V/v tài liệu huyện B", "Tài liệu chờ phân loại.")
	srv := e.pageServer()
	c := newPageClientAs(t, srv, uLeaderP) // scope: the province, A and B
	rows := func(body string) int { return strings.Count(body, `<li class="card triage-item`) }

	for _, tc := range []struct {
		name, path string
		rows       int
		want, not  []string
	}{
		{"first page", "/triage", 50,
			[]string{"55 tài liệu chờ phân loại", "Trang 1 trên 2", `href="/triage?page=2" rel="next"`, `data-poll="/triage/fragment"`, `id="t-unit"`},
			[]string{`rel="prev"`, `name="page"`}},
		{"second page", "/triage?page=2", 5,
			[]string{"Trang 2 trên 2", `href="/triage" rel="prev"`, `<input type="hidden" name="page" value="2">`},
			[]string{`rel="next"`, "data-poll="}},
		{"past the last", "/triage?page=999", 5, []string{"Trang 2 trên 2"}, nil},
		{"not a page", "/triage?page=-3x", 50, []string{"Trang 1 trên 2"}, nil},
		{"unit A", "/triage?unit=A", 50,
			[]string{"53 tài liệu chờ phân loại", `href="/triage?unit=A&amp;page=2" rel="next"`, `data-poll="/triage/fragment?unit=A"`,
				`<input type="hidden" name="unit" value="A">`, `<option value="A" selected>`},
			[]string{"UBND-B"}},
		{"unit A, second page", "/triage?unit=A&page=2", 3,
			[]string{"Trang 2 trên 2", `href="/triage?unit=A" rel="prev"`, `<input type="hidden" name="page" value="2">`}, nil},
		{"unit B", "/triage?unit=B", 2, []string{"2 tài liệu chờ phân loại", "1/UBND-B"}, []string{"UBND-A", `class="pager"`}},
		{"a unit outside the tree", "/triage?unit=ZZ", 0, []string{"Không có tài liệu nào chờ phân loại."}, nil},
	} {
		st, body, _ := c.get(tc.path)
		if st != 200 || rows(body) != tc.rows {
			t.Errorf("%s: %d, %d rows, want 200 and %d", tc.name, st, rows(body), tc.rows)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: lacks %q", tc.name, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(body, n) {
				t.Errorf("%s: has %q", tc.name, n)
			}
		}
	}

	// The poll keeps the unit: B's fragment holds B's rows only.
	if res := c.raw("/triage/fragment?unit=B&since=0"); res.code != 200 || strings.Count(res.body, "data-id=") != 2 || res.header.Get("X-Triage-Total") != "2" {
		t.Errorf("B's poll: %d, total %s\n%s", res.code, res.header.Get("X-Triage-Total"), res.body)
	}

	// Linking from the second page of A comes back there, filter kept.
	_, body, _ := c.get("/triage?unit=A&page=2")
	i := strings.Index(body, `id="doc-`)
	id := body[i+len(`id="doc-`) : i+strings.Index(body[i:], `" data-id`)]
	st, b, r := c.post("/triage/link", url.Values{"doc": {id}, "case": {codes["complaint"]}, "unit": {"A"}, "page": {"2"}})
	if loc := r.Header.Get("Location"); st != 303 || loc != "/triage?linked=1&case="+codes["complaint"]+"&unit=A&page=2" {
		t.Fatalf("link from page 2: %d %q\n%s", st, loc, b)
	}
	if _, b, _ := c.get(r.Header.Get("Location")); !strings.Contains(b, "Đã gắn 1 tài liệu") || rows(b) != 2 {
		t.Errorf("back on A's page 2 after linking: %d rows\n%s", rows(b), b)
	}

	// A clerk of one unit: no unit filter; the rows are A's.
	if _, b, _ := newPageClientAs(t, srv, uClerk).get("/triage"); strings.Contains(b, `id="t-unit"`) || rows(b) != 50 {
		t.Errorf("a clerk of one unit: %d rows, unit filter shown %t", rows(b), strings.Contains(b, `id="t-unit"`))
	}
}
