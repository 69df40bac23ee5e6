package ocr

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kntc/ingest"
	"kntc/internal/viet"
)

// Header is what the fixed header of a Vietnamese administrative document (Nghị
// định 30/2020) says about it. Every field is NFC; a field the page does not state,
// or that OCR damaged beyond repair, is "".
type Header struct {
	// Number is the số ký hiệu, normalised: "47/2015/QĐ-UBND" (number / year /
	// symbol) or "12/QĐ-STNMT" (without year). OCR damage is repaired where the
	// repair is certain: stray spaces around / and -, O and l for 0 and 1 in the
	// number and year, Ð or a lower-case đ for Đ, QD for QĐ, ND for NĐ, HDND for
	// HĐND. Empty when the page has no number (a draft's "Số: /QĐ-UBND").
	Number string `json:"number"`
	// Date is the date of issue, YYYY-MM-DD, from "Tây Ninh, ngày 05 tháng 02 năm
	// 2015"; "" when there is none or it is not a real date (ngày 31 tháng 02).
	// Minutes without a dated header take the date of their "Hôm nay, ngày …" line.
	Date string `json:"date"`
	// Place is the place before the date, as written: "Tây Ninh", "Hà Nội".
	Place string `json:"place"`
	// Issuer is the issuing body at the top left, its lines joined by one space
	// ("ỦY BAN NHÂN DÂN TỈNH TÂY NINH"), without the national motto. Words of
	// the names of bodies that OCR lost a mark of are respelled (SƠ → SỞ) where
	// only one such word folds the same way. A citizen's paper (a letter, a giấy
	// ủy quyền) has none: its sender, who may have to stay secret, is no issuer.
	Issuer string `json:"issuer"`
	// Type is the document type in its canonical spelling ("QUYẾT ĐỊNH", "BIÊN
	// BẢN", …), not as OCR read it, because it is a facet value. A page without
	// a type line takes it from the symbol's type code (QĐ, TB, BB…), and a công
	// văn (symbol code CV, or a "V/v" subject) is "CÔNG VĂN". A citizen's paper's
	// type is its title: "ĐƠN KHIẾU NẠI", "ĐƠN TỐ CÁO", "ĐƠN KIẾN NGHỊ", "ĐƠN PHẢN
	// ÁNH", "ĐƠN KIẾN NGHỊ, PHẢN ÁNH", "GIẤY ỦY QUYỀN".
	Type string `json:"type"`
	// Subject is the trích yếu as written: the "Về việc …" or "V/v …" line, or the
	// lines under the type line, joined by one space. The "Về việc" / "V/v" prefix
	// is left out (it says nothing). Words after the type on the type line itself
	// ("BIÊN BẢN ĐỐI THOẠI") open the subject.
	Subject string `json:"subject"`
	// Kind is one of the Kind* constants, from Type and Subject.
	Kind ingest.Kind `json:"kind"`
}

// headerMaxLines bounds how far down the page the header is looked for; the header
// of Nghị định 30/2020 fits in the first dozen lines even when OCR splits them.
const headerMaxLines = 40

// issuerMaxLines bounds where the issuing body may start: it is at the very top.
const issuerMaxLines = 8

// ParseHeader reads the header of a document from the text of its first page as
// OCR gives it: lines separated by \n, the two header columns either interleaved
// line by line or one after the other, with OCR's usual damage (lost diacritics, Ð
// for Đ, noise lines of | and _, stray spaces). Matching is done on folded text
// (see Fold) so that missing diacritics still match; returned text keeps the
// page's own spelling. ParseHeader never fails: what it cannot read is "", and a
// page that is not a recognised kind is KindKhac. It is safe for concurrent use.
func ParseHeader(pageText string) Header {
	h, vv := parseLines(headerLines(pageText))
	return finish(h, vv)
}

