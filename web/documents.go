package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/enum"
	"kntc/internal/errs"
)

// Claimer takes a file into the pipeline (ingest.Spool.Claim).
type Claimer func(ctx context.Context, o ingest.Origin) (ingest.Document, error)

type metadataJSON struct {
	Number  string `json:"number"`
	Date    string `json:"date"`
	Issuer  string `json:"issuer"`
	Type    string `json:"type"`
	Subject string `json:"subject"`
}

type documentJSON struct {
	ID          string       `json:"id"`
	Status      string       `json:"status"`
	SHA256      string       `json:"sha256"`
	Size        int64        `json:"size"`
	Filename    string       `json:"filename"`
	ContentType string       `json:"content_type"`
	Pages       int          `json:"pages"`
	Unit        string       `json:"unit"`
	Case        string       `json:"case"`
	Kind        ingest.Kind  `json:"kind"`
	Metadata    metadataJSON `json:"metadata"`
	Error       string       `json:"error"`
	DuplicateOf string       `json:"duplicate_of,omitempty"`
	// Confidential documents carry a denouncer's identity: only users granted the
	// case see them. Published ones are the public copy of a decision.
	Confidential bool      `json:"confidential"`
	Published    bool      `json:"published"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func newDocumentJSON(d ingest.Document) documentJSON {
	return documentJSON{
		ID: d.ID, Status: string(d.Status), SHA256: d.SHA256, Size: d.Size, Filename: d.Filename,
		ContentType: d.ContentType, Pages: d.Pages, Unit: d.UnitCode, Case: d.CaseCode, Kind: d.Kind,
		Metadata: metadataJSON{Number: d.Meta.Number, Date: d.Meta.Date, Issuer: d.Meta.Issuer, Type: d.Meta.Type, Subject: d.Meta.Subject},
		Error:    d.Error, DuplicateOf: d.DuplicateOf, Confidential: d.Confidential, Published: d.Published,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
}

type documentListJSON struct {
	Total     int            `json:"total"`
	Documents []documentJSON `json:"documents"`
}

func newDocumentListJSON(list []ingest.Document, total int) documentListJSON {
	out := documentListJSON{Total: total, Documents: make([]documentJSON, 0, len(list))}
	for _, d := range list {
		out.Documents = append(out.Documents, newDocumentJSON(d))
	}
	return out
}

// documentFilterFor is the part of a document filter that is the actor's access:
// the units of their scope, and the cases whose confidential documents they are
// granted (never nil, so ungranted confidential documents are always left out).
func documentFilterFor(r *http.Request, svc *cases.Service, a cases.Actor) (ingest.DocumentFilter, error) {
	var f ingest.DocumentFilter
	if err := a.Require(cases.PermDocumentRead); err != nil {
		return f, err
	}
	// Documents in no case are the triage inbox's: only those who file them.
	f.LinkedOnly = !cases.Can(a.User.Role, cases.PermDocumentLink)
	f.ConfidentialUnfiled = cases.Can(a.User.Role, cases.PermCaseGrant)
	if !a.Scope.All {
		f.UnitCodes = a.Scope.Codes
		if f.UnitCodes == nil {
			f.UnitCodes = []string{}
		}
	}
	granted, err := svc.GrantedCases(r.Context(), a)
	if err != nil {
		return f, err
	}
	f.ConfidentialCases = granted
	if f.ConfidentialCases == nil {
		f.ConfidentialCases = []string{}
	}
	return f, nil
}

// visibleDocuments lists the documents of f, which documentFilterFor made. Each is
// checked again as a single read would be (defence in depth: a store that ignored
// part of the filter does not show what it should have hidden).
func visibleDocuments(r *http.Request, svc *cases.Service, a cases.Actor, docs ingest.DocumentStore, f ingest.DocumentFilter) ([]ingest.Document, int, error) {
	list, total, err := docs.Documents(r.Context(), f)
	if err != nil {
		return nil, 0, err
	}
	out := list[:0]
	for _, d := range list {
		switch err := svc.DocumentVisible(r.Context(), a, d); {
		case err == nil:
			out = append(out, shown(r, svc, a, d))
		case !errors.Is(err, errs.ErrNotFound):
			return nil, 0, err
		}
	}
	return out, total, nil
}

func handleDocumentList(logger *slog.Logger, svc *cases.Service, docs ingest.DocumentStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f := ingest.DocumentFilter{Status: ingest.Status(q.Get("status")), CaseCode: q.Get("case"), UnitCode: q.Get("unit")}
		var probs problems
		if f.Status != "" && !f.Status.Valid() {
			probs.add("status", "%s", enum.Unknown("status", "status", f.Status, documentStatuses))
		}
		f.Limit, f.Offset = probs.page(q)
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		a := currentActor(r.Context())
		access, err := documentFilterFor(r, svc, a)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		f.UnitCodes, f.ConfidentialCases = access.UnitCodes, access.ConfidentialCases
		f.ConfidentialUnfiled, f.LinkedOnly = access.ConfidentialUnfiled, access.LinkedOnly
		list, total, err := visibleDocuments(r, svc, a, docs, f)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newDocumentListJSON(list, total))
	})
}

// shown is d as the actor may be told about it: the document it duplicates only
// when they may see that one too (its id would say that a file of another unit,
// or a confidential letter, has the same bytes), and never the case whose secret
// it holds.
func shown(r *http.Request, svc *cases.Service, a cases.Actor, d ingest.Document) ingest.Document {
	if d.DuplicateOf != "" {
		if _, err := svc.Document(r.Context(), a, d.DuplicateOf); err != nil {
			d.DuplicateOf = ""
		}
	}
	d.SecretCase = ""
	return d
}

// documentStatuses are the statuses a document list may be filtered by
// (ingest.Status.Valid).
var documentStatuses = []ingest.Status{ingest.StatusReceived, ingest.StatusProcessing, ingest.StatusStored,
	ingest.StatusFailed, ingest.StatusQuarantined, ingest.StatusDuplicate, ingest.StatusSplit}

func intParam(s string, def, lo, hi int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("phải là số nguyên từ %d đến %d (must be a whole number from %d to %d)", lo, hi, lo, hi)
	}
	return n, nil
}

// readDocument loads the {id} document if the user may see it (unit scope, and a
// grant for a confidential one: cases.Service.Document) and records the act
// (cases.Service.Access: what is shown). A document the user may not see is "not
// found", so its existence is not revealed; an act that cannot be recorded does
// not happen.
func readDocument(r *http.Request, svc *cases.Service, what string) (ingest.Document, error) {
	a := currentActor(r.Context())
	d, err := svc.Document(r.Context(), a, chi.URLParam(r, "id"))
	if err != nil {
		return ingest.Document{}, err
	}
	if err := svc.Access(r.Context(), a, d, what); err != nil {
		return ingest.Document{}, fmt.Errorf("record %s of %s: %w", what, d.ID, err)
	}
	return d, nil
}

func handleDocumentGet(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, err := readDocument(r, svc, cases.AccessMetadata)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newDocumentJSON(shown(r, svc, currentActor(r.Context()), d)))
	})
}

type documentPatchRequest struct {
	Confidential *bool `json:"confidential"`
}

// handleDocumentPatch marks a document confidential or not (only a user granted the
// case can lift the mark: only they can see the document).
func handleDocumentPatch(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req documentPatchRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		if req.Confidential == nil {
			respondError(w, r, logger, errs.Errorf(errs.Invalid, "không có gì để sửa: confidential (nothing to change: confidential)"))
			return
		}
		a := currentActor(r.Context())
		d, err := svc.SetConfidential(r.Context(), a, chi.URLParam(r, "id"), *req.Confidential)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newDocumentJSON(shown(r, svc, a, d)))
	})
}

type documentRetractRequest struct {
	Reason string `json:"reason"`
}

// handleDocumentRetract takes out a document put in by mistake (leaders, and
// administrators by its ID; a reason is required): it leaves every list, search answer and its case.
func handleDocumentRetract(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req documentRetractRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		if _, err := svc.Retract(r.Context(), currentActor(r.Context()), chi.URLParam(r, "id"), req.Reason); err != nil {
			respondError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// handleDocumentFile streams one of a document's objects: the original bytes or the
// PDF/A copy (only once the document is stored). Every download is recorded.
func handleDocumentFile(logger *slog.Logger, svc *cases.Service, blobs ingest.BlobStore, which string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := serveDocumentFile(w, r, logger, svc, blobs, which); err != nil {
			respondError(w, r, logger, err)
		}
	})
}

// serveDocumentFile writes the {id} document's original ("original") or PDF/A
// copy ("pdf") to w, for the API and the pages alike. An error is returned before
// anything is written, for the caller to answer in its own way.
func serveDocumentFile(w http.ResponseWriter, r *http.Request, logger *slog.Logger, svc *cases.Service, blobs ingest.BlobStore, which string) error {
	a := currentActor(r.Context())
	d, err := svc.Document(r.Context(), a, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	var key, ctype, name string
	switch which {
	case "original":
		if d.Status == ingest.StatusDuplicate {
			// The same bytes as the first copy: they are that copy's to show (a
			// confidential letter scanned twice stays confidential).
			orig, err := svc.Document(r.Context(), a, d.DuplicateOf)
			if err != nil {
				return fmt.Errorf("original of duplicate %s: %w", d.ID, err)
			}
			d.SHA256 = orig.SHA256
		}
		key, ctype, name = ingest.OriginalKey(d.SHA256), d.ContentType, d.Filename
		if ctype == "" {
			ctype = "application/octet-stream"
		}
	case "pdf":
		if d.Status != ingest.StatusStored {
			return fmt.Errorf("document %s is %s, no PDF/A yet: %w", d.ID, d.Status, errs.ErrNotFound)
		}
		key, ctype = ingest.ArchiveKey(d.SHA256, d.Pipeline), "application/pdf"
		name = strings.TrimSuffix(d.Filename, filepath.Ext(d.Filename)) + ".pdf"
	}
	info, err := blobs.Stat(r.Context(), key)
	if err != nil {
		return err
	}
	if err := svc.Access(r.Context(), a, d, which); err != nil {
		return fmt.Errorf("record download of %s: %w", d.ID, err)
	}
	rc, err := blobs.Get(r.Context(), key, 0, -1)
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.FormatInt(info.Size, 10))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if _, err := io.Copy(w, rc); err != nil {
		logger.WarnContext(r.Context(), "download interrupted", "document_id", d.ID, "error", err)
	}
	return nil
}

// handleDocumentText returns the text of every page, pages separated by form feeds.
// Every read is recorded (a download of kind "text").
func handleDocumentText(logger *slog.Logger, svc *cases.Service, docs ingest.DocumentStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := currentActor(r.Context())
		d, err := svc.Document(r.Context(), a, chi.URLParam(r, "id"))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		if d.Status != ingest.StatusStored {
			respondError(w, r, logger, fmt.Errorf("document %s is %s, no text yet: %w", d.ID, d.Status, errs.ErrNotFound))
			return
		}
		if err := svc.Access(r.Context(), a, d, cases.AccessText); err != nil {
			respondError(w, r, logger, fmt.Errorf("record download of the text of %s: %w", d.ID, err))
			return
		}
		pages, err := docs.Pages(r.Context(), d.ID)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		texts := make([]string, len(pages))
		for i, p := range pages {
			texts[i] = p.Text
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, strings.Join(texts, "\f"))
	})
}

type uploadResponse struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// handleDocumentUpload takes a multipart upload (field "file", optional "case") into
// the same pipeline as the hot folders. The file is written into the spool directory
// first, so the claim is a rename. Filing into a case needs the right to link
// documents and a case the user sees. A file over maxBytes is refused from its
// Content-Length before anything is written, or as soon as it passes the limit
// while streaming (413), and a body cut short answers 422; either way its spool
// file is gone before the answer.
func handleDocumentUpload(logger *slog.Logger, accounts *auth.Service, svc *cases.Service, claim Claimer, spoolDir string, maxBytes int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, err := receiveUpload(w, r, logger, accounts, svc, claim, spoolDir, maxBytes, "", nil)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusAccepted, uploadResponse{ID: d.ID, Status: string(d.Status)})
	})
}

// receiveUpload is an upload's reading and claim, for the API and the case page
// alike. intoCase, when set, is the case the file goes into (the "case" field is
// then ignored). before, when set, is called with the small fields read so far
// when the file part begins, and refuses the upload by returning an error (the
// page checks its form token there, before a byte of the file is written).
func receiveUpload(w http.ResponseWriter, r *http.Request, logger *slog.Logger, accounts *auth.Service, svc *cases.Service,
	claim Claimer, spoolDir string, maxBytes int64, intoCase string, before func(fields map[string]string) error) (ingest.Document, error) {
	// The multipart framing and the small fields around the file.
	const overhead = 64 << 10
	if err := currentActor(r.Context()).Require(cases.PermDocumentUpload); err != nil {
		return ingest.Document{}, err
	}
	if maxBytes > 0 {
		if r.ContentLength > maxBytes+overhead {
			return ingest.Document{}, errTooLarge(maxBytes)
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBytes+overhead)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return ingest.Document{}, errs.Errorf(errs.Invalid, "cần tải lên dạng multipart/form-data với trường file (multipart form with a file field required)")
	}
	var tmp, filename, caseCode string
	fields := map[string]string{}
	defer func() {
		if tmp != "" {
			_ = os.Remove(tmp)
		}
	}()
	// bodyErr turns an error met reading the body into the answer it needs.
	bodyErr := func(err error) error {
		if e := bodyReadError(err, maxBytes); e != nil {
			return e
		}
		return errs.Errorf(errs.Invalid, "dữ liệu tải lên bị thiếu hoặc hỏng (the upload is truncated or malformed): %w", err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return ingest.Document{}, bodyErr(err)
		}
		switch name := part.FormName(); name {
		case "file":
			if tmp != "" {
				return ingest.Document{}, errs.Errorf(errs.Invalid, "chỉ một tệp mỗi lần (one file per request)")
			}
			if before != nil {
				if err := before(fields); err != nil {
					return ingest.Document{}, err
				}
				before = nil
			}
			filename = filepath.Base(part.FileName())
			f, err := os.CreateTemp(spoolDir, ".upload-*.tmp")
			if err != nil {
				return ingest.Document{}, err
			}
			tmp = f.Name()
			src := &readErr{r: part}
			var n int64
			if maxBytes > 0 {
				n, err = io.Copy(f, io.LimitReader(src, maxBytes+1))
			} else {
				n, err = io.Copy(f, src)
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			switch {
			case src.err != nil:
				err = bodyErr(src.err) // the client's fault, not the disk's
			case err == nil && maxBytes > 0 && n > maxBytes:
				err = errTooLarge(maxBytes)
			}
			if err != nil {
				_ = os.Remove(tmp)
				tmp = ""
				return ingest.Document{}, err
			}
		default:
			if len(fields) < 8 {
				b, err := io.ReadAll(io.LimitReader(part, 256))
				if err != nil {
					return ingest.Document{}, bodyErr(err)
				}
				fields[name] = string(b)
				if name == "case" {
					caseCode = strings.TrimSpace(string(b))
				}
			}
		}
		if err := part.Close(); err != nil {
			return ingest.Document{}, bodyErr(err)
		}
	}
	if before != nil {
		if err := before(fields); err != nil {
			return ingest.Document{}, err
		}
	}
	if tmp == "" {
		return ingest.Document{}, errs.Errorf(errs.Invalid, "thiếu trường file (the file field is missing)")
	}
	if filename == "" || filename == "." {
		filename = "upload"
	}
	if intoCase != "" {
		caseCode = intoCase
	}
	if caseCode != "" {
		a := currentActor(r.Context())
		if !cases.Can(a.User.Role, cases.PermDocumentLink) {
			return ingest.Document{}, errs.Errorf(errs.Forbidden, "vai trò %s không được đưa văn bản vào hồ sơ (role %s lacks %s)", a.User.Role.Label(), a.User.Role, cases.PermDocumentLink)
		}
		c, err := svc.Case(r.Context(), a, strings.ToUpper(caseCode))
		if errors.Is(err, errs.ErrNotFound) {
			// The user named it: say what was not found (in their units only, so
			// a case of another unit is not told apart from none).
			err = errs.Errorf(errs.NotFound, "không tìm thấy hồ sơ %s trong các đơn vị của bạn; tệp chưa được nhận "+
				"(case %s not found in your units; the file was not taken)", strings.ToUpper(caseCode), strings.ToUpper(caseCode))
		}
		if err != nil {
			return ingest.Document{}, err
		}
		caseCode = c.Code
	}
	u := currentUser(r.Context())
	unit, err := accounts.Store.Unit(r.Context(), u.UnitID)
	if err != nil {
		return ingest.Document{}, err
	}
	o := ingest.Origin{Path: tmp, Filename: filename, Source: "upload", UnitCode: unit.Code, CaseCode: caseCode,
		UserID: u.ID, Username: u.Username}
	d, err := claim(r.Context(), o) // the spool judges its name and route (Spool.Vet)
	if err != nil {
		return ingest.Document{}, err
	}
	tmp = "" // claimed: it is the spool's now
	// Not the file name: a citizen's letter is often named after its sender.
	logger.InfoContext(r.Context(), "upload", "document_id", d.ID, "user_id", u.ID)
	return d, nil
}

// readErr remembers the error its reader gave, to tell a broken upload from a
// failing disk after io.Copy.
type readErr struct {
	r   io.Reader
	err error
}

func (e *readErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		e.err = err
	}
	return n, err
}
