package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"kntc/cases"
	"kntc/internal/errs"
)

// The staff side of the portal's forms (JSON API): the questions citizens asked
// and their answers, the reception schedule, and what the portal knows of a
// petition sent online. Each calls the same cases.Service methods as the staff
// pages (ui_portalforms.go).

// addPortalStaffRoutes declares the routes (routes.go calls it inside the
// authenticated /api/v1 group).
func addPortalStaffRoutes(r chi.Router, logger *slog.Logger, svc *cases.Service) {
	r.Method("GET", "/questions", handleQuestionList(logger, svc))
	r.Method("GET", "/questions/{id}", handleQuestionGet(logger, svc))
	r.Method("PUT", "/questions/{id}/answer", handleQuestionAnswer(logger, svc))
	r.Method("GET", "/reception-days", handleReceptionDayList(logger, svc))
	r.Method("POST", "/reception-days", handleReceptionDayCreate(logger, svc))
	r.Method("PUT", "/reception-days/{id}", handleReceptionDayPut(logger, svc))
	r.Method("DELETE", "/reception-days/{id}", handleReceptionDayDelete(logger, svc))
	r.Method("GET", "/petitions/{id}/online", handlePetitionOnline(logger, svc))
}

// questionJSON is a citizen's question with its answer; contact is the asker's
// (staff only: the portal never shows it).
type questionJSON struct {
	ID         int64       `json:"id"`
	UnitID     int64       `json:"unit_id"`
	Topic      cases.Topic `json:"topic"`
	TopicLabel string      `json:"topic_label"`
	Question   string      `json:"question"`
	Contact    string      `json:"contact"`
	AskedAt    time.Time   `json:"asked_at"`
	Answer     string      `json:"answer"`
	AnsweredBy int64       `json:"answered_by"`
	AnsweredAt *time.Time  `json:"answered_at,omitempty"`
	Public     bool        `json:"public"`
}

func newQuestionJSON(q cases.Question) questionJSON {
	out := questionJSON{ID: q.ID, UnitID: q.UnitID, Topic: q.Topic, TopicLabel: q.Topic.Label(), Question: q.Text,
		Contact: q.Contact, AskedAt: q.AskedAt, Answer: q.Answer, AnsweredBy: q.AnsweredBy, Public: q.Public}
	if !q.AnsweredAt.IsZero() {
		t := q.AnsweredAt
		out.AnsweredAt = &t
	}
	return out
}

type questionListJSON struct {
	Total     int            `json:"total"`
	Questions []questionJSON `json:"questions"`
}

// handleQuestionList lists the questions of the user's units and of no unit,
// newest first: ?unanswered=1&limit=&offset=.
func handleQuestionList(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var p problems
		f := cases.QuestionFilter{}
		switch q.Get("unanswered") {
		case "", "0", "false":
		case "1", "true":
			f.Unanswered = true
		default:
			p.add("unanswered", "unanswered: 1 hoặc 0 (1 or 0)")
		}
		var err error
		if f.Limit, err = intParam(q.Get("limit"), 50, 1, 1000); err != nil {
			p.add("limit", "limit: %v", err)
		}
		if f.Offset, err = intParam(q.Get("offset"), 0, 0, 1<<30); err != nil {
			p.add("offset", "offset: %v", err)
		}
		if err := p.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		list, total, err := svc.Questions(r.Context(), currentActor(r.Context()), f)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := questionListJSON{Total: total, Questions: []questionJSON{}}
		for _, it := range list {
			out.Questions = append(out.Questions, newQuestionJSON(it))
		}
		writeJSON(w, http.StatusOK, out)
	})
}

func handleQuestionGet(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		q, err := svc.Question(r.Context(), currentActor(r.Context()), id)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newQuestionJSON(q))
	})
}

// answerRequest answers a question; public lists it on the portal.
type answerRequest struct {
	Answer string `json:"answer"`
	Public bool   `json:"public"`
}

func handleQuestionAnswer(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		var req answerRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		q, err := svc.AnswerQuestion(r.Context(), currentActor(r.Context()), id, req.Answer, req.Public)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newQuestionJSON(q))
	})
}

// receptionDayJSON is an entry of the reception schedule. weekdays are ISO
// numbers (1 Monday … 7 Sunday); exactly one of weekdays, month_day and on_date
// is given.
type receptionDayJSON struct {
	ID        int64              `json:"id"`
	UnitID    int64              `json:"unit_id"`
	Kind      cases.ScheduleKind `json:"kind"`
	Leader    string             `json:"leader"`
	Weekdays  []int              `json:"weekdays"`
	MonthDay  int                `json:"month_day"`
	OnDate    string             `json:"on_date"`
	Hours     string             `json:"hours"`
	Place     string             `json:"place"`
	Note      string             `json:"note"`
	Days      string             `json:"days"` // when, in words
	UpdatedAt time.Time          `json:"updated_at"`
}

