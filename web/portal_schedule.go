package web

import (
	"net/http"
	"strconv"

	"kntc/cases"
)

// The reception schedule (lịch tiếp công dân) on the portal: per unit, the
// regular reception and the leaders' days, each with when, hours and place and
// its days in the coming scheduleDays (weekly and monthly days that are not
// working days are left out).

// scheduleDays is how far ahead the portal lists dates.
const scheduleDays = 35

type scheduleUnit struct {
	ID      int64
	Name    string
	Regular []scheduleRow
	Leaders []scheduleRow
}

type scheduleRow struct {
	L                                *printer
	Leader, When, Hours, Place, Note string
	Next                             []string
}

func (f *portalForms) handleSchedulePage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		days, cal, today, err := f.deps.Cases.PublicSchedule(ctx)
		if err != nil {
			f.fail(w, r, "portal schedule", err)
			return
		}
		units, err := f.deps.Accounts.Store.Units(ctx)
		if err != nil {
			f.fail(w, r, "portal schedule units", err)
			return
		}
		L := f.view("").L
		byID := map[int64]*scheduleUnit{}
		var out []*scheduleUnit
		for _, u := range units {
			su := &scheduleUnit{ID: u.ID, Name: u.Name}
			byID[u.ID] = su
			out = append(out, su)
		}
		for _, d := range days {
			su := byID[d.UnitID]
			if su == nil {
				continue
			}
			row := scheduleRow{L: L, Leader: d.Leader, When: d.Describe(), Hours: d.Hours, Place: d.Place, Note: d.Note}
			for _, t := range d.Next(today, scheduleDays, cal) {
				row.Next = append(row.Next, cases.WeekdayLabel(t)+" "+uiDate(t))
			}
			if d.Kind == cases.ScheduleLeader {
				su.Leaders = append(su.Leaders, row)
			} else {
				su.Regular = append(su.Regular, row)
			}
		}
		var shown []*scheduleUnit
		for _, su := range out {
			if len(su.Regular)+len(su.Leaders) > 0 {
				shown = append(shown, su)
			}
		}
		v := f.view("portal.schedule.title")
		v.Data = struct {
			Units []*scheduleUnit
			Days  string
		}{shown, strconv.Itoa(scheduleDays)}
		f.render(w, r, http.StatusOK, "public, max-age=300", "schedule", v)
	})
}
