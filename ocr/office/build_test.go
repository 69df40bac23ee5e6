package office_test

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

// A document for the tests: paragraphs of runs, each run's text given in
// Unicode and written in the encoding its font announces (or enc).
type trun struct {
	font, text string
	enc        vnlegacy.Encoding // the encoding of a run whose font does not say it
}

type tpara struct {
	legacyStyle bool // set in a paragraph style whose font is .VnTime, no font of its own
	runs        []trun
}

// stored is how the run's text is stored in the file.
func (r trun) stored(styleFont string) string {
	font := r.font
	if font == "" {
		font = styleFont
	}
	enc, capitals := vnlegacy.ByFont(font)
	if enc == vnlegacy.Unicode {
		enc = r.enc
	}
	switch enc {
	case vnlegacy.TCVN3:
		if capitals {
			return vnlegacytest.ToTCVN3(strings.ToLower(r.text))
		}
		return vnlegacytest.ToTCVN3(r.text)
	case vnlegacy.VNI:
		return vnlegacytest.ToVNI(r.text)
	}
	return r.text
}

// letter is a decision's header with every kind of run: Unicode, TCVN3 in
// .VnTime and .VnTimeH (a heading font), VNI, TCVN3 through a paragraph style,
// and TCVN3 in a Unicode font (told by content), mixed in one paragraph.
var letter = []tpara{
	{runs: []trun{{font: "Times New Roman", text: "ỦY BAN NHÂN DÂN"}}},
	{runs: []trun{{font: ".VnTimeH", text: "HUYỆN CHÂU THÀNH"}}},
	{runs: []trun{{font: "Times New Roman", text: "Số: 12/QĐ-UBND"}}},
	{runs: []trun{{font: "VNI-Times", text: "Châu Thành, ngày 05 tháng 3 năm 2024"}}},
	{runs: []trun{{font: ".VnTimeH", text: "QUYẾT ĐỊNH"}}},
	{legacyStyle: true, runs: []trun{{text: "Về việc thụ lý giải quyết khiếu nại lần đầu"}}},
	{runs: []trun{
		{font: "Times New Roman", text: "Căn cứ Luật Khiếu nại "},
		{font: "VNI-Times", text: "ngày 11 tháng 11 năm 2011 "},
		{font: "Arial", text: "của Quốc hội về khiếu nại và tố cáo", enc: vnlegacy.TCVN3},
	}},
}

const styleFont = ".VnTime"