// parseLines reads the header fields from the page's lines, as they are: the
// type is not yet taken from the symbol, the kind not set (finish does that). vv
// reports a "V/v" or "Về việc" line.
func parseLines(lines []hline) (h Header, vv bool) {
	end := len(lines)
	if end > headerMaxLines {
		end = headerMaxLines
	}
	for i := 0; i < end; i++ {
		if lines[i].isBody() {
			end = i
			break
		}
	}

	dated := false
	numIdx, typeIdx, vvIdx := end, end, end
	for i := 0; i < end; i++ {
		l := lines[i]
		if numIdx == end {
			if _, rest, ok := l.number(); ok {
				numIdx = i
				h.Number = parseNumber(rest)
			}
		}
		if !dated {
			if d, pre, ok := l.date(); ok && isDatePrefix(pre) {
				dated = true
				h.Date = d
				h.Place, _ = splitPlace(pre)
			}
		}
		if typeIdx == end {
			if t, _, ok := l.typeLine(); ok {
				typeIdx = i
				h.Type = t
			}
		}
		if vvIdx == end {
			if _, ok := l.aboutLine(); ok {
				vvIdx = i
			}
		}
	}
	if h.Date == "" {
		// Minutes often have no dated header; their first sentence dates them.
		for i := end; i < len(lines) && i < end+8; i++ {
			if lines[i].startsWith("hom nay", "vao hoi", "vao luc") {
				if d, _, ok := lines[i].date(); ok {
					h.Date = d
					break
				}
			}
		}
	}

	switch {
	case typeIdx < end:
		_, rest, _ := lines[typeIdx].typeLine()
		h.Subject = subjectFrom(lines, typeIdx+1, end, rest)
		if h.Subject == "" && vvIdx < end {
			rest, _ := lines[vvIdx].aboutLine()
			h.Subject = subjectFrom(lines, vvIdx+1, end, rest)
		}
	case vvIdx < end:
		rest, _ := lines[vvIdx].aboutLine()
		h.Subject = subjectFrom(lines, vvIdx+1, end, rest)
	}

	stop := min(numIdx, typeIdx, vvIdx, issuerMaxLines)
	var issuer []string
	for i := 0; i < stop; i++ {
		if p := lines[i].issuerPart(); p != "" {
			issuer = append(issuer, p)
		}
	}
	h.Issuer = fixIssuer(strings.Join(issuer, " "))
	return h, vvIdx < end
}

// finish completes fields read by parseLines: the type from the symbol's code (a
// "V/v" subject, vv, makes a công văn), the kind, no issuer on a citizen's paper,
// the year repaired from the number; everything NFC.
func finish(h Header, vv bool) Header {
	if h.Type == "" {
		code := symbolTypeCode(h.Number)
		switch t, ok := typeCodes[code]; {
		case ok:
			h.Type = t
		case code == "CV" || vv:
			h.Type = typeCongVan
		}
	}
	h.Kind = classifyKind(h.Type, h.Subject)
	if isLetterType(h.Type) {
		// A citizen's paper has no issuing body: what stands above its title is
		// not one, and its sender, who may have to stay secret, is no issuer.
		h.Issuer = ""
	}
	h.Date = yearFromNumber(h.Date, h.Number)

	h.Number = viet.NFC(h.Number)
	h.Place = viet.NFC(h.Place)
	h.Issuer = viet.NFC(h.Issuer)
	h.Type = viet.NFC(h.Type)
	h.Subject = viet.NFC(h.Subject)
	return h
}

// hline is one non-empty line of the page: its text (NFC, spaces collapsed, edge
// noise trimmed, the national motto cut out) and the text folded rune by rune, with
// the offset in text of every folded byte so that a match found in the folded text
// can be cut from the original.
type hline struct {
	text string
	fold string
	off  []int // off[i]: offset in text of fold[i]; off[len(fold)] == len(text)
}

// headerLines splits page text into hlines, dropping empty lines, noise lines and
// the motto. Only page one is read: text after a form feed is another page.
func headerLines(pageText string) []hline {
	s := strings.ToValidUTF8(pageText, "\uFFFD")
	if i := strings.IndexByte(s, '\f'); i >= 0 {
		s = s[:i]
	}
	s = viet.NFC(s)
	var lines []hline
	for raw := range strings.SplitSeq(s, "\n") {
		if len(lines) >= 4*headerMaxLines {
			break
		}
		l := newHLine(raw)
		if l.text == "" {
			continue
		}
		l = l.withoutMotto()
		if isNoise(l.text) {
			continue
		}
		lines = append(lines, l)
	}
	return lines
}

// lineEdgeNoise is what speckles become at the ends of a line.
const lineEdgeNoise = " |_¦~`'\"*•·"

func newHLine(s string) hline {
	s = strings.Trim(strings.Join(strings.Fields(s), " "), lineEdgeNoise)
	var f strings.Builder
	f.Grow(len(s))
	off := make([]int, 0, len(s)+1)
	for i, r := range s {
		fr := string(r)
		if r >= 0x80 {
			fr = viet.Fold(fr)
		}
		for range len(fr) {
			off = append(off, i)
		}
		f.WriteString(fr)
	}
	off = append(off, len(s))
	return hline{text: s, fold: f.String(), off: off}
}

