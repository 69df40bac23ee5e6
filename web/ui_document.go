package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"

	"github.com/go-chi/chi/v5"
	"golang.org/x/image/draw"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/internal/viet"
	pagefile "kntc/ocr/pages"
)

// The document viewer: page images made from the stored PDF/A copy (each made
// once and kept in the object store under a derived key), the recognised text
// beside them, the search terms marked on the images from the word boxes (a
// scan's OCR words, a typed page's text-layer words: ingest.BoxesKey), the
// header fields with a correction form, downloads with the browser's session,
// and the link, unlink and confidential forms for those who file documents.

// Widths of the page images, in pixels.
const (
	previewWidth = 1000
	thumbWidth   = 160
)

// pageRenders counts how often a page of a PDF/A copy was rasterised for the
// viewer (the images are cached: a second request renders nothing).
var pageRenders atomic.Int64

// PageRenders returns how many viewer page images were rendered from a stored
// copy since the process started (tests and metrics read it).
func PageRenders() int64 { return pageRenders.Load() }

// renderSlots bounds the renders running at once (each holds a page raster).
var renderSlots = make(chan struct{}, 1)

// viewImageKey is where the viewer's image of page n ("preview" or "thumb") is cached.
func viewImageKey(d ingest.Document, n int, size string) string {
	return fmt.Sprintf("derived/%s/%s/%s/view/page-%04d-%s.png", d.SHA256[:2], d.SHA256, d.Pipeline, n, size)
}

// hlBox is a matched word's box on the page image, in the page's pixels (the SVG
// overlay's viewBox is the page's size, so it scales with the image).
type hlBox struct{ X, Y, W, H int }

// textPart is a stretch of a page's text, marked when it matched the query.
type textPart struct {
	Text string
	Mark bool
}

type docViewPage struct {
	N             int
	Preview       string
	Thumb         string
	Width, Height int
	Boxes         []hlBox
	Text          []textPart
	Marks         int
}

type docView struct {
	Doc        ingest.Document
	Q          string
	QueryPart  string // "?q=…" for links that keep the query
	Pages      []docViewPage
	CanFile    bool
	Kinds      []ingest.Kind
	Header     ingest.Metadata // the header form's values
	HeaderKind ingest.Kind
	Problems   map[string]string
	LinkCase   string
	Stored     bool
	CanPublish bool // a leader, and a decision or acceptance act of a case: the publish page
	// CanRetract: a leader (cases.PermDocumentRetract) sees the "Thu hồi" form;
	// RetractReason is what they typed when it came back refused.
	CanRetract    bool
	RetractReason string
}

// handleDocumentPage shows a document in the viewer. A document the user may not
// see is the ordinary 404 page. Showing its text is recorded as the API's text
// download is.
func (p *pages) handleDocumentPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dv, err := p.loadDocView(r)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		v := p.view(r, "search", "doc.title")
		switch r.URL.Query().Get("done") {
		case "header", "link", "unlink", "confidential":
			v.Notice = v.L.T("doc.done." + r.URL.Query().Get("done"))
		}
		v.Data = dv
		p.render(w, r, http.StatusOK, "document", v)
	})
}

