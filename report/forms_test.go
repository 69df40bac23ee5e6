package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"kntc/internal/testenv"
	"kntc/report"
	"kntc/report/internal/formsgen"
)

// TestFormsTable: the six forms of the circular with their column counts, numbered
// columns, NFC headings, the MS row's sums and the guidance.
func TestFormsTable(t *testing.T) {
	want := map[string]int{"01/TCD": 21, "02/XLD": 25, "03/GQKN": 23, "04/GQTC": 25, "05/KQTH": 31, "06/QLKNTC": 17}
	fs := report.Forms()
	if len(fs) != 6 {
		t.Fatalf("%d forms", len(fs))
	}
	for _, f := range fs {
		if len(f.Columns) != want[f.Code] || f.NoteLine != len(f.Columns)+1 || f.Title == "" || f.RowLabel != "Đơn vị" || len(f.Guidance) == 0 {
			t.Errorf("%s: %d columns, note line %d, title %q, label %q, %d guidance lines", f.Code, len(f.Columns), f.NoteLine, f.Title, f.RowLabel, len(f.Guidance))
		}
		for i, c := range f.Columns {
			if c.No != i+1 || c.MS == "" || len(c.Heading) == 0 {
				t.Errorf("%s column %d: %+v", f.Code, i+1, c)
			}
			for _, h := range c.Heading {
				if !norm.NFC.IsNormalString(h) || h == "" {
					t.Errorf("%s column %d heading %q is empty or not NFC", f.Code, c.No, h)
				}
			}
		}
	}
	xld, err := report.FormByCode("02-xld")
	if err != nil {
		t.Fatal(err)
	}
	sums := xld.Sums()
	wantSums := []report.Sum{{3, []int{4, 23}}, {4, []int{6, 12, 19}}, {6, []int{7, 8}}, {6, []int{9, 10, 11}},
		{12, []int{13, 14}}, {12, []int{15, 16, 17, 18}}, {19, []int{20, 21, 22}}, {23, []int{24, 25}}}
	if !slices.EqualFunc(sums, wantSums, func(a, b report.Sum) bool { return a.Col == b.Col && slices.Equal(a.Parts, b.Parts) }) {
		t.Errorf("02/XLD sums %v, want %v", sums, wantSums)
	}
	for _, name := range []string{"01/TCD", "01-TCD", "1", "tcd", " 06-QLKNTC "} {
		if _, err := report.FormByCode(name); err != nil {
			t.Errorf("FormByCode(%q): %v", name, err)
		}
	}
	for _, name := range []string{"", "07", "01/TTr", "XLD-02"} {
		if _, err := report.FormByCode(name); err == nil {
			t.Errorf("FormByCode(%q) found a form", name)
		}
	}
}

// TestFormsTableIsGenerated: forms_gen.go is what genforms makes of the forms'
// summary in ../shared (make forms to regenerate).
func TestFormsTableIsGenerated(t *testing.T) {
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	js := filepath.Join(root, "..", "shared", "reports", "tt-06-2025-forms.json")
	if _, err := os.Stat(js); err != nil {
		t.Skipf("%s not found: not checked; run beside ../shared/reports to check forms_gen.go is current", js)
	}
	got, err := formsgen.Generate(js, filepath.Join(root, "..", "shared", "reports", "tt-06-2025-forms.md"))
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("forms_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, have) {
		t.Error("report/forms_gen.go is out of date: run make forms")
	}
}

// TestPeriods: the circular's cut-off dates (15/12 of the year before to the 14th)
// and free ranges.
func TestPeriods(t *testing.T) {
	for _, tc := range []struct{ in, name, from, to string }{
		{"2026-Q1", "2026-Q1", "2025-12-15", "2026-03-14"},
		{"2026-q2", "2026-Q2", "2026-03-15", "2026-06-14"},
		{"2026-Q3", "2026-Q3", "2026-06-15", "2026-09-14"},
		{"2026-Q4", "2026-Q4", "2026-09-15", "2026-12-14"},
		{"2026-H1", "2026-H1", "2025-12-15", "2026-06-14"},
		{"2026-6M", "2026-H1", "2025-12-15", "2026-06-14"},
		{"2026-9M", "2026-9M", "2025-12-15", "2026-09-14"},
		{"2026", "2026", "2025-12-15", "2026-12-14"},
		{"2028-12M", "2028", "2027-12-15", "2028-12-14"},
	} {
		p, err := report.ParsePeriod(tc.in)
		if err != nil || p.Name != tc.name || p.From.Format(time.DateOnly) != tc.from || p.To.Format(time.DateOnly) != tc.to {
			t.Errorf("%s: %+v %v, want %s %s–%s", tc.in, p, err, tc.name, tc.from, tc.to)
		}
	}
	for _, bad := range []string{"", "2026-Q5", "26-Q1", "2026Q1", "1999", "2026-H2", "Q1"} {
		if _, err := report.ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
	p, err := report.PeriodOf("", "2026-01-01", "2026-01-31")
	if err != nil || !p.Contains(day("2026-01-31")) || p.Contains(day("2026-02-01")) || !p.Contains(day("2026-01-01")) {
		t.Errorf("range: %+v %v", p, err)
	}
	for _, bad := range [][3]string{{"", "", ""}, {"2026", "2026-01-01", ""}, {"", "2026-02-01", "2026-01-01"}, {"", "2026-01-01", "x"}} {
		if _, err := report.PeriodOf(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("PeriodOf(%q) accepted", bad)
		}
	}
}
