package web

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"kntc/internal/errs"
	"kntc/internal/reqid"
	"kntc/report"
)

// addRoutes declares every route of kntc.
func addRoutes(r chi.Router, logger *slog.Logger, cfg Config, deps Deps) {
	r.Use(reqid.Middleware) // first: every line logged while serving names the request
	r.Use(securityHeaders(cfg.HSTS))
	r.Use(middleware.Recoverer)
	r.Use(realIP(cfg.TrustedProxies))
	r.Use(instrument(deps.Registry))
	r.Use(limitBodies(cfg.MaxBodies, cfg.BodyTimeout))

	limiter := newLoginLimiter(cfg) // one for the API and the pages: failures count together
	pages := addPageRoutes(r, logger, cfg, deps, limiter)
	addPortalRoutes(r, logger, cfg, deps, pages)
	r.Method("GET", "/healthz", handleHealthz(deps.Ready, deps.DiskDirs, deps.MinFreeDisk))
	if cfg.MetricsToken != "" {
		// Without a token /metrics is not on this listener at all (404): see
		// MetricsHandler for a listener of its own.
		r.Method("GET", "/metrics", MetricsHandler(deps.Registry, cfg.MetricsToken))
	}

	r.Route("/api/v1", func(r chi.Router) {
		r.Method("GET", "/openapi.json", handleOpenAPI())
		r.Method("POST", "/login", handleLogin(logger, deps.Accounts, limiter))
		r.Group(func(r chi.Router) {
			r.Use(requireUser(logger, deps.Accounts))
			r.Use(requireActor(logger, deps.Accounts))
			r.Method("POST", "/logout", handleLogout(logger, deps.Accounts))
			r.Method("GET", "/me", handleMe())

			r.Method("GET", "/documents", handleDocumentList(logger, deps.Cases, deps.Documents))
			r.With(uploadGate(cfg.MaxUploads, cfg.BodyTimeout, cfg.UploadMinRate)).Method("POST", "/documents", handleDocumentUpload(logger, deps.Accounts, deps.Cases, deps.Claim, deps.SpoolDir, deps.MaxUploadBytes))
			r.Method("GET", "/documents/{id}", handleDocumentGet(logger, deps.Cases))
			r.Method("PATCH", "/documents/{id}", handleDocumentPatch(logger, deps.Cases))
			r.Method("GET", "/documents/{id}/pdf", handleDocumentFile(logger, deps.Cases, deps.Blobs, "pdf"))
			r.Method("GET", "/documents/{id}/original", handleDocumentFile(logger, deps.Cases, deps.Blobs, "original"))
			r.Method("GET", "/documents/{id}/text", handleDocumentText(logger, deps.Cases, deps.Documents))
			r.Method("POST", "/documents/{id}/link", handleDocumentLink(logger, deps.Cases))
			r.Method("DELETE", "/documents/{id}/link", handleDocumentUnlink(logger, deps.Cases))
			r.Method("POST", "/documents/{id}/retract", handleDocumentRetract(logger, deps.Cases))
			r.Method("POST", "/documents/{id}/purge", handleDocumentPurge(logger, deps.Cases))
			r.Method("GET", "/retractions", handleRetractionList(logger, deps.Cases))
			r.Method("GET", "/documents/{id}/redaction", handleRedactionProposal(logger, deps.Cases))
			r.Method("POST", "/documents/{id}/publication", handlePublish(logger, deps.Cases))
			r.Method("GET", "/publications", handlePublicationList(logger, deps.Cases))
			r.Method("GET", "/publications/{id}", handlePublicationGet(logger, deps.Cases))
			r.Method("POST", "/publications/{id}/unpublish", handleUnpublish(logger, deps.Cases))
			r.Method("GET", "/search", handleSearch(logger, deps.Cases, deps.Search))

			r.Method("GET", "/cases", handleCaseList(logger, deps.Accounts, deps.Cases))
			r.Method("POST", "/cases", handleCaseCreate(logger, deps.Cases))
			r.Method("GET", "/cases/{code}", handleCaseGet(logger, deps.Cases))
			r.Method("PATCH", "/cases/{code}", handleCasePatch(logger, deps.Cases))
			r.Method("POST", "/cases/{code}/transitions", handleCaseTransition(logger, deps.Cases))
			r.Method("POST", "/cases/{code}/extensions", handleCaseExtension(logger, deps.Cases))
			r.Method("PUT", "/cases/{code}/outcome", handleCaseOutcome(logger, deps.Cases))
			r.Method("GET", "/cases/{code}/events", handleCaseEvents(logger, deps.Cases))
			r.Method("GET", "/cases/{code}/documents", handleCaseDocuments(logger, deps.Cases, deps.Documents))
			r.Method("GET", "/cases/{code}/parties", handlePartyList(logger, deps.Cases))
			r.Method("POST", "/cases/{code}/parties", handlePartyCreate(logger, deps.Cases))
			r.Method("PUT", "/cases/{code}/parties/{id}", handlePartyUpdate(logger, deps.Cases))
			r.Method("DELETE", "/cases/{code}/parties/{id}", handlePartyDelete(logger, deps.Cases))
			r.Method("POST", "/cases/{code}/grants", handleGrantCreate(logger, deps.Cases))
			r.Method("DELETE", "/cases/{code}/grants/{user_id}", handleGrantDelete(logger, deps.Cases))
			r.Method("POST", "/cases/{code}/pin", handleCasePIN(logger, deps.Cases))
			r.Method("GET", "/cases/{code}/cover.pdf", handleCaseCover(logger, deps.Accounts, deps.Cases))
			r.Method("GET", "/deadlines", handleDeadlines(logger, deps.Accounts, deps.Cases))

			r.Method("POST", "/petitions", handlePetitionCreate(logger, deps.Cases))
			r.Method("GET", "/petitions", handlePetitionList(logger, deps.Accounts, deps.Cases))
			r.Method("GET", "/petitions/{id}", handlePetitionGet(logger, deps.Cases))
			r.Method("PATCH", "/petitions/{id}", handlePetitionPatch(logger, deps.Cases))
			r.Method("POST", "/petitions/{id}/case", handlePetitionCase(logger, deps.Cases))

			r.Method("POST", "/receptions", handleReceptionCreate(logger, deps.Cases))
			r.Method("GET", "/receptions", handleReceptionList(logger, deps.Accounts, deps.Cases))
			r.Method("GET", "/receptions/{id}", handleReceptionGet(logger, deps.Cases))
			r.Method("POST", "/receptions/{id}/case", handleReceptionCase(logger, deps.Cases))

			r.Method("GET", "/triage", handleTriage(logger, deps.Cases))
			addPortalStaffRoutes(r, logger, deps.Cases) // portal_staff.go: questions, reception days

			r.Method("GET", "/reports/{form}", handleReport(logger, &report.Service{Cases: deps.Cases}))
			r.Method("GET", "/reports/{form}/cells/{ms}", handleReportCell(logger, &report.Service{Cases: deps.Cases}))
			r.Method("GET", "/reports/charts/{chart}", handleReportChart(logger, &report.Service{Cases: deps.Cases}))

			r.Group(func(r chi.Router) {
				r.Use(func(next http.Handler) http.Handler { return requireAdministrator(logger, next) })
				r.Method("GET", "/users", handleUserList(logger, deps.Accounts))
				r.Method("POST", "/users", handleUserCreate(logger, deps.Accounts))
				r.Method("GET", "/users/{user}", handleUserGet(logger, deps.Accounts))
				r.Method("PATCH", "/users/{user}", handleUserPatch(logger, deps.Accounts))
				r.Method("POST", "/users/{user}/password", handleUserPassword(logger, deps.Accounts))
				r.Method("GET", "/units", handleUnitList(logger, deps.Accounts))
				r.Method("POST", "/units", handleUnitCreate(logger, deps.Accounts))
				r.Method("GET", "/units/{unit}", handleUnitGet(logger, deps.Accounts))
				r.Method("PATCH", "/units/{unit}", handleUnitPatch(logger, deps.Accounts))
			})

			r.Method("GET", "/holidays", handleHolidayList(logger, deps.Cases))
			r.Method("PUT", "/holidays/{date}", handleHolidayPut(logger, deps.Cases))
			r.Method("DELETE", "/holidays/{date}", handleHolidayDelete(logger, deps.Cases))

			r.Method("GET", "/audit", handleAudit(logger, deps.Cases))
			r.Method("GET", "/audit/verify", handleAuditVerify(logger, deps.Cases, deps.Blobs))
			r.Method("GET", "/audit/anchors", handleAuditAnchors(logger, deps.Blobs))
		})
	})
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		if isPageRequest(r) {
			pages.pageSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				pages.fail(w, r, fmt.Errorf("no page %s: %w", r.URL.Path, errs.ErrNotFound))
			})).ServeHTTP(w, r)
			return
		}
		respondError(w, r, logger, fmt.Errorf("no route %s: %w", r.URL.Path, errs.ErrNotFound))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusMethodNotAllowed, errorResponse{Error: "phương thức không được hỗ trợ (method not allowed)"})
	})
}