// orig returns the original text of the folded range [a, b).
func (l hline) orig(a, b int) string { return l.text[l.off[a]:l.off[b]] }

var (
	reMottoNation = regexp.MustCompile(`(?i)c\s*[o0]\s*n\s*g\s*h\s*[o0]\s*a\s*x\s*a\s*h\s*[o0]\s*i(\s*c\s*h\s*u\s*n\s*g\s*h\s*i\s*a(\s*v\s*i\s*e\s*t\s*n\s*a\s*m)?)?`)
	reMottoMaxim  = regexp.MustCompile(`(?i)d\s*[o0]\s*c\s*l\s*a\s*p\W*t\s*u\s*d\s*[o0](\W*h\s*a\s*n\s*h\s*p\s*h\s*u\s*c)?`)
)

// withoutMotto returns l with the national motto (CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM,
// Độc lập - Tự do - Hạnh phúc) cut out: the right column of the header, which OCR may
// put on the same line as the left one.
func (l hline) withoutMotto() hline {
	for _, re := range []*regexp.Regexp{reMottoNation, reMottoMaxim} {
		m := re.FindStringIndex(l.fold)
		if m == nil {
			continue
		}
		l = newHLine(l.orig(0, m[0]) + " " + l.orig(m[1], len(l.fold)))
	}
	return l
}

// isNoise reports whether a line is OCR noise: fewer than two letters or digits, or
// more symbols than letters and digits (rules, speckles, "| _ |").
func isNoise(s string) bool {
	alnum, other := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			alnum++
		case !unicode.IsSpace(r):
			other++
		}
	}
	return alnum < 2 || alnum < other
}

var reBody = regexp.MustCompile(`^(can cu|kinh gui|hom nay|vao hoi|vao luc|dieu [0-9il]|thuc hien|theo de nghi|xet (don|de nghi|bao cao|to trinh)|chuong [0-9ivx]|phan [0-9ivx]\b|toi (ten )?la\b|ho (va )?ten\b|chung toi (ten |gom|la\b))`)

// isBody reports whether the line opens the body, where the header ends. A letter's
// body may open with its sender ("Tôi tên là …", "Họ và tên: …") rather than
// "Kính gửi": that line is never part of the subject.
func (l hline) isBody() bool {
	return reBody.MatchString(strings.ToLower(l.fold))
}

// startsWith reports whether the folded, lower-cased line starts with one of the
// prefixes.
func (l hline) startsWith(prefixes ...string) bool {
	f := strings.ToLower(l.fold)
	for _, p := range prefixes {
		if strings.HasPrefix(f, p) {
			return true
		}
	}
	return false
}

var (
	// "Số:" and what OCR makes of it (So:, S6:, Sô:, "Số :"), at the start of a
	// line, or after the left column's text with its colon.
	reNumberStart = regexp.MustCompile(`^S ?[o06O] ?[:;.,]? ?`)
	reNumberMid   = regexp.MustCompile(` S ?[o06O] ?[:;] ?`)
	reNumberBegin = regexp.MustCompile(`^ ?[0-9OolI|/]`)
)

// number finds "Số: …" in the line and returns the text before it and after it.
// "SỞ TƯ PHÁP" folds to "SO TU PHAP" too: a number must follow.
func (l hline) number() (before, rest string, ok bool) {
	for _, re := range []*regexp.Regexp{reNumberStart, reNumberMid} {
		m := re.FindStringIndex(l.fold)
		if m == nil {
			continue
		}
		rest := l.orig(m[1], len(l.fold))
		if reNumberBegin.MatchString(rest) && strings.ContainsAny(rest, "0123456789/") {
			return l.orig(0, m[0]), rest, true
		}
	}
	return "", "", false
}

var (
	reSepSpaces = regexp.MustCompile(`\s*([/\-‐‑–—])\s*`)
	reDashes    = strings.NewReplacer("‐", "-", "‑", "-", "–", "-", "—", "-")
)

// symbolCodes repairs symbol parts whose OCR spelling is certain to be wrong, keyed
// by their folded upper-case form. HD stays as read: it is both HD (hướng dẫn) and
// HĐ (hợp đồng).
var symbolCodes = map[string]string{
	"QD":   "QĐ",
	"ND":   "NĐ",
	"HDND": "HĐND",
	"TTG":  "TTg",
	"TTR":  "TTr",
}

