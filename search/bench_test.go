package search_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/search"
)

// The search benchmark builds an index of synthetic pages from the sample texts and
// measures indexing and query latency per class of query:
//
//	go test ./search/ -run '^$' -bench '^BenchmarkSearch$' -benchtime 200x        # 2,000 pages
//	KNTC_BENCH_PAGES=100000 go test ./search/ -run '^$' -bench '^BenchmarkSearch$' \
//	    -benchtime 300x -timeout 2h                                           # make bench-search
//
// It prints indexing pages/s, the index size, p50/p95/p99 per class and memory.
var (
	benchPages   = flag.Int("pages", envInt("KNTC_BENCH_PAGES", 2000), "pages in the benchmark index (env KNTC_BENCH_PAGES)")
	benchDir     = flag.String("bench-dir", os.Getenv("KNTC_BENCH_DIR"), "directory for the benchmark index (default: a temporary one)")
	benchReuse   = flag.Bool("bench-reuse", false, "reuse the index in -bench-dir when there is one (query figures only)")
	samplesDir   = flag.String("samples", "", "sample texts (default: env KNTC_SAMPLES_DIR, else ../shared/samples beside the repository)")
	benchUnits   = 20
	benchYear0   = 2015
	benchYears   = 10
	benchKinds   = kindStrings()
	benchSurname = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	benchMiddle  = []string{"Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Kim", "Xuân"}
	benchGiven   = []string{"An", "Bình", "Cường", "Dũng", "Hoà", "Hùng", "Khoa", "Lan", "Mai", "Nam", "Phúc", "Quý", "Sơn", "Tâm", "Thuý", "Trung", "Tuấn", "Vinh", "Yến", "Khoẻ"}
	benchPlaces  = []string{"Hòa Thành", "Hoà Thành", "Trảng Bàng", "Gò Dầu", "Bến Cầu", "Châu Thành", "Dương Minh Châu", "Tân Biên", "Tân Châu", "Hòa Hiệp", "Thủy Đông", "Long Thuận"}
)

// kindStrings is ingest.Kinds as strings, for the corpus's pick.
func kindStrings() []string {
	var out []string
	for _, k := range ingest.Kinds() {
		out = append(out, string(k))
	}
	return out
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// readSamples returns the paragraphs of the sample texts, or skips the benchmark
// with one line saying how to give it them: they are data kept outside the
// repository, not a service.
func readSamples(tb testing.TB) []string {
	tb.Helper()
	dir := *samplesDir
	if dir == "" {
		dir = testenv.RequireSamples(tb)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) == 0 {
		tb.Skipf("no *.txt in %s; set %s=/path/to/samples to run this benchmark", dir, testenv.SamplesEnv)
	}
	var paras []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for line := range strings.Lines(string(b)) {
			if line = strings.TrimSpace(line); line != "" {
				paras = append(paras, line)
			}
		}
	}
	return paras
}

// corpus generates synthetic documents: runs of consecutive sample paragraphs
// (documents read in order), pages of 1,500–3,000 letters, with names, places,
// parcel numbers and about 1% of words garbled as OCR would.
type corpus struct {
	rnd     *rand.Rand
	paras   []string
	parcels []int // parcel numbers used, for rare-term queries
	n       int
}

func newCorpus(paras []string) *corpus {
	return &corpus{rnd: rand.New(rand.NewPCG(1, 2)), paras: paras}
}

func (c *corpus) pick(xs []string) string { return xs[c.rnd.IntN(len(xs))] }

