package ocr

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"kntc/ingest"
	"kntc/internal/viet"
)

// Tesseract reads bold print with the right letters and vowel marks but, now and
// then, the wrong tone: "Công an nhần dần" for "nhân dân", "ĐƠN TỔ CÁO" for "TỐ
// CÁO" in a decision's bold subject line. The words it makes are Vietnamese
// syllables, so a syllable table cannot see the error; the phrase can. adminPhrases
// are two-syllable phrases of administrative and complaint-handling documents,
// written here by hand (not learnt from any test text), each the only common phrase
// with its letters and vowel marks.
var adminPhrases = []string{
	"nhân dân", "tố cáo", "khiếu nại", "quyết định", "giải quyết", "ủy ban", "thanh tra", "xác minh",
	"kiến nghị", "phản ánh", "công dân", "tiếp công", "thụ lý", "đối thoại", "kết luận", "biên bản",
	"thông báo", "báo cáo", "công văn", "chủ tịch", "cộng hòa", "xã hội", "chủ nghĩa", "việt nam",
	"độc lập", "tự do", "hạnh phúc", "chính phủ", "nghị định", "thông tư", "pháp luật", "quy định",
	"căn cứ", "hành chính", "cơ quan", "tổ chức", "cá nhân", "hội đồng", "đất đai", "bồi thường",
	"hỗ trợ", "định cư", "thu hồi", "chứng nhận", "quyền sử", "sử dụng", "trách nhiệm",
	"thẩm quyền", "lần đầu", "lần hai", "nội dung", "thời hạn", "gia hạn", "xử lý",
	"vi phạm", "kỷ luật", "cán bộ", "công chức", "viên chức", "văn bản", "quy phạm", "hướng dẫn",
	"chuyển đơn", "tiếp dân", "trụ sở", "công an", "kiểm sát", "tòa án", "bộ trưởng",
	"thủ tướng", "giám đốc", "tài nguyên", "môi trường", "xây dựng", "nông nghiệp", "phát triển",
	"giao thông", "khoa học", "công nghệ", "kế hoạch", "đầu tư", "lao động", "thương binh",
	"y tế", "giáo dục", "đào tạo", "nội vụ", "ban hành", "hiệu lực", "thi hành", "nơi nhận",
	"người khiếu", "người tố", "bị tố", "bị khiếu", "đại diện", "ủy quyền", "tranh chấp", "thẩm tra",
	"đề nghị", "yêu cầu", "trả lời", "hồ sơ", "vụ việc", "tài liệu", "chứng cứ", "danh tính",
	"lợi ích", "hợp pháp", "quyền lợi", "nhà nước", "địa phương", "cấp tỉnh", "cấp huyện",
	"cấp xã", "thị xã", "thị trấn", "thành phố", "quận huyện", "phường xã", "điều chỉnh", "sửa đổi",
	"bổ sung", "thay thế", "bãi bỏ", "tổng hợp", "thống kê", "định kỳ", "đột xuất", "hằng năm",
	"kiểm tra", "giám sát", "phối hợp", "thực hiện", "chấp hành", "tổng cục", "cục trưởng", "chánh thanh",
	"nhân viên", "xác định",
}

// Phrases left out of the list because another common phrase has the same
// letters, tones aside (the correction could not tell which was meant): "bảo vệ"
// and "báo về", "bí mật" and "bị mất", "đơn thư" and "đơn thứ (hai)", "tài chính"
// and "tại chính (quyền)", "tư pháp" and "từ pháp (nhân)", "tái định" and "tại
// Định (Quán)", "đình chỉ" and "(xác) định chỉ".

// variantSpellings are other right spellings of phrases of the list, left as the
// document has them.
var variantSpellings = []string{"phản ảnh"}

// phraseByKey maps a phrase's letters without tones (lower case) to the phrase; keys
// two phrases share are left out, since the letters do not tell which one is meant.
var phraseByKey = func() map[string]string {
	m := map[string]string{}
	ambiguous := map[string]bool{}
	for _, p := range adminPhrases {
		p = viet.NFC(p)
		k := withoutTones(p)
		if q, ok := m[k]; ok && q != p {
			ambiguous[k] = true
		}
		m[k] = p
	}
	for k := range ambiguous {
		delete(m, k)
	}
	return m
}()

