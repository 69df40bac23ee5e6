// Package officetest writes office files for tests, from short texts: .docx,
// .odt and .ods whose XML it writes by hand, RTF, and the directory of an OLE2
// compound file. Runs are set in any font; a run in a TCVN3 or VNI font (or
// marked so) is stored in that legacy encoding, as old Vietnamese files are.
package officetest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"

	"kntc/internal/vnlegacy"
	"kntc/internal/vnlegacy/vnlegacytest"
)

// Run is a run of a test document: its text given in Unicode, stored in the
// encoding its font announces (or Enc).
type Run struct {
	Font, Text string
	Enc        vnlegacy.Encoding // the encoding of a run whose font does not say it
}

// Para is a paragraph of a test document.
type Para struct {
	LegacyStyle bool // set in a paragraph style whose font is StyleFont, no font of its own
	Runs        []Run
}

// Stored is the run's text as the file stores it.
func (r Run) Stored() string {
	font := r.Font
	if font == "" {
		font = StyleFont
	}
	enc, capitals := vnlegacy.ByFont(font)
	if enc == vnlegacy.Unicode {
		enc = r.Enc
	}
	switch enc {
	case vnlegacy.TCVN3:
		if capitals {
			return vnlegacytest.ToTCVN3(strings.ToLower(r.Text))
		}
		return vnlegacytest.ToTCVN3(r.Text)
	case vnlegacy.VNI:
		return vnlegacytest.ToVNI(r.Text)
	}
	return r.Text
}

// Letter is a decision's header with every kind of run: Unicode, TCVN3 in
// .VnTime and .VnTimeH (a heading font), VNI, TCVN3 through a paragraph style,
// and TCVN3 in a Unicode font (told by content), mixed in one paragraph. Its
// TCVN3 runs have words with ư, byte 0xAD in TCVN3: the soft hyphen of Latin-1,
// which LibreOffice would neither draw nor put in the text layer.
var Letter = []Para{
	{Runs: []Run{{Font: "Times New Roman", Text: "ỦY BAN NHÂN DÂN"}}},
	{Runs: []Run{{Font: ".VnTimeH", Text: "HUYỆN CHÂU THÀNH"}}},
	{Runs: []Run{{Font: "Times New Roman", Text: "Số: 12/QĐ-UBND"}}},
	{Runs: []Run{{Font: "VNI-Times", Text: "Châu Thành, ngày 05 tháng 3 năm 2024"}}},
	{Runs: []Run{{Font: ".VnTimeH", Text: "QUYẾT ĐỊNH"}}},
	{LegacyStyle: true, Runs: []Run{{Text: "Về việc thụ lý giải quyết khiếu nại lần đầu của ông Trương Văn Lưu"}}},
	{Runs: []Run{
		{Font: "Times New Roman", Text: "Căn cứ Luật Khiếu nại "},
		{Font: "VNI-Times", Text: "ngày 11 tháng 11 năm 2011 "},
		{Font: "Arial", Text: "của Quốc hội về khiếu nại và tố cáo của người dân", Enc: vnlegacy.TCVN3},
	}},
}

// StyleFont is the font of the paragraph style LegacyStyle paragraphs are in.
const StyleFont = ".VnTime"

// Text is the document's text in Unicode NFC, a paragraph a line.
func Text(paras []Para) string {
	var b strings.Builder
	for _, p := range paras {
		for _, r := range p.Runs {
			b.WriteString(r.Text)
		}
		b.WriteByte('\n')
	}
	return norm.NFC.String(b.String())
}

func escape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Entry is a zip entry.
type Entry struct {
	Name   string
	Data   string
	Stored bool
}

func Zip(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		m := zip.Deflate
		if e.Stored {
			m = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: m})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.Data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// DOCX writes paras as a .docx, its XML written by hand.
