package web

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"kntc/auth"
	"kntc/cases"
)

// receptionJSON is an entry of the reception log. Visitors who came to denounce
// are shown only to a user granted the case the visit opened ("redacted": true and
// no "visitors" otherwise).
type receptionJSON struct {
	ID        int64        `json:"id"`
	UnitID    int64        `json:"unit_id"`
	At        time.Time    `json:"at"`
	OfficerID int64        `json:"officer_id"`
	Visitors  []personJSON `json:"visitors,omitempty"`
	Secret    bool         `json:"secret"`
	Redacted  bool         `json:"redacted"`
	GroupSize int          `json:"group_size"`
	Kind      cases.Kind   `json:"kind"`
	Content   string       `json:"content"`
	Outcome   string       `json:"outcome"`
	CaseID    int64        `json:"case_id"`
	CreatedBy int64        `json:"created_by"`
	CreatedAt time.Time    `json:"created_at"`
}

func newReceptionJSON(r cases.Reception) receptionJSON {
	out := receptionJSON{ID: r.ID, UnitID: r.UnitID, At: r.At, OfficerID: r.OfficerID, Secret: r.Secret, Redacted: r.Redacted,
		GroupSize: r.GroupSize, Kind: r.Kind, Content: r.Content, Outcome: r.Outcome, CaseID: r.CaseID,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
	if !r.Redacted {
		for _, v := range r.Visitors {
			out.Visitors = append(out.Visitors, *newPersonJSON(v))
		}
	}
	return out
}

type receptionRequest struct {
	UnitID    int64        `json:"unit_id"`
	At        *time.Time   `json:"at"` // RFC 3339; now when absent (a zero time given is refused)
	OfficerID int64        `json:"officer_id"`
	Visitors  []personJSON `json:"visitors"`
	GroupSize int          `json:"group_size"`
	Kind      cases.Kind   `json:"kind"`
	Content   string       `json:"content"`
	Outcome   string       `json:"outcome"`
}

func handleReceptionCreate(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req receptionRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		var probs problems
		at := probs.moment("at", req.At)
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		in := cases.Reception{UnitID: req.UnitID, At: at, OfficerID: req.OfficerID, GroupSize: req.GroupSize,
			Kind: req.Kind, Content: req.Content, Outcome: req.Outcome}
		for _, v := range req.Visitors {
			in.Visitors = append(in.Visitors, v.person())
		}
		rec, err := svc.RecordReception(r.Context(), currentActor(r.Context()), in)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		w.Header().Set("Location", "/api/v1/receptions/"+strconv.FormatInt(rec.ID, 10))
		writeJSON(w, http.StatusCreated, newReceptionJSON(rec))
	})
}

type receptionListJSON struct {
	Total      int             `json:"total"`
	Receptions []receptionJSON `json:"receptions"`
}

// handleReceptionList lists the log in the user's scope: ?unit=&from=&to=&limit=&offset=
// (from and to are days, both included, counted in Vietnam's time).
func handleReceptionList(logger *slog.Logger, accounts *auth.Service, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var probs problems
		var f cases.ReceptionFilter
		if unit := probs.unit(r, accounts, "unit", q.Get("unit")); unit != 0 {
			f.UnitIDs = []int64{unit}
		}
		if from := probs.date("from", q.Get("from")); !from.IsZero() {
			f.From = localMidnight(from)
		}
		if to := probs.date("to", q.Get("to")); !to.IsZero() {
			f.To = localMidnight(to.AddDate(0, 0, 1))
		}
		f.Limit, f.Offset = probs.page(q)
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		list, total, err := svc.Receptions(r.Context(), currentActor(r.Context()), f)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := receptionListJSON{Total: total, Receptions: make([]receptionJSON, 0, len(list))}
		for _, rec := range list {
			out.Receptions = append(out.Receptions, newReceptionJSON(rec))
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// localMidnight is the start of day d in Vietnam.
func localMidnight(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, vietnam)
}

func handleReceptionGet(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		rec, err := svc.Reception(r.Context(), currentActor(r.Context()), id)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newReceptionJSON(rec))
	})
}

type receptionCaseJSON struct {
	Case      caseJSON      `json:"case"`
	PIN       string        `json:"pin"`
	Reception receptionJSON `json:"reception"`
}

// handleReceptionCase opens a case from a visit: the visitors become petitioners.
func handleReceptionCase(logger *slog.Logger, svc *cases.Service) http.Handler {
	return handleOpenCaseFrom(logger, svc, svc.OpenCaseFromReception, func(c caseJSON, pin string, rec cases.Reception) any {
		return receptionCaseJSON{Case: c, PIN: pin, Reception: newReceptionJSON(rec)}
	})
}
