package pdfacheck

import (
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"unicode/utf8"
)

// The object model: PDF's basic types as Go values.
type (
	name  string
	str   []byte // a string object, literal or hex, as bytes
	array []any
	dict  map[name]any
	ref   struct{ num, gen int }
	// keyword is a bare word: a content-stream operator, or "stream" and "endobj" in
	// a file.
	keyword string
	// stream is a stream object: its dictionary and its bytes as stored.
	stream struct {
		dict dict
		raw  []byte
	}
)

var errSyntax = errors.New("syntax error")

// lexer reads PDF objects from b. Syntax rules PDF/A adds (hex strings, name
// length and encoding) are reported through note when it is set.
type lexer struct {
	b    []byte
	pos  int
	note func(clause, msg string)
}

func isSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isDelim(c byte) bool {
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == '/' || c == '%'
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

func (l *lexer) noted(clause, format string, args ...any) {
	if l.note != nil {
		l.note(clause, fmt.Sprintf(format, args...))
	}
}

// regular reads a run of regular characters.
func (l *lexer) regular() []byte {
	start := l.pos
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		l.pos++
	}
	return l.b[start:l.pos]
}

// object reads the next object; a ']' or '>>' ends an enclosing array or dictionary
// and is returned as a keyword. Depth bounds nesting against hostile input.
func (l *lexer) object(depth int) (any, error) {
	if depth > 100 {
		return nil, fmt.Errorf("%w: objects nested over 100 deep", errSyntax)
	}
	l.skipSpace()
	if l.pos >= len(l.b) {
		return nil, io.ErrUnexpectedEOF
	}
	switch c := l.b[l.pos]; {
	case c == '/':
		l.pos++
		return l.name()
	case c == '(':
		l.pos++
		return l.literal()
	case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
		l.pos += 2
		return l.dict(depth)
	case c == '<':
		l.pos++
		return l.hexString()
	case c == '>' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '>':
		l.pos += 2
		return keyword(">>"), nil
	case c == '[':
		l.pos++
		var a array
		for {
			o, err := l.object(depth + 1)
			if err != nil {
				return nil, err
			}
			if o == keyword("]") {
				return a, nil
			}
			if k, ok := o.(keyword); ok && k == ">>" {
				return nil, fmt.Errorf("%w: '>>' inside an array at byte %d", errSyntax, l.pos)
			}
			a = append(a, o)
		}
	case c == ']':
		l.pos++
		return keyword("]"), nil
	case c == '{' || c == '}':
		l.pos++
		return keyword(string(c)), nil
	case c == ')' || c == '>':
		return nil, fmt.Errorf("%w: unexpected %q at byte %d", errSyntax, c, l.pos)
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		return l.number()
	}
	w := l.regular()
	switch string(w) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	return keyword(w), nil
}

func (l *lexer) name() (any, error) {
	raw := l.regular()
	var n []byte
	for i := 0; i < len(raw); i++ {
		if raw[i] == '#' && i+2 < len(raw) {
			if v, err := strconv.ParseUint(string(raw[i+1:i+3]), 16, 8); err == nil {
				n = append(n, byte(v))
				i += 2
				continue
			}
		}
		n = append(n, raw[i])
	}
	if len(n) > 127 {
		l.noted("6.1.13", "name of %d bytes, over the limit of 127", len(n))
	}
	if !utf8.Valid(n) {
		l.noted("6.1.8", "name /%s is not valid UTF-8", raw)
	}
	return name(n), nil
}