func (c *corpus) page() string {
	want := 1500 + c.rnd.IntN(1501)
	var b strings.Builder
	name := c.pick(benchSurname) + " " + c.pick(benchMiddle) + " " + c.pick(benchGiven)
	parcel := 1 + c.rnd.IntN(999_999)
	if len(c.parcels) < 1000 {
		c.parcels = append(c.parcels, parcel)
	}
	fmt.Fprintf(&b, "Ông (bà) %s, trú tại xã %s, có đơn liên quan đến thửa đất số %d, tờ bản đồ số %d.\n",
		name, c.pick(benchPlaces), parcel, 1+c.rnd.IntN(60))
	i := c.rnd.IntN(len(c.paras))
	for utf8.RuneCountInString(b.String()) < want {
		b.WriteString(c.garble(c.paras[i]))
		b.WriteByte('\n')
		i = (i + 1) % len(c.paras)
	}
	return b.String()
}

// garble changes one letter of about 1% of the words.
func (c *corpus) garble(p string) string {
	if c.rnd.IntN(4) != 0 {
		return p
	}
	ws := strings.Fields(p)
	for k := range ws {
		if c.rnd.IntN(25) == 0 && len(ws[k]) > 3 {
			r := []rune(ws[k])
			r[c.rnd.IntN(len(r))] = rune('a' + c.rnd.IntN(26))
			ws[k] = string(r)
		}
	}
	return strings.Join(ws, " ")
}

func (c *corpus) entry() search.Entry {
	c.n++
	year := benchYear0 + c.rnd.IntN(benchYears)
	date := time.Date(year, time.Month(1+c.rnd.IntN(12)), 1+c.rnd.IntN(28), 0, 0, 0, 0, time.UTC)
	d := ingest.Document{
		ID:       fmt.Sprintf("doc-%07d", c.n),
		Status:   ingest.StatusStored,
		UnitCode: fmt.Sprintf("U%02d", 1+c.rnd.IntN(benchUnits)),
		CaseCode: fmt.Sprintf("KN-%d-%04d", year, c.rnd.IntN(3000)),
		Kind:     ingest.Kind(c.pick(benchKinds)),
		Meta: ingest.Metadata{
			Date:   date.Format(time.DateOnly),
			Issuer: fmt.Sprintf("UBND huyện %s", c.pick(benchPlaces[:8])),
		},
		CreatedAt: date,
		UpdatedAt: date,
	}
	e := search.Entry{Document: d, Confidential: c.rnd.IntN(20) == 0, Published: c.rnd.IntN(5) == 0}
	for p := range 1 + c.rnd.IntN(7) {
		e.Pages = append(e.Pages, ingest.Page{DocumentID: d.ID, Number: p + 1, Text: c.page()})
	}
	return e
}

// benchClass is one class of queries of the benchmark.
type benchClass struct {
	name    string
	queries []search.Query
}

func benchClasses(parcels []int) []benchClass {
	province := func(text string) search.Query { return search.Query{Text: text, AllUnits: true} }
	var rare, common, phrase, folded, filtered, prefix, fuzzy []search.Query
	for _, p := range parcels[:min(50, len(parcels))] {
		rare = append(rare, province(strconv.Itoa(p)))
	}
	for _, t := range []string{"khiếu nại", "của", "quyết định", "người", "cơ quan", "giải quyết", "tố cáo", "trách nhiệm", "thực hiện", "theo quy định"} {
		common = append(common, province(t))
	}
	for _, t := range []string{`"khiếu nại"`, `"giải quyết khiếu nại"`, `"quyết định giải quyết"`, `"người tố cáo"`, `"cơ quan nhà nước"`, `"xác minh nội dung tố cáo"`, `"tiếp công dân"`, `"thủ trưởng cơ quan"`, `"người khiếu nại"`, `"theo quy định của pháp luật"`} {
		phrase = append(phrase, province(t))
	}
	for _, t := range []string{"khieu nai", "to cao", "quyet dinh", "nguoi", "co quan nha nuoc", "giai quyet", "tiep cong dan", "xac minh", "thu truong", "hoa thanh"} {
		folded = append(folded, province(t))
	}
	for i, t := range []string{"khiếu nại", "xác minh", "tố cáo", "đối thoại", "hoa thanh", "quyết định", "thu hồi đất", "bồi thường", "người tố cáo", "tiếp công dân"} {
		y := benchYear0 + i%benchYears
		filtered = append(filtered, search.Query{
			Text:   t,
			Units:  []string{fmt.Sprintf("U%02d", 1+i%benchUnits), fmt.Sprintf("U%02d", 1+(i+7)%benchUnits), fmt.Sprintf("U%02d", 1+(i+13)%benchUnits)},
			Kinds:  []string{benchKinds[i%len(benchKinds)], benchKinds[(i+3)%len(benchKinds)]},
			From:   time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC),
			To:     time.Date(y+2, 12, 31, 0, 0, 0, 0, time.UTC),
			Facets: true,
		})
	}
	for _, t := range []string{"khiếu*", "quyết*", "thanh*", "xac*", "nguo*", "thủ*"} {
		prefix = append(prefix, province(t))
	}
	for _, t := range []string{"nghiệp", "trường", "thuyết", "khuyến", "nghiêm", "thường"} {
		q := province(t)
		q.Fuzzy = true
		fuzzy = append(fuzzy, q)
	}
	return []benchClass{
		{"rare", rare}, {"common", common}, {"phrase", phrase}, {"folded", folded},
		{"filtered_facets", filtered}, {"prefix", prefix}, {"fuzzy", fuzzy},
	}
}

