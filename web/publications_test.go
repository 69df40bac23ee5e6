package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/ocr/pdfa"
)

// pubWorlds keeps each env's publication world (made once: jsonEndpoints is
// called more than once per env).
var pubWorlds sync.Map

type pubWorld struct {
	doc    ingest.Document // a decided complaint's decision, publishable
	posted cases.Publication
}

// pubWords is the OCR line of the publishable decision: 100 pixels a word.
func pubWords(text string) []ingest.Word {
	var out []ingest.Word
	for i, t := range strings.Fields(text) {
		out = append(out, ingest.Word{Text: t, X0: 20 + i*100, X1: 20 + i*100 + 90, Y0: 100, Y1: 130, Block: 1, Par: 1, Line: 1, Confidence: 90})
	}
	return out
}

const pubLine = "ông Phạm Văn Công Khai điện thoại 0912 345 678 khiếu nại"

// publicationWorld makes a decided complaint whose decision is a real PDF/A (a
// blank page image under the words) with its OCR words stored as the pipeline
// stores them, and a posted public copy of another document.
func publicationWorld(e *env) pubWorld {
	e.t.Helper()
	if w, ok := pubWorlds.Load(e); ok {
		return w.(pubWorld)
	}
	c, _, err := e.svc.CreateCase(e.ctx, e.actor(uLeaderP), cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourceInPerson,
		ReceivedOn: date("2026-03-02"), Subject: "Khiếu nại về bồi thường", UnitID: e.units["A"].ID,
		Parties: []cases.Party{{Role: cases.RolePetitioner, Person: cases.Person{Name: "Phạm Văn Công Khai", Phone: "0912345678"}}}})
	if err != nil {
		e.t.Fatal(err)
	}
	d := e.document(docSpec{unit: "A", caseCode: c.Code, kind: ingest.KindQuyetDinhGiaiQuyetKhieuNai, number: "20/QĐ-UBND", date: "2026-03-09",
		pages: []string{pubLine}, finish: true})
	img := image.NewGray(image.Rect(0, 0, 1200, 400))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	var pdf bytes.Buffer
	w, err := pdfa.NewWriter(&pdf, pdfa.Meta{Title: "test", CreateDate: time.Now()})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := w.AddPage(pdfa.Page{Image: img, DPI: 100, Words: pubWords(pubLine)}); err != nil {
		e.t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		e.t.Fatal(err)
	}
	words, _ := json.Marshal(map[string]any{"width": 1200, "height": 400, "dpi": 100, "words": pubWords(pubLine)})
	key := ingest.PageKey(d.SHA256, d.Pipeline, 1)
	for k, b := range map[string][]byte{ingest.ArchiveKey(d.SHA256, d.Pipeline): pdf.Bytes(), key: words} {
		if err := e.blobs.Delete(e.ctx, k); err != nil && !strings.Contains(err.Error(), "not found") {
			e.t.Fatal(err)
		}
		if _, err := e.blobs.Put(e.ctx, k, bytes.NewReader(b), int64(len(b)), ""); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := e.db.SavePage(e.ctx, &ingest.Page{DocumentID: d.ID, Number: 1, Text: pubLine, WordsKey: key, Width: 1200, Height: 400, DPI: 100, Source: "ocr"}); err != nil {
		e.t.Fatal(err)
	}
	other := e.document(docSpec{unit: "A", caseCode: c.Code, kind: ingest.KindQuyetDinhThuLy, number: "3/QĐ-UBND", date: "2026-03-03", pages: []string{"THỤ LÝ"}})
	pw := pubWorld{doc: d, posted: e.publicCopy(other, "QUYẾT ĐỊNH thụ lý")}
	pubWorlds.Store(e, pw)
	return pw
}

