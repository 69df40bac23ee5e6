package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/netip"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"kntc/cases"
	"kntc/internal/errs"
)

// The citizens' portal (Cổng thông tin tiếp công dân): public pages under
// /cong-dan, no login, Vietnamese, plain HTML forms that work without
// JavaScript, its own layout and templates (templates/portal), strings in
// locale/portal.json, the staff pages' CSP and fingerprinted static files.
//
// The case lookup is a POST: a GET would put the PIN in the address (history,
// proxy and server logs), and every failed lookup counts towards a lockout, a
// side effect a GET must not have. The form carries no token (there is no session
// to bind it to); http.CrossOriginProtection refuses a cross-site POST from a
// browser (Sec-Fetch-Site / Origin), so another site cannot make visitors' browsers
// burn lookups against a code.

//go:embed templates/portal/*.html
var portalTemplateFiles embed.FS

// portalPrefix is where the portal lives.
const portalPrefix = "/cong-dan"

// portal is the portal's engine: its templates, the staff pages' static files and
// catalogue, its own limiter.
type portal struct {
	logger  *slog.Logger
	deps    Deps
	pages   *pages
	tmpl    map[string]*template.Template
	limiter *portalLimiter
	// published caches the published list (portal_cache.go).
	published publishedCache
	// checks bounds the PIN checks running at once: a keyed verifier's takes a
	// microsecond, but a legacy argon2id one (cases/pinkey.go) takes 19 MiB, so a
	// burst of those must wait its turn, not take the memory.
	checks chan struct{}
}

// portalChecks is how many PIN checks run at once.
const portalChecks = 4

// portalView is what every portal template gets.
type portalView struct {
	L     *printer
	Title string
	Error string
	Data  any
}

func newPortal(logger *slog.Logger, cfg Config, deps Deps, pg *pages) *portal {
	p := &portal{logger: logger, deps: deps, pages: pg, tmpl: map[string]*template.Template{}, limiter: newPortalLimiter(cfg),
		checks: make(chan struct{}, portalChecks)}
	funcs := template.FuncMap{
		"date":   uiDate,
		"static": func(name string) string { return pg.urls[name] },
		"isoToDate": func(s string) string {
			if t, err := cases.ParseDate(s); err == nil && !t.IsZero() {
				return uiDate(t)
			}
			return s
		},
	}
	names, err := fs.Glob(portalTemplateFiles, "templates/portal/*.html")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		p.tmpl[strings.TrimSuffix(base, ".html")] = template.Must(template.New("layout.html").Funcs(funcs).
			ParseFS(portalTemplateFiles, "templates/portal/layout.html", name))
	}
	return p
}

// view starts a portal page: always Vietnamese (the portal is for citizens).
func (p *portal) view(titleKey string) portalView {
	v := portalView{L: &printer{lang: languages[0], c: p.pages.msgs}}
	v.Title = v.L.T(titleKey)
	return v
}

// render writes page name with status and cache policy; a template error is the
// plain 500 page.
func (p *portal) render(w http.ResponseWriter, r *http.Request, status int, cache, name string, v portalView) {
	b, ok := p.renderPage(r, name, v)
	if b == nil {
		http.Error(w, "500", http.StatusInternalServerError)
		return
	}
	if !ok {
		status, cache = http.StatusInternalServerError, "no-store"
	}
	p.write(w, status, cache, v.L.lang, b)
}

// renderPage renders page name; after a template error it is the plain 500 page
// and ok is false (nil when even that fails).
func (p *portal) renderPage(r *http.Request, name string, v portalView) (page []byte, ok bool) {
	var b bytes.Buffer
	if err := p.tmpl[name].Execute(&b, v); err != nil {
		p.logger.ErrorContext(r.Context(), "render portal page", "template", name, "error", err)
		b.Reset()
		v.Title, v.Error, v.Data = v.L.T("portal.error.title"), v.L.T("portal.error.500"), nil
		if err := p.tmpl["home"].Execute(&b, v); err != nil {
			return nil, false
		}
		return b.Bytes(), false
	}
	return b.Bytes(), true
}

// write sends a rendered page with status, cache policy and language.
func (p *portal) write(w http.ResponseWriter, status int, cache, lang string, page []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Cache-Control", cache)
	h.Set("Content-Language", lang)
	w.WriteHeader(status)
	_, _ = w.Write(page)
}

// handleHome is the portal's first page: what it offers and the lookup form.
// It is the same for everyone, so caches may keep it a few minutes.
func (p *portal) handleHome() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.render(w, r, http.StatusOK, "public, max-age=300", "home", p.view("portal.home.title"))
	})
}

// lookupResult is the result page's data.
type lookupResult struct {
	Case       cases.PublicCase
	KindLabel  string
	StatusKey  string // the status in plain words
	Result     string
	Steps      []timelineStep
	Docs       []docRow
	DocsExpect bool // the case is at or past publication: no document means none is published yet
}

type timelineStep struct {
	Label string
	Date  string // dd/mm/yyyy, "" when not yet
	Done  bool
}

type docRow struct {
	cases.PublicDocument
	Label string
}

