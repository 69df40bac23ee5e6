package cases

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"kntc/internal/errs"
	"kntc/internal/textin"
	"kntc/internal/viet"
)

// Questions and answers (hỏi – đáp, issue 13 item 5): a citizen asks on the
// portal; staff of the unit answer and may make the answer public; the portal
// lists and searches public answers only. The asker's contact is for the reply
// and is never shown on the portal.

// Question is one question and its answer.
type Question struct {
	ID         int64
	UnitID     int64 // 0: no unit chosen
	Topic      Topic
	Text       string
	Contact    string // how the asker wants the reply; staff only
	AskedAt    time.Time
	Answer     string
	AnsweredBy int64
	AnsweredAt time.Time // zero while unanswered
	Public     bool      // listed on the portal (answered ones only)
	// Folded is the topic, question and answer without diacritics, lower case,
	// words between single spaces: what the portal's search matches.
	Folded string
}

// Topic is what a question is about.
type Topic string

// The topics.
const (
	TopicLand         Topic = "dat_dai"
	TopicCompensation Topic = "boi_thuong"
	TopicHousing      Topic = "nha_o_xay_dung"
	TopicPolicy       Topic = "che_do_chinh_sach"
	TopicJustice      Topic = "tu_phap_ho_tich"
	TopicProcedure    Topic = "thu_tuc_khieu_nai_to_cao"
	TopicOther        Topic = "khac"
)

// Topics lists the topics in the order forms show them.
var Topics = []Topic{TopicProcedure, TopicLand, TopicCompensation, TopicHousing, TopicPolicy, TopicJustice, TopicOther}

// Valid reports whether t is a known topic.
func (t Topic) Valid() bool { return slices.Contains(Topics, t) }

// Label is the topic in Vietnamese.
func (t Topic) Label() string {
	switch t {
	case TopicLand:
		return "Đất đai"
	case TopicCompensation:
		return "Bồi thường, hỗ trợ, tái định cư"
	case TopicHousing:
		return "Nhà ở, xây dựng"
	case TopicPolicy:
		return "Chế độ, chính sách"
	case TopicJustice:
		return "Tư pháp, hộ tịch"
	case TopicProcedure:
		return "Thủ tục khiếu nại, tố cáo, tiếp công dân"
	case TopicOther:
		return "Khác"
	}
	return string(t)
}

// QuestionFilter selects questions.
type QuestionFilter struct {
	// UnitIDs: questions of these units and those of no unit; nil is every one.
	UnitIDs    []int64
	PublicOnly bool // answered and public
	Unanswered bool
	Topic      Topic
	// Words: every one must be in Folded (as FoldWords gives them).
	Words  []string
	Limit  int // 0 means 50
	Offset int
}

var (
	fieldQuestion = textin.Field{Key: "question", Name: "câu hỏi", English: "question", Max: 4000, Multiline: true, Required: true}
	fieldContact  = textin.Field{Key: "contact", Name: "thông tin liên hệ", English: "contact", Max: 200}
	fieldAnswer   = textin.Field{Key: "answer", Name: "câu trả lời", English: "answer", Max: 20000, Multiline: true, Required: true}
)

// ActionQuestionAsk: a citizen asked a question; ActionQuestionAnswer: staff
// answered one (or changed whether it is public).
const (
	ActionQuestionAsk    = "question_ask"
	ActionQuestionAnswer = "question_answer"
)

func foldQuestion(q Question) string {
	return " " + viet.FoldWords(q.Topic.Label()+" "+q.Text+" "+q.Answer) + " "
}

// Ask records a citizen's question.
func (s *Service) Ask(ctx context.Context, q Question) (Question, error) {
	var probs errs.Problems
	if !q.Topic.Valid() {
		probs.Add("topic", "hãy chọn lĩnh vực của câu hỏi (choose a topic)")
	}
	fieldQuestion.Check(&probs, &q.Text)
	fieldContact.Check(&probs, &q.Contact)
	if q.UnitID != 0 {
		if _, err := s.Accounts.Store.Unit(ctx, q.UnitID); errors.Is(err, errs.ErrNotFound) {
			probs.Add("unit", "cơ quan không có trong danh sách (unknown office)")
		} else if err != nil {
			return Question{}, err
		}
	}
	if err := probs.Err(); err != nil {
		return Question{}, err
	}
	q.ID, q.Answer, q.AnsweredBy, q.AnsweredAt, q.Public = 0, "", 0, time.Time{}, false
	q.AskedAt = s.now()
	q.Folded = foldQuestion(q)
	if err := s.Store.CreateQuestion(ctx, &q, Citizen.record(ActionQuestionAsk, "", "topic="+string(q.Topic))); err != nil {
		return Question{}, err
	}
	return q, nil
}

