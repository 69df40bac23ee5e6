package pdfacheck

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

const (
	nsRDF    = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsXML    = "http://www.w3.org/XML/1998/namespace"
	nsDC     = "http://purl.org/dc/elements/1.1/"
	nsXMP    = "http://ns.adobe.com/xap/1.0/"
	nsPDF    = "http://ns.adobe.com/pdf/1.3/"
	nsPDFAID = "http://www.aiim.org/pdfa/ns/id/"
)

// xmpProp is one property of an XMP packet: a simple value, or the items of an
// rdf:Alt, rdf:Seq or rdf:Bag (with the xml:lang of Alt items).
type xmpProp struct {
	text  string
	items []string
	langs map[string]string
}

// value is the property's single value: the text, or the x-default (else the only)
// item of an array.
func (p xmpProp) value() (string, bool) {
	if len(p.items) == 0 {
		return p.text, true
	}
	if v, ok := p.langs["x-default"]; ok {
		return v, true
	}
	if len(p.items) == 1 {
		return p.items[0], true
	}
	return "", false
}

var xpacketHeader = regexp.MustCompile(`<\?xpacket\s[^?]*\?>`)

// metadata: PDF/A-2 6.6.2.1 (a metadata stream, an XMP packet without bytes or
// encoding attributes, well-formed), 6.6.4 (pdfaid:part 2 and a conformance level)
// and the Info dictionary's agreement with it.
func (c *checker) metadata(catalog int) {
	mv := c.catalogD["Metadata"]
	obj := catalog
	if r, ok := mv.(ref); ok {
		obj = r.num
	}
	s := c.f.streamOf(mv)
	if s == nil {
		c.problem("6.6.2.1", catalog, "the catalog has no /Metadata stream")
		return
	}
	if c.f.nameOf(s.dict["Type"]) != "Metadata" || c.f.nameOf(s.dict["Subtype"]) != "XML" {
		c.problem("6.6.2.1", obj, "the metadata stream lacks /Type /Metadata and /Subtype /XML")
	}
	data, err := c.f.decode(s)
	if err != nil {
		c.problem("6.6.2.1", obj, "the metadata stream cannot be decoded: %v", err)
		return
	}
	if h := xpacketHeader.Find(data); h == nil {
		c.problem("6.6.2.1", obj, "no XMP packet header (<?xpacket begin=…?>)")
	} else if bytes.Contains(h, []byte("bytes=")) || bytes.Contains(h, []byte("encoding=")) {
		c.problem("6.6.2.1", obj, "the XMP packet header has a bytes or encoding attribute")
	}
	props, err := parseXMP(data)
	if err != nil {
		c.problem("6.6.2.1", obj, "the XMP metadata is not well-formed: %v", err)
		return
	}
	part, ok := props[nsPDFAID+" part"].value()
	if !ok || part != "2" {
		c.problem("6.6.4", obj, "pdfaid:part is %q, want 2", part)
	}
	conf, _ := props[nsPDFAID+" conformance"].value()
	c.conformance = conf
	if conf != "A" && conf != "B" && conf != "U" {
		c.problem("6.6.4", obj, "pdfaid:conformance is %q, want A, B or U", conf)
	}
	c.infoAgreement(props, obj)
}

