package search_test

import (
	"context"
	"flag"
	"testing"
	"time"

	"kntc/ingest"
	"kntc/search"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// mustOpenMem returns an in-memory index closed when the test ends.
func mustOpenMem(tb testing.TB) *search.Index {
	tb.Helper()
	ix, err := search.OpenMem()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := ix.Close(); err != nil {
			tb.Error(err)
		}
	})
	return ix
}

// mustPut indexes entries one by one with Put.
func mustPut(tb testing.TB, ix *search.Index, es ...search.Entry) {
	tb.Helper()
	for _, e := range es {
		if err := ix.Put(context.Background(), e); err != nil {
			tb.Fatalf("put %s: %v", e.Document.ID, err)
		}
	}
}

// mustSearch runs q or fails the test.
func mustSearch(tb testing.TB, ix *search.Index, q search.Query) search.Result {
	tb.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		tb.Fatalf("search %+v: %v", q, err)
	}
	return res
}

// entry builds an Entry; pages are numbered from 1.
func entry(id, unit, caseCode, kind, issuer, date string, pages ...string) search.Entry {
	created := time.Date(2020, 8, 8, 9, 30, 0, 0, time.UTC)
	e := search.Entry{Document: ingest.Document{
		ID: id, Status: ingest.StatusStored, UnitCode: unit, CaseCode: caseCode, Kind: ingest.Kind(kind),
		Meta:      ingest.Metadata{Date: date, Issuer: issuer},
		CreatedAt: created, UpdatedAt: created.Add(time.Hour),
	}}
	for i, text := range pages {
		e.Pages = append(e.Pages, ingest.Page{DocumentID: id, Number: i + 1, Text: text})
	}
	return e
}

// fixture is a small set of case-file pages written for the tests (not taken from
// any real document): tone placements old and new, a page typed without
// diacritics, an OCR error, a confidential denunciation and published decisions.
func fixture() []search.Entry {
	binh := entry("d-binh", "HT", "KN-2024-001", "bao_cao_ket_qua_xac_minh", "Thanh tra huyện Hòa Thành", "2024-03-15",
		"BÁO CÁO KẾT QUẢ XÁC MINH\nVề việc tranh chấp đất đai tại xã Hòa Thành, huyện Hòa Thành.\n"+
			"Tổ xác minh đã làm việc với ông Trần Văn Bình, người khiếu nại, và các hộ liền kề.",
		"Ông Bình đã bán thửa đất số 312, tờ bản đồ số 7, cho bà Lê Thị Thuý vào năm 2010.\n"+
			"Hợp đồng chuyển nhượng có công chứng.")
	doiThoai := entry("d-doithoai", "HT", "KN-2024-001", "bien_ban_doi_thoai", "UBND huyện Hòa Thành", "2024-04-02",
		"BIÊN BẢN ĐỐI THOẠI\nHôm nay, tại trụ sở Uỷ ban nhân dân xã Hoà Thành, người khiếu nại cùng một người bạn đến dự.\n"+
			"Bạn của ông Bình trình bày ý kiến về việc thu hồi đất.")
	toCao := entry("d-tocao", "CT", "TC-2023-017", "thong_bao_thu_ly_to_cao", "UBND huyện Châu Thành", "2023-11-20",
		"THÔNG BÁO THỤ LÝ TỐ CÁO\nNgười tố cáo đề nghị giữ bí mật họ tên.\n"+
			"Nội dung tố cáo liên quan đến việc cấp giấy chứng nhận quyền sử dụng đất tại xã Hòa Thành.")
	toCao.Confidential = true
	quyetDinh := entry("d-quyetdinh", "TN", "KN-2022-005", "quyet_dinh_giai_quyet_khieu_nai", "UBND tỉnh Tây Ninh", "2022-06-30",
		"QUYẾT ĐỊNH\nVề việc giải quyết khiếu nại lần đầu của bà Nguyễn Thị Lan.\n"+
			"Chủ tịch Uỷ ban nhân dân tỉnh ban hành quyết định giải quyết khiếu nại, công khai theo quy định.",
		"Điều 2. Quyết định này có hiệu lực kể từ ngày ký.")
	quyetDinh.Published = true
	congVan := entry("d-congvan", "CT", "KN-2021-009", "cong_van", "UBND huyện Châu Thành", "2021-01-10",
		"Việc giải quyết của cơ quan chưa đúng quy định; quyết định thu hồi đất bị huỷ một phần.")
	ocrErr := entry("d-ocr", "HT", "KN-2023-002", "bien_ban_lam_viec", "Thanh tra huyện Hòa Thành", "2023-02-01",
		"BIÊN BẢN LÀM VIỆC\nĐoàn kiểm tra của ông Hoàng Văn Nam làm việc với phòng Tài nguyên và Môi trường về hồ sơ ngbiệp vụ đo đạc.")
	khongDau := entry("d-khongdau", "TN", "KN-2020-003", "khac", "", "",
		"Don khieu nai cua ba Nguyen Thi Lan ve viec boi thuong khi thu hoi dat.")
	khongDau.Published = true
	return []search.Entry{binh, doiThoai, toCao, quyetDinh, congVan, ocrErr, khongDau}
}

// fixtureIndex is an in-memory index of fixture().
func fixtureIndex(tb testing.TB) *search.Index {
	tb.Helper()
	ix := mustOpenMem(tb)
	if err := ix.PutBatch(context.Background(), fixture()); err != nil {
		tb.Fatal(err)
	}
	return ix
}
