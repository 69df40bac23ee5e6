package search_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"kntc/ingest"
	"kntc/search"
)

// BenchmarkSearchProvincePage is the search page of a province leader (make
// bench-web's slowest page) on the search index alone: KNTC_BENCH_PAGES pages
// (default 20,000) of one paragraph each over ten districts, the page's six
// queries without diacritics, each with the page's three facets.
//
//	KNTC_BENCH_PAGES=100000 go test ./search -run '^$' -bench ProvincePage -cpuprofile cpu.out
func BenchmarkSearchProvincePage(b *testing.B) {
	n := envInt("KNTC_BENCH_PAGES", 20_000)
	// On disk and compacted, as kntc reindex leaves it (an index in memory has
	// no merger to compact it).
	ix, err := search.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	kinds := ingest.Kinds()
	issuers := []string{"UBND huyện Hòa Thành", "UBND xã Long Thuận", "Thanh tra tỉnh", "Sở Tài nguyên và Môi trường", "Công an huyện Gò Dầu", "UBND tỉnh"}
	sentences := []string{
		"Căn cứ Luật Khiếu nại năm 2011 và Nghị định số 124/2020/NĐ-CP của Chính phủ quy định chi tiết một số điều.",
		"Ông %s trình bày việc Ủy ban nhân dân xã thu hồi đất nông nghiệp không đúng quy định.",
		"Diện tích đất bị thu hồi là %d mét vuông, mức bồi thường chưa thỏa đáng so với giá thị trường.",
		"Đoàn xác minh đã làm việc với các hộ dân liên quan và thu thập hồ sơ địa chính qua các thời kỳ.",
		"Kết quả xác minh cho thấy nội dung khiếu nại là đúng một phần, đề nghị điều chỉnh phương án bồi thường.",
		"Người tố cáo phản ánh cán bộ địa chính có dấu hiệu nhũng nhiễu, gây khó khăn khi giải quyết thủ tục hành chính.",
		"Ủy ban nhân dân huyện %s giao Thanh tra huyện chủ trì, phối hợp với Phòng Tài nguyên và Môi trường kiểm tra.",
		"Thời hạn giải quyết không quá 30 ngày kể từ ngày thụ lý; vụ việc phức tạp có thể kéo dài không quá 45 ngày.",
	}
	subjects := []string{"Khiếu nại quyết định thu hồi đất", "Khiếu nại về mức bồi thường, hỗ trợ tái định cư", "Tố cáo cán bộ địa chính xã nhận tiền",
		"Kiến nghị cấp giấy chứng nhận quyền sử dụng đất", "Phản ánh việc xây dựng trái phép"}
	places := []string{"Hòa Thành", "Trảng Bàng", "Gò Dầu", "Bến Cầu", "Châu Thành"}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var es []search.Entry
	for i := range n {
		rnd := rand.New(rand.NewPCG(uint64(i), 7))
		var sb strings.Builder
		sb.WriteString(subjects[rnd.IntN(len(subjects))] + ".\n")
		for range 6 {
			s := sentences[rnd.IntN(len(sentences))]
			if strings.Contains(s, "%d") {
				s = fmt.Sprintf(s, 100+rnd.IntN(5000))
			} else if strings.Contains(s, "%s") {
				s = fmt.Sprintf(s, places[rnd.IntN(len(places))])
			}
			sb.WriteString(s + " ")
		}
		at := now.Add(-time.Duration(rnd.IntN(400*24)) * time.Hour)
		d := ingest.Document{ID: fmt.Sprintf("doc-%07d", i), Status: ingest.StatusStored,
			UnitCode: fmt.Sprintf("H%02d", rnd.IntN(10)), CaseCode: fmt.Sprintf("KN-2026-%06d", (i*7919)%(n/5+1)),
			Kind: kinds[rnd.IntN(len(kinds))], Meta: ingest.Metadata{Date: at.Format(time.DateOnly), Issuer: issuers[rnd.IntN(len(issuers))]},
			CreatedAt: at, UpdatedAt: at, Confidential: rnd.IntN(50) == 0}
		es = append(es, search.EntryOf(d, []ingest.Page{{DocumentID: d.ID, Number: 1, Text: sb.String()}}))
	}
	if err := ix.PutBatch(ctx, es); err != nil {
		b.Fatal(err)
	}
	if err := ix.Compact(ctx); err != nil {
		b.Fatal(err)
	}
	page := func(text string) search.Query {
		return search.Query{Text: text, AllUnits: true, Facets: true, FacetNames: []string{"kind", "issuer", "year"}, Limit: 20}
	}
	qs := []search.Query{page("thu hoi dat"), page("boi thuong"), page("quyết định thu hồi"), page("can bo dia chinh"), page("xac minh"), page("dat")}
	qs[2].Kinds = []string{string(kinds[0])}
	qs[3].Offset = 20
	qs[4].Sort = "date"
	qs[5].From, qs[5].To = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	i := 0
	for b.Loop() {
		if _, err := ix.Search(ctx, qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
