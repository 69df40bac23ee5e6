package ocr_test

import (
	"testing"

	"kntc/ocr"
)

func TestParseHeaderIssuerRespelling(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"bold capitals that lost marks", "ỦY BAN NHÂN DÂN TỈNH TÂY NINH\nSƠ TÀI NGUYEN VÀ MOI TRƯƠNG\nSố: 12/QĐ-STNMT",
			"ỦY BAN NHÂN DÂN TỈNH TÂY NINH SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"},
		{"thanh tra tỉnh", "ỦY BAN NHÂN DÂN TỈNH TÂY NINH\nTHANH TRÀ TINH\nSố: 9/KL-TTr", "ỦY BAN NHÂN DÂN TỈNH TÂY NINH THANH TRA TỈNH"},
		{"place names are left as read", "ỦY BAN NHÂN DÂN\nHUYỆN GÒ DẦU\nSố: 1/QĐ-UBND", "ỦY BAN NHÂN DÂN HUYỆN GÒ DẦU"},
		{"no marks at all", "UY BAN NHAN DAN\nXA TRUONG DONG\nSố: 1/BB-UBND", "ỦY BAN NHÂN DÂN XÃ TRUONG DONG"},
		{"the document's tone placement is kept", "UỶ BAN NHÂN DÂN\nTỈNH TÂY NINH\nSố: 1/QĐ-UBND", "UỶ BAN NHÂN DÂN TỈNH TÂY NINH"},
		{"a place that folds like a body's word", "ỦY BAN NHÂN DÂN\nXÃ TRƯỜNG TÂY\nSố: 1/QĐ-UBND", "ỦY BAN NHÂN DÂN XÃ TRƯỜNG TÂY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ocr.ParseHeader(tt.text).Issuer; got != tt.want {
				t.Errorf("Issuer = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseHeaderYearFromNumber(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"one digit misread", "Số: 224/2025/NĐ-CP\nHà Nội, ngày 14 tháng 8 năm 2035", "2025-08-14"},
		{"years agree", "Số: 224/2025/NĐ-CP\nHà Nội, ngày 14 tháng 8 năm 2025", "2025-08-14"},
		{"two digits differ: not a slip", "Số: 224/2025/NĐ-CP\nHà Nội, ngày 14 tháng 8 năm 2031", "2031-08-14"},
		{"no year in the number", "Số: 224/NĐ-CP\nHà Nội, ngày 14 tháng 8 năm 2035", "2035-08-14"},
		{"29 February only in the number's year", "Số: 5/2023/QĐ-UBND\nTây Ninh, ngày 29 tháng 02 năm 2024", "2024-02-29"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ocr.ParseHeader(tt.text).Date; got != tt.want {
				t.Errorf("Date = %q, want %q", got, tt.want)
			}
		})
	}
}
