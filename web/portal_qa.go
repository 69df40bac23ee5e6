package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kntc/cases"
)

// Questions and answers (hỏi – đáp) on the portal: the public answered questions,
// newest answer first, searched with or without diacritics (cases.PublicQuestions
// matches folded words) and by topic, and the form to ask one. The asker's
// contact is for the staff's reply: never shown here.

// questionsPerPage is the list's page size.
const questionsPerPage = 20

// questionsPage is the page's data.
type questionsPage struct {
	Query     string
	Topic     string
	Topics    []option
	Items     []questionItem
	Total     int
	Page      int
	PrevURL   string
	NextURL   string
	Searching bool
	Sent      bool
	Ask       map[string]string // the ask form's values
	AskErrors map[string]string
	Units     []option
}

type questionItem struct {
	ID         int64
	TopicLabel string
	Text       string
	Answer     string
	AnsweredOn string
}

// questionsData fills the list part of the page from the query string.
func (f *portalForms) questionsData(r *http.Request, L *printer) (questionsPage, error) {
	q := r.URL.Query()
	pg := questionsPage{Ask: map[string]string{}, AskErrors: map[string]string{}}
	query := strings.ToValidUTF8(strings.TrimSpace(q.Get("q")), "")
	if rs := []rune(query); len(rs) > 200 {
		query = string(rs[:200])
	}
	pg.Query = nfc(query)
	if t := cases.Topic(q.Get("topic")); t.Valid() {
		pg.Topic = string(t)
	}
	pg.Page, _ = strconv.Atoi(q.Get("trang"))
	pg.Page = max(1, min(pg.Page, 500))
	pg.Searching = pg.Query != "" || pg.Topic != ""
	for _, t := range cases.Topics {
		pg.Topics = append(pg.Topics, option{Value: string(t), Label: t.Label()})
	}
	units, err := f.deps.Accounts.Store.Units(r.Context())
	if err != nil {
		return pg, err
	}
	for _, u := range units {
		pg.Units = append(pg.Units, option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
	}
	items, total, err := f.deps.Cases.PublicQuestions(r.Context(), pg.Query, cases.Topic(pg.Topic), questionsPerPage, (pg.Page-1)*questionsPerPage)
	if err != nil {
		return pg, err
	}
	pg.Total = total
	for _, it := range items {
		pg.Items = append(pg.Items, questionItem{ID: it.ID, TopicLabel: it.Topic.Label(), Text: it.Text, Answer: it.Answer,
			AnsweredOn: uiDate(it.AnsweredAt)})
	}
	link := func(page int) string {
		v := url.Values{}
		if pg.Query != "" {
			v.Set("q", pg.Query)
		}
		if pg.Topic != "" {
			v.Set("topic", pg.Topic)
		}
		v.Set("trang", strconv.Itoa(page))
		return portalPrefix + "/hoi-dap?" + v.Encode()
	}
	if pg.Page > 1 {
		pg.PrevURL = link(pg.Page - 1)
	}
	if pg.Page*questionsPerPage < total {
		pg.NextURL = link(pg.Page + 1)
	}
	return pg, nil
}

// nfc is a query string in NFC (the stored texts are).
func nfc(s string) string {
	v := url.Values{"s": {s}}
	nfcValues(v)
	return v.Get("s")
}

func (f *portalForms) renderQuestions(w http.ResponseWriter, r *http.Request, status int, cache string, pg questionsPage, msg string) {
	v := f.view("portal.qa.title")
	v.Error, v.Data = msg, pg
	f.render(w, r, status, cache, "questions", v)
}

// handleQuestionsPage lists the public answers; the same for everyone, so
// caches may keep it a minute (an answer made public shows soon enough).
func (f *portalForms) handleQuestionsPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		L := f.view("").L
		pg, err := f.questionsData(r, L)
		if err != nil {
			f.fail(w, r, "portal questions", err)
			return
		}
		pg.Sent = r.URL.Query().Get("da-gui") == "1"
		f.renderQuestions(w, r, http.StatusOK, "public, max-age=60", pg, "")
	})
}

// handleQuestionPost records a question and goes back to the list (303) with a
// notice; with problems the page again (422) with what was typed.
func (f *portalForms) handleQuestionPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		L := f.view("").L
		ip := limitKey(clientIP(r))
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		parseErr := r.ParseForm()
		pg, err := f.questionsData(r, L)
		if err != nil {
			f.fail(w, r, "portal questions", err)
			return
		}
		if wait, refused := f.submits.refused("question\x00"+ip, questionsPerHour); refused {
			f.logger.WarnContext(ctx, "portal question refused", "client_ip", ip)
			f.refuse429(w, r, wait, "questions", pg)
			return
		}
		if parseErr != nil {
			f.renderQuestions(w, r, http.StatusBadRequest, "no-store", pg, L.T("portal.qa.bad"))
			return
		}
		form := r.PostForm
		nfcValues(form)
		for _, k := range []string{"topic", "question", "contact", "unit"} {
			pg.Ask[k] = form.Get(k)
		}
		if form.Get(honeypot) != "" {
			f.submits.add("question\x00" + ip)
			f.logger.WarnContext(ctx, "portal question honeypot", "client_ip", ip)
			f.renderQuestions(w, r, http.StatusUnprocessableEntity, "no-store", pg, L.T("portal.qa.bad"))
			return
		}
		unitID, _ := strconv.ParseInt(strings.TrimSpace(form.Get("unit")), 10, 64)
		_, err = f.deps.Cases.Ask(ctx, cases.Question{UnitID: unitID, Topic: cases.Topic(form.Get("topic")),
			Text: form.Get("question"), Contact: form.Get("contact")})
		if err != nil {
			problems, ok := portalProblems(err)
			if !ok {
				f.fail(w, r, "portal question", err)
				return
			}
			pg.AskErrors = problems
			f.renderQuestions(w, r, http.StatusUnprocessableEntity, "no-store", pg, L.T("portal.form.problems"))
			return
		}
		f.submits.add("question\x00" + ip)
		http.Redirect(w, r, portalPrefix+"/hoi-dap?da-gui=1#gui-cau-hoi", http.StatusSeeOther)
	})
}
