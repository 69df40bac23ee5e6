package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"golang.org/x/text/unicode/norm"

	"kntc/auth"
	"kntc/cases"
	"kntc/internal/errs"
)

// The staff pages: server-rendered HTML from one layout and one template per
// page, static files embedded and fingerprinted, every string from one message
// catalogue (Vietnamese first, English on request), cookie sessions kept on the
// server, and every state-changing request checked twice against cross-site
// forgery (the browser's Sec-Fetch-Site/Origin through http.CrossOriginProtection,
// and a token in every form). The handlers call the same services as the JSON API.

//go:embed templates/ui/*.html
var uiTemplateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// localeFiles are the catalogue's parts: messages.json for the common pages and
// one file per area of the app (a key may be in only one file).
//
//go:embed locale/*.json
var localeFiles embed.FS

// pageCSP lets a page load only its own fingerprinted CSS, JS and images: no
// inline script or style, no frame, forms only to kntc itself.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

const (
	sessionCookie   = "kntc_session"
	loginCSRFCookie = "kntc_login"
	langCookie      = "kntc_lang"
)

// languages are the catalogue's languages, the default first.
var languages = []string{"vi", "en"}

// catalogue holds every string of the pages, per key and language.
type catalogue map[string]map[string]string

func loadCatalogue() catalogue {
	names, err := fs.Glob(localeFiles, "locale/*.json")
	if err != nil || len(names) == 0 {
		panic(fmt.Sprintf("web: no locale/*.json: %v", err))
	}
	c := catalogue{}
	for _, name := range names {
		raw, err := localeFiles.ReadFile(name)
		if err != nil {
			panic(fmt.Sprintf("web: %s: %v", name, err))
		}
		var part catalogue
		if err := json.Unmarshal(raw, &part); err != nil {
			panic(fmt.Sprintf("web: %s: %v", name, err))
		}
		for k, m := range part {
			if _, dup := c[k]; dup {
				panic(fmt.Sprintf("web: %s: %q is already in another locale file", name, k))
			}
			for _, lang := range languages {
				if m[lang] == "" {
					panic(fmt.Sprintf("web: %s: %q has no %s text", name, k, lang))
				}
			}
			c[k] = m
		}
	}
	return c
}

// printer words the page in one language.
type printer struct {
	lang string
	c    catalogue
}

// T is the text of key, formatted with args; a key missing from the catalogue
// shows as ⟦key⟧ (tests look for it).
func (p *printer) T(key string, args ...any) string {
	m, ok := p.c[key]
	if !ok {
		return "⟦" + key + "⟧"
	}
	if len(args) == 0 {
		return m[p.lang]
	}
	return fmt.Sprintf(m[p.lang], args...)
}

// Lang is the page's language code.
func (p *printer) Lang() string { return p.lang }

// staticAsset is one embedded static file under its fingerprinted name.
type staticAsset struct {
	body  []byte
	ctype string
}

// pages is the staff pages' engine: templates, static files, catalogue.
type pages struct {
	logger  *slog.Logger
	cfg     Config
	deps    Deps
	tmpl    map[string]*template.Template
	assets  map[string]staticAsset // by fingerprinted name
	urls    map[string]string      // plain name → /static/fingerprinted name
	msgs    catalogue
	limiter *loginLimiter
}

func newPages(logger *slog.Logger, cfg Config, deps Deps, limiter *loginLimiter) *pages {
	p := &pages{logger: logger, cfg: cfg, deps: deps, tmpl: map[string]*template.Template{},
		assets: map[string]staticAsset{}, urls: map[string]string{}, msgs: loadCatalogue(), limiter: limiter}
	err := fs.WalkDir(staticFiles, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFiles.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		base := path.Base(name)
		ext := path.Ext(base)
		fp := strings.TrimSuffix(base, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
		p.assets[fp] = staticAsset{body: body, ctype: mime.TypeByExtension(ext)}
		p.urls[base] = "/static/" + fp
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("web: static files: %v", err))
	}
	funcs := template.FuncMap{
		"date":     uiDate,
		"datetime": uiDateTime,
		"static":   func(name string) string { return p.urls[name] },
		"neg":      func(n int) int { return -n },
		"add":      func(a, b int) int { return a + b },
		"dueCount": func(c cases.Case) string { return string(cases.DueCount(c)) },
		// isoToDate writes a YYYY-MM-DD date (a document's header date) as
		// dd/mm/yyyy; anything else as it is.
		"isoToDate": func(s string) string {
			if t, err := time.Parse(time.DateOnly, s); err == nil {
				return uiDate(t)
			}
			if s == "" {
				return "—"
			}
			return s
		},
	}
	names, err := fs.Glob(uiTemplateFiles, "templates/ui/*.html")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		p.tmpl[strings.TrimSuffix(base, ".html")] = template.Must(template.New("layout.html").Funcs(funcs).
			ParseFS(uiTemplateFiles, "templates/ui/layout.html", name))
	}
	return p
}

