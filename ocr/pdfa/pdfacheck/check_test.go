package pdfacheck_test

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"kntc/ingest"
	"kntc/ocr/pdfa"
	"kntc/ocr/pdfa/pdfacheck"
)

// conforming builds a small PDF/A with kntc's writer: a bilevel page with a text
// layer and a grey JPEG page.
func conforming(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewGray(image.Rect(0, 0, 600, 200))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(50, 50, 250, 90), image.Black, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(300, 50, 500, 90), image.Black, image.Point{}, draw.Src)
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, img, nil); err != nil {
		tb.Fatal(err)
	}
	words := []ingest.Word{
		{Text: "Quyết", X0: 50, Y0: 50, X1: 250, Y1: 90, Line: 1},
		{Text: "định", X0: 300, Y0: 50, X1: 500, Y1: 90, Line: 1},
	}
	var b bytes.Buffer
	w, err := pdfa.NewWriter(&b, pdfa.Meta{
		Title: "Quyet dinh", Author: "UBND", Producer: "kntc test", Lang: "vi-VN",
		CreateDate: time.Date(2026, 2, 5, 10, 0, 0, 0, time.FixedZone("", 7*3600)),
	})
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range []pdfa.Page{{Image: img, DPI: 200, Words: words}, {JPEG: jb.Bytes(), DPI: 200, Words: words}} {
		if err := w.AddPage(p); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

var objRE = regexp.MustCompile(`(?m)^(\d+) 0 obj\n`)

// reindex rewrites the cross-reference table and startxref after an edit moved
// objects, and repairs the /Length of any stream whose data an edit changed, so that
// each mutation breaks one rule only.
func reindex(tb testing.TB, pdf []byte) []byte {
	tb.Helper()
	x := bytes.LastIndex(pdf, []byte("\nxref\n")) + 1
	t := bytes.Index(pdf[x:], []byte("trailer\n")) + x
	s := bytes.Index(pdf[t:], []byte("startxref")) + t
	body, trailer := fixLengths(pdf[:x]), pdf[t:s]
	offsets := map[int]int{}
	size := 0
	for _, m := range objRE.FindAllSubmatchIndex(body, -1) {
		n, _ := strconv.Atoi(string(body[m[2]:m[3]]))
		offsets[n] = m[0]
		size = max(size, n+1)
	}
	var out bytes.Buffer
	out.Write(body)
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", size)
	for n := 1; n < size; n++ {
		fmt.Fprintf(&out, "%010d 00000 n \n", offsets[n])
	}
	out.Write(trailer)
	fmt.Fprintf(&out, "startxref\n%d\n%%%%EOF\n", x)
	return out.Bytes()
}

var streamRE = regexp.MustCompile(`/Length (\d+) >>\nstream\n`)

func fixLengths(body []byte) []byte {
	var out []byte
	last := 0
	for _, m := range streamRE.FindAllSubmatchIndex(body, -1) {
		n, _ := strconv.Atoi(string(body[m[2]:m[3]]))
		start := m[1]
		if start+n+len("\nendstream") <= len(body) && bytes.HasPrefix(body[start+n:], []byte("\nendstream")) {
			continue
		}
		end := bytes.Index(body[start:], []byte("\nendstream"))
		if end < 0 {
			continue
		}
		out = append(out, body[last:m[2]]...)
		out = strconv.AppendInt(out, int64(end), 10)
		last = m[3]
	}
	return append(out, body[last:]...)
}

func replace(old, new string) func(tb testing.TB, pdf []byte) []byte {
	return func(tb testing.TB, pdf []byte) []byte {
		tb.Helper()
		if !bytes.Contains(pdf, []byte(old)) {
			tb.Fatalf("%q is not in the file", old)
		}
		return reindex(tb, bytes.Replace(pdf, []byte(old), []byte(new), 1))
	}
}

// replaceObject swaps the body of the object that contains marker.
func replaceObject(marker, body string) func(tb testing.TB, pdf []byte) []byte {
	return func(tb testing.TB, pdf []byte) []byte {
		tb.Helper()
		i := bytes.Index(pdf, []byte(marker))
		if i < 0 {
			tb.Fatalf("%q is not in the file", marker)
		}
		start := bytes.LastIndex(pdf[:i+len(marker)], []byte(" 0 obj\n")) + len(" 0 obj\n")
		end := start + bytes.Index(pdf[start:], []byte("\nendobj\n"))
		out := append(append(append([]byte(nil), pdf[:start]...), body...), pdf[end:]...)
		return reindex(tb, out)
	}
}

// pageContents swaps the first page's content stream for an unfiltered one.
func pageContents(content string) func(tb testing.TB, pdf []byte) []byte {
	return func(tb testing.TB, pdf []byte) []byte {
		tb.Helper()
		m := regexp.MustCompile(`/Contents (\d+) 0 R`).FindSubmatch(pdf)
		marker := "\n" + string(m[1]) + " 0 obj\n"
		body := fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content)
		return replaceObject(marker, body)(tb, pdf)
	}
}

