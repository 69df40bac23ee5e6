package ocr

// kindLabels are the document kinds in DESIGN.md's order with their Vietnamese names,
// as clerks read them on a cover sheet or a search facet.
var kindLabels = []struct{ kind, label string }{
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
func Kinds() []string {
	out := make([]string, len(kindLabels))
	for i, k := range kindLabels {
		out[i] = k.kind
	}
	return out
}

// ValidKind reports whether k is a document kind.
func ValidKind(k string) bool {
	_, ok := KindLabel(k)
	return ok
}

// KindLabel returns the Vietnamese name of a document kind ("Quyết định thụ lý"), and
// false for a string that is not a kind.
func KindLabel(kind string) (string, bool) {
	for _, k := range kindLabels {
		if k.kind == kind {
			return k.label, true
		}
	}
	return "", false
}
