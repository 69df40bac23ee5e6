package cases

import (
	"context"
	"errors"
	"fmt"
	"time"

	"kntc/internal/errs"
	"kntc/internal/textin"
)

var fieldHolidayName = textin.Field{Key: "name", Name: "tên ngày nghỉ", English: "holiday name", Max: 200, Required: true}

// Calendar is the working-day calendar the administrators keep, read afresh (a
// few dozen rows a year): a change is counted by the next deadline computed.
func (s *Service) Calendar(ctx context.Context) (*Calendar, error) {
	marks, err := s.Store.Holidays(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("read the holiday calendar: %w", err)
	}
	return NewCalendar(marks), nil
}

// yearProblem checks a year asked for; 0 means every year.
func yearProblem(year int) string {
	if year != 0 && (year < EarliestDate.Year() || year > 9999) {
		return fmt.Sprintf("năm %d không hợp lệ, từ %d đến 9999 (year out of range)", year, EarliestDate.Year())
	}
	return ""
}

// Holidays lists the calendar's marked days of year (every year when 0). Every
// signed-in user may read the calendar: it holds nothing of a case.
func (s *Service) Holidays(ctx context.Context, a Actor, year int) ([]Holiday, error) {
	if p := yearProblem(year); p != "" {
		var probs errs.Problems
		probs.Add("year", p)
		return nil, probs.Err()
	}
	return s.Store.Holidays(ctx, year)
}

// holidayProblems checks a mark: a real day, a name, and a make-up working day
// only on a weekend (a weekday works already).
func holidayProblems(h *Holiday) error {
	var probs errs.Problems
	fieldHolidayName.Check(&probs, &h.Name)
	switch {
	case h.Day.IsZero():
		probs.Add("day", "cần ngày, dạng YYYY-MM-DD (the day is required)")
	case h.Day.Year() > 9999:
		probs.Addf("day", "ngày %s không hợp lệ (not a real date)", FormatDate(h.Day))
	case h.Working && (*Calendar)(nil).IsWorkingDay(h.Day):
		probs.Addf("working", "ngày %s là ngày thường: chỉ thứ Bảy, Chủ nhật mới đánh dấu làm bù (only a Saturday or Sunday is marked a make-up working day)", FormatDate(h.Day))
	}
	checkDate(&probs, "day", "ngày", "the day", h.Day, time.Time{}, true)
	return probs.Err()
}

// PutHoliday marks a day of the calendar (administrators only), replacing an
// earlier mark of that day, and recounts the working-day deadlines of open cases.
func (s *Service) PutHoliday(ctx context.Context, a Actor, h Holiday) (Holiday, error) {
	if err := a.require(PermHolidayWrite); err != nil {
		return Holiday{}, err
	}
	h.Day = Date(h.Day)
	if err := holidayProblems(&h); err != nil {
		return Holiday{}, err
	}
	year, err := s.Store.Holidays(ctx, h.Day.Year())
	if err != nil {
		return Holiday{}, err
	}
	action := ActionCreate
	for _, o := range year {
		if o.Day.Equal(h.Day) {
			action = ActionUpdate
		}
	}
	rec := a.record(action, "holiday:"+FormatDate(h.Day), fmt.Sprintf("working=%t", h.Working))
	if err := s.Store.PutHoliday(ctx, h, rec); err != nil {
		return Holiday{}, fmt.Errorf("mark %s: %w", FormatDate(h.Day), err)
	}
	return h, s.recountWorkingDues(ctx)
}

// DeleteHoliday removes a day's mark (administrators only): the day follows the
// week again. ErrNotFound when it has none.
func (s *Service) DeleteHoliday(ctx context.Context, a Actor, day time.Time) error {
	if err := a.require(PermHolidayWrite); err != nil {
		return err
	}
	day = Date(day)
	if day.IsZero() {
		return errs.Errorf(errs.Invalid, "cần ngày, dạng YYYY-MM-DD (the day is required)")
	}
	if err := s.Store.DeleteHoliday(ctx, day, a.record(ActionDelete, "holiday:"+FormatDate(day), "")); err != nil {
		return fmt.Errorf("unmark %s: %w", FormatDate(day), err)
	}
	return s.recountWorkingDues(ctx)
}

// recountWorkingDues stores the deadline of every open case whose running
// deadline counts working days again, with the calendar as it is now: the due
// lists read the stored DueOn. The pipeline (System) makes the change, each on
// the case's timeline and in the audit trail.
func (s *Service) recountWorkingDues(ctx context.Context) error {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return err
	}
	const page = 1000
	for offset := 0; ; offset += page {
		list, total, err := s.Store.Cases(ctx, CaseFilter{Kind: KindDenunciation, OpenOnly: true, Limit: page, Offset: offset})
		if err != nil {
			return fmt.Errorf("recount working-day deadlines: %w", err)
		}
		for _, c := range list {
			due := cal.DueOn(c)
			if DueCount(c) != CountWorking || due.Equal(c.DueOn) {
				continue
			}
			ev := Event{Type: EventUpdated, Note: "hạn tính lại theo lịch ngày nghỉ: " + FormatDate(due)}
			err := s.updateCase(ctx, System, &c, []Event{ev}, ActionUpdate, "due recounted")
			if err != nil && !errors.Is(err, errs.ErrConflict) { // a concurrent change stored its own count
				return err
			}
		}
		if offset+page >= total || len(list) == 0 {
			return nil
		}
	}
}
