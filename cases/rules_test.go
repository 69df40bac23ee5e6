package cases_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/internal/errs"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDeadlines(t *testing.T) {
	ext := func(days int) cases.Extension {
		return cases.Extension{DecisionNumber: "1/QĐ-UBND", DecisionDate: day("2026-03-01"), Days: days}
	}
	tests := []struct {
		name        string
		c           cases.Case
		accept, due string
	}{
		{"accept: 10 days from receipt", cases.Case{Kind: cases.KindComplaint, Status: cases.StatusReceived, ReceivedOn: day("2026-01-26")}, "2026-02-05", "2026-02-05"},
		{"accept across a month end", cases.Case{Kind: cases.KindComplaint, Status: cases.StatusScreening, ReceivedOn: day("2026-02-25")}, "2026-03-07", "2026-03-07"},
		{"denunciation: 7 working days, over a weekend", cases.Case{Kind: cases.KindDenunciation, Status: cases.StatusScreening, ReceivedOn: day("2026-02-25")}, "2026-03-06", "2026-03-06"},
		{"denunciation transferred: 5 working days", cases.Case{Kind: cases.KindDenunciation, Status: cases.StatusTransferred, ReceivedOn: day("2026-02-25")}, "2026-03-06", "2026-03-04"},
		{"complaint transferred: no period", cases.Case{Kind: cases.KindComplaint, Status: cases.StatusTransferred, ReceivedOn: day("2026-02-25")}, "", ""},
		{"first complaint 30", cases.Case{Kind: cases.KindComplaint, Round: 1, Status: cases.StatusAccepted, ReceivedOn: day("2026-01-02"), AcceptedOn: day("2026-01-10")}, "2026-01-12", "2026-02-09"},
		{"first complaint complex 45", cases.Case{Kind: cases.KindComplaint, Round: 1, Complex: true, Status: cases.StatusVerifying, AcceptedOn: day("2026-01-10")}, "", "2026-02-24"},
		{"first complaint remote 45", cases.Case{Kind: cases.KindComplaint, Round: 1, Remote: true, Status: cases.StatusVerifying, AcceptedOn: day("2026-01-10")}, "", "2026-02-24"},
		{"first complaint remote complex 60", cases.Case{Kind: cases.KindComplaint, Round: 1, Remote: true, Complex: true, Status: cases.StatusDialogue, AcceptedOn: day("2026-01-10")}, "", "2026-03-11"},
		{"second complaint 45", cases.Case{Kind: cases.KindComplaint, Round: 2, Status: cases.StatusAccepted, AcceptedOn: day("2026-01-10")}, "", "2026-02-24"},
		{"second complaint complex 60", cases.Case{Kind: cases.KindComplaint, Round: 2, Complex: true, Status: cases.StatusAccepted, AcceptedOn: day("2026-01-10")}, "", "2026-03-11"},
		{"second complaint remote 60", cases.Case{Kind: cases.KindComplaint, Round: 2, Remote: true, Status: cases.StatusAccepted, AcceptedOn: day("2026-01-10")}, "", "2026-03-11"},
		{"second complaint remote complex 70", cases.Case{Kind: cases.KindComplaint, Round: 2, Remote: true, Complex: true, Status: cases.StatusAccepted, AcceptedOn: day("2026-01-10")}, "", "2026-03-21"},
		{"denunciation 30", cases.Case{Kind: cases.KindDenunciation, Status: cases.StatusAccepted, AcceptedOn: day("2026-01-10")}, "", "2026-02-09"},
		{"denunciation + 30", cases.Case{Kind: cases.KindDenunciation, Status: cases.StatusVerifying, AcceptedOn: day("2026-01-10"), Extensions: []cases.Extension{ext(30)}}, "", "2026-03-11"},
		{"denunciation + 30 + 30", cases.Case{Kind: cases.KindDenunciation, Status: cases.StatusVerifying, AcceptedOn: day("2026-01-10"), Extensions: []cases.Extension{ext(30), ext(30)}}, "", "2026-04-10"},
		{"denunciation remote is not longer", cases.Case{Kind: cases.KindDenunciation, Remote: true, Status: cases.StatusAccepted, AcceptedOn: day("2026-01-10")}, "", "2026-02-09"},
		{"several contents follow complaints", cases.Case{Kind: cases.KindMixed, Status: cases.StatusAccepted, AcceptedOn: day("2026-01-10")}, "", "2026-02-09"},
		{"petition: no statutory resolution period", cases.Case{Kind: cases.KindPetition, Status: cases.StatusAccepted, AcceptedOn: day("2026-01-10")}, "", ""},
		{"decided: no deadline runs", cases.Case{Kind: cases.KindComplaint, Status: cases.StatusDecided, AcceptedOn: day("2026-01-10")}, "", ""},
		{"guided: no deadline runs", cases.Case{Kind: cases.KindComplaint, Status: cases.StatusGuided, ReceivedOn: day("2026-01-10")}, "2026-01-20", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.accept != "" {
				if got := cases.FormatDate(cases.AcceptDue(tt.c)); got != tt.accept {
					t.Errorf("AcceptDue = %s, want %s", got, tt.accept)
				}
			}
			if got := cases.FormatDate(cases.DueOn(tt.c)); got != tt.due {
				t.Errorf("DueOn = %q, want %q", got, tt.due)
			}
		})
	}
}