// infoAgreement compares each Info entry with its XMP equivalent: same text, same
// instant for dates.
func (c *checker) infoAgreement(props map[string]xmpProp, obj int) {
	infoObj := 0
	if r, ok := c.f.trailer["Info"].(ref); ok {
		infoObj = r.num
	}
	info := c.f.dictOf(c.f.trailer["Info"])
	const clause = "19005-1:6.7.3"
	texts := []struct {
		key  name
		prop string
	}{
		{"Title", nsDC + " title"}, {"Subject", nsDC + " description"}, {"Keywords", nsPDF + " Keywords"},
		{"Creator", nsXMP + " CreatorTool"}, {"Producer", nsPDF + " Producer"},
	}
	for _, t := range texts {
		s, ok := c.f.resolve(info[t.key]).(str)
		if !ok {
			continue
		}
		want := pdfText(s)
		p, present := props[t.prop]
		got, single := p.value()
		if !present || !single || got != want {
			c.problem(clause, infoObj, "Info /%s %q disagrees with XMP %s %q", t.key, want, shortProp(t.prop), got)
		}
	}
	if s, ok := c.f.resolve(info["Author"]).(str); ok {
		want := pdfText(s)
		p := props[nsDC+" creator"]
		if len(p.items) != 1 || p.items[0] != want {
			c.problem(clause, infoObj, "Info /Author %q disagrees with XMP dc:creator %q", want, p.items)
		}
	}
	dates := []struct {
		key  name
		prop string
	}{{"CreationDate", nsXMP + " CreateDate"}, {"ModDate", nsXMP + " ModifyDate"}}
	for _, d := range dates {
		s, ok := c.f.resolve(info[d.key]).(str)
		if !ok {
			continue
		}
		p, present := props[d.prop]
		want, err1 := parsePDFDate(string(s))
		got, err2 := parseXMPDate(p.text)
		switch {
		case err1 != nil:
			c.problem("6.1.5", infoObj, "Info /%s %q is not a PDF date", d.key, s)
		case !present || err2 != nil || !want.Equal(got):
			c.problem(clause, infoObj, "Info /%s %q disagrees with XMP %s %q", d.key, s, shortProp(d.prop), p.text)
		}
	}
}

func shortProp(p string) string {
	for ns, prefix := range map[string]string{nsDC: "dc:", nsXMP: "xmp:", nsPDF: "pdf:"} {
		if rest, ok := strings.CutPrefix(p, ns+" "); ok {
			return prefix + rest
		}
	}
	return p
}

// parseXMP collects the properties of every rdf:Description, keyed "namespace local".
func parseXMP(data []byte) (map[string]xmpProp, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	props := map[string]xmpProp{}
	key := func(n xml.Name) string { return n.Space + " " + n.Local }
	desc := xml.Name{Space: nsRDF, Local: "Description"}
	li := xml.Name{Space: nsRDF, Local: "li"}
	var stack []xml.Name
	cur, lang := "", ""
	inLi := false
	var text strings.Builder
	sawRDF := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			var parent xml.Name
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			stack = append(stack, t.Name)
			switch {
			case t.Name == xml.Name{Space: nsRDF, Local: "RDF"}:
				sawRDF = true
			case t.Name == desc:
				for _, a := range t.Attr {
					if a.Name.Space != nsRDF && a.Name.Space != "xmlns" && a.Name.Space != "" {
						props[key(a.Name)] = xmpProp{text: a.Value}
					}
				}
			case parent == desc:
				cur = key(t.Name)
				props[cur] = xmpProp{langs: map[string]string{}}
				text.Reset()
			case cur != "" && t.Name == li:
				inLi, lang = true, ""
				for _, a := range t.Attr {
					if a.Name.Space == nsXML && a.Name.Local == "lang" {
						lang = a.Value
					}
				}
				text.Reset()
			}
		case xml.CharData:
			if cur != "" {
				text.Write(t)
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			switch {
			case inLi && t.Name == li:
				p := props[cur]
				p.items = append(p.items, text.String())
				if lang != "" {
					p.langs[lang] = text.String()
				}
				props[cur] = p
				inLi = false
				text.Reset()
			case cur != "" && key(t.Name) == cur && len(stack) > 0 && stack[len(stack)-1] == desc:
				p := props[cur]
				if len(p.items) == 0 {
					p.text = text.String()
				}
				props[cur] = p
				cur = ""
			}
		}
	}
	if !sawRDF {
		return nil, errors.New("no rdf:RDF element")
	}
	return props, nil
}

