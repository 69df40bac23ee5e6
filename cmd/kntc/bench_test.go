package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kntc/internal/testenv"
	"kntc/ocr/ocrtest"
	"kntc/storage/sqlite"
)

// BenchmarkIngest compares the whole pipeline (hot folder → OCR → PDF/A → objects →
// rows → index) with raw `tesseract -l vie` (one thread per page, as many pages at
// once as cores) and, when installed, `ocrmypdf -l vie --output-type pdfa`, on the same
// N synthetic A4 300 dpi pages made from the sample texts (KNTC_SAMPLES_DIR). N is
// KNTC_BENCH_PAGES (default 20). Run with `make bench-ingest`.
func BenchmarkIngest(b *testing.B) {
	n := 20
	if s := os.Getenv("KNTC_BENCH_PAGES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	pages := benchPages(b, n)
	cores := runtime.NumCPU()
	for b.Loop() {
		raw := timeRawTesseract(b, pages, cores)
		// The tone corrector's share: the same pages without it, just before, on
		// the same machine (its CPU time per page is what the load changes least).
		plain, _, _, _, plainCPU := timePipeline(b, pages, "KNTC_TONE_CORRECTION=false")
		pipe, peakKB, latency, ocr, pipeCPU := timePipeline(b, pages)
		fmt.Printf("\nbench-ingest: %d A4 300 dpi pages, %d cores\n", n, cores)
		fmt.Printf("  kntc pipeline      %6.2f s/page  %6.2f pages/s  peak RSS %d MiB\n", pipe.Seconds()/float64(n), float64(n)/pipe.Seconds(), peakKB/1024)
		fmt.Printf("  raw tesseract (a)  %6.2f s/page  %6.2f pages/s\n", raw.Seconds()/float64(n), float64(n)/raw.Seconds())
		fmt.Printf("  pipeline / raw     %6.2f× the speed of raw tesseract\n", raw.Seconds()/pipe.Seconds())
		fmt.Printf("  tone correction    off: %6.2f s/page, %.3f CPU s/page; on: %6.2f s/page, %.3f CPU s/page (%+.1f%% CPU)\n",
			plain.Seconds()/float64(n), plainCPU/float64(n), pipe.Seconds()/float64(n), pipeCPU/float64(n), 100*(pipeCPU-plainCPU)/plainCPU)
		if _, err := exec.LookPath("ocrmypdf"); err == nil {
			om := timeOCRmyPDF(b, pages, cores)
			fmt.Printf("  ocrmypdf (b)       %6.2f s/page  pipeline is %.2f× as fast\n", om.Seconds()/float64(n), om.Seconds()/pipe.Seconds())
		} else {
			fmt.Printf("  ocrmypdf (b)       not installed\n")
		}
		fmt.Printf("  one page, idle     %6.2f s from drop to searchable = OCR %.2f s + stable delay %.1f s + %.2f s other (target: other ≤ 2 s)\n",
			latency.Seconds(), ocr.Seconds(), benchStableDelay.Seconds(), (latency - ocr - benchStableDelay).Seconds())
		b.ReportMetric(float64(n)/pipe.Seconds(), "pages/s")
		b.ReportMetric(raw.Seconds()/pipe.Seconds(), "x-raw-tesseract")
	}
}

// benchPages renders n full A4 pages of real legal text into PNG files.
func benchPages(b *testing.B, n int) []string {
	words := strings.Fields(sampleText(b))
	out := b.TempDir()
	var paths []string
	for i := range n {
		start := (i * 450) % max(len(words)-450, 1)
		img, _, err := ocrtest.Render(strings.Join(words[start:start+450], " "), ocrtest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		p := filepath.Join(out, fmt.Sprintf("trang-%03d.png", i+1))
		if err := os.WriteFile(p, ocrtest.PNG(img), 0o644); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func timeRawTesseract(b *testing.B, pages []string, cores int) time.Duration {
	out := b.TempDir()
	start := time.Now()
	sem := make(chan struct{}, cores)
	var wg sync.WaitGroup
	for i, p := range pages {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			cmd := exec.Command("tesseract", p, filepath.Join(out, strconv.Itoa(i)), "-l", "vie")
			cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
			if o, err := cmd.CombinedOutput(); err != nil {
				b.Errorf("tesseract: %v %s", err, o)
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

func timeOCRmyPDF(b *testing.B, pages []string, cores int) time.Duration {
	out := b.TempDir()
	start := time.Now()
	for i, p := range pages {
		cmd := exec.Command("ocrmypdf", "-l", "vie", "--output-type", "pdfa", "-j", strconv.Itoa(cores), "--image-dpi", "300", p, filepath.Join(out, strconv.Itoa(i)+".pdf"))
		if o, err := cmd.CombinedOutput(); err != nil {
			b.Errorf("ocrmypdf: %v %s", err, o)
		}
	}
	return time.Since(start)
}

// benchStableDelay is the hot-folder settle time in the benchmark: the files are
// written whole, so the default 3 s would only add a constant wait.
const benchStableDelay = 200 * time.Millisecond

// timePipeline runs the real binary on the embedded default and drops the pages into
// its hot folder; the time runs from the drop to the last document stored.
// env is added to the server's environment. cpu is the server's CPU seconds
// (user and system, every thread: Tesseract runs in it) while ingesting.
func timePipeline(b *testing.B, pages []string, env ...string) (elapsed time.Duration, peakKB int, latency, ocr time.Duration, cpu float64) {
	dir := b.TempDir()
	p := startProc(b, append([]string{"KNTC_ADMIN_PASSWORD=" + adminPassword}, env...), "--data-dir", dir, "--stable-delay", benchStableDelay.String())
	s := &server{url: p.url, stdout: &testenv.Buffer{}, stderr: p.out}
	token := s.login(b)
	hot := filepath.Join(dir, "hotfolder")
	cpu0 := cpuSeconds(p.cmd.Process.Pid)
	start := time.Now()
	for _, src := range pages {
		data, err := os.ReadFile(src)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(hot, filepath.Base(src)), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for {
		docs := s.documents(b, token)
		done := 0
		for _, d := range docs {
			if d.Status == "stored" {
				done++
			} else if terminal(d.Status) {
				b.Fatalf("%s ended %s: %s", d.Filename, d.Status, d.Error)
			}
		}
		if done == len(pages) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	elapsed = time.Since(start)
	peakKB = peakRSSKB(p.cmd.Process.Pid)
	cpu = cpuSeconds(p.cmd.Process.Pid) - cpu0
	fmt.Printf("  (kntc used %.2f cores on average while ingesting)\n", cpu/elapsed.Seconds())

	// One more page into the now idle system: drop → found by a search.
	img, _, err := ocrtest.Render("Biên bản đo độ trễ tìm kiếm của hệ thống tiếp nhận đơn thư", ocrtest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	// Into a case's sub-folder: a document in no case waits in triage and is
	// held out of full-text search.
	caseDir := filepath.Join(hot, "TINH", "KN-2026-000001")
	if err := os.MkdirAll(caseDir, 0o755); err != nil {
		b.Fatal(err)
	}
	start = time.Now()
	if err := os.WriteFile(filepath.Join(caseDir, "mot-trang.png"), ocrtest.PNG(img), 0o644); err != nil {
		b.Fatal(err)
	}
	var id string
	for id == "" {
		_, body := s.get(b, token, "/api/v1/search?q="+url.QueryEscape(`"độ trễ"`))
		var res struct {
			Hits []struct {
				ID string `json:"id"`
			} `json:"hits"`
		}
		if json.Unmarshal(body, &res) == nil && len(res.Hits) > 0 {
			id = res.Hits[0].ID
		}
		time.Sleep(20 * time.Millisecond)
	}
	latency = time.Since(start)
	db, err := sqlite.Open(b.Context(), filepath.Join(dir, "kntc.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	pgs, err := db.Pages(b.Context(), id)
	if err != nil || len(pgs) != 1 {
		b.Fatalf("pages of the latency document: %v %v", pgs, err)
	}
	return elapsed, peakKB, latency, time.Duration(pgs[0].DurationMS) * time.Millisecond, cpu
}

// cpuSeconds reads a process's user + system CPU time.
func cpuSeconds(pid int) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.Atoi(f[11])
	k, _ := strconv.Atoi(f[12])
	return float64(u+k) / 100 // clock ticks; 100 per second on Linux
}

// peakRSSKB reads a process's peak resident memory (VmHWM) in KiB.
func peakRSSKB(pid int) int {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				n, _ := strconv.Atoi(f[1])
				return n
			}
		}
	}
	return 0
}