func TestExtensionRules(t *testing.T) {
	base := cases.Case{Code: "TC-2026-000001", Kind: cases.KindDenunciation, Status: cases.StatusVerifying, AcceptedOn: day("2026-01-10")}
	ok := cases.Extension{DecisionNumber: "5/QĐ-UBND", DecisionDate: day("2026-02-01"), Days: 30}
	if err := cases.CheckExtension(base, ok); err != nil {
		t.Fatalf("first extension refused: %v", err)
	}
	twice := base
	twice.Extensions = []cases.Extension{ok, ok}
	tests := []struct {
		name string
		c    cases.Case
		x    cases.Extension
	}{
		{"third extension", twice, ok},
		{"complaints are not extended", cases.Case{Kind: cases.KindComplaint, Status: cases.StatusVerifying}, ok},
		{"not before thụ lý", cases.Case{Kind: cases.KindDenunciation, Status: cases.StatusScreening}, ok},
		{"more than 30 days", base, cases.Extension{DecisionNumber: "5/QĐ-UBND", DecisionDate: day("2026-02-01"), Days: 31}},
		{"without its decision", base, cases.Extension{Days: 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := cases.CheckExtension(tt.c, tt.x)
			if !errors.Is(err, cases.ErrIllegal) || !errors.Is(err, errs.ErrInvalid) {
				t.Fatalf("CheckExtension = %v, want ErrIllegal (an ErrInvalid)", err)
			}
		})
	}
}

func TestDue(t *testing.T) {
	c := cases.Case{DueOn: day("2026-03-10")}
	for _, tt := range []struct {
		today         string
		overdue, soon bool
	}{
		{"2026-03-01", false, false},
		{"2026-03-05", false, true},
		{"2026-03-10", false, true},
		{"2026-03-11", true, false},
	} {
		o, s := cases.Due(c, day(tt.today), 5)
		if o != tt.overdue || s != tt.soon {
			t.Errorf("Due on %s = overdue %t soon %t, want %t %t", tt.today, o, s, tt.overdue, tt.soon)
		}
	}
	if o, s := cases.Due(cases.Case{}, day("2026-03-11"), 5); o || s {
		t.Error("a case without a deadline is neither overdue nor due soon")
	}
}

