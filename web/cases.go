package web

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/enum"
	"kntc/internal/errs"
	"kntc/ocr/cover"
)

// vietnam is the time zone dates are counted in (UTC+7), as in the cases package.
var vietnam = time.FixedZone("ICT", 7*3600)

// today is the case system's current date, for the overdue and due-soon marks.
func today(svc *cases.Service) time.Time {
	now := time.Now()
	if svc.Now != nil {
		now = svc.Now()
	}
	return cases.Date(now.In(vietnam))
}

// soonDays is the case system's due-soon window (cases.Service.SoonDays, 5 when 0).
func soonDays(svc *cases.Service) int {
	if svc.SoonDays <= 0 {
		return 5
	}
	return svc.SoonDays
}

type extensionJSON struct {
	DecisionNumber string `json:"decision_number"`
	DecisionDate   string `json:"decision_date"`
	Days           int    `json:"days"`
	Reason         string `json:"reason"`
	By             int64  `json:"by"`
}

// caseJSON is a case as the API shows it; the PIN's hash never leaves the server.
type caseJSON struct {
	ID               int64           `json:"id"`
	Code             string          `json:"code"`
	Kind             cases.Kind      `json:"kind"`
	KindLabel        string          `json:"kind_label"`
	Source           cases.Source    `json:"source"`
	ReceivedOn       string          `json:"received_on"`
	Subject          string          `json:"subject"`
	Summary          string          `json:"summary"`
	UnitID           int64           `json:"unit_id"`
	HandlerID        int64           `json:"handler_id"`
	Round            int             `json:"round"`
	Complex          bool            `json:"complex"`
	Remote           bool            `json:"remote"`
	Status           cases.Status    `json:"status"`
	StatusLabel      string          `json:"status_label"`
	Result           cases.Result    `json:"result"`
	ResultLabel      string          `json:"result_label"`
	AcceptedOn       string          `json:"accepted_on"`
	DecidedOn        string          `json:"decided_on"`
	PublishedOn      string          `json:"published_on"`
	ClosedOn         string          `json:"closed_on"`
	DueOn            string          `json:"due_on"`
	DueCount         cases.DayCount  `json:"due_count"`       // "calendar", "working", "" with no deadline
	DueCountLabel    string          `json:"due_count_label"` // "Ngày theo lịch", "Ngày làm việc"
	Overdue          bool            `json:"overdue"`
	DueSoon          bool            `json:"due_soon"`
	Extensions       []extensionJSON `json:"extensions"`
	DecisionDocument string          `json:"decision_document"`
	// Outcome is what the decision sets out and its enforcement (PUT …/outcome).
	Outcome   outcomeJSON `json:"outcome"`
	Version   int         `json:"version"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

func newCaseJSON(svc *cases.Service, c cases.Case) caseJSON {
	overdue, soon := cases.Due(c, today(svc), soonDays(svc))
	out := caseJSON{
		ID: c.ID, Code: c.Code, Kind: c.Kind, KindLabel: c.Kind.Label(), Source: c.Source,
		ReceivedOn: cases.FormatDate(c.ReceivedOn), Subject: c.Subject, Summary: c.Summary,
		UnitID: c.UnitID, HandlerID: c.HandlerID, Round: c.Round, Complex: c.Complex, Remote: c.Remote,
		Status: c.Status, StatusLabel: c.Status.Label(), Result: c.Result, ResultLabel: c.Result.Label(c.Kind),
		AcceptedOn: cases.FormatDate(c.AcceptedOn), DecidedOn: cases.FormatDate(c.DecidedOn),
		PublishedOn: cases.FormatDate(c.PublishedOn), ClosedOn: cases.FormatDate(c.ClosedOn),
		DueOn: cases.FormatDate(c.DueOn), DueCount: cases.DueCount(c), DueCountLabel: cases.DueCount(c).Label(),
		Overdue: overdue, DueSoon: soon,
		Extensions: make([]extensionJSON, 0, len(c.Extensions)), DecisionDocument: c.DecisionDocument,
		Outcome: newOutcomeJSON(c.Outcome), Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
	for _, x := range c.Extensions {
		out.Extensions = append(out.Extensions, extensionJSON{DecisionNumber: x.DecisionNumber,
			DecisionDate: cases.FormatDate(x.DecisionDate), Days: x.Days, Reason: x.Reason, By: x.By})
	}
	return out
}

func newCaseListJSON(svc *cases.Service, list []cases.Case) []caseJSON {
	out := make([]caseJSON, 0, len(list))
	for _, c := range list {
		out = append(out, newCaseJSON(svc, c))
	}
	return out
}

// caseCode is the {code} of the request, as codes are written (upper case).
func caseCode(r *http.Request) string {
	return strings.ToUpper(strings.TrimSpace(chi.URLParam(r, "code")))
}

// problems collects what is wrong with a request, field by field, to answer 422
// with all of it (errs.Problems with the readers of query and body fields below).
type problems struct{ errs.Problems }

func (p *problems) add(field, format string, args ...any) { p.Addf(field, format, args...) }

func (p *problems) err() error { return p.Err() }

// date reads a YYYY-MM-DD field: the zero time only when the field is absent or
// empty. A date given that is not a real one (0001-01-01, anything before
// cases.EarliestDate) is a problem, never taken as absent; whether a future date
// makes sense is the case system's to say.
func (p *problems) date(name, s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	t, err := cases.ParseDate(s)
	if err != nil {
		p.add(name, "%s: ngày dạng YYYY-MM-DD (date as YYYY-MM-DD)", name)
		return time.Time{}
	}
	if t.Before(cases.EarliestDate) {
		p.add(name, "%s: %s không phải ngày hợp lệ, phải từ %s (not a real date: %s or later)", name, s,
			cases.FormatDate(cases.EarliestDate), cases.FormatDate(cases.EarliestDate))
		return time.Time{}
	}
	return t
}

// moment checks a time given in a request (RFC 3339): nil is absent, anything
// given must be a real time (not the zero time, not before cases.EarliestDate).
func (p *problems) moment(name string, t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	if t.Before(cases.EarliestDate) {
		p.add(name, "%s: %s không phải thời điểm hợp lệ, phải từ %s (not a real time: %s or later)", name, t.Format(time.RFC3339),
			cases.FormatDate(cases.EarliestDate), cases.FormatDate(cases.EarliestDate))
		return time.Time{}
	}
	return *t
}

// page reads limit (1–1000, default 50) and offset.
func (p *problems) page(q url.Values) (limit, offset int) {
	limit, err := intParam(q.Get("limit"), 50, 1, 1000)
	if err != nil {
		p.add("limit", "limit: %v", err)
	}
	offset, err = intParam(q.Get("offset"), 0, 0, 1<<30)
	if err != nil {
		p.add("offset", "offset: %v", err)
	}
	return limit, offset
}

// id reads a positive whole number.
func (p *problems) id(name, s string) int64 {
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		p.add(name, "%s: phải là số nguyên dương (must be a positive whole number)", name)
	}
	return n
}

// unitParam reads a unit given by ID or code; unknown units are a problem.
func (p *problems) unit(r *http.Request, accounts *auth.Service, name, s string) int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return n
	}
	u, err := accounts.Store.UnitByCode(r.Context(), s)
	if err != nil {
		p.add(name, "%s: đơn vị %q không tồn tại (unknown unit)", name, s)
		return 0
	}
	return u.ID
}

// pathID reads a numeric path parameter; anything else is not found.
func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s %q: %w", name, chi.URLParam(r, name), errs.ErrNotFound)
	}
	return n, nil
}

type caseListJSON struct {
	Total int        `json:"total"`
	Cases []caseJSON `json:"cases"`
}

// handleCaseList lists the cases in the user's scope:
// ?status=&kind=&unit=&handler=&open=&q=&limit=&offset=.
func handleCaseList(logger *slog.Logger, accounts *auth.Service, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var probs problems
		f := cases.CaseFilter{Status: cases.Status(q.Get("status")), Kind: cases.Kind(q.Get("kind")), Text: strings.TrimSpace(q.Get("q"))}
		if f.Status != "" && !f.Status.Valid() {
			probs.add("status", "%s", enum.Unknown("status", "status", f.Status, cases.Statuses))
		}
		if f.Kind != "" && !f.Kind.Valid() {
			probs.add("kind", "%s", enum.Unknown("kind", "kind", f.Kind, cases.Kinds))
		}
		if unit := probs.unit(r, accounts, "unit", q.Get("unit")); unit != 0 {
			f.UnitIDs = []int64{unit}
		}
		f.HandlerID = probs.userParam(r, accounts, "handler", q.Get("handler"))
		switch q.Get("open") {
		case "", "0", "false":
		case "1", "true":
			f.OpenOnly = true
		default:
			probs.add("open", "open: 1 hoặc 0 (1 or 0)")
		}
		f.Limit, f.Offset = probs.page(q)
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		list, total, err := svc.Cases(r.Context(), currentActor(r.Context()), f)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, caseListJSON{Total: total, Cases: newCaseListJSON(svc, list)})
	})
}

// openCaseRequest is what opening a case from a letter or a visit may override;
// an empty body takes everything from the letter or the visit. Opening a case
// directly takes the same fields (caseCreateRequest).
type openCaseRequest struct {
	Kind       cases.Kind   `json:"kind"`
	Source     cases.Source `json:"source"`
	ReceivedOn string       `json:"received_on"`
	Subject    string       `json:"subject"`
	Summary    string       `json:"summary"`
	UnitID     int64        `json:"unit_id"`
	HandlerID  int64        `json:"handler_id"`
	Handler    string       `json:"handler"` // the handler's username, instead of handler_id
	Round      int          `json:"round"`
	Complex    bool         `json:"complex"`
	Remote     bool         `json:"remote"`
}

func (req openCaseRequest) newCase(r *http.Request, accounts *auth.Service, probs *problems) cases.NewCase {
	return cases.NewCase{Kind: req.Kind, Source: req.Source, ReceivedOn: probs.date("received_on", req.ReceivedOn),
		Subject: req.Subject, Summary: req.Summary, UnitID: req.UnitID,
		HandlerID: probs.handlerOf(r, accounts, req.HandlerID, req.Handler), Round: req.Round,
		Complex: req.Complex, Remote: req.Remote}
}

// caseCreateRequest opens a case with its parties.
type caseCreateRequest struct {
	openCaseRequest
	Parties []partyRequest `json:"parties"`
}

// newCase turns the request into what opening a case takes.
func (req caseCreateRequest) newCase(r *http.Request, accounts *auth.Service, probs *problems) cases.NewCase {
	in := req.openCaseRequest.newCase(r, accounts, probs)
	for _, p := range req.Parties {
		in.Parties = append(in.Parties, p.party())
	}
	return in
}

// caseCreatedJSON is a new case with its lookup PIN, shown this once.
type caseCreatedJSON struct {
	caseJSON
	PIN string `json:"pin"`
}

func handleCaseCreate(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req caseCreateRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		var probs problems
		in := req.newCase(r, svc.Accounts, &probs)
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		c, pin, err := svc.CreateCase(r.Context(), currentActor(r.Context()), in)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		w.Header().Set("Location", "/api/v1/cases/"+c.Code)
		writeJSON(w, http.StatusCreated, caseCreatedJSON{caseJSON: newCaseJSON(svc, c), PIN: pin})
	})
}

func handleCaseGet(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := svc.Case(r.Context(), currentActor(r.Context()), caseCode(r))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newCaseJSON(svc, c))
	})
}

// casePatchRequest changes a case's own fields; absent fields stay. version is the
// version read, required so that a concurrent change is not overwritten.
type casePatchRequest struct {
	Version   *int          `json:"version"`
	Subject   *string       `json:"subject"`
	Summary   *string       `json:"summary"`
	Complex   *bool         `json:"complex"`
	Remote    *bool         `json:"remote"`
	Round     *int          `json:"round"`
	UnitID    *int64        `json:"unit_id"`
	HandlerID *int64        `json:"handler_id"`
	Handler   *string       `json:"handler"` // the handler's username, instead of handler_id ("": none)
	Result    *cases.Result `json:"result"`
}

func handleCasePatch(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req casePatchRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		var probs problems
		if req.Version == nil {
			probs.add("version", "cần phiên bản (version) đã đọc của hồ sơ (version is required)")
		}
		if req.Handler != nil {
			var id int64
			if req.HandlerID != nil {
				id = *req.HandlerID
			}
			if strings.TrimSpace(*req.Handler) == "" {
				if id != 0 {
					probs.add("handler", "handler và handler_id chỉ hai người khác nhau (handler and handler_id name different users)")
				}
			} else {
				id = probs.handlerOf(r, svc.Accounts, id, *req.Handler)
			}
			req.HandlerID = &id
		}
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		c, err := svc.UpdateCase(r.Context(), currentActor(r.Context()), caseCode(r), cases.CasePatch{
			Version: *req.Version, Subject: req.Subject, Summary: req.Summary, Complex: req.Complex, Remote: req.Remote,
			Round: req.Round, UnitID: req.UnitID, HandlerID: req.HandlerID, Result: req.Result,
		})
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newCaseJSON(svc, c))
	})
}

type transitionRequest struct {
	To      cases.Status `json:"to"`
	Result  cases.Result `json:"result"`
	On      string       `json:"on"`
	Note    string       `json:"note"`
	Version *int         `json:"version"`
}

// handleCaseTransition moves a case one step of the workflow.
func handleCaseTransition(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req transitionRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		var probs problems
		on := probs.date("on", req.On)
		if req.Version == nil {
			probs.add("version", "cần phiên bản (version) đã đọc của hồ sơ (version is required)")
		}
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		c, err := svc.Transition(r.Context(), currentActor(r.Context()), caseCode(r), *req.Version,
			cases.Transition{To: req.To, Result: req.Result, On: on, Note: req.Note})
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newCaseJSON(svc, c))
	})
}

type extensionRequest struct {
	DecisionNumber string `json:"decision_number"`
	DecisionDate   string `json:"decision_date"`
	Days           int    `json:"days"`
	Reason         string `json:"reason"`
}

// handleCaseExtension records a decision extending a denunciation's period.
func handleCaseExtension(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req extensionRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		var probs problems
		on := probs.date("decision_date", req.DecisionDate)
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		c, err := svc.Extend(r.Context(), currentActor(r.Context()), caseCode(r),
			cases.Extension{DecisionNumber: req.DecisionNumber, DecisionDate: on, Days: req.Days, Reason: req.Reason})
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newCaseJSON(svc, c))
	})
}

type eventJSON struct {
	ID         int64        `json:"id"`
	At         time.Time    `json:"at"`
	UserID     int64        `json:"user_id"`
	Type       string       `json:"type"`
	From       cases.Status `json:"from"`
	To         cases.Status `json:"to"`
	DocumentID string       `json:"document_id"`
	Note       string       `json:"note"`
}

type eventListJSON struct {
	Events []eventJSON `json:"events"`
}

// handleCaseEvents returns the case's timeline, oldest first.
func handleCaseEvents(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		evs, err := svc.Events(r.Context(), currentActor(r.Context()), caseCode(r))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := eventListJSON{Events: make([]eventJSON, 0, len(evs))}
		for _, e := range evs {
			out.Events = append(out.Events, eventJSON{ID: e.ID, At: e.At, UserID: e.UserID, Type: e.Type, From: e.From,
				To: e.To, DocumentID: e.DocumentID, Note: e.Note})
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// handleCaseDocuments lists the case's documents the user may see: in their unit
// scope, and confidential ones only with a grant on the case.
func handleCaseDocuments(logger *slog.Logger, svc *cases.Service, docs ingest.DocumentStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var probs problems
		limit, offset := probs.page(r.URL.Query())
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		a := currentActor(r.Context())
		c, err := svc.Case(r.Context(), a, caseCode(r))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		f, err := documentFilterFor(r, svc, a)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		f.CaseCode, f.Limit, f.Offset = c.Code, limit, offset
		list, total, err := visibleDocuments(r, svc, a, docs, f)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newDocumentListJSON(list, total))
	})
}

type pinJSON struct {
	PIN string `json:"pin"`
}

// handleCasePIN issues a new lookup PIN for the citizen (the old one stops working).
func handleCasePIN(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pin, err := svc.ResetPIN(r.Context(), currentActor(r.Context()), caseCode(r))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, pinJSON{PIN: pin})
	})
}

// grantRequest names the user granted by user_id or by username (user).
type grantRequest struct {
	UserID int64  `json:"user_id"`
	User   string `json:"user"`
}

type grantJSON struct {
	Case   string `json:"case"`
	UserID int64  `json:"user_id"`
}

// handleGrantCreate lets a user read the case's protected identities and
// confidential documents.
func handleGrantCreate(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req grantRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		var probs problems
		switch {
		case strings.TrimSpace(req.User) != "":
			id := probs.userRef(r, svc.Accounts, "user", req.User)
			if req.UserID != 0 && id != 0 && req.UserID != id {
				probs.add("user", "user và user_id chỉ hai người khác nhau (user and user_id name different users)")
			}
			req.UserID = id
		case req.UserID < 1:
			probs.add("user_id", "cần user_id hoặc user (tên đăng nhập) của người được cấp quyền (user_id or user, a username, is required)")
		}
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		code := caseCode(r)
		if err := svc.Grant(r.Context(), currentActor(r.Context()), code, req.UserID); err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusCreated, grantJSON{Case: code, UserID: req.UserID})
	})
}

func handleGrantDelete(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		userID, err := pathID(r, "user_id")
		if err != nil {
			// Not a number: a username.
			u, uerr := svc.Accounts.UserByRef(r.Context(), chi.URLParam(r, "user_id"))
			if uerr != nil {
				respondError(w, r, logger, uerr)
				return
			}
			userID = u.ID
		}
		if err := svc.Revoke(r.Context(), currentActor(r.Context()), caseCode(r), userID); err != nil {
			respondError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// handleCaseCover prints a QR cover sheet for the case (?kind= the document kind
// the sheet files; empty lets the header decide). The sheet shows the case's code,
// subject and handling unit, never a party.
func handleCaseCover(logger *slog.Logger, accounts *auth.Service, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := writeCover(w, r, accounts, svc); err != nil {
			respondError(w, r, logger, err)
		}
	})
}

// writeCover writes the QR cover sheet of the request's case ({code}, ?kind=)
// for the API and the case page alike; an error is returned before anything is
// written.
func writeCover(w http.ResponseWriter, r *http.Request, accounts *auth.Service, svc *cases.Service) error {
	a := currentActor(r.Context())
	if !cases.Can(a.User.Role, cases.PermDocumentLink) {
		return errs.Errorf(errs.Forbidden, "vai trò %s không in phiếu bìa (role %s lacks %s)", a.User.Role.Label(), a.User.Role, cases.PermDocumentLink)
	}
	c, err := svc.Case(r.Context(), a, caseCode(r))
	if err != nil {
		return err
	}
	kind := ingest.Kind(strings.TrimSpace(r.URL.Query().Get("kind")))
	if kind != "" && !kind.Valid() {
		return errs.Errorf(errs.Invalid, "%s", enum.Unknown("loại văn bản", "document kind", kind, ingest.Kinds()))
	}
	lines := []string{c.Subject}
	if u, err := accounts.Store.Unit(r.Context(), c.UnitID); err == nil {
		lines = append(lines, "Đơn vị xử lý: "+u.Name)
	}
	lines = append(lines, "Ngày nhận đơn: "+c.ReceivedOn.Format("02/01/2006"))
	var buf bytes.Buffer
	if err := cover.WritePDF(&buf, cover.Sheet{CaseCode: c.Code, Kind: kind, Lines: lines}); err != nil {
		return fmt.Errorf("cover sheet of %s: %w", c.Code, err)
	}
	name := "phieu-bia-" + c.Code
	if kind != "" {
		name += "-" + string(kind)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.pdf"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
	return nil
}

type deadlinesJSON struct {
	Overdue []caseJSON `json:"overdue"`
	DueSoon []caseJSON `json:"due_soon"`
}

// handleDeadlines lists the open cases in scope past their deadline and those due
// soon: ?unit=&handler=.
func handleDeadlines(logger *slog.Logger, accounts *auth.Service, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var probs problems
		unit := probs.unit(r, accounts, "unit", q.Get("unit"))
		handler := probs.userParam(r, accounts, "handler", q.Get("handler"))
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		overdue, soon, err := svc.Deadlines(r.Context(), currentActor(r.Context()), unit, handler)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, deadlinesJSON{Overdue: newCaseListJSON(svc, overdue), DueSoon: newCaseListJSON(svc, soon)})
	})
}
