package office_test

import (
	"os"
	"path/filepath"
	"testing"

	"kntc/ocr/office"
	"kntc/ocr/office/officetest"
)

// FuzzSniff: any bytes are recognised or refused, never a panic.
func FuzzSniff(f *testing.F) {
	for _, b := range [][]byte{officetest.DOCX(f, officetest.Letter), officetest.ODT(f, officetest.Letter), officetest.RTF(officetest.Letter),
		officetest.CFB("WordDocument"), officetest.CFB("EncryptedPackage"), []byte("PK\x03\x04"), {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}} {
		f.Add(b)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "f")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := office.Sniff(p, office.Limits{MaxUnzipped: 1 << 20}); err != nil && !office.IsPermanent(err) {
			t.Fatalf("Sniff: %v is not a problem of the file", err)
		}
	})
}

// FuzzUnicode: any XML in a .docx's document or an .odt's content is rewritten
// or refused as corrupt, never a panic.
func FuzzUnicode(f *testing.F) {
	f.Add(`<w:document xmlns:w="w"><w:body><w:p><w:r><w:rPr><w:rFonts w:hAnsi=".VnTime"/></w:rPr><w:t>QuyÕt ®Þnh</w:t></w:r></w:p></w:body></w:document>`, true)
	f.Add(`<office:document-content xmlns:office="o" xmlns:text="t" xmlns:style="s"><office:body><text:p>Quyeát ñònh <text:span text:style-name="T1">x</text:span></text:p></office:body></office:document-content>`, false)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, xml string, docx bool) {
		format, data := office.ODT, officetest.Zip(t,
			officetest.Entry{Name: "mimetype", Data: "application/vnd.oasis.opendocument.text", Stored: true},
			officetest.Entry{Name: "content.xml", Data: xml})
		if docx {
			format, data = office.DOCX, officetest.Zip(t,
				officetest.Entry{Name: "[Content_Types].xml", Data: "<Types/>"},
				officetest.Entry{Name: "word/document.xml", Data: xml})
		}
		p := filepath.Join(dir, "in."+string(format))
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := office.Unicode(p, format); err != nil && !office.IsPermanent(err) {
			t.Fatalf("Unicode: %v is not a problem of the file", err)
		}
	})
}
