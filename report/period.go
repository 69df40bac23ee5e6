package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"kntc/internal/errs"
)

// Period is a reporting period: the days From to To, both included (dates at UTC
// midnight, as cases.Date gives them).
type Period struct {
	Name     string // "2026-Q1", "2026-H1", "2026-9M", "2026", or "" for a free range
	From, To time.Time
}

var periodRe = regexp.MustCompile(`^(\d{4})(?:-(Q[1-4]|H1|6M|9M|12M|Y))?$`)

// Periods of the circular (Thông tư 06/2025/TT-TTCP, Điều 7 khoản 1): the data of
// a period run from the 15th of the month before its first month to the 14th of
// its last month; a year's first period starts on 15/12 of the year before.
//
//	2026-Q1 15/12/2025–14/03/2026   2026-Q2 15/03–14/06   2026-Q3 15/06–14/09
//	2026-Q4 15/09–14/12             2026-H1 (6M) 15/12/2025–14/06/2026
//	2026-9M 15/12/2025–14/09/2026   2026 (12M, Y) 15/12/2025–14/12/2026
func ParsePeriod(s string) (Period, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	m := periodRe.FindStringSubmatch(s)
	if m == nil {
		return Period{}, fmt.Errorf("kỳ báo cáo %q không hợp lệ: dùng NĂM-Q1…Q4, NĂM-H1, NĂM-9M, NĂM, hoặc from=/to= (period must be YYYY-Q1..Q4, YYYY-H1, YYYY-9M, YYYY, or a from/to range)", s)
	}
	y, _ := strconv.Atoi(m[1])
	if y < 2000 || y > 2100 {
		return Period{}, fmt.Errorf("năm %d ngoài khoảng 2000–2100 (year out of range)", y)
	}
	cut := func(year int, month time.Month, day int) time.Time {
		return time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	}
	start := cut(y-1, time.December, 15)
	p := Period{Name: s, From: start}
	switch m[2] {
	case "Q1":
		p.To = cut(y, time.March, 14)
	case "Q2":
		p.From, p.To = cut(y, time.March, 15), cut(y, time.June, 14)
	case "Q3":
		p.From, p.To = cut(y, time.June, 15), cut(y, time.September, 14)
	case "Q4":
		p.From, p.To = cut(y, time.September, 15), cut(y, time.December, 14)
	case "H1", "6M":
		p.Name, p.To = m[1]+"-H1", cut(y, time.June, 14)
	case "9M":
		p.To = cut(y, time.September, 14)
	default: // the year
		p.Name, p.To = m[1], cut(y, time.December, 14)
	}
	return p, nil
}

// RangePeriod is the free range from–to (YYYY-MM-DD, both included).
func RangePeriod(from, to string) (Period, error) {
	f, err1 := time.Parse(time.DateOnly, strings.TrimSpace(from))
	t, err2 := time.Parse(time.DateOnly, strings.TrimSpace(to))
	switch {
	case err1 != nil:
		return Period{}, fmt.Errorf("from %q không phải ngày YYYY-MM-DD (from must be a date)", from)
	case err2 != nil:
		return Period{}, fmt.Errorf("to %q không phải ngày YYYY-MM-DD (to must be a date)", to)
	case t.Before(f):
		return Period{}, fmt.Errorf("ngày kết thúc %s trước ngày bắt đầu %s (to is before from)", to, from)
	case t.Sub(f) > 20*366*24*time.Hour:
		return Period{}, fmt.Errorf("khoảng thời gian quá dài, tối đa 20 năm (range too long)")
	}
	return Period{From: f, To: t}, nil
}

// Contains reports whether day d (UTC midnight) is in the period.
func (p Period) Contains(d time.Time) bool {
	return !d.IsZero() && !d.Before(p.From) && !d.After(p.To)
}

// PeriodOf reads a period as the API and the command line give it: a named
// period, or from and to; errors wrap errs.ErrInvalid.
func PeriodOf(name, from, to string) (Period, error) {
	var p Period
	var err error
	switch {
	case name != "" && (from != "" || to != ""):
		err = fmt.Errorf("chỉ ghi period hoặc from/to, không cả hai (give period or from/to, not both)")
	case name != "":
		p, err = ParsePeriod(name)
	case from != "" || to != "":
		p, err = RangePeriod(from, to)
	default:
		err = fmt.Errorf("thiếu kỳ báo cáo: period=2026-Q1 hoặc from=…&to=… (the period is required)")
	}
	if err != nil {
		return Period{}, errs.Errorf(errs.Invalid, "%s", err)
	}
	return p, nil
}