func TestTransitions(t *testing.T) {
	kn := cases.Case{Code: "KN-2026-000001", Kind: cases.KindComplaint, Round: 1}
	kn2 := kn
	kn2.Round = 2
	tc := cases.Case{Code: "TC-2026-000001", Kind: cases.KindDenunciation, Round: 1}
	at := func(c cases.Case, s cases.Status) cases.Case { c.Status = s; return c }
	decided := at(kn, cases.StatusDecided)
	decidedWithDoc := decided
	decidedWithDoc.DecisionDocument = "doc-1"
	decidedNoResult := decidedWithDoc
	decidedWithDoc.Result = cases.ResultRight
	leader, handler, clerk, inspector := auth.RoleLeader, auth.RoleHandler, auth.RoleClerk, auth.RoleInspector
	tests := []struct {
		name string
		c    cases.Case
		role auth.Role
		t    cases.Transition
		want error // nil, ErrIllegal or ErrForbidden
	}{
		{"clerk classifies", at(kn, cases.StatusReceived), clerk, cases.Transition{To: cases.StatusClassified}, nil},
		{"clerk screens", at(kn, cases.StatusClassified), clerk, cases.Transition{To: cases.StatusScreening}, nil},
		{"clerk may not accept", at(kn, cases.StatusScreening), clerk, cases.Transition{To: cases.StatusAccepted}, errs.ErrForbidden},
		{"handler accepts", at(kn, cases.StatusScreening), handler, cases.Transition{To: cases.StatusAccepted}, nil},
		{"guide", at(kn, cases.StatusScreening), handler, cases.Transition{To: cases.StatusGuided}, nil},
		{"transfer", at(kn, cases.StatusScreening), handler, cases.Transition{To: cases.StatusTransferred}, nil},
		{"no skipping screening", at(kn, cases.StatusReceived), leader, cases.Transition{To: cases.StatusAccepted}, cases.ErrIllegal},
		{"no going back", at(kn, cases.StatusVerifying), leader, cases.Transition{To: cases.StatusAccepted}, cases.ErrIllegal},
		{"unknown status", at(kn, cases.StatusVerifying), leader, cases.Transition{To: "xyz"}, cases.ErrIllegal},
		{"dialogue for complaints", at(kn, cases.StatusVerifying), handler, cases.Transition{To: cases.StatusDialogue}, nil},
		{"no dialogue for denunciations", at(tc, cases.StatusVerifying), handler, cases.Transition{To: cases.StatusDialogue}, cases.ErrIllegal},
		{"decide first complaint without dialogue", at(kn, cases.StatusVerifying), handler, cases.Transition{To: cases.StatusDecided, Result: cases.ResultPartly}, nil},
		{"second complaint needs the dialogue", at(kn2, cases.StatusVerifying), leader, cases.Transition{To: cases.StatusDecided, Result: cases.ResultRight}, cases.ErrIllegal},
		{"second complaint after dialogue", at(kn2, cases.StatusDialogue), leader, cases.Transition{To: cases.StatusDecided, Result: cases.ResultRight}, nil},
		{"decision needs a result", at(tc, cases.StatusVerifying), leader, cases.Transition{To: cases.StatusDecided}, cases.ErrIllegal},
		{"unknown result", at(tc, cases.StatusVerifying), leader, cases.Transition{To: cases.StatusDecided, Result: "maybe"}, cases.ErrIllegal},
		{"publish needs the scanned decision", decided, leader, cases.Transition{To: cases.StatusPublished}, cases.ErrIllegal},
		{"publish needs the result", decidedNoResult, leader, cases.Transition{To: cases.StatusPublished}, cases.ErrIllegal},
		{"leader publishes", decidedWithDoc, leader, cases.Transition{To: cases.StatusPublished}, nil},
		{"handler may not publish", decidedWithDoc, handler, cases.Transition{To: cases.StatusPublished}, errs.ErrForbidden},
		{"no closing before publication", decidedWithDoc, leader, cases.Transition{To: cases.StatusClosed}, cases.ErrIllegal},
		{"leader closes after publication", at(kn, cases.StatusPublished), leader, cases.Transition{To: cases.StatusClosed}, nil},
		{"handler may not close a published case", at(kn, cases.StatusPublished), handler, cases.Transition{To: cases.StatusClosed}, errs.ErrForbidden},
		{"withdrawal closes early", at(kn, cases.StatusVerifying), handler, cases.Transition{To: cases.StatusClosed, Result: cases.ResultWithdrawn}, nil},
		{"no early close otherwise", at(kn, cases.StatusVerifying), leader, cases.Transition{To: cases.StatusClosed}, cases.ErrIllegal},
		{"closed is final", at(kn, cases.StatusClosed), leader, cases.Transition{To: cases.StatusReceived}, cases.ErrIllegal},
		{"inspector reads only", at(kn, cases.StatusReceived), inspector, cases.Transition{To: cases.StatusClassified}, errs.ErrForbidden},
		{"petition decided closes without publication", at(cases.Case{Kind: cases.KindPetition}, cases.StatusDecided), leader, cases.Transition{To: cases.StatusClosed}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := cases.CheckTransition(tt.c, tt.role, tt.t)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("CheckTransition = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestApplySetsDatesAndDeadline(t *testing.T) {
	c := cases.Case{Kind: cases.KindComplaint, Round: 1, Status: cases.StatusScreening, ReceivedOn: day("2026-01-05")}
	c.DueOn = cases.DueOn(c)
	if got := cases.FormatDate(c.DueOn); got != "2026-01-15" {
		t.Fatalf("accept deadline %s", got)
	}
	cases.Apply(&c, cases.Transition{To: cases.StatusAccepted, On: day("2026-01-12")}, day("2026-01-20"))
	if cases.FormatDate(c.AcceptedOn) != "2026-01-12" || cases.FormatDate(c.DueOn) != "2026-02-11" {
		t.Fatalf("after thụ lý: accepted %s due %s", cases.FormatDate(c.AcceptedOn), cases.FormatDate(c.DueOn))
	}
	cases.Apply(&c, cases.Transition{To: cases.StatusVerifying}, day("2026-01-20"))
	cases.Apply(&c, cases.Transition{To: cases.StatusDecided, Result: cases.ResultWrong}, day("2026-02-01"))
	if c.Result != cases.ResultWrong || cases.FormatDate(c.DecidedOn) != "2026-02-01" || !c.DueOn.IsZero() {
		t.Fatalf("after decision: %+v", c)
	}
}

func TestCodes(t *testing.T) {
	if got := cases.FormatCode(cases.KindComplaint, 2026, 123); got != "KN-2026-000123" || !cases.ValidCode(got) {
		t.Fatalf("FormatCode = %q", got)
	}
	for _, bad := range []string{"KN-2026-123", "XX-2026-000123", "kn-2026-000123", "KN-2026-000123x"} {
		if cases.ValidCode(bad) {
			t.Errorf("ValidCode(%q) = true", bad)
		}
	}
	got := cases.CodesIn("Hồ sơ KN-2026-000123; TC - 2O26 - 000007 và lại KN-2026-000123")
	if strings.Join(got, ",") != "KN-2026-000123,TC-2026-000007" {
		t.Fatalf("CodesIn = %q", got)
	}
}
