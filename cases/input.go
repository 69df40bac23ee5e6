package cases

import (
	"fmt"
	"strconv"
	"time"

	"kntc/internal/errs"
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
	fieldCaseSubject = textin.Field{Key: "subject", Name: "trích yếu nội dung", English: "subject", Max: 1000, Required: true}
	fieldCaseSummary = textin.Field{Key: "summary", Name: "tóm tắt nội dung", English: "summary", Max: 10000, Multiline: true}

	fieldPetitionSubject = textin.Field{Key: "subject", Name: "trích yếu nội dung đơn", English: "subject", Max: 1000, Required: true}
	fieldPetitionContent = textin.Field{Key: "content", Name: "nội dung đơn", English: "content", Max: 10000, Multiline: true}
	fieldTransferredTo   = textin.Field{Key: "transferred_to", Name: "cơ quan nhận đơn chuyển", English: "transferred to", Max: 500}

	fieldReceptionContent = textin.Field{Key: "content", Name: "nội dung tiếp công dân", English: "content", Max: 10000, Multiline: true, Required: true}

	fieldDecisionNumber  = textin.Field{Key: "decision_number", Name: "số quyết định gia hạn", English: "decision number", Max: 100}
	fieldExtensionReason = textin.Field{Key: "reason", Name: "lý do gia hạn", English: "reason", Max: 2000, Multiline: true}
	fieldTransitionNote  = textin.Field{Key: "note", Name: "ghi chú", English: "note", Max: 2000, Multiline: true}
)

// personFields are the fields of a Person named who ("đương sự 2", "party 2"),
// whose keys start with at ("parties[1].", "" for none).
func personFields(whoVI, whoEN, at string, nameRequired bool) (name, id, address, phone textin.Field) {
	name = textin.Field{Key: at + "name", Name: "tên " + whoVI, English: whoEN + " name", Max: 200, Required: nameRequired}
	id = textin.Field{Key: at + "id_number", Name: "số giấy tờ tùy thân của " + whoVI, English: whoEN + " ID number", Max: 20,
		Allowed:     func(r rune) bool { return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' },
		AllowedText: "chữ số và chữ cái không dấu (digits and ASCII letters)"}
	address = textin.Field{Key: at + "address", Name: "địa chỉ " + whoVI, English: whoEN + " address", Max: 500}
	phone = textin.Field{Key: at + "phone", Name: "số điện thoại " + whoVI, English: whoEN + " phone", Max: 20,
		Allowed: func(r rune) bool {
			return r >= '0' && r <= '9' || r == '+' || r == ' ' || r == '-' || r == '.' || r == '(' || r == ')'
		},
		AllowedText: "chữ số, dấu cách và + - . ( ) (digits, spaces and + - . ( ))"}
	return name, id, address, phone
}

// cleanPerson cleans p's fields in place, recording their problems (keys
// starting with at).
func cleanPerson(probs *errs.Problems, p *Person, whoVI, whoEN, at string, nameRequired bool) {
	name, id, address, phone := personFields(whoVI, whoEN, at, nameRequired)
	name.Check(probs, &p.Name)
	id.Check(probs, &p.IDNumber)
	address.Check(probs, &p.Address)
	phone.Check(probs, &p.Phone)
}

// cleanParty cleans a party's fields in place, recording their problems (keys
// starting with at).
func cleanParty(probs *errs.Problems, p *Party, at string) {
	cleanPerson(probs, &p.Person, "đương sự", "party", at, true)
	note := textin.Field{Key: at + "note", Name: "ghi chú về đương sự", English: "party note", Max: 2000, Multiline: true}
	note.Check(probs, &p.Note)
}

// cleanNewCase cleans the text of a case being opened and checks the number of
// its parties (at most max).
func cleanNewCase(probs *errs.Problems, c *Case, in NewCase, max int) {
	c.Subject, c.Summary = in.Subject, in.Summary
	fieldCaseSubject.Check(probs, &c.Subject)
	fieldCaseSummary.Check(probs, &c.Summary)
	if len(in.Parties) > max {
		probs.Addf("parties", "tối đa %d đương sự mỗi lần mở hồ sơ, có %d (at most %d parties when a case is opened, got %d)", max, len(in.Parties), max, len(in.Parties))
	}
}

// cleanPetition cleans a petition's text and sender in place, recording their
// problems.
func cleanPetition(probs *errs.Problems, p *Petition) {
	cleanPerson(probs, &p.Petitioner, "người gửi đơn", "petitioner", "petitioner.", false)
	fieldPetitionSubject.Check(probs, &p.Subject)
	fieldPetitionContent.Check(probs, &p.Content)
	fieldTransferredTo.Check(probs, &p.TransferredTo)
}

// cleanReception cleans a visit's content and visitors in place and checks how
// many visitors are named.
func cleanReception(probs *errs.Problems, r *Reception) {
	fieldReceptionContent.Check(probs, &r.Content)
	if len(r.Visitors) > MaxVisitors {
		probs.Addf("visitors", "tối đa %d công dân được ghi tên mỗi lượt tiếp, có %d; đoàn đông người ghi số người (group_size) và người đại diện (at most %d visitors named per visit, got %d; record a large group by its size and its representatives)", MaxVisitors, len(r.Visitors), MaxVisitors, len(r.Visitors))
		return // not 20,000 more messages
	}
	for i := range r.Visitors {
		n := strconv.Itoa(i + 1)
		cleanPerson(probs, &r.Visitors[i], "công dân "+n, "visitor "+n, fmt.Sprintf("visitors[%d].", i), false)
	}
}

// cleanExtension cleans an extension decision's number and reason.
func cleanExtension(probs *errs.Problems, x *Extension) {
	fieldDecisionNumber.Check(probs, &x.DecisionNumber)
	fieldExtensionReason.Check(probs, &x.Reason)
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

// checkDate records dateProblem's problem of a date under field.
func checkDate(probs *errs.Problems, field, whatVI, whatEN string, t, today time.Time, futureOK bool) {
	if p := dateProblem(whatVI, whatEN, t, today, futureOK); p != "" {
		probs.Add(field, p)
	}
}