func TestConforming(t *testing.T) {
	if problems := pdfacheck.Check(conforming(t)); len(problems) > 0 {
		t.Fatalf("kntc's own output: %v", problems)
	}
}

// TestViolations breaks kntc's output one rule at a time and expects the checker to
// name the clause.
func TestViolations(t *testing.T) {
	good := conforming(t)
	tests := []struct {
		name   string
		mutate func(testing.TB, []byte) []byte
		clause string
	}{
		{"PDF 2.0 header", replace("%PDF-1.7", "%PDF-2.0"), "6.1.2"},
		{"no binary comment", replace("%\xe2\xe3\xcf\xd3", "%abcd"), "6.1.2"},
		{"trailer without ID", func(tb testing.TB, b []byte) []byte {
			return regexp.MustCompile(` /ID \[<[0-9A-F]+> <[0-9A-F]+>\]`).ReplaceAll(b, nil)
		}, "6.1.3"},
		{"encrypted", replace("/Root 1 0 R", "/Root 1 0 R /Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>"), "6.1.3"},
		{"data after %%EOF", func(tb testing.TB, b []byte) []byte { return append(bytes.Clone(b), "% appended\n"...) }, "6.1.3"},
		{"xref offset off by one", func(tb testing.TB, b []byte) []byte {
			i := bytes.LastIndex(b, []byte("\nxref\n"))
			j := i + bytes.Index(b[i:], []byte(" 00000 n \n")) // object 1's entry
			c := bytes.Clone(b)
			c[j-1]++
			return c
		}, "6.1.4"},
		{"xref table unreadable", func(tb testing.TB, b []byte) []byte {
			return bytes.Replace(b, []byte("0000000000 65535 f \n"), []byte("0000000000 65535 f\n"), 1)
		}, "6.1.4"},
		{"stream length wrong", func(tb testing.TB, b []byte) []byte {
			m := regexp.MustCompile(`/Subtype /XML /Length (\d+)`).FindSubmatch(b)
			n, _ := strconv.Atoi(string(m[1]))
			// Same number of digits: no object moves, and reindex would repair it.
			return bytes.Replace(b, m[0], []byte(fmt.Sprintf("/Subtype /XML /Length %d", n+1)), 1)
		}, "6.1.7.1"},
		{"no EOL before endstream", replace("<?xpacket end=\"w\"?>\nendstream", "<?xpacket end=\"w\"?>endstream"), "6.1.7.1"},
		{"external stream data", replace("/Type /Metadata", "/Type /Metadata /F (meta.xml)"), "6.1.7.1"},
		{"LZW filter", replace("/Filter /FlateDecode", "/Filter /LZWDecode"), "6.1.7.2"},
		{"Crypt filter", replace("/Filter /FlateDecode", "/Filter [/Crypt /FlateDecode]"), "6.1.7.2"},
		{"odd hex string", replace("/Type /Catalog", "/Type /Catalog /Extra <ABC>"), "6.1.6"},
		{"no metadata", replace("/Metadata ", "/Metadatx "), "6.6.2.1"},
		{"metadata without Subtype", replace("/Type /Metadata /Subtype /XML", "/Type /Metadata"), "6.6.2.1"},
		{"xpacket bytes attribute", replace(`id="W5M0MpCehiHzreSzNTczkc9d"`, `id="W5M0MpCehiHzreSzNTczkc9d" bytes="2048"`), "6.6.2.1"},
		{"metadata not well-formed", replace("</pdf:Producer>", "</pdf:Produce>"), "6.6.2.1"},
		{"pdfaid part 1", replace("<pdfaid:part>2</pdfaid:part>", "<pdfaid:part>1</pdfaid:part>"), "6.6.4"},
		{"no conformance level", replace("<pdfaid:conformance>U</pdfaid:conformance>", ""), "6.6.4"},
		{"title disagrees", replace(`<rdf:li xml:lang="x-default">Quyet dinh</rdf:li>`, `<rdf:li xml:lang="x-default">Quyet dinh so 1</rdf:li>`), "19005-1:6.7.3"},
		{"author disagrees", replace("<rdf:Seq><rdf:li>UBND</rdf:li></rdf:Seq>", "<rdf:Seq><rdf:li>UBND</rdf:li><rdf:li>Other</rdf:li></rdf:Seq>"), "19005-1:6.7.3"},
		{"producer disagrees", replace("<pdf:Producer>kntc test</pdf:Producer>", "<pdf:Producer>kntc</pdf:Producer>"), "19005-1:6.7.3"},
		{"creation date in another zone", replace("<xmp:CreateDate>2026-02-05T10:00:00+07:00", "<xmp:CreateDate>2026-02-05T10:00:00+00:00"), "19005-1:6.7.3"},
		{"no modify date", func(tb testing.TB, b []byte) []byte {
			return reindex(tb, regexp.MustCompile(`<xmp:ModifyDate>[^<]*</xmp:ModifyDate>`).ReplaceAll(b, nil))
		}, "19005-1:6.7.3"},
		{"no output intent", replace("/OutputIntents", "/OutputIntentz"), "6.2.3"},
		{"output intent not GTS_PDFA1", replace("/S /GTS_PDFA1", "/S /GTS_PDFX"), "6.2.3"},
		{"output profile invalid", replaceObject("/N 3 /Alternate /DeviceRGB", "<< /N 3 /Length 8 >>\nstream\nnot icc!\nendstream"), "6.2.3"},
		{"output profile /N wrong", replace("/N 3 /Alternate /DeviceRGB", "/N 4 /Alternate /DeviceRGB"), "6.2.3"},
		{"DeviceCMYK image beside an RGB intent", replace("/ColorSpace /DeviceGray", "/ColorSpace /DeviceCMYK"), "6.2.4.3"},
		{"DeviceCMYK operator beside an RGB intent", pageContents("q 0 0 0 1 k 0 0 10 10 re f Q"), "6.2.4.3"},
		{"interpolated image", replace("/Subtype /Image", "/Subtype /Image /Interpolate true"), "6.2.8"},
		{"image alternates", replace("/Subtype /Image", "/Subtype /Image /Alternates []"), "6.2.8"},
		{"LZW inline image", pageContents("q 10 0 0 10 0 0 cm BI /W 1 /H 1 /BPC 8 /CS /G /F /LZW ID \x80\x0b\x60\x50 EI Q"), "6.1.10"},
		{"interpolated inline image", pageContents("q 10 0 0 10 0 0 cm BI /W 1 /H 1 /BPC 8 /CS /G /I true ID x EI Q"), "6.2.8"},
		{"graphics states 29 deep", pageContents(strings.Repeat("q ", 29) + strings.Repeat("Q ", 29)), "6.1.13"},
		{"PostScript XObject", replace("/Subtype /Image", "/Subtype /PS"), "6.2.9"},
		{"font without ToUnicode", replace("/ToUnicode", "/ToUnicodX"), "6.2.11.7.2"},
		{"ToUnicode to U+0000", func(tb testing.TB, b []byte) []byte { return brokenFont(tb, b, false) }, "6.2.11.7.2"},
		{"font not embedded", replace("/FontFile2", "/FontFileX"), "6.2.11.4.1"},
		{"CIDFontType2 without CIDToGIDMap", replace("/CIDToGIDMap", "/CIDToGIDMaq"), "6.2.11.3.2"},
		{"CID mapped to a missing glyph", func(tb testing.TB, b []byte) []byte { return brokenFont(tb, b, true) }, "6.2.11.4.1"},
		{"width disagrees with the font program", replace("/DW 500", "/DW 600"), "6.2.11.5"},
		{"JavaScript open action", replace("/Type /Catalog", "/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>"), "6.5.1"},
		{"Launch action", replace("/Type /Catalog", "/Type /Catalog /OpenAction << /Type /Action /S /Launch /F (cmd.exe) >>"), "6.5.1"},
		{"named action", replace("/Type /Catalog", "/Type /Catalog /OpenAction << /S /Named /N /Print >>"), "6.5.1"},
		{"document JavaScript", replace("/Type /Catalog", "/Type /Catalog /Names << /JavaScript << /Names [] >> >>"), "6.5.1"},
		{"page additional actions", replace("/Type /Page ", "/Type /Page /AA << /O << /S /GoTo /D [0 /Fit] >> >> "), "6.5.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := tt.mutate(t, good)
			problems := pdfacheck.Check(bad)
			for _, p := range problems {
				if p.Clause == tt.clause {
					t.Logf("found: %v", p)
					return
				}
			}
			t.Fatalf("no problem under clause %s; got %v", tt.clause, problems)
		})
	}
}

