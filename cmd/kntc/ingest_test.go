package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"golang.org/x/text/unicode/norm"

	"kntc/ingest"
	"kntc/ocr/ocrtest"
	"kntc/ocr/pdfa"
	"kntc/ocr/pdfa/pdfacheck"
)

// page renders a short A4-width page (to keep OCR quick) with Vietnamese text.
func page(t testing.TB, text string) (*image.Gray, string) {
	t.Helper()
	img, lines, err := ocrtest.Render(text, ocrtest.Options{HeightMM: 70})
	if err != nil {
		t.Fatal(err)
	}
	return img, strings.Join(lines, "\n")
}

// imagePDF makes a scanned-style PDF: one JPEG image per page, no text.
func imagePDF(t testing.TB, imgs ...*image.Gray) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := pdfa.NewWriter(&buf, pdfa.Meta{Title: "bản quét", CreateDate: time.Now(), Producer: "scanner"})
	must(t, err)
	for _, img := range imgs {
		must(t, w.AddPage(pdfa.Page{JPEG: ocrtest.JPEG(img, 85), DPI: 300}))
	}
	must(t, w.Close())
	return buf.Bytes()
}

// mixedPDF joins PDFs page after page (qpdf), as a scan batch with a typed page.
func mixedPDF(t *testing.T, parts ...[]byte) []byte {
	t.Helper()
	dir := t.TempDir()
	args := []string{"--empty", "--pages"}
	for i, p := range parts {
		path := filepath.Join(dir, fmt.Sprintf("%d.pdf", i))
		must(t, os.WriteFile(path, p, 0o644))
		args = append(args, path)
	}
	out := filepath.Join(dir, "out.pdf")
	if o, err := exec.Command("qpdf", append(args, "--", out)...).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v\n%s", err, o)
	}
	b, err := os.ReadFile(out)
	must(t, err)
	return b
}

func encryptPDF(t testing.TB, pdf []byte) []byte {
	t.Helper()
	api.DisableConfigDir()
	var out bytes.Buffer
	must(t, api.Encrypt(bytes.NewReader(pdf), &out, model.NewAESConfiguration("mat-khau", "chu-so-huu", 256)))
	return out.Bytes()
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// waitFor polls cond until it is true; the test's deadline bounds the wait.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type docJSON struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Number  string `json:"number"`
		Date    string `json:"date"`
		Issuer  string `json:"issuer"`
		Type    string `json:"type"`
		Subject string `json:"subject"`
	} `json:"metadata"`
	ID       string `json:"id"`
	Status   string `json:"status"`
	SHA256   string `json:"sha256"`
	Filename string `json:"filename"`
	Pages    int    `json:"pages"`
	Unit     string `json:"unit"`
	Case     string `json:"case"`
	Error    string `json:"error"`
}

// staffPassword is the password of the province leader the tests read documents
// as: administrators keep accounts, not case content.
const staffPassword = "mật khẩu lãnh đạo tỉnh"

// login returns the token of a leader of the root unit (whose scope is every
// unit), made through the accounts API by the administrator when not there yet.
func (s *server) login(t testing.TB) string {
	t.Helper()
	code, body := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "lanh.dao.tinh", "password": staffPassword})
	if code == http.StatusOK {
		return body["token"].(string)
	}
	code, body = s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "admin", "password": adminPassword})
	if code != http.StatusOK {
		t.Fatalf("login: %d %v", code, body)
	}
	admin := body["token"].(string)
	code, body = s.do(t, "POST", "/api/v1/users", admin, map[string]string{"username": "lanh.dao.tinh", "full_name": "Lãnh đạo tỉnh",
		"role": "leader", "unit": "TINH", "password": staffPassword})
	if code != http.StatusCreated {
		t.Fatalf("create the province leader: %d %v", code, body)
	}
	code, body = s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "lanh.dao.tinh", "password": staffPassword})
	if code != http.StatusOK {
		t.Fatalf("login as the province leader: %d %v", code, body)
	}
	return body["token"].(string)
}

func (s *server) get(t testing.TB, token, path string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	return resp.StatusCode, b
}

func (s *server) documents(t testing.TB, token string) []docJSON {
	t.Helper()
	code, b := s.get(t, token, "/api/v1/documents?limit=1000")
	if code != http.StatusOK {
		t.Fatalf("list documents: %d %s", code, b)
	}
	var out struct {
		Total     int       `json:"total"`
		Documents []docJSON `json:"documents"`
	}
	must(t, json.Unmarshal(b, &out))
	return out.Documents
}