func BenchmarkSearch(b *testing.B) {
	paras := readSamples(b)
	dir := *benchDir
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "index")
	}
	ctx := context.Background()
	report := &strings.Builder{}
	var c *corpus
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 && *benchReuse {
		// Regenerate the first pages only, for their parcel numbers.
		c = newCorpus(paras)
		for len(c.parcels) < 1000 {
			c.entry()
		}
		fmt.Fprintf(report, "\nsearch benchmark: reusing the index in %s; no indexing figures\n", dir)
	} else {
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
		c = buildBenchIndex(b, dir, paras, report)
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	heapAfterIndex := ms.HeapAlloc

	ix, err := search.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	// bleve merges segments in the background after a rebuild; measure queries
	// once that has settled, as in steady operation.
	settled := waitIdle(3 * time.Minute)
	size := dirSize(b, dir) // after the files merged away are removed
	fmt.Fprintf(report, "background merging settled after %s; index size %.1f MB (%.0f bytes/page)\n",
		settled.Round(time.Second), float64(size)/1e6, float64(size)/float64(*benchPages))

	fmt.Fprintf(report, "latency per query: wall clock, and the CPU time of this process per query (user+system, all goroutines), which other work on the machine inflates less\n")
	fmt.Fprintf(report, "%-16s %8s %8s %8s %8s %10s %9s %9s\n", "class", "p50 ms", "p95 ms", "p99 ms", "max ms", "avg hits", "cpu p50", "cpu p95")

	for _, class := range benchClasses(c.parcels) {
		b.Run(class.name, func(b *testing.B) {
			// Warm up: the first query of a class pays for loading its terms.
			for _, q := range class.queries {
				if _, err := ix.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			lat := make([]time.Duration, 0, b.N)
			cpu := make([]time.Duration, 0, b.N)
			totals := 0
			i := 0
			for b.Loop() {
				q := class.queries[i%len(class.queries)]
				i++
				t0, c0 := time.Now(), cpuTime()
				res, err := ix.Search(ctx, q)
				lat = append(lat, time.Since(t0))
				cpu = append(cpu, cpuTime()-c0)
				if err != nil {
					b.Fatal(err)
				}
				totals += res.Total
			}
			slices.Sort(lat)
			slices.Sort(cpu)
			pctOf := func(ds []time.Duration, p float64) float64 {
				return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))].Microseconds()) / 1000
			}
			pct := func(p float64) float64 { return pctOf(lat, p) }
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.95), "p95-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(pctOf(cpu, 0.95), "cpu-p95-ms")
			fmt.Fprintf(report, "%-16s %8.2f %8.2f %8.2f %8.2f %10.1f %9.2f %9.2f\n", class.name, pct(0.50), pct(0.95), pct(0.99),
				float64(lat[len(lat)-1].Microseconds())/1000, float64(totals)/float64(max(1, len(lat))), pctOf(cpu, 0.5), pctOf(cpu, 0.95))
		})
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(report, "memory: live heap after indexing %.0f MB, live heap after the queries %.0f MB, Go runtime total (Sys) %.0f MB, peak RSS (VmHWM) %s\n",
		float64(heapAfterIndex)/1e6, float64(ms.HeapAlloc)/1e6, float64(ms.Sys)/1e6, vmHWM())
	fmt.Print(report.String())
}