func (p *pages) loadDocView(r *http.Request) (*docView, error) {
	ctx := r.Context()
	svc := p.deps.Cases
	a := currentActor(ctx)
	d, err := svc.Document(ctx, a, chi.URLParam(r, "id"))
	if err != nil {
		return nil, err
	}
	d = shown(r, svc, a, d)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8Len(q) > 200 {
		q = ""
	}
	dv := &docView{Doc: d, Q: q, CanFile: cases.Can(a.User.Role, cases.PermDocumentLink), Kinds: ingest.Kinds(),
		Header: d.Meta, HeaderKind: d.Kind, Stored: d.Status == ingest.StatusStored, Problems: map[string]string{},
		CanPublish: cases.Can(a.User.Role, cases.PermPublish) && d.CaseCode != "" && cases.Publishable(d.Kind) && d.Status == ingest.StatusStored,
		CanRetract: cases.Can(a.User.Role, cases.PermDocumentRetract)}
	if q != "" {
		dv.QueryPart = "?q=" + url.QueryEscape(q)
	}
	if !dv.Stored {
		if err := svc.Access(ctx, a, d, cases.AccessMetadata); err != nil {
			return nil, fmt.Errorf("record view of %s: %w", d.ID, err)
		}
		return dv, nil
	}
	if err := svc.Access(ctx, a, d, cases.AccessText); err != nil {
		return nil, fmt.Errorf("record view of %s: %w", d.ID, err)
	}
	pgs, err := p.deps.Documents.Pages(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	terms := queryTerms(q)
	base := "/documents/" + url.PathEscape(d.ID) + "/pages/"
	for _, pg := range pgs {
		vp := docViewPage{N: pg.Number, Preview: base + strconv.Itoa(pg.Number) + "/preview.png",
			Thumb: base + strconv.Itoa(pg.Number) + "/thumb.png", Width: pg.Width, Height: pg.Height}
		vp.Text, vp.Marks = markText(pg.Text, terms)
		if key := ingest.BoxesKey(d, pg); len(terms) > 0 && key != "" {
			pw, err := p.loadWords(ctx, key)
			switch {
			case err == nil:
				// The boxes are in the pixels of the archive copy's page image, which
				// the preview is drawn from: the overlay takes the words' size.
				vp.Width, vp.Height = pw.Width, pw.Height
				for _, wd := range pw.Words {
					if matches(wd.Text, terms) && wd.X1 > wd.X0 && wd.Y1 > wd.Y0 {
						vp.Boxes = append(vp.Boxes, hlBox{X: wd.X0, Y: wd.Y0, W: wd.X1 - wd.X0, H: wd.Y1 - wd.Y0})
					}
				}
			case pg.Source == "text" && errors.Is(err, errs.ErrNotFound):
				// A typed page of a document stored before the pipeline kept its
				// words, and never published (publication keeps them where the
				// pipeline does): the hits are marked in the text only.
			default:
				p.logger.WarnContext(ctx, "viewer: word boxes", "document_id", d.ID, "page", pg.Number, "error", err)
			}
		}
		dv.Pages = append(dv.Pages, vp)
	}
	return dv, nil
}

// loadWords reads a page's words with their boxes from the object store (at most
// 32 MiB): a scanned page's OCR result, a typed page's text-layer words.
func (p *pages) loadWords(ctx context.Context, key string) (ingest.PageWords, error) {
	var pw ingest.PageWords
	rc, err := p.deps.Blobs.Get(ctx, key, 0, -1)
	if err != nil {
		return pw, err
	}
	defer rc.Close()
	err = json.NewDecoder(io.LimitReader(rc, 32<<20)).Decode(&pw)
	return pw, err
}

// queryTerms are the query's words, folded (without diacritics, lower case).
func queryTerms(q string) map[string]bool {
	terms := map[string]bool{}
	for _, t := range strings.Fields(viet.FoldWords(q)) {
		terms[t] = true
	}
	return terms
}

// matches reports whether a word of the page, folded, is one of the terms.
func matches(word string, terms map[string]bool) bool {
	if len(terms) == 0 {
		return false
	}
	for _, t := range strings.Fields(viet.FoldWords(word)) {
		if terms[t] {
			return true
		}
	}
	return false
}

// markText cuts text into stretches, the words that match terms marked.
func markText(text string, terms map[string]bool) ([]textPart, int) {
	if len(terms) == 0 {
		return []textPart{{Text: text}}, 0
	}
	var parts []textPart
	marks := 0
	add := func(s string, mark bool) {
		if n := len(parts); n > 0 && parts[n-1].Mark == mark {
			parts[n-1].Text += s
			return
		}
		parts = append(parts, textPart{Text: s, Mark: mark})
	}
	for len(text) > 0 {
		i := strings.IndexFunc(text, func(r rune) bool { return !unicode.IsSpace(r) })
		if i < 0 {
			add(text, false)
			break
		}
		if i > 0 {
			add(text[:i], false)
			text = text[i:]
		}
		j := strings.IndexFunc(text, unicode.IsSpace)
		if j < 0 {
			j = len(text)
		}
		word := text[:j]
		if matches(word, terms) {
			marks++
			add(word, true)
		} else {
			add(word, false)
		}
		text = text[j:]
	}
	return parts, marks
}

// handlePageImage answers a page's preview or thumbnail (size), made from the
// stored PDF/A copy the first time and from the object store after that. The
// same visibility rules as the document: anything else is the 404 page.
func (p *pages) handlePageImage(size string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		d, err := p.deps.Cases.Document(ctx, currentActor(ctx), chi.URLParam(r, "id"))
		if err != nil {
			p.fail(w, r, err)
			return
		}
		n, err := strconv.Atoi(chi.URLParam(r, "n"))
		if err != nil || n < 1 || n > d.Pages || d.Status != ingest.StatusStored {
			p.fail(w, r, fmt.Errorf("page %q of %s: %w", chi.URLParam(r, "n"), d.ID, errs.ErrNotFound))
			return
		}
		// The browser keeps the image but asks again each time (a grant may be
		// withdrawn): an unchanged one is a 304, after the check above.
		sum := sha256.Sum256([]byte(viewImageKey(d, n, size)))
		etag := `"` + hex.EncodeToString(sum[:12]) + `"`
		if r.Header.Get("If-None-Match") == etag {
			w.Header().Set("ETag", etag)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		b, err := p.pageImage(ctx, d, n, size)
		if errors.Is(err, errPageUnreadable) {
			// A copy that cannot be drawn (damaged, or made by a pipeline this
			// viewer cannot read): the image is missing, the page says so with its
			// alternative text; the log says why.
			p.logger.WarnContext(ctx, "viewer: page image", "document_id", d.ID, "page", n, "error", err)
			p.fail(w, r, fmt.Errorf("page %d of %s: %w", n, d.ID, errs.ErrNotFound))
			return
		}
		if err != nil {
			p.fail(w, r, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "image/png")
		h.Set("Content-Length", strconv.Itoa(len(b)))
		h.Set("Cache-Control", "private, no-cache")
		h.Set("ETag", etag)
		h.Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(b)
	})
}

// pageImage returns the PNG of page n at size, from the cache or made now (a
// thumbnail from the preview, the preview from the PDF/A copy) and cached.
func (p *pages) pageImage(ctx context.Context, d ingest.Document, n int, size string) ([]byte, error) {
	key := viewImageKey(d, n, size)
	if b, err := p.cachedImage(ctx, key); err == nil {
		return b, nil
	} else if !errors.Is(err, errs.ErrNotFound) {
		return nil, err
	}
	var img image.Image
	if size == "thumb" {
		b, err := p.pageImage(ctx, d, n, "preview")
		if err != nil {
			return nil, err
		}
		if img, err = png.Decode(bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("cached preview of %s page %d: %w", d.ID, n, err)
		}
		img = scaleTo(img, thumbWidth)
	} else {
		select {
		case renderSlots <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		defer func() { <-renderSlots }()
		// Another request may have made it while this one waited.
		if b, err := p.cachedImage(ctx, key); err == nil {
			return b, nil
		}
		raster, err := p.renderPage(ctx, d, n)
		if err != nil {
			return nil, err
		}
		img = scaleTo(raster, previewWidth)
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	if _, err := p.deps.Blobs.Put(ctx, key, bytes.NewReader(buf.Bytes()), int64(buf.Len()), ""); err != nil {
		return nil, fmt.Errorf("cache %s: %w", key, err)
	}
	return buf.Bytes(), nil
}

func (p *pages) cachedImage(ctx context.Context, key string) ([]byte, error) {
	rc, err := p.deps.Blobs.Get(ctx, key, 0, -1)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, 64<<20))
}

// errPageUnreadable: the stored copy's page could not be drawn.
var errPageUnreadable = errors.New("page image cannot be made from the stored copy")

// renderPage rasterises page n of d's PDF/A copy (kntc/ocr/pages: a scanned
// page's image as it is, any other page through poppler).
func (p *pages) renderPage(ctx context.Context, d ingest.Document, n int) (image.Image, error) {
	pageRenders.Add(1)
	rc, err := p.deps.Blobs.Get(ctx, ingest.ArchiveKey(d.SHA256, d.Pipeline), 0, -1)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	f, err := os.CreateTemp("", "kntc-view-*.pdf")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	_, err = io.Copy(f, rc)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	pf, err := pagefile.Open(ctx, f.Name(), pagefile.Limits{})
	if err != nil {
		return nil, fmt.Errorf("%w: open the copy of %s: %w", errPageUnreadable, d.ID, err)
	}
	defer pf.Close()
	if n > pf.NumPages() {
		return nil, fmt.Errorf("page %d of %s's copy (%d pages): %w", n, d.ID, pf.NumPages(), errs.ErrNotFound)
	}
	pg, err := pf.Page(ctx, n-1)
	if err != nil {
		return nil, fmt.Errorf("%w: page %d of %s: %w", errPageUnreadable, n, d.ID, err)
	}
	return pg.Image, nil
}

// scaleTo returns img scaled to width pixels wide (never enlarged).
func scaleTo(img image.Image, width int) image.Image {
	b := img.Bounds()
	if b.Dx() <= width || b.Dx() == 0 {
		return img
	}
	h := max(1, b.Dy()*width/b.Dx())
	dst := image.NewGray(image.Rect(0, 0, width, h))
	if _, grey := img.(*image.Gray); !grey {
		if _, pal := img.(*image.Paletted); !pal {
			rgba := image.NewRGBA(image.Rect(0, 0, width, h))
			draw.ApproxBiLinear.Scale(rgba, rgba.Bounds(), img, b, draw.Src, nil)
			return rgba
		}
	}
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// handleDocumentDownload serves the PDF/A copy or the original with the browser's
// session, through the same code as the API's downloads.
func (p *pages) handleDocumentDownload(which string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := serveDocumentFile(w, r, p.logger, p.deps.Cases, p.deps.Blobs, which); err != nil {
			p.fail(w, r, err)
		}
	})
}

