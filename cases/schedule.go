package cases

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"kntc/internal/errs"
	"kntc/internal/textin"
)

// The reception schedule (lịch tiếp công dân, issue 13 item 6; Luật Tiếp công dân
// 2013, Điều 12, 18): each unit's regular reception days and its leaders' days,
// kept by the unit's staff and shown on the portal with the coming dates.

// ScheduleKind says whose reception an entry is.
type ScheduleKind string

// The schedule kinds.
const (
	ScheduleRegular ScheduleKind = "thuong_xuyen" // the unit's reception office, regularly
	ScheduleLeader  ScheduleKind = "lanh_dao"     // a leader's reception day
)

// Valid reports whether k is a known kind.
func (k ScheduleKind) Valid() bool { return k == ScheduleRegular || k == ScheduleLeader }

// ReceptionDay is one entry of a unit's schedule. Its days are given by
// Weekdays (every week), MonthDay (every month) or OnDate (once): exactly one.
type ReceptionDay struct {
	ID       int64
	UnitID   int64
	Kind     ScheduleKind
	Leader   string         // name and title, for a leader's day
	Weekdays []time.Weekday // every week on these days
	MonthDay int            // 1–31: every month on this day
	OnDate   time.Time      // once, on this date
	Hours    string         // "07:30 – 11:30"
	Place    string
	Note     string
	// UpdatedAt is set by the store.
	UpdatedAt time.Time
}

var (
	fieldLeader = textin.Field{Key: "leader", Name: "lãnh đạo tiếp", English: "leader", Max: 200}
	fieldHours  = textin.Field{Key: "hours", Name: "giờ tiếp", English: "hours", Max: 100, Required: true}
	fieldPlace  = textin.Field{Key: "place", Name: "địa điểm tiếp", English: "place", Max: 300, Required: true}
	fieldNote   = textin.Field{Key: "note", Name: "ghi chú", English: "note", Max: 1000, Multiline: true}
)

// ActionScheduleUpdate and ActionScheduleDelete: the reception schedule changed.
const (
	ActionScheduleUpdate = "schedule_update"
	ActionScheduleDelete = "schedule_delete"
)

// weekdayNames are the days as the schedule says them (Chủ nhật last).
var weekdayNames = map[time.Weekday]string{time.Monday: "Thứ Hai", time.Tuesday: "Thứ Ba", time.Wednesday: "Thứ Tư",
	time.Thursday: "Thứ Năm", time.Friday: "Thứ Sáu", time.Saturday: "Thứ Bảy", time.Sunday: "Chủ nhật"}

// Describe says when an entry's days are, in Vietnamese.
func (d ReceptionDay) Describe() string {
	switch {
	case len(d.Weekdays) > 0:
		var names []string
		for _, w := range d.Weekdays {
			names = append(names, weekdayNames[w])
		}
		return strings.Join(names, ", ") + " hằng tuần"
	case d.MonthDay > 0:
		return fmt.Sprintf("Ngày %d hằng tháng", d.MonthDay)
	case !d.OnDate.IsZero():
		return "Ngày " + d.OnDate.Format("02/01/2006")
	}
	return ""
}

// Next returns the entry's days from from on, within days days. A weekly or
// monthly day that is not a working day is skipped (the office is closed);
// a single date is kept as given.
func (d ReceptionDay) Next(from time.Time, days int, cal *Calendar) []time.Time {
	from = Date(from)
	var out []time.Time
	if !d.OnDate.IsZero() {
		if od := Date(d.OnDate); !od.Before(from) && od.Before(from.AddDate(0, 0, days)) {
			out = append(out, od)
		}
		return out
	}
	for i := range days {
		day := from.AddDate(0, 0, i)
		hit := slices.Contains(d.Weekdays, day.Weekday()) || d.MonthDay > 0 && day.Day() == d.MonthDay
		if hit && cal.IsWorkingDay(day) {
			out = append(out, day)
		}
	}
	return out
}