// pdfDocEncoding maps the bytes where PDFDocEncoding differs from Latin-1.
var pdfDocEncoding = map[byte]rune{
	0x18: '˘', 0x19: 'ˇ', 0x1a: 'ˆ', 0x1b: '˙', 0x1c: '˝', 0x1d: '˛', 0x1e: '˚', 0x1f: '˜',
	0x80: '•', 0x81: '†', 0x82: '‡', 0x83: '…', 0x84: '—', 0x85: '–', 0x86: 'ƒ', 0x87: '⁄',
	0x88: '‹', 0x89: '›', 0x8a: '−', 0x8b: '‰', 0x8c: '„', 0x8d: '“', 0x8e: '”', 0x8f: '‘',
	0x90: '’', 0x91: '‚', 0x92: '™', 0x93: 'ﬁ', 0x94: 'ﬂ', 0x95: 'Ł', 0x96: 'Œ', 0x97: 'Š',
	0x98: 'Ÿ', 0x99: 'Ž', 0x9a: 'ı', 0x9b: 'ł', 0x9c: 'œ', 0x9d: 'š', 0x9e: 'ž', 0xa0: '€',
}

// pdfText decodes a PDF text string: UTF-16BE or UTF-8 with a byte order mark, else
// PDFDocEncoding.
func pdfText(s []byte) string {
	switch {
	case len(s) >= 2 && s[0] == 0xfe && s[1] == 0xff:
		u := make([]uint16, 0, len(s)/2)
		for i := 2; i+1 < len(s); i += 2 {
			u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
		}
		return string(utf16.Decode(u))
	case bytes.HasPrefix(s, []byte("\xef\xbb\xbf")):
		return string(s[3:])
	}
	var b strings.Builder
	for _, c := range s {
		if r, ok := pdfDocEncoding[c]; ok {
			b.WriteRune(r)
		} else {
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}

var (
	// "Z00'00'" (Ghostscript writes it) is accepted: ISO 32000-1 7.9.4 lets the
	// hour and minute offsets follow Z, and veraPDF takes them.
	pdfDateRE = regexp.MustCompile(`^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:(Z)(?:00(?:'00'?)?)?|([+-])(\d{2})(?:'(\d{2})'?)?)?$`)
	xmpDateRE = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))?)?)?)?$`)
)

func atoiOr(s string, def int) int {
	if s == "" {
		return def
	}
	v, _ := strconv.Atoi(s)
	return v
}

// parsePDFDate reads D:YYYYMMDDHHmmSSOHH'mm'; missing fields take their lowest value
// and a missing zone is UTC.
func parsePDFDate(s string) (time.Time, error) {
	m := pdfDateRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return time.Time{}, errors.New("not a PDF date")
	}
	loc := time.UTC
	if m[8] != "" {
		off := atoiOr(m[9], 0)*3600 + atoiOr(m[10], 0)*60
		if m[8] == "-" {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	return time.Date(atoiOr(m[1], 0), time.Month(atoiOr(m[2], 1)), atoiOr(m[3], 1),
		atoiOr(m[4], 0), atoiOr(m[5], 0), atoiOr(m[6], 0), 0, loc), nil
}

// parseXMPDate reads the ISO 8601 forms XMP allows.
func parseXMPDate(s string) (time.Time, error) {
	m := xmpDateRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return time.Time{}, errors.New("not an XMP date")
	}
	loc := time.UTC
	if m[9] != "" {
		off := atoiOr(m[10], 0)*3600 + atoiOr(m[11], 0)*60
		if m[9] == "-" {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	nsec := 0
	if m[7] != "" {
		frac := (m[7] + "000000000")[:9]
		nsec = atoiOr(frac, 0)
	}
	return time.Date(atoiOr(m[1], 0), time.Month(atoiOr(m[2], 1)), atoiOr(m[3], 1),
		atoiOr(m[4], 0), atoiOr(m[5], 0), atoiOr(m[6], 0), nsec, loc), nil
}