// withoutTones returns s in lower case without its tone marks, keeping the vowel
// marks (ă â ê ô ơ ư) and đ: "Nhần" → "nhân".
func withoutTones(s string) string { return viet.WithoutTones(strings.ToLower(s)) }

// FixPhraseTones corrects the tones of two consecutive words (in reading order)
// that, tones aside, spell one of the phrases above, and that are not that phrase
// already (in either tone placement): "nhần dần" → "nhân dân", "TỔ CÁO" → "TỐ
// CÁO". Words without any mark are left alone: text written without diacritics
// ("Bao cao", "thu ly") means it, and OCR does not drop every mark of two words
// at once. A word that makes a right phrase with its other neighbour is left alone
// ("cả nhân dân" is not "cá nhân dân"), and so are words a full stop, colon or
// semicolon separates. Letter case and the punctuation around each word are kept;
// words with anything but letters inside them are left alone. The words are
// changed in place and returned.
func FixPhraseTones(words []ingest.Word) []ingest.Word {
	// pair returns the letters of words j and j+1 and whether they may form a
	// phrase: both all letters, nothing but a comma or nothing between them.
	pair := func(j int) (string, bool) {
		if j < 0 || j+1 >= len(words) {
			return "", false
		}
		_, a, aPost := letterCore(words[j].Text)
		bPre, b, _ := letterCore(words[j+1].Text)
		if a == "" || b == "" || (aPost != "" && aPost != ",") || bPre != "" {
			return "", false
		}
		return a + " " + b, true
	}
	// right reports whether words j and j+1 are a phrase of the list as they are.
	right := func(j int) bool {
		p, ok := pair(j)
		if !ok {
			return false
		}
		phrase, ok := phraseByKey[withoutTones(p)]
		if !ok {
			return false
		}
		lower := viet.CanonicalTones(strings.ToLower(p))
		return lower == viet.CanonicalTones(phrase) || slices.Contains(variantSpellings, lower)
	}
	for i := 0; i+1 < len(words); i++ {
		ocrPair, ok := pair(i)
		if !ok {
			continue
		}
		phrase, ok := phraseByKey[withoutTones(ocrPair)]
		if !ok || right(i) || right(i-1) || right(i+1) {
			continue
		}
		if a, b, _ := strings.Cut(ocrPair, " "); ascii(a) || ascii(b) {
			continue // a word without any mark is written so on purpose ("Bao cao")
		}
		aPre, aCore, aPost := letterCore(words[i].Text)
		bPre, bCore, bPost := letterCore(words[i+1].Text)
		pa, pb, _ := strings.Cut(phrase, " ")
		words[i].Text = aPre + withCase(pa, aCore) + aPost
		words[i+1].Text = bPre + withCase(pb, bCore) + bPost
		i++ // the second word is settled
	}
	return words
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// letterCore splits a word into leading punctuation, the letters, and trailing
// punctuation; core is empty when something other than letters is inside.
func letterCore(w string) (pre, core, post string) {
	start := strings.IndexFunc(w, unicode.IsLetter)
	if start < 0 {
		return w, "", ""
	}
	end := strings.LastIndexFunc(w, unicode.IsLetter)
	_, size := utf8.DecodeRuneInString(w[end:])
	end += size
	core = viet.NFC(w[start:end])
	for _, r := range core {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			return w, "", ""
		}
	}
	return w[:start], core, w[end:]
}

// withCase writes syllable (lower case, NFC) in the letter case of like, letter by
// letter; both have the same letters, tones aside.
func withCase(syllable, like string) string {
	lr := []rune(like)
	sr := []rune(syllable)
	if len(lr) != len(sr) {
		return like
	}
	for i, r := range lr {
		if unicode.IsUpper(r) {
			sr[i] = unicode.ToUpper(sr[i])
		}
	}
	return string(sr)
}
