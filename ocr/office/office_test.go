package office_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"kntc/internal/testenv"
	"kntc/internal/vnlegacy"
	"kntc/internal/vnlegacy/vnlegacytest"
	"kntc/ocr"
	"kntc/ocr/office"
	"kntc/ocr/office/officetest"
)

func write(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSniff(t *testing.T) {
	bomb := func() []byte { // 32 MiB of zeros: compressed a thousand times
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, e := range []officetest.Entry{{Name: "[Content_Types].xml", Data: "<Types/>"}, {Name: "word/document.xml", Data: "<w:document/>"}} {
			w, _ := zw.Create(e.Name)
			_, _ = w.Write([]byte(e.Data))
		}
		w, _ := zw.Create("word/media/image1.bin")
		_, _ = w.Write(make([]byte, 32<<20))
		_ = zw.Close()
		return buf.Bytes()
	}
	lying := func() []byte { // an entry that declares a terabyte
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, e := range []officetest.Entry{{Name: "[Content_Types].xml", Data: "<Types/>"}, {Name: "word/document.xml", Data: "<w:document/>"}} {
			w, _ := zw.Create(e.Name)
			_, _ = w.Write([]byte(e.Data))
		}
		w, _ := zw.CreateRaw(&zip.FileHeader{Name: "word/big.xml", Method: zip.Store, CompressedSize64: 4, UncompressedSize64: 1 << 40})
		_, _ = w.Write([]byte("abcd"))
		_ = zw.Close()
		return buf.Bytes()
	}
	damaged := func() []byte { // a byte of document.xml's compressed data changed
		b := officetest.DOCX(t, officetest.Letter)
		i := bytes.Index(b, []byte("word/document.xml")) + len("word/document.xml") + 40
		b[i] ^= 0xFF
		return b
	}
	encryptedODT := officetest.Zip(t,
		officetest.Entry{Name: "mimetype", Data: "application/vnd.oasis.opendocument.text", Stored: true},
		officetest.Entry{Name: "META-INF/manifest.xml", Data: `<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry></manifest:manifest>`},
		officetest.Entry{Name: "content.xml", Data: "\x8f\x12 not XML, encrypted"},
	)
	tests := []struct {
		name string
		data []byte
		want office.Format
		err  error
	}{
		{"docx", officetest.DOCX(t, officetest.Letter), office.DOCX, nil},
		{"odt", officetest.ODT(t, officetest.Letter), office.ODT, nil},
		{"ods", officetest.ODS(t, officetest.Letter), office.ODS, nil},
		{"rtf", officetest.RTF(officetest.Letter), office.RTF, nil},
		{"xlsx", officetest.Zip(t, officetest.Entry{Name: "[Content_Types].xml", Data: "<Types/>"}, officetest.Entry{Name: "xl/workbook.xml", Data: "<workbook/>"}), office.XLSX, nil},
		{"doc", officetest.CFB("WordDocument", "1Table"), office.DOC, nil},
		{"xls", officetest.CFB("Workbook"), office.XLS, nil},
		{"PowerPoint", officetest.CFB("PowerPoint Document"), "", nil},
		{"PDF", []byte("%PDF-1.7\n%âãÏÓ\n"), "", nil},
		{"plain zip", officetest.Zip(t, officetest.Entry{Name: "a.txt", Data: "a"}), "", nil},
		{"password-protected docx", officetest.CFB("EncryptionInfo", "EncryptedPackage"), "", office.ErrEncrypted},
		{"password-protected odt", encryptedODT, "", office.ErrEncrypted},
		{"zip bomb", bomb(), "", office.ErrBomb},
		{"lying sizes", lying(), "", office.ErrBomb},
		{"damaged entry", damaged(), "", office.ErrCorrupt},
		{"truncated", officetest.DOCX(t, officetest.Letter)[:300], "", office.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := office.Sniff(write(t, "f", tt.data), office.Limits{})
			if got != tt.want || !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
				t.Fatalf("Sniff = %q, %v; want %q, %v", got, err, tt.want, tt.err)
			}
			if err != nil && !office.IsPermanent(err) {
				t.Errorf("%v is not permanent", err)
			}
		})
	}
}

