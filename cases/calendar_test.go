package cases_test

import (
	"errors"
	"testing"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

// tet2026 is the 2026 calendar as migration 7 seeds it, in part: Tết (the
// weekdays of Saturday 14 to Sunday 22 February), Giỗ Tổ on a Sunday with its
// compensatory Monday, and a make-up working Saturday for the test.
func tet2026() *cases.Calendar {
	return cases.NewCalendar([]cases.Holiday{
		{Day: day("2026-02-16"), Name: "Tết Âm lịch"},
		{Day: day("2026-02-17"), Name: "Tết Âm lịch"},
		{Day: day("2026-02-18"), Name: "Tết Âm lịch"},
		{Day: day("2026-02-19"), Name: "Tết Âm lịch"},
		{Day: day("2026-02-20"), Name: "Tết Âm lịch"},
		{Day: day("2026-04-26"), Name: "Giỗ Tổ Hùng Vương"},
		{Day: day("2026-04-27"), Name: "Nghỉ bù Giỗ Tổ Hùng Vương"},
		{Day: day("2026-03-07"), Name: "Làm bù", Working: true},
	})
}

func TestIsWorkingDay(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	cal := tet2026()
	tests := []struct {
		name string
		cal  *cases.Calendar
		d    time.Time
		want bool
	}{
		{"a Friday", cal, day("2026-02-13"), true},
		{"a Saturday", cal, day("2026-02-14"), false},
		{"a Sunday", cal, day("2026-02-15"), false},
		{"Tết on a Monday", cal, day("2026-02-16"), false},
		{"the Monday after Tết", cal, day("2026-02-23"), true},
		{"a compensatory Monday", cal, day("2026-04-27"), false},
		{"a make-up Saturday", cal, day("2026-03-07"), true},
		{"no calendar: Tết is a Monday", nil, day("2026-02-16"), true},
		{"no calendar: Saturday", nil, day("2026-02-14"), false},
		{"Friday 20:00 UTC is Saturday in Vietnam", cal, time.Date(2026, 2, 13, 20, 0, 0, 0, time.UTC), false},
		{"Friday 23:59 in Vietnam", cal, time.Date(2026, 2, 13, 23, 59, 0, 0, ict), true},
		{"Monday 00:30 in Vietnam is Sunday in UTC", cal, time.Date(2026, 2, 23, 0, 30, 0, 0, ict), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.IsWorkingDay(tt.d); got != tt.want {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.d, got, tt.want)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	cal := tet2026()
	tests := []struct {
		name string
		cal  *cases.Calendar
		from string
		n    int
		want string
	}{
		{"the event's day does not count", cal, "2026-03-02", 1, "2026-03-03"},
		{"over a weekend", cal, "2026-01-09", 1, "2026-01-12"},
		{"from a Saturday", cal, "2026-01-10", 1, "2026-01-12"},
		{"5 over Tết 2026", cal, "2026-02-12", 5, "2026-02-26"},
		{"5 from the eve of Tết", cal, "2026-02-13", 5, "2026-02-27"},
		{"received during Tết", cal, "2026-02-18", 1, "2026-02-23"},
		{"without the calendar Tết counts", nil, "2026-02-12", 5, "2026-02-19"},
		{"a make-up Saturday counts", cal, "2026-03-06", 1, "2026-03-07"},
		{"Giỗ Tổ on Sunday is made up on Monday", cal, "2026-04-24", 1, "2026-04-28"},
		{"zero days", cal, "2026-02-14", 0, "2026-02-14"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cases.FormatDate(tt.cal.AddWorkingDays(day(tt.from), tt.n)); got != tt.want {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
		})
	}
	if got := cal.AddWorkingDays(time.Time{}, 5); !got.IsZero() {
		t.Errorf("AddWorkingDays(zero) = %s, want zero", got)
	}
}

// TestWorkingDayDeadlines: the denunciation's first handling and transfer count
// working days over Tết; resolution periods stay calendar days.
func TestWorkingDayDeadlines(t *testing.T) {
	cal := tet2026()
	tests := []struct {
		name  string
		c     cases.Case
		due   string
		count cases.DayCount
	}{
		{"denunciation waiting for thụ lý over Tết: 7 working days",
			cases.Case{Kind: cases.KindDenunciation, Status: cases.StatusReceived, ReceivedOn: day("2026-02-12")}, "2026-03-02", cases.CountWorking},
		{"denunciation in screening",
			cases.Case{Kind: cases.KindDenunciation, Status: cases.StatusScreening, ReceivedOn: day("2026-02-12")}, "2026-03-02", cases.CountWorking},
		{"denunciation being transferred over Tết: 5 working days",
			cases.Case{Kind: cases.KindDenunciation, Status: cases.StatusTransferred, ReceivedOn: day("2026-02-12")}, "2026-02-26", cases.CountWorking},
		{"complaint waiting for thụ lý: 10 calendar days, Tết counts",
			cases.Case{Kind: cases.KindComplaint, Status: cases.StatusReceived, ReceivedOn: day("2026-02-12")}, "2026-02-22", cases.CountCalendar},
		{"denunciation resolution: 30 calendar days",
			cases.Case{Kind: cases.KindDenunciation, Status: cases.StatusAccepted, ReceivedOn: day("2026-02-02"), AcceptedOn: day("2026-02-10")}, "2026-03-12", cases.CountCalendar},
		{"transferred complaint: none", cases.Case{Kind: cases.KindComplaint, Status: cases.StatusTransferred, ReceivedOn: day("2026-02-12")}, "", ""},
		{"closed: none", cases.Case{Kind: cases.KindDenunciation, Status: cases.StatusClosed, ReceivedOn: day("2026-02-12")}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cases.FormatDate(cal.DueOn(tt.c)); got != tt.due {
				t.Errorf("DueOn = %q, want %q", got, tt.due)
			}
			if got := cases.DueCount(tt.c); got != tt.count {
				t.Errorf("DueCount = %q, want %q", got, tt.count)
			}
		})
	}
	if cases.CountWorking.Label() != "Ngày làm việc" || cases.CountCalendar.Label() != "Ngày theo lịch" {
		t.Errorf("labels %q, %q", cases.CountWorking.Label(), cases.CountCalendar.Label())
	}
}

// TestHolidayCalendarOnDatabases: administrators keep the calendar, nobody else;
// the seeded Tết 2026 counts in a denunciation's deadline; a change recounts the
// open cases' working-day deadlines.
func TestHolidayCalendarOnDatabases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		*w.clock = time.Date(2026, 2, 12, 3, 0, 0, 0, time.UTC)
		c, _, err := w.svc.CreateCase(ctx, w.clerk, cases.NewCase{
			Kind: cases.KindDenunciation, Source: cases.SourcePost, ReceivedOn: day("2026-02-12"),
			Subject: "Tố cáo việc thu tiền trái phép",
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := cases.FormatDate(c.DueOn); got != "2026-03-02" {
			t.Fatalf("accept deadline over the seeded Tết %s, want 2026-03-02", got)
		}
		admin := w.leader
		admin.User.Role = auth.RoleAdministrator
		day27 := cases.Holiday{Day: day("2026-02-27"), Name: "Nghỉ thêm (thử)"}
		for _, a := range []cases.Actor{w.clerk, w.handler, w.leader} {
			if _, err := w.svc.PutHoliday(ctx, a, day27); !errors.Is(err, errs.ErrForbidden) {
				t.Fatalf("%s marks a holiday: %v, want forbidden", a.User.Username, err)
			}
			if err := w.svc.DeleteHoliday(ctx, a, day("2026-02-17")); !errors.Is(err, errs.ErrForbidden) {
				t.Fatalf("%s unmarks a holiday: %v, want forbidden", a.User.Username, err)
			}
		}
		if _, err := w.svc.PutHoliday(ctx, admin, cases.Holiday{Day: day("2026-02-26"), Name: "Làm bù", Working: true}); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("a make-up working Thursday: %v, want invalid", err)
		}
		if _, err := w.svc.PutHoliday(ctx, admin, cases.Holiday{Day: day("2026-02-27")}); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("a holiday without a name: %v, want invalid", err)
		}
		if _, err := w.svc.PutHoliday(ctx, admin, day27); err != nil {
			t.Fatal(err)
		}
		got, err := w.svc.Case(ctx, w.leader, c.Code)
		if err != nil || cases.FormatDate(got.DueOn) != "2026-03-03" {
			t.Fatalf("after marking 27 February: due %s, %v; want 2026-03-03", cases.FormatDate(got.DueOn), err)
		}
		if err := w.svc.DeleteHoliday(ctx, admin, day27.Day); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.DeleteHoliday(ctx, admin, day27.Day); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("unmark twice: %v, want not found", err)
		}
		got, err = w.svc.Case(ctx, w.leader, c.Code)
		if err != nil || cases.FormatDate(got.DueOn) != "2026-03-02" {
			t.Fatalf("after unmarking: due %s, %v; want 2026-03-02", cases.FormatDate(got.DueOn), err)
		}
		year, err := w.svc.Holidays(ctx, w.clerk, 2026)
		if err != nil || len(year) == 0 {
			t.Fatalf("a clerk reads the calendar: %d days, %v", len(year), err)
		}
		if _, err := w.svc.Holidays(ctx, w.clerk, 20260); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("year 20260: %v, want invalid", err)
		}
	})
}