// Question returns a question for staff who may read the reception records of
// its unit.
func (s *Service) Question(ctx context.Context, a Actor, id int64) (Question, error) {
	if err := a.require(PermReceptionRead); err != nil {
		return Question{}, err
	}
	q, err := s.Store.Question(ctx, id)
	if err != nil {
		return Question{}, err
	}
	if q.UnitID != 0 && !a.seesUnit(q.UnitID) {
		return Question{}, notFound("question")
	}
	return q, nil
}

// Questions lists questions for staff: of their units and of no unit.
func (s *Service) Questions(ctx context.Context, a Actor, f QuestionFilter) ([]Question, int, error) {
	if err := a.require(PermReceptionRead); err != nil {
		return nil, 0, err
	}
	f.UnitIDs = narrow(a, f.UnitIDs)
	return s.Store.Questions(ctx, f)
}

// AnswerQuestion writes the answer and whether the portal lists it. A question
// can be answered again (a correction); the answerer and time are the last.
func (s *Service) AnswerQuestion(ctx context.Context, a Actor, id int64, answer string, public bool) (Question, error) {
	if err := a.require(PermReceptionWrite); err != nil {
		return Question{}, err
	}
	q, err := s.Question(ctx, a, id)
	if err != nil {
		return Question{}, err
	}
	var probs errs.Problems
	fieldAnswer.Check(&probs, &answer)
	if err := probs.Err(); err != nil {
		return Question{}, err
	}
	if public {
		// The portal never shows a denouncer (Luật Tố cáo 2018, Điều 47), whoever
		// wrote the name: the asker about themselves, or staff in the answer —
		// as a published decision may name no protected identity of its unit.
		named, err := s.namesProtected(ctx, a, q.UnitID, q.Text+"\n"+answer)
		if err != nil {
			return Question{}, err
		}
		if named {
			return Question{}, errs.Errorf(errs.Conflict, "không công khai: câu hỏi hoặc câu trả lời nêu danh tính một người được bảo vệ; "+
				"hãy trả lời mà không công khai, hoặc bỏ danh tính khỏi câu trả lời (not made public: the question or the answer names a protected person)")
		}
	}
	q.Answer, q.AnsweredBy, q.AnsweredAt, q.Public = answer, a.User.ID, s.now(), public
	q.Folded = foldQuestion(q)
	if err := s.Store.UpdateQuestion(ctx, &q, a.record(ActionQuestionAnswer, "question:"+strconv.FormatInt(q.ID, 10),
		"public="+strconv.FormatBool(public))); err != nil {
		return Question{}, err
	}
	return q, nil
}

// namesProtected reports whether text names a protected identity of unit
// unitID, or, for 0 (a question of no unit), of any unit in the actor's scope.
func (s *Service) namesProtected(ctx context.Context, a Actor, unitID int64, text string) (bool, error) {
	units := []int64{unitID}
	if unitID == 0 {
		units = a.UnitIDs
		if units == nil {
			all, err := s.Accounts.Store.Units(ctx)
			if err != nil {
				return false, err
			}
			for _, u := range all {
				units = append(units, u.ID)
			}
		}
	}
	h := newHaystack(text)
	for _, u := range units {
		ids, err := s.protectedIn(ctx, u)
		if err != nil {
			return false, err
		}
		for _, id := range ids {
			if h.names(id) {
				return true, nil
			}
		}
	}
	return false, nil
}

// MaxQueryWords bounds a portal search.
const MaxQueryWords = 8

// PublicQuestions lists the public answered questions matching the query (with or
// without diacritics) and topic, newest answer first; contacts are cleared.
func (s *Service) PublicQuestions(ctx context.Context, query string, topic Topic, limit, offset int) ([]Question, int, error) {
	words := strings.Fields(viet.FoldWords(query))
	if len(words) > MaxQueryWords {
		words = words[:MaxQueryWords]
	}
	if topic != "" && !topic.Valid() {
		topic = ""
	}
	qs, n, err := s.Store.Questions(ctx, QuestionFilter{PublicOnly: true, Topic: topic, Words: words, Limit: limit, Offset: offset})
	for i := range qs {
		qs[i].Contact, qs[i].AnsweredBy = "", 0
	}
	return qs, n, err
}
