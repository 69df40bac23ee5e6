package ingest

// Kind is a document kind: the API's `kind`, the search facet and the case
// workflow's view of what a scan is (see DESIGN.md, "Document kinds"). The header
// parser in ocr derives one from the type line and the subject; a QR cover sheet or
// a clerk may say it. Stored and sent as its string.
type Kind string

// The document kinds; kindLabels lists them in order with their names.
const (
	KindQuyetDinhThuLy             Kind = "quyet_dinh_thu_ly"               // decision to accept (thụ lý) a complaint
	KindQuyetDinhGiaoXacMinh       Kind = "quyet_dinh_giao_xac_minh"        // decision assigning verification
	KindBienBanDoiThoai            Kind = "bien_ban_doi_thoai"              // minutes of a dialogue
	KindBienBanLamViec             Kind = "bien_ban_lam_viec"               // minutes of a working session (any other minutes)
	KindBaoCaoKetQuaXacMinh        Kind = "bao_cao_ket_qua_xac_minh"        // report on the verification's results
	KindQuyetDinhGiaiQuyetKhieuNai Kind = "quyet_dinh_giai_quyet_khieu_nai" // decision resolving a complaint
	KindThongBaoThuLyToCao         Kind = "thong_bao_thu_ly_to_cao"         // notice that a denunciation is accepted
	KindKetLuanNoiDungToCao        Kind = "ket_luan_noi_dung_to_cao"        // conclusion on a denunciation's content
	KindCongVan                    Kind = "cong_van"                        // official letter (no type line)
	KindKhac                       Kind = "khac"                            // anything else

	// The papers that arrive first: the petition letter itself and what comes
	// with it or right after it.
	KindDonKhieuNai           Kind = "don_khieu_nai"              // complaint letter
	KindDonToCao              Kind = "don_to_cao"                 // denunciation letter
	KindDonKienNghiPhanAnh    Kind = "don_kien_nghi_phan_anh"     // letter of recommendation or feedback
	KindGiayUyQuyen           Kind = "giay_uy_quyen"              // power of attorney
	KindPhieuChuyenDon        Kind = "phieu_chuyen_don"           // slip forwarding a letter to the competent body
	KindThongBaoThuLyKhieuNai Kind = "thong_bao_thu_ly_khieu_nai" // notice that a complaint is accepted
	KindQuyetDinhGiaHan       Kind = "quyet_dinh_gia_han"         // decision extending the resolution period
	KindBienBanTiepCongDan    Kind = "bien_ban_tiep_cong_dan"     // minutes of receiving a citizen
)

// kindLabels are the document kinds in DESIGN.md's order with their Vietnamese names,
// as clerks read them on a cover sheet or a search facet.
var kindLabels = []struct {
	kind  Kind
	label string
}{
	{KindQuyetDinhThuLy, "Quyết định thụ lý"},
	{KindQuyetDinhGiaoXacMinh, "Quyết định giao xác minh"},
	{KindBienBanDoiThoai, "Biên bản đối thoại"},
	{KindBienBanLamViec, "Biên bản làm việc"},
	{KindBaoCaoKetQuaXacMinh, "Báo cáo kết quả xác minh"},
	{KindQuyetDinhGiaiQuyetKhieuNai, "Quyết định giải quyết khiếu nại"},
	{KindThongBaoThuLyToCao, "Thông báo thụ lý tố cáo"},
	{KindKetLuanNoiDungToCao, "Kết luận nội dung tố cáo"},
	{KindCongVan, "Công văn"},
	{KindKhac, "Tài liệu khác"},
	{KindDonKhieuNai, "Đơn khiếu nại"},
	{KindDonToCao, "Đơn tố cáo"},
	{KindDonKienNghiPhanAnh, "Đơn kiến nghị, phản ánh"},
	{KindGiayUyQuyen, "Giấy ủy quyền"},
	{KindPhieuChuyenDon, "Phiếu chuyển đơn"},
	{KindThongBaoThuLyKhieuNai, "Thông báo thụ lý khiếu nại"},
	{KindQuyetDinhGiaHan, "Quyết định gia hạn"},
	{KindBienBanTiepCongDan, "Biên bản tiếp công dân"},
}

// Kinds returns every document kind, in DESIGN.md's order.
func Kinds() []Kind {
	out := make([]Kind, len(kindLabels))
	for i, k := range kindLabels {
		out[i] = k.kind
	}
	return out
}

// Valid reports whether k is a document kind.
func (k Kind) Valid() bool { return k.Label() != "" }

// Label returns the Vietnamese name of the kind ("Quyết định thụ lý"), or "" for a
// string that is not a kind.
func (k Kind) Label() string {
	for _, l := range kindLabels {
		if l.kind == k {
			return l.label
		}
	}
	return ""
}