// waitFinished waits until at least n documents exist, every one of them finished
// (and, when hot is given, the hot folder is empty), and returns them.
func (s *server) waitFinished(t testing.TB, token string, n int, hot string) []docJSON {
	t.Helper()
	var docs []docJSON
	waitFor(t, fmt.Sprintf("%d documents to be finished", n), func() bool {
		docs = s.documents(t, token)
		if len(docs) < n || (hot != "" && len(filesIn(t, hot)) > 0) {
			return false
		}
		for _, d := range docs {
			if !terminal(d.Status) {
				return false
			}
		}
		return true
	})
	return docs
}

func terminal(status string) bool { return ingest.Status(status).Final() }

// filesIn lists the regular files under dir.
func filesIn(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			out = append(out, path)
		}
		return nil
	})
	return out
}

// TestIngestHotFolderEndToEnd drops a mix of good and bad files into the hot folder of
// a running kntc and follows them to the end: good files stored with their page count
// and searchable Vietnamese text, bad files quarantined with a reason, a file still
// being written taken only once complete, the hot folder empty.
func TestIngestHotFolderEndToEnd(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}, "--data-dir", dir, "--stable-delay", "2s", "--max-attempts", "2")
	token := s.login(t)
	hot := filepath.Join(dir, "hotfolder")
	addUnits(t, dir, "STNMT", "HT") // a sub-folder naming no unit is refused

	p1, t1 := page(t, "QUYẾT ĐỊNH về việc thụ lý giải quyết khiếu nại lần đầu của bà Nguyễn Thị Hoà")
	p2, t2 := page(t, "BIÊN BẢN ĐỐI THOẠI giữa người khiếu nại và người bị khiếu nại tại Ủy ban nhân dân xã")
	p3, t3 := page(t, "BÁO CÁO KẾT QUẢ XÁC MINH nội dung tố cáo về việc quản lý đất đai ở phường Long Hoa")
	p4, t4 := page(t, "THÔNG BÁO thụ lý tố cáo gửi người tố cáo và cơ quan có thẩm quyền giải quyết")
	p5, t5 := page(t, "KẾT LUẬN nội dung tố cáo đối với ông Trần Văn Bình, cán bộ địa chính")
	pdf := imagePDF(t, p3)
	headerText := "ỦY BAN NHÂN DÂN\nTHỊ XÃ HÒA THÀNH\nSố: 12/QĐ-UBND\nHòa Thành, ngày 05 tháng 02 năm 2026\nQUYẾT ĐỊNH\nVề việc thụ lý giải quyết khiếu nại lần đầu\nCHỦ TỊCH ỦY BAN NHÂN DÂN THỊ XÃ HÒA THÀNH"
	headerImg, headerLines, err := ocrtest.Render(headerText, ocrtest.Options{HeightMM: 110})
	must(t, err)
	mixed := mixedPDF(t, imagePDF(t, p1), ocrtest.TextPDF("TO TRINH ve viec gia han giai quyet to cao", "Kinh gui Chu tich Uy ban nhan dan tinh"))
	inputs := []struct {
		rel     string
		data    []byte
		pages   int
		texts   []string
		problem string // a word of the quarantine reason
	}{
		{"STNMT/KN-2026-000001/quyet-dinh.png", ocrtest.PNG(p1), 1, []string{t1}, ""},
		{"qd-thu-ly.png", ocrtest.PNG(headerImg), 1, []string{strings.Join(headerLines, "\n")}, ""},
		{"bien ban.jpg", ocrtest.JPEG(p2, 85), 1, []string{t2}, ""},
		{"HT/hai-trang.tif", ocrtest.MultiPageTIFF([]*image.Gray{p4, p5}, 300), 2, []string{t4, t5}, ""},
		{"ban-quet.pdf", pdf, 1, []string{t3}, ""},
		{"van-ban-dien-tu.pdf", ocrtest.TextPDF("CONG VAN ve viec chuyen don khieu nai den co quan co tham quyen", "Kinh gui: Chanh Thanh tra tinh"), 1,
			[]string{"CONG VAN ve viec chuyen don khieu nai den co quan co tham quyen\nKinh gui: Chanh Thanh tra tinh"}, ""},
		{"hon-hop.pdf", mixed, 2, []string{t1, "TO TRINH ve viec gia han giai quyet to cao\nKinh gui Chu tich Uy ban nhan dan tinh"}, ""},
		{"hong.pdf", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\nrác rác rác"), 0, nil, "PDF"},
		{"ma-hoa.pdf", encryptPDF(t, pdf), 0, nil, "mã hoá"},
		{"rong.png", nil, 0, nil, "rỗng"},
	}
	for _, in := range inputs {
		path := filepath.Join(hot, in.rel)
		must(t, os.MkdirAll(filepath.Dir(path), 0o755))
		must(t, os.WriteFile(path, in.data, 0o644))
	}
	// A scanner writing slowly: the file grows in small steps for a while.
	slowImg, slowText := page(t, "TỜ TRÌNH đề nghị gia hạn thời hạn giải quyết tố cáo lần thứ nhất")
	slow := ocrtest.PNG(slowImg)
	slowPath := filepath.Join(hot, "dang-quet.png")
	f, err := os.Create(slowPath)
	must(t, err)
	for i := 0; i < len(slow); i += len(slow)/15 + 1 {
		_, err := f.Write(slow[i:min(i+len(slow)/15+1, len(slow))])
		must(t, err)
		time.Sleep(100 * time.Millisecond)
	}
	must(t, f.Close())
	inputs = append(inputs, struct {
		rel     string
		data    []byte
		pages   int
		texts   []string
		problem string
	}{"dang-quet.png", slow, 1, []string{slowText}, ""})

	docs := s.waitFinished(t, token, len(inputs), "")
	if len(docs) != len(inputs) {
		t.Fatalf("%d documents for %d files: %+v", len(docs), len(inputs), docs)
	}
	byName := map[string]docJSON{}
	for _, d := range docs {
		byName[d.Filename] = d
	}
	for _, in := range inputs {
		d, ok := byName[filepath.Base(in.rel)]
		if !ok {
			t.Errorf("%s: no document", in.rel)
			continue
		}
		if in.problem != "" {
			if d.Status != "quarantined" || !strings.Contains(strings.ToLower(d.Error), strings.ToLower(in.problem)) {
				t.Errorf("%s: %s %q, want quarantined with a reason about %q", in.rel, d.Status, d.Error, in.problem)
			}
			continue
		}
		if d.Status != "stored" || d.Pages != in.pages || d.SHA256 != sha(in.data) {
			t.Errorf("%s: %+v, want stored with %d pages", in.rel, d, in.pages)
			continue
		}
		code, text := s.get(t, token, "/api/v1/documents/"+d.ID+"/text")
		got := strings.Split(string(text), "\f")
		if code != http.StatusOK || len(got) != in.pages {
			t.Errorf("%s: text %d with %d pages", in.rel, code, len(got))
			continue
		}
		for i, want := range in.texts {
			if cer := ocrtest.CER(got[i], want); cer > 0.05 {
				t.Errorf("%s page %d: CER %.3f\n got %q\nwant %q", in.rel, i+1, cer, got[i], want)
			}
		}
		code, orig := s.get(t, token, "/api/v1/documents/"+d.ID+"/original")
		if code != http.StatusOK || !bytes.Equal(orig, in.data) {
			t.Errorf("%s: original %d, %d bytes, not byte-identical", in.rel, code, len(orig))
		}
		code, pdfBytes := s.get(t, token, "/api/v1/documents/"+d.ID+"/pdf")
		if code != http.StatusOK || !bytes.HasPrefix(pdfBytes, []byte("%PDF-")) {
			t.Errorf("%s: pdf %d %q", in.rel, code, pdfBytes[:min(20, len(pdfBytes))])
			continue
		}
		if in.rel == "hon-hop.pdf" {
			// The typed page is archived as an image with an OCR text layer: its
			// extracted text is OCR's, close to (not equal to) the PDF's own.
			for _, p := range pdfacheck.Check(pdfBytes) {
				t.Errorf("%s: PDF/A: %s", in.rel, p)
			}
			path := filepath.Join(t.TempDir(), "mixed.pdf")
			must(t, os.WriteFile(path, pdfBytes, 0o644))
			out, err := exec.Command("pdftotext", "-f", "2", "-l", "2", path, "-").Output()
			if cer := ocrtest.CER(string(out), got[1]); err != nil || cer > 0.1 {
				t.Errorf("%s: the typed page's text layer: %v, CER %.3f: %q", in.rel, err, cer, out)
			}
			continue
		}
		checkArchive(t, in.rel, pdfBytes, got)
		if strings.HasSuffix(in.rel, ".png") {
			// A grey PNG's compressed data goes into the archive copy as it is, and
			// gives back the scan's pixels.
			if !bytes.Contains(pdfBytes, ocrtest.PNGData(in.data)) {
				t.Errorf("%s: the PNG's image data is not in the archive copy as it is", in.rel)
			}
			imgs := pdfImages(t, pdfBytes)
			want, err := png.Decode(bytes.NewReader(in.data))
			must(t, err)
			if len(imgs) != 1 {
				t.Errorf("%s: %d images in the archive copy", in.rel, len(imgs))
			} else if got, err := png.Decode(bytes.NewReader(imgs[0])); err != nil || !samePixels(got, want) {
				t.Errorf("%s: the archived image is not the scan's pixels (%v)", in.rel, err)
			}
		}
	}
	if d := byName["quyet-dinh.png"]; d.Unit != "STNMT" || d.Case != "KN-2026-000001" {
		t.Errorf("routing: %+v", d)
	}
	// The header read from the scan: number, date, type, subject, kind.
	if d := byName["qd-thu-ly.png"]; d.Metadata.Number != "12/QĐ-UBND" || d.Metadata.Date != "2026-02-05" ||
		d.Metadata.Type != "QUYẾT ĐỊNH" || !strings.Contains(d.Metadata.Subject, "thụ lý giải quyết khiếu nại") || d.Kind != "quyet_dinh_thu_ly" {
		t.Errorf("header of qd-thu-ly.png: kind %q, %+v", d.Kind, d.Metadata)
	}
	// Documents in no case are the triage inbox's and held out of full-text
	// search (a letter may name a sender who must stay secret); filed in a case
	// they are searchable.
	code, kn := s.do(t, "POST", "/api/v1/cases", token, map[string]any{"kind": "khieu_nai", "source": "buu_chinh",
		"subject": "Khiếu nại về đất đai ở phường Long Hoa"})
	if code != http.StatusCreated {
		t.Fatalf("open a case: %d %v", code, kn)
	}
	for _, d := range docs {
		if d.Status == "stored" && d.Case == "" {
			if code, body := s.do(t, "POST", "/api/v1/documents/"+d.ID+"/link", token, map[string]string{"case": kn["code"].(string)}); code != http.StatusOK {
				t.Fatalf("link %s: %d %v", d.Filename, code, body)
			}
		}
	}
	// Searchable, with and without diacritics (the index follows the database, so
	// wait for it to catch up).
	for _, q := range []string{"q=thụ lý giải quyết", "q=thu ly giai quyet", "q=Long Hoa", "q=đối thoại", "q=\"kết luận nội dung\"",
		"q=thu ly&kind=quyet_dinh_thu_ly"} {
		waitFor(t, "search hits for "+q, func() bool {
			v, _ := url.ParseQuery(q)
			code, b := s.get(t, token, "/api/v1/search?"+v.Encode())
			var res struct {
				Total int `json:"total"`
			}
			return code == http.StatusOK && json.Unmarshal(b, &res) == nil && res.Total > 0
		})
	}
	if left := filesIn(t, hot); len(left) != 0 {
		t.Errorf("the hot folder still holds %v", left)
	}
	if left := filesIn(t, filepath.Join(dir, "spool")); len(left) != 0 {
		t.Errorf("the spool still holds %v", left)
	}
	quarantined := filesIn(t, filepath.Join(dir, "quarantine"))
	if len(quarantined) != 6 { // three files, each with its .error.txt
		t.Errorf("quarantine holds %v, want 3 files and 3 reasons", quarantined)
	}
	for _, q := range quarantined {
		if strings.HasSuffix(q, ".error.txt") {
			b, _ := os.ReadFile(q)
			if !strings.Contains(string(b), "Lý do") || !strings.Contains(string(b), "Reason") {
				t.Errorf("%s does not explain in both languages:\n%s", q, b)
			}
		}
	}

	// The same bytes again: reported as a duplicate, not processed twice.
	must(t, os.WriteFile(filepath.Join(hot, "bản sao.jpg"), inputs[1].data, 0o644))
	waitFor(t, "the duplicate", func() bool {
		for _, d := range s.documents(t, token) {
			if d.Filename == "bản sao.jpg" && terminal(d.Status) {
				return true
			}
		}
		return false
	})
	for _, d := range s.documents(t, token) {
		if d.Filename == "bản sao.jpg" && d.Status != "duplicate" {
			t.Errorf("the second copy is %s, want duplicate", d.Status)
		}
	}
}