// handleLookup answers the lookup form: the case's public page, or, for a wrong
// code or PIN (one answer for both), the form again; 429 while locked out.
func (p *portal) handleLookup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		if err := r.ParseForm(); err != nil {
			v := p.view("portal.home.title")
			v.Error = v.L.T("portal.lookup.required")
			p.render(w, r, http.StatusBadRequest, "no-store", "home", v)
			return
		}
		nfcValues(r.PostForm)
		code := strings.ToUpper(strings.TrimSpace(r.PostForm.Get("code")))
		pin := strings.TrimSpace(r.PostForm.Get("pin"))
		v := p.view("portal.home.title")
		if code == "" || pin == "" || len(code) > 40 || len(pin) > 40 {
			v.Error = v.L.T("portal.lookup.required")
			p.render(w, r, http.StatusUnprocessableEntity, "no-store", "home", v)
			return
		}
		ip := limitKey(clientIP(r))
		if wait, scope, refused := p.limiter.refused(code, ip); refused {
			p.logger.WarnContext(r.Context(), "portal lookup refused", "scope", string(scope), "client_ip", ip)
			w.Header().Set("Retry-After", retryAfter(wait))
			v.Error = v.L.T("portal.lookup.limited", int((wait+59e9)/60e9))
			p.render(w, r, http.StatusTooManyRequests, "no-store", "home", v)
			return
		}
		select {
		case p.checks <- struct{}{}:
		case <-r.Context().Done():
			return // the client has gone
		}
		c, err := p.deps.Cases.PortalLookup(r.Context(), code, pin)
		<-p.checks
		if errors.Is(err, errs.ErrNotFound) {
			for _, scope := range p.limiter.failed(code, ip) {
				object := "portal"
				if cases.ValidCode(code) {
					object = "case:" + code
				}
				detail := fmt.Sprintf("scope=%s client=%s", scope, ip)
				p.logger.WarnContext(r.Context(), "portal lockout", "scope", string(scope), "client_ip", ip)
				if err := p.deps.Cases.PortalAudit(r.Context(), cases.ActionPortalLockout, object, detail); err != nil {
					p.logger.ErrorContext(r.Context(), "audit portal lockout", "error", err)
				}
			}
			v.Error = v.L.T("portal.lookup.notfound")
			p.render(w, r, http.StatusNotFound, "no-store", "home", v)
			return
		}
		if err != nil {
			p.logger.ErrorContext(r.Context(), "portal lookup", "error", err)
			v.Error = v.L.T("portal.error.500")
			p.render(w, r, http.StatusInternalServerError, "no-store", "home", v)
			return
		}
		p.limiter.succeeded(code, ip)
		v = p.view("portal.result.title")
		v.Data = p.result(v.L, c)
		p.render(w, r, http.StatusOK, "no-store", "result", v)
	})
}

// limitKey is the address the portal's limits count: an IPv4 address, or the
// /64 network of an IPv6 one (one subscriber's line holds a whole /64, so counting
// single IPv6 addresses would let one client rotate past every limit).
func limitKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Unmap().Is6() {
		return ip
	}
	pfx, err := a.Prefix(64)
	if err != nil {
		return ip
	}
	return pfx.String()
}

// result words a case for its citizen.
func (p *portal) result(L *printer, c cases.PublicCase) lookupResult {
	res := lookupResult{Case: c, KindLabel: c.Kind.Label(), StatusKey: "portal.status." + string(c.Status),
		Result: c.Result.Label(c.Kind)}
	step := func(key string, t time.Time) {
		s := ""
		if !t.IsZero() {
			s = uiDate(t)
		}
		res.Steps = append(res.Steps, timelineStep{Label: L.T(key), Date: s, Done: !t.IsZero()})
	}
	step("portal.timeline.received", c.ReceivedOn)
	step("portal.timeline.accepted", c.AcceptedOn)
	if !c.DueOn.IsZero() {
		key := "portal.timeline.due.resolve"
		if c.AcceptedOn.IsZero() {
			key = "portal.timeline.due.accept"
		}
		res.Steps = append(res.Steps, timelineStep{Label: L.T(key), Date: uiDate(c.DueOn)})
	}
	step("portal.timeline.decided", c.DecidedOn)
	step("portal.timeline.published", c.PublishedOn)
	res.DocsExpect = !c.PublishedOn.IsZero()
	for _, d := range c.Documents {
		res.Docs = append(res.Docs, docRow{PublicDocument: d, Label: d.Kind.Label()})
	}
	return res
}

// handleDocument serves a publication's public copy (never the archive copy).
// Published decisions are public (the law has them posted), so no PIN is asked;
// anything not posted is the same 404. Not cached beyond revalidation:
// unpublishing must take it off at once.
func (p *portal) handleDocument() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pub, err := p.deps.Cases.PublishedCopy(r.Context(), chi.URLParam(r, "id"))
		if err != nil {
			v := p.view("portal.notfound.title")
			v.Error = v.L.T("portal.notfound")
			p.render(w, r, http.StatusNotFound, "no-store", "home", v)
			return
		}
		etag := `"` + pub.SHA256[:24] + `"`
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		rc, err := p.deps.Blobs.Get(r.Context(), pub.Key, 0, -1)
		if err != nil {
			p.logger.ErrorContext(r.Context(), "portal document", "publication_id", pub.ID, "error", err)
			v := p.view("portal.error.title")
			v.Error = v.L.T("portal.error.500")
			p.render(w, r, http.StatusInternalServerError, "no-store", "home", v)
			return
		}
		defer rc.Close()
		// The file is named after the case, never after what it arrived as (a
		// scan's name often carries its sender's).
		name := pub.CaseCode + "-" + string(pub.Kind) + "-cong-khai.pdf"
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Length", strconv.FormatInt(pub.Size, 10))
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		if _, err := io.Copy(w, rc); err != nil {
			p.logger.WarnContext(r.Context(), "portal download interrupted", "publication_id", pub.ID, "error", err)
		}
	})
}
