package web

import (
	"embed"
	"html/template"
	"log/slog"
	"net/http"
)

//go:embed templates/*.html
var templateFiles embed.FS

// templates are parsed once at start-up: a broken template fails the start.
var templates = template.Must(template.ParseFS(templateFiles, "templates/*.html"))

// handleHome answers GET / with a page that says what kntc is and where its API
// is described, so the address the server prints opens something useful before
// the staff pages exist.
func handleHome(logger *slog.Logger, version string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		if err := templates.ExecuteTemplate(w, "home.html", struct{ Base, Version string }{"", version}); err != nil {
			logger.ErrorContext(r.Context(), "render the home page", "error", err)
		}
	})
}
