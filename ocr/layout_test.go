package ocr_test

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"kntc/ingest"
	"kntc/ocr"
)

// row makes the words of one OCR line n: each item is a word and its left x; words
// are 10 pixels a rune wide and the line 40 pixels high.
func row(n int, items ...any) []ingest.Word {
	var ws []ingest.Word
	for i := 0; i < len(items); i += 2 {
		text, x := items[i].(string), items[i+1].(int)
		ws = append(ws, ingest.Word{Text: text, X0: x, X1: x + 10*len([]rune(text)), Y0: 50 * n, Y1: 50*n + 40, Block: 1, Par: 1, Line: n})
	}
	return ws
}

// text joins words like the recogniser does (ocr.PageText).
func text(ws []ingest.Word) string { return ocr.PageText(ws) }

func TestReadingOrderHeader(t *testing.T) {
	tests := []struct {
		name  string
		words []ingest.Word
		want  string
	}{
		{"decision header", slices.Concat(
			row(1, "ỦY", 100, "BAN", 140, "TỈNH", 190, "CỘNG", 900, "HÒA", 960),
			row(2, "SỞ", 120, "TƯ", 160, "Độc", 920, "lập", 970),
			row(3, "PHÁP", 130),
			row(4, "Số:", 110, "12/QĐ-STP", 150, "Tây", 900, "Ninh,", 940, "ngày", 1000),
			row(5, "QUYẾT", 500, "ĐỊNH", 570),
			row(6, "Về", 300, "việc", 330, "thụ", 380, "lý", 420, "khiếu", 450, "nại", 520, "đất", 560, "đai", 600, "tại", 640, "xã", 680, "Trường", 720, "Tây", 800)),
			"ỦY BAN TỈNH\nSỞ TƯ\nPHÁP\nSố: 12/QĐ-STP\n\nCỘNG HÒA\nĐộc lập\nTây Ninh, ngày\n\nQUYẾT ĐỊNH\nVề việc thụ lý khiếu nại đất đai tại xã Trường Tây"},
		{"the body after a gap is not the left column", slices.Concat(
			row(1, "ỦY", 100, "BAN", 140, "CỘNG", 900, "HÒA", 960),
			row(2, "Số:", 110, "15/UBND", 150, "Độc", 920, "lập", 970),
			row(3, "V/v", 110, "trả", 150, "lời", 190),
			row(5, "Kính", 100, "gửi:", 160, "Ủy", 220, "ban", 260)),
			"ỦY BAN\nSố: 15/UBND\nV/v trả lời\n\nCỘNG HÒA\nĐộc lập\n\nKính gửi: Ủy ban"},
		{"one wide line is not columns", slices.Concat(
			row(1, "Điều", 100, "1.", 160, "phụ", 900),
			row(2, "Ban", 100, "hành", 150, "kèm", 210, "theo", 260)),
			"Điều 1. phụ\nBan hành kèm theo"},
		{"body text untouched", slices.Concat(
			row(1, "Trong", 100, "thời", 170, "hạn", 230),
			row(2, "giải", 100, "quyết", 150)),
			"Trong thời hạn\ngiải quyết"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.words)
			got := ocr.ReadingOrder(tt.words)
			if s := text(got); s != tt.want {
				t.Errorf("got\n%s\nwant\n%s", s, tt.want)
			}
			if !slices.Equal(tt.words, before) {
				t.Error("the input modified")
			}
			sameBoxes(t, got, tt.words)
		})
	}
}

// sameBoxes fails t unless got holds exactly the words of in, each with its text
// and box unchanged (only the numbering and the order may differ).
func sameBoxes(t *testing.T, got, in []ingest.Word) {
	t.Helper()
	key := func(w ingest.Word) string { return fmt.Sprintf("%s@%d,%d,%d,%d", w.Text, w.X0, w.Y0, w.X1, w.Y1) }
	a, b := make([]string, len(got)), make([]string, len(in))
	for i, w := range got {
		a[i] = key(w)
	}
	for i, w := range in {
		b[i] = key(w)
	}
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		t.Errorf("words or boxes changed: %d words in, %d out", len(in), len(got))
	}
}

// page lays out text lines as Tesseract reports them. Each entry of lines is one
// Tesseract line: a list of runs, each a text at a left x; words are 10 pixels a
// rune wide with 10-pixel spaces, lines 40 pixels high. ys gives each line's top.
type run struct {
	x    int
	text string
}

