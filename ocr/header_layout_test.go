package ocr_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"kntc/ingest"
	"kntc/ocr"
)

// headerPage lays out the first page of a document as Tesseract reads it: the
// header's two columns (issuer and number on the left at x 100, the motto and the
// date on the right at x 800) on lines joined across the gutter, the type and
// subject centred under them, the body, and a two-column signature block.
func headerPage(left, right []string, below []string) []ingest.Word {
	var lines [][]run
	var ys []int
	y := 100
	for k := range max(len(left), len(right)) {
		var l []run
		if k < len(left) {
			l = append(l, run{100, left[k]})
		}
		if k < len(right) {
			l = append(l, run{800, right[k]})
		}
		lines, ys = append(lines, l), append(ys, y)
		y += 50
	}
	y += 60
	for _, b := range below {
		lines, ys = append(lines, []run{{300, b}}), append(ys, y)
		y += 50
	}
	y += 60
	for _, l := range [][]run{{{100, "Nơi nhận:"}, {850, "KT. CHỦ TỊCH"}}, {{100, "- Như Điều 3;"}, {850, "PHÓ CHỦ TỊCH"}}, {{100, "- Lưu: VT."}}} {
		lines, ys = append(lines, l), append(ys, y)
		y += 50
	}
	return page(1, ys, lines...)
}