// buildBenchIndex indexes *benchPages synthetic pages into a new index in dir and
// writes the indexing figures to report. Generating the text is not timed.
func buildBenchIndex(b *testing.B, dir string, paras []string, report *strings.Builder) *corpus {
	ctx := context.Background()
	ix, err := search.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	c := newCorpus(paras)
	var indexing time.Duration
	pages, docs := 0, 0
	start := time.Now()
	cpu0 := cpuTime()
	for pages < *benchPages {
		// kntc reindex reads the database in chunks of this order.
		var batch []search.Entry
		n := 0
		for n < 5000 && pages+n < *benchPages {
			e := c.entry()
			if extra := pages + n + len(e.Pages) - *benchPages; extra > 0 {
				e.Pages = e.Pages[:len(e.Pages)-extra]
			}
			batch = append(batch, e)
			n += len(e.Pages)
		}
		t0 := time.Now()
		if err := ix.PutBatch(ctx, batch); err != nil {
			b.Fatal(err)
		}
		indexing += time.Since(t0)
		pages += n
		docs += len(batch)
	}
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	t0 := time.Now()
	if err := ix.Compact(ctx); err != nil {
		b.Fatal(err)
	}
	compact := time.Since(t0)
	if err := ix.Close(); err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(report, "\nsearch benchmark: %d pages in %d documents, %d units, %d years, GOMAXPROCS %d, %d CPUs (machine shared with other work)\n",
		pages, docs, benchUnits, benchYears, runtime.GOMAXPROCS(0), runtime.NumCPU())
	fmt.Fprintf(report, "indexing: %.0f pages/s in PutBatch (%s), %.0f pages/s with text generation (%s); Compact afterwards %s\n",
		float64(pages)/indexing.Seconds(), indexing.Round(time.Millisecond), float64(pages)/wall.Seconds(), wall.Round(time.Millisecond), compact.Round(time.Millisecond))
	fmt.Fprintf(report, "indexing CPU: %s user+system for generation, indexing and merging = %.0f pages per CPU-second\n",
		cpu.Round(time.Millisecond), float64(pages)/cpu.Seconds())
	return c
}

// BenchmarkSearchQuery is the plain per-query benchmark on a small in-memory index.
func BenchmarkSearchQuery(b *testing.B) {
	paras := readSamples(b)
	ix := mustOpenMem(b)
	c := newCorpus(paras)
	var es []search.Entry
	for range 300 {
		es = append(es, c.entry())
	}
	if err := ix.PutBatch(context.Background(), es); err != nil {
		b.Fatal(err)
	}
	for _, class := range benchClasses(c.parcels) {
		b.Run(class.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := ix.Search(context.Background(), class.queries[i%len(class.queries)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

func dirSize(tb testing.TB, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if info, err := d.Info(); err == nil && !d.IsDir() {
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// waitIdle waits until this process uses less than a tenth of a core over two
// seconds (background merges done), at most max, and returns how long it waited.
func waitIdle(max time.Duration) time.Duration {
	start := time.Now()
	for time.Since(start) < max {
		c0 := cpuTime()
		time.Sleep(2 * time.Second)
		if cpuTime()-c0 < 200*time.Millisecond {
			break
		}
	}
	return time.Since(start)
}

// vmHWM is the peak resident set size of this process, from /proc/self/status.
func vmHWM() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
