package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"kntc/internal/viet"
)

// IssuerName is the one name the issuer facet groups an issuing body under,
// however its header wrote it: "UBND huyện Châu Thành", "ỦY BAN NHÂN DÂN HUYỆN
// CHÂU THÀNH" and "Ủy ban nhân dân  huyện Châu Thành." are all "Uỷ ban nhân dân
// huyện Châu Thành" (tone marks placed as viet.CanonicalTones places them). The usual abbreviations are spelled out
// (UBND, HĐND, TAND, VKSND, TP., TX.), spaces and edge punctuation tidied, and letter case
// set as Vietnamese administrative names write it (Nghị định 30/2020/NĐ-CP): the
// first word capitalised; in an agency's name (Sở, Bộ, Phòng, Ban…) the word after
// it and after "và" or a dash; every word of the place after tỉnh, huyện, xã…
// The stored header keeps what the page says; only the facet and the issuer
// filter use this name.
func IssuerName(s string) string {
	s = viet.NFC(s)
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ')' })
	var words []string
	for _, w := range strings.Fields(s) {
		if exp, ok := issuerAbbrev[strings.ToUpper(strings.TrimSuffix(w, "."))]; ok {
			words = append(words, strings.Fields(exp)...)
			continue
		}
		words = append(words, strings.ToLower(viet.CanonicalTones(w)))
	}
	if len(words) == 0 {
		return ""
	}
	agency := issuerAgency[words[0]]
	place, capNext := false, false
	for i, w := range words {
		lw := w
		if i == 0 || place || capNext {
			w = capitalise(w)
			capNext = i == 0 && agency
		}
		if i > 0 && agency && !place && (lw == "và" || lw == "-" || lw == "–" || strings.HasSuffix(lw, ",")) {
			capNext = true
		}
		if !place && isPlaceWord(words, i) {
			place, capNext = true, false
		}
		words[i] = w
	}
	return strings.Join(words, " ")
}

// issuerAbbrev spells out the abbreviations headers use for issuing bodies.
var issuerAbbrev = map[string]string{
	"UBND":  "uỷ ban nhân dân",
	"HĐND":  "hội đồng nhân dân",
	"TAND":  "toà án nhân dân",
	"VKSND": "viện kiểm sát nhân dân",
	"UB":    "uỷ ban",
	"TP":    "thành phố",
	"TX":    "thị xã",
}

// issuerAgency are the first words of an agency's name whose next word starts
// its field, capitalised (Sở Tài nguyên và Môi trường, Ban Tiếp công dân).
var issuerAgency = map[string]bool{"sở": true, "bộ": true, "phòng": true, "ban": true, "cục": true}

// isPlaceWord reports whether words[i] ends the name of a kind of administrative
// unit, after which the place's name follows (tỉnh Tây Ninh, thị xã Hòa Thành).
func isPlaceWord(words []string, i int) bool {
	next := ""
	if i+1 < len(words) {
		next = words[i+1]
	}
	prev := ""
	if i > 0 {
		prev = words[i-1]
	}
	switch words[i] {
	case "tỉnh", "huyện", "quận", "phường":
		return next != ""
	case "xã":
		// "xã hội" is society, not a commune; "thị xã" a town.
		return next != "" && next != "hội"
	case "trấn":
		return prev == "thị" && next != ""
	case "phố":
		return prev == "thành" && next != ""
	}
	return false
}

// capitalise upper-cases the first letter of w.
func capitalise(w string) string {
	r, n := utf8.DecodeRuneInString(w)
	if r == utf8.RuneError {
		return w
	}
	return string(unicode.ToUpper(r)) + w[n:]
}
