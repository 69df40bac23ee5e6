package web

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"time"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
)

// The ingestion monitor (administrators): what is being processed, what waits in
// quarantine and why, retry or discard it (ingest.Quarantine, audited), and each
// hot folder's last activity.

// ingestDoc is a document in the pipeline as the monitor shows it: no case
// content, and no file name of a confidential document.
type ingestDoc struct {
	ID, Filename, Unit string
	Status             ingest.Status
	Attempts           int
	Error              string
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// hotFolderRow is a hot folder and when something last changed in it.
type hotFolderRow struct {
	Root    string
	Last    time.Time
	Waiting int // files in it (not counting scanners' temporary files)
	Problem string
}

type ingestPage struct {
	Processing      []ingestDoc
	ProcessingTotal int
	Files           []ingest.QuarantinedFile
	FilesTotal      int
	Folders         []hotFolderRow
}

// hotFolderActivity walks a hot folder two levels deep (UNIT/CASE/file) and
// returns the newest change and how many files wait; it stops after 10,000
// entries.
func hotFolderActivity(root string) hotFolderRow {
	row := hotFolderRow{Root: root}
	st, err := os.Stat(root)
	if err != nil {
		row.Problem = err.Error()
		return row
	}
	row.Last = st.ModTime()
	seen := 0
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || seen > 10000 {
			return filepath.SkipDir
		}
		seen++
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() && rel != "." && depth(rel) > 2 {
			return filepath.SkipDir
		}
		if info, err := d.Info(); err == nil && info.ModTime().After(row.Last) {
			row.Last = info.ModTime()
		}
		if d.Type().IsRegular() && !ingest.Ignored(d.Name()) {
			row.Waiting++
		}
		return nil
	})
	return row
}

func depth(rel string) int {
	n := 1
	for _, c := range filepath.ToSlash(rel) {
		if c == '/' {
			n++
		}
	}
	return n
}

func (p *pages) handleIngestPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := p.view(r, "admin-ingest", "ingest.title")
		switch r.URL.Query().Get("done") {
		case "retried":
			v.Notice = v.L.T("ingest.retried")
		case "discarded":
			v.Notice = v.L.T("ingest.discarded")
		}
		p.renderIngest(w, r, http.StatusOK, v)
	})
}

func (p *pages) renderIngest(w http.ResponseWriter, r *http.Request, status int, v view) {
	var d ingestPage
	for _, st := range []ingest.Status{ingest.StatusProcessing, ingest.StatusReceived, ingest.StatusFailed} {
		docs, total, err := p.deps.Documents.Documents(r.Context(), ingest.DocumentFilter{Status: st, Limit: 50})
		if err != nil {
			p.fail(w, r, err)
			return
		}
		d.ProcessingTotal += total
		for _, x := range docs {
			name := x.Filename
			if x.Confidential || x.SecretCase != "" {
				name = v.L.T("ingest.confidential")
			}
			d.Processing = append(d.Processing, ingestDoc{ID: x.ID, Filename: name, Unit: x.UnitCode, Status: x.Status,
				Attempts: x.Attempts, Error: x.Error, CreatedAt: x.CreatedAt, UpdatedAt: x.UpdatedAt})
		}
	}
	if p.deps.Quarantine != nil {
		files, total, err := p.deps.Quarantine.List(100)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		d.Files, d.FilesTotal = files, total
	}
	for _, root := range p.deps.HotFolders {
		d.Folders = append(d.Folders, hotFolderActivity(root))
	}
	v.Data = d
	p.render(w, r, status, "admin_ingest", v)
}

// auditor records a quarantine act in the case system's audit trail as the
// page's user.
func (p *pages) auditor(a cases.Actor) ingest.Auditor {
	return func(ctx context.Context, action, object, detail string) error {
		return p.deps.Cases.Audit(ctx, a, action, object, detail)
	}
}

// quarantineFile finds the file the form names; no quarantine is 404.
func (p *pages) quarantineFile(r *http.Request) (ingest.QuarantinedFile, error) {
	if p.deps.Quarantine == nil {
		return ingest.QuarantinedFile{}, errs.Errorf(errs.NotFound, "không có thư mục cách ly (no quarantine)")
	}
	return p.deps.Quarantine.File(r.PostForm.Get("name"))
}

// handleIngestRetry takes a quarantined file into the pipeline again, routed as
// its document was (else to the administrator's unit), through the claim the
// uploads use; the file is set aside only once the claim has its copy.
func (p *pages) handleIngestRetry() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := p.quarantineFile(r)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		if p.deps.Claim == nil {
			p.fail(w, r, errs.Errorf(errs.NotFound, "máy chủ này không nhận tệp (this server takes no files)"))
			return
		}
		a := currentActor(r.Context())
		o := ingest.Origin{Filename: path.Base(f.Name), Source: "upload", UserID: a.User.ID, Username: a.User.Username}
		if f.DocumentID != "" {
			if d, err := p.deps.Documents.Document(r.Context(), f.DocumentID); err == nil {
				o.Filename, o.UnitCode, o.CaseCode = d.Filename, d.UnitCode, d.CaseCode
				o.Confidential, o.SecretCase, o.Kind = d.Confidential, d.SecretCase, d.Kind
			} else if !errors.Is(err, errs.ErrNotFound) {
				p.fail(w, r, err)
				return
			}
		}
		if o.UnitCode == "" {
			if u, err := p.deps.Accounts.Store.Unit(r.Context(), a.User.UnitID); err == nil {
				o.UnitCode = u.Code
			}
		}
		d, err := p.deps.Quarantine.Retry(r.Context(), f.Name, o, p.deps.Claim, p.auditor(a))
		if err != nil {
			v := p.view(r, "admin-ingest", "ingest.title")
			v.Path = "/admin/ingest"
			v.Error = v.L.T("ingest.retry.failed", errs.MessageOf(err))
			p.logger.WarnContext(r.Context(), "quarantine retry failed", "file", f.Name, "error", err)
			p.renderIngest(w, r, http.StatusUnprocessableEntity, v)
			return
		}
		p.logger.InfoContext(r.Context(), "quarantined file retried", "file", f.Name, "document_id", d.ID, "by", a.User.ID)
		http.Redirect(w, r, "/admin/ingest?done=retried", http.StatusSeeOther)
	})
}

// handleIngestDiscard sets a quarantined file and its reason aside (kept under
// the quarantine's discarded/ folder, no longer listed), audited.
func (p *pages) handleIngestDiscard() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := p.quarantineFile(r)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		a := currentActor(r.Context())
		to, err := p.deps.Quarantine.Discard(r.Context(), f.Name, "", p.auditor(a))
		if err != nil {
			p.fail(w, r, err)
			return
		}
		p.logger.InfoContext(r.Context(), "quarantined file discarded", "file", f.Name, "kept_at", to, "by", a.User.ID)
		http.Redirect(w, r, "/admin/ingest?done=discarded", http.StatusSeeOther)
	})
}
