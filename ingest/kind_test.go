package ingest_test

import (
	"slices"
	"testing"

	"golang.org/x/text/unicode/norm"

	"kntc/ingest"
)

// TestKinds: every document kind is listed with a Vietnamese label, in
// DESIGN.md's order, once.
func TestKinds(t *testing.T) {
	want := []ingest.Kind{"quyet_dinh_thu_ly", "quyet_dinh_giao_xac_minh", "bien_ban_doi_thoai", "bien_ban_lam_viec",
		"bao_cao_ket_qua_xac_minh", "quyet_dinh_giai_quyet_khieu_nai", "thong_bao_thu_ly_to_cao",
		"ket_luan_noi_dung_to_cao", "cong_van", "khac", "don_khieu_nai", "don_to_cao", "don_kien_nghi_phan_anh",
		"giay_uy_quyen", "phieu_chuyen_don", "thong_bao_thu_ly_khieu_nai", "quyet_dinh_gia_han", "bien_ban_tiep_cong_dan"}
	if got := ingest.Kinds(); !slices.Equal(got, want) {
		t.Fatalf("Kinds() = %v\nwant %v", got, want)
	}
	for _, k := range want {
		label := k.Label()
		if label == "" || !norm.NFC.IsNormalString(label) || !k.Valid() {
			t.Errorf("%q: Label() = %q, Valid() = %t", k, label, k.Valid())
		}
	}
	for _, k := range []ingest.Kind{"", "KHAC", "don", "quyet_dinh"} {
		if k.Valid() {
			t.Errorf("%q is Valid", k)
		}
	}
}
