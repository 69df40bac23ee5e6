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
			r.Method("GET", "/petitions", p.handlePetitionsPage())
			r.Method("GET", "/petitions/{id}", p.handlePetitionPage())
			r.Method("POST", "/petitions/{id}/case", p.handlePetitionCasePost())
			r.Method("GET", "/triage", p.handleTriagePage())
			r.Method("GET", "/triage/fragment", p.handleTriageFragment())
			r.Method("POST", "/triage/link", p.handleTriageLink())
			r.Method("GET", "/documents/{id}", p.handleDocumentPage())
			r.Method("GET", "/documents/{id}/pages/{n}/preview.png", p.handlePageImage("preview"))
			r.Method("GET", "/documents/{id}/pages/{n}/thumb.png", p.handlePageImage("thumb"))
			r.Method("GET", "/documents/{id}/pdf", p.handleDocumentDownload("pdf"))
			r.Method("GET", "/documents/{id}/original", p.handleDocumentDownload("original"))
			r.Method("GET", "/documents/{id}/publish", p.handlePublishPage())
			r.Method("POST", "/documents/{id}/publish", p.handlePublishPost())
			r.Method("POST", "/publications/{id}/unpublish", p.handleUnpublishPost())
			for _, action := range []string{"header", "link", "unlink", "confidential"} {
				r.Method("POST", "/documents/{id}/"+action, p.handleDocumentAction(action))
			}
			addFormRoutes(r, p)
			addAdminPageRoutes(r, p)
			addRetractionPageRoutes(r, p) // ui_retractions.go
			addPortalStaffPages(r, p)     // ui_portalforms.go: questions, reception schedule
			addReportPages(r, p)          // ui_reports.go: statistics
		})
	})
	r.Group(func(r chi.Router) {
		// The upload reads its form token from the multipart stream itself.
		cop := http.NewCrossOriginProtection()
		cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.fail(w, r, errBadForm) }))
		r.Use(cop.Handler)
		r.Use(p.pageSession)
		r.Use(signedIn)
		r.With(uploadGate(cfg.MaxUploads, cfg.BodyTimeout, cfg.UploadMinRate)).Method("POST", "/cases/{code}/upload", p.handleUploadPost())
	})
	return p
}

// addPortalRoutes declares the citizens' portal (portal.go): public, no session,
// cross-site POSTs refused by http.CrossOriginProtection.
func addPortalRoutes(r chi.Router, logger *slog.Logger, cfg Config, deps Deps, pg *pages) {
	p := newPortal(logger, cfg, deps, pg)
	r.Route(portalPrefix, func(r chi.Router) {
		cop := http.NewCrossOriginProtection()
		cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			v := p.view("portal.error.title")
			v.Error = v.L.T("portal.error.crossorigin")
			p.render(w, r, http.StatusForbidden, "no-store", "home", v)
		}))
		r.Use(cop.Handler)
		r.Method("GET", "/", p.handleHome())
		r.Method("POST", "/tra-cuu", p.handleLookup())
		r.Method("GET", "/tra-cuu", http.RedirectHandler(portalPrefix+"/", http.StatusSeeOther))
		r.Method("GET", "/van-ban/{id}", p.handleDocument())
		r.Method("GET", "/cong-khai", p.handlePublished())
		addPortalFormRoutes(r, p, cfg) // portal_petition.go: petitions, questions, schedule
		r.NotFound(func(w http.ResponseWriter, r *http.Request) {
			v := p.view("portal.notfound.title")
			v.Error = v.L.T("portal.notfound.page")
			p.render(w, r, http.StatusNotFound, "no-store", "home", v)
		})
		r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
			v := p.view("portal.error.title")
			v.Error = v.L.T("portal.error.method")
			p.render(w, r, http.StatusMethodNotAllowed, "no-store", "home", v)
		})
	})
}