// brokenFont replaces the ToUnicode map (mapping code 1 to U+0000) or the
// CIDToGIDMap (sending every code to glyph 7 of a two-glyph font) with an
// unfiltered stream.
func brokenFont(tb testing.TB, pdf []byte, gids bool) []byte {
	tb.Helper()
	key := "/ToUnicode"
	data := "/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange " +
		"3 beginbfchar <0001> <0000> <0002> <0051> <0003> <0075> endbfchar endcmap end end"
	if gids {
		key = "/CIDToGIDMap"
		data = strings.Repeat("\x00\x07", 64)
	}
	m := regexp.MustCompile(key + ` (\d+) 0 R`).FindSubmatch(pdf)
	if m == nil {
		tb.Fatalf("no %s in the file", key)
	}
	body := fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(data), data)
	return replaceObject("\n"+string(m[1])+" 0 obj\n", body)(tb, pdf)
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		name string
		p    pdfacheck.Problem
		want string
	}{
		{"file", pdfacheck.Problem{Clause: "6.1.2", Message: "bad header"}, "6.1.2: bad header"},
		{"object", pdfacheck.Problem{Clause: "6.2.8", Object: 9, Message: "/Interpolate true"}, "6.2.8 (object 9): /Interpolate true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.String(); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNotAPDF(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"text", []byte("hello")},
		{"header only", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")},
		{"truncated", conforming(t)[:3000]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(pdfacheck.Check(tt.b)) == 0 {
				t.Fatal("no problems found")
			}
		})
	}
}

func FuzzCheck(f *testing.F) {
	good := conforming(f)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(bytes.Replace(good, []byte("xref"), []byte("xxxx"), 1))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = pdfacheck.Check(b) // must not panic or hang
	})
}