func (l *lexer) literal() (any, error) {
	var s []byte
	depth := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return str(s), nil
			}
		case '\\':
			if l.pos >= len(l.b) {
				return nil, io.ErrUnexpectedEOF
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
						v = v*8 + int(l.b[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		s = append(s, c)
	}
	return nil, io.ErrUnexpectedEOF
}

func (l *lexer) hexString() (any, error) {
	end := bytes.IndexByte(l.b[l.pos:], '>')
	if end < 0 {
		return nil, io.ErrUnexpectedEOF
	}
	raw := l.b[l.pos : l.pos+end]
	l.pos += end + 1
	digits := make([]byte, 0, len(raw))
	for _, c := range raw {
		switch {
		case isSpace(c):
		case (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'):
			digits = append(digits, c)
		default:
			l.noted("6.1.6", "hexadecimal string with the character %q", c)
			return str(nil), nil
		}
	}
	if len(digits)%2 == 1 {
		l.noted("6.1.6", "hexadecimal string with an odd number of digits")
		digits = append(digits, '0')
	}
	s := make([]byte, len(digits)/2)
	_, _ = hex.Decode(s, digits)
	return str(s), nil
}

func (l *lexer) dict(depth int) (any, error) {
	d := dict{}
	for {
		k, err := l.object(depth + 1)
		if err != nil {
			return nil, err
		}
		if k == keyword(">>") {
			return d, nil
		}
		n, ok := k.(name)
		if !ok {
			return nil, fmt.Errorf("%w: dictionary key %v is not a name (byte %d)", errSyntax, k, l.pos)
		}
		v, err := l.object(depth + 1)
		if err != nil {
			return nil, err
		}
		if kw, ok := v.(keyword); ok && (kw == ">>" || kw == "]") {
			return nil, fmt.Errorf("%w: dictionary key /%s without a value", errSyntax, n)
		}
		d[n] = v
	}
}

// number reads an integer, a real, or the reference "n g R".
func (l *lexer) number() (any, error) {
	w := l.regular()
	if i, err := strconv.ParseInt(string(w), 10, 64); err == nil {
		save := l.pos
		if gen, ok := l.uint(); ok {
			l.skipSpace()
			if l.pos < len(l.b) && l.b[l.pos] == 'R' && (l.pos+1 == len(l.b) || isSpace(l.b[l.pos+1]) || isDelim(l.b[l.pos+1])) {
				l.pos++
				return ref{int(i), gen}, nil
			}
		}
		l.pos = save
		return i, nil
	}
	f, err := strconv.ParseFloat(string(w), 64)
	if err != nil {
		return nil, fmt.Errorf("%w: bad number %q", errSyntax, w)
	}
	return f, nil
}

// uint reads an unsigned integer after white space, for "n g R" and "n g obj".
func (l *lexer) uint() (int, bool) {
	l.skipSpace()
	start := l.pos
	for l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '9' {
		l.pos++
	}
	if l.pos == start || l.pos-start > 10 || (l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos])) {
		return 0, false
	}
	v, _ := strconv.Atoi(string(l.b[start:l.pos]))
	return v, true
}

// file is a parsed PDF: its cross-reference entries, trailer and objects.
type file struct {
	b        []byte
	entries  map[int]entry
	trailer  dict
	cache    map[int]any
	busy     map[int]bool  // objects being loaded, against reference cycles
	scanned  map[int]entry // "n g obj" headers found by scanning, built on demand
	problems *[]Problem
}

// entry is one cross-reference entry for an object in use.
type entry struct {
	off      int64 // byte offset of "n g obj", when inStream is 0
	gen      int
	inStream int // number of the object stream holding the object, or 0
	index    int // its index in that stream
	classic  bool
}

func (f *file) problem(clause string, obj int, format string, args ...any) {
	*f.problems = append(*f.problems, Problem{Clause: clause, Object: obj, Message: fmt.Sprintf(format, args...)})
}

// resolve follows a reference; other values are returned as they are.
func (f *file) resolve(v any) any {
	for range 32 {
		r, ok := v.(ref)
		if !ok {
			return v
		}
		v = f.load(r.num)
	}
	return nil
}

func (f *file) dictOf(v any) dict {
	switch d := f.resolve(v).(type) {
	case dict:
		return d
	case *stream:
		return d.dict
	}
	return nil
}

func (f *file) streamOf(v any) *stream {
	s, _ := f.resolve(v).(*stream)
	return s
}

func (f *file) nameOf(v any) name {
	n, _ := f.resolve(v).(name)
	return n
}

func (f *file) intOf(v any) (int64, bool) {
	switch n := f.resolve(v).(type) {
	case int64:
		return n, true
	case float64:
		return int64(n), n == float64(int64(n))
	}
	return 0, false
}

// load returns object num, or nil when it does not exist or cannot be read.
func (f *file) load(num int) any {
	if v, ok := f.cache[num]; ok {
		return v
	}
	if f.busy[num] {
		return nil
	}
	f.busy[num] = true
	defer delete(f.busy, num)
	e, ok := f.entries[num]
	var v any
	switch {
	case !ok:
		v = nil
	case e.inStream != 0:
		v = f.fromObjectStream(num, e)
	default:
		var err error
		v, err = f.objectAt(num, e.gen, int(e.off))
		if err != nil {
			if e.classic {
				f.problem("6.1.4", num, "cross-reference entry points at byte %d: %v", e.off, err)
			}
			if se, ok := f.scan()[num]; ok && se.off != e.off {
				v, _ = f.objectAt(num, se.gen, int(se.off))
			} else {
				v = nil
			}
		}
	}
	f.cache[num] = v
	return v
}

