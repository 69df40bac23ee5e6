package ocr_test

import (
	"slices"
	"testing"

	"kntc/ocr"
)

func TestReferences(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"decision cited", "Căn cứ Quyết định số 12/QĐ-UBND ngày 05/02/2015 của UBND tỉnh", []string{"12/QĐ-UBND"}},
		{"OCR spacing and D", "theo Thông báo số 7 / 2024 / TB - TTr và Quyết định 12/QD-UBND", []string{"7/2024/TB-TTr", "12/QĐ-UBND"}},
		{"repeats once", "số 3/KL-UBND; kết luận 3/KL-UBND", []string{"3/KL-UBND"}},
		{"fractions and dates are not numbers", "chiếm 1/2 diện tích, ngày 05/02/2015, lô 3/A", nil},
		{"none", "không có số văn bản", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ocr.References(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("References(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}