// docText returns the text of a .docx or OpenDocument file's paragraphs, a
// paragraph a line, and the font names it declares.
func docText(t testing.TB, path string, f office.Format) (string, []string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	part := "content.xml"
	if f == office.DOCX {
		part = "word/document.xml"
	}
	var xmlText, fontsXML string
	for _, e := range zr.File {
		rc, _ := e.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if e.Name == part {
			xmlText = string(b)
		}
		if strings.HasSuffix(e.Name, ".xml") {
			fontsXML += string(b)
		}
	}
	paraRE := regexp.MustCompile(`(?s)<(w|text):p[ >].*?</(w|text):p>`)
	textRE := regexp.MustCompile(`(?s)<w:t[ >][^<]*|>[^<]+`)
	var b strings.Builder
	for _, p := range paraRE.FindAllString(xmlText, -1) {
		if f == office.DOCX {
			for _, m := range regexp.MustCompile(`<w:t(?: [^>]*)?>([^<]*)</w:t>`).FindAllStringSubmatch(p, -1) {
				b.WriteString(m[1])
			}
		} else {
			for _, m := range textRE.FindAllString(p, -1) {
				b.WriteString(strings.TrimPrefix(m, ">"))
			}
		}
		b.WriteByte('\n')
	}
	s := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'").Replace(b.String())
	fonts := regexp.MustCompile(`(?:font-family|w:ascii|w:hAnsi|w:cs)="([^"]*)"`).FindAllStringSubmatch(fontsXML, -1)
	var names []string
	for _, m := range fonts {
		names = append(names, m[1])
	}
	return s, names
}

// TestUnicodeRewrite converts the legacy runs of a .docx, an .odt and an .ods
// written by hand: the text comes out as the source in NFC, and no legacy font
// is left.
func TestUnicodeRewrite(t *testing.T) {
	for _, tt := range []struct {
		f    office.Format
		data []byte
	}{
		{office.DOCX, officetest.DOCX(t, officetest.Letter)},
		{office.ODT, officetest.ODT(t, officetest.Letter)},
		{office.ODS, officetest.ODS(t, officetest.Letter)},
	} {
		t.Run(string(tt.f), func(t *testing.T) {
			out, n, err := office.Unicode(write(t, "in."+string(tt.f), tt.data), tt.f)
			if err != nil {
				t.Fatal(err)
			}
			got, fonts := docText(t, out, tt.f)
			if want := officetest.Text(officetest.Letter); got != want {
				t.Errorf("text:\n%s\nwant:\n%s", got, want)
			}
			for _, f := range fonts {
				if strings.Contains(f, ".Vn") || strings.Contains(f, "VNI") {
					t.Errorf("legacy font %q left", f)
				}
			}
			if n.TCVN3 < 4 || n.VNI < 2 {
				t.Errorf("converted %d TCVN3 and %d VNI runs, want 4 and 2", n.TCVN3, n.VNI)
			}
		})
	}
}

// TestUnicodeLeavesUnicode: a document in Unicode throughout is not rewritten.
func TestUnicodeLeavesUnicode(t *testing.T) {
	uni := []officetest.Para{
		{Runs: []officetest.Run{{Font: "Times New Roman", Text: "Tây Ninh, ngày 5 tháng 3, bà Lê có đơn"}}},
		{Runs: []officetest.Run{{Font: "Arial", Text: "Le café de la résidence était fermé"}}},
	}
	out, n, err := office.Unicode(write(t, "in.docx", officetest.DOCX(t, uni)), office.DOCX)
	if err != nil || n != (office.Counts{}) {
		t.Fatalf("Unicode = %+v, %v; want nothing converted", n, err)
	}
	if got, _ := docText(t, out, office.DOCX); got != officetest.Text(uni) {
		t.Errorf("text %q, want %q", got, officetest.Text(uni))
	}
}

// requireLibreOffice returns the soffice program, or stops the test.
func requireLibreOffice(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("soffice")
	if err != nil {
		testenv.Missing(t, testenv.LibreOffice, "no soffice command (Debian: libreoffice-writer-nogui, libreoffice-calc-nogui)")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		testenv.Missing(t, testenv.LibreOffice, "no pdftotext to read the PDFs it writes (poppler-utils)")
	}
	return p
}

// pdfText is a PDF's text in NFC with every run of white space one space.
func pdfText(t testing.TB, pdf string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return flat(string(out))
}

func flat(s string) string { return strings.Join(strings.Fields(norm.NFC.String(s)), " ") }

