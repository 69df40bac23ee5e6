package main

import (
	"bytes"
	"encoding/json"
	"image"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"kntc/ingest"
	"kntc/internal/viet"
	"kntc/ocr/cover"
	"kntc/ocr/ocrtest"
	"kntc/ocr/pdfa"
)

// TestCoverSheetBatch drops one scanned batch into the hot folder: a QR cover sheet
// for case A (quyết định thụ lý), one page, a cover sheet for case B (biên bản làm
// việc), two pages. It must become two documents in cases A and B with the covers'
// kinds, holding exactly their pages (the scanner's JPEG streams unchanged), stored,
// searchable, with no cover page anywhere; the batch ends split, its original kept.
func TestCoverSheetBatch(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}, "--data-dir", dir, "--stable-delay", "1s")
	token := s.login(t)

	// Neither case is opened yet: the parts wait under their codes. (A part routed
	// to a denunciation, TC-…, would be confidential until its case is opened and
	// so not searchable by its words: cases/secrecy.go.)
	const caseA, caseB = "KN-2026-000101", "PA-2026-000202"
	coverA, err := cover.Render(cover.Sheet{CaseCode: caseA, Kind: ingest.KindQuyetDinhThuLy, Lines: []string{"Khiếu nại của bà Nguyễn Thị Hoà về thu hồi đất"}}, 300)
	must(t, err)
	coverB, err := cover.Render(cover.Sheet{CaseCode: caseB, Kind: ingest.KindBienBanLamViec, Lines: []string{"Kiến nghị về cán bộ địa chính xã Trường Tây"}}, 300)
	must(t, err)
	p1, t1 := page(t, "QUYẾT ĐỊNH về việc thụ lý giải quyết khiếu nại lần đầu của bà Nguyễn Thị Hoà")
	p2, t2 := page(t, "BIÊN BẢN LÀM VIỆC với ông Trần Văn Bảy về nội dung kiến nghị cán bộ địa chính")
	p3, t3 := page(t, "Hai bên thống nhất nội dung làm việc, biên bản lập thành hai bản có giá trị như nhau")
	// As a scanner writes them: text pages as JPEG; cover A a grey JPEG, cover B
	// black and white (CCITT).
	j1, j2, j3 := ocrtest.JPEG(p1, 85), ocrtest.JPEG(p2, 85), ocrtest.JPEG(p3, 85)
	var buf bytes.Buffer
	w, err := pdfa.NewWriter(&buf, pdfa.Meta{Title: "bản quét", CreateDate: time.Now(), Producer: "scanner"})
	must(t, err)
	for _, pg := range []pdfa.Page{
		{JPEG: ocrtest.JPEG(coverA, 70), DPI: 300},
		{JPEG: j1, DPI: 300},
		{Image: coverB, DPI: 300},
		{JPEG: j2, DPI: 300},
		{JPEG: j3, DPI: 300},
	} {
		must(t, w.AddPage(pg))
	}
	must(t, w.Close())
	batchPDF := buf.Bytes()
	addUnits(t, dir, "STNMT")
	hot := filepath.Join(dir, "hotfolder", "STNMT")
	must(t, os.MkdirAll(hot, 0o755))
	must(t, os.WriteFile(filepath.Join(hot, "lo-quet.pdf"), batchPDF, 0o644))

	// Three documents, the batch split and both parts stored.
	var docs []docJSON
	waitFor(t, "the batch to be split and its parts stored", func() bool {
		docs = s.documents(t, token)
		n := 0
		for _, d := range docs {
			switch d.Status {
			case "quarantined", "failed":
				t.Fatalf("%s is %s: %s", d.Filename, d.Status, d.Error)
			case "split", "stored":
				n++
			}
		}
		return n == 3
	})
	if len(docs) != 3 {
		t.Fatalf("%d documents, want the batch and two parts: %+v", len(docs), docs)
	}
	byName := map[string]docJSON{}
	for _, d := range docs {
		byName[d.Filename] = d
	}
	batch := byName["lo-quet.pdf"]
	if batch.Status != "split" || batch.Pages != 5 || batch.SHA256 != sha(batchPDF) || batch.Unit != "STNMT" {
		t.Errorf("batch: %+v, want split with 5 pages", batch)
	}
	if code, orig := s.get(t, token, "/api/v1/documents/"+batch.ID+"/original"); code != http.StatusOK || !bytes.Equal(orig, batchPDF) {
		t.Errorf("the batch's original: %d, %d bytes; want it byte for byte", code, len(orig))
	}

	parts := []struct {
		name, caseCode string
		kind           ingest.Kind
		jpegs          [][]byte
		texts          []string
	}{
		{"lo-quet (1/2).pdf", caseA, ingest.KindQuyetDinhThuLy, [][]byte{j1}, []string{t1}},
		{"lo-quet (2/2).pdf", caseB, ingest.KindBienBanLamViec, [][]byte{j2, j3}, []string{t2, t3}},
	}
	for _, want := range parts {
		d, ok := byName[want.name]
		if !ok {
			t.Errorf("no document %q", want.name)
			continue
		}
		if d.Status != "stored" || d.Case != want.caseCode || d.Kind != string(want.kind) || d.Pages != len(want.texts) || d.Unit != "STNMT" {
			t.Errorf("%s: %+v; want stored in %s as %s with %d pages", want.name, d, want.caseCode, want.kind, len(want.texts))
		}
		// The stored text: the part's pages, no cover.
		code, text := s.get(t, token, "/api/v1/documents/"+d.ID+"/text")
		got := strings.Split(string(text), "\f")
		if code != http.StatusOK || len(got) != len(want.texts) {
			t.Errorf("%s: text %d with %d pages, want %d", want.name, code, len(got), len(want.texts))
			continue
		}
		for i := range want.texts {
			if cer := ocrtest.CER(got[i], want.texts[i]); cer > 0.05 {
				t.Errorf("%s page %d: CER %.3f\n got %q\nwant %q", want.name, i+1, cer, got[i], want.texts[i])
			}
		}
		noCover(t, want.name+" text", string(text))
		// The PDF/A copy: conformant, exactly the part's pages, the stored text as
		// its text layer, no cover.
		code, archive := s.get(t, token, "/api/v1/documents/"+d.ID+"/pdf")
		if code != http.StatusOK {
			t.Errorf("%s: pdf %d", want.name, code)
			continue
		}
		checkArchive(t, want.name, archive, got)
		noCover(t, want.name+" PDF/A", pdfText(t, archive))
		// The part's original: the batch's pages copied, JPEG streams untouched.
		code, orig := s.get(t, token, "/api/v1/documents/"+d.ID+"/original")
		if code != http.StatusOK || d.SHA256 != sha(orig) {
			t.Errorf("%s: original %d, SHA-256 %s of %s", want.name, code, sha(orig), d.SHA256)
			continue
		}
		if images := pdfImages(t, orig); len(images) != len(want.jpegs) {
			t.Errorf("%s: %d images in its original, want %d", want.name, len(images), len(want.jpegs))
		} else {
			for i := range images {
				if !bytes.Equal(images[i], want.jpegs[i]) {
					t.Errorf("%s page %d: the JPEG stream changed (%d bytes, want %d)", want.name, i+1, len(images[i]), len(want.jpegs[i]))
				}
			}
		}
	}

	// Searchable, within each case.
	for _, q := range []struct{ query, caseCode, name string }{
		{"thụ lý giải quyết khiếu nại", caseA, "lo-quet (1/2).pdf"},
		{"Trần Văn Bảy", caseB, "lo-quet (2/2).pdf"},
		{"giá trị như nhau", caseB, "lo-quet (2/2).pdf"},
	} {
		waitFor(t, "search hits for "+q.query, func() bool {
			code, b := s.get(t, token, "/api/v1/search?"+url.Values{"q": {q.query}, "case": {q.caseCode}}.Encode())
			var res struct {
				Total int `json:"total"`
				Hits  []struct {
					ID string `json:"id"`
				} `json:"hits"`
			}
			return code == http.StatusOK && json.Unmarshal(b, &res) == nil && res.Total > 0 && res.Hits[0].ID == byName[q.name].ID
		})
	}
	// The cover's title is nowhere in the index.
	code, b := s.get(t, token, "/api/v1/search?"+url.Values{"q": {`"phiếu bìa hồ sơ"`}}.Encode())
	var res struct {
		Total int `json:"total"`
	}
	if code != http.StatusOK || json.Unmarshal(b, &res) != nil || res.Total != 0 {
		t.Errorf("searching the cover's title: %d %s, want no hits", code, b)
	}
	if left := filesIn(t, filepath.Join(dir, "spool")); len(left) != 0 {
		t.Errorf("the spool still holds %v", left)
	}
}

