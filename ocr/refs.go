package ocr

import (
	"regexp"
	"strings"
)

// reReference finds document numbers cited in running text ("theo Quyết định số
// 12/QĐ-UBND ngày…", "Thông báo 05/2024/TB-TTr"): digits, an optional year, then a
// symbol of capitals with dash-separated parts, spaces around the separators as OCR
// leaves them.
var reReference = regexp.MustCompile(`\b[0-9][0-9OolI]{0,5}\s?/\s?(?:[0-9OolI]{4}\s?/\s?)?[A-ZĐÐ][A-ZĐÐa-zđ]{0,7}(?:\s?[-–]\s?[A-ZĐÐ0-9][A-ZĐÐa-zđ0-9]{0,11})*`)

// References returns the document numbers text cites, normalised as ParseHeader
// normalises a header's own number (so "12 / QD - UBND" meets "12/QĐ-UBND"), in
// order, without repeats. A number needs a symbol of at least two capitals: "1/2"
// or "3/A" are not document numbers.
func References(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range reReference.FindAllString(text, -1) {
		n := parseNumber(m)
		sym := n[strings.LastIndexByte(n, '/')+1:]
		caps := 0
		for _, r := range sym {
			if r >= 'A' && r <= 'Z' || r == 'Đ' {
				caps++
			}
		}
		if caps < 2 || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}
