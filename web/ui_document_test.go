package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kntc/cases"
	"kntc/ingest"
	"kntc/search"
	"kntc/web"
)

// viewerText is the page text of the viewer's test document; viewerWords are its
// OCR word boxes on a 600×800 page.
const viewerText = "ĐƠN KHIẾU NẠI\nKính gửi: UBND huyện A"

var viewerWords = []ingest.Word{
	{Text: "ĐƠN", X0: 40, Y0: 40, X1: 120, Y1: 70}, {Text: "KHIẾU", X0: 130, Y0: 40, X1: 240, Y1: 70},
	{Text: "NẠI", X0: 250, Y0: 40, X1: 320, Y1: 70}, {Text: "Kính", X0: 40, Y0: 100, X1: 100, Y1: 125},
	{Text: "gửi:", X0: 110, Y0: 100, X1: 160, Y1: 125}, {Text: "UBND", X0: 170, Y0: 100, X1: 240, Y1: 125},
	{Text: "huyện", X0: 250, Y0: 100, X1: 330, Y1: 125}, {Text: "A", X0: 340, Y0: 100, X1: 355, Y1: 125},
}

// viewerDocument makes a stored document of the complaint case whose PDF/A copy
// is a page image (the viewer reads it by its content, as the pipeline's pages
// package does) and whose page has its OCR word boxes in the object store.
func viewerDocument(e *env, caseCode string) ingest.Document {
	e.t.Helper()
	d := e.document(docSpec{unit: "A", caseCode: caseCode, kind: "don_khieu_nai", number: "7/ĐKN", date: "2026-03-03",
		pages: []string{viewerText}, finish: true})
	img := image.NewGray(image.Rect(0, 0, 600, 800))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for _, w := range viewerWords {
		for y := w.Y0; y < w.Y1; y++ {
			for x := w.X0; x < w.X1; x++ {
				img.SetGray(x, y, color.Gray{Y: 0x30})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		e.t.Fatal(err)
	}
	put := func(key string, body []byte) {
		if _, err := e.blobs.Put(e.ctx, key, bytes.NewReader(body), int64(len(body)), ""); err != nil {
			e.t.Fatal(err)
		}
	}
	put(ingest.ArchiveKey(d.SHA256, d.Pipeline), b.Bytes())
	words, err := json.Marshal(map[string]any{"page": 1, "width": 600, "height": 800, "text": viewerText, "words": viewerWords})
	if err != nil {
		e.t.Fatal(err)
	}
	key := ingest.PageKey(d.SHA256, d.Pipeline, 1)
	put(key, words)
	pg := ingest.Page{DocumentID: d.ID, Number: 1, Text: viewerText, WordsKey: key, Width: 600, Height: 800, DPI: 300, Source: "ocr"}
	if err := e.db.SavePage(e.ctx, &pg); err != nil {
		e.t.Fatal(err)
	}
	return d
}

// TestPagesDocumentViewer: the viewer shows the header and the text, marks the
// searched words (typed without diacritics) on the page image — one SVG box per
// matched OCR word — and in the text; the case page and the search results link
// to it; a user of another unit gets the 404 page for the viewer, its images
// and its downloads.
func TestPagesDocumentViewer(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	d := viewerDocument(e, codes["complaint"])
	srv := e.pageServer()
	c := newPageClientAs(t, srv, uHandler)
	code, body, res := c.get("/documents/" + d.ID + "?q=" + url.QueryEscape("kinh gui huyen"))
	if code != 200 || !strings.Contains(body, "7/ĐKN") || !strings.Contains(body, "03/03/2026") ||
		!strings.Contains(body, "/documents/"+d.ID+"/pages/1/preview.png") || !strings.Contains(body, "/documents/"+d.ID+"/pages/1/thumb.png") {
		t.Fatalf("viewer: %d\n%s", code, body)
	}
	if n := strings.Count(body, `<rect class="hl"`); n != 3 {
		t.Errorf("%d boxes on the page image for kinh gui huyen, want 3 (Kính, gửi:, huyện)\n%s", n, body)
	}
	if !strings.Contains(body, `<rect class="hl" x="250" y="100" width="80" height="25"/>`) || !strings.Contains(body, `viewBox="0 0 600 800"`) {
		t.Errorf("the box of huyện is not where its OCR word is:\n%s", body)
	}
	if n := strings.Count(body, "<mark>"); n != 3 || !strings.Contains(body, "<mark>Kính</mark> <mark>gửi:</mark>") || !strings.Contains(body, "<mark>huyện</mark>") {
		t.Errorf("marks in the text: %d\n%s", n, body)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self'") || strings.Contains(body, "style=") {
		t.Errorf("the viewer needs an inline style (CSP %q)", csp)
	}
	if _, body, _ := c.get("/documents/" + d.ID); strings.Contains(body, `class="hl"`) || strings.Contains(body, "<mark>") {
		t.Errorf("marks without a query:\n%s", body)
	}
	if _, body, _ := c.get("/cases/" + codes["complaint"]); !strings.Contains(body, `href="/documents/`+d.ID+`"`) {
		t.Errorf("the case page does not link to the viewer:\n%s", body)
	}
	if _, body, _ := c.get("/search?q=huyen"); !strings.Contains(body, `href="/documents/`+d.ID+`?q=huyen#page-1"`) {
		t.Errorf("the search results do not link to the viewer:\n%s", body)
	}
	other := newPageClientAs(t, srv, uHandlerB)
	for _, p := range []string{"", "/pages/1/preview.png", "/pages/1/thumb.png", "/pdf", "/original"} {
		if code, body, _ := other.get("/documents/" + d.ID + p); code != 404 || strings.Contains(body, "7/ĐKN") {
			t.Errorf("a handler of B: GET %s: %d, want the 404 page", p, code)
		}
	}
	for _, p := range []string{"/pages/0/thumb.png", "/pages/2/thumb.png", "/pages/x/preview.png"} {
		if code, _, _ := c.get("/documents/" + d.ID + p); code != 404 {
			t.Errorf("GET %s: %d, want 404", p, code)
		}
	}
	if code, _, _ := c.get("/documents/01900000-0000-7000-8000-000000000000"); code != 404 {
		t.Errorf("an unknown document: %d, want 404", code)
	}
}

// typedViewerDocument is viewerDocument as a typed page (a born-digital PDF, an
// office file) leaves it: the page's own result holds its text and no words, in
// the size the file's page had; with words, the pipeline kept the words of the
// archive copy's text layer under ingest.TextWordsKey, in the pixels of the
// copy's page image (600×800); without, the document was stored before it did.
func typedViewerDocument(e *env, caseCode string, words bool) ingest.Document {
	e.t.Helper()
	d := viewerDocument(e, caseCode)
	put := func(key string, v any) {
		body, err := json.Marshal(v)
		if err != nil {
			e.t.Fatal(err)
		}
		if _, err := e.blobs.Put(e.ctx, key, bytes.NewReader(body), int64(len(body)), ""); err != nil {
			e.t.Fatal(err)
		}
	}
	key := ingest.PageKey(d.SHA256, d.Pipeline, 1)
	put(key, map[string]any{"page": 1, "width": 1240, "height": 1654, "dpi": 150, "source": "text", "confidence": -1, "text": viewerText, "words": nil})
	pg := ingest.Page{DocumentID: d.ID, Number: 1, Text: viewerText, Confidence: -1, WordsKey: key, Width: 1240, Height: 1654, DPI: 150, Source: "text"}
	if err := e.db.SavePage(e.ctx, &pg); err != nil {
		e.t.Fatal(err)
	}
	if words {
		put(ingest.TextWordsKey(d.SHA256, d.Pipeline, 1), ingest.PageWords{Width: 600, Height: 800, DPI: 72, Words: viewerWords})
	}
	return d
}

// TestPagesDocumentViewerTypedPage: a typed page, which OCR never read, has its
// search hits boxed on its image from the words of the archive copy's text layer
// (ingest.BoxesKey), in that copy's pixels, as a scan's are from its OCR words;
// one stored before the pipeline kept those words shows its hits in the text
// only, without a warning in the log.
func TestPagesDocumentViewerTypedPage(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	typed := typedViewerDocument(e, codes["complaint"], true)
	older := typedViewerDocument(e, codes["complaint"], false)
	c := newPageClientAs(t, e.pageServer(), uHandler)
	q := "?q=" + url.QueryEscape("kinh gui huyen")

	code, body, _ := c.get("/documents/" + typed.ID + q)
	if code != 200 {
		t.Fatalf("viewer of the typed page: %d\n%s", code, body)
	}
	if n := strings.Count(body, `<rect class="hl"`); n != 3 {
		t.Errorf("%d boxes on the typed page for kinh gui huyen, want 3 (Kính, gửi:, huyện)\n%s", n, body)
	}
	if !strings.Contains(body, `<rect class="hl" x="250" y="100" width="80" height="25"/>`) || !strings.Contains(body, `viewBox="0 0 600 800"`) {
		t.Errorf("the box of huyện is not where the text layer has it, in the copy's pixels:\n%s", body)
	}
	if n := strings.Count(body, "<mark>"); n != 3 {
		t.Errorf("%d marks in the text, want 3", n)
	}

	code, body, _ = c.get("/documents/" + older.ID + q)
	if code != 200 || strings.Count(body, "<mark>") != 3 || strings.Contains(body, `class="hl"`) {
		t.Errorf("viewer of a typed page stored before: %d, %d marks, boxes %t; want 200, 3 marks in the text, no boxes\n%s",
			code, strings.Count(body, "<mark>"), strings.Contains(body, `class="hl"`), body)
	}
	if logs := e.logs.String(); strings.Contains(logs, "viewer: word boxes") {
		t.Errorf("the viewer warned of a typed page without words:\n%s", logs)
	}
}

// TestPagesDocumentImagesCached: a page's thumbnail and preview are drawn from
// the PDF/A copy once and kept in the object store; asked again they come from
// there (the render count does not move, and they are served even with the copy
// gone).
func TestPagesDocumentImagesCached(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	d := viewerDocument(e, codes["complaint"])
	c := newPageClientAs(t, e.pageServer(), uHandler)
	before := web.PageRenders()
	thumb := func() image.Image {
		t.Helper()
		code, body, res := c.get("/documents/" + d.ID + "/pages/1/thumb.png")
		if code != 200 || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("thumb: %d %s", code, res.Header.Get("Content-Type"))
		}
		img, err := png.Decode(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	if b := thumb().Bounds(); b.Dx() != 160 || b.Dy() != 213 {
		t.Errorf("thumbnail %v, want 160×213", b)
	}
	if got := web.PageRenders() - before; got != 1 {
		t.Errorf("%d renders for the first thumbnail, want 1", got)
	}
	thumb()
	code, body, _ := c.get("/documents/" + d.ID + "/pages/1/preview.png")
	if img, err := png.Decode(strings.NewReader(body)); code != 200 || err != nil || img.Bounds().Dx() != 600 {
		t.Errorf("preview: %d %v", code, err)
	}
	if got := web.PageRenders() - before; got != 1 {
		t.Errorf("%d renders after the second thumbnail and the preview, want still 1", got)
	}
	// The browser asks again with the ETag: 304 for the user who may see it.
	req, err := http.NewRequest("GET", c.srv.URL+"/documents/"+d.ID+"/pages/1/thumb.png", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, res := c.get("/documents/" + d.ID + "/pages/1/thumb.png")
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	if code, _, _ := c.do(req); code != http.StatusNotModified || res.Header.Get("ETag") == "" {
		t.Errorf("thumb with its ETag: %d, want 304", code)
	}
	other := newPageClientAs(t, c.srv, uHandlerB)
	req2, err := http.NewRequest("GET", c.srv.URL+"/documents/"+d.ID+"/pages/1/thumb.png", nil)
	if err != nil {
		t.Fatal(err)
	}
	req2.Header.Set("If-None-Match", res.Header.Get("ETag"))
	if code, _, _ := other.do(req2); code != 404 {
		t.Errorf("another unit's handler with the ETag: %d, want 404", code)
	}
	if err := e.blobs.Delete(e.ctx, ingest.ArchiveKey(d.SHA256, d.Pipeline)); err != nil {
		t.Fatal(err)
	}
	thumb()
	if got := web.PageRenders() - before; got != 1 {
		t.Errorf("%d renders with the copy gone, want 1", got)
	}
}

// TestPagesDocumentHeader: a handler corrects a misread header through the
// viewer's form; the change is in the audit trail (which fields, not their
// text) and, once the search follower has caught up, the new subject is found;
// a wrong date comes back next to its field with the input kept; an inspector
// (who may not file documents) sees no form and is refused.
func TestPagesDocumentHeader(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	d := viewerDocument(e, codes["complaint"])
	srv := e.pageServer()
	c := newPageClientAs(t, srv, uHandler)
	c.get("/documents/" + d.ID)
	form := url.Values{"number": {"07/ĐKN-2026"}, "date": {"2026-03-04"}, "issuer": {"Công dân Xyzabc"},
		"type": {"ĐƠN"}, "subject": {"Về việc đền bù đất ruộng xyzabc"}, "kind": {"don_khieu_nai"}}
	code, body, res := c.post("/documents/"+d.ID+"/header", form)
	if code != 303 || res.Header.Get("Location") != "/documents/"+d.ID+"?done=header" {
		t.Fatalf("header correction: %d %s\n%s", code, res.Header.Get("Location"), body)
	}
	got, err := e.db.Document(e.ctx, d.ID)
	if err != nil || got.Meta.Number != "07/ĐKN-2026" || got.Meta.Subject != "Về việc đền bù đất ruộng xyzabc" || got.Meta.Date != "2026-03-04" {
		t.Fatalf("after the correction: %+v %v", got.Meta, err)
	}
	var audited bool
	for _, en := range e.auditOf(e.users[uHandler].ID) {
		if en.Action == cases.ActionUpdate && en.Object == "document:"+d.ID && strings.HasPrefix(en.Detail, "header corrected: ") {
			audited = true
			if strings.Contains(en.Detail, "xyzabc") {
				t.Errorf("the audit detail holds the text: %q", en.Detail)
			}
		}
	}
	if !audited {
		t.Errorf("no audit entry for the correction: %+v", e.auditOf(e.users[uHandler].ID))
	}
	f := &search.Follower{Index: e.index, Source: e.db}
	if err := f.CatchUp(e.ctx); err != nil {
		t.Fatal(err)
	}
	// The index keeps the header's issuer as a facet (the subject is not
	// indexed as text): the search page finds the document by its new issuer.
	if _, body, _ := c.get("/search?q=huyen&issuer=" + url.QueryEscape("Công dân Xyzabc")); !strings.Contains(body, "/documents/"+d.ID) {
		t.Errorf("the corrected issuer is not found:\n%s", body)
	}
	if _, body, _ := c.get("/search?q=huyen&issuer=" + url.QueryEscape("Công dân")); strings.Contains(body, "/documents/"+d.ID) {
		t.Errorf("found by an issuer it no longer has:\n%s", body)
	}
	if _, body, _ := c.get("/documents/" + d.ID + "?done=header"); !strings.Contains(body, "07/ĐKN-2026") || !strings.Contains(body, `role="status"`) {
		t.Errorf("the viewer after the correction:\n%s", body)
	}
	form.Set("date", "31/02/2026")
	form.Set("number", "giữ lại")
	code, body, _ = c.post("/documents/"+d.ID+"/header", form)
	if code != 422 || !strings.Contains(body, `id="h-date-error"`) || !strings.Contains(body, `value="giữ lại"`) {
		t.Errorf("a wrong date: %d\n%s", code, body)
	}
	insp := newPageClientAs(t, srv, uInspector)
	if _, body, _ := insp.get("/documents/" + d.ID); strings.Contains(body, `action="/documents/`+d.ID+`/header"`) {
		t.Errorf("an inspector is offered the correction form")
	}
	form.Set("date", "2026-03-04")
	if code, _, _ := insp.post("/documents/"+d.ID+"/header", form); code != 403 {
		t.Errorf("an inspector's correction: %d, want 403", code)
	}
	// Whatever the forms hold: a page or a refusal, never a server error.
	for _, bad := range []string{"a\x00b\x1b[31m", strings.Repeat("ẫ", 5000), "\u202Eevil", "-1", "9999-99-99", "Tra\u0302\u0300n"} {
		f := url.Values{}
		for _, k := range []string{"number", "date", "issuer", "type", "subject", "kind"} {
			f.Set(k, bad)
		}
		for _, action := range []string{"header", "link", "confidential", "unlink"} {
			if code, body, _ := c.post("/documents/"+d.ID+"/"+action, url.Values{"case": {bad}, "kind": {bad}, "confidential": {bad}}); code >= 500 {
				t.Errorf("POST %s with %q: %d\n%s", action, bad, code, body)
			}
		}
		if code, body, _ := c.post("/documents/"+d.ID+"/header", f); code != 422 && code != 303 {
			t.Errorf("a header of %q: %d\n%s", bad, code, body)
		}
		if code, _, _ := c.get("/documents/" + d.ID + "?q=" + url.QueryEscape(bad)); code != 200 {
			t.Errorf("the viewer with q=%q: %d", bad, code)
		}
	}
}

// TestPagesDocumentDownloadsAndFiling: the PDF/A copy and the original download
// with the browser's session, byte for byte as stored; unlink, link back with a
// kind and the confidential mark work through the viewer's forms, each audited
// by the case system.
func TestPagesDocumentDownloadsAndFiling(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	d := viewerDocument(e, codes["complaint"])
	srv := e.pageServer()
	c := newPageClientAs(t, srv, uHandler)
	for _, dl := range []struct{ path, key string }{
		{"/pdf", ingest.ArchiveKey(d.SHA256, d.Pipeline)}, {"/original", ingest.OriginalKey(d.SHA256)}} {
		rc, err := e.blobs.Get(e.ctx, dl.key, 0, -1)
		if err != nil {
			t.Fatal(err)
		}
		want, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		code, body, res := c.get("/documents/" + d.ID + dl.path)
		if code != 200 || body != string(want) || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("download %s: %d, %d bytes, want %d", dl.path, code, len(body), len(want))
		}
	}
	if code, _, res := newPageClient(t, srv).get("/documents/" + d.ID + "/pdf"); code != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("a download signed out: %d", code)
	}
	c.get("/documents/" + d.ID)
	if code, body, _ := c.post("/documents/"+d.ID+"/unlink", url.Values{}); code != 303 {
		t.Fatalf("unlink: %d\n%s", code, body)
	}
	if got, _ := e.db.Document(e.ctx, d.ID); got.CaseCode != "" {
		t.Errorf("after unlink the document is in %q", got.CaseCode)
	}
	if code, body, _ := c.post("/documents/"+d.ID+"/link", url.Values{"case": {"KN-2026-999999"}}); code != 422 || !strings.Contains(body, "KN-2026-999999") {
		t.Errorf("link to an unknown case: %d\n%s", code, body)
	}
	if code, body, _ := c.post("/documents/"+d.ID+"/link", url.Values{"case": {strings.ToLower(codes["complaint"])}, "kind": {"don_khieu_nai"}}); code != 303 {
		t.Fatalf("link: %d\n%s", code, body)
	}
	if code, body, _ := c.post("/documents/"+d.ID+"/confidential", url.Values{"confidential": {"1"}}); code != 303 {
		t.Fatalf("confidential: %d\n%s", code, body)
	}
	got, _ := e.db.Document(e.ctx, d.ID)
	if got.CaseCode != codes["complaint"] || !got.Confidential {
		t.Errorf("after link and confidential: case %q confidential %t", got.CaseCode, got.Confidential)
	}
	audit := e.auditOf(e.users[uHandler].ID)
	if count(audit, cases.ActionUnlink, "document:"+d.ID) != 1 || count(audit, cases.ActionLink, "document:"+d.ID) != 1 {
		t.Errorf("link and unlink not audited: %+v", audit)
	}
	if code, _, _ := c.post("/documents/"+d.ID+"/confidential", url.Values{"confidential": {"0"}, "csrf": {""}}); code != 403 {
		t.Errorf("a form without its token: %d, want 403", code)
	}
}
