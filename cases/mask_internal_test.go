package cases

import (
	"strings"
	"testing"
)

// TestMaskIdentities: a person's name (with or without diacritics, in any case,
// across a line break), full address, ID number and phone (with spaces, dots,
// dashes, +84) are masked in a typed text; a lone given name, other people and
// other numbers are left as typed.
func TestMaskIdentities(t *testing.T) {
	who := Person{Name: "Lưu Thị Diễm Hương", IDNumber: "079187654321", Phone: "0912 345 678",
		Address: "số 14 đường Trưng Nữ Vương, phường Hiệp Ninh"}
	for _, tc := range []struct{ in, want string }{
		{"Tôi là Lưu Thị Diễm Hương, tố cáo ông Trần Văn Bê.", "Tôi là " + maskMark + ", tố cáo ông Trần Văn Bê."},
		{"toi la LUU THI DIEM HUONG.", "toi la " + maskMark + "."},
		{"Người tố cáo: Lưu Thị\nDiễm Hương", "Người tố cáo: " + maskMark},
		{"CCCD số 079 187 654 321, ĐT +84 912.345.678; số tiền 5.000.000 đồng", "CCCD số " + maskMark + ", ĐT +" + maskMark + "; số tiền 5.000.000 đồng"},
		{"ĐT: 0912-345-678.", "ĐT: " + maskMark + "."},
		{"trú tại số 14 đường Trưng Nữ Vương, phường Hiệp Ninh, thị xã", "trú tại " + maskMark + ", thị xã"},
		{"chị Hương nói rằng Diễm Hương không đến", "chị Hương nói rằng Diễm Hương không đến"},
		{"Quyết định số 15/QĐ-UBND ngày 02/3/2026", "Quyết định số 15/QĐ-UBND ngày 02/3/2026"},
		{"", ""},
	} {
		if got := maskIdentities(tc.in, who); got != tc.want {
			t.Errorf("maskIdentities(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	if got := maskIdentities("Tôi là Lưu Thị Diễm Hương.", Person{}); got != "Tôi là Lưu Thị Diễm Hương." {
		t.Errorf("nobody to mask, yet %q", got)
	}
	// Two people (a visit's visitors), one after the other.
	two := maskIdentities("Lưu Thị Diễm Hương và Khổng Văn Thầm Lặng cùng đến", who, Person{Name: "Khổng Văn Thầm Lặng"})
	if strings.Contains(two, "Hương") || strings.Contains(two, "Thầm") || !strings.HasSuffix(two, "cùng đến") {
		t.Errorf("two visitors: %q", two)
	}
}
