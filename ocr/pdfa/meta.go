package pdfa

import (
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"

	"kntc/internal/viet"
)

// Meta is the document's metadata. Each field is written twice, in the Info
// dictionary and in the XMP packet, with the same value: PDF/A validators fail files
// whose two copies disagree.
type Meta struct {
	// Title is the document's subject (trích yếu) when known, else a name for it:
	// Info /Title and dc:title. Omitted when empty.
	Title string
	// Author is who issued the document: Info /Author and dc:creator.
	Author string
	// Subject describes the document: Info /Subject and dc:description.
	Subject string
	// Keywords: Info /Keywords and pdf:Keywords.
	Keywords string
	// Lang is the BCP 47 language of the text, "vi-VN" for kntc's documents: the
	// catalog's /Lang and dc:language. Omitted when empty.
	Lang string
	// CreateDate is when the archive copy was made: Info /CreationDate and /ModDate,
	// xmp:CreateDate, xmp:ModifyDate and xmp:MetadataDate, to the second, in the
	// time's own zone. The zero time means now.
	CreateDate time.Time
	// Producer names the software and its version, "kntc <version>": Info /Producer
	// and pdf:Producer. "kntc" when empty.
	Producer string
}

var langTag = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)

// clean normalises the metadata once, so that both copies are written from the same
// values: text in NFC with control characters (which XML cannot carry) replaced by
// spaces, dates to the second.
func (m Meta) clean() (Meta, error) {
	text := func(s string) string {
		s = strings.Map(func(r rune) rune {
			switch {
			case r == '\uFEFF' || r == '\uFFFE' || r == '\uFFFF':
				return -1
			case unicode.IsControl(r):
				return ' '
			}
			return r
		}, viet.NFC(s))
		return strings.Join(strings.Fields(s), " ")
	}
	m.Title, m.Author, m.Subject, m.Keywords = text(m.Title), text(m.Author), text(m.Subject), text(m.Keywords)
	m.Producer = text(m.Producer)
	if m.Producer == "" {
		m.Producer = "kntc"
	}
	m.Lang = strings.TrimSpace(m.Lang)
	if m.Lang != "" && !langTag.MatchString(m.Lang) {
		return m, fmt.Errorf("language %q is not a BCP 47 tag", m.Lang)
	}
	if m.CreateDate.IsZero() {
		m.CreateDate = time.Now()
	}
	m.CreateDate = m.CreateDate.Truncate(time.Second)
	return m, nil
}

// pdfDate is the PDF date format, D:YYYYMMDDHHmmSS+HH'mm'.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, off/3600, off/60%60)
}

// xmpDate is the same instant in XMP's ISO 8601 form with the same offset.
func xmpDate(t time.Time) string { return t.Format("2006-01-02T15:04:05-07:00") }

// pdfString writes s as a PDF text string: a literal in PDFDocEncoding when s is
// printable ASCII, else UTF-16BE with a byte order mark, in hex.
func pdfString(s string) string {
	ascii := true
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
		return "(" + r.Replace(s) + ")"
	}
	u := utf16.Encode([]rune(s))
	b := []byte{0xfe, 0xff}
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return "<" + strings.ToUpper(hex.EncodeToString(b)) + ">"
}

// infoDict returns the entries of the document information dictionary.
func infoDict(m Meta) string {
	var b strings.Builder
	entry := func(key, value string) {
		if value != "" {
			fmt.Fprintf(&b, " /%s %s", key, pdfString(value))
		}
	}
	entry("Title", m.Title)
	entry("Author", m.Author)
	entry("Subject", m.Subject)
	entry("Keywords", m.Keywords)
	entry("Producer", m.Producer)
	entry("CreationDate", pdfDate(m.CreateDate))
	entry("ModDate", pdfDate(m.CreateDate))
	return b.String()
}

// xmpPacket returns the XMP metadata: PDF/A identification and the Info
// dictionary's values in their predefined-schema properties (no extension schema is
// needed for any of them).
func xmpPacket(m Meta) []byte {
	esc := func(s string) string {
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	var b strings.Builder
	b.WriteString("<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	b.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/">` + "\n")
	b.WriteString(` <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` + "\n")
	b.WriteString(`  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">` + "\n")
	b.WriteString("   <pdfaid:part>2</pdfaid:part>\n   <pdfaid:conformance>U</pdfaid:conformance>\n")
	b.WriteString("  </rdf:Description>\n")
	b.WriteString(`  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">` + "\n")
	b.WriteString("   <dc:format>application/pdf</dc:format>\n")
	if m.Title != "" {
		fmt.Fprintf(&b, "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:title>\n", esc(m.Title))
	}
	if m.Author != "" {
		fmt.Fprintf(&b, "   <dc:creator><rdf:Seq><rdf:li>%s</rdf:li></rdf:Seq></dc:creator>\n", esc(m.Author))
	}
	if m.Subject != "" {
		fmt.Fprintf(&b, "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:description>\n", esc(m.Subject))
	}
	if m.Lang != "" {
		fmt.Fprintf(&b, "   <dc:language><rdf:Bag><rdf:li>%s</rdf:li></rdf:Bag></dc:language>\n", esc(m.Lang))
	}
	b.WriteString("  </rdf:Description>\n")
	b.WriteString(`  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">` + "\n")
	d := xmpDate(m.CreateDate)
	fmt.Fprintf(&b, "   <xmp:CreateDate>%s</xmp:CreateDate>\n   <xmp:ModifyDate>%s</xmp:ModifyDate>\n   <xmp:MetadataDate>%s</xmp:MetadataDate>\n", d, d, d)
	b.WriteString("  </rdf:Description>\n")
	b.WriteString(`  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">` + "\n")
	fmt.Fprintf(&b, "   <pdf:Producer>%s</pdf:Producer>\n", esc(m.Producer))
	if m.Keywords != "" {
		fmt.Fprintf(&b, "   <pdf:Keywords>%s</pdf:Keywords>\n", esc(m.Keywords))
	}
	b.WriteString("  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n")
	// No padding: archive copies are content-addressed and never edited in place.
	b.WriteString(`<?xpacket end="w"?>`)
	return []byte(b.String())
}
