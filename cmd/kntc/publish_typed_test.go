package main

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kntc/internal/testenv"
	"kntc/internal/viet"
	"kntc/ocr/office/officetest"
)

// The denouncer the typed-decision test plants (its own, not the scanned test's).
const (
	typedName  = "Lê Thị Thanh Vân"
	typedCCCD  = "052190654321"
	typedPhone = "0987 246 135"
)

var typedIdentity = identity{words: []string{"le thi thanh van", "thanh van"}, numbers: []string{typedCCCD, "0987246135", "84987246135"}}

// TestPublishTypedDecisionEndToEnd: a denunciation's conclusion typed in an
// office file (an .odt, which LibreOffice converts), naming the denouncer with
// her CCCD and phone, is dropped into the case's hot folder; its PDF/A copy, a
// born-digital PDF with its own text, is then dropped in as a PDF. Neither was
// OCRed: the leader still gets a proposal (from the copy's text layer, in the
// pixels of its page image) and publishes each. pdftotext of each public copy
// holds none of her name, CCCD or phone with or without diacritics, still holds
// the rest of the conclusion, the pixels under every rectangle are black, and
// the archive copies are byte for byte what they were. Before publishing, the
// viewer boxes a query's hits on each typed page, from the words the pipeline
// kept when it stored it, the words publication then reads.
func TestPublishTypedDecisionEndToEnd(t *testing.T) {
	needPoppler(t)
	if _, err := exec.LookPath("soffice"); err != nil {
		testenv.Missing(t, testenv.LibreOffice, "no soffice command (Debian: libreoffice-writer-nogui)")
	}
	dir := t.TempDir()
	env := map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}
	s := startServe(t, env, "--data-dir", dir, "--stable-delay", "1s")
	kntc := cliRunner(t, dir, env)
	kntc("", "unit", "add", "--code", "PT", "--name", "Ủy ban nhân dân huyện Phú Tân", "--level", "district", "--parent", "TINH")
	kntc("mật-khẩu-lãnh-đạo\n", "user", "add", "--username", "lanh.dao", "--full-name", "Lãnh đạo", "--role", "leader", "--unit", "PT", "--password-stdin")
	code, body := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "lanh.dao", "password": "mật-khẩu-lãnh-đạo"})
	if code != http.StatusOK {
		t.Fatalf("login: %d %v", code, body)
	}
	leader := client{t, s, str(body, "token")}
	tc := leader.call("POST", "/api/v1/cases", map[string]any{"kind": "to_cao", "source": "buu_chinh",
		"subject": "Tố cáo cán bộ tư pháp xã chậm chứng thực giấy tờ",
		"parties": []map[string]any{{"role": "petitioner", "name": typedName, "id_number": typedCCCD, "phone": typedPhone},
			{"role": "respondent", "name": "Đỗ Văn Chậm"}}}, http.StatusCreated)
	caseCode := str(tc, "code")
	leader.call("POST", "/api/v1/cases/"+caseCode+"/grants", map[string]any{"user_id": userID(t, leader, "lanh.dao")}, http.StatusCreated)

	line := func(s string) officetest.Para {
		return officetest.Para{Runs: []officetest.Run{{Font: "Liberation Serif", Text: s}}}
	}
	odt := officetest.ODT(t, []officetest.Para{
		line("ỦY BAN NHÂN DÂN HUYỆN PHÚ TÂN"), line("Số: 08/KL-UBND"), line("Phú Tân, ngày 14 tháng 4 năm 2026"),
		line("KẾT LUẬN NỘI DUNG TỐ CÁO"),
		line("Đối với ông Đỗ Văn Chậm, công chức tư pháp xã."),
		line("Ngày 01 tháng 4 năm 2026, bà " + typedName + ", CCCD số " + typedCCCD + ", điện thoại " + typedPhone + ", gửi đơn tố cáo."),
		line("Kết luận: nội dung tố cáo là đúng. Yêu cầu Chủ tịch xã kiểm điểm, rút kinh nghiệm."),
	})
	hot := filepath.Join(dir, "hotfolder", "PT", caseCode)
	must(t, os.MkdirAll(hot, 0o755))
	stored := func(name string, data []byte) string {
		t.Helper()
		must(t, os.WriteFile(filepath.Join(hot, name), data, 0o644))
		var id string
		waitFor(t, name+" to be stored", func() bool {
			for _, d := range s.documents(t, leader.token) {
				if d.Filename == name && d.Status == "stored" {
					id = d.ID
					return true
				}
			}
			return false
		})
		if d := leader.call("GET", "/api/v1/documents/"+id, nil, http.StatusOK); d["kind"] != "ket_luan_noi_dung_to_cao" {
			leader.call("PATCH", "/api/v1/documents/"+id, map[string]any{"kind": "ket_luan_noi_dung_to_cao"}, http.StatusOK)
		}
		return id
	}
	odtID := stored("ket-luan.odt", odt)
	_, odtArchive := s.get(t, leader.token, "/api/v1/documents/"+odtID+"/pdf")
	// The office file's PDF/A copy, as a born-digital PDF of its own.
	pdfID := stored("ket-luan-ban-pdf.pdf", odtArchive)
	// The typed page followed by two scanned pages of an annex, whose page break
	// cuts her name in two after "bà Lê Thị", the next page starting with its
	// number: one document, typed and scanned pages mixed.
	annex1, _ := page(t, "PHỤ LỤC\nBiên bản làm việc với người tố cáo\nNgày 03 tháng 4 năm 2026, đoàn xác minh\nlàm việc với bà Lê Thị")
	annex2, _ := page(t, "2\nThanh Vân tại trụ sở Ủy ban nhân dân xã.\nBiên bản kết thúc lúc 10 giờ cùng ngày.")
	mixedID := stored("ket-luan-va-phu-luc.pdf", mixedPDF(t, odtArchive, imagePDF(t, annex1, annex2)))

	pages := staffPages(t, s, "lanh.dao", "mật-khẩu-lãnh-đạo")
	for _, doc := range []struct{ name, id string }{{"office", odtID}, {"pdf", pdfID}, {"mixed", mixedID}} {
		// The viewer boxes the hits of a query typed without diacritics on the
		// typed page, where its copy's text layer has the words: the pipeline read
		// them when it stored the document (publication has not read them yet).
		checkTypedBoxes(t, s, pages, leader.token, doc.id, "kiem diem rut kinh nghiem", 5)
		_, archive := s.get(t, leader.token, "/api/v1/documents/"+doc.id+"/pdf")
		prop := leader.call("GET", "/api/v1/documents/"+doc.id+"/redaction", nil, http.StatusOK)
		rects, _ := prop["rects"].([]any)
		reasons := map[string]int{}
		for _, r := range rects {
			reasons[r.(map[string]any)["reason"].(string)]++
		}
		// Her name, CCCD and phone on one line: at least one rectangle each.
		if reasons["denouncer"] < 3 {
			t.Fatalf("%s: proposal %v, want her name, CCCD and phone", doc.name, prop)
		}
		wantPages := map[string]int{"office": 1, "pdf": 1, "mixed": 3}[doc.name]
		sizes := pageSizes(prop)
		if len(sizes) != wantPages {
			t.Fatalf("%s: proposal of %d pages, want %d", doc.name, len(sizes), wantPages)
		}
		if doc.name == "mixed" {
			// Her name cut by the page break: covered on both scanned pages.
			onPage := map[int]bool{}
			for _, r := range redactRects(rects) {
				onPage[r.Page] = true
			}
			if !onPage[1] || !onPage[2] || !onPage[3] {
				t.Errorf("mixed: rectangles on pages %v, want 1, 2 and 3: %v", onPage, rects)
			}
		}
		pub := leader.call("POST", "/api/v1/documents/"+doc.id+"/publication", map[string]any{"rects": rects}, http.StatusCreated)
		_, pdf := s.get(t, "", "/cong-dan/van-ban/"+str(pub, "id"))
		text := checkPublicCopy(t, "typed-"+doc.name+".pdf", pdf, sizes, redactRects(rects), typedIdentity.leak, "ket luan noi dung to cao")
		if doc.name == "mixed" {
			folded := viet.FoldWords(text)
			for _, want := range []string{"bien ban lam viec voi nguoi to cao", "bien ban ket thuc luc 10 gio"} {
				if !strings.Contains(strings.Join(strings.Fields(folded), " "), want) {
					t.Errorf("mixed: the public copy's text lacks %q:\n%s", want, text)
				}
			}
			if strings.Contains(folded, "ba le thi") {
				t.Errorf("mixed: the first half of her name is left before the page break:\n%s", text)
			}
		}
		for _, want := range []string{"Yêu cầu Chủ tịch xã kiểm điểm", "công chức tư pháp xã", "gửi đơn tố cáo"} {
			if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
				t.Errorf("%s: the public copy's text lacks %q:\n%s", doc.name, want, text)
			}
		}
		if _, after := s.get(t, leader.token, "/api/v1/documents/"+doc.id+"/pdf"); !bytes.Equal(after, archive) {
			t.Errorf("%s: the archive copy changed", doc.name)
		}
	}
	if leak := typedIdentity.leak(s.stderr.String()); leak != "" {
		t.Errorf("the server's log holds %q", leak)
	}
}
