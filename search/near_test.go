package search_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"kntc/internal/viet"
	"kntc/search"
)

// nearPhrases are administrative phrases of two and three syllables as people type
// them without diacritics, their written form, and a near miss: the same letters
// with another tone or mark on one syllable (đóng for đông), which folds to the
// same words.
var nearPhrases = []struct{ typed, exact, miss string }{
	{"dong nguoi", "đông người", "đóng người"},
	{"to cao", "tố cáo", "tổ cao"},
	{"khieu nai", "khiếu nại", "khiêu nài"},
	{"quyet dinh giai quyet", "quyết định giải quyết", "quyết định giãi quyết"},
	{"bao hiem xa hoi", "bảo hiểm xã hội", "bảo hiểm xa hơi"},
	{"giai quyet", "giải quyết", "giãi quyệt"},
	{"quyet dinh", "quyết định", "quyết đinh"},
	{"thu hoi dat", "thu hồi đất", "thu hơi đạt"},
	{"boi thuong", "bồi thường", "bới thương"},
	{"tiep cong dan", "tiếp công dân", "tiếp cổng dận"},
	{"xac minh", "xác minh", "xạc mình"},
	{"don thu", "đơn thư", "đón thu"},
	{"co quan", "cơ quan", "có quán"},
	{"nguoi dan", "người dân", "ngưới dẫn"},
	{"ho gia dinh", "hộ gia đình", "hồ giá đình"},
	{"quyen su dung dat", "quyền sử dụng đất", "quyền sự dụng đất"},
	{"giay chung nhan", "giấy chứng nhận", "giày chúng nhân"},
	{"dat nong nghiep", "đất nông nghiệp", "đát nóng nghiệp"},
	{"tai dinh cu", "tái định cư", "tải định cữ"},
	{"ho tro", "hỗ trợ", "hồ trò"},
	{"doi thoai", "đối thoại", "đồi thoái"},
	{"thanh tra", "thanh tra", "thành trà"},
	{"ket luan", "kết luận", "kệt luân"},
	{"uy ban nhan dan", "ủy ban nhân dân", "ủy bàn nhãn dân"},
	{"chu tich", "chủ tịch", "chú tích"},
	{"thoi hieu", "thời hiệu", "thơi hiếu"},
	{"thu ly", "thụ lý", "thư ly"},
	{"noi dung", "nội dung", "nói dùng"},
	{"tra loi", "trả lời", "trà lội"},
	{"vi pham", "vi phạm", "ví phám"},
	{"can bo", "cán bộ", "căn bò"},
	{"cong chuc", "công chức", "cổng chúc"},
	{"hanh chinh", "hành chính", "hạnh chinh"},
	{"che do chinh sach", "chế độ chính sách", "chè độ chính sách"},
	{"luong huu", "lương hưu", "lường hữu"},
	{"tro cap", "trợ cấp", "trò cáp"},
	{"ban an", "bản án", "bán ăn"},
	{"tranh chap dat dai", "tranh chấp đất đai", "tranh chấp đất đãi"},
	{"hoa giai", "hòa giải", "họa giai"},
	{"lan chiem", "lấn chiếm", "lận chiêm"},
}

// nearFiller is the vocabulary of the text around the phrases; nearIndex drops the
// syllables any phrase folds to.
var nearFiller = strings.Fields("mùa xuân biển sóng cây lúa chim bay trời mây gió núi rừng sông " +
	"bờ cát đá hoa lá cành vườn ruộng mương cầu chợ phố làng xóm trường lớp sách vở bút mực " +
	"bàn ghế cửa sổ mái nhà bếp lửa khói sương mưa nắng trăng sao đêm ngày sáng chiều tối " +
	"xanh đỏ vàng trắng đen tím hồng nâu cao thấp dài ngắn rộng hẹp nhanh chậm mới cũ " +
	"ăn uống ngủ thức đi đứng ngồi chạy nhảy hát múa cười khóc nói nghe nhìn thấy biết")

