package cases_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/internal/viet"
	"kntc/ocr"
	"kntc/storage/sqldb"
)

// scan stores a document of the world's unit as the pipeline leaves it: its pages,
// its header read by ocr.ParseHeader (number, date, issuer, type, subject, kind),
// the case system's last step (Finish: confidentiality and suggestions), stored.
func (w *world) scan(t *testing.T, db *sqldb.DB, caseCode string, pages ...string) ingest.Document {
	t.Helper()
	ctx := t.Context()
	sum := sha256.Sum256([]byte(strings.Join(pages, "\f") + caseCode))
	h := ocr.ParseHeader(pages[0])
	d := ingest.Document{
		Status: ingest.StatusReceived, SHA256: hex.EncodeToString(sum[:]), Size: 100,
		Filename: fmt.Sprintf("scan-%s.pdf", hex.EncodeToString(sum[:4])), SourcePath: "test", ContentType: "application/pdf",
		UnitCode: w.unit.Code, CaseCode: caseCode, Kind: h.Kind, Pipeline: "test-1",
		Meta: ingest.Metadata{Number: h.Number, Date: h.Date, Issuer: h.Issuer, Type: h.Type, Subject: h.Subject},
	}
	if err := db.CreateDocument(ctx, &d); err != nil {
		t.Fatal(err)
	}
	for i, text := range pages {
		if err := db.SavePage(ctx, &ingest.Page{DocumentID: d.ID, Number: i + 1, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.svc.Finish(ctx, &d); err != nil {
		t.Fatal(err)
	}
	d.Status, d.Pages = ingest.StatusStored, len(pages)
	if err := db.UpdateDocument(ctx, &d); err != nil {
		t.Fatal(err)
	}
	d, err := db.Document(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Pages of the scenario: a complaint about decision 125/QĐ-UBND of the district.
const (
	complaintLetter = `CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hòa Thành, ngày 02 tháng 3 năm 2026
ĐƠN KHIẾU NẠI
(V/v: khiếu nại Quyết định số 125/QĐ-UBND ngày 15/01/2026)
Kính gửi: Chủ tịch Ủy ban nhân dân thị xã Hòa Thành.
Tôi tên là: NGUYỄN VĂN AN, sinh năm 1968, ấp Long Hải, xã Trường Tây.
Tôi khiếu nại Quyết định số 125 / QĐ - UBND về việc thu hồi đất của gia đình tôi.`

	acceptance = `ỦY BAN NHÂN DÂN
THỊ XÃ HÒA THÀNH
Số: 31/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hòa Thành, ngày 09 tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc thụ lý giải quyết khiếu nại lần đầu
CHỦ TỊCH ỦY BAN NHÂN DÂN THỊ XÃ HÒA THÀNH
Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011;
Xét đơn khiếu nại của ông Nguyễn Văn An đối với Quyết định số 125/QĐ-UBND ngày 15/01/2026;`

	nameOnlyLetter = `ĐƠN KIẾN NGHỊ
Kính gửi: Ủy ban nhân dân thị xã Hòa Thành.
Tôi là Nguyễn Văn An, đề nghị xem xét lại việc cấp giấy chứng nhận.`

	denunciationLetter = `CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
ĐƠN TỐ CÁO
Kính gửi: Chủ tịch Ủy ban nhân dân thị xã Hòa Thành.
Tôi tên là Võ Thị Bí Mật, tố cáo cán bộ địa chính xã nhận tiền khi làm thủ tục.`
)

// TestSuggestFirstPapersOnDatabases: a petition letter and an acceptance decision
// that both name a complaint's petitioner and cite the decision its subject
// contests are suggested for that case first, and for another complaint about the
// same decision next; a letter naming only the petitioner is suggested by the
// name; a denouncer's letter is suggested for nothing by its sender's name, and no
// suggestion anywhere carries a protected name — not even when a complainant of
// another case bears it.
func TestSuggestFirstPapersOnDatabases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		open := func(kind cases.Kind, subject, name, id string) cases.Case {
			t.Helper()
			c, _, err := w.svc.CreateCase(ctx, w.clerk, cases.NewCase{
				Kind: kind, Source: cases.SourcePost, ReceivedOn: day("2026-03-03"), Subject: subject,
				Parties: []cases.Party{{Role: cases.RolePetitioner, Person: cases.Person{Name: name, IDNumber: id}}},
			})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		an := open(cases.KindComplaint, "Khiếu nại Quyết định số 125/QĐ-UBND ngày 15/01/2026 về thu hồi đất", "Nguyễn Văn An", "072168000123")
		binh := open(cases.KindComplaint, "Khiếu nại Quyết định 125/QĐ-UBND về bồi thường", "Lê Thị Bình", "")
		tc := open(cases.KindDenunciation, "Tố cáo cán bộ địa chính xã nhận tiền khi làm thủ tục", "Võ Thị Bí Mật", "072190000001")
		namesake := open(cases.KindComplaint, "Khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất", "Võ Thị Bí Mật", "")

		suggestions := func(d ingest.Document) []cases.Suggestion {
			t.Helper()
			s, err := db.Suggestions(ctx, []string{d.ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, sg := range s {
				if strings.Contains(viet.FoldKey(sg.Detail), "bi mat") {
					t.Errorf("a suggestion names the denouncer: %+v", sg)
				}
			}
			return s
		}
		want := func(got []cases.Suggestion, want ...cases.Suggestion) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("suggestions %+v, want %+v", got, want)
			}
			for i := range want {
				g := got[i]
				if g.CaseCode != want[i].CaseCode || g.Reason != want[i].Reason || g.Detail != want[i].Detail || g.Score != want[i].Score {
					t.Errorf("suggestion %d: %+v, want %+v", i, g, want[i])
				}
			}
		}

		letter := w.scan(t, db, "", complaintLetter)
		if letter.Kind != ingest.KindDonKhieuNai || letter.Meta.Issuer != "" || letter.Meta.Number != "" {
			t.Fatalf("letter read as %s %+v", letter.Kind, letter.Meta)
		}
		want(suggestions(letter),
			cases.Suggestion{CaseCode: an.Code, Reason: "names_party", Detail: "Nguyễn Văn An", Score: 0.85},
			cases.Suggestion{CaseCode: binh.Code, Reason: "subject_number", Detail: "125/QĐ-UBND", Score: 0.75})

		decision := w.scan(t, db, "", acceptance)
		if decision.Kind != ingest.KindQuyetDinhThuLy || decision.Meta.Number != "31/QĐ-UBND" {
			t.Fatalf("decision read as %s %+v", decision.Kind, decision.Meta)
		}
		want(suggestions(decision),
			cases.Suggestion{CaseCode: an.Code, Reason: "names_party", Detail: "Nguyễn Văn An", Score: 0.85},
			cases.Suggestion{CaseCode: binh.Code, Reason: "subject_number", Detail: "125/QĐ-UBND", Score: 0.75})

		named := w.scan(t, db, "", nameOnlyLetter)
		if named.Kind != ingest.KindDonKienNghiPhanAnh {
			t.Fatalf("letter read as %s", named.Kind)
		}
		want(suggestions(named), cases.Suggestion{CaseCode: an.Code, Reason: "names_party", Detail: "Nguyễn Văn An", Score: 0.7})

		// The denouncer's letter names her: it is confidential, and neither her
		// denunciation nor the complaint of her namesake is suggested by the name.
		secret := w.scan(t, db, "", denunciationLetter)
		if secret.Kind != ingest.KindDonToCao || secret.Meta.Issuer != "" || !secret.Confidential || secret.SecretCase != tc.Code {
			t.Fatalf("denunciation letter: %s confidential %t secret case %q, issuer %q", secret.Kind, secret.Confidential, secret.SecretCase, secret.Meta.Issuer)
		}
		for _, sg := range suggestions(secret) {
			if sg.Reason == "names_party" || sg.CaseCode == namesake.Code {
				t.Errorf("suggested by a protected name: %+v", sg)
			}
		}

		// The namesake's own letter (her name, no number) is not suggested by the
		// name either: that would tell that the name is not a denouncer's.
		own := w.scan(t, db, "", "ĐƠN KHIẾU NẠI\nKính gửi: Ủy ban nhân dân thị xã.\nTôi là Võ Thị Bí Mật, khiếu nại việc cấp giấy.")
		for _, sg := range suggestions(own) {
			if sg.Reason == "names_party" {
				t.Errorf("suggested by a name a denouncer bears: %+v", sg)
			}
		}

		// A case whose subject was carelessly typed with the protected name: a scan
		// about the same matter is suggested for it, without the subject as detail.
		careless := open(cases.KindComplaint, "Đề nghị của bà Võ Thị Bí Mật về cấp giấy chứng nhận quyền sử dụng đất", "Trần Văn Bảy", "")
		same := w.scan(t, db, "", "THÔNG BÁO\nVề việc đề nghị của bà Võ Thị Bí Mật về cấp giấy chứng nhận quyền sử dụng đất\nKính gửi: bà Võ Thị Bí Mật")
		bySubject := false
		for _, sg := range suggestions(same) {
			if sg.CaseCode == careless.Code && sg.Reason == "subject" {
				bySubject = sg.Detail == ""
			}
		}
		if !bySubject {
			t.Errorf("no suggestion by subject without its detail for %s", careless.Code)
		}

		// The triage inbox shows the clerk the letter with its suggestions.
		items, total, err := w.svc.Triage(ctx, w.clerk, 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		// The dashboard's count is the inbox's, the denouncer's letter left out.
		if n, err := w.svc.TriageCount(ctx, w.clerk); err != nil || n != total || n != len(items) {
			t.Errorf("TriageCount = %d, %v; the inbox lists %d of %d", n, err, len(items), total)
		}
		found := false
		for _, it := range items {
			if it.Document.ID == letter.ID {
				found = len(it.Suggestions) == 2 && it.Suggestions[0].CaseCode == an.Code
			}
			if it.Document.ID == secret.ID {
				t.Errorf("the clerk's triage shows the denouncer's letter: %+v", it)
			}
		}
		if !found {
			t.Errorf("the clerk's triage lacks the letter with its suggestions: %+v", items)
		}
	})
}

// TestFirstPapersInCasesOnDatabases links the papers that arrive first: a thông
// báo thụ lý khiếu nại accepts a complaint (not a denunciation); a quyết định gia
// hạn moves nothing; in a denunciation the letter, the giấy ủy quyền, the phiếu
// chuyển đơn and the reception minutes are confidential, while the bodies' own
// notices and decisions are not.
func TestFirstPapersInCasesOnDatabases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		kn, _, err := w.svc.CreateCase(ctx, w.clerk, cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourceInPerson,
			ReceivedOn: day("2026-03-03"), Subject: "Khiếu nại việc thu hồi đất"})
		if err != nil {
			t.Fatal(err)
		}
		tc, _, err := w.svc.CreateCase(ctx, w.clerk, cases.NewCase{Kind: cases.KindDenunciation, Source: cases.SourcePost,
			ReceivedOn: day("2026-03-03"), Subject: "Tố cáo cán bộ xã"})
		if err != nil {
			t.Fatal(err)
		}
		notice := "ỦY BAN NHÂN DÂN\nTHỊ XÃ HÒA THÀNH\nSố: 18/TB-UBND\nHòa Thành, ngày 06 tháng 3 năm 2026\nTHÔNG BÁO\nVề việc thụ lý giải quyết khiếu nại\nKính gửi: Ông A"

		link := func(text string, c cases.Case, kind ingest.Kind) (ingest.Document, cases.Case) {
			t.Helper()
			d := w.scan(t, db, "", text)
			if kind != "" && d.Kind != kind {
				t.Fatalf("read as %s, want %s:\n%s", d.Kind, kind, text)
			}
			d, err := w.svc.Link(ctx, w.clerk, d.ID, c.Code, "")
			if err != nil {
				t.Fatal(err)
			}
			after, err := w.svc.Case(ctx, w.leader, c.Code)
			if err != nil {
				t.Fatal(err)
			}
			return d, after
		}

		// The denunciation first: a complaint's notice does not accept it.
		d, after := link(notice, tc, ingest.KindThongBaoThuLyKhieuNai)
		if after.Status != tc.Status || d.Confidential {
			t.Errorf("a complaint's notice in a denunciation: status %s → %s, confidential %t", tc.Status, after.Status, d.Confidential)
		}
		for _, p := range []struct {
			text string
			kind ingest.Kind
		}{
			{"QUYẾT ĐỊNH\nVề việc gia hạn thời hạn giải quyết tố cáo", ingest.KindQuyetDinhGiaHan},
		} {
			d, after := link(p.text, tc, p.kind)
			if d.Confidential || after.Status != tc.Status || len(after.Extensions) != 0 {
				t.Errorf("%s in a denunciation: confidential %t, status %s, extensions %v", p.kind, d.Confidential, after.Status, after.Extensions)
			}
		}
		for _, p := range []struct {
			text string
			kind ingest.Kind
		}{
			{"ĐƠN TỐ CÁO\nKính gửi: Thanh tra", ingest.KindDonToCao},
			{"GIẤY ỦY QUYỀN\nTôi tên là", ingest.KindGiayUyQuyen},
			{"BAN TIẾP CÔNG DÂN\nSố: 41/PC-BTCD\nPHIẾU CHUYỂN ĐƠN\nKính gửi: UBND", ingest.KindPhieuChuyenDon},
			{"BIÊN BẢN\nTiếp công dân", ingest.KindBienBanTiepCongDan},
		} {
			if d, _ := link(p.text, tc, p.kind); !d.Confidential {
				t.Errorf("%s in a denunciation is not confidential", p.kind)
			}
		}

		// The complaint: its notice accepts it on the notice's date.
		d, after = link(notice, kn, ingest.KindThongBaoThuLyKhieuNai)
		if after.Status != cases.StatusAccepted || cases.FormatDate(after.AcceptedOn) != "2026-03-06" || d.Confidential {
			t.Errorf("complaint after its notice: %s accepted %s", after.Status, cases.FormatDate(after.AcceptedOn))
		}
		// A gia hạn decision in a complaint changes nothing either.
		if _, again := link("QUYẾT ĐỊNH\nVề việc gia hạn thời hạn giải quyết khiếu nại", kn, ingest.KindQuyetDinhGiaHan); again.Status != after.Status || !again.DueOn.Equal(after.DueOn) {
			t.Errorf("gia hạn moved the complaint: %s due %s", again.Status, cases.FormatDate(again.DueOn))
		}

		// Every kind is a kind a document may be given by hand; others are not.
		plain := w.scan(t, db, "", "trang không có tiêu đề")
		for _, k := range ingest.Kinds() {
			if !k.Valid() {
				t.Errorf("%q is not Valid", k)
			}
		}
		if got, err := w.svc.Link(ctx, w.clerk, plain.ID, kn.Code, ingest.KindDonKhieuNai); err != nil || got.Kind != ingest.KindDonKhieuNai {
			t.Errorf("link as a letter: %s, %v", got.Kind, err)
		}
		if _, err := w.svc.Link(ctx, w.clerk, plain.ID, kn.Code, "don"); !errors.Is(err, errs.ErrInvalid) {
			t.Errorf("link with an unknown kind: %v", err)
		}
	})
}
