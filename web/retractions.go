package web

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"kntc/cases"
	"kntc/internal/errs"
)

// retractionJSON is a retracted document in the list: where it was, who took it
// out and when; never its file name, its text or the reason (which may name
// people, and stays in the database as the audit entry says).
type retractionJSON struct {
	DocumentID string     `json:"document_id"`
	Unit       string     `json:"unit"`
	Case       string     `json:"case,omitempty"`
	Kind       string     `json:"kind"`
	Pages      int        `json:"pages"`
	Size       int64      `json:"size"`
	By         string     `json:"by"`
	At         time.Time  `json:"at"`
	PurgedAt   *time.Time `json:"purged_at,omitempty"`
	PurgedBy   string     `json:"purged_by,omitempty"`
	// WriteOnceUntil: a decision whose archive copy is kept write-once cannot be
	// purged before then.
	WriteOnceUntil *time.Time `json:"write_once_until,omitempty"`
}

type retractionListJSON struct {
	Retractions []retractionJSON `json:"retractions"`
	Total       int              `json:"total"`
}

func newRetractionJSON(r cases.Retraction) retractionJSON {
	j := retractionJSON{DocumentID: r.DocumentID, Unit: r.UnitCode, Case: r.CaseCode, Kind: string(r.Kind), Pages: r.Pages,
		Size: r.Size, By: r.By, At: r.At, PurgedBy: r.PurgedBy}
	if !r.PurgedAt.IsZero() {
		at := r.PurgedAt
		j.PurgedAt = &at
	}
	if !r.WriteOnceUntil.IsZero() {
		until := r.WriteOnceUntil
		j.WriteOnceUntil = &until
	}
	return j
}

// retractionFilterOf reads ?purged=0|1 and ?page= (50 a page).
func retractionFilterOf(r *http.Request) (cases.RetractionFilter, error) {
	var f cases.RetractionFilter
	var p errs.Problems
	q := r.URL.Query()
	switch v := q.Get("purged"); v {
	case "":
	case "0", "1":
		b := v == "1"
		f.Purged = &b
	default:
		p.Add("purged", "phải là 0 hoặc 1 (must be 0 or 1)")
	}
	page := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			p.Add("page", "phải là số từ 1 đến 10000 (must be a number from 1 to 10000)")
		} else {
			page = n
		}
	}
	f.Limit, f.Offset = 50, (page-1)*50
	return f, p.Err()
}

// handleRetractionList lists the retracted documents of the actor's units
// (leaders, administrators), newest first, with whether each was purged.
func handleRetractionList(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := retractionFilterOf(r)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		list, total, err := svc.Retractions(r.Context(), currentActor(r.Context()), f)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := retractionListJSON{Retractions: make([]retractionJSON, 0, len(list)), Total: total}
		for _, x := range list {
			out.Retractions = append(out.Retractions, newRetractionJSON(x))
		}
		writeJSON(w, http.StatusOK, out)
	})
}

type purgeJSON struct {
	Deleted int  `json:"deleted"`
	Shared  bool `json:"shared"`
}

// handleDocumentPurge deletes a retracted document's files (administrators).
func handleDocumentPurge(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := svc.Purge(r.Context(), currentActor(r.Context()), chi.URLParam(r, "id"))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, purgeJSON{Deleted: res.Deleted, Shared: res.Shared})
	})
}
