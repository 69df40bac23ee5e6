package ocr

import (
	"strings"

	"kntc/ingest"
	"kntc/internal/viet"
)

// Type lines ParseHeader returns, in their canonical spelling.
const (
	typeQuyetDinh = "QUYẾT ĐỊNH"
	typeThongBao  = "THÔNG BÁO"
	typeKetLuan   = "KẾT LUẬN"
	typeBienBan   = "BIÊN BẢN"
	typeBaoCao    = "BÁO CÁO"
	typeCongVan   = "CÔNG VĂN"
	typePhieu     = "PHIẾU CHUYỂN"

	// A citizen's letters have no số ký hiệu and no issuing body: their title is
	// their type.
	typeDonKhieuNai = "ĐƠN KHIẾU NẠI"
	typeDonToCao    = "ĐƠN TỐ CÁO"
	typeDonKienNghi = "ĐƠN KIẾN NGHỊ"
	typeDonPhanAnh  = "ĐƠN PHẢN ÁNH"
	typeDonKNPA     = "ĐƠN KIẾN NGHỊ, PHẢN ÁNH"
	typeUyQuyen     = "GIẤY ỦY QUYỀN"
)

// letterTitles are the titles of a citizen's papers, keyed by their folded,
// upper-case, letters-only spelling, longest first: a title line starts with one
// (words after it, "ĐƠN KHIẾU NẠI QUYẾT ĐỊNH HÀNH CHÍNH", open the subject).
var letterTitles = []struct{ key, typ string }{
	{"DONKIENNGHIPHANANH", typeDonKNPA},
	{"DONKHIEUNAI", typeDonKhieuNai},
	{"DONKIENNGHI", typeDonKienNghi},
	{"DONPHANANH", typeDonPhanAnh},
	{"GIAYUYQUYEN", typeUyQuyen},
	{"DONTOCAO", typeDonToCao},
}

// letterKinds maps the type of a citizen's paper to its kind.
var letterKinds = map[string]ingest.Kind{
	typeDonKhieuNai: ingest.KindDonKhieuNai,
	typeDonToCao:    ingest.KindDonToCao,
	typeDonKienNghi: ingest.KindDonKienNghiPhanAnh,
	typeDonPhanAnh:  ingest.KindDonKienNghiPhanAnh,
	typeDonKNPA:     ingest.KindDonKienNghiPhanAnh,
	typeUyQuyen:     ingest.KindGiayUyQuyen,
}

// isLetterType reports whether a canonical type is a citizen's paper, which has no
// issuing body (the sender is a person, who may have to stay secret).
func isLetterType(typ string) bool {
	_, ok := letterKinds[typ]
	return ok
}

// headerTypes maps the folded, upper-case, space-free spelling of a type line to its
// canonical form. Every type is two words, which typeLine relies on when more words
// follow; PHIEUCHUYENDON only matches a whole line (letter-spaced by OCR), where the
// "ĐƠN" is the subject that makes it a phiếu chuyển đơn.
var headerTypes = map[string]string{
	"QUYETDINH":      typeQuyetDinh,
	"THONGBAO":       typeThongBao,
	"KETLUAN":        typeKetLuan,
	"BIENBAN":        typeBienBan,
	"BAOCAO":         typeBaoCao,
	"TOTRINH":        "TỜ TRÌNH",
	"CONGVAN":        typeCongVan,
	"NGHIDINH":       "NGHỊ ĐỊNH",
	"NGHIQUYET":      "NGHỊ QUYẾT",
	"THONGTU":        "THÔNG TƯ",
	"CHITHI":         "CHỈ THỊ",
	"KEHOACH":        "KẾ HOẠCH",
	"HUONGDAN":       "HƯỚNG DẪN",
	"GIAYMOI":        "GIẤY MỜI",
	"CONGDIEN":       "CÔNG ĐIỆN",
	"PHIEUCHUYEN":    typePhieu,
	"PHIEUCHUYENDON": typePhieu,
}

// typeCodes maps the type code that opens a document symbol (Nghị định 30/2020,
// Phụ lục III) to its type, for pages whose type line OCR lost. CV is handled apart:
// it marks a công văn.
var typeCodes = map[string]string{
	"QĐ":  typeQuyetDinh,
	"TB":  typeThongBao,
	"KL":  typeKetLuan,
	"BB":  typeBienBan,
	"BC":  typeBaoCao,
	"TTr": "TỜ TRÌNH",
	"KH":  "KẾ HOẠCH",
	"HD":  "HƯỚNG DẪN",
	"GM":  "GIẤY MỜI",
	"NĐ":  "NGHỊ ĐỊNH",
	"NQ":  "NGHỊ QUYẾT",
	"TT":  "THÔNG TƯ",
	"CT":  "CHỈ THỊ",
	"PC":  typePhieu,
}

// classifyKind maps a canonical type and a subject to a document kind. It matches
// on folded words, so a subject OCR read without diacritics classifies the same.
func classifyKind(typ, subject string) ingest.Kind {
	if k, ok := letterKinds[typ]; ok {
		return k
	}
	s := " " + viet.FoldWords(subject) + " "
	has := func(phrase string) bool { return strings.Contains(s, " "+phrase+" ") }
	// "không thụ lý" refuses: such a notice or decision accepts nothing.
	accepts := has("thu ly") && !has("khong thu ly")
	switch typ {
	case typeQuyetDinh:
		// gia hạn first: "gia hạn thời hạn giải quyết khiếu nại" also contains
		// "giải quyết khiếu nại"; thụ lý next: "thụ lý giải quyết khiếu nại" does
		// too; xác minh before it for the same reason.
		switch {
		case has("gia han"):
			return ingest.KindQuyetDinhGiaHan
		case has("khong thu ly"):
			return ingest.KindKhac // a refusal, though it names "giải quyết khiếu nại"
		case accepts:
			return ingest.KindQuyetDinhThuLy
		case has("xac minh"):
			return ingest.KindQuyetDinhGiaoXacMinh
		case has("giai quyet khieu nai"):
			return ingest.KindQuyetDinhGiaiQuyetKhieuNai
		}
	case typeBienBan:
		switch {
		case has("doi thoai"):
			return ingest.KindBienBanDoiThoai
		case has("tiep cong dan") || has("cong dan den"):
			// "Làm việc với công dân đến khiếu nại": a citizen received.
			return ingest.KindBienBanTiepCongDan
		}
		return ingest.KindBienBanLamViec
	case typeBaoCao:
		if has("ket qua xac minh") {
			return ingest.KindBaoCaoKetQuaXacMinh
		}
	case typeThongBao:
		switch {
		case accepts && has("to cao"):
			return ingest.KindThongBaoThuLyToCao
		case accepts && has("khieu nai"):
			return ingest.KindThongBaoThuLyKhieuNai
		}
	case typeKetLuan:
		if has("noi dung to cao") {
			return ingest.KindKetLuanNoiDungToCao
		}
	case typePhieu:
		if has("don") || s == "  " {
			return ingest.KindPhieuChuyenDon
		}
	case typeCongVan:
		return ingest.KindCongVan
	}
	return ingest.KindKhac
}