var objHeader = regexp.MustCompile(`(?:^|[\r\n\t\f\x00 ])(\d{1,10})[\r\n\t\f\x00 ]+(\d{1,5})[\r\n\t\f\x00 ]+obj\b`)

// scan finds "n g obj" headers in the whole file, the repair a reader does when the
// cross-reference table is broken; the last definition of a number wins.
func (f *file) scan() map[int]entry {
	if f.scanned != nil {
		return f.scanned
	}
	f.scanned = map[int]entry{}
	for _, m := range objHeader.FindAllSubmatchIndex(f.b, -1) {
		n, _ := strconv.Atoi(string(f.b[m[2]:m[3]]))
		g, _ := strconv.Atoi(string(f.b[m[4]:m[5]]))
		f.scanned[n] = entry{off: int64(m[2]), gen: g}
	}
	return f.scanned
}

// objectAt parses "num gen obj …" at off, with its stream when it has one; num < 0
// accepts any number.
func (f *file) objectAt(num, gen, off int) (any, error) {
	if off < 0 || off >= len(f.b) {
		return nil, fmt.Errorf("offset %d outside the file", off)
	}
	l := &lexer{b: f.b, pos: off, note: func(c, m string) { f.problem(c, num, "%s", m) }}
	n, ok1 := l.uint()
	g, ok2 := l.uint()
	l.skipSpace()
	if num < 0 {
		num, gen = n, g
	}
	if !ok1 || !ok2 || n != num || g != gen || !bytes.HasPrefix(f.b[l.pos:], []byte("obj")) {
		return nil, fmt.Errorf("no \"%d %d obj\" there", num, gen)
	}
	l.pos += 3
	v, err := l.object(0)
	if err != nil {
		return nil, err
	}
	d, ok := v.(dict)
	if !ok {
		return v, nil
	}
	save := l.pos
	l.skipSpace()
	if !bytes.HasPrefix(f.b[l.pos:], []byte("stream")) {
		l.pos = save
		return d, nil
	}
	return f.streamBody(num, d, l.pos+len("stream"))
}

// streamBody reads the data of a stream whose keyword ends at p, checking the
// layout PDF/A-2 6.1.7.1 demands: an EOL of CRLF or LF after "stream", Length
// bytes of data, an EOL before "endstream".
func (f *file) streamBody(num int, d dict, p int) (*stream, error) {
	switch {
	case bytes.HasPrefix(f.b[p:], []byte("\r\n")):
		p += 2
	case bytes.HasPrefix(f.b[p:], []byte("\n")):
		p++
	default:
		f.problem("6.1.7.1", num, "the stream keyword is not followed by CRLF or LF")
		if p < len(f.b) && f.b[p] == '\r' {
			p++
		}
	}
	length, ok := f.intOf(d["Length"])
	end := p + int(length)
	if ok && length >= 0 && end <= len(f.b) {
		rest := f.b[end:]
		for _, eol := range []string{"\r\nendstream", "\nendstream", "\rendstream"} {
			if bytes.HasPrefix(rest, []byte(eol)) {
				return &stream{dict: d, raw: f.b[p:end]}, nil
			}
		}
		if bytes.HasPrefix(rest, []byte("endstream")) {
			f.problem("6.1.7.1", num, "no end-of-line marker before endstream")
			return &stream{dict: d, raw: f.b[p:end]}, nil
		}
	}
	i := bytes.Index(f.b[p:], []byte("endstream"))
	if i < 0 {
		return nil, fmt.Errorf("stream without endstream")
	}
	data := f.b[p : p+i]
	data = bytes.TrimSuffix(data, []byte("\n"))
	data = bytes.TrimSuffix(data, []byte("\r"))
	f.problem("6.1.7.1", num, "stream /Length %v does not match its %d bytes of data", d["Length"], len(data))
	return &stream{dict: d, raw: data}, nil
}

func (f *file) fromObjectStream(num int, e entry) any {
	s := f.streamOf(ref{e.inStream, 0})
	if s == nil {
		return nil
	}
	data, err := f.decode(s)
	if err != nil {
		return nil
	}
	n, _ := f.intOf(s.dict["N"])
	first, _ := f.intOf(s.dict["First"])
	if n < 0 || n > 1<<20 || first < 0 || first > int64(len(data)) {
		return nil
	}
	l := &lexer{b: data}
	for i := range int(n) {
		on, ok1 := l.uint()
		off, ok2 := l.uint()
		if !ok1 || !ok2 {
			return nil
		}
		if i == e.index && on == num {
			ol := &lexer{b: data, pos: int(first) + off, note: func(c, m string) { f.problem(c, num, "%s", m) }}
			v, err := ol.object(0)
			if err != nil {
				return nil
			}
			return v
		}
	}
	return nil
}

