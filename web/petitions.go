package web

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/internal/enum"
)

// petitionJSON is a letter of the petition register. A denunciation's sender is
// shown only to a user granted the case the letter opened ("redacted": true and no
// "petitioner" otherwise); the blind indexes of the sender never leave the server.
type petitionJSON struct {
	ID            int64               `json:"id"`
	UnitID        int64               `json:"unit_id"`
	ReceivedOn    string              `json:"received_on"`
	Source        cases.Source        `json:"source"`
	Kind          cases.Kind          `json:"kind"`
	KindLabel     string              `json:"kind_label"`
	Petitioner    *personJSON         `json:"petitioner,omitempty"`
	Secret        bool                `json:"secret"`
	Redacted      bool                `json:"redacted"`
	Subject       string              `json:"subject"`
	Content       string              `json:"content"`
	Admissibility cases.Admissibility `json:"admissibility"`
	Competence    cases.Competence    `json:"competence"`
	Handling      cases.Handling      `json:"handling"`
	TransferredTo string              `json:"transferred_to"`
	DuplicateOf   int64               `json:"duplicate_of"`
	CaseID        int64               `json:"case_id"`
	DocumentID    string              `json:"document_id"`
	CreatedBy     int64               `json:"created_by"`
	CreatedAt     time.Time           `json:"created_at"`
	UpdatedAt     time.Time           `json:"updated_at"`
}

func newPetitionJSON(p cases.Petition) petitionJSON {
	out := petitionJSON{
		ID: p.ID, UnitID: p.UnitID, ReceivedOn: cases.FormatDate(p.ReceivedOn), Source: p.Source, Kind: p.Kind,
		Secret: p.Secret, Redacted: p.Redacted, Subject: p.Subject, Content: p.Content,
		Admissibility: p.Admissibility, Competence: p.Competence, Handling: p.Handling, TransferredTo: p.TransferredTo,
		DuplicateOf: p.DuplicateOf, CaseID: p.CaseID, DocumentID: p.DocumentID, CreatedBy: p.CreatedBy,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
	if p.Kind != "" {
		out.KindLabel = p.Kind.Label()
	}
	if !p.Redacted && !(p.Secret && p.Petitioner == cases.Person{}) {
		out.Petitioner = newPersonJSON(p.Petitioner)
	}
	return out
}

type petitionRequest struct {
	UnitID        int64               `json:"unit_id"`
	ReceivedOn    string              `json:"received_on"`
	Source        cases.Source        `json:"source"`
	Kind          cases.Kind          `json:"kind"`
	Petitioner    personJSON          `json:"petitioner"`
	Subject       string              `json:"subject"`
	Content       string              `json:"content"`
	Admissibility cases.Admissibility `json:"admissibility"`
	Competence    cases.Competence    `json:"competence"`
	Handling      cases.Handling      `json:"handling"`
	TransferredTo string              `json:"transferred_to"`
}

// handlePetitionCreate enters a letter in the register; a letter from the same
// petitioner about the same matter is marked as a duplicate of the first. The
// scanned letter is attached afterwards (PATCH document_id), where the user's right
// to see it is checked.
func handlePetitionCreate(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req petitionRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		var probs problems
		received := probs.date("received_on", req.ReceivedOn)
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		p, err := svc.RegisterPetition(r.Context(), currentActor(r.Context()), cases.Petition{
			UnitID: req.UnitID, ReceivedOn: received, Source: req.Source, Kind: req.Kind, Petitioner: req.Petitioner.person(),
			Subject: req.Subject, Content: req.Content, Admissibility: req.Admissibility, Competence: req.Competence,
			Handling: req.Handling, TransferredTo: req.TransferredTo,
		})
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		w.Header().Set("Location", "/api/v1/petitions/"+strconv.FormatInt(p.ID, 10))
		writeJSON(w, http.StatusCreated, newPetitionJSON(p))
	})
}

type petitionListJSON struct {
	Total     int            `json:"total"`
	Petitions []petitionJSON `json:"petitions"`
}