// TestToPDFA converts the officetest.Letter in every office format, made in the test
// (.docx, .odt, .ods and .rtf written by hand; .doc, .xlsx and .xls by LibreOffice
// from them), with its TCVN3 and VNI runs: each comes out as a PDF/A passing the
// checker, its text the source's in Unicode NFC (the TCVN3 words with ư too, which
// LibreOffice would have dropped as soft hyphens), its header read from that text.
func TestToPDFA(t *testing.T) {
	soffice := requireLibreOffice(t)
	dir := t.TempDir()
	made := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	docx := made("officetest.Letter.docx", officetest.DOCX(t, officetest.Letter))
	ods := made("officetest.Letter.ods", officetest.ODS(t, officetest.Letter))
	byLO := func(src, ext, target string) func(t *testing.T) string {
		return func(t *testing.T) string {
			out, err := office.Soffice(soffice, t.TempDir(), src, target, ext, 10*time.Minute)
			if err != nil {
				t.Fatalf("make the .%s with LibreOffice: %v", ext, err)
			}
			return out
		}
	}
	given := func(p string) func(*testing.T) string { return func(*testing.T) string { return p } }
	conv := &office.Converter{Program: soffice, Timeout: 10 * time.Minute, Slots: 2}
	tests := []struct {
		name  string
		input func(t *testing.T) string
		want  office.Format
	}{
		{"docx", given(docx), office.DOCX},
		{"odt", given(made("officetest.Letter.odt", officetest.ODT(t, officetest.Letter))), office.ODT},
		{"rtf", given(made("officetest.Letter.rtf", officetest.RTF(officetest.Letter))), office.RTF},
		{"doc", byLO(docx, "doc", "doc:MS Word 97"), office.DOC},
		{"ods", given(ods), office.ODS},
		{"xlsx", byLO(ods, "xlsx", "xlsx:Calc MS Excel 2007 XML"), office.XLSX},
		{"xls", byLO(ods, "xls", "xls:MS Excel 97"), office.XLS},
	}
	want := officetest.Text(officetest.Letter)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := tt.input(t)
			orig, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			f, err := office.Sniff(src, office.Limits{})
			if err != nil || f != tt.want {
				t.Fatalf("Sniff = %q, %v; want %q", f, err, tt.want)
			}
			dst := filepath.Join(t.TempDir(), "out.pdf")
			res, err := conv.ToPDFA(context.Background(), src, f, dst)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Problems) > 0 {
				t.Errorf("not PDF/A: %v", res.Problems)
			}
			if res.Legacy.TCVN3 == 0 || res.Legacy.VNI == 0 {
				t.Errorf("legacy runs converted: %+v, want TCVN3 and VNI ones", res.Legacy)
			}
			got := pdfText(t, dst)
			if f.Spreadsheet() {
				// Calc prints a sheet under its default page style: the sheet's
				// name above, the page number below.
				got = strings.TrimSuffix(strings.TrimPrefix(got, "Sheet1 "), " Page 1")
			}
			if got != flat(want) {
				t.Errorf("text:\n%s\nwant:\n%s", got, flat(want))
			}
			if after, _ := os.ReadFile(src); !bytes.Equal(after, orig) {
				t.Error("the original changed")
			}
			if f.Spreadsheet() {
				return // a sheet's cells are no officetest.Letter's header
			}
			raw, _ := exec.Command("pdftotext", "-enc", "UTF-8", dst, "-").Output()
			h := ocr.ParseHeader(norm.NFC.String(string(raw)))
			if h.Number != "12/QĐ-UBND" || h.Date != "2024-03-05" || h.Type != "QUYẾT ĐỊNH" ||
				!strings.Contains(h.Subject, "thụ lý giải quyết khiếu nại") || !strings.Contains(h.Issuer, "HUYỆN CHÂU THÀNH") {
				t.Errorf("header: %+v", h)
			}
		})
	}
}

// sampleParas sets a sample text's lines in legacy fonts as an office file of the
// .VnTime years would: most lines in TCVN3 (.VnTime; headings in capitals in
// .VnTimeH), every third line and those with capitals TCVN3 cannot write in VNI,
// every fifth in Unicode, and every seventh half Unicode, half TCVN3.
func sampleParas(text string) []officetest.Para {
	var paras []officetest.Para
	i := 0
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		i++
		tcvn := vnlegacy.FromTCVN3(vnlegacytest.ToTCVN3(line)) == line
		var runs []officetest.Run
		switch words := strings.Fields(line); {
		case i%7 == 0 && len(words) >= 4 && tcvn:
			h := len(words) / 2
			runs = []officetest.Run{{Font: "Times New Roman", Text: strings.Join(words[:h], " ") + " "}, {Font: ".VnTime", Text: strings.Join(words[h:], " ")}}
		case i%5 == 0:
			runs = []officetest.Run{{Font: "Times New Roman", Text: line}}
		case line == strings.ToUpper(line) && strings.ToLower(line) != line:
			runs = []officetest.Run{{Font: ".VnTimeH", Text: line}}
		case tcvn && i%3 != 0:
			runs = []officetest.Run{{Font: ".VnTime", Text: line}}
		default:
			runs = []officetest.Run{{Font: "VNI-Times", Text: line}}
		}
		paras = append(paras, officetest.Para{Runs: runs})
	}
	return paras
}