// decode applies the stream's filters. Image codecs (DCT, CCITT, JBIG2, JPX) are
// not decoded: the checker never needs their pixels.
func (f *file) decode(s *stream) ([]byte, error) {
	filters, parms := f.filters(s.dict)
	data := s.raw
	for i, fl := range filters {
		var err error
		switch fl {
		case "FlateDecode", "Fl":
			data, err = inflate(data)
			if err == nil {
				data, err = unpredict(data, f.dictOf(parms[i]), f)
			}
		case "ASCIIHexDecode", "AHx":
			data, err = asciiHex(data)
		case "ASCII85Decode", "A85":
			data, err = ascii85Decode(data)
		default:
			return nil, fmt.Errorf("filter %s not decoded", fl)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fl, err)
		}
	}
	return data, nil
}

// filters lists a stream's filter names and their parameters, index for index.
func (f *file) filters(d dict) ([]name, []any) {
	var names []name
	var parms []any
	switch v := f.resolve(d["Filter"]).(type) {
	case name:
		names = []name{v}
		parms = []any{d["DecodeParms"]}
	case array:
		pa, _ := f.resolve(d["DecodeParms"]).(array)
		for i, x := range v {
			names = append(names, f.nameOf(x))
			var p any
			if i < len(pa) {
				p = pa[i]
			}
			parms = append(parms, p)
		}
	}
	return names, parms
}

func inflate(b []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	// A limit against decompression bombs: no stream a checker reads is this big.
	out, err := io.ReadAll(io.LimitReader(zr, 256<<20))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return out, nil
}

// unpredict reverses the PNG predictors (Predictor 10–15) Flate streams may use.
func unpredict(b []byte, parms dict, f *file) ([]byte, error) {
	if parms == nil {
		return b, nil
	}
	pred, _ := f.intOf(parms["Predictor"])
	if pred < 10 {
		return b, nil
	}
	colors, bpc, columns := int64(1), int64(8), int64(1)
	if v, ok := f.intOf(parms["Colors"]); ok {
		colors = v
	}
	if v, ok := f.intOf(parms["BitsPerComponent"]); ok {
		bpc = v
	}
	if v, ok := f.intOf(parms["Columns"]); ok {
		columns = v
	}
	if colors < 1 || colors > 32 || bpc < 1 || bpc > 16 || columns < 1 || columns > 1<<20 {
		return nil, errors.New("bad predictor parameters")
	}
	bpp := int(max(1, colors*bpc/8))
	rowLen := int((colors*bpc*columns + 7) / 8)
	var out []byte
	prev := make([]byte, rowLen)
	for len(b) > 0 {
		if len(b) < rowLen+1 {
			return nil, errors.New("predicted data ends inside a row")
		}
		t, row := b[0], slices.Clone(b[1:rowLen+1])
		b = b[rowLen+1:]
		for i := range row {
			var a, c byte
			if i >= bpp {
				a, c = row[i-bpp], prev[i-bpp]
			}
			switch t {
			case 0:
			case 1:
				row[i] += a
			case 2:
				row[i] += prev[i]
			case 3:
				row[i] += byte((int(a) + int(prev[i])) / 2)
			case 4:
				row[i] += paeth(a, prev[i], c)
			default:
				return nil, fmt.Errorf("PNG filter type %d", t)
			}
		}
		out = append(out, row...)
		prev = row
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func asciiHex(b []byte) ([]byte, error) {
	var digits []byte
	for _, c := range b {
		if c == '>' {
			break
		}
		if !isSpace(c) {
			digits = append(digits, c)
		}
	}
	if len(digits)%2 == 1 {
		digits = append(digits, '0')
	}
	out := make([]byte, len(digits)/2)
	_, err := hex.Decode(out, digits)
	return out, err
}

func ascii85Decode(b []byte) ([]byte, error) {
	if i := bytes.Index(b, []byte("~>")); i >= 0 {
		b = b[:i]
	}
	b = bytes.TrimPrefix(bytes.TrimSpace(b), []byte("<~"))
	out := make([]byte, 4*len(b)/5+4)
	n, _, err := ascii85.Decode(out, b, true)
	return out[:n], err
}
