package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"kntc/cases"
)

// The staff pages of the portal's forms: the citizens' questions to answer (and
// make public or not), and the unit's reception schedule. They call the same
// services as the JSON API (portal_staff.go).

// addPortalStaffPages declares the pages (ui_routes.go calls it among the
// signed-in pages).
func addPortalStaffPages(r chi.Router, p *pages) {
	r.Method("GET", "/questions", p.handleQuestionsStaffPage())
	r.Method("POST", "/questions/{id}/answer", p.handleQuestionAnswerPost())
	r.Method("GET", "/schedule", p.handleSchedulePage())
	r.Method("GET", "/schedule/new", p.handleScheduleFormPage())
	r.Method("POST", "/schedule/new", p.handleScheduleFormPost())
	r.Method("POST", "/schedule/{id}/delete", p.handleScheduleDeletePost())
}

// staffQuestions is the questions page's data.
type staffQuestions struct {
	All       bool
	Items     []cases.Question
	Total     int
	CanAnswer bool
	Error     map[int64]string // a refused answer's message, by question
}

func (p *pages) renderQuestionsStaff(w http.ResponseWriter, r *http.Request, status int, all bool, errByID map[int64]string, notice string) {
	ctx := r.Context()
	a := currentActor(ctx)
	items, total, err := p.deps.Cases.Questions(ctx, a, cases.QuestionFilter{Unanswered: !all, Limit: 100})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	v := p.view(r, "questions", "staffqa.title")
	v.Notice = notice
	v.Data = staffQuestions{All: all, Items: items, Total: total, CanAnswer: cases.Can(a.User.Role, cases.PermReceptionWrite), Error: errByID}
	p.render(w, r, status, "questions", v)
}

// handleQuestionsStaffPage lists the unanswered questions (?all=1: every one).
func (p *pages) handleQuestionsStaffPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		notice := ""
		if r.URL.Query().Get("done") == "1" {
			notice = p.printer(r).T("staffqa.done")
		}
		p.renderQuestionsStaff(w, r, http.StatusOK, r.URL.Query().Get("all") == "1", nil, notice)
	})
}

// handleQuestionAnswerPost answers a question (PRG back to the list).
func (p *pages) handleQuestionAnswerPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			p.fail(w, r, err)
			return
		}
		form := r.PostForm
		_, err = p.deps.Cases.AnswerQuestion(r.Context(), currentActor(r.Context()), id, form.Get("answer"), form.Get("public") == "1")
		if err != nil {
			if problems, ok := portalProblems(err); ok {
				msgs := []string{}
				for _, m := range problems {
					msgs = append(msgs, m)
				}
				p.renderQuestionsStaff(w, r, http.StatusUnprocessableEntity, form.Get("all") == "1", map[int64]string{id: strings.Join(msgs, "; ")}, "")
				return
			}
			p.fail(w, r, err)
			return
		}
		back := "/questions?done=1"
		if form.Get("all") == "1" {
			back += "&all=1"
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
	})
}

// staffSchedule is the schedule page's data.
type staffSchedule struct {
	Rows    []scheduleStaffRow
	CanEdit bool
}

type scheduleStaffRow struct {
	ID                                  int64
	Unit, Kind, Leader, When, Hours, At string
}

func (p *pages) handleSchedulePage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		a := currentActor(ctx)
		days, err := p.deps.Cases.ReceptionSchedule(ctx, a)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		units, err := p.deps.Accounts.Store.Units(ctx)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		names := map[int64]string{}
		for _, u := range units {
			names[u.ID] = u.Name
		}
		L := p.printer(r)
		data := staffSchedule{CanEdit: cases.Can(a.User.Role, cases.PermReceptionWrite)}
		for _, d := range days {
			data.Rows = append(data.Rows, scheduleStaffRow{ID: d.ID, Unit: names[d.UnitID], Kind: L.T("staffschedule.kind." + string(d.Kind)),
				Leader: d.Leader, When: d.Describe(), Hours: d.Hours, At: d.Place})
		}
		v := p.view(r, "schedule", "staffschedule.title")
		switch r.URL.Query().Get("done") {
		case "saved":
			v.Notice = L.T("staffschedule.saved")
		case "deleted":
			v.Notice = L.T("staffschedule.deleted")
		}
		v.Data = data
		p.render(w, r, http.StatusOK, "schedule", v)
	})
}