// nearDoc is one synthetic page of the relevance test.
type nearDoc struct{ id, text string }

// nearIndex builds, for every phrase, pages where it stands together (once in a
// long page, twice, at the start of a short one), pages where its syllables stand
// apart (in order, repeated, in a short page; reversed; the near miss apart) and a
// page with the near miss together, in filler text free of every phrase syllable.
func nearIndex(t *testing.T) (*search.Index, []nearDoc) {
	t.Helper()
	banned := map[string]bool{}
	for _, p := range nearPhrases {
		if viet.Fold(p.exact) != p.typed || viet.Fold(p.miss) != p.typed || p.miss == p.exact {
			t.Fatalf("bad phrase %+v: exact and miss must fold to typed and differ", p)
		}
		for _, w := range strings.Fields(p.typed) {
			banned[w] = true
		}
	}
	var vocab []string
	for _, w := range nearFiller {
		if !banned[viet.Fold(w)] {
			vocab = append(vocab, w)
		}
	}
	rnd := rand.New(rand.NewPCG(17, 1))
	filler := func(n int) []string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = vocab[rnd.IntN(len(vocab))]
		}
		return ws
	}
	// insertAt puts the words of s into ws at position i.
	insertAt := func(ws []string, i int, s string) []string {
		return slices.Insert(ws, min(i, len(ws)), strings.Fields(s)...)
	}
	// apart puts each syllable of s into a filler of n words, each times times,
	// the occurrences spread so that no two syllables of s are adjacent.
	apart := func(s string, n, times int) string {
		syl := strings.Fields(s)
		var ws []string
		for range times {
			for _, x := range syl {
				ws = append(ws, filler(2+rnd.IntN(3))...)
				ws = append(ws, x)
			}
		}
		return strings.Join(append(ws, filler(n)...), " ")
	}
	reversed := func(s string) string {
		syl := strings.Fields(s)
		slices.Reverse(syl)
		return strings.Join(syl, " ")
	}
	var docs []nearDoc
	for i, p := range nearPhrases {
		add := func(kind, text string) {
			docs = append(docs, nearDoc{fmt.Sprintf("p%02d-%s", i, kind), text})
		}
		add("together-long", strings.Join(insertAt(filler(150), rnd.IntN(150), p.exact), " "))
		add("together-twice", strings.Join(insertAt(insertAt(filler(100), 70, p.exact), 20, p.exact), " "))
		add("together-start", strings.Join(insertAt(filler(60), 0, strings.ToUpper(p.exact)), " ")+".")
		add("apart-short", apart(p.exact, 30, 3))
		add("apart-reversed", strings.Join(insertAt(filler(40), 10, reversed(p.exact)+" và "+reversed(p.exact)), " "))
		add("miss-apart", apart(p.miss, 30, 3))
		add("miss-together", strings.Join(insertAt(filler(80), 30, p.miss), " "))
	}
	var es []search.Entry
	for _, d := range docs {
		es = append(es, entry(d.id, "HT", "KN-2024-001", "khac", "", "2024-01-01", d.text))
	}
	ix := mustOpenMem(t)
	if err := ix.PutBatch(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	return ix, docs
}

// adjacent reports whether the words of phrase stand together, in order, in the
// words of text.
func adjacent(text, phrase string) bool {
	return strings.Contains(" "+strings.Join(strings.Fields(text), " ")+" ", " "+phrase+" ")
}