// noCover fails when text holds a cover sheet's headings.
func noCover(t *testing.T, what, text string) {
	t.Helper()
	folded := strings.ToLower(viet.Fold(text))
	for _, s := range []string{cover.Title, cover.Subtitle} {
		if strings.Contains(folded, strings.ToLower(viet.Fold(s))) {
			t.Errorf("%s holds the cover sheet's %q:\n%s", what, s, text)
		}
	}
}

// pdfText is the text pdftotext reads from a PDF.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.pdf")
	must(t, os.WriteFile(path, pdf, 0o644))
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	must(t, err)
	return string(out)
}

// pdfImages returns the image streams of a PDF in page order as pdfimages -all
// writes them (a DCT stream as its JPEG bytes).
func pdfImages(t *testing.T, pdf []byte) [][]byte {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.pdf")
	must(t, os.WriteFile(path, pdf, 0o644))
	if out, err := exec.Command("pdfimages", "-all", path, filepath.Join(dir, "img")).CombinedOutput(); err != nil {
		t.Fatalf("pdfimages: %v\n%s", err, out)
	}
	names, err := filepath.Glob(filepath.Join(dir, "img-*"))
	must(t, err)
	slices.Sort(names)
	var out [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		must(t, err)
		out = append(out, b)
	}
	return out
}