func newReceptionDayJSON(d cases.ReceptionDay) receptionDayJSON {
	out := receptionDayJSON{ID: d.ID, UnitID: d.UnitID, Kind: d.Kind, Leader: d.Leader, Weekdays: []int{}, MonthDay: d.MonthDay,
		OnDate: cases.FormatDate(d.OnDate), Hours: d.Hours, Place: d.Place, Note: d.Note, Days: d.Describe(), UpdatedAt: d.UpdatedAt}
	for _, w := range d.Weekdays {
		out.Weekdays = append(out.Weekdays, (int(w)+6)%7+1)
	}
	return out
}

// receptionDayRequest writes an entry; unit_id 0 is the user's unit.
type receptionDayRequest struct {
	UnitID   int64              `json:"unit_id"`
	Kind     cases.ScheduleKind `json:"kind"`
	Leader   string             `json:"leader"`
	Weekdays []int              `json:"weekdays"`
	MonthDay int                `json:"month_day"`
	OnDate   string             `json:"on_date"`
	Hours    string             `json:"hours"`
	Place    string             `json:"place"`
	Note     string             `json:"note"`
}

func (req receptionDayRequest) day() (cases.ReceptionDay, error) {
	d := cases.ReceptionDay{UnitID: req.UnitID, Kind: req.Kind, Leader: req.Leader, MonthDay: req.MonthDay,
		Hours: req.Hours, Place: req.Place, Note: req.Note}
	var p errs.Problems
	for _, n := range req.Weekdays {
		if n < 1 || n > 7 {
			p.Add("weekdays", "thứ trong tuần là số từ 1 (thứ Hai) đến 7 (Chủ nhật) (weekdays are 1 Monday … 7 Sunday)")
			break
		}
		d.Weekdays = append(d.Weekdays, time.Weekday(n%7))
	}
	if req.OnDate != "" {
		t, err := cases.ParseDate(req.OnDate)
		if err != nil || t.IsZero() {
			p.Add("on_date", "ngày tiếp phải có dạng YYYY-MM-DD (on_date must be YYYY-MM-DD)")
		}
		d.OnDate = t
	}
	return d, p.Err()
}

type receptionDayListJSON struct {
	Days []receptionDayJSON `json:"days"`
}

func handleReceptionDayList(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		days, err := svc.ReceptionSchedule(r.Context(), currentActor(r.Context()))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := receptionDayListJSON{Days: []receptionDayJSON{}}
		for _, d := range days {
			out.Days = append(out.Days, newReceptionDayJSON(d))
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// putReceptionDay is the create and the rewrite: id 0 creates.
func putReceptionDay(w http.ResponseWriter, r *http.Request, logger *slog.Logger, svc *cases.Service, id int64, status int) {
	var req receptionDayRequest
	if err := decodeJSON(r, &req); err != nil {
		respondError(w, r, logger, err)
		return
	}
	d, err := req.day()
	if err != nil {
		respondError(w, r, logger, err)
		return
	}
	d.ID = id
	d, err = svc.PutReceptionDay(r.Context(), currentActor(r.Context()), d)
	if err != nil {
		respondError(w, r, logger, err)
		return
	}
	writeJSON(w, status, newReceptionDayJSON(d))
}

func handleReceptionDayCreate(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		putReceptionDay(w, r, logger, svc, 0, http.StatusCreated)
	})
}

func handleReceptionDayPut(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		putReceptionDay(w, r, logger, svc, id, http.StatusOK)
	})
}

func handleReceptionDayDelete(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		if err := svc.DeleteReceptionDay(r.Context(), currentActor(r.Context()), id); err != nil {
			respondError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// onlineJSON is what the portal recorded of a petition sent online: its lookup
// code, whether it is an anonymous denunciation (information, Luật Tố cáo 2018,
// Điều 25) and the documents its attachments became.
type onlineJSON struct {
	PetitionID int64     `json:"petition_id"`
	Code       string    `json:"code"`
	Anonymous  bool      `json:"anonymous"`
	Documents  []string  `json:"documents"`
	CreatedAt  time.Time `json:"created_at"`
}

func handlePetitionOnline(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		o, err := svc.OnlineOf(r.Context(), currentActor(r.Context()), id)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		docs := o.Documents
		if docs == nil {
			docs = []string{}
		}
		writeJSON(w, http.StatusOK, onlineJSON{PetitionID: o.PetitionID, Code: o.Code, Anonymous: o.Anonymous, Documents: docs, CreatedAt: o.CreatedAt})
	})
}