// parseNumber normalises the số ký hiệu that starts rest ("12 / QĐ - UBND Tây
// Ninh…" → "12/QĐ-UBND"). It returns "" when rest starts without a number.
func parseNumber(rest string) string {
	n, _ := splitNumber(rest)
	return n
}

// splitNumber is parseNumber that also returns the text after the number: the
// place, when OCR joined the two columns.
func splitNumber(rest string) (number, after string) {
	rest = reDashes.Replace(reSepSpaces.ReplaceAllString(rest, "$1"))
	end := 0
	for i, r := range rest {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("/-|&", r)) {
			break
		}
		end = i + len(string(r))
	}
	after = strings.TrimSpace(rest[end:])
	tok := strings.Trim(rest[:end], "/-")
	parts := strings.Split(tok, "/")

	num := fixDigits(parts[0])
	if !allDigits(num) {
		if !strings.ContainsAny(parts[0], "0123456789") {
			return "", after
		}
		num = parts[0] // "12a": keep what the page says
	}
	parts = parts[1:]
	out := []string{num}
	if len(parts) > 0 {
		if y := fixDigits(parts[0]); len(y) == 4 && allDigits(y) {
			out = append(out, y)
			parts = parts[1:]
		}
	}
	for _, p := range parts {
		var segs []string
		for seg := range strings.SplitSeq(p, "-") {
			if seg != "" {
				segs = append(segs, symbolSegment(seg))
			}
		}
		if len(segs) > 0 {
			out = append(out, strings.Join(segs, "-"))
		}
	}
	return strings.Join(out, "/"), after
}

// symbolSegment repairs one dash-separated part of a symbol ("QD", "UBND", "TTg").
func symbolSegment(seg string) string {
	seg = viet.SingleD(seg) // Tesseract reads the Đ of a code twice now and then ("QĐÐ")
	if c, ok := symbolCodes[strings.ToUpper(viet.Fold(seg))]; ok {
		return c
	}
	// A lower-case đ in an otherwise upper-case code is OCR's.
	lower := false
	for _, r := range seg {
		if unicode.IsLower(r) && r != 'đ' {
			lower = true
		}
	}
	if !lower {
		seg = strings.ReplaceAll(seg, "đ", "Đ")
	}
	return seg
}

// symbolTypeCode returns the type code that opens the symbol of a normalised
// number: "QĐ" for "47/2015/QĐ-UBND", "" when there is no symbol.
func symbolTypeCode(number string) string {
	i := strings.LastIndexByte(number, '/')
	if i < 0 {
		return ""
	}
	code, _, _ := strings.Cut(number[i+1:], "-")
	return code
}

// fixDigits reads the letters OCR confuses with digits in a numeric field.
func fixDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'O', 'o':
			return '0'
		case 'l', 'I', '|':
			return '1'
		}
		return r
	}, s)
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// reDate matches "ngày 05 tháng 02 năm 2015" in folded text, allowing stray spaces,
// lost diacritics and O/l read for 0/1.
var reDate = regexp.MustCompile(`(?i)(?:^|[^a-z])(n ?g ?a ?y ?[:.]? ?([0-9OolI|](?: ?[0-9OolI|])?) ?[,.]? ?t ?h ?a ?n ?g ?([0-9OolI|](?: ?[0-9OolI|])?) ?[,.]? ?n ?a ?m ?((?:[0-9OolI|] ?){3}[0-9OolI|]))`)

// date finds a date in the line and returns it as YYYY-MM-DD ("" when it is not a
// real date) with the text before "ngày"; ok reports whether the pattern was there.
func (l hline) date() (date, before string, ok bool) {
	m := reDate.FindStringSubmatchIndex(l.fold)
	if m == nil {
		return "", "", false
	}
	start := m[2]
	field := func(k int) int {
		s := strings.ReplaceAll(fixDigits(l.fold[m[2*k]:m[2*k+1]]), " ", "")
		n, err := strconv.Atoi(s)
		if err != nil {
			return -1
		}
		return n
	}
	return validDate(field(4), field(3), field(2)), l.orig(0, start), true
}

// validDate formats a date that exists, or returns "".
func validDate(y, m, d int) string {
	if y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 {
		return ""
	}
	t := time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		return ""
	}
	return t.Format(time.DateOnly)
}

