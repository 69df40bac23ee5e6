package web

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"kntc/cases"
	"kntc/internal/errs"
)

// holidayJSON is a marked day of the working-day calendar.
type holidayJSON struct {
	Day     string `json:"day"`
	Weekday string `json:"weekday"` // Vietnamese name of the day of the week
	Name    string `json:"name"`
	Working bool   `json:"working"` // true: a make-up working day (ngày làm bù)
}

func newHolidayJSON(h cases.Holiday) holidayJSON {
	return holidayJSON{Day: cases.FormatDate(h.Day), Weekday: cases.WeekdayLabel(h.Day), Name: h.Name, Working: h.Working}
}

type holidayListJSON struct {
	Year     int           `json:"year"`
	Holidays []holidayJSON `json:"holidays"`
}

// handleHolidayList lists a year's marked days (?year=, this year when absent) to
// every signed-in user.
func handleHolidayList(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		year := today(svc).Year()
		if s := r.URL.Query().Get("year"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n == 0 {
				respondError(w, r, logger, errs.Errorf(errs.Invalid, "năm %q không hợp lệ (year must be a number such as 2026)", s))
				return
			}
			year = n
		}
		list, err := svc.Holidays(r.Context(), currentActor(r.Context()), year)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := holidayListJSON{Year: year, Holidays: make([]holidayJSON, 0, len(list))}
		for _, h := range list {
			out.Holidays = append(out.Holidays, newHolidayJSON(h))
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// holidayDate is the {date} of the request.
func holidayDate(r *http.Request) (time.Time, error) {
	s := chi.URLParam(r, "date")
	d, err := cases.ParseDate(s)
	if err != nil || d.IsZero() {
		return time.Time{}, errs.Errorf(errs.Invalid, "ngày %q không hợp lệ, dạng YYYY-MM-DD (the date must be YYYY-MM-DD)", s)
	}
	return d, nil
}

type holidayRequest struct {
	Name    string `json:"name"`
	Working bool   `json:"working"`
}

// handleHolidayPut marks a day (administrators only): a holiday or compensatory
// day off, or with "working": true a make-up working Saturday or Sunday.
func handleHolidayPut(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, err := holidayDate(r)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		var req holidayRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		h, err := svc.PutHoliday(r.Context(), currentActor(r.Context()), cases.Holiday{Day: d, Name: req.Name, Working: req.Working})
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newHolidayJSON(h))
	})
}

// handleHolidayDelete removes a day's mark (administrators only).
func handleHolidayDelete(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, err := holidayDate(r)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		if err := svc.DeleteHoliday(r.Context(), currentActor(r.Context()), d); err != nil {
			respondError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
