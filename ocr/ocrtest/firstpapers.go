package ocrtest

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"kntc/ingest"
)

// GeneratedFirstPapers returns one page of each paper that arrives first in a
// case (the same seed gives the same pages), with the header each states: the
// citizen's letters — đơn khiếu nại, đơn tố cáo, đơn kiến nghị, đơn phản ánh,
// giấy ủy quyền: the national motto and the date on the right, the title centred,
// no number and no issuing body, the sender named in the body — and the bodies'
// phiếu chuyển đơn, thông báo thụ lý khiếu nại, quyết định gia hạn and biên bản
// tiếp công dân in the administrative layout.
func GeneratedFirstPapers(seed int64) []HeaderCase {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x66697273)) // "firs"
	motto := []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"}
	var out []HeaderCase
	add := func(name string, d Decision, want HeaderTruth) {
		out = append(out, HeaderCase{Name: name, Decision: d, Want: want})
	}
	dated := func(place string) (line, iso string) {
		y, m, d := 2020+rng.IntN(7), 1+rng.IntN(12), 1+rng.IntN(28)
		return fmt.Sprintf("%s, ngày %02d tháng %02d năm %d", place, d, m, y), fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	}
	sender := func() (name, addr string) {
		p := people[rng.IntN(len(people))]
		_, name, _ = strings.Cut(p, " ") // without ông / bà
		return name, addresses[rng.IntN(len(addresses))]
	}

	letters := []struct {
		name, title, subject, typ string
		kind                      ingest.Kind
	}{
		{"don-khieu-nai", "ĐƠN KHIẾU NẠI", "khiếu nại Quyết định số 125/QĐ-UBND về việc thu hồi đất", "ĐƠN KHIẾU NẠI", "don_khieu_nai"},
		{"don-to-cao", "ĐƠN TỐ CÁO", "tố cáo hành vi vi phạm trong quản lý đất đai", "ĐƠN TỐ CÁO", "don_to_cao"},
		{"don-kien-nghi", "ĐƠN KIẾN NGHỊ", "kiến nghị sửa chữa đường giao thông nông thôn", "ĐƠN KIẾN NGHỊ", "don_kien_nghi_phan_anh"},
		{"don-phan-anh", "ĐƠN PHẢN ÁNH", "phản ánh tình trạng ô nhiễm tiếng ồn", "ĐƠN PHẢN ÁNH", "don_kien_nghi_phan_anh"},
		{"giay-uy-quyen", "GIẤY ỦY QUYỀN", "ủy quyền khiếu nại", "GIẤY ỦY QUYỀN", "giay_uy_quyen"},
	}
	for _, l := range letters {
		is := issuers[rng.IntN(len(issuers))]
		date, iso := dated(is.place)
		name, addr := sender()
		add(l.name, Decision{
			Right:  append(append([]string{}, motto...), date),
			Centre: []string{l.title, "Về việc " + l.subject},
			Body: []string{"Kính gửi: " + strings.Join(is.lines, " "),
				"Tôi tên là: " + name + ", địa chỉ: " + addr + ".",
				bodyText[rng.IntN(len(bodyText))]},
		}, HeaderTruth{Date: iso, Place: is.place, Type: l.typ, Subject: l.subject, Kind: l.kind})
	}

	admin := []struct {
		name, code, typeLine, subject, typ string
		kind                               ingest.Kind
		body                               string
		signed                             bool
	}{
		{"phieu-chuyen-don", "PC", "PHIẾU CHUYỂN ĐƠN", "", "PHIẾU CHUYỂN", "phieu_chuyen_don",
			"Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh", false},
		{"tb-thu-ly-khieu-nai", "TB", "THÔNG BÁO", "thụ lý giải quyết khiếu nại của %s", "THÔNG BÁO", "thong_bao_thu_ly_khieu_nai",
			"Kính gửi: %s", false},
		{"qd-gia-han", "QĐ", "QUYẾT ĐỊNH", "gia hạn thời hạn giải quyết tố cáo", "QUYẾT ĐỊNH", "quyet_dinh_gia_han",
			"Căn cứ Luật Tố cáo ngày 12 tháng 6 năm 2018;", true},
		{"bb-tiep-cong-dan", "BB", "BIÊN BẢN", "Làm việc với công dân đến khiếu nại", "BIÊN BẢN", "bien_ban_tiep_cong_dan",
			"Hôm nay, vào lúc 8 giờ 30 phút, tại trụ sở Ban Tiếp công dân, chúng tôi gồm:", false},
	}
	for _, a := range admin {
		is := issuers[rng.IntN(len(issuers))]
		date, iso := dated(is.place)
		person := people[rng.IntN(len(people))]
		number := fmt.Sprintf("%d/%s-%s", 1+rng.IntN(999), a.code, is.symbol)
		subject, body := a.subject, a.body
		if strings.Contains(subject, "%s") {
			subject = fmt.Sprintf(subject, person)
		}
		if strings.Contains(body, "%s") {
			body = fmt.Sprintf(body, person)
		}
		centre := []string{a.typeLine}
		if subject != "" {
			line := subject
			if a.typeLine != "BIÊN BẢN" {
				line = "Về việc " + subject
			}
			centre = append(centre, line)
		}
		if a.signed {
			centre = append(centre, is.leader)
		}
		add(a.name, Decision{
			Left:   append(append([]string{}, is.lines...), "Số: "+number),
			Right:  append(append([]string{}, motto...), date),
			Centre: centre,
			Body:   []string{body, bodyText[rng.IntN(len(bodyText))]},
		}, HeaderTruth{Number: number, Date: iso, Place: is.place, Issuer: strings.Join(is.lines, " "),
			Type: a.typ, Subject: subject, Kind: a.kind})
	}
	return out
}
