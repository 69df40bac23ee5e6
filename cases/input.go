package cases

import (
	"fmt"
	"strconv"
	"time"

	"kntc/internal/textin"
)

// Limits on one request. A group of more visitors than MaxVisitors is recorded by
// its size (Reception.GroupSize) with its representatives as visitors.
const (
	MaxParties  = 50  // parties given when a case is opened
	MaxVisitors = 100 // visitors named in one reception entry
)

// EarliestDate is the earliest date any record of the office can carry: a date
// before it ("0001-01-01", a typo of the year) is refused, not taken as given.
var EarliestDate = time.Date(1945, 1, 1, 0, 0, 0, 0, time.UTC)

// The text fields and their limits (characters). Names refuse bidirectional
// controls; multi-line fields keep line breaks.
var (
	fieldCaseSubject = textin.Field{Name: "trích yếu nội dung", English: "subject", Max: 1000, Required: true}
	fieldCaseSummary = textin.Field{Name: "tóm tắt nội dung", English: "summary", Max: 10000, Multiline: true}

	fieldPetitionSubject = textin.Field{Name: "trích yếu nội dung đơn", English: "subject", Max: 1000, Required: true}
	fieldPetitionContent = textin.Field{Name: "nội dung đơn", English: "content", Max: 10000, Multiline: true}
	fieldTransferredTo   = textin.Field{Name: "cơ quan nhận đơn chuyển", English: "transferred to", Max: 500}

	fieldReceptionContent = textin.Field{Name: "nội dung tiếp công dân", English: "content", Max: 10000, Multiline: true, Required: true}

	fieldDecisionNumber  = textin.Field{Name: "số quyết định gia hạn", English: "decision number", Max: 100}
	fieldExtensionReason = textin.Field{Name: "lý do gia hạn", English: "reason", Max: 2000, Multiline: true}
	fieldTransitionNote  = textin.Field{Name: "ghi chú", English: "note", Max: 2000, Multiline: true}
)

// personFields are the fields of a Person named who ("đương sự 2", "party 2").
func personFields(whoVI, whoEN string, nameRequired bool) (name, id, address, phone textin.Field) {
	name = textin.Field{Name: "tên " + whoVI, English: whoEN + " name", Max: 200, Required: nameRequired}
	id = textin.Field{Name: "số giấy tờ tùy thân của " + whoVI, English: whoEN + " ID number", Max: 20,
		Allowed:     func(r rune) bool { return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' },
		AllowedText: "chữ số và chữ cái không dấu (digits and ASCII letters)"}
	address = textin.Field{Name: "địa chỉ " + whoVI, English: whoEN + " address", Max: 500}
	phone = textin.Field{Name: "số điện thoại " + whoVI, English: whoEN + " phone", Max: 20,
		Allowed: func(r rune) bool {
			return r >= '0' && r <= '9' || r == '+' || r == ' ' || r == '-' || r == '.' || r == '(' || r == ')'
		},
		AllowedText: "chữ số, dấu cách và + - . ( ) (digits, spaces and + - . ( ))"}
	return name, id, address, phone
}

// cleanPerson cleans p's fields in place and returns their problems.
func cleanPerson(p *Person, whoVI, whoEN string, nameRequired bool) []string {
	name, id, address, phone := personFields(whoVI, whoEN, nameRequired)
	var probs textin.Problems
	probs.Clean(name, &p.Name)
	probs.Clean(id, &p.IDNumber)
	probs.Clean(address, &p.Address)
	probs.Clean(phone, &p.Phone)
	return probs
}

// cleanParty cleans a party's fields in place and returns their problems.
func cleanParty(p *Party) []string {
	probs := textin.Problems(cleanPerson(&p.Person, "đương sự", "party", true))
	probs.Clean(textin.Field{Name: "ghi chú về đương sự", English: "party note", Max: 2000, Multiline: true}, &p.Note)
	return probs
}

// cleanNewCase cleans the text of a case being opened and checks the number of
// its parties (at most max).
func cleanNewCase(c *Case, in NewCase, max int) []string {
	var probs textin.Problems
	c.Subject, c.Summary = in.Subject, in.Summary
	probs.Clean(fieldCaseSubject, &c.Subject)
	probs.Clean(fieldCaseSummary, &c.Summary)
	if len(in.Parties) > max {
		probs.Add(fmt.Sprintf("tối đa %d đương sự mỗi lần mở hồ sơ, có %d (at most %d parties when a case is opened, got %d)", max, len(in.Parties), max, len(in.Parties)))
	}
	return probs
}

// cleanPetition cleans a petition's text and sender in place and returns their
// problems.
func cleanPetition(p *Petition) []string {
	probs := textin.Problems(cleanPerson(&p.Petitioner, "người gửi đơn", "petitioner", false))
	probs.Clean(fieldPetitionSubject, &p.Subject)
	probs.Clean(fieldPetitionContent, &p.Content)
	probs.Clean(fieldTransferredTo, &p.TransferredTo)
	return probs
}

// cleanReception cleans a visit's content and visitors in place and checks how
// many visitors are named.
func cleanReception(r *Reception) []string {
	var probs textin.Problems
	probs.Clean(fieldReceptionContent, &r.Content)
	if len(r.Visitors) > MaxVisitors {
		probs.Add(fmt.Sprintf("tối đa %d công dân được ghi tên mỗi lượt tiếp, có %d; đoàn đông người ghi số người (group_size) và người đại diện (at most %d visitors named per visit, got %d; record a large group by its size and its representatives)", MaxVisitors, len(r.Visitors), MaxVisitors, len(r.Visitors)))
		return probs // not 20,000 more messages
	}
	for i := range r.Visitors {
		who := "công dân " + strconv.Itoa(i+1)
		probs = append(probs, cleanPerson(&r.Visitors[i], who, "visitor "+strconv.Itoa(i+1), false)...)
	}
	return probs
}

// cleanExtension cleans an extension decision's number and reason.
func cleanExtension(x *Extension) []string {
	var probs textin.Problems
	probs.Clean(fieldDecisionNumber, &x.DecisionNumber)
	probs.Clean(fieldExtensionReason, &x.Reason)
	return probs
}

// dateProblem checks a given date (the zero time is "not given" and passes): not
// before EarliestDate, and not after today when the future is impossible.
func dateProblem(whatVI, whatEN string, t, today time.Time, futureOK bool) string {
	switch {
	case t.IsZero():
		return ""
	case Date(t).Before(EarliestDate):
		return fmt.Sprintf("%s %s không phải ngày hợp lệ, phải từ %s (%s is not a real date: %s or later)", whatVI, FormatDate(t), FormatDate(EarliestDate), whatEN, FormatDate(EarliestDate))
	case !futureOK && Date(t).After(Date(today)):
		return fmt.Sprintf("%s %s ở tương lai (%s is in the future)", whatVI, FormatDate(t), whatEN)
	}
	return ""
}

// appendNonEmpty appends the problems that are not "".
func appendNonEmpty(probs []string, more ...string) []string {
	for _, p := range more {
		if p != "" {
			probs = append(probs, p)
		}
	}
	return probs
}
