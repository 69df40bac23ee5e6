package main

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"kntc/internal/testenv"
	"kntc/ocr/office/officetest"
	"kntc/ocr/pdfa/pdfacheck"
)

// TestOfficeFilesEndToEnd drops office files into the hot folder of a running
// kntc and uploads one: a .docx and an .odt with TCVN3 and VNI runs are stored
// with a PDF/A copy, their text (the document's own, in Unicode) and their header
// read from it, the original byte-identical; a zip bomb, a password-protected
// .docx and a damaged one are quarantined with their reasons, and LibreOffice
// leaves no process behind.
func TestOfficeFilesEndToEnd(t *testing.T) {
	if _, err := exec.LookPath("soffice"); err != nil {
		testenv.Missing(t, testenv.LibreOffice, "no soffice command (Debian: libreoffice-writer-nogui, libreoffice-calc-nogui)")
	}
	dir := t.TempDir()
	s := startServe(t, map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}, "--data-dir", dir, "--stable-delay", "1s", "--max-attempts", "2", "--office-timeout", "10m")
	token := s.login(t)
	hot := filepath.Join(dir, "hotfolder")

	docx := officetest.DOCX(t, officetest.Letter)
	odt := officetest.ODT(t, officetest.Letter)
	bomb := officetest.Zip(t,
		officetest.Entry{Name: "[Content_Types].xml", Data: "<Types/>"},
		officetest.Entry{Name: "word/document.xml", Data: "<w:document/>"},
		officetest.Entry{Name: "word/media/image1.bin", Data: strings.Repeat("\x00", 32<<20)})
	inputs := []struct {
		name    string
		data    []byte
		problem string // a word of the quarantine reason; "" for a stored file
	}{
		{"quyết định thụ lý.docx", docx, ""},
		{"bom.docx", bomb, "bom nén"},
		{"mat-khau.docx", officetest.CFB("EncryptionInfo", "EncryptedPackage"), "mật khẩu"},
		{"hong.docx", docx[:len(docx)/2], "bị hỏng"},
	}
	for _, in := range inputs {
		must(t, os.WriteFile(filepath.Join(hot, in.name), in.data, 0o644))
	}
	var body bytes.Buffer
	ctype := newMultipart(&body, "quyết định (bản ODT).odt", odt, "")
	req, _ := http.NewRequest("POST", s.url+"/api/v1/documents", &body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ctype)
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("upload of the .odt: %d", resp.StatusCode)
	}
	inputs = append(inputs, struct {
		name    string
		data    []byte
		problem string
	}{"quyết định (bản ODT).odt", odt, ""})

	docs := s.waitFinished(t, token, len(inputs), hot)
	byName := map[string]docJSON{}
	for _, d := range docs {
		byName[d.Filename] = d
	}
	flat := func(s string) string { return strings.Join(strings.Fields(norm.NFC.String(s)), " ") }
	for _, in := range inputs {
		d, ok := byName[in.name]
		if !ok {
			t.Errorf("%s: no document", in.name)
			continue
		}
		if in.problem != "" {
			if d.Status != "quarantined" || !strings.Contains(d.Error, in.problem) {
				t.Errorf("%s: %s %q, want quarantined with a reason about %q", in.name, d.Status, d.Error, in.problem)
			}
			continue
		}
		if d.Status != "stored" || d.Pages != 1 || d.SHA256 != sha(in.data) {
			t.Errorf("%s: %+v, want stored with 1 page", in.name, d)
			continue
		}
		m := d.Metadata
		if d.Kind != "quyet_dinh_thu_ly" || m.Number != "12/QĐ-UBND" || m.Date != "2024-03-05" || m.Type != "QUYẾT ĐỊNH" ||
			!strings.Contains(m.Subject, "thụ lý giải quyết khiếu nại") {
			t.Errorf("%s: kind %s, header %+v", in.name, d.Kind, m)
		}
		_, text := s.get(t, token, "/api/v1/documents/"+d.ID+"/text")
		if got, want := flat(string(text)), flat(officetest.Text(officetest.Letter)); got != want {
			t.Errorf("%s: text\n %q\nwant\n %q", in.name, got, want)
		}
		_, orig := s.get(t, token, "/api/v1/documents/"+d.ID+"/original")
		if !bytes.Equal(orig, in.data) {
			t.Errorf("%s: the original is not byte-identical", in.name)
		}
		_, pdf := s.get(t, token, "/api/v1/documents/"+d.ID+"/pdf")
		for _, p := range pdfacheck.Check(pdf) {
			t.Errorf("%s: PDF/A: %s", in.name, p)
		}
	}
	reasons := 0
	for _, q := range filesIn(t, filepath.Join(dir, "quarantine")) {
		if strings.HasSuffix(q, ".error.txt") {
			reasons++
		}
	}
	if reasons != 3 {
		t.Errorf("%d reasons in quarantine, want 3", reasons)
	}
	// Every run of LibreOffice worked in the spool, under the data directory.
	for _, pid := range libreOfficeUnder(dir) {
		t.Errorf("LibreOffice process %d left running", pid)
	}
	if left := filesIn(t, filepath.Join(dir, "spool")); len(left) > 0 {
		t.Errorf("spool not empty: %v", left)
	}
}

// libreOfficeUnder lists the live processes whose command line names dir.
func libreOfficeUnder(dir string) []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		stat, serr := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil || serr != nil || !bytes.Contains(cmd, []byte(dir)) {
			continue
		}
		if i := bytes.LastIndexByte(stat, ')'); i > 0 && i+2 < len(stat) && (stat[i+2] == 'Z' || stat[i+2] == 'X') {
			continue // a zombie: dead, waiting for its reaper
		}
		pids = append(pids, pid)
	}
	return pids
}