// TestPublicationAPI: the proposal (leaders only) covers the party's name and
// phone; rectangles off the page, negative, inverted, on no page or too many
// are 422; the publication is built, checked and posted once; its copy's text
// has neither name nor phone; the staff list and unpublishing follow the rules.
func TestPublicationAPI(t *testing.T) {
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, "poppler-utils", tool+" not found")
		}
	}
	e := newEnv(t)
	pw := publicationWorld(e)
	base := "/api/v1/documents/" + pw.doc.ID
	for _, u := range []string{uHandler, uInspector, uClerk, uAdmin} {
		if code, _ := e.do(u, call{method: "GET", path: base + "/redaction"}); code != http.StatusForbidden {
			t.Errorf("%s asks for the proposal: %d", u, code)
		}
	}
	code, body := e.do(uLeaderP, call{method: "GET", path: base + "/redaction"})
	if code != http.StatusOK {
		t.Fatalf("proposal: %d %s", code, body)
	}
	var prop struct {
		Pages []struct{ Width, Height int } `json:"pages"`
		Rects []map[string]any              `json:"rects"`
	}
	if err := json.Unmarshal(body, &prop); err != nil {
		t.Fatal(err)
	}
	reasons := map[string]bool{}
	for _, r := range prop.Rects {
		reasons[r["reason"].(string)] = true
	}
	if len(prop.Pages) != 1 || prop.Pages[0].Width != 1200 || !reasons["party"] || len(prop.Rects) != 2 { // the name and her phone
		t.Fatalf("proposal: %s", body)
	}

	rect := func(page, x0, y0, x1, y1 int) map[string]any {
		return map[string]any{"page": page, "x0": x0, "y0": y0, "x1": x1, "y1": y1}
	}
	for name, rects := range map[string]any{
		"off the page":  []any{rect(1, 0, 0, 1201, 10)},
		"negative":      []any{rect(1, -1, 0, 10, 10)},
		"inverted":      []any{rect(1, 50, 0, 10, 10)},
		"empty":         []any{rect(1, 10, 10, 10, 10)},
		"page 0":        []any{rect(0, 0, 0, 10, 10)},
		"page 2":        []any{rect(2, 0, 0, 10, 10)},
		"too many":      make([]any, 2001),
		"huge":          []any{map[string]any{"page": 1, "x0": 0, "y0": 0, "x1": 1e300, "y1": 10}},
		"not a list":    "x",
		"not an object": []any{1},
	} {
		if code, body := e.do(uLeaderP, call{method: "POST", path: base + "/publication", body: map[string]any{"rects": rects}}); code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %s, want 422", name, code, body)
		}
	}
	code, body = e.do(uLeaderP, call{method: "POST", path: base + "/publication", body: map[string]any{"rects": prop.Rects}})
	if code != http.StatusCreated {
		t.Fatalf("publish: %d %s", code, body)
	}
	var pub struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(body, &pub)
	if code, _ := e.do(uLeaderP, call{method: "POST", path: base + "/publication", body: map[string]any{"rects": prop.Rects}}); code != http.StatusConflict {
		t.Errorf("publishing twice: %d", code)
	}
	p, err := e.svc.PublishedCopy(e.ctx, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	folded := strings.ToLower(p.Text)
	if strings.Contains(folded, "công khai\n") || strings.Contains(folded, "phạm văn") || strings.Contains(strings.ReplaceAll(p.Text, " ", ""), "0912345678") ||
		!strings.Contains(p.Text, "BẢN CÔNG KHAI") || !strings.Contains(p.Text, "khiếu nại") {
		t.Errorf("the public text: %q", p.Text)
	}
	if c, err := e.svc.Case(e.ctx, e.actor(uLeaderP), pw.doc.CaseCode); err != nil || c.Status != cases.StatusPublished {
		t.Errorf("the case after publishing its decision: %v %v", c.Status, err)
	}

	// Staff list: leaders of the scope; others refused.
	if code, body := e.do(uLeaderP, call{method: "GET", path: "/api/v1/publications?case=" + pw.doc.CaseCode}); code != 200 || !strings.Contains(string(body), pub.ID) {
		t.Errorf("staff list: %d %s", code, body)
	}
	for _, q := range []string{"?limit=0", "?limit=x", "?offset=-1", "?limit=101"} {
		if code, _ := e.do(uLeaderP, call{method: "GET", path: "/api/v1/publications" + q}); code != http.StatusUnprocessableEntity {
			t.Errorf("staff list %s: %d", q, code)
		}
	}
	if code, _ := e.do(uHandler, call{method: "GET", path: "/api/v1/publications"}); code != http.StatusForbidden {
		t.Errorf("a handler lists publications: %d", code)
	}
	// Unpublishing: within 15 days only with a ground; a reason always.
	un := "/api/v1/publications/" + pub.ID + "/unpublish"
	for _, c := range []struct {
		body map[string]any
		want int
	}{
		{map[string]any{"reason": "đủ rồi"}, http.StatusConflict},
		{map[string]any{"reason": "x", "ground": "khac"}, http.StatusUnprocessableEntity},
		{map[string]any{"reason": " ", "ground": cases.GroundAnnulled}, http.StatusUnprocessableEntity},
		{map[string]any{"reason": "quyết định bị hủy", "ground": cases.GroundAnnulled}, http.StatusOK},
		{map[string]any{"reason": "lần nữa", "ground": cases.GroundAnnulled}, http.StatusConflict},
	} {
		if code, body := e.do(uLeaderP, call{method: "POST", path: un, body: c.body}); code != c.want {
			t.Errorf("unpublish %v: %d %s, want %d", c.body, code, body, c.want)
		}
	}
	if _, err := e.svc.PublishedCopy(e.ctx, pub.ID); err == nil {
		t.Error("the unpublished copy is still served")
	}
	if code, _ := e.do(uLeader, call{method: "POST", path: "/api/v1/publications/nope/unpublish", body: map[string]any{"reason": "x"}}); code != http.StatusNotFound {
		t.Errorf("unknown publication: %d", code)
	}
}

