// Package redact makes the public copy of a decision (bản công khai), scanned or
// typed: it finds on the page images, through the word boxes (OCR's for a scanned
// page, the text layer's for a typed one: TextPages), what must not be published
// (ID numbers, phone numbers, e-mail addresses, the names and addresses it is told
// of), burns the chosen rectangles black in the pixels, rebuilds the PDF/A with a
// new invisible text layer of the words that remain and a "BẢN CÔNG KHAI" band, and
// checks the result: its extracted text holds none of the redacted strings in any
// diacritics form, and the pixels under every rectangle are black.
package redact

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"kntc/ingest"
	"kntc/internal/viet"
)

// Reasons a rectangle is proposed for.
const (
	ReasonCCCD      = "cccd"      // a 12-digit citizen identity card number
	ReasonCMND      = "cmnd"      // a 9-digit identity card number
	ReasonPhone     = "phone"     // a Vietnamese mobile or landline number
	ReasonEmail     = "email"     // an e-mail address
	ReasonParty     = "party"     // a party's name, address, ID or phone
	ReasonDenouncer = "denouncer" // the denouncer's identity (Luật Tố cáo 2018, Điều 47)
	ReasonManual    = "manual"    // drawn by the leader
)

// Rect is a rectangle to black out on page Page (1-based), in the pixels of the
// page image the OCR words are in (origin top left, X1 and Y1 exclusive).
type Rect struct {
	Page   int    `json:"page"`
	X0     int    `json:"x0"`
	Y0     int    `json:"y0"`
	X1     int    `json:"x1"`
	Y1     int    `json:"y1"`
	Reason string `json:"reason"`
	// Text is what the rectangle covers as OCR read it; filled by Propose and by
	// Build, never shown for a denouncer's rectangle (the caller clears it).
	Text string `json:"-"`
}

// Page is one page of the document with its words: OCR's, or its text layer's
// (TextPages).
type Page struct {
	Number int
	Width  int // pixels of the page image the words are in
	Height int
	DPI    int
	Words  []ingest.Word
}

// Term is something the document must not show: a name, an address, an ID or a
// phone number, found on folded text (OCR that misreads a diacritic still
// matches) across as many words as it spans.
type Term struct {
	Text   string
	Reason string // ReasonParty or ReasonDenouncer
}

// token is one folded word piece of a page and the OCR word it is in.
type token struct {
	text string
	word int
}

// numeric is a word that is a number or part of one ("0912", "345.678", "+84",
// "CCCD:079187654321"), with its digits.
var numericCore = regexp.MustCompile(`^[+(]?[0-9][0-9.\-() ]*$`)

var emailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

// Propose returns the rectangles to black out on the pages: every ID number,
// phone number and e-mail address, and every occurrence of a term. A match
// spanning several lines gives one rectangle per line.
func Propose(pages []Page, terms []Term) []Rect {
	var out []Rect
	for _, p := range pages {
		out = append(out, proposePage(p, terms)...)
	}
	for i := 1; i < len(pages); i++ {
		out = append(out, acrossPages(pages[i-1], pages[i], terms)...)
	}
	out = mergeSame(out)
	slices.SortStableFunc(out, func(a, b Rect) int { return a.Page - b.Page })
	return out
}

// edgeLines is how many lines at the foot of a page and at the head of the next
// are looked at together for a name or number a page break cuts in two.
const edgeLines = 2

// acrossPages returns the rectangles for what a page break cuts in two: a name or
// address that starts on a's last lines and ends on b's first, a number whose
// digits run on from a's last word to b's first. Lines holding only a page number
// ("2", "- 2 -") are passed over.
func acrossPages(a, b Page, terms []Term) []Rect {
	tail, head := edgeWords(a.Words, false), edgeWords(b.Words, true)
	if len(tail) == 0 || len(head) == 0 {
		return nil
	}
	// Words of both edges in one list: a's first, then b's.
	words := make([]ingest.Word, 0, len(tail)+len(head))
	for _, i := range tail {
		words = append(words, a.Words[i])
	}
	for _, i := range head {
		w := b.Words[i]
		w.Block = -1 - w.Block // b's lines never count as a's
		words = append(words, w)
	}
	var out []Rect
	add := func(idx []int, reason string) {
		var onA, onB []int
		for _, k := range idx {
			if k < len(tail) {
				onA = append(onA, tail[k])
			} else {
				onB = append(onB, head[k-len(tail)])
			}
		}
		if len(onA) == 0 || len(onB) == 0 {
			return // on one page: proposePage found it
		}
		out = append(out, boxes(a, onA, reason)...)
		out = append(out, boxes(b, onB, reason)...)
	}
	findTerms(words, terms, add)
	return out
}

