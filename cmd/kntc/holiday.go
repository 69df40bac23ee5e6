package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"kntc/auth"
	"kntc/cases"
)

func runHoliday(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	sub := subcommands{
		{"list", "liệt kê ngày nghỉ, ngày làm bù (list the marked days)", runHolidayList},
		{"add", "đánh dấu ngày nghỉ hoặc ngày làm bù (mark a day)", runHolidayAdd},
		{"remove", "bỏ đánh dấu một ngày (unmark a day)", runHolidayRemove},
	}
	return sub.run(ctx, "kntc holiday", "Lịch ngày làm việc: các thời hạn tính theo ngày làm việc bỏ qua thứ Bảy, Chủ nhật\nvà các ngày nghỉ ở đây (the working-day calendar).", args, getenv, stdin, stdout, stderr)
}

// cliAdministrator is the command line as the case system's actor: it keeps the
// calendar as an administrator would, recorded in the audit trail as "cli".
var cliAdministrator = cases.Actor{User: auth.User{Username: cliUser.Username, Role: auth.RoleAdministrator}, Scope: auth.Scope{All: true}}

// withCalendar opens the configured database (migrating it) and runs fn with the
// case service the calendar needs (its store and audit key).
func withCalendar(ctx context.Context, cfg *Config, stderr io.Writer, fn func(*cases.Service) error) error {
	db, _, err := openDatabase(ctx, cfg, true, cfg.Logger(stderr))
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	return fn(&cases.Service{Store: db, AuditKey: db.AuditKey()})
}

func runHolidayList(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("holiday list", "", "Lists the marked days of a year: holidays and compensatory days off (nghỉ),\nmake-up working days (làm bù).", stderr)
	year := fs.Int("year", time.Now().In(time.FixedZone("ICT", 7*3600)).Year(), "the year (this year in Vietnam by default)")
	cfg, err := parseConfig(fs, getenv, args)
	if err != nil {
		return err
	}
	return withCalendar(ctx, cfg, stderr, func(svc *cases.Service) error {
		list, err := svc.Holidays(ctx, cliAdministrator, *year)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NGÀY (DAY)\tTHỨ (WEEKDAY)\tLOẠI (KIND)\tTÊN (NAME)")
		for _, h := range list {
			kind := "nghỉ (off)"
			if h.Working {
				kind = "làm bù (working)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", cases.FormatDate(h.Day), cases.WeekdayLabel(h.Day), kind, h.Name)
		}
		return tw.Flush()
	})
}

func runHolidayAdd(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("holiday add", "DATE NAME", "Marks DATE (YYYY-MM-DD) a holiday or compensatory day off named NAME, or with\n--working a make-up working Saturday or Sunday; a day marked before is replaced.\nOpen denunciations' working-day deadlines are recounted.\n\nExample: kntc holiday add 2027-02-10 \"Nghỉ bù Tết Âm lịch\"", stderr)
	working := fs.Bool("working", false, "a make-up working day (ngày làm bù) instead of a day off")
	cfg, pos, err := parseConfigArgs(fs, getenv, args, "DATE NAME")
	if err != nil {
		return err
	}
	day, err := parseDay(pos[0])
	if err != nil {
		return err
	}
	return withCalendar(ctx, cfg, stderr, func(svc *cases.Service) error {
		h, err := svc.PutHoliday(ctx, cliAdministrator, cases.Holiday{Day: day, Name: pos[1], Working: *working})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Đã đánh dấu (marked): %s %s\n", cases.FormatDate(h.Day), h.Name)
		return nil
	})
}

func runHolidayRemove(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("holiday remove", "DATE", "Removes the mark of DATE (YYYY-MM-DD): the day follows the week again.", stderr)
	cfg, pos, err := parseConfigArgs(fs, getenv, args, "DATE")
	if err != nil {
		return err
	}
	day, err := parseDay(pos[0])
	if err != nil {
		return err
	}
	return withCalendar(ctx, cfg, stderr, func(svc *cases.Service) error {
		if err := svc.DeleteHoliday(ctx, cliAdministrator, day); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Đã bỏ đánh dấu (unmarked): %s\n", cases.FormatDate(day))
		return nil
	})
}

// parseDay reads a DATE argument.
func parseDay(s string) (time.Time, error) {
	d, err := cases.ParseDate(s)
	if err != nil || d.IsZero() {
		return time.Time{}, fmt.Errorf("ngày %q không hợp lệ, dạng YYYY-MM-DD (the date must be YYYY-MM-DD): %w", s, errUsage)
	}
	return d, nil
}