func DOCX(t testing.TB, paras []Para) []byte {
	const w = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	var body strings.Builder
	for _, p := range paras {
		body.WriteString("<w:p>")
		if p.LegacyStyle {
			body.WriteString(`<w:pPr><w:pStyle w:val="VnBody"/></w:pPr>`)
		}
		for _, r := range p.Runs {
			body.WriteString("<w:r>")
			if r.Font != "" {
				fmt.Fprintf(&body, `<w:rPr><w:rFonts w:ascii="%s" w:hAnsi="%s" w:cs="%s"/></w:rPr>`, escape(r.Font), escape(r.Font), escape(r.Font))
			}
			fmt.Fprintf(&body, `<w:t xml:space="preserve">%s</w:t></w:r>`, escape(r.Stored()))
		}
		body.WriteString("</w:p>")
	}
	return Zip(t,
		Entry{Name: "[Content_Types].xml", Data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>`},
		Entry{Name: "_rels/.rels", Data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		Entry{Name: "word/_rels/document.xml.rels", Data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`},
		Entry{Name: "word/styles.xml", Data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles ` + w + `><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/><w:sz w:val="26"/></w:rPr></w:rPrDefault></w:docDefaults>` +
			`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>` +
			`<w:style w:type="paragraph" w:styleId="VnBody"><w:name w:val="Vn Body"/><w:basedOn w:val="Normal"/><w:rPr><w:rFonts w:ascii="` + StyleFont + `" w:hAnsi="` + StyleFont + `"/></w:rPr></w:style></w:styles>`},
		Entry{Name: "word/document.xml", Data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ` + w + `><w:body>` + body.String() + `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="0" w:footer="0" w:gutter="0"/></w:sectPr></w:body></w:document>`},
	)
}

const odfNS = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2"`

// odfFonts declares the fonts of paras as font faces F0…, with a text style T0…
// for each, and the paragraph style PVn in StyleFont.
func odfFonts(paras []Para) (faces, styles string, style map[string]string) {
	fonts := []string{StyleFont}
	for _, p := range paras {
		for _, r := range p.Runs {
			if r.Font != "" && !strings.Contains(strings.Join(fonts, "\x00"), r.Font) {
				fonts = append(fonts, r.Font)
			}
		}
	}
	style = map[string]string{}
	var f, s strings.Builder
	for i, font := range fonts {
		fmt.Fprintf(&f, `<style:font-face style:name="F%d" svg:font-family="&apos;%s&apos;"/>`, i, escape(font))
		fmt.Fprintf(&s, `<style:style style:name="T%d" style:family="text"><style:text-properties style:font-name="F%d"/></style:style>`, i, i)
		fmt.Fprintf(&s, `<style:style style:name="ce%d" style:family="table-cell"><style:text-properties style:font-name="F%d"/></style:style>`, i, i)
		style[font] = fmt.Sprint(i)
	}
	s.WriteString(`<style:style style:name="PVn" style:family="paragraph"><style:text-properties style:font-name="F0"/></style:style>`)
	s.WriteString(`<style:style style:name="co1" style:family="table-column"><style:table-column-properties style:column-width="16cm"/></style:style>`)
	return "<office:font-face-decls>" + f.String() + "</office:font-face-decls>", "<office:automatic-styles>" + s.String() + "</office:automatic-styles>", style
}

func odfZip(t testing.TB, mime, content string) []byte {
	return Zip(t,
		Entry{Name: "mimetype", Data: mime, Stored: true},
		Entry{Name: "META-INF/manifest.xml", Data: `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="` + mime + `"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`},
		Entry{Name: "content.xml", Data: content},
	)
}

// ODT writes paras as an .odt.
func ODT(t testing.TB, paras []Para) []byte {
	faces, styles, style := odfFonts(paras)
	var body strings.Builder
	for _, p := range paras {
		if p.LegacyStyle {
			body.WriteString(`<text:p text:style-name="PVn">`)
		} else {
			body.WriteString(`<text:p>`)
		}
		for _, r := range p.Runs {
			if r.Font == "" {
				body.WriteString(escape(r.Stored()))
				continue
			}
			fmt.Fprintf(&body, `<text:span text:style-name="T%s">%s</text:span>`, style[r.Font], escape(r.Stored()))
		}
		body.WriteString("</text:p>")
	}
	return odfZip(t, "application/vnd.oasis.opendocument.text", `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content `+odfNS+`>`+faces+styles+`<office:body><office:text>`+body.String()+`</office:text></office:body></office:document-content>`)
}

// ODS writes paras as an .ods, a paragraph a row, in one cell whose style
// sets the font of its first run (a paragraph of several runs gets spans).
func ODS(t testing.TB, paras []Para) []byte {
	faces, styles, style := odfFonts(paras)
	var body strings.Builder
	for _, p := range paras {
		cellFont := StyleFont
		if !p.LegacyStyle {
			cellFont = p.Runs[0].Font
		}
		fmt.Fprintf(&body, `<table:table-row><table:table-cell table:style-name="ce%s" office:value-type="string"><text:p>`, style[cellFont])
		for i, r := range p.Runs {
			if i == 0 {
				body.WriteString(escape(r.Stored()))
				continue
			}
			fmt.Fprintf(&body, `<text:span text:style-name="T%s">%s</text:span>`, style[r.Font], escape(r.Stored()))
		}
		body.WriteString(`</text:p></table:table-cell></table:table-row>`)
	}
	return odfZip(t, "application/vnd.oasis.opendocument.spreadsheet", `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content `+odfNS+`>`+faces+styles+`<office:body><office:spreadsheet><table:table table:name="Sheet1"><table:table-column table:style-name="co1"/>`+body.String()+`</table:table></office:spreadsheet></office:body></office:document-content>`)
}