// edgeWords returns the indexes of the words on a page's last edgeLines lines
// (head false) or first edgeLines lines (head true), in reading order, passing
// over lines that hold only a page number.
func edgeWords(words []ingest.Word, head bool) []int {
	type span struct{ from, to int }
	var lines []span
	for i, w := range words {
		if i == 0 || [3]int{w.Block, w.Par, w.Line} != [3]int{words[i-1].Block, words[i-1].Par, words[i-1].Line} {
			lines = append(lines, span{i, i})
		}
		lines[len(lines)-1].to = i + 1
	}
	var keep []span
	for k := range lines {
		l := lines[k]
		if !head {
			l = lines[len(lines)-1-k]
		}
		if pageNumberLine(words[l.from:l.to]) {
			continue
		}
		keep = append(keep, l)
		if len(keep) == edgeLines {
			break
		}
	}
	if !head {
		slices.Reverse(keep)
	}
	var out []int
	for _, l := range keep {
		for i := l.from; i < l.to; i++ {
			out = append(out, i)
		}
	}
	return out
}

// pageNumberLine reports whether a line holds only a page number: one to three
// digits, perhaps between dashes ("- 2 -", "Trang 2" is a word, and stays).
func pageNumberLine(ws []ingest.Word) bool {
	var t strings.Builder
	for _, w := range ws {
		t.WriteString(w.Text)
	}
	s := strings.Trim(t.String(), "-–—.· ")
	if s == "" || len(s) > 3 {
		return false
	}
	return digits(s) == s
}

func proposePage(p Page, terms []Term) []Rect {
	var out []Rect
	add := func(words []int, reason string) {
		out = append(out, boxes(p, words, reason)...)
	}
	// E-mail addresses: within a word.
	for i, w := range p.Words {
		if emailRe.MatchString(w.Text) {
			add([]int{i}, ReasonEmail)
		}
	}
	findTerms(p.Words, terms, add)
	return mergeSame(out)
}

// findTerms calls add with the words of every number to black out (runs of
// numeric words on one line, and those line breaks cut: wrappedRuns) and of every
// occurrence of a name or address term (folded word sequences, across lines).
func findTerms(words []ingest.Word, terms []Term, add func(words []int, reason string)) {
	termDigits := numberTerms(terms)
	runs := numberRuns(words)
	for _, run := range append(runs, wrappedRuns(words, runs)...) {
		if reason := classify(run, termDigits); reason != "" {
			add(run.words, reason)
		}
	}
	var toks []token
	for i, w := range words {
		for _, f := range strings.Fields(viet.FoldWords(w.Text)) {
			toks = append(toks, token{f, i})
		}
	}
	for _, t := range terms {
		for _, needle := range termNeedles(t.Text) {
			for _, idx := range findSeq(toks, needle) {
				add(idx, t.Reason)
			}
		}
	}
}

// numberTerms are the terms that are numbers (an ID, a phone), by their digits.
func numberTerms(terms []Term) map[string]string {
	out := map[string]string{}
	for _, t := range terms {
		if d := digits(t.Text); len(d) >= 9 && len(d)*2 >= len(strings.ReplaceAll(t.Text, " ", "")) {
			out[d] = t.Reason
		}
	}
	return out
}

// termNeedles are the folded word sequences a term is looked for as: the whole
// term, and for an address its parts between commas of three words or more
// ("số 14 đường Trưng Nữ Vương"), and for a name of three words or more its last
// two (the given name a text refers to again: "bà Diễm Hương"). A number is found
// by numberRuns instead; a single word would match everywhere.
func termNeedles(s string) [][]string {
	var out [][]string
	whole := strings.Fields(viet.FoldWords(s))
	if len(whole) < 2 || len(digits(s))*2 >= len(strings.ReplaceAll(s, " ", "")) {
		return nil
	}
	out = append(out, whole)
	if strings.Contains(s, ",") {
		for _, part := range strings.Split(s, ",") {
			if f := strings.Fields(viet.FoldWords(part)); len(f) >= 3 && len(f) < len(whole) {
				out = append(out, f)
			}
		}
	} else if len(whole) >= 3 && !hasDigit(s) {
		out = append(out, whole[len(whole)-2:])
	}
	return out
}