func page(block int, ys []int, lines ...[]run) []ingest.Word {
	var ws []ingest.Word
	for n, l := range lines {
		for _, r := range l {
			x := r.x
			for _, f := range strings.Fields(r.text) {
				w := 10 * len([]rune(f))
				ws = append(ws, ingest.Word{Text: f, X0: x, X1: x + w, Y0: ys[n], Y1: ys[n] + 40, Block: block, Par: 1, Line: n + 1, Confidence: 90})
				x += w + 10
			}
		}
	}
	return ws
}

// every returns n tops from y, step apart.
func every(y, step, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = y + i*step
	}
	return out
}

var (
	leftCol = []string{
		"Điều 1. Phạm vi điều chỉnh", "Luật này quy định về khiếu", "nại và giải quyết khiếu nại", "của công dân.",
		"Điều 2. Đối tượng áp dụng", "Luật này áp dụng đối với cơ", "quan, tổ chức, cá nhân.", "Điều 3. Giải thích từ ngữ",
	}
	rightCol = []string{
		"Điều 4. Nguyên tắc khiếu nại", "Việc khiếu nại phải được thực", "hiện theo quy định của luật.",
		"Điều 5. Trách nhiệm của cơ", "quan có thẩm quyền giải quyết", "khiếu nại theo quy định.", "Điều 6. Các hành vi bị",
	}
)

// twoColumns is a page set in two columns (left at x 100, right at x 700, 50
// pixels a line, a blank line after the fourth), whose lines Tesseract joined
// across the gutter where both columns have one.
func twoColumns() []ingest.Word {
	var lines [][]run
	var ys []int
	y := 100
	for k := range max(len(leftCol), len(rightCol)) {
		if k == 4 {
			y += 50 // a blank line in both columns
		}
		var l []run
		if k < len(leftCol) {
			l = append(l, run{100, leftCol[k]})
		}
		if k < len(rightCol) {
			l = append(l, run{700, rightCol[k]})
		}
		lines = append(lines, l)
		ys = append(ys, y)
		y += 50
	}
	return page(1, ys, lines...)
}

func TestReadingOrderOneColumn(t *testing.T) {
	ws := page(1, every(100, 50, 4),
		[]run{{100, "Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011; căn cứ Luật Tố cáo"}},
		[]run{{100, "ngày 12 tháng 6 năm 2018; xét đề nghị của Chánh Thanh tra tỉnh,"}},
		[]run{{100, "Điều 1.    Thụ lý giải quyết khiếu nại của ông Trần Văn Bảy."}},
		[]run{{100, "Lưu:"}, {900, "VT."}})
	got := ocr.ReadingOrder(ws)
	if !slices.Equal(got, ws) {
		t.Errorf("a one-column page was changed:\n%s", text(got))
	}
}

func TestReadingOrderTwoColumns(t *testing.T) {
	ws := twoColumns()
	want := strings.Join(leftCol, "\n") + "\n\n" + strings.Join(rightCol, "\n")
	got := ocr.ReadingOrder(ws)
	if s := text(got); s != want {
		t.Errorf("got\n%s\nwant\n%s", s, want)
	}
	sameBoxes(t, got, ws)
	// Read by Tesseract column by column (its own blocks), the order stays.
	if s := text(ocr.ReadingOrder(got)); s != want {
		t.Errorf("columns in blocks: got\n%s\nwant\n%s", s, want)
	}
}

func TestReadingOrderSkewed(t *testing.T) {
	for _, deg := range []float64{-1.5, 1.5} {
		t.Run(fmt.Sprint(deg), func(t *testing.T) {
			ws := twoColumns()
			s, c := math.Sincos(deg * math.Pi / 180)
			for i := range ws {
				w := &ws[i]
				cx, cy := float64(w.X0+w.X1)/2, float64(w.Y0+w.Y1)/2
				nx, ny := c*cx-s*cy, s*cx+c*cy
				dx, dy := int(math.Round(nx-cx)), int(math.Round(ny-cy))
				w.X0, w.X1, w.Y0, w.Y1 = w.X0+dx, w.X1+dx, w.Y0+dy+300, w.Y1+dy+300
			}
			want := strings.Join(leftCol, "\n") + "\n\n" + strings.Join(rightCol, "\n")
			got := ocr.ReadingOrder(ws)
			if s := text(got); s != want {
				t.Errorf("got\n%s\nwant\n%s", s, want)
			}
			sameBoxes(t, got, ws)
		})
	}
}