// text is the document's text in Unicode NFC, a paragraph a line.
func text(paras []tpara) string {
	var b strings.Builder
	for _, p := range paras {
		for _, r := range p.runs {
			b.WriteString(r.text)
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

type entry struct {
	name   string
	data   string
	stored bool
}

func zipOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		m := zip.Deflate
		if e.stored {
			m = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: m})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// makeDOCX writes paras as a .docx, its XML written by hand.
func makeDOCX(t testing.TB, paras []tpara) []byte {
	const w = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	var body strings.Builder
	for _, p := range paras {
		body.WriteString("<w:p>")
		if p.legacyStyle {
			body.WriteString(`<w:pPr><w:pStyle w:val="VnBody"/></w:pPr>`)
		}
		for _, r := range p.runs {
			body.WriteString("<w:r>")
			if r.font != "" {
				fmt.Fprintf(&body, `<w:rPr><w:rFonts w:ascii="%s" w:hAnsi="%s" w:cs="%s"/></w:rPr>`, escape(r.font), escape(r.font), escape(r.font))
			}
			fmt.Fprintf(&body, `<w:t xml:space="preserve">%s</w:t></w:r>`, escape(r.stored(styleFont)))
		}
		body.WriteString("</w:p>")
	}
	return zipOf(t,
		entry{name: "[Content_Types].xml", data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>`},
		entry{name: "_rels/.rels", data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		entry{name: "word/_rels/document.xml.rels", data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`},
		entry{name: "word/styles.xml", data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles ` + w + `><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/><w:sz w:val="26"/></w:rPr></w:rPrDefault></w:docDefaults>` +
			`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>` +
			`<w:style w:type="paragraph" w:styleId="VnBody"><w:name w:val="Vn Body"/><w:basedOn w:val="Normal"/><w:rPr><w:rFonts w:ascii="` + styleFont + `" w:hAnsi="` + styleFont + `"/></w:rPr></w:style></w:styles>`},
		entry{name: "word/document.xml", data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ` + w + `><w:body>` + body.String() + `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="0" w:footer="0" w:gutter="0"/></w:sectPr></w:body></w:document>`},
	)
}

const odfNS = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2"`

// odfFonts declares the fonts of paras as font faces F0…, with a text style T0…
// for each, and the paragraph style PVn in styleFont.
func odfFonts(paras []tpara) (faces, styles string, style map[string]string) {
	fonts := []string{styleFont}
	for _, p := range paras {
		for _, r := range p.runs {
			if r.font != "" && !strings.Contains(strings.Join(fonts, "\x00"), r.font) {
				fonts = append(fonts, r.font)
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
	return zipOf(t,
		entry{name: "mimetype", data: mime, stored: true},
		entry{name: "META-INF/manifest.xml", data: `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="` + mime + `"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`},
		entry{name: "content.xml", data: content},
	)
}

// makeODT writes paras as an .odt.
func makeODT(t testing.TB, paras []tpara) []byte {
	faces, styles, style := odfFonts(paras)
	var body strings.Builder
	for _, p := range paras {
		if p.legacyStyle {
			body.WriteString(`<text:p text:style-name="PVn">`)
		} else {
			body.WriteString(`<text:p>`)
		}
		for _, r := range p.runs {
			if r.font == "" {
				body.WriteString(escape(r.stored(styleFont)))
				continue
			}
			fmt.Fprintf(&body, `<text:span text:style-name="T%s">%s</text:span>`, style[r.font], escape(r.stored(styleFont)))
		}
		body.WriteString("</text:p>")
	}
	return odfZip(t, "application/vnd.oasis.opendocument.text", `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content `+odfNS+`>`+faces+styles+`<office:body><office:text>`+body.String()+`</office:text></office:body></office:document-content>`)
}

// makeODS writes paras as an .ods, a paragraph a row, in one cell whose style
// sets the font of its first run (a paragraph of several runs gets spans).
func makeODS(t testing.TB, paras []tpara) []byte {
	faces, styles, style := odfFonts(paras)
	var body strings.Builder
	for _, p := range paras {
		cellFont := styleFont
		if !p.legacyStyle {
			cellFont = p.runs[0].font
		}
		fmt.Fprintf(&body, `<table:table-row><table:table-cell table:style-name="ce%s" office:value-type="string"><text:p>`, style[cellFont])
		for i, r := range p.runs {
			if i == 0 {
				body.WriteString(escape(r.stored(styleFont)))
				continue
			}
			fmt.Fprintf(&body, `<text:span text:style-name="T%s">%s</text:span>`, style[r.font], escape(r.stored(styleFont)))
		}
		body.WriteString(`</text:p></table:table-cell></table:table-row>`)
	}
	return odfZip(t, "application/vnd.oasis.opendocument.spreadsheet", `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content `+odfNS+`>`+faces+styles+`<office:body><office:spreadsheet><table:table table:name="Sheet1"><table:table-column table:style-name="co1"/>`+body.String()+`</table:table></office:spreadsheet></office:body></office:document-content>`)
}

// makeRTF writes paras as RTF by hand: legacy text as the Latin-1 bytes it is,
// Unicode as \u escapes.
func makeRTF(paras []tpara) []byte {
	fonts := map[string]int{styleFont: 0}
	order := []string{styleFont}
	for _, p := range paras {
		for _, r := range p.runs {
			if _, ok := fonts[r.font]; r.font != "" && !ok {
				fonts[r.font] = len(order)
				order = append(order, r.font)
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
		for _, r := range p.runs {
			font := r.font
			if font == "" {
				font = styleFont
			}
			fmt.Fprintf(&b, `{\f%d\fs26 `, fonts[font])
			for _, c := range r.stored(styleFont) {
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

// makeCFB writes an OLE2 compound file whose directory holds streams named
// names (empty): enough for Sniff, which reads the directory only.
func makeCFB(names ...string) []byte {
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
