package ocrtest

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"kntc/ingest"
	"kntc/internal/viet"
)

// Decision is the first page of a Vietnamese administrative document laid out as
// Nghị định 30/2020 has it: two columns at the top — the issuing body over the
// number on the left, the national motto over the place and date on the right —
// then, centred, the type line, the subject and the signing authority, then the
// body.
type Decision struct {
	Left   []string // issuing body lines, then "Số: …" (and "V/v …" for a công văn)
	Right  []string // the motto's two lines, then "Tây Ninh, ngày … tháng … năm …"
	Centre []string // type line, subject lines, authority; wrapped when too long
	Body   []string // paragraphs
}

// Text is the page's text in reading order as the page is laid out: the left
// column, the right column, the centred lines, the body — the ground truth a
// reading of RenderDecision's page is measured against is RenderDecision's own
// line list, which follows the same order.
func (d Decision) Text() string {
	var all []string
	all = append(all, d.Left...)
	all = append(all, d.Right...)
	all = append(all, d.Centre...)
	all = append(all, d.Body...)
	return strings.Join(all, "\n")
}

var (
	styleOnce        sync.Once
	boldFont, italic *opentype.Font
)

// serifStyles loads the bold and italic serif faces decisions use for the header,
// falling back to the regular one where they are not installed.
func serifStyles() (bold, ital *opentype.Font) {
	styleOnce.Do(func() {
		load := func(names ...string) *opentype.Font {
			for _, name := range names {
				for _, dir := range []string{"/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/dejavu"} {
					if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
						if f, err := opentype.Parse(b); err == nil {
							return f
						}
					}
				}
			}
			return nil
		}
		boldFont = load("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf")
		italic = load("LiberationSerif-Italic.ttf", "DejaVuSerif-Italic.ttf")
	})
	return boldFont, italic
}

// RenderDecision draws d on an A4 page at 300 dpi (black on white, 13 pt, the
// header's upper-case lines and the type line in bold, the date in italic) and
// returns it with the lines as drawn, in Decision.Text's order. Body text that does
// not fit is left out of both.
func RenderDecision(d Decision) (*image.Gray, []string, error) {
	regular, err := Font()
	if err != nil {
		return nil, nil, err
	}
	bold, ital := serifStyles()
	if bold == nil {
		bold = regular
	}
	if ital == nil {
		ital = regular
	}
	const dpi = 300
	px := func(mm float64) int { return int(mm / 25.4 * dpi) }
	w, h := px(210), px(297)
	left, right, top, bottom := px(25), px(15), px(18), px(20)
	img := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)

	faces := map[string]font.Face{}
	face := func(f *opentype.Font, name string, size float64) (font.Face, error) {
		key := fmt.Sprintf("%s/%g", name, size)
		if fc, ok := faces[key]; ok {
			return fc, nil
		}
		fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: dpi, Hinting: font.HintingFull})
		if err != nil {
			return nil, fmt.Errorf("font face: %w", err)
		}
		faces[key] = fc
		return fc, nil
	}
	defer func() {
		for _, fc := range faces {
			fc.Close()
		}
	}()
	pick := func(line string, centre bool) (font.Face, error) {
		switch {
		case isDateLine(line):
			return face(ital, "italic", 13)
		case strings.HasPrefix(line, "Số:") || strings.HasPrefix(line, "V/v"):
			return face(regular, "regular", 13)
		case upperLine(line):
			if centre && len(line) < 40 {
				return face(bold, "bold", 14)
			}
			return face(bold, "bold", 13)
		case centre:
			return face(bold, "bold", 13)
		}
		return face(regular, "regular", 13)
	}
	dst := func(fc font.Face) *font.Drawer {
		return &font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: fc}
	}
	lineStep := func(fc font.Face) int { return fc.Metrics().Height.Ceil() * 12 / 10 }

	var drawn []string
	textW := w - left - right
	split := left + textW*42/100
	// rule draws the short line decisions print under the issuing body and the
	// motto: a classic source of OCR noise.
	rule := func(cx, y, width int) {
		for yy := y; yy < y+3; yy++ {
			for x := cx - width/2; x < cx+width/2; x++ {
				img.Pix[yy*img.Stride+x] = 0
			}
		}
	}
	column := func(lines []string, x0, x1 int) (int, error) {
		y := top
		for k, l := range lines {
			fc, err := pick(l, false)
			if err != nil {
				return 0, err
			}
			dr := dst(fc)
			width := 0
			for _, part := range wrap(dr, strings.Fields(l), fixed.I(x1-x0-px(2))) {
				y += fc.Metrics().Ascent.Ceil()
				width = dr.MeasureString(part).Ceil()
				dr.Dot = fixed.P(x0+max(0, (x1-x0-width)/2), y)
				dr.DrawString(part)
				drawn = append(drawn, part)
				y += lineStep(fc) - fc.Metrics().Ascent.Ceil()
			}
			if strings.HasPrefix(l, "Độc lập") || k+1 < len(lines) && strings.HasPrefix(lines[k+1], "Số:") {
				rule((x0+x1)/2, y+2, min(width, (x1-x0)*2/5))
				y += lineStep(fc) / 3
			}
		}
		return y, nil
	}
	yl, err := column(d.Left, left, split)
	if err != nil {
		return nil, nil, err
	}
	yr, err := column(d.Right, split, w-right)
	if err != nil {
		return nil, nil, err
	}
	y := max(yl, yr, top)
	if len(d.Left)+len(d.Right) > 0 {
		y += px(6)
	}
	for _, l := range d.Centre {
		fc, err := pick(l, true)
		if err != nil {
			return nil, nil, err
		}
		dr := dst(fc)
		for _, part := range wrap(dr, strings.Fields(l), fixed.I(textW*80/100)) {
			y += fc.Metrics().Ascent.Ceil()
			width := dr.MeasureString(part).Ceil()
			dr.Dot = fixed.P(left+(textW-width)/2, y)
			dr.DrawString(part)
			drawn = append(drawn, part)
			y += lineStep(fc) - fc.Metrics().Ascent.Ceil()
		}
	}
	y += px(4)
	fc, err := face(regular, "regular", 13)
	if err != nil {
		return nil, nil, err
	}
	dr := dst(fc)
	for _, para := range d.Body {
		for _, part := range wrap(dr, strings.Fields(para), fixed.I(textW)) {
			if y+lineStep(fc) > h-bottom {
				return img, drawn, nil
			}
			y += fc.Metrics().Ascent.Ceil()
			dr.Dot = fixed.P(left, y)
			dr.DrawString(part)
			drawn = append(drawn, part)
			y += lineStep(fc) - fc.Metrics().Ascent.Ceil()
		}
	}
	return img, drawn, nil
}