// TestUnaccentedPhrases checks, for 40 administrative phrases, that a query typed
// without diacritics ranks every page where its words stand together, in order,
// above every page where they stand apart (repeated, reversed, near misses), and
// that typed with diacritics the exact words still come first: pages with the
// exact phrase, then the exact words apart, then the folded matches, together
// before apart.
func TestUnaccentedPhrases(t *testing.T) {
	ix, docs := nearIndex(t)
	text := map[string]string{}
	for _, d := range docs {
		text[d.id] = strings.ToLower(d.text)
	}
	for _, p := range nearPhrases {
		t.Run(p.typed, func(t *testing.T) {
			// Without diacritics: together (the exact phrase or the near miss) first.
			res := mustSearch(t, ix, admin(p.typed))
			rank := func(id string) int {
				if adjacent(viet.Fold(text[id]), p.typed) {
					return 0
				}
				return 1
			}
			checkRanks(t, p.typed, res, rank, map[int]int{0: 4, 1: 3})

			if p.exact == p.typed {
				return // written without marks: the query above was the only one
			}
			// With diacritics: exact words first, then the rest; together first in each.
			res = mustSearch(t, ix, admin(p.exact))
			rank = func(id string) int {
				r := 0
				for _, w := range strings.Fields(p.exact) {
					if !slices.Contains(strings.Fields(text[id]), w) {
						r = 2
					}
				}
				if !adjacent(viet.Fold(text[id]), p.typed) {
					r++
				}
				return r
			}
			checkRanks(t, p.exact, res, rank, map[int]int{0: 3, 1: 2, 2: 1, 3: 1})
			if first := res.Hits[0].DocumentID; !adjacent(text[first], p.exact) {
				t.Errorf("%q: first hit %s does not hold the exact phrase", p.exact, first)
			}
		})
	}
}

// checkRanks fails unless the hits of res come in non-decreasing rank and at least
// atLeast[r] hits have rank r.
func checkRanks(t *testing.T, query string, res search.Result, rank func(id string) int, atLeast map[int]int) {
	t.Helper()
	count := map[int]int{}
	prev := 0
	var got []string
	for _, h := range res.Hits {
		r := rank(h.DocumentID)
		count[r]++
		got = append(got, fmt.Sprintf("%s(%d %.3f)", h.DocumentID, r, h.Score))
		if r < prev {
			t.Errorf("%q: %s of rank %d comes after a hit of rank %d", query, h.DocumentID, r, prev)
		}
		prev = max(prev, r)
	}
	for r, n := range atLeast {
		if count[r] < n {
			t.Errorf("%q: %d hits of rank %d, want at least %d", query, count[r], r, n)
		}
	}
	if t.Failed() {
		t.Logf("%q: %s", query, strings.Join(got, " "))
	}
}

// TestCrowdComplaint is the case the issue measured: "dong nguoi" typed for "đông
// người" among many pages holding "đóng" and "người" apart, several times and on
// shorter pages. The eight copies of the page saying "đoàn đông người" come first.
func TestCrowdComplaint(t *testing.T) {
	ix := mustOpenMem(t)
	var es []search.Entry
	for i := range 8 {
		es = append(es, entry(fmt.Sprintf("crowd-%d", i), "HT", "KN-2024-001", "bao_cao", "", "2024-01-01",
			"Báo cáo về việc tiếp đoàn đông người đến trụ sở Uỷ ban nhân dân tỉnh khiếu nại việc thu hồi đất, "+
				"bồi thường và hỗ trợ tái định cư của dự án khu dân cư; đoàn gồm các hộ dân trong khu vực dự án."))
	}
	for i := range 33 {
		es = append(es, entry(fmt.Sprintf("seal-%02d", i), "HT", "KN-2024-001", "bien_ban", "", "2024-01-01",
			"Người khiếu nại đóng góp ý kiến. Biên bản được đóng dấu, người ký đóng dấu giáp lai; người nhận đóng phí."))
	}
	mustPut(t, ix, es...)
	res := mustSearch(t, ix, admin("dong nguoi"))
	if res.Total != 41 {
		t.Fatalf("Total %d, want 41", res.Total)
	}
	for i, h := range res.Hits[:8] {
		if !strings.HasPrefix(h.DocumentID, "crowd-") {
			t.Errorf("hit %d is %s, want one of the eight pages saying «đoàn đông người»: %v", i+1, h.DocumentID, hitKeys(res)[:10])
			break
		}
	}
}