// TestUploadAndIngestCommand sends a file through POST /api/v1/documents and another
// through `kntc ingest`, both ending stored.
func TestUploadAndIngestCommand(t *testing.T) {
	dir := t.TempDir()
	img, text := page(t, "Giấy mời làm việc về việc xác minh nội dung đơn kiến nghị")
	src := filepath.Join(t.TempDir(), "giay-moi.png")
	must(t, os.WriteFile(src, ocrtest.PNG(img), 0o644))
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"ingest", "--data-dir", dir, src}, envFunc(nil), nil, &stdout, &stderr)
	if err != nil {
		t.Fatalf("kntc ingest: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "lưu (stored) 1") {
		t.Fatalf("summary: %s", stdout.String())
	}
	if strings.Contains(stderr.String(), "/2)") {
		t.Errorf("the progress of one file counts to two: %q", stderr.String())
	}
	if _, err := os.Stat(src); err != nil {
		t.Fatalf("kntc ingest removed the source: %v", err)
	}

	s := startServe(t, map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}, "--data-dir", dir)
	img2, text2 := page(t, "Đơn khiếu nại của ông Lê Văn Tám về quyết định thu hồi đất")
	token := s.login(t)
	// An upload into a case is a clerk's act on a case they can see.
	err = run(context.Background(), []string{"user", "add", "--data-dir", dir, "--username", "van.thu", "--role", "clerk", "--unit", "TINH", "--password-stdin"},
		envFunc(nil), strings.NewReader("mật-khẩu-văn-thư\n"), &stdout, &stderr)
	must(t, err)
	code, body0 := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "van.thu", "password": "mật-khẩu-văn-thư"})
	if code != http.StatusOK {
		t.Fatalf("clerk login: %d %v", code, body0)
	}
	clerk := body0["token"].(string)
	code, kn := s.do(t, "POST", "/api/v1/cases", clerk, map[string]any{"kind": "khieu_nai", "source": "truc_tiep", "subject": "Khiếu nại quyết định thu hồi đất của ông Lê Văn Tám"})
	if code != http.StatusCreated {
		t.Fatalf("open a case: %d %v", code, kn)
	}
	caseCode := kn["code"].(string)
	docs := s.documents(t, token)
	if len(docs) != 1 || docs[0].Status != "stored" || docs[0].Filename != "giay-moi.png" {
		t.Fatalf("the document from kntc ingest: %+v", docs)
	}
	_, got := s.get(t, token, "/api/v1/documents/"+docs[0].ID+"/text")
	if cer := ocrtest.CER(string(got), text); cer > 0.05 {
		t.Fatalf("kntc ingest text CER %.3f: %q", cer, got)
	}
	var body bytes.Buffer
	mw := newMultipart(&body, "đơn khiếu nại.png", ocrtest.PNG(img2), caseCode)
	req, _ := http.NewRequest("POST", s.url+"/api/v1/documents", &body)
	req.Header.Set("Authorization", "Bearer "+clerk)
	req.Header.Set("Content-Type", mw)
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	var up struct {
		ID string `json:"id"`
	}
	must(t, json.NewDecoder(resp.Body).Decode(&up))
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted || up.ID == "" {
		t.Fatalf("upload: %d %+v", resp.StatusCode, up)
	}
	var d docJSON
	waitFor(t, "the upload to be stored", func() bool {
		_, b := s.get(t, token, "/api/v1/documents/"+up.ID)
		_ = json.Unmarshal(b, &d)
		return terminal(d.Status)
	})
	if d.Status != "stored" || d.Case != caseCode || d.Filename != "đơn khiếu nại.png" {
		t.Fatalf("upload ended as %+v", d)
	}
	_, got = s.get(t, token, "/api/v1/documents/"+up.ID+"/text")
	if cer := ocrtest.CER(string(got), text2); cer > 0.05 {
		t.Fatalf("uploaded text CER %.3f: %q", cer, got)
	}
}