// checkReceptionDay cleans d in place and reports what is wrong with it.
func checkReceptionDay(d *ReceptionDay, today time.Time) error {
	var probs errs.Problems
	if !d.Kind.Valid() {
		probs.Add("kind", "hãy chọn lịch tiếp thường xuyên hoặc lịch tiếp của lãnh đạo (choose regular or leader reception)")
	}
	fieldLeader.Check(&probs, &d.Leader)
	if d.Kind == ScheduleLeader && d.Leader == "" {
		probs.Add("leader", "lịch tiếp của lãnh đạo cần ghi lãnh đạo tiếp (a leader's day names the leader)")
	}
	if d.Kind == ScheduleRegular {
		d.Leader = ""
	}
	fieldHours.Check(&probs, &d.Hours)
	fieldPlace.Check(&probs, &d.Place)
	fieldNote.Check(&probs, &d.Note)
	given := 0
	if len(d.Weekdays) > 0 {
		given++
		seen := map[time.Weekday]bool{}
		var ws []time.Weekday
		for _, w := range d.Weekdays {
			if w < time.Sunday || w > time.Saturday {
				probs.Add("weekdays", "ngày trong tuần không hợp lệ (invalid weekday)")
				break
			}
			if !seen[w] {
				seen[w] = true
				ws = append(ws, w)
			}
		}
		// Monday first, Sunday last.
		slices.SortFunc(ws, func(a, b time.Weekday) int { return (int(a)+6)%7 - (int(b)+6)%7 })
		d.Weekdays = ws
	}
	if d.MonthDay != 0 {
		given++
		if d.MonthDay < 1 || d.MonthDay > 31 {
			probs.Add("month_day", "ngày trong tháng phải từ 1 đến 31 (day of the month 1–31)")
		}
	}
	if !d.OnDate.IsZero() {
		given++
		d.OnDate = Date(d.OnDate)
		checkDate(&probs, "on_date", "ngày tiếp", "the reception date", d.OnDate, today, true)
	}
	if given != 1 {
		probs.Add("days", "hãy cho đúng một cách ghi ngày tiếp: các thứ trong tuần, một ngày trong tháng, hoặc một ngày cụ thể (give exactly one of weekdays, a day of the month or a date)")
	}
	return probs.Err()
}

// ReceptionSchedule lists the schedule of the actor's units.
func (s *Service) ReceptionSchedule(ctx context.Context, a Actor) ([]ReceptionDay, error) {
	if err := a.require(PermReceptionRead); err != nil {
		return nil, err
	}
	return s.Store.ReceptionDays(ctx, narrow(a, nil))
}

// PutReceptionDay adds an entry (ID 0) or rewrites one, in a unit of the actor.
func (s *Service) PutReceptionDay(ctx context.Context, a Actor, d ReceptionDay) (ReceptionDay, error) {
	if err := a.require(PermReceptionWrite); err != nil {
		return ReceptionDay{}, err
	}
	if d.UnitID == 0 {
		d.UnitID = a.User.UnitID
	}
	if !a.seesUnit(d.UnitID) {
		return ReceptionDay{}, notFound(fmt.Sprintf("unit %d", d.UnitID))
	}
	if d.ID != 0 {
		old, err := s.Store.ReceptionDay(ctx, d.ID)
		if err != nil {
			return ReceptionDay{}, err
		}
		if !a.seesUnit(old.UnitID) {
			return ReceptionDay{}, notFound("reception day")
		}
	}
	if err := checkReceptionDay(&d, s.today()); err != nil {
		return ReceptionDay{}, err
	}
	detail := fmt.Sprintf("unit=%d kind=%s days=%q", d.UnitID, d.Kind, d.Describe())
	object := ""
	if d.ID != 0 {
		object = "reception_day:" + strconv.FormatInt(d.ID, 10)
	}
	if err := s.Store.PutReceptionDay(ctx, &d, a.record(ActionScheduleUpdate, object, detail)); err != nil {
		return ReceptionDay{}, err
	}
	return d, nil
}

// DeleteReceptionDay removes an entry of a unit of the actor.
func (s *Service) DeleteReceptionDay(ctx context.Context, a Actor, id int64) error {
	if err := a.require(PermReceptionWrite); err != nil {
		return err
	}
	d, err := s.Store.ReceptionDay(ctx, id)
	if err != nil {
		return err
	}
	if !a.seesUnit(d.UnitID) {
		return notFound("reception day")
	}
	return s.Store.DeleteReceptionDay(ctx, id, a.record(ActionScheduleDelete, "reception_day:"+strconv.FormatInt(id, 10),
		fmt.Sprintf("unit=%d kind=%s days=%q", d.UnitID, d.Kind, d.Describe())))
}

// PublicSchedule is the whole schedule for the portal, with the working-day
// calendar to find the coming days.
func (s *Service) PublicSchedule(ctx context.Context) ([]ReceptionDay, *Calendar, time.Time, error) {
	days, err := s.Store.ReceptionDays(ctx, nil)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	marks, err := s.Store.Holidays(ctx, 0)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	return days, NewCalendar(marks), s.today(), nil
}
