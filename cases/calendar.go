package cases

import (
	"time"
)

// Holiday is a day the administrators mark in the working-day calendar: a public
// holiday or a compensatory day off (ngày nghỉ bù) when Working is false, a make-up
// working day on a weekend (ngày làm bù) when Working is true. Days not marked
// follow the week: Monday to Friday work, Saturday and Sunday do not.
type Holiday struct {
	Day     time.Time // the date, as Date gives it (UTC midnight)
	Name    string
	Working bool
}

// Calendar says which days are working days (ngày làm việc), for the periods the
// law counts in working days (Luật Tố cáo 2018, Điều 24; Luật Tiếp công dân 2013,
// Điều 24). The nil *Calendar knows no holidays: only weekends are days off.
// A Calendar is not changed after NewCalendar: safe for concurrent use.
type Calendar struct {
	marks map[time.Time]bool // date → working
}

// NewCalendar builds a calendar from the marked days; a later mark of the same
// day wins.
func NewCalendar(marks []Holiday) *Calendar {
	c := &Calendar{marks: make(map[time.Time]bool, len(marks))}
	for _, h := range marks {
		if !h.Day.IsZero() {
			c.marks[vnDate(h.Day)] = h.Working
		}
	}
	return c
}

// vnDate is the day t falls on in Vietnam (UTC+7), as UTC midnight. A date
// already given as UTC midnight (Date, ParseDate) stays the same day.
func vnDate(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return Date(t.In(vietnam))
}

// IsWorkingDay reports whether d (its day in Vietnam) is a working day: a marked
// day as marked, else Monday to Friday.
func (c *Calendar) IsWorkingDay(d time.Time) bool {
	d = vnDate(d)
	if c != nil {
		if working, ok := c.marks[d]; ok {
			return working
		}
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkingDays is the n-th working day after from (its day in Vietnam): a period
// counts from the day after the event (Bộ luật Dân sự 2015, Điều 147), so the day
// of the event itself never counts. n ≤ 0 gives from's day. The result is a date
// (UTC midnight); zero for a zero from.
func (c *Calendar) AddWorkingDays(from time.Time, n int) time.Time {
	d := vnDate(from)
	if d.IsZero() {
		return d
	}
	// A calendar marks days, never whole seasons off: a year holds well over 200
	// working days, so the bound is never reached by a real calendar and only
	// stops a loop over a broken one.
	for limit := 0; n > 0 && limit < 366*(n/200+2); limit++ {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// DayCount is how a deadline's days are counted.
type DayCount string

// The counts.
const (
	CountCalendar DayCount = "calendar" // every day counts (ngày theo lịch)
	CountWorking  DayCount = "working"  // weekends and holidays do not (ngày làm việc)
)

// Label is the count's Vietnamese name.
func (k DayCount) Label() string {
	switch k {
	case CountCalendar:
		return "Ngày theo lịch"
	case CountWorking:
		return "Ngày làm việc"
	}
	return string(k)
}

var weekdaysVI = [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}

// WeekdayLabel is the Vietnamese name of d's day of the week (Thứ Hai … Chủ nhật).
func WeekdayLabel(d time.Time) string { return weekdaysVI[d.Weekday()] }
