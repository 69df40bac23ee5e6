package clean_test

import (
	"image"
	"testing"

	"kntc/internal/testenv"
	"kntc/ocr"
	"kntc/ocr/clean"
	"kntc/ocr/ocrtest"
)

// mustRender renders text on an A4 page at 300 dpi.
func mustRender(tb testing.TB, text string) *image.Gray {
	tb.Helper()
	img, lines, err := ocrtest.Render(text, ocrtest.Options{})
	if err != nil {
		testenv.Missing(tb, "fonts-dejavu-core", err.Error())
	}
	if len(lines) == 0 {
		tb.Fatal("nothing rendered")
	}
	return img
}

// mustDecision renders the first page of a generated decision: a two-column header
// (issuing body and number, motto and date), centred title lines, a body.
func mustDecision(tb testing.TB, seed int64) *image.Gray {
	tb.Helper()
	hc := ocrtest.GeneratedHeaders(1, seed)[0]
	img, _, err := ocrtest.RenderDecision(hc.Decision)
	if err != nil {
		testenv.Missing(tb, "fonts-dejavu-core", err.Error())
	}
	return img
}

// shortText is a complaint's summary: five lines on A4.
const shortText = "Ngày 12 tháng 3 năm 2026, Thanh tra tỉnh Tây Ninh nhận được đơn khiếu nại của " +
	"bà Nguyễn Thị Hoà, trú tại phường Long Thành Trung, thị xã Hòa Thành, về việc Ủy ban nhân " +
	"dân xã thu hồi đất nông nghiệp của gia đình bà mà không bồi thường, hỗ trợ theo quy định của " +
	"pháp luật về đất đai. Bà đề nghị xem xét lại quyết định thu hồi đất và giải quyết dứt điểm."

func TestOrientation(t *testing.T) {
	full := mustRender(t, ocrtest.GeneratedText(1, 450))
	tests := []struct {
		name string
		scan func() (image.Image, int)
		// sideways is false for scans whose sideways turns LinesVertical does not
		// always see: Orientation must then have no opinion rather than a wrong one.
		sideways bool
	}{
		{"full page", func() (image.Image, int) { return full, 300 }, true},
		{"another text", func() (image.Image, int) {
			return mustRender(t, ocrtest.GeneratedText(2, 450)), 300
		}, true},
		{"short page", func() (image.Image, int) { return mustRender(t, shortText), 300 }, true},
		{"two-column header", func() (image.Image, int) { return mustDecision(t, 7), 300 }, true},
		{"speckled", func() (image.Image, int) { return ocrtest.Speckled(full, 4) }, true},
		{"600 dpi with a seal", func() (image.Image, int) { return ocrtest.Seal600(full, 2) }, true},
		{"photocopy", func() (image.Image, int) { return ocrtest.Photocopy(full, 3) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scan, dpi := tt.scan()
			for _, turn := range []int{0, 90, 180, 270} {
				g := clean.Prepare(ocr.Rotate(scan, turn), dpi).Gray
				want := (360 - turn) % 360
				deg, sure := clean.Orientation(g)
				if turn%180 == 90 && !tt.sideways {
					if sure && deg != want {
						t.Errorf("turned %d: Orientation = %d, sure; want %d or no opinion", turn, deg, want)
					}
					continue
				}
				if deg != want || !sure {
					t.Errorf("turned %d: Orientation = %d, sure %v; want %d, sure", turn, deg, sure, want)
				}
				if v := clean.LinesVertical(g); v != (turn%180 == 90) {
					t.Errorf("turned %d: LinesVertical = %v", turn, v)
				}
			}
		})
	}
}

func TestOrientationNoOpinion(t *testing.T) {
	tests := []struct {
		name string
		img  *image.Gray
	}{
		{"blank", paper(2480, 3508)},
		{"a stamp-sized mark", func() *image.Gray {
			g := paper(2480, 3508)
			ink(g, image.Rect(1000, 1000, 1012, 1012))
			return g
		}()},
		// Capitals have no ascenders or descenders, and their marks stand apart
		// above them: a title alone gives no line a vote.
		{"title in capitals", mustRender(t, "QUYẾT ĐỊNH\nVỀ VIỆC GIẢI QUYẾT KHIẾU NẠI CỦA BÀ NGUYỄN THỊ HOÀ")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, turn := range []int{0, 180} {
				g := ocr.Rotate(tt.img, turn).(*image.Gray)
				if deg, sure := clean.Orientation(g); deg != 0 || sure {
					t.Errorf("turned %d: Orientation = %d, sure %v; want 0, no opinion", turn, deg, sure)
				}
			}
		})
	}
}

// BenchmarkOrientation measures Orientation on a prepared A4 page at 300 dpi,
// upright and lying on its side (which also turns and measures the skew of a copy).
func BenchmarkOrientation(b *testing.B) {
	page := clean.Prepare(mustRender(b, ocrtest.GeneratedText(1, 450)), 300).Gray
	for _, turn := range []int{0, 90} {
		g := ocr.Rotate(page, turn).(*image.Gray)
		b.Run(map[int]string{0: "upright", 90: "sideways"}[turn], func(b *testing.B) {
			for b.Loop() {
				clean.Orientation(g)
			}
		})
	}
}