// isDatePrefix reports whether the text before "ngày" is a header's place (a few
// words, no numbers) rather than a sentence that cites another document's date; a
// "Số: …" in front, from a joined two-column line, is allowed.
func isDatePrefix(before string) bool {
	if l := newHLine(before); l.text != "" {
		if b, rest, ok := l.number(); ok {
			_, place := splitNumber(rest)
			before = b + " " + place
		}
	}
	return len(strings.Fields(before)) <= 6 && !strings.ContainsAny(before, "0123456789")
}

// splitPlace splits the text before "ngày" into the place (its trailing title-case
// words: "Tây Ninh", "TP. Hồ Chí Minh") and what comes before it (the left column on
// a joined line). Text without any lower-case letter ("TÂY NINH") is all place, and
// so is everything after a joined "Số: …".
func splitPlace(before string) (place, rest string) {
	before = strings.TrimRight(before, " ,;:.-")
	if l := newHLine(before); l.text != "" {
		if b, rest, ok := l.number(); ok {
			_, place := splitNumber(rest)
			return place, strings.TrimSpace(b)
		}
	}
	words := strings.Fields(before)
	run := titleRun(words)
	if run == 0 && !hasLower(before) {
		return strings.Trim(before, " ,;:.-"), ""
	}
	return strings.Join(words[len(words)-run:], " "), strings.Join(words[:len(words)-run], " ")
}

// titleRun counts the trailing words that are title case (or "TP.").
func titleRun(words []string) int {
	n := 0
	for i := len(words) - 1; i >= 0; i-- {
		w := words[i]
		if !isTitleWord(w) && w != "TP." && w != "TP" {
			break
		}
		n++
	}
	return n
}

func isTitleWord(w string) bool {
	for _, r := range w {
		return unicode.IsUpper(r) && hasLower(w)
	}
	return false
}

func hasLower(s string) bool {
	return strings.IndexFunc(s, unicode.IsLower) >= 0
}

// upperShare returns the number of letters in s and the share of them that are
// upper case.
func upperShare(s string) (letters int, share float64) {
	up := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				up++
			}
		}
	}
	if letters == 0 {
		return 0, 0
	}
	return letters, float64(up) / float64(letters)
}

// lettersKey returns s folded, upper case, with everything but letters removed.
func lettersKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return unicode.ToUpper(r)
		}
		return -1
	}, viet.Fold(s))
}

// typeLine reports whether the line is a type line ("QUYẾT ĐỊNH", "Q U Y Ế T  Đ Ị N
// H", "BIÊN BẢN ĐỐI THOẠI") and returns the canonical type and the words after it.
func (l hline) typeLine() (typ, rest string, ok bool) {
	if t, ok := headerTypes[lettersKey(l.text)]; ok {
		return t, "", true
	}
	if t, rest, ok := l.letterTitle(); ok {
		return t, rest, true
	}
	words := strings.Fields(l.text)
	if len(words) < 3 {
		return "", "", false
	}
	head := words[0] + " " + words[1]
	t, ok := headerTypes[lettersKey(head)]
	if !ok {
		return "", "", false
	}
	if n, share := upperShare(head); n == 0 || share < 0.6 {
		return "", "", false // "Quyết định số 12…" in a sentence
	}
	return t, strings.Trim(strings.Join(words[2:], " "), " :-"), true
}

// letterTitle reports whether the line is the title of a citizen's paper ("ĐƠN
// KHIẾU NẠI", "Đ Ơ N  T Ố  C Á O", "GIẤY ỦY QUYỀN KHIẾU NẠI") and returns its
// canonical type and the words after the title. A title in lower case counts only
// as the whole line: "Đơn khiếu nại của ông A…" is a sentence.
func (l hline) letterTitle() (typ, rest string, ok bool) {
	key := lettersKey(l.text)
	for _, t := range letterTitles {
		if key == t.key {
			return t.typ, "", true
		}
		if !strings.HasPrefix(key, t.key) {
			continue
		}
		n, cut := 0, -1
		for i, r := range l.text {
			if n == len(t.key) {
				cut = i
				break
			}
			if unicode.IsLetter(r) {
				n += len(lettersKey(string(r)))
			}
		}
		if cut < 0 {
			continue
		}
		head, tail := l.text[:cut], l.text[cut:]
		if r, _ := utf8.DecodeRuneInString(tail); unicode.IsLetter(r) {
			continue // the title's last word goes on: another word
		}
		if n, share := upperShare(head); n == 0 || share < 0.6 {
			continue
		}
		return t.typ, strings.Trim(tail, " :-,;."), true
	}
	return "", "", false
}