func TestReadingOrderHeaderBodySignature(t *testing.T) {
	ws := slices.Concat(
		page(1, []int{100, 150, 230},
			[]run{{150, "ỦY BAN NHÂN DÂN"}, {800, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}},
			[]run{{130, "HUYỆN CHÂU THÀNH"}, {850, "Độc lập - Tự do - Hạnh phúc"}},
			[]run{{140, "Số: 12/QĐ-UBND"}, {830, "Châu Thành, ngày 5 tháng 3 năm 2026"}}),
		page(2, every(360, 50, 3),
			[]run{{500, "QUYẾT ĐỊNH"}},
			[]run{{300, "Về việc thụ lý giải quyết khiếu nại của ông Trần Văn Bảy"}},
			[]run{{100, "Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011; căn cứ Luật Tố cáo"}}),
		page(3, []int{600, 650, 700, 750, 950},
			[]run{{100, "Nơi nhận:"}, {850, "KT. CHỦ TỊCH"}},
			[]run{{100, "- Như Điều 3;"}, {850, "PHÓ CHỦ TỊCH"}},
			[]run{{100, "- Thanh tra tỉnh;"}},
			[]run{{100, "- Lưu: VT."}},
			[]run{{830, "Nguyễn Văn Hùng"}}),
	)
	want := "ỦY BAN NHÂN DÂN\nHUYỆN CHÂU THÀNH\nSố: 12/QĐ-UBND\n\n" +
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nChâu Thành, ngày 5 tháng 3 năm 2026\n\n" +
		"QUYẾT ĐỊNH\nVề việc thụ lý giải quyết khiếu nại của ông Trần Văn Bảy\nCăn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011; căn cứ Luật Tố cáo\n\n" +
		"Nơi nhận:\n- Như Điều 3;\n- Thanh tra tỉnh;\n- Lưu: VT.\n\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn Hùng"
	got := ocr.ReadingOrder(ws)
	if s := text(got); s != want {
		t.Errorf("got\n%s\nwant\n%s", s, want)
	}
	sameBoxes(t, got, ws)
	if h := ocr.ParseHeader(text(got)); h.Issuer != "ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH" || h.Number != "12/QĐ-UBND" || h.Date != "2026-03-05" {
		t.Errorf("header %+v", h)
	}
}

func TestReadingOrderTable(t *testing.T) {
	// Columns at x 100, 200, 500, 850; a table row's lines 50 pixels apart, rows
	// parted by 40 more (the cell padding and the rule).
	ws := page(1, []int{100, 190, 240, 330, 380, 470},
		[]run{{100, "STT"}, {200, "Họ và tên"}, {500, "Địa chỉ"}, {850, "Nội dung"}},
		[]run{{100, "1"}, {200, "ông Trần Văn Bảy"}, {500, "ấp Long Hải, xã"}, {850, "Khiếu nại việc thu hồi"}},
		[]run{{500, "Trường Tây"}, {850, "đất ở"}},
		[]run{{100, "2"}, {200, "bà Nguyễn Thị Hoà"}, {850, "Tố cáo cán bộ địa chính"}},
		[]run{{200, "(đại diện)"}},
		[]run{{100, "3"}, {200, "ông Lê Văn Tám"}, {500, "khu phố 3"}, {850, "Kiến nghị"}})
	want := "STT | Họ và tên | Địa chỉ | Nội dung\n" +
		"1 | ông Trần Văn Bảy | ấp Long Hải, xã Trường Tây | Khiếu nại việc thu hồi đất ở\n" +
		"2 | bà Nguyễn Thị Hoà (đại diện) | | Tố cáo cán bộ địa chính\n" +
		"3 | ông Lê Văn Tám | khu phố 3 | Kiến nghị"
	got := ocr.ReadingOrder(ws)
	if s := text(got); s != want {
		t.Errorf("got\n%s\nwant\n%s", s, want)
	}
	sameBoxes(t, got, ws)
}

