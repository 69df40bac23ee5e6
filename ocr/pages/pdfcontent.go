package pages

import (
	"math"
	"strconv"
)

// A scanner's PDF page draws one image over the whole page:
//
//	q 595 0 0 842 0 0 cm /Im0 Do Q
//
// and an OCRed scan adds invisible text (text render mode 3) on top. simpleContent
// recognises such content streams with a small tokenizer and interpreter that accept
// only operators that cannot change what the page looks like besides that one image;
// anything else (paths, shadings, inline images, graphics state dictionaries, visible
// text, a second XObject) means the page is rendered instead.

// imageUse is the one image a simple page draws.
type imageUse struct {
	name  string     // resource name of the XObject
	ctm   [6]float64 // transformation in effect at Do: the unit square → page space
	black bool       // the fill colour at Do is black (matters for stencil masks)
}

type gstate struct {
	ctm    [6]float64
	render int // text rendering mode
	black  bool
}

// simpleContent reports the image drawn by content when content draws exactly one
// XObject and nothing else visible.
func simpleContent(content []byte) (imageUse, bool) {
	const maxOperands, maxDepth = 64, 32
	var (
		use      imageUse
		found    bool
		lx       = lexer{b: content}
		gs       = gstate{ctm: [6]float64{1, 0, 0, 1, 0, 0}, black: true}
		stack    []gstate
		operands []token
		nesting  int // depth inside [ ] or << >>
	)
	for {
		t := lx.next()
		switch t.kind {
		case tokEOF:
			return use, found && nesting == 0
		case tokBad:
			return use, false
		case tokOpenArray, tokOpenDict:
			if nesting++; nesting > maxDepth {
				return use, false
			}
			continue
		case tokCloseArray, tokCloseDict:
			if nesting--; nesting < 0 {
				return use, false
			}
			if nesting == 0 {
				operands = append(operands, token{kind: tokArray})
			}
			continue
		}
		if nesting > 0 {
			if t.kind == tokOp && t.text != "true" && t.text != "false" && t.text != "null" {
				return use, false
			}
			continue
		}
		if t.kind != tokOp || t.text == "true" || t.text == "false" || t.text == "null" {
			if operands = append(operands, t); len(operands) > maxOperands {
				return use, false
			}
			continue
		}
		nums, allNums := numbers(operands)
		switch op := t.text; op {
		case "q":
			if stack = append(stack, gs); len(stack) > maxDepth {
				return use, false
			}
		case "Q":
			if len(stack) == 0 {
				return use, false
			}
			gs, stack = stack[len(stack)-1], stack[:len(stack)-1]
		case "cm":
			if len(nums) != 6 || !allNums {
				return use, false
			}
			gs.ctm = multiply([6]float64(nums), gs.ctm)
		case "Do":
			if found || len(operands) != 1 || operands[0].kind != tokName {
				return use, false
			}
			found = true
			use = imageUse{name: operands[0].text, ctm: gs.ctm, black: gs.black}
		case "Tr":
			if len(nums) != 1 || !allNums {
				return use, false
			}
			gs.render = int(nums[0])
		case "Tj", "TJ", "'", `"`:
			if gs.render != 3 { // 3: neither fill nor stroke
				return use, false
			}
		case "g":
			gs.black = allNums && len(nums) == 1 && nums[0] == 0
		case "rg":
			gs.black = allNums && len(nums) == 3 && nums[0] == 0 && nums[1] == 0 && nums[2] == 0
		case "k":
			gs.black = allNums && len(nums) == 4 && nums[0] == 0 && nums[1] == 0 && nums[2] == 0 && nums[3] == 1
		case "cs", "sc", "scn":
			gs.black = false
		case "BT", "ET", "Tf", "Td", "TD", "Tm", "T*", "Tc", "Tw", "Tz", "TL", "Ts",
			"BMC", "BDC", "EMC", "MP", "DP", "BX", "EX",
			"w", "J", "j", "M", "d", "ri", "i",
			"G", "RG", "K", "CS", "SC", "SCN":
			// Harmless: text state, marked content, line style, stroke colour.
		default:
			return use, false
		}
		operands = operands[:0]
	}
}

func numbers(ts []token) ([]float64, bool) {
	v := make([]float64, 0, len(ts))
	for _, t := range ts {
		if t.kind != tokNumber {
			return v, false
		}
		v = append(v, t.num)
	}
	return v, true
}

// multiply returns m × n for PDF matrices [a b c d e f].
func multiply(m, n [6]float64) [6]float64 {
	return [6]float64{
		m[0]*n[0] + m[1]*n[2],
		m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2],
		m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4],
		m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

type tokKind int

const (
	tokEOF tokKind = iota
	tokBad
	tokNumber
	tokName
	tokString
	tokOpenArray
	tokCloseArray
	tokOpenDict
	tokCloseDict
	tokArray // an array or dictionary operand, contents ignored
	tokOp
)

type token struct {
	kind tokKind
	text string
	num  float64
}

// lexer splits a content stream into tokens (PDF 32000-1 7.2, 7.3).
type lexer struct {
	b []byte
	i int
}

func isSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (l *lexer) next() token {
	for l.i < len(l.b) {
		c := l.b[l.i]
		if isSpace(c) {
			l.i++
			continue
		}
		if c == '%' {
			for l.i < len(l.b) && l.b[l.i] != '\n' && l.b[l.i] != '\r' {
				l.i++
			}
			continue
		}
		break
	}
	if l.i >= len(l.b) {
		return token{kind: tokEOF}
	}
	c := l.b[l.i]
	switch c {
	case '[':
		l.i++
		return token{kind: tokOpenArray}
	case ']':
		l.i++
		return token{kind: tokCloseArray}
	case '<':
		if l.i+1 < len(l.b) && l.b[l.i+1] == '<' {
			l.i += 2
			return token{kind: tokOpenDict}
		}
		end := l.i + 1
		for end < len(l.b) && l.b[end] != '>' {
			if !isSpace(l.b[end]) && !isHex(l.b[end]) {
				return token{kind: tokBad}
			}
			end++
		}
		if end >= len(l.b) {
			return token{kind: tokBad}
		}
		l.i = end + 1
		return token{kind: tokString}
	case '>':
		if l.i+1 < len(l.b) && l.b[l.i+1] == '>' {
			l.i += 2
			return token{kind: tokCloseDict}
		}
		return token{kind: tokBad}
	case '(':
		depth := 0
		for ; l.i < len(l.b); l.i++ {
			switch l.b[l.i] {
			case '\\':
				l.i++
			case '(':
				depth++
			case ')':
				if depth--; depth == 0 {
					l.i++
					return token{kind: tokString}
				}
			}
		}
		return token{kind: tokBad}
	case ')', '{', '}':
		return token{kind: tokBad}
	case '/':
		start := l.i + 1
		l.i = start
		for l.i < len(l.b) && !isSpace(l.b[l.i]) && !isDelim(l.b[l.i]) {
			l.i++
		}
		return token{kind: tokName, text: string(l.b[start:l.i])}
	}
	start := l.i
	for l.i < len(l.b) && !isSpace(l.b[l.i]) && !isDelim(l.b[l.i]) {
		l.i++
	}
	word := string(l.b[start:l.i])
	if c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9' {
		v, err := strconv.ParseFloat(word, 64)
		if err != nil || len(word) > 32 || math.IsInf(v, 0) || math.IsNaN(v) {
			return token{kind: tokBad}
		}
		return token{kind: tokNumber, num: v}
	}
	return token{kind: tokOp, text: word}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
