package redact

import (
	"errors"
	"testing"
)

// TestCheckTextAcrossPages: a secret a page break cuts in two is found by the
// check, past the stamp and the page number the next page starts with, in any
// diacritics form; a text without it passes.
func TestCheckTextAcrossPages(t *testing.T) {
	secrets := []Secret{{Text: "Nguyễn Thị Hường", Where: "họ tên người tố cáo"}, {Text: "079188123456", Where: "số giấy tờ người tố cáo"}}
	for _, tc := range []struct {
		name string
		text string
		leak bool
	}{
		{"a name", "BẢN CÔNG KHAI – 04/12/2026\nXét đơn của bà Nguyen Thi\n\fBẢN CÔNG KHAI – 04/12/2026\n- 2 -\nHuong, trú tại\n", true},
		{"a number", "BẢN CÔNG KHAI – 04/12/2026\nCCCD số 079188\n\fBẢN CÔNG KHAI – 04/12/2026\n2\n123456 cấp ngày\n", true},
		{"a number over three lines", "CCCD số 0791\n8812\n3456 cấp", true},
		{"neither", "BẢN CÔNG KHAI – 04/12/2026\nXét đơn của bà [đã che]\n\fBẢN CÔNG KHAI – 04/12/2026\n- 2 -\nsố 123456, năm 2026\n", false},
	} {
		err := checkText(tc.text, secrets)
		if got := errors.Is(err, ErrLeak); got != tc.leak {
			t.Errorf("%s: checkText = %v, want a leak %v", tc.name, err, tc.leak)
		}
	}
}
