package textin_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kntc/internal/errs"
	"kntc/internal/textin"
)

func TestFieldClean(t *testing.T) {
	name := textin.Field{Name: "tên", English: "name", Max: 200, Required: true}
	note := textin.Field{Name: "ghi chú", English: "note", Max: 2000, Multiline: true}
	id := textin.Field{Name: "số giấy tờ", English: "ID number", Max: 20,
		Allowed: func(r rune) bool { return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' }, AllowedText: "chữ số (digits)"}
	tests := []struct {
		name    string
		field   textin.Field
		in      string
		want    string
		problem string // a part of the expected problem; "" for none
	}{
		{"plain", name, "  Nguyễn Văn A ", "Nguyễn Văn A", ""},
		{"NFD becomes NFC", name, "Nguye\u0302\u0303n", "Nguyễn", ""},
		{"NUL refused", name, "Nguyễn\x00Văn A", "NguyễnVăn A", "ký tự điều khiển"},
		{"C1 refused", name, "A\u0085B", "AB", "control characters"},
		{"DEL refused", name, "A\x7fB", "AB", "control characters"},
		{"bidi override refused in a name", name, "Nguyễn \u202eA nộv", "Nguyễn A nộv", "đảo hướng"},
		{"isolate refused in a name", name, "A\u2067B", "AB", "bidirectional"},
		{"Arabic letter mark refused", name, "A\u061cB", "AB", "bidirectional"},
		{"bidi dropped in a note", note, "x\u202ey", "xy", ""},
		{"only zero-width is empty", name, "\u200b\u200c\ufeff", "", "bắt buộc"},
		{"zero-width dropped", name, "Lê\u200b Thị\u2060 B", "Lê Thị B", ""},
		{"composed across a dropped character", name, "Nguye\u0302\u200b\u0303n", "Nguyễn", ""},
		{"too long", name, strings.Repeat("a", 201), strings.Repeat("a", 201), "tối đa 200 ký tự"},
		{"200 characters of two bytes fit", name, strings.Repeat("ệ", 200), strings.Repeat("ệ", 200), ""},
		{"5000 characters", name, strings.Repeat("Nguyễn ", 715), strings.TrimSpace(strings.Repeat("Nguyễn ", 715)), "at most 200 characters"},
		{"line break in a name is a space", name, "Nguyễn\nVăn\tA", "Nguyễn Văn A", ""},
		{"line breaks kept in a note", note, "dòng 1\r\ndòng 2\rdòng 3\n\tthụt", "dòng 1\ndòng 2\ndòng 3\n\tthụt", ""},
		{"empty optional", note, "   ", "", ""},
		{"invalid UTF-8", name, "a\xffb", "ab", "UTF-8"},
		{"allowed characters", id, "012345678901", "012345678901", ""},
		{"other characters", id, "0123-456", "0123-456", "only digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, prob := tt.field.Clean(tt.in)
			if tt.problem == "" {
				if prob != "" || got != tt.want {
					t.Fatalf("Clean(%q) = %q, %q; want %q and no problem", tt.in, got, prob, tt.want)
				}
				return
			}
			if !strings.Contains(prob, tt.problem) {
				t.Fatalf("Clean(%q): problem %q, want one with %q", tt.in, prob, tt.problem)
			}
			if !strings.HasPrefix(prob, tt.field.Name+" ") || !strings.Contains(prob, "("+tt.field.English+" ") {
				t.Fatalf("problem %q does not name the field in both languages", prob)
			}
			if tt.want != "" && got != tt.want {
				t.Fatalf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckRecordsTheFieldByKey(t *testing.T) {
	var p errs.Problems
	a, b := "\u200b", "ok"
	textin.Field{Key: "a", Name: "a", English: "a", Required: true}.Check(&p, &a)
	textin.Field{Key: "b", Name: "b", English: "b", Required: true}.Check(&p, &b)
	if len(p) != 1 || p[0].Field != "a" || p[0].Message == "" || a != "" || b != "ok" {
		t.Fatalf("problems %+v, a %q, b %q", p, a, b)
	}
}

func TestStrip(t *testing.T) {
	if got := textin.Strip(" a\u200b\u202e\x00b\nc\td\u0085 "); got != "ab\nc\td" {
		t.Fatalf("Strip = %q", got)
	}
	if got := textin.Strip("Nguye\u0302\u0303n"); got != "Nguyễn" {
		t.Fatalf("Strip did not compose: %q", got)
	}
}

// FuzzFieldClean: whatever is typed, a value accepted is valid NFC text within its
// limit, with no control, zero-width or bidirectional character, and cleaning it
// again changes nothing.
func FuzzFieldClean(f *testing.F) {
	for _, s := range []string{"Nguyễn Văn A", "\u200b", "a\x00b", "x\u202ey", "dòng 1\r\ndòng 2", "a\xffb", strings.Repeat("ệ", 30), "e\u200b\u0302", "Nguye\u0302\u200b\u0303n"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		field := textin.Field{Name: "trường", English: "field", Max: 20, Multiline: multiline}
		got, prob := field.Clean(s)
		if prob != "" {
			return
		}
		if !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) || utf8.RuneCountInString(got) > 20 {
			t.Fatalf("Clean(%q) = %q: not valid NFC within the limit", s, got)
		}
		for _, r := range got {
			if textin.ZeroWidth(r) || textin.Bidi(r) || textin.Control(r) && !(multiline && (r == '\n' || r == '\t')) {
				t.Fatalf("Clean(%q) = %q keeps %U", s, got, r)
			}
		}
		if again, prob := field.Clean(got); again != got || prob != "" {
			t.Fatalf("Clean is not stable: %q → %q → %q (%s)", s, got, again, prob)
		}
	})
}