// Parts returns the forms a term is also found by (termNeedles), as text: an
// address's parts between commas of three words or more, the last two words of
// a name of three or more. A check looks for these too.
func Parts(s string) []string {
	var out []string
	for i, n := range termNeedles(s) {
		if i > 0 {
			out = append(out, strings.Join(n, " "))
		}
	}
	return out
}

func hasDigit(s string) bool { return strings.ContainsFunc(s, unicode.IsDigit) }

// findSeq returns the words of every occurrence of needle in toks.
func findSeq(toks []token, needle []string) [][]int {
	var out [][]int
	for i := 0; i+len(needle) <= len(toks); i++ {
		ok := true
		for j, n := range needle {
			if toks[i+j].text != n {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		var words []int
		for j := range needle {
			if w := toks[i+j].word; !slices.Contains(words, w) {
				words = append(words, w)
			}
		}
		out = append(out, words)
	}
	return out
}

// run is a number as written over consecutive words of one line.
type run struct {
	words  []int
	digits string
	dotted bool // groups separated by dots: an amount (1.500.000) unless it starts with 0
	plus   bool // written with a leading + (+84)
}

// numberRuns returns the runs of numeric words, each within one line; a comma or
// semicolon after a word ends its run.
func numberRuns(words []ingest.Word) []run {
	var out []run
	var cur *run
	lastLine := [3]int{-1, -1, -1}
	for i, w := range words {
		core, label := numericPart(w.Text)
		line := [3]int{w.Block, w.Par, w.Line}
		if core == "" || line != lastLine || label {
			if cur != nil {
				out = append(out, *cur)
				cur = nil
			}
		}
		lastLine = line
		if core == "" {
			continue
		}
		if cur == nil {
			cur = &run{plus: strings.HasPrefix(core, "+")}
		}
		cur.words = append(cur.words, i)
		cur.digits += digits(core)
		cur.dotted = cur.dotted || strings.Contains(core, ".")
		if strings.HasSuffix(strings.TrimSpace(w.Text), ",") || strings.HasSuffix(strings.TrimSpace(w.Text), ";") {
			out = append(out, *cur)
			cur = nil
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}

// wrappedRuns returns the numbers line breaks cut in pieces ("0987 246" at the
// end of a line, "135," at the start of the next, as justified text wraps them;
// a number set in a narrow column may take three lines): each run that ends its
// line joined with the run that starts the next one, and that with the one after.
// They are looked at besides the runs themselves, so that joining numbers that
// merely follow each other never hides any of them.
func wrappedRuns(words []ingest.Word, runs []run) []run {
	var out []run
	for i := 1; i < len(runs); i++ {
		cur := runs[i-1]
		for j := i; j < len(runs) && j <= i+1; j++ {
			if !wraps(words, runs[j-1], runs[j]) {
				break
			}
			b := runs[j]
			cur = run{words: append(slices.Clone(cur.words), b.words...), digits: cur.digits + b.digits,
				dotted: cur.dotted || b.dotted, plus: cur.plus}
			out = append(out, cur)
		}
	}
	return out
}

// wraps reports whether run b continues run a on the next line: b's first word
// follows a's last, on another line, and neither a comma or semicolon after a nor
// a label before b ("ĐT:") ends the number.
func wraps(words []ingest.Word, a, b run) bool {
	last, first := a.words[len(a.words)-1], b.words[0]
	wl, wf := words[last], words[first]
	if first != last+1 || [3]int{wl.Block, wl.Par, wl.Line} == [3]int{wf.Block, wf.Par, wf.Line} {
		return false
	}
	if t := strings.TrimSpace(wl.Text); strings.HasSuffix(t, ",") || strings.HasSuffix(t, ";") {
		return false
	}
	_, label := numericPart(wf.Text)
	return !label
}

// numericPart returns the number in a word: the word without trailing punctuation
// and without a leading label ending in ':' ("ĐT:0912…"), when what is left is
// digits and separators; label reports that a label was cut (a new number starts).
func numericPart(s string) (core string, label bool) {
	s = strings.TrimRight(strings.TrimSpace(s), ".,;:")
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s, label = s[i+1:], true
	}
	if !numericCore.MatchString(s) || !hasDigit(s) {
		return "", false
	}
	return s, label
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// classify says why a run of digits must be blacked out, or "".
func classify(r run, terms map[string]string) string {
	d := r.digits
	for t, reason := range terms {
		if strings.Contains(d, t) || len(t) > 9 && t[0] == '0' && strings.Contains(d, "84"+t[1:]) {
			return reason
		}
	}
	if r.dotted && !strings.HasPrefix(d, "0") {
		return "" // an amount of money: 1.500.000.000
	}
	switch {
	case phone(d, r.plus):
		return ReasonPhone
	case len(d) == 12:
		return ReasonCCCD
	case len(d) == 9:
		return ReasonCMND
	}
	return ""
}

// phone reports whether d is a Vietnamese phone number: a mobile number (10
// digits, 03/05/07/08/09), a landline with its area code (11 digits, 02…), or
// either with the country code 84 instead of the 0.
func phone(d string, plus bool) bool {
	if strings.HasPrefix(d, "84") && (len(d) == 11 || len(d) == 12) {
		d = "0" + d[2:]
	} else if plus {
		return false
	}
	switch {
	case len(d) == 10 && d[0] == '0' && strings.ContainsRune("35789", rune(d[1])):
		return true
	case len(d) == 11 && strings.HasPrefix(d, "02"):
		return true
	}
	return false
}

// boxes returns the rectangles covering words of p: one per OCR line, padded a
// little so that no ink of the letters is left at the edges.
func boxes(p Page, words []int, reason string) []Rect {
	type key [3]int
	var order []key
	byLine := map[key]*Rect{}
	for _, i := range words {
		w := p.Words[i]
		if w.X1 <= w.X0 || w.Y1 <= w.Y0 {
			continue
		}
		k := key{w.Block, w.Par, w.Line}
		r, ok := byLine[k]
		if !ok {
			r = &Rect{Page: p.Number, X0: w.X0, Y0: w.Y0, X1: w.X1, Y1: w.Y1, Reason: reason}
			byLine[k] = r
			order = append(order, k)
		} else {
			r.X0, r.Y0, r.X1, r.Y1 = min(r.X0, w.X0), min(r.Y0, w.Y0), max(r.X1, w.X1), max(r.Y1, w.Y1)
		}
		r.Text = strings.TrimSpace(r.Text + " " + w.Text)
	}
	var out []Rect
	for _, k := range order {
		r := *byLine[k]
		pad := max(3, (r.Y1-r.Y0)/5)
		r.X0, r.Y0 = max(0, r.X0-pad), max(0, r.Y0-pad)
		r.X1, r.Y1 = r.X1+pad, r.Y1+pad
		if p.Width > 0 {
			r.X1 = min(r.X1, p.Width)
		}
		if p.Height > 0 {
			r.Y1 = min(r.Y1, p.Height)
		}
		out = append(out, r)
	}
	return out
}

// mergeSame drops rectangles proposed twice or inside another (a phone number
// that is also a party's, a given name within the full name): the first reason,
// the most specific, stays, unless the dropped one protects a denouncer.
func mergeSame(rs []Rect) []Rect {
	within := func(a, b Rect) bool { // a inside b
		return a.Page == b.Page && a.X0 >= b.X0 && a.Y0 >= b.Y0 && a.X1 <= b.X1 && a.Y1 <= b.Y1
	}
	var out []Rect
	for i, r := range rs {
		keep := true
		for j, o := range rs {
			if i == j || !within(r, o) {
				continue
			}
			if !within(o, r) || j < i { // strictly inside, or the same and seen first
				keep = false
				break
			}
		}
		if keep {
			for _, o := range rs {
				if o.Reason == ReasonDenouncer && within(o, r) {
					r.Reason = ReasonDenouncer
				}
			}
			out = append(out, r)
		}
	}
	return out
}
