package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestReportCommand: kntc report prints a form for a unit tree, writes its
// workbook, and refuses an unknown form, unit or period.
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	kntc := func(args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), append(args, "--data-dir", dir), envFunc(nil), strings.NewReader(""), &stdout, &stderr)
		if err != nil {
			stderr.WriteString(err.Error())
		}
		return stdout.String() + stderr.String(), err
	}
	for _, u := range [][]string{
		{"--code", "TINH", "--name", "Ủy ban nhân dân tỉnh", "--level", "province"},
		{"--code", "HT", "--name", "Thị xã Hòa Thành", "--level", "district", "--parent", "TINH"},
	} {
		if out, err := kntc(append([]string{"unit", "add"}, u...)...); err != nil {
			t.Fatalf("unit add: %v\n%s", err, out)
		}
	}
	xlsx := filepath.Join(t.TempDir(), "01-TCD.xlsx")
	pdf := filepath.Join(t.TempDir(), "01-TCD.pdf")
	out, err := kntc("report", "01-TCD", "--period", "2026-Q1", "--xlsx", xlsx, "--pdf", pdf)
	if err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	for _, want := range []string{"01/TCD TỔNG HỢP KẾT QUẢ TIẾP CÔNG DÂN", "từ 15/12/2025 đến 14/03/2026", "HT", "Tổng cộng",
		"1=5+11+17", "Cột để trống", "Kiểm tra (checks):"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("workbook: %v", err)
	}
	defer x.Close()
	if v, _ := x.GetCellValue("01-TCD", "A12"); v != "Thị xã Hòa Thành" {
		t.Errorf("workbook A12 = %q", v)
	}
	if b, err := os.ReadFile(pdf); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte("/FontFile2")) {
		t.Errorf("--pdf wrote no PDF with an embedded font (%v)", err)
	}
	out, err = kntc("report", "03-GQKN", "--unit", "HT", "--from", "2026-01-01", "--to", "2026-01-31", "--json")
	if err != nil || !strings.Contains(out, `"form": "03/GQKN"`) || !strings.Contains(out, `"unit": "HT"`) || !strings.Contains(out, `"13": 0`) {
		t.Errorf("--json: %v\n%s", err, out)
	}
	for _, bad := range [][]string{
		{"report", "09-XYZ", "--period", "2026-Q1"},
		{"report", "01-TCD", "--period", "2026-Q9"},
		{"report", "01-TCD", "--period", "2026-Q1", "--unit", "KHONGCO"},
		{"report", "01-TCD"},
	} {
		if out, err := kntc(bad...); err == nil {
			t.Errorf("%v: no error:\n%s", bad, out)
		}
	}
}
