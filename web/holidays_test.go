package web_test

import (
	"testing"
)

type holidayOut struct {
	Day     string `json:"day"`
	Weekday string `json:"weekday"`
	Name    string `json:"name"`
	Working bool   `json:"working"`
}

type holidayListOut struct {
	Year     int          `json:"year"`
	Holidays []holidayOut `json:"holidays"`
}

func findHoliday(list []holidayOut, day string) (holidayOut, bool) {
	for _, h := range list {
		if h.Day == day {
			return h, true
		}
	}
	return holidayOut{}, false
}

// TestHolidayCalendarAPI: every signed-in user reads the calendar; only
// administrators mark and unmark days, each change audited.
func TestHolidayCalendarAPI(t *testing.T) {
	e := newEnv(t)
	list := decode[holidayListOut](t, e.get(uClerk, "/api/v1/holidays?year=2026", 200))
	if h, ok := findHoliday(list.Holidays, "2026-02-17"); list.Year != 2026 || !ok || h.Working || h.Weekday != "Thứ Ba" {
		t.Fatalf("2026 calendar: year %d, Tết %+v (found %v)", list.Year, h, ok)
	}
	if this := decode[holidayListOut](t, e.get(uClerk, "/api/v1/holidays", 200)); this.Year != 2026 || len(this.Holidays) != len(list.Holidays) {
		t.Errorf("without ?year: year %d with %d days, want this year 2026 with %d", this.Year, len(this.Holidays), len(list.Holidays))
	}
	if got := decode[holidayListOut](t, e.get(uClerk, "/api/v1/holidays?year=2030", 200)); len(got.Holidays) != 0 {
		t.Errorf("2030: %d days, want none (not seeded)", len(got.Holidays))
	}
	e.get(uClerk, "/api/v1/holidays?year=abc", 422)
	e.get(uClerk, "/api/v1/holidays?year=1900", 422)
	e.get("", "/api/v1/holidays?year=2026", 401)

	makeUp := call{method: "PUT", path: "/api/v1/holidays/2026-03-07", body: map[string]any{"name": "Làm bù", "working": true}}
	for _, u := range []string{uClerk, uHandler, uLeader, uInspector, uLeaderP} {
		e.must(u, makeUp, 403)
		e.must(u, call{method: "DELETE", path: "/api/v1/holidays/2026-02-17"}, 403)
	}
	got := decode[holidayOut](t, e.must(uAdmin, makeUp, 200))
	if got.Day != "2026-03-07" || !got.Working || got.Weekday != "Thứ Bảy" || got.Name != "Làm bù" {
		t.Fatalf("PUT answered %+v", got)
	}
	e.must(uAdmin, call{method: "PUT", path: "/api/v1/holidays/2026-03-05", body: map[string]any{"name": "Làm bù", "working": true}}, 422)
	e.must(uAdmin, call{method: "PUT", path: "/api/v1/holidays/2026-03-06", body: map[string]any{"name": ""}}, 422)
	e.must(uAdmin, call{method: "PUT", path: "/api/v1/holidays/06-03-2026", body: map[string]any{"name": "Nghỉ"}}, 422)
	list = decode[holidayListOut](t, e.get(uHandler, "/api/v1/holidays?year=2026", 200))
	if h, ok := findHoliday(list.Holidays, "2026-03-07"); !ok || !h.Working {
		t.Fatalf("the make-up Saturday is not listed: %+v", list.Holidays)
	}
	e.must(uAdmin, call{method: "DELETE", path: "/api/v1/holidays/2026-03-07"}, 204)
	e.must(uAdmin, call{method: "DELETE", path: "/api/v1/holidays/2026-03-07"}, 404)

	audit := e.auditOf(e.users[uAdmin].ID)
	if count(audit, "create", "holiday:2026-03-07") != 1 || count(audit, "delete", "holiday:2026-03-07") != 1 {
		t.Fatalf("administrator's audit entries: %+v", audit)
	}
	for _, u := range []string{uClerk, uLeader} {
		if n := len(e.auditOf(e.users[u].ID)); n != 0 {
			t.Errorf("%s's refused changes left %d audit entries", u, n)
		}
	}
}

// TestCaseShowsHowItsDeadlineCounts: a denunciation received before Tết 2026
// waits for thụ lý 7 working days (Tết skipped); a complaint 10 calendar days.
func TestCaseShowsHowItsDeadlineCounts(t *testing.T) {
	e := newEnv(t)
	type dueOut struct {
		DueOn         string `json:"due_on"`
		DueCount      string `json:"due_count"`
		DueCountLabel string `json:"due_count_label"`
	}
	for _, tt := range []struct {
		name, kind string
		due, count string
		label      string
		received   string
	}{
		{"denunciation", "to_cao", "2026-03-02", "working", "Ngày làm việc", "2026-02-12"},
		{"complaint", "khieu_nai", "2026-02-22", "calendar", "Ngày theo lịch", "2026-02-12"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := e.must(uClerk, call{method: "POST", path: "/api/v1/cases", body: map[string]any{
				"kind": tt.kind, "source": "buu_chinh", "received_on": tt.received, "subject": "Đơn gửi trước Tết",
			}}, 201)
			c := decode[dueOut](t, body)
			if c.DueOn != tt.due || c.DueCount != tt.count || c.DueCountLabel != tt.label {
				t.Fatalf("due %s (%s, %q), want %s (%s, %q)", c.DueOn, c.DueCount, c.DueCountLabel, tt.due, tt.count, tt.label)
			}
		})
	}
}