// checkArchive holds a PDF/A copy made by the pipeline to the archive rules: the
// conformance check, qpdf --check, and pdftotext giving back the stored text.
func checkArchive(t *testing.T, name string, pdf []byte, pageTexts []string) {
	t.Helper()
	for _, p := range pdfacheck.Check(pdf) {
		t.Errorf("%s: PDF/A: %s", name, p)
	}
	path := filepath.Join(t.TempDir(), "archive.pdf")
	must(t, os.WriteFile(path, pdf, 0o644))
	if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil || strings.Contains(string(out), "WARNING") {
		t.Errorf("%s: qpdf --check: %v\n%s", name, err, out)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Errorf("%s: pdftotext: %v", name, err)
		return
	}
	got := strings.Split(strings.TrimRight(string(out), "\f"), "\f")
	if len(got) != len(pageTexts) {
		t.Errorf("%s: pdftotext found %d pages, want %d", name, len(got), len(pageTexts))
		return
	}
	normalise := func(s string) string { return strings.Join(strings.Fields(norm.NFC.String(s)), " ") }
	for i := range got {
		if normalise(got[i]) != normalise(pageTexts[i]) {
			t.Errorf("%s page %d: pdftotext\n %q\nstored text\n %q", name, i+1, normalise(got[i]), normalise(pageTexts[i]))
		}
	}
}

