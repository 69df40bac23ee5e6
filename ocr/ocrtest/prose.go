package ocrtest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// proseSentences are sentences of the kind a complaint file is full of, written for
// the tests (none is taken from a published text). A {X} is filled in each time it
// is used: {P} a person, {A} an address, {D} a date, {U} a receiving body, {Q} a
// district, {N} a number, {Y} a year, {K} a small count.
var proseSentences = []string{
	"Ngày {D}, {U} nhận được đơn của {P}, trú tại {A}, phản ánh việc xây dựng nhà ở trên phần đất đang có tranh chấp.",
	"Theo nội dung đơn, gia đình người khiếu nại đã sử dụng ổn định thửa đất số {N}, tờ bản đồ số {K} từ năm {Y} và nộp thuế đầy đủ.",
	"Người khiếu nại cho rằng việc thu hồi đất không đúng quy định, giá bồi thường thấp hơn giá thị trường và chưa được hỗ trợ chuyển đổi nghề.",
	"Tổ xác minh đã làm việc với {P}, với cán bộ địa chính xã và với các hộ liền kề để thu thập thông tin, tài liệu có liên quan.",
	"Qua kiểm tra hồ sơ lưu trữ, diện tích đất thực tế là {N} mét vuông, lớn hơn diện tích ghi trong giấy chứng nhận quyền sử dụng đất.",
	"Buổi đối thoại được tổ chức vào lúc {K} giờ ngày {D} tại trụ sở {U}, có đại diện Mặt trận Tổ quốc và Hội Nông dân tham dự.",
	"Tại buổi làm việc, người tố cáo cung cấp thêm một số chứng từ thu chi và đề nghị giữ kín thông tin cá nhân của mình.",
	"Cơ quan có thẩm quyền phải thông báo bằng văn bản cho người khiếu nại biết lý do không thụ lý trong thời hạn luật định.",
	"Kết quả xác minh cho thấy nội dung khiếu nại là đúng một phần; Ủy ban nhân dân xã chưa niêm yết công khai phương án bồi thường.",
	"Đề nghị Phòng Tài nguyên và Môi trường rà soát lại hồ sơ, đo đạc lại ranh giới thửa đất và báo cáo kết quả trước ngày {D}.",
	"Chủ tịch Ủy ban nhân dân {Q} giao Thanh tra huyện chủ trì, phối hợp với các phòng chuyên môn kiểm tra, xác minh nội dung đơn.",
	"Các bên thống nhất giữ nguyên hiện trạng sử dụng đất cho đến khi có quyết định giải quyết của cơ quan nhà nước có thẩm quyền.",
	"Trong quá trình giải quyết, người khiếu nại có quyền rút đơn bằng văn bản có chữ ký hoặc điểm chỉ của mình.",
	"Hồ sơ vụ việc gồm đơn khiếu nại, biên bản làm việc, báo cáo kết quả xác minh, biên bản đối thoại và quyết định giải quyết.",
	"Theo sổ mục kê năm {Y}, thửa đất đứng tên {P}, mục đích sử dụng là đất trồng cây lâu năm.",
	"Chánh Thanh tra tỉnh, Giám đốc các sở, ngành liên quan và Chủ tịch Ủy ban nhân dân {Q} chịu trách nhiệm thi hành quyết định này.",
	"Quyết định có hiệu lực kể từ ngày ký; nếu không đồng ý, người khiếu nại có quyền khiếu nại lần hai hoặc khởi kiện vụ án hành chính tại Tòa án.",
	"Người bị tố cáo đã có văn bản giải trình, thừa nhận việc chậm trễ trong cấp giấy chứng nhận nhưng không có động cơ vụ lợi.",
	"Căn cứ kết quả xác minh, đoàn thanh tra kiến nghị xử lý trách nhiệm đối với cán bộ, công chức có liên quan theo quy định.",
	"Mọi thắc mắc xin liên hệ Ban Tiếp công dân tỉnh trong giờ hành chính của các ngày làm việc trong tuần.",
	"Đoàn xác minh gồm {K} thành viên, do một Phó Chánh Thanh tra làm trưởng đoàn, làm việc tại địa phương trong {K} ngày.",
	"Sau khi nghe giải thích, {P} vẫn giữ nguyên ý kiến và đề nghị cơ quan có thẩm quyền xem xét lại toàn bộ vụ việc.",
	"Kinh phí bồi thường, hỗ trợ được chi trả một lần bằng tiền mặt, tổng số tiền là {N} triệu đồng.",
	"Việc cưỡng chế thu hồi đất được thực hiện đúng trình tự, có sự chứng kiến của chính quyền địa phương và người dân.",
	"Biên bản được lập thành bốn bản có giá trị như nhau, đã đọc lại cho mọi người cùng nghe và thống nhất ký tên.",
	"Đơn không ghi rõ họ tên, địa chỉ hoặc đã được giải quyết đúng quy định thì được lưu lại và không thụ lý.",
	"Thủ trưởng cơ quan quản lý trực tiếp có trách nhiệm theo dõi, đôn đốc việc thực hiện kết luận và báo cáo kết quả.",
	"Từ năm {Y}, tại {A} xuất hiện nhiều điểm ngập úng do công trình thoát nước thi công kéo dài.",
	"Người dân phản ánh xe tải chở vật liệu xây dựng chạy quá tốc độ, gây bụi và hư hỏng mặt đường liên xã.",
	"Ủy ban nhân dân {Q} đã tổ chức họp dân, lấy ý kiến về phương án bồi thường và công khai kết quả tại nhà văn hóa ấp.",
}

