package search

import (
	"strings"
	"testing"
)

// benchText is a page of an ordinary decision with both tone placements, an NFD
// word and upper-case lines, so that the analysis benchmarks run the paths a real
// page runs.
var benchText = strings.Repeat("ỦY BAN NHÂN DÂN TỈNH TÂY NINH\nQUYẾT ĐỊNH\n"+
	"Về việc thụ lý giải quyết khiếu nại của bà Nguyễn Thị Thuý, xã Hòa Thành, huyện Châu Thành. "+
	"Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011; xét đơn của ông Trần Văn Hoà "+
	"về việc thu hồi đất tại ấp Thủy Đông, khoẻ mạnh, Đặng Quý, người dân nước ta. "+
	"Xe\u0301t đê\u0300 nghi\u0323 của Chánh Thanh tra tỉnh.\n", 12)

// BenchmarkWords splits a page into words and their index forms, as indexing does
// once per page; after the first round the forms come from the cache.
func BenchmarkWords(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		words(benchText)
	}
}

// BenchmarkFormsUncached computes the index forms of a page's words without the
// cache: NFC, lower case, canonical tones and folding for every word.
func BenchmarkFormsUncached(b *testing.B) {
	ws := strings.Fields(benchText[:len(benchText)/12])
	for b.Loop() {
		formCache.Lock()
		clear(formCache.m)
		formCache.Unlock()
		for _, w := range ws {
			forms(w)
		}
	}
}
