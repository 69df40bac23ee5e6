package redact_test

import (
	"fmt"
	"strings"
	"testing"

	"kntc/ingest"
	"kntc/ocr/redact"
)

// line makes the words of one OCR line, each 100 pixels wide.
func line(n int, text string) []ingest.Word {
	var out []ingest.Word
	for i, t := range strings.Fields(text) {
		out = append(out, ingest.Word{Text: t, X0: i * 100, X1: i*100 + 90, Y0: n * 50, Y1: n*50 + 40, Block: 1, Par: 1, Line: n})
	}
	return out
}

// TestPropose: what is proposed on a page, and what is not (amounts, dates,
// document numbers, a lone given name).
func TestPropose(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		terms  []redact.Term
		want   []string // the reasons, in order
		covers []string // texts the rectangles cover
	}{
		{"cccd", "CCCD số 079187654321 cấp ngày 01/02/2020", nil, []string{"cccd"}, []string{"079187654321"}},
		{"cccd after a label", "CCCD:079187654321 cấp", nil, []string{"cccd"}, []string{"CCCD:079187654321"}},
		{"cmnd", "CMND số 024681357, nơi cấp", nil, []string{"cmnd"}, []string{"024681357,"}},
		{"mobile in groups", "điện thoại 0912 345 678.", nil, []string{"phone"}, []string{"0912 345 678."}},
		{"mobile with dots", "ĐT: 0912.345.678 và", nil, []string{"phone"}, []string{"0912.345.678"}},
		{"international", "gọi +84 912 345 678 nhé", nil, []string{"phone"}, []string{"+84 912 345 678"}},
		{"landline", "số (028) 3822 1234 của", nil, []string{"phone"}, []string{"(028) 3822 1234"}},
		{"email", "thư nguyenvana@gmail.com hoặc", nil, []string{"email"}, []string{"nguyenvana@gmail.com"}},
		{"amount", "số tiền 1.500.000.000 đồng và 150.000.000 đồng", nil, nil, nil},
		{"document number and date", "Quyết định số 47/2015/QĐ-UBND ngày 21/9/2015", nil, nil, nil},
		{"name folded", "của bà Luu Thi Diem Huong (OCR)", []redact.Term{{Text: "Lưu Thị Diễm Hương", Reason: "denouncer"}},
			[]string{"denouncer"}, []string{"Luu Thi Diem Huong"}},
		{"name with a wrong tone", "bà Lưu Thi Diêm Hướng,", []redact.Term{{Text: "Lưu Thị Diễm Hương", Reason: "party"}},
			[]string{"party"}, []string{"Lưu Thi Diêm Hướng,"}},
		{"address part", "ở số 14 đường Trưng Nữ Vương thì", []redact.Term{{Text: "số 14 đường Trưng Nữ Vương, phường Hiệp Ninh", Reason: "denouncer"}},
			[]string{"denouncer"}, []string{"số 14 đường Trưng Nữ Vương"}},
		{"a party's number written apart", "số 0977 654 321", []redact.Term{{Text: "0977654321", Reason: "denouncer"}},
			[]string{"denouncer"}, []string{"0977 654 321"}},
		{"a single given name alone", "bà Hương đã", []redact.Term{{Text: "Hương", Reason: "party"}}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := redact.Page{Number: 1, Width: 5000, Height: 1000, Words: line(1, tc.text)}
			got := redact.Propose([]redact.Page{p}, tc.terms)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d rectangles %+v, want %v", len(got), got, tc.want)
			}
			for i, r := range got {
				if r.Reason != tc.want[i] || r.Text != tc.covers[i] || r.Page != 1 || r.X1 <= r.X0 || r.Y1 <= r.Y0 {
					t.Errorf("rectangle %d: %+v, want %s over %q", i, r, tc.want[i], tc.covers[i])
				}
			}
		})
	}
}

// TestProposeAcrossLines: a name cut by a line break gives a rectangle on each
// line.
func TestProposeAcrossLines(t *testing.T) {
	words := append(line(1, "của ông Khổng Văn"), line(2, "Thầm Lặng, trú tại")...)
	got := redact.Propose([]redact.Page{{Number: 1, Width: 2000, Height: 500, Words: words}},
		[]redact.Term{{Text: "Khổng Văn Thầm Lặng", Reason: "party"}})
	if len(got) != 2 || got[0].Text != "Khổng Văn" || got[1].Text != "Thầm Lặng," {
		t.Fatalf("got %+v", got)
	}
}

// TestProposeNumberAcrossLines: a phone number justified text wraps onto the next
// line is found, a rectangle on each line; two numbers that merely follow each
// other across a line break are still found each alone.
func TestProposeNumberAcrossLines(t *testing.T) {
	for _, tc := range []struct {
		name  string
		a, b  string
		terms []redact.Term
		want  []string
	}{
		{"phone", "điện thoại 0987 246", "135, gửi đơn", nil, []string{"0987 246", "135,"}},
		{"a party's phone", "điện thoại 0987", "246 135 gửi đơn", []redact.Term{{Text: "0987246135", Reason: "denouncer"}}, []string{"0987", "246 135"}},
		{"a year, then a phone", "năm 2026", "0912 345 678 là", nil, []string{"0912 345 678"}},
		{"after a comma", "số 12,", "345 678 đồng", nil, nil},
	} {
		words := append(line(1, tc.a), line(2, tc.b)...)
		got := redact.Propose([]redact.Page{{Number: 1, Width: 2000, Height: 500, Words: words}}, tc.terms)
		var covers []string
		for _, r := range got {
			covers = append(covers, r.Text)
		}
		if strings.Join(covers, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: got %+v, want rectangles over %q", tc.name, got, tc.want)
		}
	}
}