var receivers = []string{"Thanh tra tỉnh Tây Ninh", "Ban Tiếp công dân tỉnh", "Ủy ban nhân dân huyện Gò Dầu",
	"Sở Tài nguyên và Môi trường", "Ủy ban nhân dân thị xã Hòa Thành", "Thanh tra huyện Châu Thành"}

var districts = []string{"huyện Gò Dầu", "thị xã Hòa Thành", "huyện Châu Thành", "thành phố Tây Ninh",
	"huyện Trảng Bàng", "huyện Tân Biên", "huyện Dương Minh Châu"}

// GeneratedText returns about words words of Vietnamese administrative prose, one
// paragraph a line, of the sentences written for the tests with their people,
// places, dates and numbers drawn from seed: the same seed gives the same text, and
// different seeds give the sentences in a different order. A page of it reads like
// a complaint file; it stands in for the sample texts wherever a test needs a page
// of Vietnamese rather than a particular published text.
func GeneratedText(seed int64, words int) string {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x70726f7365)) // "prose"
	order := rng.Perm(len(proseSentences))
	fill := func(s string) string {
		var b strings.Builder
		for {
			i := strings.IndexByte(s, '{')
			if i < 0 || i+2 >= len(s) || s[i+2] != '}' {
				b.WriteString(s)
				return b.String()
			}
			b.WriteString(s[:i])
			switch s[i+1] {
			case 'P':
				b.WriteString(people[rng.IntN(len(people))])
			case 'A':
				b.WriteString(addresses[rng.IntN(len(addresses))])
			case 'D':
				fmt.Fprintf(&b, "%d tháng %d năm %d", 1+rng.IntN(28), 1+rng.IntN(12), 2015+rng.IntN(12))
			case 'U':
				b.WriteString(receivers[rng.IntN(len(receivers))])
			case 'Q':
				b.WriteString(districts[rng.IntN(len(districts))])
			case 'N':
				fmt.Fprint(&b, 100+rng.IntN(900))
			case 'Y':
				fmt.Fprint(&b, 1990+rng.IntN(30))
			case 'K':
				fmt.Fprint(&b, 2+rng.IntN(9))
			default:
				b.WriteString(s[i : i+3])
			}
			s = s[i+3:]
		}
	}
	var out strings.Builder
	n, next := 0, 0
	for n < words {
		var para []string
		for range 2 + rng.IntN(3) {
			para = append(para, strings.Fields(fill(proseSentences[order[next%len(order)]]))...)
			next++
		}
		para = para[:min(len(para), words-n)]
		n += len(para)
		out.WriteString(strings.Join(para, " ") + "\n")
	}
	return out.String()
}