// scheduleForm is the form of a new schedule entry.
func (p *pages) scheduleForm(r *http.Request, L *printer) (formPage, error) {
	a := currentActor(r.Context())
	units, err := p.deps.Accounts.Store.Units(r.Context())
	if err != nil {
		return formPage{}, err
	}
	var unitOpts []option
	for _, u := range units {
		if a.UnitIDs == nil || containsID(a.UnitIDs, u.ID) {
			unitOpts = append(unitOpts, option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
		}
	}
	weekdays := []option{{Value: "", Label: L.T("staffschedule.weekday.none")}}
	for n := 1; n <= 7; n++ {
		weekdays = append(weekdays, option{Value: strconv.Itoa(n), Label: cases.WeekdayLabel(time.Date(2026, 3, 8+n, 0, 0, 0, 0, time.UTC))})
	}
	f := formPage{Action: "/schedule/new", Submit: L.T("staffschedule.submit"), Back: "/schedule", Intro: L.T("staffschedule.intro"), Default: "days",
		Fields: []formField{
			{Name: "unit_id", Label: L.T("staffschedule.unit"), Type: "select", Options: unitOpts, Required: true},
			{Name: "kind", Label: L.T("staffschedule.kind"), Type: "select", Required: true, Options: []option{
				{Value: string(cases.ScheduleRegular), Label: L.T("staffschedule.kind.thuong_xuyen")},
				{Value: string(cases.ScheduleLeader), Label: L.T("staffschedule.kind.lanh_dao")}}},
			{Name: "leader", Label: L.T("staffschedule.leader"), Hint: L.T("staffschedule.leader.hint"), Type: "text", Max: 200},
			{Name: "weekday1", Label: L.T("staffschedule.weekday1"), Hint: L.T("staffschedule.days.hint"), Type: "select", Options: weekdays},
			{Name: "weekday2", Label: L.T("staffschedule.weekday2"), Type: "select", Options: weekdays},
			{Name: "month_day", Label: L.T("staffschedule.month_day"), Type: "number"},
			{Name: "on_date", Label: L.T("staffschedule.on_date"), Hint: L.T("forms.date.hint"), Type: "date"},
			{Name: "hours", Label: L.T("staffschedule.hours"), Type: "text", Required: true, Max: 100},
			{Name: "place", Label: L.T("staffschedule.place"), Type: "text", Required: true, Max: 300},
			{Name: "note", Label: L.T("staffschedule.note"), Type: "textarea", Max: 1000},
		}}
	return f, nil
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func (p *pages) handleScheduleFormPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := currentActor(r.Context()).Require(cases.PermReceptionWrite); err != nil {
			p.fail(w, r, err)
			return
		}
		f, err := p.scheduleForm(r, p.printer(r))
		if err != nil {
			p.fail(w, r, err)
			return
		}
		p.renderForm(w, r, "schedule", "staffschedule.new", f)
	})
}

// handleScheduleFormPost adds an entry through cases.Service.PutReceptionDay.
func (p *pages) handleScheduleFormPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := currentActor(r.Context())
		if err := a.Require(cases.PermReceptionWrite); err != nil {
			p.fail(w, r, err)
			return
		}
		L := p.printer(r)
		f, err := p.scheduleForm(r, L)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		form := r.PostForm
		f.fill(form)
		unitID, _ := strconv.ParseInt(form.Get("unit_id"), 10, 64)
		d := cases.ReceptionDay{UnitID: unitID, Kind: cases.ScheduleKind(form.Get("kind")), Leader: form.Get("leader"),
			MonthDay: formInt(&f, L, "month_day", form.Get("month_day"), 1, 31), OnDate: formDate(&f, L, "on_date", form.Get("on_date")),
			Hours: form.Get("hours"), Place: form.Get("place"), Note: form.Get("note")}
		for _, k := range []string{"weekday1", "weekday2"} {
			if n, err := strconv.Atoi(form.Get(k)); err == nil && n >= 1 && n <= 7 {
				d.Weekdays = append(d.Weekdays, time.Weekday(n%7))
			}
		}
		if hasFieldError(f) {
			p.renderForm(w, r, "schedule", "staffschedule.new", f)
			return
		}
		if _, err := p.deps.Cases.PutReceptionDay(r.Context(), a, d); err != nil {
			if f.problems(err) {
				p.renderForm(w, r, "schedule", "staffschedule.new", f)
				return
			}
			p.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/schedule?done=saved", http.StatusSeeOther)
	})
}

func (p *pages) handleScheduleDeletePost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			p.fail(w, r, err)
			return
		}
		if err := p.deps.Cases.DeleteReceptionDay(r.Context(), currentActor(r.Context()), id); err != nil {
			p.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/schedule?done=deleted", http.StatusSeeOther)
	})
}
