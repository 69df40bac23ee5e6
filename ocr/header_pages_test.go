package ocr_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/ocr"
	"kntc/ocr/ocrtest"
)

// TestParseHeaderGeneratedDecisions checks the decision pages the OCR benchmark
// measures the header rate on: the text as drawn must parse to the header each page
// states, so that what the benchmark counts as a miss is OCR's.
func TestParseHeaderGeneratedDecisions(t *testing.T) {
	cases := ocrtest.GeneratedHeaders(40, 2026)
	kinds := map[ingest.Kind]bool{}
	for _, hc := range cases {
		t.Run(hc.Name, func(t *testing.T) {
			_, lines, err := ocrtest.RenderDecision(hc.Decision)
			if err != nil {
				testenv.Missing(t, "fonts-dejavu-core", err.Error())
			}
			h := ocr.ParseHeader(strings.Join(lines, "\n"))
			got := ocrtest.HeaderTruth{Number: h.Number, Date: h.Date, Place: h.Place, Issuer: h.Issuer, Type: h.Type, Subject: h.Subject, Kind: h.Kind}
			if got != hc.Want {
				t.Errorf("\n got %+v\nwant %+v\n%s", got, hc.Want, strings.Join(lines, "\n"))
			}
			kinds[h.Kind] = true
		})
	}
	// The set covers every kind a header can state.
	for _, k := range []ingest.Kind{ingest.KindQuyetDinhThuLy, ingest.KindQuyetDinhGiaoXacMinh, ingest.KindQuyetDinhGiaiQuyetKhieuNai,
		ingest.KindThongBaoThuLyToCao, ingest.KindKetLuanNoiDungToCao, ingest.KindBienBanDoiThoai, ingest.KindBaoCaoKetQuaXacMinh, ingest.KindCongVan} {
		if !kinds[k] {
			t.Errorf("no generated header of kind %s", k)
		}
	}
}

// TestParseHeaderGeneratedFirstPapers: the letters and the other papers that
// arrive first, as drawn, parse to the header each states — a letter with no
// number and no issuer, whatever its body says of its sender.
func TestParseHeaderGeneratedFirstPapers(t *testing.T) {
	kinds := map[ingest.Kind]bool{}
	for _, seed := range []int64{2026, 7} {
		for _, hc := range ocrtest.GeneratedFirstPapers(seed) {
			t.Run(fmt.Sprintf("%s-%d", hc.Name, seed), func(t *testing.T) {
				_, lines, err := ocrtest.RenderDecision(hc.Decision)
				if err != nil {
					testenv.Missing(t, "fonts-dejavu-core", err.Error())
				}
				h := ocr.ParseHeader(strings.Join(lines, "\n"))
				got := ocrtest.HeaderTruth{Number: h.Number, Date: h.Date, Place: h.Place, Issuer: h.Issuer, Type: h.Type, Subject: h.Subject, Kind: h.Kind}
				if got != hc.Want {
					t.Errorf("\n got %+v\nwant %+v\n%s", got, hc.Want, strings.Join(lines, "\n"))
				}
				kinds[h.Kind] = true
			})
		}
	}
	for _, k := range []ingest.Kind{ingest.KindDonKhieuNai, ingest.KindDonToCao, ingest.KindDonKienNghiPhanAnh, ingest.KindGiayUyQuyen,
		ingest.KindPhieuChuyenDon, ingest.KindThongBaoThuLyKhieuNai, ingest.KindQuyetDinhGiaHan, ingest.KindBienBanTiepCongDan} {
		if !kinds[k] {
			t.Errorf("no generated paper of kind %s", k)
		}
	}
}

// TestSampleDecisions checks that laying a sample's header out in two columns keeps
// what the parser reads from the sample's text.
func TestSampleDecisions(t *testing.T) {
	dir := testenv.RequireSamples(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want := ocr.ParseHeader(string(raw))
		d, ok := ocrtest.SampleDecision(string(raw), 4)
		if !ok || want.Type == "" {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, lines, err := ocrtest.RenderDecision(d)
			if err != nil {
				testenv.Missing(t, "fonts-dejavu-core", err.Error())
			}
			if got := ocr.ParseHeader(strings.Join(lines, "\n")); got != want {
				t.Errorf("\n got %+v\nwant %+v", got, want)
			}
		})
	}
	if n < 4 {
		t.Errorf("only %d samples with a header laid out, want the 4 of TestParseHeaderSamples at least", n)
	}
}
