package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"kntc/internal/testenv"
	"kntc/internal/vnlegacy/vnlegacytest"
	"kntc/ocr/office/officetest"
)

// legacyLetter is a letter typed as a .VnTime-era Word document: its lines in
// TCVN3 bytes set in .VnTime, but for one typed in Unicode (Times New Roman) and
// one that begins in Unicode and goes on in TCVN3.
// TCVN3 has no capitals with tone marks, so the text keeps to those it has; and
// it has no "ư" here: TCVN3's ư is byte 0xAD, the soft hyphen, which LibreOffice
// neither draws nor puts in the text layer, so a PDF made this way has lost it.
var legacyLetter = []officetest.Para{
	{Runs: []officetest.Run{{Font: ".VnTime", Text: "Uỷ ban nhân dân huyện Châu Thành"}}},
	{Runs: []officetest.Run{{Font: "Times New Roman", Text: "Cộng hoà xã hội chủ nghĩa Việt Nam"}}},
	{Runs: []officetest.Run{{Font: ".VnTime", Text: "Quyết định về việc thụ lý giải quyết khiếu nại lần đầu của bà Nguyễn Thị Hạnh"}}},
	// One line, two runs: Unicode, then TCVN3.
	{Runs: []officetest.Run{{Font: "Times New Roman", Text: "Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011; "},
		{Font: ".VnTime", Text: "xét đơn phản ánh việc tụ tập đông tại trụ sở uỷ ban xã"}}},
}

// legacyPDF makes a born-digital PDF whose text layer is TCVN3, as a .VnTime
// document exported to PDF has: LibreOffice itself converts legacyLetter's .odt
// (the fonts are not installed: it draws the same byte codes in a substitute, so
// the text layer holds "QuyÕt ®Þnh" where the page says "Quyết định").
func legacyPDF(t *testing.T) []byte {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "van-ban-cu.odt")
	must(t, os.WriteFile(src, officetest.ODT(t, legacyLetter), 0o644))
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "soffice", "--headless", "--norestore", "--nologo",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--convert-to", "pdf", "--outdir", dir, src)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice --convert-to pdf: %v\n%s", err, out)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "van-ban-cu.pdf"))
	must(t, err)
	return pdf
}

// TestTCVN3PDFIndexedAsUnicode: a born-digital PDF whose text layer is TCVN3
// is uploaded to a running kntc. Its stored text is the Unicode NFC text (the
// line typed in Unicode unchanged, and the Unicode run of a line mixing both),
// and search finds it with and without diacritics, never by its legacy
// gibberish.
func TestTCVN3PDFIndexedAsUnicode(t *testing.T) {
	if _, err := exec.LookPath("soffice"); err != nil {
		testenv.Missing(t, testenv.LibreOffice, "no soffice command (Debian: libreoffice-writer-nogui)")
	}
	pdf := legacyPDF(t)
	// The input is what the test says: its text layer is TCVN3.
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	must(t, os.WriteFile(in, pdf, 0o644))
	layer, err := exec.Command("pdftotext", "-enc", "UTF-8", in, "-").Output()
	must(t, err)
	gibberish := vnlegacytest.ToTCVN3("Quyết định về việc thụ lý")
	if !strings.Contains(string(layer), gibberish) {
		t.Fatalf("the PDF's text layer is not TCVN3 (want %q):\n%s", gibberish, layer)
	}

	s := startServe(t, map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}, "--data-dir", filepath.Join(dir, "data"))
	token := s.login(t)
	// In a case: documents in no case are held out of full-text search.
	code, kn := s.do(t, "POST", "/api/v1/cases", token, map[string]any{"kind": "khieu_nai", "source": "buu_chinh",
		"subject": "Khiếu nại về việc thụ lý"})
	if code != http.StatusCreated {
		t.Fatalf("open a case: %d %v", code, kn)
	}
	var body bytes.Buffer
	ctype := newMultipart(&body, "van-ban-cu.pdf", pdf, kn["code"].(string))
	req, _ := http.NewRequest("POST", s.url+"/api/v1/documents", &body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ctype)
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	docs := s.waitFinished(t, token, 1, "")
	d := docs[0]
	if d.Status != "stored" || d.Pages != 1 {
		t.Fatalf("the document: %+v, want stored with 1 page", d)
	}

	_, text := s.get(t, token, "/api/v1/documents/"+d.ID+"/text")
	flat := strings.Join(strings.Fields(string(text)), " ")
	if !norm.NFC.IsNormalString(string(text)) {
		t.Errorf("the stored text is not NFC")
	}
	for _, line := range strings.Split(strings.TrimSpace(officetest.Text(legacyLetter)), "\n") {
		if line = strings.TrimSpace(line); !strings.Contains(flat, line) {
			t.Errorf("the stored text lacks %q:\n%s", line, text)
		}
	}
	for _, p := range legacyLetter {
		for _, r := range p.Runs {
			if stored := strings.TrimSpace(r.Stored()); stored != strings.TrimSpace(r.Text) && strings.Contains(flat, stored) {
				t.Errorf("the stored text still holds the legacy %q", stored)
			}
		}
	}
	if strings.ContainsAny(flat, "®Þ¹Õ") {
		t.Errorf("legacy letters left in the stored text:\n%s", text)
	}

	hits := func(q string) []string {
		t.Helper()
		code, b := s.get(t, token, "/api/v1/search?"+url.Values{"q": {q}}.Encode())
		var res struct {
			Total int `json:"total"`
			Hits  []struct {
				ID string `json:"id"`
			} `json:"hits"`
		}
		if code != http.StatusOK || json.Unmarshal(b, &res) != nil {
			t.Fatalf("search %q: %d %s", q, code, b)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		return ids
	}
	for _, q := range []string{"thụ lý giải quyết khiếu nại", "thu ly giai quyet khieu nai", `"tụ tập đông"`, "tu tap dong", "Nguyễn Thị Hạnh", "nguyen thi hanh"} {
		if ids := hits(q); len(ids) != 1 || ids[0] != d.ID {
			t.Errorf("search %s: %v, want %s", q, ids, d.ID)
		}
	}
	for _, q := range []string{`"` + vnlegacytest.ToTCVN3("khiếu nại") + `"`, `"` + vnlegacytest.ToTCVN3("tụ tập đông") + `"`} {
		if ids := hits(q); len(ids) != 0 {
			t.Errorf("search by the legacy gibberish %s: %v, want nothing", q, ids)
		}
	}
}
