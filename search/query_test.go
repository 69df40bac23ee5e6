package search_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"kntc/search"
)

func TestParseQuery(t *testing.T) {
	w := func(s string) search.Clause { return search.Clause{Kind: search.ClauseWord, Words: []string{s}} }
	p := func(s string) search.Clause { return search.Clause{Kind: search.ClausePrefix, Words: []string{s}} }
	ph := func(s ...string) search.Clause { return search.Clause{Kind: search.ClausePhrase, Words: s} }
	tests := []struct {
		name string
		in   string
		want []search.Clause
	}{
		{"words", "khiếu nại  đất đai", []search.Clause{w("khiếu"), w("nại"), w("đất"), w("đai")}},
		{"phrase", `"quyết định giải quyết" khiếu`, []search.Clause{ph("quyết", "định", "giải", "quyết"), w("khiếu")}},
		{"typographic quotes", "“thu hồi đất”", []search.Clause{ph("thu", "hồi", "đất")}},
		{"unclosed quote runs to the end", `đơn "tố cáo nặc`, []search.Clause{w("đơn"), ph("tố", "cáo", "nặc")}},
		{"one-word phrase is a word", `"khiếu"`, []search.Clause{w("khiếu")}},
		{"empty phrase", `"" ""`, nil},
		{"prefix", "khiếu* t*", []search.Clause{p("khiếu"), w("t")}},
		{"star inside a phrase is a separator", `"khiếu* nại"`, []search.Clause{ph("khiếu", "nại")}},
		{"bleve syntax is plain text", `+kind:cong_van -status:stored title^2 đơn~1 (a OR b)`,
			[]search.Clause{w("kind"), w("cong"), w("van"), w("status"), w("stored"), w("title"), w("2"), w("đơn"), w("1"), w("a"), w("OR"), w("b")}},
		{"numbers and codes", "47/2015/QĐ-UBND", []search.Clause{w("47"), w("2015"), w("QĐ"), w("UBND")}},
		{"repeats dropped", "đất đất ĐẤT", []search.Clause{w("đất"), w("ĐẤT")}},
		{"decomposed input", norm.NFD.String("hòa"), []search.Clause{w("hòa")}},
		{"only punctuation", `!@#$%^&*()`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := search.ParseQuery(tt.in)
			if !slices.EqualFunc(got, tt.want, func(a, b search.Clause) bool { return a.Kind == b.Kind && slices.Equal(a.Words, b.Words) }) {
				t.Errorf("ParseQuery(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	long := strings.Repeat("từ ", 100)
	if got := search.ParseQuery(long); len(got) != 1 {
		t.Errorf("a repeated word gave %d clauses", len(got))
	}
	var many []string
	for i := range 40 {
		many = append(many, string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	if got := search.ParseQuery(strings.Join(many, " ")); len(got) != search.MaxClauses {
		t.Errorf("%d words gave %d clauses, want %d", len(many), len(got), search.MaxClauses)
	}
	if got := search.ParseQuery(`"` + strings.Join(many, " ") + `"`); len(got) != 1 || len(got[0].Words) != search.MaxPhraseWords {
		t.Errorf("a phrase of %d words gave %v", len(many), got)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{`"quyết định" khiếu* +a -b c:d`, "“thu hồi”", `"`, `*`, `a*b*`, "\xff\xfe", norm.NFD.String("hòa"), strings.Repeat("é", 600)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cs := search.ParseQuery(s)
		if len(cs) > search.MaxClauses {
			t.Fatalf("%d clauses", len(cs))
		}
		for _, c := range cs {
			if len(c.Words) == 0 || c.Kind == search.ClausePhrase && (len(c.Words) < 2 || len(c.Words) > search.MaxPhraseWords) {
				t.Fatalf("clause %+v", c)
			}
			for _, w := range c.Words {
				if w == "" || !norm.NFC.IsNormalString(w) {
					t.Fatalf("word %q of %q", w, s)
				}
				for _, r := range w {
					if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.M, r) {
						t.Fatalf("word %q of %q has %q", w, s, r)
					}
				}
			}
		}
	})
}

// FuzzSearch runs arbitrary query text on the fixture with one unit's scope: no
// error, no panic, and nothing from another unit.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"hoa thanh", `"khiếu nại"`, "khiếu* nghiệp", `"" * "`, "a*", "\x00", strings.Repeat(`"a `, 50)} {
		f.Add(s, false)
	}
	ix := fixtureIndex(f)
	f.Fuzz(func(t *testing.T, s string, fuzzy bool) {
		res, err := ix.Search(context.Background(), search.Query{Text: s, Units: []string{"HT"}, Fuzzy: fuzzy, Facets: true})
		if err != nil {
			t.Fatalf("Search(%q): %v", s, err)
		}
		for _, h := range res.Hits {
			if h.DocumentID != "d-binh" && h.DocumentID != "d-doithoai" && h.DocumentID != "d-ocr" {
				t.Fatalf("Search(%q) found %s of another unit", s, h.DocumentID)
			}
		}
		for _, u := range res.Facets["unit"] {
			if u.Term != "HT" {
				t.Fatalf("Search(%q) counts unit %s", s, u.Term)
			}
		}
	})
}
