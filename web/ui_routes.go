package web

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
)

// addPageRoutes declares the staff pages (routes.go calls it). Every page runs
// under the session lookup; every state-changing request is checked by
// http.CrossOriginProtection and by the form token.
func addPageRoutes(r chi.Router, logger *slog.Logger, cfg Config, deps Deps, limiter *loginLimiter) *pages {
	p := newPages(logger, cfg, deps, limiter)
	r.Method("GET", "/static/{name}", p.handleStatic())
	r.Group(func(r chi.Router) {
		cop := http.NewCrossOriginProtection()
		cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.fail(w, r, errBadForm) }))
		r.Use(cop.Handler)
		r.Use(p.pageSession)
		r.Use(p.checkForm)
		r.Method("GET", "/", p.handleRoot())
		r.Method("GET", "/lang", p.handleLang())
		r.Method("GET", "/login", p.handleLoginPage())
		r.Method("POST", "/login", p.handleLoginPost())
		r.Method("POST", "/logout", p.handleLogoutPost())
		r.Group(func(r chi.Router) {
			r.Use(signedIn)
			r.Method("GET", "/password", p.handlePasswordPage())
			r.Method("POST", "/password", p.handlePasswordPost())
			r.Method("GET", "/search", p.handleSearchPage())
			r.Method("GET", "/cases", p.handleCasesPage())
			r.Method("GET", "/cases/{code}", p.handleCasePage())
			r.Method("POST", "/cases/{code}/step", p.handleCaseStep())
			addAdminPageRoutes(r, p)
		})
	})
	return p
}