// uiDate writes a date as dd/mm/yyyy; the zero time as "—".
func uiDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("02/01/2006")
}

// uiDateTime writes a moment in Vietnam's time as dd/mm/yyyy hh:mm.
func uiDateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(vietnam).Format("02/01/2006 15:04")
}

// view is what every page template gets.
type view struct {
	L       *printer
	User    *auth.User
	Unit    string // the user's unit's name
	CSRF    string
	Path    string // the page's path and query, for the language switch
	Nav     string // the active menu entry
	Title   string
	Notice  string // a success message
	Error   string // a page-wide problem
	Version string
	Data    any
}

// Can reports whether the page's user holds a permission of the case system.
func (v view) Can(perm string) bool {
	return v.User != nil && cases.Can(v.User.Role, cases.Permission(perm))
}

// With is the view with other data, for a shared template ("due", "casetable").
func (v view) With(data any) view {
	v.Data = data
	return v
}

// view starts the view of a page for r.
func (p *pages) view(r *http.Request, nav, titleKey string) view {
	v := view{L: p.printer(r), CSRF: csrfToken(r), Path: r.URL.RequestURI(), Nav: nav, Version: p.cfg.Version}
	v.Title = v.L.T(titleKey)
	if u, ok := r.Context().Value(userKey).(auth.User); ok {
		v.User = &u
		if unit, err := p.deps.Accounts.Store.Unit(r.Context(), u.UnitID); err == nil {
			v.Unit = unit.Name
		}
	}
	return v
}

// printer picks the language: the kntc_lang cookie, else Vietnamese.
func (p *pages) printer(r *http.Request) *printer {
	lang := languages[0]
	if c, err := r.Cookie(langCookie); err == nil {
		for _, l := range languages {
			if c.Value == l {
				lang = l
			}
		}
	}
	return &printer{lang: lang, c: p.msgs}
}

// render writes page name with status. The page is rendered into a buffer first,
// so a template error becomes the 500 page, not half a page.
func (p *pages) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	var b bytes.Buffer
	t, ok := p.tmpl[name]
	if !ok {
		p.logger.ErrorContext(r.Context(), "no such page template", "template", name)
		t, status = p.tmpl["error"], http.StatusInternalServerError
		v.Title, v.Error = v.L.T("error.500.title"), v.L.T("error.500")
	}
	if err := t.Execute(&b, v); err != nil {
		p.logger.ErrorContext(r.Context(), "render page", "template", name, "error", err)
		b.Reset()
		status = http.StatusInternalServerError
		v.Title, v.Error, v.Data = v.L.T("error.500.title"), v.L.T("error.500"), nil
		if err := p.tmpl["error"].Execute(&b, v); err != nil {
			http.Error(w, "500", http.StatusInternalServerError)
			return
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", v.L.lang)
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// fail answers a page request with the page err calls for: 404 for anything not
// found or outside the user's scope (the ordinary 404 page), 403 for a missing
// permission, 500 (logged) for anything else.
func (p *pages) fail(w http.ResponseWriter, r *http.Request, err error) {
	v := p.view(r, "error", "error.500.title")
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, errs.ErrNotFound):
		status, v.Title, v.Error = http.StatusNotFound, v.L.T("error.404.title"), v.L.T("error.404")
	case errors.Is(err, errs.ErrForbidden):
		status, v.Title, v.Error = http.StatusForbidden, v.L.T("error.403.title"), v.L.T("error.403")
	case errors.Is(err, errBadForm):
		status, v.Title, v.Error = http.StatusForbidden, v.L.T("error.403.title"), v.L.T("error.csrf")
	default:
		v.Error = v.L.T("error.500")
		p.logger.ErrorContext(r.Context(), "page failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	p.render(w, r, status, "error", v)
}

// errBadForm: a state-changing request without its form token, or with a wrong one.
var errBadForm = errors.New("form token missing or wrong")

// handleStatic serves the embedded static files under their fingerprinted names,
// cached for a year: a changed file has a new name.
func (p *pages) handleStatic() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := p.assets[chi.URLParam(r, "name")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", a.ctype)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		_, _ = w.Write(a.body)
	})
}

