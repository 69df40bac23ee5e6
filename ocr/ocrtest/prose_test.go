package ocrtest_test

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"kntc/ocr/ocrtest"
)

func TestGeneratedText(t *testing.T) {
	for _, words := range []int{1, 25, 250, 450, 2000} {
		text := ocrtest.GeneratedText(7, words)
		if got := len(strings.Fields(text)); got != words {
			t.Errorf("GeneratedText(7, %d) has %d words", words, got)
		}
		if again := ocrtest.GeneratedText(7, words); again != text {
			t.Errorf("GeneratedText(7, %d) differs from one call to the next", words)
		}
		if !norm.NFC.IsNormalString(text) {
			t.Errorf("GeneratedText(7, %d) is not NFC", words)
		}
		if strings.ContainsAny(text, "{}") {
			t.Errorf("GeneratedText(7, %d) has a slot left unfilled: %q", words, text)
		}
		if !strings.HasSuffix(text, "\n") || strings.Contains(text, "\n\n") {
			t.Errorf("GeneratedText(7, %d) is not one paragraph a line: %q", words, text)
		}
	}
	a, b := ocrtest.GeneratedText(1, 450), ocrtest.GeneratedText(2, 450)
	if a == b || strings.Count(a, "\n") < 5 {
		t.Errorf("seeds 1 and 2: same text %v, %d paragraphs", a == b, strings.Count(a, "\n"))
	}
	// Written Vietnamese: most words carry a mark, and the text fills an A4 page.
	marked := 0
	for _, w := range strings.Fields(a) {
		if strings.ContainsFunc(w, func(r rune) bool { return r > 0x7f }) {
			marked++
		}
	}
	if marked*2 < len(strings.Fields(a)) {
		t.Errorf("%d of %d words have a Vietnamese letter", marked, len(strings.Fields(a)))
	}
	_, lines, err := ocrtest.Render(a, ocrtest.Options{})
	if err != nil {
		t.Skipf("no serif font: %v", err)
	}
	if got := len(strings.Fields(strings.Join(lines, " "))); got < 350 {
		t.Errorf("450 words drew %d words on the page, want most of them", got)
	}
	t.Logf("%d lines, %d of 450 words on the page", len(lines), len(strings.Fields(strings.Join(lines, " "))))
}

func TestCellsInOrder(t *testing.T) {
	cells := [][]string{{"STT", "Họ và tên"}, {"1", "ông Trần Văn Bảy"}, {"2", "bà Nguyễn Thị Hoà"}}
	for _, tt := range []struct {
		got   string
		found int
	}{
		{"STT | Họ và tên\n1 | ông Trần Văn Bảy\n2 | bà Nguyễn Thị Hoà", 6},
		{"STT Họ và tên 1 ông Trần Văn Bày 2 bà Nguyễn Thị Hoà", 6}, // one slip, no separators
		{"STT 1 2 Họ và tên ông Trần Văn Bảy bà Nguyễn Thị Hoà", 4}, // column by column
		{strings.Repeat("tiêu đề ", 40) + "STT | Họ và tên\nI | ông Trần Văn Bảy\n2 | bà Nguyễn Thị Hoà" + strings.Repeat(" nội dung", 30) + " 1", 5},
	} {
		if f, n := ocrtest.CellsInOrder(tt.got, cells); f != tt.found || n != 6 {
			t.Errorf("%q: %d of %d cells in order, want %d of 6", tt.got, f, n, tt.found)
		}
	}
}