// TestCoverSheetTIFFBatch: a multi-page TIFF from a scanner routed to a case by its
// hot-folder sub-folder, with a cover sheet in the middle. The pages before the cover
// keep the folder's case; the cover starts a document of its own case; the parts are
// written as PDFs from the page images.
func TestCoverSheetTIFFBatch(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}, "--data-dir", dir, "--stable-delay", "1s")
	token := s.login(t)
	const folderCase, coverCase = "KN-2026-000301", "ND-2026-000302"
	c, err := cover.Render(cover.Sheet{CaseCode: coverCase}, 300) // no kind: read from the header
	must(t, err)
	p1, t1 := page(t, "Đơn khiếu nại của ông Lê Văn Tám về quyết định thu hồi đất")
	header := "ỦY BAN NHÂN DÂN\nTHỊ XÃ HÒA THÀNH\nSố: 12/QĐ-UBND\nHòa Thành, ngày 05 tháng 02 năm 2026\nQUYẾT ĐỊNH\nVề việc thụ lý giải quyết khiếu nại lần đầu"
	p2, lines, err := ocrtest.Render(header, ocrtest.Options{HeightMM: 110})
	must(t, err)
	addUnits(t, dir, "HT")
	hot := filepath.Join(dir, "hotfolder", "HT", folderCase)
	must(t, os.MkdirAll(hot, 0o755))
	must(t, os.WriteFile(filepath.Join(hot, "may-quet.tif"), ocrtest.MultiPageTIFF([]*image.Gray{p1, c, p2}, 300), 0o644))

	var docs []docJSON
	waitFor(t, "the TIFF batch to be split and its parts stored", func() bool {
		docs = s.documents(t, token)
		n := 0
		for _, d := range docs {
			if d.Status == "quarantined" || d.Status == "failed" {
				t.Fatalf("%s is %s: %s", d.Filename, d.Status, d.Error)
			}
			if d.Status == "split" || d.Status == "stored" {
				n++
			}
		}
		return n == 3
	})
	byName := map[string]docJSON{}
	for _, d := range docs {
		byName[d.Filename] = d
	}
	if d := byName["may-quet.tif"]; d.Status != "split" || d.Pages != 3 || d.Case != folderCase {
		t.Errorf("batch: %+v", d)
	}
	for _, want := range []struct {
		name, caseCode string
		kind           ingest.Kind
		text           string
	}{
		{"may-quet (1/2).pdf", folderCase, "", t1},
		{"may-quet (2/2).pdf", coverCase, ingest.KindQuyetDinhThuLy, strings.Join(lines, "\n")},
	} {
		d := byName[want.name]
		if d.Status != "stored" || d.Case != want.caseCode || d.Pages != 1 || d.Unit != "HT" || (want.kind != "" && d.Kind != string(want.kind)) {
			t.Errorf("%s: %+v; want stored in %s with one page", want.name, d, want.caseCode)
		}
		_, text := s.get(t, token, "/api/v1/documents/"+d.ID+"/text")
		if cer := ocrtest.CER(string(text), want.text); cer > 0.05 {
			t.Errorf("%s: CER %.3f: %q", want.name, cer, text)
		}
		noCover(t, want.name, string(text))
		code, archive := s.get(t, token, "/api/v1/documents/"+d.ID+"/pdf")
		if code != http.StatusOK {
			t.Errorf("%s: pdf %d", want.name, code)
			continue
		}
		checkArchive(t, want.name, archive, []string{string(text)})
	}
	if d := byName["may-quet (2/2).pdf"]; d.Metadata.Number != "12/QĐ-UBND" {
		t.Errorf("the header of the part with no kind on its cover was not read: %+v", d.Metadata)
	}
}