var reAbout = regexp.MustCompile(`(?i)^\(? ?(v ?[/.] ?v|ve ?viec)\b ?[:.,-]? ?`)

// aboutLine reports whether the line is a "Về việc …" / "V/v …" line, also in
// brackets as letters write it ("(V/v: khiếu nại …)"), and returns it without that
// prefix.
func (l hline) aboutLine() (rest string, ok bool) {
	m := reAbout.FindStringIndex(l.fold)
	if m == nil {
		return "", false
	}
	rest = strings.TrimSpace(l.orig(m[1], len(l.fold)))
	if strings.HasPrefix(l.fold, "(") {
		rest = strings.TrimSpace(strings.TrimSuffix(rest, ")"))
	}
	return rest, true
}

// authorities open the line that names the signing authority under a decision's
// subject ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH"); it ends an upper-case subject.
var authorities = []string{"UYBANNHANDAN", "UBND", "CHUTICH", "PHOCHUTICH", "GIAMDOC",
	"CHANHTHANHTRA", "THANHTRA", "TONGTHANHTRA", "BOTRUONG", "THUTUONG", "CHINHPHU",
	"HOIDONG", "TRUONGBAN", "TRUONGPHONG", "CUCTRUONG", "BANTIEPCONGDAN"}

func (l hline) isAuthority() bool {
	if n, share := upperShare(l.text); n == 0 || share < 0.7 {
		return false
	}
	k := lettersKey(l.text)
	for _, a := range authorities {
		if strings.HasPrefix(k, a) {
			return true
		}
	}
	return false
}

// subjectMaxLines bounds a subject; a longer run is body text.
const subjectMaxLines = 5

// subjectFrom collects the subject: first (the rest of the type or "V/v" line),
// then lines from start on while they continue it. A line continues the subject
// when its case matches (both upper case, or both with lower-case letters); the
// date and number of the other column, which interleaving may put in between, are
// skipped; the authority line, the body and another header line end it.
func subjectFrom(lines []hline, start, end int, first string) string {
	var parts []string
	if first != "" {
		parts = append(parts, first)
	}
	for i := start; i < end && len(parts) < subjectMaxLines; i++ {
		l := lines[i]
		if _, _, ok := l.number(); ok {
			continue
		}
		if _, before, ok := l.date(); ok && isDatePrefix(before) {
			continue
		}
		if l.isAuthority() {
			break
		}
		if t, _, ok := l.typeLine(); ok && !isLetterType(t) {
			break // a letter's title is no type line here: "… GIẢI QUYẾT / ĐƠN KHIẾU NẠI CỦA …"
		}
		if rest, ok := l.aboutLine(); ok {
			if rest != "" {
				parts = append(parts, rest)
			}
			continue
		}
		if len(parts) == 0 {
			parts = append(parts, l.text)
			continue
		}
		if hasLower(parts[len(parts)-1]) != hasLower(l.text) {
			break
		}
		parts = append(parts, l.text)
	}
	return strings.Join(parts, " ")
}

// issuerPart returns the part of a line above the number that belongs to the
// issuing body: upper-case text, without a joined "Số: …" or date.
func (l hline) issuerPart() string {
	s := l.text
	if before, _, ok := l.number(); ok {
		s = before
	} else if _, before, ok := l.date(); ok {
		_, s = splitPlace(before)
	}
	s = strings.Trim(s, " -–—_|:;,.")
	if n, share := upperShare(s); n < 2 || share < 0.7 {
		return ""
	}
	return s
}

// yearFromNumber repairs the year of a date that OCR misread by one digit (an
// italic 2025 read 2035) from the year in the document's number, which is the
// year of issue: "224/2025/NĐ-CP" dated "2035-08-14" is dated 2025-08-14. A year
// that differs by more than one digit is left alone: that is not a slip.
func yearFromNumber(date, number string) string {
	parts := strings.Split(number, "/")
	if date == "" || len(parts) < 3 || len(parts[1]) != 4 || !allDigits(parts[1]) {
		return date
	}
	year := parts[1]
	if date[:4] == year {
		return date
	}
	diff := 0
	for i := range 4 {
		if date[i] != year[i] {
			diff++
		}
	}
	if diff != 1 {
		return date
	}
	y, _ := strconv.Atoi(year)
	m, _ := strconv.Atoi(date[5:7])
	d, _ := strconv.Atoi(date[8:10])
	if fixed := validDate(y, m, d); fixed != "" {
		return fixed
	}
	return date
}
