package office

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"unicode"

	"kntc/internal/viet"
	"kntc/internal/vnlegacy"
)

// The legacy encodings are rewritten in the document's XML before LibreOffice
// converts it: each run of text in a TCVN3 or VNI font (or, whatever its font,
// whose content is clearly TCVN3 or VNI) gets its Unicode text, and every legacy
// font name becomes a Unicode font of the same style, so that the PDF/A shows and
// holds Unicode. The XML is edited in place, byte ranges of the original replaced
// (encoding/xml cannot write namespaced XML back as it read it): text nodes by
// their new text, start tags naming a legacy font by the same tag with the new
// name.

// edit replaces the bytes [start, end) of a part with text.
type edit struct {
	start, end int64
	text       string
}

// applyEdits returns data with edits (in any order, none overlapping) made.
func applyEdits(data []byte, edits []edit) []byte {
	slices.SortFunc(edits, func(a, b edit) int { return int(a.start - b.start) })
	var out bytes.Buffer
	out.Grow(len(data) + len(data)/8)
	var at int64
	for _, e := range edits {
		out.Write(data[at:e.start])
		out.WriteString(e.text)
		at = e.end
	}
	out.Write(data[at:])
	return out.Bytes()
}

// walkXML calls fn with every raw token of data (names with their prefixes as
// written, xml.Decoder.RawToken) and the byte range it came from.
func walkXML(data []byte, fn func(tok xml.Token, start, end int64)) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		start := d.InputOffset()
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		fn(tok, start, d.InputOffset())
	}
}

// startTag writes a start element read by RawToken back as XML.
func startTag(se xml.StartElement, selfClosing bool) string {
	var b strings.Builder
	b.WriteByte('<')
	writeName(&b, se.Name)
	for _, a := range se.Attr {
		b.WriteByte(' ')
		writeName(&b, a.Name)
		b.WriteString(`="`)
		b.WriteString(escapeXML(a.Value))
		b.WriteByte('"')
	}
	if selfClosing {
		b.WriteByte('/')
	}
	b.WriteByte('>')
	return b.String()
}

func writeName(b *strings.Builder, n xml.Name) {
	if n.Space != "" {
		b.WriteString(n.Space)
		b.WriteByte(':')
	}
	b.WriteString(n.Local)
}

