package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"kntc/internal/testenv"
	"kntc/report"
	"kntc/storage/sqlite"
	"kntc/web"
)

// filesFixture is the fixture on SQLite and the six forms of 2026 (from
// 15/12/2025 to 14/12/2026: every number of the fixture) for the province.
func filesFixture(t *testing.T) (*province, []*report.Report) {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "kntc.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	p := newProvince(t, db)
	var reps []*report.Report
	for _, f := range report.Forms() {
		reps = append(reps, build(t, p, p.leader, f.Slug(), "TINH", "2026"))
	}
	nonZero := 0.0
	for _, r := range reps {
		for _, v := range r.Total.Values {
			nonZero += v
		}
	}
	if nonZero == 0 {
		t.Fatal("the fixture's forms are all zero: the files would test nothing")
	}
	return p, reps
}

// need finds a program of poppler-utils or LibreOffice, or stops the test.
func need(t *testing.T, program, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(program)
	if err != nil {
		testenv.Missing(t, pkg, err.Error())
	}
	return path
}

// run runs a program with a timeout, in its own process group, killed after.
func run(t *testing.T, dir string, env []string, name string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out.String())
	}
	return out.Bytes()
}

// TestWorkbooksInLibreOffice writes the six workbooks, has LibreOffice (run as
// ocr/office runs it: headless, its own profile, a clean environment, a time
// limit, the process group killed) convert them to CSV, and compares every
// cell of the units' rows and the total with the API's JSON.
func TestWorkbooksInLibreOffice(t *testing.T) {
	soffice := need(t, "soffice", "LibreOffice (libreoffice-calc-nogui)")
	_, reps := filesFixture(t)
	job := t.TempDir()
	var files []string
	for _, r := range reps {
		var buf bytes.Buffer
		if err := report.WriteXLSX(&buf, r); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(job, r.Form.Slug()+".xlsx")
		if err := os.WriteFile(name, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	profile := filepath.Join(job, "profile")
	out := filepath.Join(job, "out")
	for _, d := range []string{profile, out, filepath.Join(job, "tmp")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// CSV: comma, double quotes, UTF-8 (76), from the first line.
	args := append([]string{"--headless", "--invisible", "--nologo", "--nodefault", "--nofirststartwizard", "--nolockcheck", "--norestore",
		"-env:UserInstallation=" + (&url.URL{Scheme: "file", Path: profile}).String(),
		"--convert-to", `csv:Text - txt - csv (StarCalc):44,34,76,1`, "--outdir", out}, files...)
	run(t, job, []string{"PATH=" + os.Getenv("PATH"), "HOME=" + job, "TMPDIR=" + filepath.Join(job, "tmp"),
		"TZ=ICT-7", "LANG=C.UTF-8", "SAL_USE_VCLPLUGIN=svp"}, soffice, args...)

	compared := 0
	for _, r := range reps {
		b, err := os.ReadFile(filepath.Join(out, r.Form.Slug()+".csv"))
		if err != nil {
			t.Fatalf("LibreOffice did not convert %s: %v", r.Form.Code, err)
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatalf("%s: csv: %v", r.Form.Code, err)
		}
		var js struct {
			Title string
			Rows  []struct {
				Name    string
				Columns map[string]*float64
			}
			Total struct {
				Name    string
				Columns map[string]*float64
			}
		}
		raw, err := json.Marshal(web.ReportJSON(r))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &js); err != nil {
			t.Fatal(err)
		}
		rows := append(js.Rows, js.Total)
		// The data rows follow the MS row.
		ms := -1
		for i, rec := range recs {
			if len(rec) > 0 && rec[0] == "MS" {
				ms = i
			}
		}
		if ms < 0 || ms+len(rows) >= len(recs) {
			t.Fatalf("%s: no MS row or too few rows in\n%s", r.Form.Code, b)
		}
		if recs[1][0] != js.Title {
			t.Errorf("%s: title %q, want %q", r.Form.Code, recs[1][0], js.Title)
		}
		for i, row := range rows {
			rec := recs[ms+1+i]
			if norm.NFC.String(rec[0]) != row.Name {
				t.Errorf("%s row %d: %q, want %q", r.Form.Code, i, rec[0], row.Name)
			}
			for _, c := range r.Form.Columns {
				want := row.Columns[strconv.Itoa(c.No)]
				got := ""
				if c.No < len(rec) {
					got = rec[c.No]
				}
				switch {
				case want == nil && got != "":
					t.Errorf("%s %s column %d = %q, want empty", r.Form.Code, row.Name, c.No, got)
				case want != nil:
					v, err := strconv.ParseFloat(got, 64)
					if err != nil || v != *want {
						t.Errorf("%s %s column %d = %q, want %v", r.Form.Code, row.Name, c.No, got, *want)
					}
					if *want != 0 {
						compared++
					}
				}
			}
		}
	}
	if compared < 20 {
		t.Errorf("only %d non-zero cells compared", compared)
	}
	t.Logf("%d non-zero cells equal the JSON", compared)
}

var spaces = regexp.MustCompile(`\s+`)

// TestPDFRendersWithVietnameseText writes the six PDFs with the charts,
// renders them with pdftoppm and reads their text with pdftotext: the title,
// the unit, the period, every heading of every level, the MS row, the
// guidance, the signatures and the charts' titles come back whole (NFC).
func TestPDFRendersWithVietnameseText(t *testing.T) {
	pdftoppm := need(t, "pdftoppm", "poppler-utils")
	pdftotext := need(t, "pdftotext", "poppler-utils")
	p, reps := filesFixture(t)
	d, err := p.rep.ChartData(t.Context(), p.leader, "TINH", reps[0].Period)
	if err != nil {
		t.Fatal(err)
	}
	charts := d.Charts()
	dir := t.TempDir()
	for _, r := range reps {
		var buf bytes.Buffer
		if err := report.WritePDF(&buf, r, charts); errors.Is(err, report.ErrNoFont) {
			testenv.Missing(t, "fonts-liberation2 or fonts-dejavu-core", err.Error())
		} else if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, r.Form.Slug()+".pdf")
		if err := os.WriteFile(name, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(buf.Bytes(), []byte("/FontFile2")) {
			t.Errorf("%s: no embedded TrueType font", r.Form.Code)
		}
		run(t, dir, nil, pdftoppm, "-r", "40", "-png", name, filepath.Join(dir, r.Form.Slug()))
		pngs, _ := filepath.Glob(filepath.Join(dir, r.Form.Slug()+"-*.png"))
		if len(pngs) < 2 {
			t.Errorf("%s: %d pages rendered, want the form and the charts", r.Form.Code, len(pngs))
		}
		text := norm.NFC.String(string(run(t, dir, nil, pdftotext, "-raw", "-enc", "UTF-8", name, "-")))
		flat := " " + spaces.ReplaceAllString(text, " ") + " "
		want := []string{r.Form.Title, "Biểu số: " + r.Form.Code, "Ủy ban nhân dân tỉnh", "Thị xã Hòa Thành",
			"Sở Tài nguyên và Môi trường", "Tổng cộng", "Số liệu tính từ ngày 15/12/2025 đến ngày 14/12/2026",
			" MS ", "NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ", "(Ký tên, đóng dấu)", "ngày …… tháng …… năm ……",
			"Hướng dẫn cách ghi biểu", strconv.Itoa(r.Form.NoteLine) + ". Ghi chú:", "BIỂU ĐỒ"}
		for _, c := range r.Form.Columns {
			want = append(want, c.Heading...)
		}
		want = append(want, r.Form.Guidance...)
		for _, c := range charts {
			want = append(want, c.Title)
		}
		for _, w := range want {
			if !strings.Contains(flat, spaces.ReplaceAllString(norm.NFC.String(w), " ")) {
				t.Errorf("%s: %q not in the PDF's text", r.Form.Code, w)
			}
		}
		// The MS row, its formulas wrapped between numbers.
		bare := strings.Join(strings.Fields(flat), "")
		var msRow strings.Builder
		for _, c := range r.Form.Columns {
			msRow.WriteString(strings.ReplaceAll(c.MS, " ", ""))
		}
		if !strings.Contains(bare, "MS"+msRow.String()) {
			t.Errorf("%s: MS row %q not in the PDF's text", r.Form.Code, msRow.String())
		}
		if strings.Contains(text, secretName) {
			t.Errorf("%s: the denouncer's name is in the PDF", r.Form.Code)
		}
		// The numbers of the total row, in order, after "Tổng cộng".
		_, after, _ := strings.Cut(flat, " Tổng cộng ")
		var nums []string
		for _, c := range r.Form.Columns {
			if _, none := r.Empty[c.No]; !none {
				nums = append(nums, strconv.FormatFloat(r.Total.Value(c.No), 'f', -1, 64))
			}
		}
		if len(nums) > 0 && !strings.HasPrefix(after, strings.Join(nums, " ")+" ") {
			t.Errorf("%s: total row %q…, want %q", r.Form.Code, after[:min(len(after), 120)], strings.Join(nums, " "))
		}
	}
}