// scan skews the words by deg (their boxes turned about the page's top left
// corner, as a page fed askew is) and adds specks: marks Tesseract reads in the
// margins and the gutter, each a line of its own.
func scan(ws []ingest.Word, deg float64, specks int, seed uint64) []ingest.Word {
	out := slices.Clone(ws)
	s, c := math.Sin(deg*math.Pi/180), math.Cos(deg*math.Pi/180)
	for i := range out {
		w := &out[i]
		cx, cy := float64(w.X0+w.X1)/2, float64(w.Y0+w.Y1)/2
		nx, ny := cx*c-cy*s, cx*s+cy*c
		dx, dy := int(nx-cx), int(ny-cy)
		w.X0, w.X1, w.Y0, w.Y1 = w.X0+dx, w.X1+dx, w.Y0+dy, w.Y1+dy
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	marks := []string{"|", "_", ".", "'", "~", "-"}
	for k := range specks {
		x, y := 60+rng.IntN(1500), 80+rng.IntN(900)
		out = append(out, ingest.Word{Text: marks[rng.IntN(len(marks))], X0: x, X1: x + 8, Y0: y, Y1: y + 12, Block: 2 + k, Par: 1, Line: 1, Confidence: 20})
	}
	return out
}

var (
	decisionLeft  = []string{"ỦY BAN NHÂN DÂN", "HUYỆN CHÂU THÀNH", "Số: 12/QĐ-UBND"}
	decisionRight = []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Châu Thành, ngày 5 tháng 3 năm 2026"}
	decisionBelow = []string{"QUYẾT ĐỊNH", "Về việc thụ lý giải quyết khiếu nại của ông Trần Văn Bảy",
		"CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH", "Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011;"}
	decisionWant = ocr.Header{Number: "12/QĐ-UBND", Date: "2026-03-05", Place: "Châu Thành", Issuer: "ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH",
		Type: "QUYẾT ĐỊNH", Subject: "thụ lý giải quyết khiếu nại của ông Trần Văn Bảy", Kind: ingest.KindQuyetDinhThuLy}
)

// TestParsePageHeaderScans reads the header of a decision laid out in two columns
// from the words in reading order, on a clean page, skewed either way and with
// specks: every field right, and the header blocks found.
func TestParsePageHeaderScans(t *testing.T) {
	for _, tt := range []struct {
		name   string
		deg    float64
		specks int
	}{{"clean", 0, 0}, {"skewed +1.5°", 1.5, 0}, {"skewed -1.5°", -1.5, 0}, {"specks", 0, 25}, {"skewed and specks", -1, 25}} {
		t.Run(tt.name, func(t *testing.T) {
			raw := scan(headerPage(decisionLeft, decisionRight, decisionBelow), tt.deg, tt.specks, 7)
			ws := ocr.DropNoiseWords(ocr.ReadingOrder(raw))
			left, right, below, ok := ocr.HeaderBlocks(ws)
			if !ok {
				t.Fatalf("no header blocks in\n%s", ocr.PageText(ws))
			}
			if l, r := text(left), text(right); l != "ỦY BAN NHÂN DÂN\nHUYỆN CHÂU THÀNH\nSố: 12/QĐ-UBND" ||
				r != "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nChâu Thành, ngày 5 tháng 3 năm 2026" {
				t.Errorf("left block\n%s\nright block\n%s", l, r)
			}
			if len(below) == 0 || below[0].Text != "QUYẾT" {
				t.Errorf("below the header: %q", text(below))
			}
			if got := ocr.ParsePageHeader(ocr.PageText(ws), ws); got != decisionWant {
				t.Errorf("\n got %+v\nwant %+v", got, decisionWant)
			}
			// Tesseract's own order (lines joined across the gutter) is analysed the same.
			if got := ocr.ParsePageHeader(ocr.PageText(raw), raw); got != decisionWant {
				t.Errorf("from Tesseract's order:\n got %+v\nwant %+v", got, decisionWant)
			}
		})
	}
}

// TestParsePageHeaderLayoutNotGuess is a page the text alone misleads: minutes
// without a number whose motto OCR damaged ("HỘl"), so that it is no longer known
// for the motto. From the text, the issuer runs on into the right column; from
// the layout, the issuer is the left block.
func TestParsePageHeaderLayoutNotGuess(t *testing.T) {
	left := []string{"ỦY BAN NHÂN DÂN", "XÃ TRƯỜNG TÂY"}
	right := []string{"CỘNG HÒA XÃ HỘl CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Trường Tây, ngày 9 tháng 4 năm 2026"}
	below := []string{"BIÊN BẢN", "Về việc đối thoại giải quyết khiếu nại của bà Lê Thị Hoa", "Hôm nay, ngày 9 tháng 4 năm 2026, tại trụ sở"}
	for _, deg := range []float64{0, 1.2} {
		ws := ocr.DropNoiseWords(ocr.ReadingOrder(scan(headerPage(left, right, below), deg, 15, 3)))
		pageText := ocr.PageText(ws)
		if h := ocr.ParseHeader(pageText); h.Issuer == "ỦY BAN NHÂN DÂN XÃ TRƯỜNG TÂY" {
			t.Fatalf("the text path reads this issuer right; the test shows nothing:\n%s", pageText)
		}
		h := ocr.ParsePageHeader(pageText, ws)
		if h.Issuer != "ỦY BAN NHÂN DÂN XÃ TRƯỜNG TÂY" || h.Date != "2026-04-09" || h.Place != "Trường Tây" || h.Type != "BIÊN BẢN" ||
			h.Subject != "đối thoại giải quyết khiếu nại của bà Lê Thị Hoa" {
			t.Errorf("skew %.1f°: %+v\n%s", deg, h, pageText)
		}
	}
}

// TestParsePageHeaderFallback: a page without a two-column header block (a
// citizen's letter, its title centred) reads as ParseHeader reads its text, and so
// does a page without words (a born-digital page's text).
func TestParsePageHeaderFallback(t *testing.T) {
	ws := page(1, every(100, 50, 5),
		[]run{{400, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}},
		[]run{{450, "Độc lập - Tự do - Hạnh phúc"}},
		[]run{{550, "ĐƠN KHIẾU NẠI"}},
		[]run{{300, "Kính gửi: Chủ tịch Ủy ban nhân dân huyện Châu Thành"}},
		[]run{{100, "Tôi tên là Trần Văn Bảy, ngụ tại ấp Long Hải"}})
	ws = ocr.ReadingOrder(ws)
	if _, _, _, ok := ocr.HeaderBlocks(ws); ok {
		t.Errorf("header blocks found in a letter:\n%s", text(ws))
	}
	pageText := text(ws)
	got, want := ocr.ParsePageHeader(pageText, ws), ocr.ParseHeader(pageText)
	if got != want || got.Type != "ĐƠN KHIẾU NẠI" {
		t.Errorf("got %+v, want %+v", got, want)
	}
	full := text(ocr.ReadingOrder(headerPage(decisionLeft, decisionRight, decisionBelow)))
	if got := ocr.ParsePageHeader(full, nil); got != ocr.ParseHeader(full) || got != decisionWant {
		t.Errorf("without words: %+v", got)
	}
}