// TestCheckRects: rectangles off their page, inverted, or too many are refused.
func TestCheckRects(t *testing.T) {
	pages := []redact.Page{{Number: 1, Width: 100, Height: 200}}
	for _, tc := range []struct {
		name  string
		rects []redact.Rect
		ok    bool
	}{
		{"inside", []redact.Rect{{Page: 1, X0: 0, Y0: 0, X1: 100, Y1: 200}}, true},
		{"no page 2", []redact.Rect{{Page: 2, X0: 0, Y0: 0, X1: 10, Y1: 10}}, false},
		{"page 0", []redact.Rect{{Page: 0, X0: 0, Y0: 0, X1: 10, Y1: 10}}, false},
		{"negative", []redact.Rect{{Page: 1, X0: -5, Y0: 0, X1: 10, Y1: 10}}, false},
		{"beyond", []redact.Rect{{Page: 1, X0: 0, Y0: 0, X1: 101, Y1: 10}}, false},
		{"inverted", []redact.Rect{{Page: 1, X0: 50, Y0: 0, X1: 10, Y1: 10}}, false},
		{"too many", make([]redact.Rect, redact.MaxRects+1), false},
	} {
		if err := redact.CheckRects(pages, tc.rects); (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// TestParts: the other forms a name and an address are looked for by.
func TestParts(t *testing.T) {
	for in, want := range map[string]string{
		"Lưu Thị Diễm Hương":                           "diem huong",
		"số 14 đường Trưng Nữ Vương, phường Hiệp Ninh": "so 14 duong trung nu vuong|phuong hiep ninh",
		"Lê An":        "",
		"0912 345 678": "",
	} {
		if got := strings.Join(redact.Parts(in), "|"); got != want {
			t.Errorf("Parts(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHides: a rectangle hides a word it cuts across or down the middle; one
// that only grazes its top or bottom edge (the padding of a rectangle on the
// next line, where lines are set close) leaves it in the text layer.
func TestHides(t *testing.T) {
	w := ingest.Word{Text: "chức", X0: 100, Y0: 100, X1: 200, Y1: 140}
	for _, tc := range []struct {
		name string
		r    redact.Rect
		want bool
	}{
		{"over it", redact.Rect{X0: 90, Y0: 95, X1: 210, Y1: 145}, true},
		{"its left half", redact.Rect{X0: 50, Y0: 90, X1: 150, Y1: 150}, true},
		{"its lower half", redact.Rect{X0: 0, Y0: 120, X1: 300, Y1: 200}, true},
		{"its bottom edge", redact.Rect{X0: 0, Y0: 130, X1: 300, Y1: 200}, false},
		{"its top edge", redact.Rect{X0: 0, Y0: 50, X1: 300, Y1: 110}, false},
		{"beside it", redact.Rect{X0: 200, Y0: 100, X1: 300, Y1: 140}, false},
	} {
		if got := redact.Hides(tc.r, w); got != tc.want {
			t.Errorf("%s: Hides = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestProposeAcrossPages: a name or number a page break cuts in two is found, a
// rectangle on each page, past the page number the next page starts with; what
// merely ends one page and starts the next is not joined into a number.
func TestProposeAcrossPages(t *testing.T) {
	denouncer := []redact.Term{{Text: "Nguyễn Thị Hường", Reason: "denouncer"}, {Text: "0987246135", Reason: "denouncer"}}
	for _, tc := range []struct {
		name   string
		a, b   []string // the pages' lines
		terms  []redact.Term
		want   []string // page:text of each rectangle
		reason string
	}{
		{"a name", []string{"Xét đơn tố cáo của", "bà Nguyễn Thị"}, []string{"- 2 -", "Hường, trú tại xã"}, denouncer,
			[]string{"1:Nguyễn Thị", "2:Hường,"}, "denouncer"},
		{"a party's phone", []string{"điện thoại 0987"}, []string{"2", "246 135 gửi đơn"}, denouncer,
			[]string{"1:0987", "2:246 135"}, "denouncer"},
		{"an ID number", []string{"CCCD số 079188"}, []string{"123456 cấp ngày 5/3/2021"}, nil,
			[]string{"1:079188", "2:123456"}, "cccd"},
		{"a year and an article", []string{"ban hành năm 2026"}, []string{"2", "Điều 5. Hiệu lực"}, nil, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var pages []redact.Page
			for n, lines := range [][]string{tc.a, tc.b} {
				var words []ingest.Word
				for i, l := range lines {
					words = append(words, line(i+1, l)...)
				}
				pages = append(pages, redact.Page{Number: n + 1, Width: 2000, Height: 500, Words: words})
			}
			var got []string
			for _, r := range redact.Propose(pages, tc.terms) {
				got = append(got, fmt.Sprintf("%d:%s", r.Page, r.Text))
				if r.Reason != tc.reason {
					t.Errorf("%+v: reason %q, want %q", r, r.Reason, tc.reason)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestProposeNumberOverThreeLines: an ID number a narrow column sets on three
// lines is found whole.
func TestProposeNumberOverThreeLines(t *testing.T) {
	words := append(append(line(1, "CCCD 0791"), line(2, "8812")...), line(3, "3456 cấp")...)
	got := redact.Propose([]redact.Page{{Number: 1, Width: 2000, Height: 500, Words: words}}, nil)
	var covers []string
	for _, r := range got {
		covers = append(covers, r.Reason+":"+r.Text)
	}
	if want := "cccd:0791|cccd:8812|cccd:3456"; strings.Join(covers, "|") != want {
		t.Errorf("got %q, want %q", covers, want)
	}
}
