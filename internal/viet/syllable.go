package viet

import (
	"strings"
	"unicode"
)

// IsSyllable reports whether word (NFC, letters only, any case) is spelled as a
// Vietnamese syllable: an initial consonant or none, a vowel group Vietnamese has,
// a final consonant or none, and at most one tone mark. It says nothing about
// whether the syllable is in use; it tells Vietnamese-looking OCR output from the
// garbage Tesseract reads on a page it sees upside down or sideways.
func IsSyllable(word string) bool {
	var key []rune
	tones := 0
	for _, r := range word {
		switch r {
		case 'đ', 'Đ':
			key = append(key, 'đ')
			continue
		}
		l, ok := letters[r]
		if !ok {
			return false
		}
		if l.tone != toneNone {
			tones++
		}
		if l.vowel != 0 {
			key = append(key, l.vowel)
		} else {
			key = append(key, unicode.ToLower(l.base))
		}
	}
	if len(key) == 0 || len(key) > 7 || tones > 1 {
		return false
	}
	_, _, ok := syllableParts(key)
	return ok
}

// syllableParts splits key (a word in lower case, without tones) into its initial
// consonant key[:start], its vowel group key[start:end] and its final consonant
// key[end:]; ok is false when key is not spelled as a Vietnamese syllable.
func syllableParts(key []rune) (start, end int, ok bool) {
	isVowel := func(i int) bool { return i < len(key) && strings.ContainsRune(vowels, key[i]) }
	for _, in := range initials {
		rs := []rune(in)
		if len(rs) > len(key) || string(key[:len(rs)]) != in {
			continue
		}
		if (in == "qu" || in == "gi") && !isVowel(len(rs)) {
			if in == "qu" {
				return 0, 0, false
			}
			rs = rs[:1] // gì, gìn: the i is the vowel
		}
		start = len(rs)
		break
	}
	end = start
	for isVowel(end) {
		end++
	}
	return start, end, end > start && nuclei[string(key[start:end])] && finals[string(key[end:])]
}