type sessionKey struct{}

// pageSession finds the request's signed-in user by the session cookie and puts
// the user (and the case system's actor) in the context, as requireUser and
// requireActor do for the API. No or a dead session: the request goes on signed
// out.
func (p *pages) pageSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		u, err := p.deps.Accounts.SessionUser(r.Context(), c.Value)
		if err != nil {
			if !errors.Is(err, errs.ErrNotFound) {
				p.fail(w, r, err)
				return
			}
			p.clearCookie(w, sessionCookie)
			next.ServeHTTP(w, r)
			return
		}
		a, err := cases.ActorFor(r.Context(), p.deps.Accounts, u)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		ctx := auth.WithActingUser(context.WithValue(r.Context(), userKey, u), u)
		ctx = context.WithValue(ctx, actorKey, a)
		ctx = context.WithValue(ctx, sessionKey{}, c.Value)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// signedIn sends a signed-out request to the login page (303), with the page
// asked for as where to go after.
func signedIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.Context().Value(userKey).(auth.User); !ok {
			to := "/login"
			if r.Method == http.MethodGet && r.URL.Path != "/" {
				to += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// csrfToken is the form token of the request: derived from the session's token
// (which only the HttpOnly cookie holds), or, signed out, the login form's own
// random cookie (double submit). "" when there is neither.
func csrfToken(r *http.Request) string {
	if s, ok := r.Context().Value(sessionKey{}).(string); ok {
		sum := sha256.Sum256([]byte("kntc-form-token\x00" + s))
		return base64.RawURLEncoding.EncodeToString(sum[:24])
	}
	if c, err := r.Cookie(loginCSRFCookie); err == nil && len(c.Value) >= 20 {
		return c.Value
	}
	return ""
}

// checkForm refuses (403) a state-changing request whose form does not carry the
// request's form token. It parses the form (at most 1 MiB) and normalises every
// value of the form and of the query to NFC, so that no handler sees a
// decomposed Vietnamese letter.
func (p *pages) checkForm(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "" {
			// Every text a page reads is NFC, the query's as the form's.
			q := r.URL.Query()
			nfcValues(q)
			r.URL.RawQuery = q.Encode()
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		if err := r.ParseForm(); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				v := p.view(r, "error", "error.500.title")
				v.Title, v.Error = v.L.T("error.toolong"), v.L.T("error.toolong")
				p.render(w, r, http.StatusRequestEntityTooLarge, "error", v)
				return
			}
			p.fail(w, r, errBadForm)
			return
		}
		nfcValues(r.PostForm)
		nfcValues(r.Form)
		want := csrfToken(r)
		if want == "" || subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(want)) != 1 {
			p.fail(w, r, errBadForm)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// setCookie sets an HttpOnly, SameSite=Lax cookie for the whole site, Secure when
// kntc is reached over https; maxAge 0 makes it a browser-session cookie.
func (p *pages) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: p.cfg.HSTS, MaxAge: int(maxAge / time.Second)})
}

func (p *pages) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: p.cfg.HSTS, MaxAge: -1})
}

// handleLang switches the language (the kntc_lang cookie) and goes back to the
// page it was asked from (a path of kntc only).
func (p *pages) handleLang() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := r.URL.Query().Get("to")
		for _, l := range languages {
			if l == lang {
				http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", SameSite: http.SameSiteLaxMode,
					Secure: p.cfg.HSTS, MaxAge: 365 * 24 * 3600})
			}
		}
		http.Redirect(w, r, localPath(r.URL.Query().Get("back")), http.StatusSeeOther)
	})
}

// localPath returns s when it is a path of this site ("/cases?x=1"), else "/":
// a redirect never leads to another site.
func localPath(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") || strings.ContainsAny(s, "\r\n") {
		return "/"
	}
	return s
}

// isPageRequest reports whether a request is a browser's for a page (not the
// API's): the 404 of an unknown path is then the HTML page.
func isPageRequest(r *http.Request) bool {
	return !strings.HasPrefix(r.URL.Path, "/api/") && strings.Contains(r.Header.Get("Accept"), "text/html")
}

// nfcValues normalises every value to NFC in place.
func nfcValues(v url.Values) {
	for k, vals := range v {
		for i, s := range vals {
			if !norm.NFC.IsNormalString(s) {
				vals[i] = norm.NFC.String(s)
			}
		}
		v[k] = vals
	}
}