// samePixels reports whether two images hold the same grey or colour values.
func samePixels(a, b image.Image) bool {
	ab, bb := a.Bounds(), b.Bounds()
	if ab.Dx() != bb.Dx() || ab.Dy() != bb.Dy() {
		return false
	}
	for y := range ab.Dy() {
		for x := range ab.Dx() {
			r1, g1, b1, _ := a.At(ab.Min.X+x, ab.Min.Y+y).RGBA()
			r2, g2, b2, _ := b.At(bb.Min.X+x, bb.Min.Y+y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				return false
			}
		}
	}
	return true
}

// newMultipart writes a multipart form with the file and case fields and returns its
// content type.
func newMultipart(w io.Writer, filename string, data []byte, caseCode string) string {
	mw := multipart.NewWriter(w)
	_ = mw.WriteField("case", caseCode)
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(data)
	_ = mw.Close()
	return mw.FormDataContentType()
}

// TestReindex: documents taken in by `kntc ingest` while no server runs are missing
// from the index; `kntc reindex --check` says so, `kntc reindex` rebuilds it.
func TestReindex(t *testing.T) {
	dir := t.TempDir()
	kntc := func(args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append(args, "--data-dir", dir), envFunc(nil), nil, &stdout, &stderr)
		return stdout.String(), err
	}
	var srcs []string
	for i, text := range []string{"Quyết định giao nhiệm vụ xác minh nội dung khiếu nại", "Báo cáo kết quả xác minh gửi Chủ tịch Ủy ban nhân dân"} {
		img, _ := page(t, text)
		p := filepath.Join(t.TempDir(), fmt.Sprintf("van-ban-%d.png", i))
		must(t, os.WriteFile(p, ocrtest.PNG(img), 0o644))
		srcs = append(srcs, p)
	}
	// Filed under a case code (not opened yet): documents in no case are held out
	// of full-text search.
	if out, err := kntc(append([]string{"ingest", "--case", "KN-2026-000001"}, srcs...)...); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	// An empty index: both documents are missing.
	ix := filepath.Join(dir, "index")
	must(t, os.MkdirAll(ix, 0o755))
	out, err := kntc("reindex", "--check")
	if err == nil || !strings.Contains(out, "(missing): 2") {
		t.Fatalf("check before reindex: %v\n%s", err, out)
	}
	if out, err := kntc("reindex"); err != nil || !strings.Contains(out, "2 tài liệu, 2 trang") {
		t.Fatalf("reindex: %v\n%s", err, out)
	}
	if out, err := kntc("reindex", "--check"); err != nil || !strings.Contains(out, "(stored documents): 2; thiếu trong chỉ mục (missing): 0; cũ (stale): 0; thừa (not stored or unknown): 0") {
		t.Fatalf("check after reindex: %v\n%s", err, out)
	}
	if out, err := kntc("search", "xac", "minh"); err != nil || !strings.Contains(out, "2 trang (pages) khớp") || !strings.Contains(out, "[xác] [minh]") {
		t.Fatalf("kntc search: %v\n%s", err, out)
	}
	s := startServe(t, map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}, "--data-dir", dir)
	if _, err := kntc("search", "xac", "minh"); err == nil || !strings.Contains(err.Error(), "kntc serve running") {
		t.Fatalf("kntc search beside a running server: %v", err)
	}
	if _, err := kntc("reindex", "--check"); err == nil || !strings.Contains(err.Error(), "kntc serve running") {
		t.Fatalf("kntc reindex --check beside a running server: %v", err)
	}
	token := s.login(t)
	code, b := s.get(t, token, "/api/v1/search?q="+url.QueryEscape("xac minh"))
	var res struct {
		Total int `json:"total"`
	}
	if code != http.StatusOK || json.Unmarshal(b, &res) != nil || res.Total != 2 {
		t.Fatalf("search after reindex: %d %s", code, b)
	}
}