func TestReadingOrderLineAcrossGutter(t *testing.T) {
	// Two columns, a heading across the gutter, two columns again: the columns
	// above are read, then the heading, then the columns below.
	ws := page(1, []int{100, 150, 200, 280, 360, 410, 460},
		[]run{{100, "Điều 1. Phạm vi điều chỉnh"}, {700, "Điều 4. Nguyên tắc khiếu nại"}},
		[]run{{100, "Luật này quy định về khiếu"}, {700, "Việc khiếu nại phải được thực"}},
		[]run{{100, "nại và giải quyết khiếu nại"}, {700, "hiện theo quy định của luật."}},
		[]run{{420, "Chương II. KHIẾU NẠI"}},
		[]run{{100, "Điều 2. Đối tượng áp dụng"}, {700, "Điều 5. Trách nhiệm của cơ"}},
		[]run{{100, "Luật này áp dụng đối với cơ"}, {700, "quan có thẩm quyền giải quyết"}},
		[]run{{100, "quan, tổ chức, cá nhân."}, {700, "khiếu nại theo quy định."}})
	want := "Điều 1. Phạm vi điều chỉnh\nLuật này quy định về khiếu\nnại và giải quyết khiếu nại\n\n" +
		"Điều 4. Nguyên tắc khiếu nại\nViệc khiếu nại phải được thực\nhiện theo quy định của luật.\n\n" +
		"Chương II. KHIẾU NẠI\n\n" +
		"Điều 2. Đối tượng áp dụng\nLuật này áp dụng đối với cơ\nquan, tổ chức, cá nhân.\n\n" +
		"Điều 5. Trách nhiệm của cơ\nquan có thẩm quyền giải quyết\nkhiếu nại theo quy định."
	got := ocr.ReadingOrder(ws)
	if s := text(got); s != want {
		t.Errorf("got\n%s\nwant\n%s", s, want)
	}
	sameBoxes(t, got, ws)

	// A speck in the gutter, read as a mark, does not break the columns; it is
	// noise, which the recogniser then drops.
	ws = twoColumns()
	ws = append(ws, ingest.Word{Text: "|", X0: 600, X1: 606, Y0: 260, Y1: 300, Block: 1, Par: 1, Line: 3})
	slices.SortStableFunc(ws, func(a, b ingest.Word) int { return cmp.Compare(a.Line, b.Line) })
	want = strings.Join(leftCol, "\n") + "\n\n" + strings.Join(rightCol, "\n")
	if s := text(ocr.DropNoiseWords(ocr.ReadingOrder(ws))); s != want {
		t.Errorf("with a speck in the gutter: got\n%s\nwant\n%s", s, want)
	}
}

// TestReadingOrderHeaderNumberUnderLongIssuer: an issuer of four lines puts the
// "Số: …" under them, past the rule under the issuer, with nothing on the right:
// centred on the left column, it is still the left column's, read before the
// motto; the body's "Kính gửi:" at the margin after a blank line is not.
func TestReadingOrderHeaderNumberUnderLongIssuer(t *testing.T) {
	ws := slices.Concat(
		page(1, []int{100, 150, 200, 250, 350},
			[]run{{150, "ỦY BAN NHÂN DÂN TỈNH"}, {800, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}},
			[]run{{200, "TÂY NINH"}, {850, "Độc lập - Tự do - Hạnh phúc"}},
			[]run{{170, "SỞ TÀI NGUYÊN"}, {830, "Tây Ninh, ngày 16 tháng 8 năm 2016"}},
			[]run{{180, "VÀ MÔI TRƯỜNG"}},
			[]run{{160, "Số: 692/QĐ-STNMT"}}),
		page(2, []int{480, 530},
			[]run{{100, "Kính gửi: Ủy ban nhân dân tỉnh"}},
			[]run{{100, "Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011"}}),
	)
	want := "ỦY BAN NHÂN DÂN TỈNH\nTÂY NINH\nSỞ TÀI NGUYÊN\nVÀ MÔI TRƯỜNG\nSố: 692/QĐ-STNMT\n\n" +
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nTây Ninh, ngày 16 tháng 8 năm 2016\n\n" +
		"Kính gửi: Ủy ban nhân dân tỉnh\nCăn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011"
	got := ocr.ReadingOrder(ws)
	if s := text(got); s != want {
		t.Errorf("got\n%s\nwant\n%s", s, want)
	}
	sameBoxes(t, got, ws)
}