// handlePetitionList lists the register in the user's scope:
// ?kind=&unit=&unhandled=&limit=&offset=.
func handlePetitionList(logger *slog.Logger, accounts *auth.Service, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var probs problems
		f := cases.PetitionFilter{Kind: cases.Kind(q.Get("kind"))}
		if f.Kind != "" && !f.Kind.Valid() {
			probs.add("kind", "%s", enum.Unknown("kind", "kind", f.Kind, cases.Kinds))
		}
		if unit := probs.unit(r, accounts, "unit", q.Get("unit")); unit != 0 {
			f.UnitIDs = []int64{unit}
		}
		switch q.Get("unhandled") {
		case "", "0", "false":
		case "1", "true":
			f.Unhandled = true
		default:
			probs.add("unhandled", "unhandled: 1 hoặc 0 (1 or 0)")
		}
		f.Limit, f.Offset = probs.page(q)
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		list, total, err := svc.Petitions(r.Context(), currentActor(r.Context()), f)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := petitionListJSON{Total: total, Petitions: make([]petitionJSON, 0, len(list))}
		for _, p := range list {
			out.Petitions = append(out.Petitions, newPetitionJSON(p))
		}
		writeJSON(w, http.StatusOK, out)
	})
}

func handlePetitionGet(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		p, err := svc.Petition(r.Context(), currentActor(r.Context()), id)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newPetitionJSON(p))
	})
}

// petitionPatchRequest classifies and decides a letter; absent fields stay.
type petitionPatchRequest struct {
	Kind          *cases.Kind          `json:"kind"`
	Subject       *string              `json:"subject"`
	Content       *string              `json:"content"`
	Admissibility *cases.Admissibility `json:"admissibility"`
	Competence    *cases.Competence    `json:"competence"`
	Handling      *cases.Handling      `json:"handling"`
	TransferredTo *string              `json:"transferred_to"`
	DocumentID    *string              `json:"document_id"`
}

func handlePetitionPatch(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		var req petitionPatchRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		p, err := svc.UpdatePetition(r.Context(), currentActor(r.Context()), id, cases.PetitionPatch{
			Kind: req.Kind, Subject: req.Subject, Content: req.Content, Admissibility: req.Admissibility,
			Competence: req.Competence, Handling: req.Handling, TransferredTo: req.TransferredTo, DocumentID: req.DocumentID,
		})
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newPetitionJSON(p))
	})
}

// openCaseInput reads the {id} and the optional body of a request that opens a
// case from a petition or a visit.
func openCaseInput(r *http.Request, accounts *auth.Service) (int64, cases.NewCase, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, cases.NewCase{}, err
	}
	var req openCaseRequest
	if err := decodeOptionalJSON(r, &req); err != nil {
		return 0, cases.NewCase{}, err
	}
	var probs problems
	in := req.newCase(r, accounts, &probs)
	return id, in, probs.err()
}

type petitionCaseJSON struct {
	Case     caseJSON     `json:"case"`
	PIN      string       `json:"pin"`
	Petition petitionJSON `json:"petition"`
}

// handlePetitionCase opens the case a letter asks for (thụ lý): its sender becomes
// the petitioner party. The citizen's lookup PIN is shown this once.
func handlePetitionCase(logger *slog.Logger, svc *cases.Service) http.Handler {
	return handleOpenCaseFrom(logger, svc, svc.OpenCaseFromPetition, func(c caseJSON, pin string, p cases.Petition) any {
		return petitionCaseJSON{Case: c, PIN: pin, Petition: newPetitionJSON(p)}
	})
}

// handleOpenCaseFrom opens a case from a letter or a visit (open) and answers 201
// with the case, its PIN shown this once, and the origin as body words it.
func handleOpenCaseFrom[T any](logger *slog.Logger, svc *cases.Service,
	open func(context.Context, cases.Actor, int64, cases.NewCase) (cases.Case, string, T, error),
	body func(c caseJSON, pin string, origin T) any) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, in, err := openCaseInput(r, svc.Accounts)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		c, pin, origin, err := open(r.Context(), currentActor(r.Context()), id, in)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		w.Header().Set("Location", "/api/v1/cases/"+c.Code)
		writeJSON(w, http.StatusCreated, body(newCaseJSON(svc, c), pin, origin))
	})
}