// TestPortalPublished: the portal's list shows the posted copies newest first,
// finds them by the words of their public text with or without diacritics,
// filters by unit, kind and year, and answers any query string without a 500.
func TestPortalPublished(t *testing.T) {
	e := newEnv(t)
	pw := publicationWorld(e)
	srv := e.pageServer()
	get := func(q string) (int, string) {
		t.Helper()
		code, body, _ := send(t, mustReq(t, "GET", srv.URL+"/cong-dan/cong-khai"+q))
		return code, body
	}
	code, body := get("")
	if code != 200 || !strings.Contains(body, "/cong-dan/van-ban/"+pw.posted.ID) || !strings.Contains(body, "số 3/QĐ-UBND") || strings.Contains(body, "<script") {
		t.Fatalf("list: %d\n%s", code, body)
	}
	for q, found := range map[string]bool{
		"?q=thụ+lý": true, "?q=THU+LY": true, "?q=thu": true, "?q=hu": false, "?q=khiếu": false,
		"?kind=quyet_dinh_thu_ly": true, "?kind=ket_luan_noi_dung_to_cao": false,
		"?unit=A": true, "?unit=B": false, "?year=2026": true, "?year=2025": false,
	} {
		code, body := get(q)
		if code != 200 || strings.Contains(body, pw.posted.ID) != found {
			t.Errorf("%s: %d, found %v, want %v", q, code, !found, found)
		}
	}
	for _, q := range []string{"?page=-1", "?page=999999999999999999999", "?year=abc", "?unit=%00", "?kind=../../x", "?q=" + strings.Repeat("%C4%90", 5000),
		"?q=%ff%fe", "?q=%27%3B+DROP+TABLE+publications%3B--", "?q=%25", "?q=_", "?q=a&q=b&unit=A&unit=B"} {
		if code, _ := get(q); code != 200 {
			t.Errorf("%.60s: %d", q, code)
		}
	}
	if code, _, _ := send(t, mustReq(t, "GET", srv.URL+"/cong-dan/van-ban/"+strings.Repeat("x", 100))); code != 404 {
		t.Errorf("a long id: %d", code)
	}
}