func escapeXML(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// attr returns the value of the attribute with local name local.
func attr(se xml.StartElement, local string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// legacyFont reports whether a font name (possibly quoted, possibly a list)
// announces a legacy encoding.
func legacyFont(name string) bool {
	e, _ := vnlegacy.ByFont(fontName(name))
	return e != vnlegacy.Unicode
}

// fontName is the first family of a font attribute, without quotes.
func fontName(v string) string {
	if i := strings.IndexByte(v, ','); i >= 0 && (strings.HasPrefix(v, "'") || strings.HasPrefix(v, `"`)) {
		v = v[:i]
	}
	return strings.Trim(strings.TrimSpace(v), `'"`)
}

// unicodeFont is the Unicode font that stands for a legacy one: the same kind of
// face, under a name every office suite maps to a font it has (LibreOffice to
// the metric-compatible Liberation fonts).
func unicodeFont(legacy string) string {
	l := strings.ToLower(legacy)
	switch {
	case strings.Contains(l, "arial"), strings.Contains(l, "helve"), strings.Contains(l, "univers"), strings.Contains(l, "swiss"):
		return "Arial"
	case strings.Contains(l, "cour"):
		return "Courier New"
	}
	return "Times New Roman"
}

// renameFonts returns the edit that renames the legacy fonts named by the
// attributes of se whose local names are in attrs, and whether there is one.
func renameFonts(se xml.StartElement, start, end int64, selfClosing bool, attrs ...string) (edit, bool) {
	changed := false
	se.Attr = slices.Clone(se.Attr) // the caller still reads the names as they were
	for i, a := range se.Attr {
		if !slices.Contains(attrs, a.Name.Local) || !legacyFont(a.Value) {
			continue
		}
		nf := unicodeFont(fontName(a.Value))
		if strings.HasPrefix(strings.TrimSpace(a.Value), "'") {
			nf = "'" + nf + "'"
		}
		se.Attr[i].Value = nf
		changed = true
	}
	if !changed {
		return edit{}, false
	}
	return edit{start, end, startTag(se, selfClosing)}, true
}

// piece is one text node of a run, and where it lies in its part.
type piece struct {
	start, end int64
	text       string
}

// run is text set in one font: a Word run (w:r), an OpenDocument text node.
type run struct {
	font   string // the font its properties and styles resolve to
	pieces []piece
}

func (r *run) text() string {
	var b strings.Builder
	for _, p := range r.pieces {
		b.WriteString(p.text)
	}
	return b.String()
}

// paragraph is the runs of one paragraph, the unit legacy text is detected on.
type paragraph struct{ runs []*run }

// Counts says how many runs were converted from each legacy encoding.
type Counts struct {
	TCVN3, VNI int
}

func (c *Counts) add(e vnlegacy.Encoding) {
	switch e {
	case vnlegacy.TCVN3:
		c.TCVN3++
	case vnlegacy.VNI:
		c.VNI++
	}
}

// convertParagraphs decides the encoding of every run of paras and returns the
// edits that put their Unicode text in place. A run set in a legacy font is in
// its font's encoding. Any other run is looked at by content: alone when it says
// enough, else with the other such runs of its paragraph, else with those of the
// whole part, taken only when converting makes more of its words Vietnamese
// syllables; a run holding a letter only Unicode has is Unicode.
func convertParagraphs(paras []*paragraph, counts *Counts) []edit {
	sample := func(p *paragraph) string {
		var b strings.Builder
		for _, r := range p.runs {
			if t := r.text(); !legacyFont(r.font) && !strings.ContainsFunc(t, vnlegacy.UnicodeOnly) {
				b.WriteString(t)
			}
		}
		return b.String()
	}
	var all strings.Builder
	for _, p := range paras {
		all.WriteString(sample(p))
		all.WriteByte('\n')
	}
	partEnc := vnlegacy.Detect(all.String())
	var edits []edit
	for _, p := range paras {
		s := sample(p)
		paraEnc := vnlegacy.Detect(s)
		if paraEnc == vnlegacy.Unicode && partEnc != vnlegacy.Unicode && syllables(convertAs(partEnc, false, s)) > syllables(s) {
			paraEnc = partEnc
		}
		for _, r := range p.runs {
			enc, capitals := vnlegacy.ByFont(fontName(r.font))
			if enc == vnlegacy.Unicode {
				t := r.text()
				if strings.ContainsFunc(t, vnlegacy.UnicodeOnly) {
					continue
				}
				if enc = vnlegacy.Detect(t); enc == vnlegacy.Unicode {
					enc = paraEnc
				}
			}
			if enc == vnlegacy.Unicode {
				continue
			}
			changed := false
			for _, pc := range r.pieces {
				if u := convertAs(enc, capitals, pc.text); u != pc.text {
					edits = append(edits, edit{pc.start, pc.end, escapeXML(u)})
					changed = true
				}
			}
			if changed {
				counts.add(enc)
			}
		}
	}
	return edits
}

// convertAs converts legacy text of encoding e to Unicode NFC; capitals is an
// "H" font's (small letters drawn as capitals).
func convertAs(e vnlegacy.Encoding, capitals bool, s string) string {
	switch e {
	case vnlegacy.TCVN3:
		s = vnlegacy.FromTCVN3(s)
		if capitals {
			s = viet.NFC(strings.ToUpper(s))
		}
	case vnlegacy.VNI:
		s = vnlegacy.FromVNI(s)
	}
	return s
}

// syllables counts the words of s that spell Vietnamese syllables.
func syllables(s string) int {
	n := 0
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if viet.IsSyllable(w) {
			n++
		}
	}
	return n
}
