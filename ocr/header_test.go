package ocr_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/internal/viet"
	"kntc/ocr"
)

// The -update flag is shared with the other golden tests of the package; whichever
// test file initialises first declares it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/")
	}
}

func headerUpdating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// TestParseHeaderGolden parses every testdata/header/*.txt and compares the header,
// as JSON, with the .golden file beside it (go test -run HeaderGolden -update
// rewrites them).
func TestParseHeaderGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "header", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatal("no testdata/header/*.txt")
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".txt")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got := mustHeaderJSON(t, ocr.ParseHeader(string(text)))
			golden := strings.TrimSuffix(in, ".txt") + ".golden"
			if headerUpdating() {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run HeaderGolden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("header differs from %s; run go test -run HeaderGolden -update and review the diff\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

func mustHeaderJSON(tb testing.TB, h ocr.Header) []byte {
	tb.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(h); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestParseHeaderNumber(t *testing.T) {
	tests := []struct {
		name, line, want string
	}{
		{"with year", "Số: 47/2015/QĐ-UBND", "47/2015/QĐ-UBND"},
		{"without year", "Số: 12/QĐ-STNMT", "12/QĐ-STNMT"},
		{"stray spaces", "Số : 12 / QĐ - UBND", "12/QĐ-UBND"},
		{"stray spaces with year", "Số: 47/ 2015 /QĐ- UBND", "47/2015/QĐ-UBND"},
		{"QD without Đ", "Số: 12/QD-UBND", "12/QĐ-UBND"},
		{"eth for Đ", "Số: 12/QÐ-UBND", "12/QĐ-UBND"},
		{"Đ read twice", "Số: 355/2015/QĐÐ-UBND", "355/2015/QĐ-UBND"},
		{"lower-case đ", "Số: 12/Qđ-UBND", "12/QĐ-UBND"},
		{"ND to NĐ", "Số: 224/2025/ND-CP", "224/2025/NĐ-CP"},
		{"HDND", "Số: 5/NQ-HDND", "5/NQ-HĐND"},
		{"HD kept", "Số: 3/HD-TTr", "3/HD-TTr"},
		{"TTg case", "Số: 48/2025/QĐ-TTG", "48/2025/QĐ-TTg"},
		{"S6", "S6: 12/TB-UBND", "12/TB-UBND"},
		{"Sô", "Sô: 12/BC-TTr", "12/BC-TTr"},
		{"no diacritics", "So: 15/BB-UBND", "15/BB-UBND"},
		{"upper case", "SỐ: 15/BB-UBND", "15/BB-UBND"},
		{"O for 0", "Số: 1O/QĐ-UBND", "10/QĐ-UBND"},
		{"l for 1", "Số: l2/QĐ-UBND", "12/QĐ-UBND"},
		{"O in year", "Số: 7/2O15/QĐ-UBND", "7/2015/QĐ-UBND"},
		{"en dash", "Số: 12/QĐ–UBND", "12/QĐ-UBND"},
		{"joined with the date", "Số: 12/QĐ-UBND Tây Ninh, ngày 5 tháng 2 năm 2015", "12/QĐ-UBND"},
		{"after the left column", "THANH TRA TỈNH Số: 9/KL-TTr", "9/KL-TTr"},
		{"blank number", "Số:     /QĐ-UBND", ""},
		{"not a number: Sở", "SỞ TƯ PHÁP", ""},
		{"number in a sentence", "theo Quyết định số 12/QĐ-UBND", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ocr.ParseHeader(tt.line).Number; got != tt.want {
				t.Errorf("ParseHeader(%q).Number = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

func TestParseHeaderDate(t *testing.T) {
	tests := []struct {
		name, line, date, place string
	}{
		{"two digits", "Tây Ninh, ngày 05 tháng 02 năm 2015", "2015-02-05", "Tây Ninh"},
		{"one digit", "Tây Ninh, ngày 5 tháng 2 năm 2015", "2015-02-05", "Tây Ninh"},
		{"no diacritics", "Tay Ninh, ngay 21 thang 9 nam 2015", "2015-09-21", "Tay Ninh"},
		{"thang nam only", "Hà Nội, ngày 14 thang 8 nam 2025", "2025-08-14", "Hà Nội"},
		{"stray spaces", "Tây Ninh ,  ngày  0 5  tháng 0 2 năm 2 015", "2015-02-05", "Tây Ninh"},
		{"no spaces", "Hà Nội, ngày05tháng02năm2015", "2015-02-05", "Hà Nội"},
		{"O for 0", "Tây Ninh, ngày O5 tháng 1O năm 2O15", "2015-10-05", "Tây Ninh"},
		{"upper case", "TÂY NINH, NGÀY 05 THÁNG 02 NĂM 2015", "2015-02-05", "TÂY NINH"},
		{"city", "TP. Hồ Chí Minh, ngày 1 tháng 12 năm 2020", "2020-12-01", "TP. Hồ Chí Minh"},
		{"leap day", "Tây Ninh, ngày 29 tháng 02 năm 2024", "2024-02-29", "Tây Ninh"},
		{"not a leap year", "Tây Ninh, ngày 29 tháng 02 năm 2023", "", "Tây Ninh"},
		{"day 32", "Tây Ninh, ngày 32 tháng 1 năm 2015", "", "Tây Ninh"},
		{"month 13", "Tây Ninh, ngày 1 tháng 13 năm 2015", "", "Tây Ninh"},
		{"day 0", "Tây Ninh, ngày 0 tháng 1 năm 2015", "", "Tây Ninh"},
		{"year 1800", "Tây Ninh, ngày 1 tháng 1 năm 1800", "", "Tây Ninh"},
		{"template", "……., ngày … tháng … năm ……", "", ""},
		{"joined with the number", "Số: 12/QĐ-UBND Gò Dầu, ngày 5 tháng 2 năm 2015", "2015-02-05", "Gò Dầu"},
		{"a cited date is not the header's", "Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011;", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := ocr.ParseHeader(tt.line)
			if h.Date != tt.date || h.Place != tt.place {
				t.Errorf("ParseHeader(%q) date, place = %q, %q, want %q, %q", tt.line, h.Date, h.Place, tt.date, tt.place)
			}
		})
	}
}

func TestParseHeaderKind(t *testing.T) {
	tests := []struct {
		name, text string
		kind       ingest.Kind
	}{
		{"thụ lý khiếu nại", "QUYẾT ĐỊNH\nVề việc thụ lý giải quyết khiếu nại của ông A", ingest.KindQuyetDinhThuLy},
		{"giao xác minh", "QUYẾT ĐỊNH\nVề việc giao nhiệm vụ xác minh nội dung khiếu nại", ingest.KindQuyetDinhGiaoXacMinh},
		{"xác minh nội dung tố cáo", "QUYẾT ĐỊNH\nVề việc xác minh nội dung tố cáo", ingest.KindQuyetDinhGiaoXacMinh},
		{"giải quyết khiếu nại", "QUYẾT ĐỊNH\nVề việc giải quyết khiếu nại của bà B (lần đầu)", ingest.KindQuyetDinhGiaiQuyetKhieuNai},
		{"other decision", "QUYẾT ĐỊNH\nVề việc thành lập Tổ công tác", ingest.KindKhac},
		{"no diacritics", "QUYET DINH\nVe viec thu ly giai quyet khieu nai", ingest.KindQuyetDinhThuLy},
		{"đối thoại", "BIÊN BẢN\nĐối thoại giải quyết khiếu nại", ingest.KindBienBanDoiThoai},
		{"đối thoại on the type line", "BIÊN BẢN ĐỐI THOẠI", ingest.KindBienBanDoiThoai},
		{"làm việc", "BIÊN BẢN\nLàm việc với người khiếu nại", ingest.KindBienBanLamViec},
		{"minutes without subject", "BIÊN BẢN", ingest.KindBienBanLamViec},
		{"kết quả xác minh", "BÁO CÁO\nKết quả xác minh nội dung khiếu nại", ingest.KindBaoCaoKetQuaXacMinh},
		{"other report", "BÁO CÁO\nCông tác tiếp công dân quý I", ingest.KindKhac},
		{"thụ lý tố cáo", "THÔNG BÁO\nVề việc thụ lý tố cáo", ingest.KindThongBaoThuLyToCao},
		{"thụ lý khiếu nại notice", "THÔNG BÁO\nVề việc thụ lý khiếu nại", ingest.KindThongBaoThuLyKhieuNai},
		{"thụ lý giải quyết khiếu nại notice", "THÔNG BÁO\nVề việc thụ lý giải quyết khiếu nại", ingest.KindThongBaoThuLyKhieuNai},
		{"thụ lý notice by symbol", "Số: 3/TB-UBND\nVe viec thu ly giai quyet khieu nai", ingest.KindThongBaoThuLyKhieuNai},
		{"refusal notice", "THÔNG BÁO\nVề việc không thụ lý giải quyết khiếu nại", ingest.KindKhac},
		{"refusal notice of a denunciation", "THÔNG BÁO\nVề việc không thụ lý tố cáo", ingest.KindKhac},
		{"refusal decision", "QUYẾT ĐỊNH\nVề việc không thụ lý giải quyết khiếu nại", ingest.KindKhac},
		{"gia hạn tố cáo", "QUYẾT ĐỊNH\nVề việc gia hạn thời hạn giải quyết tố cáo", ingest.KindQuyetDinhGiaHan},
		{"gia hạn khiếu nại", "QUYẾT ĐỊNH\nVề việc gia hạn thời hạn giải quyết khiếu nại", ingest.KindQuyetDinhGiaHan},
		{"gia hạn no diacritics", "QUYET DINH\nVe viec gia han thoi han giai quyet to cao", ingest.KindQuyetDinhGiaHan},
		{"tiếp công dân", "BIÊN BẢN\nTiếp công dân", ingest.KindBienBanTiepCongDan},
		{"tiếp công dân on the type line", "BIÊN BẢN TIẾP CÔNG DÂN", ingest.KindBienBanTiepCongDan},
		{"công dân đến khiếu nại", "BIÊN BẢN\nLàm việc với công dân đến khiếu nại", ingest.KindBienBanTiepCongDan},
		{"công dân đến tố cáo", "BIEN BAN\nLam viec voi cong dan den to cao", ingest.KindBienBanTiepCongDan},
		{"đối thoại with a citizen", "BIÊN BẢN\nĐối thoại với công dân đến khiếu nại", ingest.KindBienBanDoiThoai},
		{"phiếu chuyển đơn", "PHIẾU CHUYỂN ĐƠN", ingest.KindPhieuChuyenDon},
		{"phiếu chuyển đơn spaced", "P H I Ế U  C H U Y Ể N  Đ Ơ N", ingest.KindPhieuChuyenDon},
		{"phiếu chuyển by symbol", "Số: 41/PC-BTCD\nChuyển đơn khiếu nại", ingest.KindPhieuChuyenDon},
		{"phiếu chuyển hồ sơ", "PHIẾU CHUYỂN\nHồ sơ lưu trữ", ingest.KindKhac},
		{"đơn khiếu nại", "ĐƠN KHIẾU NẠI", ingest.KindDonKhieuNai},
		{"đơn khiếu nại lower case", "Đơn khiếu nại", ingest.KindDonKhieuNai},
		{"đơn khiếu nại eth", "ÐƠN KHIẾU NẠI", ingest.KindDonKhieuNai},
		{"đơn khiếu nại no diacritics", "DON KHIEU NAI", ingest.KindDonKhieuNai},
		{"đơn khiếu nại spaced", "Đ Ơ N  K H I Ế U  N Ạ I", ingest.KindDonKhieuNai},
		{"đơn khiếu nại with words", "ĐƠN KHIẾU NẠI QUYẾT ĐỊNH HÀNH CHÍNH", ingest.KindDonKhieuNai},
		{"đơn khiếu nại in a sentence", "Đơn khiếu nại của ông A gửi ngày 3/3", ingest.KindKhac},
		{"đơn tố cáo", "ĐƠN TỐ CÁO", ingest.KindDonToCao},
		{"đơn tố cáo no diacritics", "DON TO CAO", ingest.KindDonToCao},
		{"đơn kiến nghị", "ĐƠN KIẾN NGHỊ", ingest.KindDonKienNghiPhanAnh},
		{"đơn phản ánh", "ĐƠN PHẢN ÁNH", ingest.KindDonKienNghiPhanAnh},
		{"đơn kiến nghị, phản ánh", "ĐƠN KIẾN NGHỊ, PHẢN ÁNH", ingest.KindDonKienNghiPhanAnh},
		{"giấy ủy quyền", "GIẤY ỦY QUYỀN", ingest.KindGiayUyQuyen},
		{"giấy uỷ quyền old tone", "GIẤY UỶ QUYỀN", ingest.KindGiayUyQuyen},
		{"giấy ủy quyền khiếu nại", "GIẤY ỦY QUYỀN KHIẾU NẠI", ingest.KindGiayUyQuyen},
		{"giấy ủy quyền OCR", "GIÂY ÙY QUYÊN", ingest.KindGiayUyQuyen},
		{"not a title: đơn vị", "ĐƠN VỊ TÍNH", ingest.KindKhac},
		{"kết luận tố cáo", "KẾT LUẬN\nNội dung tố cáo đối với ông C", ingest.KindKetLuanNoiDungToCao},
		{"kết luận thanh tra", "KẾT LUẬN\nThanh tra việc quản lý đất đai", ingest.KindKhac},
		{"công văn by V/v", "Số: 215/STNMT-TTr\nV/v trả lời đơn", ingest.KindCongVan},
		{"công văn by CV", "Số: 88/CV-BTCD", ingest.KindCongVan},
		{"type from symbol", "Số: 9/TB-UBND\nVề việc thụ lý tố cáo", ingest.KindThongBaoThuLyToCao},
		{"nothing", "Nơi nhận:\n- Lưu: VT.", ingest.KindKhac},
		{"empty", "", ingest.KindKhac},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ocr.ParseHeader(tt.text).Kind; got != tt.kind {
				t.Errorf("ParseHeader(%q).Kind = %q, want %q", tt.text, got, tt.kind)
			}
		})
	}
}

// TestParseHeaderLetterHasNoIssuer: a citizen's paper has no issuing body, and
// what stands above its title — often the sender's name, who may have to stay
// secret — never becomes one, whatever OCR made of the page.
func TestParseHeaderLetterHasNoIssuer(t *testing.T) {
	letters := []struct {
		name, text string
		kind       ingest.Kind
	}{
		{"name above the title", "VÕ THỊ BÍ MẬT\nĐƠN TỐ CÁO\nKính gửi: Thanh tra tỉnh", ingest.KindDonToCao},
		{"name beside the motto", "VÕ THỊ BÍ MẬT CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nĐƠN TỐ CÁO", ingest.KindDonToCao},
		{"name and address", "NGUYỄN VĂN AN\nẤP LONG HẢI, XÃ TRƯỜNG TÂY\nĐƠN KHIẾU NẠI\n(Lần đầu)", ingest.KindDonKhieuNai},
		{"title only", "ĐƠN KHIẾU NẠI", ingest.KindDonKhieuNai},
		{"power of attorney", "NGUYỄN VĂN AN\nGIẤY ỦY QUYỀN\nTôi tên là Nguyễn Văn An", ingest.KindGiayUyQuyen},
		{"petition", "TRẦN VĂN BẢY\nĐƠN PHẢN ÁNH", ingest.KindDonKienNghiPhanAnh},
	}
	for _, tt := range letters {
		for _, variant := range []struct{ name, text string }{
			{"as written", tt.text},
			{"folded", viet.Fold(tt.text)},
			{"eth", strings.ReplaceAll(tt.text, "Đ", "Ð")},
		} {
			t.Run(tt.name+"/"+variant.name, func(t *testing.T) {
				h := ocr.ParseHeader(variant.text)
				if h.Kind != tt.kind {
					t.Errorf("kind %q, want %q", h.Kind, tt.kind)
				}
				if h.Issuer != "" || h.Number != "" {
					t.Errorf("a letter's issuer, number = %q, %q, want none", h.Issuer, h.Number)
				}
				for _, name := range []string{"MẬT", "MAT", "AN", "BẢY", "BAY"} {
					if slices.Contains(strings.Fields(h.Subject+" "+h.Type), name) {
						t.Errorf("the header carries the sender's name: %+v", h)
					}
				}
			})
		}
	}
}

// TestParseHeaderSamples reads the real documents in KNTC_SAMPLES_DIR (never
// copied into the repository).
func TestParseHeaderSamples(t *testing.T) {
	dir := testenv.RequireSamples(t)
	tests := []struct {
		file string
		want ocr.Header
	}{
		{"nd-224-2025-sua-doi-nd-22-2019-to-cao-cong-an.txt", ocr.Header{
			Number: "224/2025/NĐ-CP", Date: "2025-08-14", Place: "Hà Nội", Issuer: "CHÍNH PHỦ", Type: "NGHỊ ĐỊNH",
			Subject: "Sửa đổi, bổ sung Điều 5 Nghị định số 22/2019/NĐ-CP ngày 25 tháng 02 năm 2019 của Chính phủ quy định về tố cáo và giải quyết tố cáo trong Công an nhân dân",
			Kind:    ingest.KindKhac,
		}},
		{"qd-48-2025-ttg-quy-che-phan-anh-kien-nghi-p1.txt", ocr.Header{
			Number: "48/2025/QĐ-TTg", Date: "2025-12-12", Place: "Hà Nội", Issuer: "THỦ TƯỚNG CHÍNH PHỦ", Type: "QUYẾT ĐỊNH",
			Subject: "Ban hành Quy chế tiếp nhận, xử lý phản ánh, kiến nghị trên Hệ thống thông tin tiếp nhận, xử lý phản ánh, kiến nghị về văn bản quy phạm pháp luật",
			Kind:    ingest.KindKhac,
		}},
		{"tt-46-2025-bkhcn-tiep-cong-dan-kntc-p1.txt", ocr.Header{
			Number: "46/2025/TT-BKHCN", Date: "2025-12-19", Place: "Hà Nội", Issuer: "BỘ KHOA HỌC VÀ CÔNG NGHỆ", Type: "THÔNG TƯ",
			Subject: "QUY ĐỊNH VỀ TIẾP CÔNG DÂN, XỬ LÝ VÀ GIẢI QUYẾT ĐƠN KHIẾU NẠI, ĐƠN TỐ CÁO, ĐƠN KIẾN NGHỊ, PHẢN ÁNH CỦA BỘ KHOA HỌC VÀ CÔNG NGHỆ",
			Kind:    ingest.KindKhac,
		}},
		// The published text of 47/2015 starts at the type line: no number, date or
		// issuer above it.
		{"qd-47-2015-ubnd-tay-ninh.txt", ocr.Header{
			Type:    "QUYẾT ĐỊNH",
			Subject: "BAN HÀNH QUY CHẾ QUẢN LÝ, VẬN HÀNH HỆ THỐNG THÔNG TIN QUẢN LÝ KHIẾU NẠI, TỐ CÁO TRÊN ĐỊA BÀN TỈNH TÂY NINH",
			Kind:    ingest.KindKhac,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Skipf("%s: %s has no %s; set %s to the full sample texts to run this test", testenv.SamplesEnv, dir, tt.file, testenv.SamplesEnv)
			}
			if got := ocr.ParseHeader(string(b)); got != tt.want {
				t.Errorf("ParseHeader(%s)\n got %+v\nwant %+v", tt.file, got, tt.want)
			}
			// Without diacritics, as a poor OCR would read it, the fields that are
			// matched rather than copied must come out the same.
			got := ocr.ParseHeader(viet.Fold(string(b)))
			if got.Date != tt.want.Date || got.Type != tt.want.Type || got.Kind != tt.want.Kind {
				t.Errorf("ParseHeader(Fold(%s)) date, type, kind = %q, %q, %q", tt.file, got.Date, got.Type, got.Kind)
			}
		})
	}
}

var reISODate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func FuzzParseHeader(f *testing.F) {
	inputs, _ := filepath.Glob(filepath.Join("testdata", "header", "*.txt"))
	for _, in := range inputs {
		if b, err := os.ReadFile(in); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("Số : 1O / QÐ - UBND Tây Ninh, ngay 3l thang O2 nam 2O15\nQ U Y Ế T  Đ Ị N H\nV/v")
	f.Add("S6:\nngày tháng năm\n\f" + norm.NFD.String("Về việc thụ lý tố cáo"))
	f.Add("\xff\xfeSố: 1/\xc3-UBND\n")
	f.Add("VÕ THỊ\nÐ Ơ N  T Ố  C Á O,\n(V/v: tố cáo\nTôi tên là")
	f.Add("GIẤY ỦY QUYỀNX\nPHIẾU CHUYỂN ĐƠN\nTHÔNG BÁO\nkhông thụ lý khiếu nại")
	f.Fuzz(func(t *testing.T, text string) {
		h := ocr.ParseHeader(text)
		if h.Date != "" {
			if !reISODate.MatchString(h.Date) {
				t.Fatalf("Date %q is not YYYY-MM-DD", h.Date)
			}
			if _, err := time.Parse(time.DateOnly, h.Date); err != nil {
				t.Fatalf("Date %q is not a real date: %v", h.Date, err)
			}
		}
		for name, s := range map[string]string{"Number": h.Number, "Place": h.Place, "Issuer": h.Issuer, "Type": h.Type, "Subject": h.Subject} {
			if !utf8.ValidString(s) {
				t.Fatalf("%s %q is not UTF-8", name, s)
			}
			if !norm.NFC.IsNormalString(s) {
				t.Fatalf("%s %q is not NFC", name, s)
			}
		}
		if h.Kind == "" {
			t.Fatal("Kind is empty")
		}
	})
}

func BenchmarkParseHeader(b *testing.B) {
	text, err := os.ReadFile(filepath.Join("testdata", "header", "qd-thu-ly-interleaved.txt"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ocr.ParseHeader(string(text))
	}
}