// TestPagesPublish: the staff publish page shows the proposal over the page,
// publishes with a rectangle dropped and one typed, refuses typed garbage and an
// early unpublication without a ground with the page and a message, and takes
// the copy down with one; other roles get no page.
func TestPagesPublish(t *testing.T) {
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, "poppler-utils", tool+" not found")
		}
	}
	e := newEnv(t)
	pw := publicationWorld(e)
	srv := e.pageServer()
	handler := newPageClient(t, srv)
	handler.login(uHandler)
	if code, _, _ := handler.get("/documents/" + pw.doc.ID + "/publish"); code != http.StatusForbidden && code != http.StatusNotFound {
		t.Errorf("a handler opens the publish page: %d", code)
	}
	c := newPageClient(t, srv)
	c.login(uLeaderP)
	if _, body, _ := c.get("/documents/" + pw.doc.ID); !strings.Contains(body, `href="/documents/`+pw.doc.ID+`/publish"`) {
		t.Error("the document page has no link to publish it")
	}
	page := "/documents/" + pw.doc.ID + "/publish"
	code, body, _ := c.get(page)
	if code != 200 || !strings.Contains(body, `name="keep" value="0"`) || !strings.Contains(body, `name="keep" value="1"`) ||
		!strings.Contains(body, `<rect class="redact"`) {
		t.Fatalf("publish page: %d\n%s", code, body)
	}
	if code, body, _ := c.post(page, url.Values{"keep": {"0", "1"}, "extra": {"1 10 10 abc 20"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "không phải số") {
		t.Errorf("garbage typed: %d", code)
	}
	if code, body, _ := c.post(page, url.Values{"keep": {"0", "1"}, "extra": {"1 0 0 5000 20"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "vùng che không hợp lệ") {
		t.Errorf("a rectangle off the page: %d", code)
	}
	code, _, res := c.post(page, url.Values{"keep": {"1"}, "extra": {"1 900 90 1100 140\n"}})
	if code != http.StatusSeeOther || res.Header.Get("Location") != page+"?done=published" {
		t.Fatalf("publish: %d %v", code, res.Header)
	}
	_, body, _ = c.get(page + "?done=published")
	m := regexp.MustCompile(`action="/publications/([0-9a-f]+)/unpublish"`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, "Bản công khai đã qua kiểm tra") {
		t.Fatalf("after publishing: %s", body)
	}
	un := "/publications/" + m[1] + "/unpublish"
	if code, body, _ := c.post(un, url.Values{"reason": {"thử"}}); code != http.StatusConflict || !strings.Contains(body, "ít nhất 15 ngày") {
		t.Errorf("early unpublication without a ground: %d", code)
	}
	if code, _, res := c.post(un, url.Values{"reason": {"lộ số điện thoại"}, "ground": {"lo_thong_tin"}}); code != http.StatusSeeOther ||
		res.Header.Get("Location") != page+"?done=unpublished" {
		t.Errorf("unpublish: %d", code)
	}
	if code, _, _ := c.post(un, url.Values{"reason": {"x"}, "csrf": {""}}); code != http.StatusForbidden {
		t.Errorf("a form without its token: %d", code)
	}
}

// TestRedactionProposalTypedPageStoredWords: a typed decision (its page carried
// its own text, OCR never read it) is proposed for redaction from the words the
// pipeline kept of its copy's text layer when it stored it (ingest.TextWordsKey,
// the place the viewer reads them from too): its copy is not read again — here
// it could not be, it is no PDF — and the party's name and phone are proposed
// where those words are.
func TestRedactionProposalTypedPageStoredWords(t *testing.T) {
	e := newEnv(t)
	c, _, err := e.svc.CreateCase(e.ctx, e.actor(uLeaderP), cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourceInPerson,
		ReceivedOn: date("2026-03-02"), Subject: "Khiếu nại về bồi thường", UnitID: e.units["A"].ID,
		Parties: []cases.Party{{Role: cases.RolePetitioner, Person: cases.Person{Name: "Phạm Văn Công Khai", Phone: "0912345678"}}}})
	if err != nil {
		t.Fatal(err)
	}
	d := e.document(docSpec{unit: "A", caseCode: c.Code, kind: ingest.KindQuyetDinhGiaiQuyetKhieuNai, number: "21/QĐ-UBND", date: "2026-03-09",
		pages: []string{pubLine}, finish: true})
	words, _ := json.Marshal(ingest.PageWords{Width: 1200, Height: 400, DPI: 100, Words: pubWords(pubLine)})
	if _, err := e.blobs.Put(e.ctx, ingest.TextWordsKey(d.SHA256, d.Pipeline, 1), bytes.NewReader(words), int64(len(words)), ""); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SavePage(e.ctx, &ingest.Page{DocumentID: d.ID, Number: 1, Text: pubLine, Confidence: -1,
		WordsKey: ingest.PageKey(d.SHA256, d.Pipeline, 1), Width: 1240, Height: 1754, DPI: 150, Source: "text"}); err != nil {
		t.Fatal(err)
	}
	code, body := e.do(uLeaderP, call{method: "GET", path: "/api/v1/documents/" + d.ID + "/redaction"})
	if code != http.StatusOK {
		t.Fatalf("proposal: %d %s", code, body)
	}
	var prop struct {
		Pages []struct{ Width, Height int } `json:"pages"`
		Rects []struct {
			Reason         string
			X0, Y0, X1, Y1 int
		} `json:"rects"`
	}
	if err := json.Unmarshal(body, &prop); err != nil {
		t.Fatal(err)
	}
	if len(prop.Pages) != 1 || prop.Pages[0].Width != 1200 || prop.Pages[0].Height != 400 || len(prop.Rects) != 2 {
		t.Fatalf("proposal %s: want the page of the stored words (1200×400) and the name and phone", body)
	}
	// The name is words 2–5 of the line (from x 120), the phone words 8–10 (from x 720).
	for _, x0 := range []int{120, 720} {
		found := false
		for _, r := range prop.Rects {
			found = found || (r.Reason == "party" && r.X0 <= x0 && r.X0 > x0-100 && r.X1 >= x0+90 && r.Y0 <= 100 && r.Y1 >= 130)
		}
		if !found {
			t.Errorf("no party's rectangle from x %d over y 100–130: %+v", x0, prop.Rects)
		}
	}
}