func isDateLine(l string) bool {
	return strings.Contains(l, ", ngày ") && strings.Contains(l, " tháng ")
}

func upperLine(l string) bool {
	letters, upper := 0, 0
	for _, r := range l {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f {
			if strings.ToUpper(string(r)) != strings.ToLower(string(r)) {
				letters++
				if strings.ToUpper(string(r)) == string(r) {
					upper++
				}
			}
		}
	}
	return letters > 0 && upper*10 >= letters*8
}

// HeaderTruth is what a header parser should read from a decision page (the
// fields of kntc/ocr.Header, which this package does not import).
type HeaderTruth struct {
	Number, Date, Place, Issuer, Type, Subject string
	Kind                                       ingest.Kind
}

// HeaderCase is a generated decision page with the header it states.
type HeaderCase struct {
	Name     string
	Decision Decision
	Want     HeaderTruth
}

type issuerSpec struct {
	lines  []string // as printed, upper case
	symbol string   // issuer part of the number's symbol
	place  string   // where it sits
	leader string   // the signing authority's line
}

var issuers = []issuerSpec{
	{[]string{"ỦY BAN NHÂN DÂN", "TỈNH TÂY NINH"}, "UBND", "Tây Ninh", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH TÂY NINH"},
	{[]string{"ỦY BAN NHÂN DÂN", "HUYỆN GÒ DẦU"}, "UBND", "Gò Dầu", "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN GÒ DẦU"},
	{[]string{"ỦY BAN NHÂN DÂN TỈNH TÂY NINH", "THANH TRA TỈNH"}, "TTr", "Tây Ninh", "CHÁNH THANH TRA TỈNH TÂY NINH"},
	{[]string{"ỦY BAN NHÂN DÂN", "THỊ XÃ HÒA THÀNH"}, "UBND", "Hòa Thành", "CHỦ TỊCH ỦY BAN NHÂN DÂN THỊ XÃ HÒA THÀNH"},
	{[]string{"ỦY BAN NHÂN DÂN TỈNH TÂY NINH", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"}, "STNMT", "Tây Ninh", "GIÁM ĐỐC SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"},
	{[]string{"ỦY BAN NHÂN DÂN", "HUYỆN CHÂU THÀNH"}, "UBND", "Châu Thành", "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH"},
	{[]string{"ỦY BAN NHÂN DÂN", "THÀNH PHỐ TÂY NINH"}, "UBND", "Tây Ninh", "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ TÂY NINH"},
	{[]string{"ỦY BAN NHÂN DÂN", "HUYỆN TRẢNG BÀNG"}, "UBND", "Trảng Bàng", "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN TRẢNG BÀNG"},
}

var people = []string{"ông Trần Văn Bảy", "bà Nguyễn Thị Hoà", "ông Lê Văn Tám", "bà Phạm Thị Thuý",
	"ông Võ Minh Khoa", "bà Đặng Thị Ngọc Hân", "ông Huỳnh Văn Lợi", "bà Trương Thị Mỹ Dung"}

var addresses = []string{"ấp Long Hải, xã Trường Tây", "khu phố 3, phường Long Thành Trung",
	"ấp Cây Xoài, xã Thanh Phước", "ấp Bến Kéo, xã Long Thành Nam", "khu phố Ninh Trung, phường Ninh Sơn"}

// docType is one kind of document: its type line, type code, how its subject
// reads, its first body line, and the kind it is.
type docType struct {
	typeLine, code string
	subject        func(person, addr string) string
	about          bool // the subject starts with "Về việc"
	body           string
	kind           ingest.Kind
	signed         bool // an authority line under the subject
}

var docTypes = []docType{
	{"QUYẾT ĐỊNH", "QĐ", func(p, a string) string {
		return "thụ lý giải quyết khiếu nại lần đầu của " + p + ", " + a
	}, true,
		"Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011;", "quyet_dinh_thu_ly", true},
	{"QUYẾT ĐỊNH", "QĐ", func(p, a string) string { return "giao nhiệm vụ xác minh nội dung khiếu nại của " + p }, true,
		"Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011;", "quyet_dinh_giao_xac_minh", true},
	{"QUYẾT ĐỊNH", "QĐ", func(p, a string) string { return "giải quyết khiếu nại của " + p + " (lần đầu)" }, true,
		"Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011;", "quyet_dinh_giai_quyet_khieu_nai", true},
	{"THÔNG BÁO", "TB", func(p, a string) string { return "thụ lý tố cáo của " + p }, true,
		"Kính gửi: " + "Thanh tra tỉnh Tây Ninh", "thong_bao_thu_ly_to_cao", false},
	{"KẾT LUẬN", "KL", func(p, a string) string { return "Nội dung tố cáo đối với " + p }, false,
		"Thực hiện Quyết định số 15/QĐ-UBND về việc xác minh nội dung tố cáo;", "ket_luan_noi_dung_to_cao", false},
	{"BIÊN BẢN", "BB", func(p, a string) string { return "Đối thoại giải quyết khiếu nại của " + p }, false,
		"Hôm nay, vào lúc 8 giờ 30 phút, tại trụ sở Ban Tiếp công dân, chúng tôi gồm:", "bien_ban_doi_thoai", false},
	{"BÁO CÁO", "BC", func(p, a string) string { return "Kết quả xác minh nội dung khiếu nại của " + p }, false,
		"Thực hiện Quyết định số 27/QĐ-UBND về việc giao nhiệm vụ xác minh nội dung khiếu nại;", "bao_cao_ket_qua_xac_minh", false},
	{"", "", func(p, a string) string { return "trả lời đơn của " + p + ", " + a }, false,
		"Kính gửi: " + "Ủy ban nhân dân tỉnh Tây Ninh", "cong_van", false},
}

// bodyText is the rest of a page under the header: sentences written for the
// tests.
var bodyText = []string{
	"Xét đơn khiếu nại đề ngày 20 tháng 01 năm 2026 về việc thu hồi đất, bồi thường và hỗ trợ tái định cư tại địa phương.",
	"Xét đề nghị của Chánh Thanh tra tại Tờ trình về việc thụ lý giải quyết khiếu nại, sau khi kiểm tra các điều kiện thụ lý theo quy định.",
	"Người khiếu nại có trách nhiệm cung cấp thông tin, tài liệu, chứng cứ liên quan đến nội dung khiếu nại cho người có trách nhiệm xác minh.",
}

// GeneratedHeaders returns n decision pages (the same n and seed give the same
// pages) that vary the issuing body, the document type (decisions of three kinds,
// notices, conclusions, minutes, reports, official letters), the number with and
// without year, the date with and without leading zeros, the person and place in
// the subject, and the header each states.
func GeneratedHeaders(n int, seed int64) []HeaderCase {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x68656164)) // "head"
	out := make([]HeaderCase, 0, n)
	for i := range n {
		is := issuers[rng.IntN(len(issuers))]
		dt := docTypes[i%len(docTypes)]
		person := people[rng.IntN(len(people))]
		addr := addresses[rng.IntN(len(addresses))]
		year := 2015 + rng.IntN(12)
		month := 1 + rng.IntN(12)
		day := 1 + rng.IntN(28)
		num := 1 + rng.IntN(999)
		var number string
		switch {
		case dt.code == "": // a công văn: number/issuer-unit, no type code
			number = fmt.Sprintf("%d/%s-TCD", num, is.symbol)
		case rng.IntN(3) == 0:
			number = fmt.Sprintf("%d/%d/%s-%s", num, year, dt.code, is.symbol)
		default:
			number = fmt.Sprintf("%d/%s-%s", num, dt.code, is.symbol)
		}
		dd, mm := fmt.Sprint(day), fmt.Sprint(month)
		if rng.IntN(2) == 0 {
			dd, mm = fmt.Sprintf("%02d", day), fmt.Sprintf("%02d", month)
		}
		subject := dt.subject(person, addr)
		d := Decision{
			Left:  append(append([]string{}, is.lines...), "Số: "+number),
			Right: []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", fmt.Sprintf("%s, ngày %s tháng %s năm %d", is.place, dd, mm, year)},
		}
		typ := dt.typeLine
		if dt.code == "" {
			d.Left = append(d.Left, "V/v "+subject)
			typ = "CÔNG VĂN"
		} else {
			line := subject
			if dt.about {
				line = "Về việc " + subject
			}
			d.Centre = []string{dt.typeLine, line}
			if dt.signed {
				d.Centre = append(d.Centre, is.leader)
			}
		}
		d.Body = append([]string{dt.body}, bodyText[rng.IntN(len(bodyText))], bodyText[rng.IntN(len(bodyText))])
		out = append(out, HeaderCase{
			Name:     fmt.Sprintf("header-%02d", i+1),
			Decision: d,
			Want: HeaderTruth{
				Number: number, Date: fmt.Sprintf("%04d-%02d-%02d", year, month, day), Place: is.place,
				Issuer: strings.Join(is.lines, " "), Type: typ, Subject: subject, Kind: dt.kind,
			},
		})
	}
	return out
}

// SampleDecision lays out the opening of a sample text (one of KNTC_SAMPLES_DIR,
// whose header is written one field a line) as a decision page: the lines above
// the motto and the number on the left, the motto and the date on the right, the
// type, subject and authority centred, and the first paragraphs of the body. ok is
// false when the text has no type line among its first lines (no header).
func SampleDecision(text string, bodyParas int) (d Decision, ok bool) {
	var lines []string
	for l := range strings.SplitSeq(viet.NFC(text), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	i := 0
	motto := -1
	for k, l := range lines[:min(len(lines), 8)] {
		if strings.HasPrefix(strings.ToUpper(l), "CỘNG HÒA XÃ HỘI") {
			motto = k
			break
		}
	}
	if motto >= 0 {
		d.Left = append(d.Left, lines[:motto]...)
		d.Right = append(d.Right, lines[motto])
		i = motto + 1
		if i < len(lines) && strings.HasPrefix(lines[i], "Độc lập") {
			d.Right = append(d.Right, lines[i])
			i++
		}
		for i < len(lines) {
			switch l := lines[i]; {
			case strings.HasPrefix(l, "Số:"):
				d.Left = append(d.Left, l)
			case strings.Contains(l, "ngày") && strings.Contains(l, "năm") && len(d.Centre) == 0 && len(l) < 80:
				d.Right = append(d.Right, l)
			default:
				goto centre
			}
			i++
		}
	}
centre:
	for ; i < len(lines) && len(d.Centre) < 8; i++ {
		l := lines[i]
		if isBodyStart(l) {
			break
		}
		d.Centre = append(d.Centre, l)
	}
	if len(d.Centre) == 0 || !upperLine(d.Centre[0]) {
		return Decision{}, false
	}
	for ; i < len(lines) && len(d.Body) < bodyParas; i++ {
		d.Body = append(d.Body, lines[i])
	}
	return d, true
}

func isBodyStart(l string) bool {
	for _, p := range []string{"Căn cứ", "Kính gửi", "Hôm nay", "Thực hiện", "Theo đề nghị", "Xét ", "Điều ", "Chương "} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}
