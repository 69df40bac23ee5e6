package cases

import (
	"time"

	"kntc/internal/errs"
)

// The periods the law sets, in days. Periods count from the day after the event
// (Bộ luật Dân sự 2015, Điều 147) in calendar days, as DESIGN.md states them,
// unless named working days (a Calendar counts those).
const (
	// AcceptDays: a petition is accepted (thụ lý) or answered within 10 days of
	// receipt (Luật Khiếu nại 2011, Điều 27).
	AcceptDays = 10
	// DenunciationAcceptWorkingDays: within 7 working days of receipt a
	// denunciation is logged, classified, checked and accepted or refused (Luật
	// Tố cáo 2018, Điều 24 khoản 1; up to 10 when checks are needed at several
	// places, which kntc does not record: the 7 are shown).
	DenunciationAcceptWorkingDays = 7
	// TransferWorkingDays: a denunciation outside the receiving unit's competence
	// is passed on to the competent body within 5 working days of receipt (Luật
	// Tố cáo 2018, Điều 24 khoản 1).
	TransferWorkingDays = 5
	// DenunciationDays is the resolution period of a denunciation from thụ lý, and
	// the most one extension may add (Luật Tố cáo 2018, Điều 30).
	DenunciationDays = 30
	// MaxExtensions: complex denunciations are extended once, especially complex
	// ones twice.
	MaxExtensions = 2
)

// ResolveDays is how long a case has from thụ lý to its decision, extensions apart
// (Luật Khiếu nại 2011, Điều 28 and 37: first complaints 30 days, 45 when complex;
// in remote areas 45 and 60; second complaints 45/60, remote 60/70; Luật Tố cáo
// 2018, Điều 30: 30 days). Petitions (kiến nghị, phản ánh) have no statutory
// resolution period: 0. A case with several contents follows the complaint rules,
// the strictest that may apply to it.
func ResolveDays(c Case) int {
	switch c.Kind {
	case KindDenunciation:
		return DenunciationDays
	case KindPetition:
		return 0
	}
	table := [2][2][2]int{ // [round-1][remote][complex]
		{{30, 45}, {45, 60}},
		{{45, 60}, {60, 70}},
	}
	round := 0
	if c.Round == 2 {
		round = 1
	}
	return table[round][b2i(c.Remote)][b2i(c.Complex)]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// AcceptDue is the last day to accept (thụ lý) the case, weekends the only days
// off; Calendar.AcceptDue counts the administrators' holidays too.
func AcceptDue(c Case) time.Time { return (*Calendar)(nil).AcceptDue(c) }

// AcceptDue is the last day to accept (thụ lý) the case or refuse it: 10 days
// from receipt (Luật Khiếu nại 2011, Điều 27), for a denunciation 7 working days
// (Luật Tố cáo 2018, Điều 24).
func (cal *Calendar) AcceptDue(c Case) time.Time {
	if c.ReceivedOn.IsZero() {
		return time.Time{}
	}
	if c.Kind == KindDenunciation {
		return cal.AddWorkingDays(c.ReceivedOn, DenunciationAcceptWorkingDays)
	}
	return Date(c.ReceivedOn).AddDate(0, 0, AcceptDays)
}

// TransferDue is the last day to pass a denunciation outside the unit's
// competence on: 5 working days from receipt (Luật Tố cáo 2018, Điều 24). Zero
// for other kinds: the laws on complaints and petitions set no such period.
func (cal *Calendar) TransferDue(c Case) time.Time {
	if c.Kind != KindDenunciation || c.ReceivedOn.IsZero() {
		return time.Time{}
	}
	return cal.AddWorkingDays(c.ReceivedOn, TransferWorkingDays)
}

// ResolveDue is the last day to decide the case: thụ lý plus the period and every
// recorded extension. Zero before thụ lý or when the law sets no period.
func ResolveDue(c Case) time.Time {
	days := ResolveDays(c)
	if c.AcceptedOn.IsZero() || days == 0 {
		return time.Time{}
	}
	for _, x := range c.Extensions {
		days += x.Days
	}
	return Date(c.AcceptedOn).AddDate(0, 0, days)
}

// DueOn is the deadline running in the case's current stage, weekends the only
// days off; Service stores Calendar.DueOn, which counts the administrators'
// holidays too.
func DueOn(c Case) time.Time { return (*Calendar)(nil).DueOn(c) }

// DueOn is the deadline running in the case's current stage: accepting while it
// waits for thụ lý; for a denunciation being transferred (chuyen_don, until the
// case is closed when the file has gone), passing it on; deciding while it is
// handled; none after.
func (cal *Calendar) DueOn(c Case) time.Time {
	switch {
	case c.Status.pending():
		return cal.AcceptDue(c)
	case c.Status == StatusTransferred:
		return cal.TransferDue(c)
	case c.Status.handling():
		return ResolveDue(c)
	}
	return time.Time{}
}

// DueCount is how the deadline DueOn gives is counted: working days for the
// denunciation's first handling and transfer (Luật Tố cáo 2018, Điều 24),
// calendar days for acceptance of other kinds and for every resolution period
// (Luật Khiếu nại 2011, Điều 27, 28, 37; Luật Tố cáo 2018, Điều 30). "" when no
// deadline runs.
func DueCount(c Case) DayCount {
	switch {
	case DueOn(c).IsZero():
		return ""
	case c.Kind == KindDenunciation && (c.Status.pending() || c.Status == StatusTransferred):
		return CountWorking
	}
	return CountCalendar
}

// CheckExtension reports whether x may extend c: denunciations only, while handled,
// at most MaxExtensions, each at most 30 days, with the decision that grants it.
func CheckExtension(c Case, x Extension) error {
	var probs errs.Problems
	if c.Kind != KindDenunciation {
		probs.Add("", "chỉ gia hạn giải quyết tố cáo (only denunciations are extended)")
	}
	if !c.Status.handling() {
		probs.Add("", "chỉ gia hạn khi đang giải quyết, sau thụ lý và trước kết luận (only between thụ lý and the conclusion)")
	}
	if len(c.Extensions) >= MaxExtensions {
		probs.Addf("", "đã gia hạn %d lần, tối đa %d lần (at most %d extensions)", len(c.Extensions), MaxExtensions, MaxExtensions)
	}
	if x.Days < 1 || x.Days > DenunciationDays {
		probs.Addf("days", "mỗi lần gia hạn từ 1 đến %d ngày (1 to %d days)", DenunciationDays, DenunciationDays)
	}
	if x.DecisionNumber == "" {
		probs.Add("decision_number", "cần số của quyết định gia hạn (the extension decision's number is required)")
	}
	if x.DecisionDate.IsZero() {
		probs.Add("decision_date", "cần ngày của quyết định gia hạn (the extension decision's date is required)")
	}
	if err := probs.Err(); err != nil {
		return ErrIllegal.Errorf("gia hạn hồ sơ %s: %w", c.Code, err)
	}
	return nil
}

// Due classifies a case's deadline on day today: overdue (past), soon (within
// soonDays), or neither.
func Due(c Case, today time.Time, soonDays int) (overdue, soon bool) {
	if c.DueOn.IsZero() {
		return false, false
	}
	t := Date(today)
	if c.DueOn.Before(t) {
		return true, false
	}
	return false, !c.DueOn.After(t.AddDate(0, 0, soonDays))
}
