package tonelm_test

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"kntc/ingest"
	"kntc/ocr/ocrtest"
	"kntc/ocr/tonelm"
)

// BenchmarkCorrector prints the corrector's cost: the CPU time to correct an A4 page
// of text (450 words of generated legal prose, a word in 30 with its tone
// slipped, as Tesseract's readings have them at worst), and the memory the model
// and confusion table take once loaded (heap after a collection, with and
// without them). The budget: 5 ms a page, 50 MB. Run with make
// bench-tone.
func BenchmarkCorrector(b *testing.B) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err := tonelm.Load(strings.NewReader(string(must(os.ReadFile("model.bin.gz")))))
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	modelMB := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	runtime.KeepAlive(m)
	c, err := tonelm.DefaultCorrector()
	if err != nil {
		b.Fatal(err)
	}
	var pages [][]ingest.Word
	for seed := range int64(20) {
		ws := words(ocrtest.GeneratedText(seed, 450))
		for i := range ws {
			if i%30 == 7 {
				if s, ok := slip(ws[i].Text); ok && hasMark(s) {
					ws[i].Text = s
				}
			}
			ws[i].Line = 1 + i/12
		}
		pages = append(pages, ws)
	}
	work := make([]ingest.Word, 0, 600)
	n := 0
	t0, cpu0 := time.Now(), cpuTime()
	for b.Loop() {
		work = append(work[:0], pages[n%len(pages)]...)
		c.Correct(work)
		n++
	}
	ms := float64(time.Since(t0).Microseconds()) / 1000 / float64(n)
	cpuMS := float64((cpuTime() - cpu0).Microseconds()) / 1000 / float64(n)
	b.ReportMetric(cpuMS, "cpu-ms/page")
	b.ReportMetric(modelMB, "MB-model")
	fmt.Printf("tone corrector: %.2f ms CPU per page of %d words (budget 5; %.2f ms elapsed, on a machine shared with other work), model %.1f MB in memory (budget 50)\n",
		cpuMS, len(pages[0]), ms, modelMB)
}

// cpuTime is the CPU time the process has used: on a shared machine the
// elapsed time per page says more about the other processes than about the
// corrector.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
