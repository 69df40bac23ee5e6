package ocr

import (
	"slices"
	"strings"
	"sync"

	"kntc/internal/viet"
)

// issuerPhrases are the names issuing bodies are made of (Nghị định 30/2020, Phụ
// lục I: the body and the body it belongs to), in capitals. Tesseract often loses
// the small marks of bold capitals — SỞ read SƠ, TỈNH read TINH, MÔI TRƯỜNG read MOI
// TRƯƠNG — and the issuer is a facet value, so a run of issuer words that folds to
// one of these phrases is spelled as the phrase. Whole phrases, not words, because
// the words alone fold like place names do (ĐẦU of ĐẦU TƯ and DẦU of Gò Dầu,
// TRƯỜNG of MÔI TRƯỜNG and of Trường Đông); place names themselves are not here:
// their marks cannot be told from their letters.
var issuerPhrases = []string{
	"ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "VIỆN KIỂM SÁT NHÂN DÂN", "TÒA ÁN NHÂN DÂN",
	"TÀI NGUYÊN VÀ MÔI TRƯỜNG", "KẾ HOẠCH VÀ ĐẦU TƯ", "GIAO THÔNG VẬN TẢI",
	"GIÁO DỤC VÀ ĐÀO TẠO", "KHOA HỌC VÀ CÔNG NGHỆ", "NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN",
	"LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "THỦ TƯỚNG CHÍNH PHỦ", "CHÍNH PHỦ",
	"BAN TIẾP CÔNG DÂN", "THANH TRA", "TƯ PHÁP", "NỘI VỤ", "TÀI CHÍNH", "XÂY DỰNG",
	"CÔNG AN", "VĂN PHÒNG", "Y TẾ", "THÀNH PHỐ", "THỊ XÃ", "THỊ TRẤN",
	"SỞ", "TỈNH", "HUYỆN", "QUẬN", "XÃ", "PHƯỜNG", "BỘ", "CỤC",
}

type phrase struct {
	text  string
	words []string // folded
}

var (
	phrasesOnce sync.Once
	phrases     []phrase // longest first
)

// fixIssuer respells the runs of capitals in an issuer that fold to an issuer
// phrase but are spelled otherwise (beyond the placement of a tone mark, which is
// the document's to choose: UỶ BAN stays).
func fixIssuer(s string) string {
	phrasesOnce.Do(func() {
		for _, p := range issuerPhrases {
			phrases = append(phrases, phrase{p, strings.Fields(viet.Fold(p))})
		}
		slices.SortStableFunc(phrases, func(a, b phrase) int { return len(b.words) - len(a.words) })
	})
	words := strings.Fields(s)
	folded := make([]string, len(words))
	for i, w := range words {
		folded[i] = strings.ToUpper(viet.Fold(w))
	}
	changed := false
	for i := 0; i < len(words); {
		n := 0
		for _, p := range phrases {
			if i+len(p.words) > len(words) || !slices.Equal(folded[i:i+len(p.words)], p.words) {
				continue
			}
			span := strings.Join(words[i:i+len(p.words)], " ")
			if strings.ToUpper(span) != span {
				break // not the capitals of an issuer line
			}
			if viet.CanonicalTones(span) != viet.CanonicalTones(p.text) {
				words = slices.Replace(words, i, i+len(p.words), strings.Fields(p.text)...)
				changed = true
			}
			n = len(p.words)
			break
		}
		i += max(n, 1)
	}
	if !changed {
		return s
	}
	return strings.Join(words, " ")
}
