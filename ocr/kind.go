package ocr

import "strings"

// Document kinds: the API's `kind`, the search facet and the case workflow's view
// of what a scan is (see DESIGN.md, "Document kinds"). ParseHeader derives one from
// the type line and the subject.
const (
	KindQuyetDinhThuLy             = "quyet_dinh_thu_ly"               // decision to accept (thụ lý) a complaint
	KindQuyetDinhGiaoXacMinh       = "quyet_dinh_giao_xac_minh"        // decision assigning verification
	KindBienBanDoiThoai            = "bien_ban_doi_thoai"              // minutes of a dialogue
	KindBienBanLamViec             = "bien_ban_lam_viec"               // minutes of a working session (any other minutes)
	KindBaoCaoKetQuaXacMinh        = "bao_cao_ket_qua_xac_minh"        // report on the verification's results
	KindQuyetDinhGiaiQuyetKhieuNai = "quyet_dinh_giai_quyet_khieu_nai" // decision resolving a complaint
	KindThongBaoThuLyToCao         = "thong_bao_thu_ly_to_cao"         // notice that a denunciation is accepted
	KindKetLuanNoiDungToCao        = "ket_luan_noi_dung_to_cao"        // conclusion on a denunciation's content
	KindCongVan                    = "cong_van"                        // official letter (no type line)
	KindKhac                       = "khac"                            // anything else
)

// Type lines ParseHeader returns, in their canonical spelling.
const (
	typeQuyetDinh = "QUYẾT ĐỊNH"
	typeThongBao  = "THÔNG BÁO"
	typeKetLuan   = "KẾT LUẬN"
	typeBienBan   = "BIÊN BẢN"
	typeBaoCao    = "BÁO CÁO"
	typeCongVan   = "CÔNG VĂN"
)

// headerTypes maps the folded, upper-case, space-free spelling of a type line to its
// canonical form. Every type is two words, which typeLine relies on.
var headerTypes = map[string]string{
	"QUYETDINH":   typeQuyetDinh,
	"THONGBAO":    typeThongBao,
	"KETLUAN":     typeKetLuan,
	"BIENBAN":     typeBienBan,
	"BAOCAO":      typeBaoCao,
	"TOTRINH":     "TỜ TRÌNH",
	"CONGVAN":     typeCongVan,
	"NGHIDINH":    "NGHỊ ĐỊNH",
	"NGHIQUYET":   "NGHỊ QUYẾT",
	"THONGTU":     "THÔNG TƯ",
	"CHITHI":      "CHỈ THỊ",
	"KEHOACH":     "KẾ HOẠCH",
	"HUONGDAN":    "HƯỚNG DẪN",
	"GIAYMOI":     "GIẤY MỜI",
	"CONGDIEN":    "CÔNG ĐIỆN",
	"PHIEUCHUYEN": "PHIẾU CHUYỂN",
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
}

// classifyKind maps a canonical type and a subject to a document kind. It matches
// on folded words, so a subject OCR read without diacritics classifies the same.
func classifyKind(typ, subject string) string {
	s := " " + foldWords(subject) + " "
	has := func(phrase string) bool { return strings.Contains(s, " "+phrase+" ") }
	switch typ {
	case typeQuyetDinh:
		// thụ lý first: "thụ lý giải quyết khiếu nại" also contains "giải quyết
		// khiếu nại"; xác minh before it for the same reason.
		switch {
		case has("thu ly"):
			return KindQuyetDinhThuLy
		case has("xac minh"):
			return KindQuyetDinhGiaoXacMinh
		case has("giai quyet khieu nai"):
			return KindQuyetDinhGiaiQuyetKhieuNai
		}
	case typeBienBan:
		if has("doi thoai") {
			return KindBienBanDoiThoai
		}
		return KindBienBanLamViec
	case typeBaoCao:
		if has("ket qua xac minh") {
			return KindBaoCaoKetQuaXacMinh
		}
	case typeThongBao:
		if has("thu ly") && has("to cao") {
			return KindThongBaoThuLyToCao
		}
	case typeKetLuan:
		if has("noi dung to cao") {
			return KindKetLuanNoiDungToCao
		}
	case typeCongVan:
		return KindCongVan
	}
	return KindKhac
}

// foldWords returns s folded, lower-cased, with every run of characters other than
// letters and digits replaced by one space.
func foldWords(s string) string {
	f := strings.ToLower(Fold(s))
	return strings.Join(strings.FieldsFunc(f, func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	}), " ")
}
