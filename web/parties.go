package web

import (
	"log/slog"
	"net/http"
	"time"

	"kntc/cases"
)

// personJSON is who someone is: a party, a petitioner, a visitor.
type personJSON struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	Address  string `json:"address"`
	Phone    string `json:"phone"`
}

func (p personJSON) person() cases.Person {
	return cases.Person{Name: p.Name, IDNumber: p.IDNumber, Address: p.Address, Phone: p.Phone}
}

func newPersonJSON(p cases.Person) *personJSON {
	return &personJSON{Name: p.Name, IDNumber: p.IDNumber, Address: p.Address, Phone: p.Phone}
}

// partyJSON is a party. A protected identity the user is not granted is shown as
// "redacted": true with no identity field at all (not even empty ones), and without
// its note, which a clerk may have written about the person.
type partyJSON struct {
	ID       int64           `json:"id"`
	Role     cases.PartyRole `json:"role"`
	Secret   bool            `json:"secret"`
	Redacted bool            `json:"redacted"`
	*personJSON
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func newPartyJSON(p cases.Party) partyJSON {
	out := partyJSON{ID: p.ID, Role: p.Role, Secret: p.Secret, Redacted: p.Redacted, CreatedAt: p.CreatedAt}
	if !p.Redacted {
		out.personJSON, out.Note = newPersonJSON(p.Person), p.Note
	}
	return out
}

type partyRequest struct {
	Role     cases.PartyRole `json:"role"`
	Name     string          `json:"name"`
	IDNumber string          `json:"id_number"`
	Address  string          `json:"address"`
	Phone    string          `json:"phone"`
	Note     string          `json:"note"`
}

func (req partyRequest) party() cases.Party {
	return cases.Party{Role: req.Role, Note: req.Note,
		Person: cases.Person{Name: req.Name, IDNumber: req.IDNumber, Address: req.Address, Phone: req.Phone}}
}

type partyListJSON struct {
	Parties []partyJSON `json:"parties"`
}

// handlePartyList returns the case's parties; a protected identity is opened only
// for a user granted the case, and that read is recorded.
func handlePartyList(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ps, err := svc.Parties(r.Context(), currentActor(r.Context()), caseCode(r))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := partyListJSON{Parties: make([]partyJSON, 0, len(ps))}
		for _, p := range ps {
			out.Parties = append(out.Parties, newPartyJSON(p))
		}
		writeJSON(w, http.StatusOK, out)
	})
}

func handlePartyCreate(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req partyRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		p, err := svc.AddParty(r.Context(), currentActor(r.Context()), caseCode(r), req.party())
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusCreated, newPartyJSON(p))
	})
}

// handlePartyUpdate replaces a party's fields (a protected identity is replaced
// whole).
func handlePartyUpdate(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		var req partyRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		p := req.party()
		p.ID = id
		p, err = svc.UpdateParty(r.Context(), currentActor(r.Context()), caseCode(r), p)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newPartyJSON(p))
	})
}

func handlePartyDelete(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		if err := svc.DeleteParty(r.Context(), currentActor(r.Context()), caseCode(r), id); err != nil {
			respondError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