// handleDocumentAction runs one of the viewer's forms: "header" (correct the
// header fields), "link", "unlink" and "confidential", through the case system's
// services (audited there). Success goes back to the viewer (303); a refusal
// shows the viewer with the problem.
func (p *pages) handleDocumentAction(action string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		svc := p.deps.Cases
		a := currentActor(ctx)
		id := chi.URLParam(r, "id")
		form := r.PostForm
		// The document first: one the user may not see is the 404 page, whatever the form.
		if _, err := svc.Document(ctx, a, id); err != nil {
			p.fail(w, r, err)
			return
		}
		var err error
		var linkCase string
		var header cases.HeaderCorrection
		switch action {
		case "header":
			header = cases.HeaderCorrection{Kind: ingest.Kind(form.Get("kind")), Meta: ingest.Metadata{
				Number: form.Get("number"), Date: form.Get("date"), Issuer: form.Get("issuer"),
				Type: form.Get("type"), Subject: form.Get("subject")}}
			_, err = svc.CorrectHeader(ctx, a, id, header)
		case "link":
			linkCase = strings.ToUpper(strings.TrimSpace(form.Get("case")))
			if linkCase == "" || utf8Len(linkCase) > 40 {
				err = errs.Errorf(errs.Invalid, "%s", p.printer(r).T("doc.link.case.required"))
				break
			}
			_, err = svc.Link(ctx, a, id, linkCase, ingest.Kind(form.Get("kind")))
			if errors.Is(err, errs.ErrNotFound) {
				err = errs.Errorf(errs.Invalid, "%s", p.printer(r).T("doc.link.case.notfound", linkCase))
			}
		case "unlink":
			_, err = svc.Unlink(ctx, a, id)
		case "confidential":
			_, err = svc.SetConfidential(ctx, a, id, form.Get("confidential") == "1")
		}
		if err == nil {
			http.Redirect(w, r, "/documents/"+url.PathEscape(id)+"?done="+action, http.StatusSeeOther)
			return
		}
		code := errs.CodeOf(err)
		if errors.Is(err, errs.ErrForbidden) || code == errs.Internal || errors.Is(err, errs.ErrNotFound) {
			p.fail(w, r, err)
			return
		}
		dv, lerr := p.loadDocView(r)
		if lerr != nil {
			p.fail(w, r, lerr)
			return
		}
		v := p.view(r, "search", "doc.title")
		if probs := errs.ProblemsOf(err); len(probs) > 0 {
			for _, pr := range probs {
				dv.Problems[pr.Field] = pr.Message
			}
			v.Error = v.L.T("form.problems")
		} else {
			v.Error = errs.MessageOf(err)
		}
		if action == "header" {
			dv.Header, dv.HeaderKind = header.Meta, header.Kind
		}
		dv.LinkCase = linkCase
		v.Data = dv
		status := http.StatusUnprocessableEntity
		if errors.Is(err, errs.ErrConflict) {
			status = http.StatusConflict
		}
		p.render(w, r, status, "document", v)
	})
}
