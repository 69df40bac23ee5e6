package storagetest

import (
	"testing"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

// testHolidays: the working-day calendar comes seeded with 2026 and 2027 (migration
// 7), is listed per year, and every change is audited in its transaction.
func testHolidays(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	y26, err := db.Holidays(ctx, 2026)
	must(t, "holidays of 2026", err)
	y27, err := db.Holidays(ctx, 2027)
	must(t, "holidays of 2027", err)
	all, err := db.Holidays(ctx, 0)
	must(t, "every holiday", err)
	if len(y26) == 0 || len(y27) == 0 || len(all) != len(y26)+len(y27) {
		t.Fatalf("seeded calendar: %d days in 2026, %d in 2027, %d in all", len(y26), len(y27), len(all))
	}
	for i, h := range y26 {
		if h.Day.Year() != 2026 || i > 0 && !y26[i-1].Day.Before(h.Day) {
			t.Fatalf("2026 list not in order or holds %s", cases.FormatDate(h.Day))
		}
	}
	marks := map[string]cases.Holiday{}
	for _, h := range all {
		marks[cases.FormatDate(h.Day)] = h
	}
	for _, d := range []string{"2026-01-01", "2026-02-16", "2026-02-17", "2026-02-20", "2026-04-27", "2026-04-30",
		"2026-05-01", "2026-09-01", "2026-09-02", "2027-01-01", "2027-02-06", "2027-04-16", "2027-05-03", "2027-09-03"} {
		if h, ok := marks[d]; !ok || h.Working || h.Name == "" {
			t.Errorf("seeded %s = %+v (present %v), want a named day off", d, h, ok)
		}
	}
	// Tết 2026 (Saturday 14 to Sunday 22 February) lies between Thursday 12 and
	// the fifth working day after it.
	cal := cases.NewCalendar(all)
	if got := cases.FormatDate(cal.AddWorkingDays(day(2026, 2, 12), 5)); got != "2026-02-26" {
		t.Errorf("5 working days after 2026-02-12 = %s, want 2026-02-26", got)
	}

	rec := func(action, d string) cases.Record {
		return cases.Record{UserID: w.leader.ID, Username: "quan.tri", Action: action, Object: "holiday:" + d}
	}
	makeUp := cases.Holiday{Day: day(2026, 2, 28), Name: "Làm bù", Working: true}
	audited(t, db, cases.ActionCreate, "holiday:2026-02-28", func() error {
		return db.PutHoliday(ctx, makeUp, rec(cases.ActionCreate, "2026-02-28"))
	})
	makeUp.Name = "Làm bù ngày 2/1"
	audited(t, db, cases.ActionUpdate, "holiday:2026-02-28", func() error {
		return db.PutHoliday(ctx, makeUp, rec(cases.ActionUpdate, "2026-02-28"))
	})
	after, err := db.Holidays(ctx, 2026)
	must(t, "holidays after put", err)
	if len(after) != len(y26)+1 || !slicesHas(after, makeUp) {
		t.Fatalf("after two puts of one day: %d days, want %d with %+v", len(after), len(y26)+1, makeUp)
	}
	audited(t, db, cases.ActionDelete, "holiday:2026-02-28", func() error {
		return db.DeleteHoliday(ctx, makeUp.Day, rec(cases.ActionDelete, "2026-02-28"))
	})
	refused(t, db, "delete an unmarked day", errs.ErrNotFound, func() error {
		return db.DeleteHoliday(ctx, makeUp.Day, rec(cases.ActionDelete, "2026-02-28"))
	})
	if n, err := verifyAudit(t, db); err != nil || n != 3 {
		t.Fatalf("audit chain: %d entries, %v; want 3, intact", n, err)
	}
}

func slicesHas(hs []cases.Holiday, want cases.Holiday) bool {
	for _, h := range hs {
		if h.Day.Equal(want.Day) && h.Name == want.Name && h.Working == want.Working {
			return true
		}
	}
	return false
}