// RTF writes paras as RTF by hand: legacy text as the Latin-1 bytes it is,
// Unicode as \u escapes.
func RTF(paras []Para) []byte {
	fonts := map[string]int{StyleFont: 0}
	order := []string{StyleFont}
	for _, p := range paras {
		for _, r := range p.Runs {
			if _, ok := fonts[r.Font]; r.Font != "" && !ok {
				fonts[r.Font] = len(order)
				order = append(order, r.Font)
			}
		}
	}
	var b strings.Builder
	b.WriteString(`{\rtf1\ansi\ansicpg1252\deff0{\fonttbl`)
	for i, f := range order {
		fmt.Fprintf(&b, `{\f%d\fnil\fcharset0 %s;}`, i, f)
	}
	b.WriteString("}\n")
	for _, p := range paras {
		b.WriteString(`\pard\plain `)
		for _, r := range p.Runs {
			font := r.Font
			if font == "" {
				font = StyleFont
			}
			fmt.Fprintf(&b, `{\f%d\fs26 `, fonts[font])
			for _, c := range r.Stored() {
				switch {
				case c == '\\' || c == '{' || c == '}':
					b.WriteString(`\` + string(c))
				case c < 0x80:
					b.WriteRune(c)
				case c <= 0xFF:
					fmt.Fprintf(&b, `\'%02x`, c)
				default:
					fmt.Fprintf(&b, `\u%d?`, int16(c))
				}
			}
			b.WriteString("}")
		}
		b.WriteString("\\par\n")
	}
	b.WriteString("}")
	return []byte(b.String())
}

// CFB writes an OLE2 compound file whose directory holds streams named
// names (empty): enough for Sniff, which reads the directory only.
func CFB(names ...string) []byte {
	const ssz = 512
	out := make([]byte, 3*ssz)
	h := out[:ssz]
	copy(h, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le := binary.LittleEndian
	le.PutUint16(h[0x18:], 0x3E)
	le.PutUint16(h[0x1A:], 3)
	le.PutUint16(h[0x1C:], 0xFFFE)
	le.PutUint16(h[0x1E:], 9)
	le.PutUint16(h[0x20:], 6)
	le.PutUint32(h[0x2C:], 1)          // FAT sectors
	le.PutUint32(h[0x30:], 1)          // first directory sector
	le.PutUint32(h[0x38:], 4096)       // mini stream cutoff
	le.PutUint32(h[0x3C:], 0xFFFFFFFE) // no mini FAT
	le.PutUint32(h[0x44:], 0xFFFFFFFE) // no DIFAT sectors
	for i := range 109 {
		le.PutUint32(h[0x4C+4*i:], 0xFFFFFFFF)
	}
	le.PutUint32(h[0x4C:], 0) // the FAT is sector 0
	fat := out[ssz : 2*ssz]
	for i := 0; i < ssz; i += 4 {
		le.PutUint32(fat[i:], 0xFFFFFFFF)
	}
	le.PutUint32(fat[0:], 0xFFFFFFFD) // sector 0: FAT
	le.PutUint32(fat[4:], 0xFFFFFFFE) // sector 1: directory, end of chain
	dir := out[2*ssz:]
	all := append([]string{"Root Entry"}, names...)
	for i, n := range all[:min(len(all), 4)] {
		e := dir[i*128 : (i+1)*128]
		u := utf16.Encode([]rune(n))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[0x40:], uint16(2*len(u)+2))
		e[0x42] = 2 // stream
		if i == 0 {
			e[0x42] = 5 // root storage
		}
		le.PutUint32(e[0x44:], 0xFFFFFFFF)
		le.PutUint32(e[0x48:], 0xFFFFFFFF)
		le.PutUint32(e[0x4C:], 0xFFFFFFFF)
		le.PutUint32(e[0x74:], 0xFFFFFFFE)
	}
	return out
}