// TestSampleToPDFA converts a sample text typed in TCVN3 and VNI (sampleParas), a
// .docx made in the test, to PDF/A: it passes the checker and its text is the
// sample's in NFC, every "ư" (TCVN3's soft hyphen byte) included.
func TestSampleToPDFA(t *testing.T) {
	soffice := requireLibreOffice(t)
	dir := testenv.RequireSamples(t)
	paths, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	var text string
	for _, p := range paths { // the shortest: LibreOffice is slow
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if text == "" || len(b) < len(text) {
			text = norm.NFC.String(string(b))
		}
	}
	if text == "" {
		t.Fatalf("no sample texts in %s", dir)
	}
	paras := sampleParas(text)
	var tcvn, vni, uw int
	for _, p := range paras {
		for _, r := range p.Runs {
			switch e, _ := vnlegacy.ByFont(r.Font); e {
			case vnlegacy.TCVN3:
				tcvn++
				uw += strings.Count(r.Stored(), "\u00ad")
			case vnlegacy.VNI:
				vni++
			}
		}
	}
	src := write(t, "mau.docx", officetest.DOCX(t, paras))
	dst := filepath.Join(t.TempDir(), "out.pdf")
	conv := &office.Converter{Program: soffice, Timeout: 10 * time.Minute}
	res, err := conv.ToPDFA(context.Background(), src, office.DOCX, dst)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 {
		t.Errorf("not PDF/A: %v", res.Problems)
	}
	got, want := pdfText(t, dst), flat(officetest.Text(paras))
	if got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
	t.Logf("%d paragraphs, %d TCVN3 runs (%d ư), %d VNI runs; converted %+v", len(paras), tcvn, uw, vni, res.Legacy)
	if uw == 0 || res.Legacy.TCVN3 < tcvn || res.Legacy.VNI < vni {
		t.Errorf("runs converted %+v, want %d TCVN3 (with ư) and %d VNI", res.Legacy, tcvn, vni)
	}
}

// alive reports whether process pid exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || (s[i+2] != 'Z' && s[i+2] != 'X')
}

// processesWith lists the live processes whose command line holds s.
func processesWith(s string) []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && bytes.Contains(b, []byte(s)) && alive(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// TestHangKilledWithItsChildren: a converter that never finishes (a program that
// starts a child and waits for it) is stopped at the time limit with every
// process it started, and the file is refused as timed out.
func TestHangKilledWithItsChildren(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	prog := filepath.Join(dir, "soffice")
	argsFile := filepath.Join(dir, "args")
	script := "#!/bin/sh\necho \"$@\" > " + argsFile + "\nsleep 600 &\necho $! > " + pidFile + "\nwait\n"
	if err := os.WriteFile(prog, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	conv := &office.Converter{Program: prog, Timeout: time.Second}
	src := write(t, "in.docx", officetest.DOCX(t, officetest.Letter))
	t.Chdir(dir) // the output named relative to the working directory, as ./data is
	_, err := conv.ToPDFA(context.Background(), src, office.DOCX, "out.pdf")
	if !errors.Is(err, office.ErrTimeout) || !office.IsPermanent(err) {
		t.Fatalf("ToPDFA = %v, want a timeout", err)
	}
	args, _ := os.ReadFile(argsFile)
	if !strings.Contains(string(args), "-env:UserInstallation=file://"+dir+"/out.pdf.work-") {
		t.Errorf("LibreOffice's profile is not an absolute file URL in its own directory: %s", args)
	}
	b, rerr := os.ReadFile(pidFile)
	if rerr != nil {
		t.Fatalf("the program did not start its child: %v", rerr)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if alive(pid) {
		t.Errorf("child %d of the timed-out converter is still running", pid)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "out.pdf.work-*")); len(left) > 0 {
		t.Errorf("work directory left: %v", left)
	}
}

// TestLibreOfficeBadInput: LibreOffice itself on files it cannot convert — one
// it cannot read, one it is stopped on at a time limit too short to finish —
// gives the reason, and leaves no process behind.
func TestLibreOfficeBadInput(t *testing.T) {
	soffice := requireLibreOffice(t)
	tests := []struct {
		name    string
		data    []byte
		f       office.Format
		timeout time.Duration
		want    error
	}{
		{"unreadable .doc", append(officetest.CFB("WordDocument"), bytes.Repeat([]byte("rác "), 2000)...), office.DOC, 10 * time.Minute, office.ErrCorrupt},
		{"time limit", officetest.DOCX(t, officetest.Letter), office.DOCX, 300 * time.Millisecond, office.ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			conv := &office.Converter{Program: soffice, Timeout: tt.timeout}
			dst := filepath.Join(dir, "out.pdf")
			_, err := conv.ToPDFA(context.Background(), write(t, "in", tt.data), tt.f, dst)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ToPDFA = %v, want %v", err, tt.want)
			}
			if pids := processesWith(dst + ".work-"); len(pids) > 0 {
				t.Errorf("LibreOffice processes left: %v", pids)
			}
		})
	}
}
