package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kntc/ingest"
	"kntc/internal/testenv"
)

// BenchmarkLoad is the hostile-load check of issue 19, with figures (run with
// `make bench-load`):
//   - memory: four 12000×12000 grey PNGs (mostly white, a few hundred KB each,
//     under the 150 M pixel limit) dropped at once, on the real binary, with the
//     decode budget at KNTC_BENCH_LOAD_BUDGETS (comma-separated bytes; default
//     1, 2 and 4 GiB) and without a budget, with four OCR workers (four pages at
//     once when memory allows); peak RSS (VmHWM) against the budget;
//   - uploads: one over the size limit by Content-Length, one streamed without a
//     length; how much the server took before refusing, and what the spool kept;
//   - slow bodies: a stalled login body and a trickling upload, how long until the
//     server cut them off; 300 stalled logins at once, how many were refused at
//     once (503) and how long the rest were held.
func BenchmarkLoad(b *testing.B) {
	budgets := []int64{1 << 30, 2 << 30, 4 << 30}
	if s := os.Getenv("KNTC_BENCH_LOAD_BUDGETS"); s != "" {
		budgets = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			budgets = append(budgets, n)
		}
	}
	const side = 12000
	imgs := bigScans(b, 4, side)
	for b.Loop() {
		cost := int64(side*side) * (1 + ingest.DefaultWorkBytesPerPixel)
		fmt.Printf("\nbench-load: %d grey PNGs of %d×%d (%.0f M pixels, %d KB each) dropped at once, 4 OCR workers, %d cores\n",
			len(imgs), side, side, float64(side*side)/1e6, len(imgs[0])/1024, runtime.NumCPU())
		fmt.Printf("  each page reckoned at %s (1 byte a pixel decoded + %d of work)\n", mib(cost), ingest.DefaultWorkBytesPerPixel)
		for _, budget := range append(budgets, 0) {
			peak, idle, took := loadRun(b, imgs, budget)
			name, atOnce := "no budget", 4
			if budget > 0 {
				name, atOnce = fmt.Sprintf("budget %s", mib(budget)), min(max(int(budget/cost), 1), 4)
			}
			verdict := ""
			switch {
			case budget == 0:
			case peak <= budget:
				verdict = "; within the budget"
			case cost > budget:
				verdict = "; over the budget: each page alone is reckoned over it"
			default:
				verdict = "; OVER THE BUDGET"
			}
			fmt.Printf("  %-18s %d page(s) at once: peak RSS %6s (idle %s), %.0f s for the four%s\n", name, atOnce, mib(peak), mib(idle), took.Seconds(), verdict)
		}
		uploadFigures(b)
	}
}

func mib(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }

// bigScans makes n distinct side×side grey PNGs: white, with a few dark lines.
func bigScans(b *testing.B, n, side int) [][]byte {
	var out [][]byte
	for i := range n {
		img := image.NewGray(image.Rect(0, 0, side, side))
		for j := range img.Pix {
			img.Pix[j] = 0xff
		}
		for l := range 40 {
			y := 600 + l*250 + i*7
			for x := 800; x < side-800-(l%5)*900; x++ {
				for d := range 6 {
					img.Pix[(y+d)*img.Stride+x] = 0x20
				}
			}
		}
		var buf bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
			b.Fatal(err)
		}
		out = append(out, buf.Bytes())
	}
	return out
}

// loadRun drops imgs into a fresh server's hot folder at once and waits until
// every one has finished; budget 0 means no budget worth the name (1 TiB).
func loadRun(b *testing.B, imgs [][]byte, budget int64) (peak, idle int64, took time.Duration) {
	if budget == 0 {
		budget = 1 << 40
	}
	dir := b.TempDir()
	p := startProc(b, []string{"KNTC_ADMIN_PASSWORD=" + adminPassword, "KNTC_DECODE_MEMORY=" + strconv.FormatInt(budget, 10)},
		"--data-dir", dir, "--stable-delay", "200ms", "--page-timeout", "30m", "--ocr-workers", "4")
	defer p.kill()
	s := &server{url: p.url, stdout: &testenv.Buffer{}, stderr: p.out}
	token := s.login(b)
	idle = rssKB(p.cmd.Process.Pid, "VmRSS:") << 10
	hot := filepath.Join(dir, "hotfolder")
	start := time.Now()
	for i, data := range imgs {
		tmp := filepath.Join(dir, fmt.Sprintf(".scan-%d.png", i))
		must(b, os.WriteFile(tmp, data, 0o644))
		must(b, os.Rename(tmp, filepath.Join(hot, fmt.Sprintf("scan-%d.png", i))))
	}
	for {
		docs := s.documents(b, token)
		finished := 0
		for _, d := range docs {
			if terminal(d.Status) {
				finished++
				if d.Status != "stored" {
					b.Errorf("%s ended %s: %s", d.Filename, d.Status, d.Error)
				}
			}
		}
		if finished == len(imgs) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	return rssKB(p.cmd.Process.Pid, "VmHWM:") << 10, idle, time.Since(start)
}

// rssKB reads a memory figure of a process (VmHWM, VmRSS) in KiB.
func rssKB(pid int, field string) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, field) {
			f := strings.Fields(line)
			if len(f) >= 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
	}
	return 0
}

// uploadFigures prints how the server meets oversized uploads and slow bodies.
func uploadFigures(b *testing.B) {
	dir := b.TempDir()
	const limit = 50 << 20
	p := startProc(b, []string{"KNTC_ADMIN_PASSWORD=" + adminPassword},
		"--data-dir", dir, "--max-file-size", strconv.Itoa(limit), "--body-timeout", "2s", "--upload-min-rate", "65536")
	defer p.kill()
	s := &server{url: p.url, stdout: &testenv.Buffer{}, stderr: p.out}
	token := s.login(b)
	host := strings.TrimPrefix(p.url, "http://")
	spool := filepath.Join(dir, "spool")

	// Over the limit by its Content-Length: answered before a byte of the body.
	conn, err := net.Dial("tcp", host)
	must(b, err)
	fmt.Fprintf(conn, "POST /api/v1/documents HTTP/1.1\r\nHost: kntc\r\nAuthorization: Bearer %s\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n", token, 600<<20)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	must(b, err)
	conn.Close()
	fmt.Printf("  upload of 600 MiB declared, limit %s: %d after 0 bytes of body; spool holds %d files\n", mib(limit), resp.StatusCode, countFiles(spool))

	// Over the limit, streamed without a length: cut off at the limit.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	var sent int64
	go func() {
		fw, _ := mw.CreateFormFile("file", "lon.pdf")
		chunk := make([]byte, 64<<10)
		for sent < 600<<20 {
			n, err := fw.Write(chunk)
			sent += int64(n)
			if err != nil {
				return
			}
		}
		_ = mw.Close()
		_ = pw.Close()
	}()
	req, _ := http.NewRequest("POST", p.url+"/api/v1/documents", pr)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	start := time.Now()
	resp, err = http.DefaultClient.Do(req)
	status := "connection closed"
	if err == nil {
		status = strconv.Itoa(resp.StatusCode)
		resp.Body.Close()
	}
	pr.CloseWithError(io.ErrClosedPipe)
	fmt.Printf("  upload of 600 MiB streamed without a length: %s after %s sent (%.1f s); spool holds %d files\n", status, mib(sent), time.Since(start).Seconds(), countFiles(spool))

	// A stalled login body, and an upload trickling at 1 KiB/s.
	conn, err = net.Dial("tcp", host)
	must(b, err)
	start = time.Now()
	fmt.Fprintf(conn, "POST /api/v1/login HTTP/1.1\r\nHost: kntc\r\nContent-Length: 100\r\n\r\n{\"username\":")
	resp, err = http.ReadResponse(bufio.NewReader(conn), nil)
	must(b, err)
	conn.Close()
	fmt.Printf("  stalled login body (--body-timeout 2s): %d after %.1f s\n", resp.StatusCode, time.Since(start).Seconds())

	conn, err = net.Dial("tcp", host)
	must(b, err)
	start = time.Now()
	fmt.Fprintf(conn, "POST /api/v1/documents HTTP/1.1\r\nHost: kntc\r\nAuthorization: Bearer %s\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n", token, 10<<20)
	answered := make(chan *http.Response, 1)
	go func() {
		r, _ := http.ReadResponse(bufio.NewReader(conn), nil)
		answered <- r
	}()
	trickled := 0
trickle:
	for {
		select {
		case resp = <-answered:
			break trickle
		case <-time.After(100 * time.Millisecond):
			if _, err := conn.Write(make([]byte, 100)); err != nil {
				resp = <-answered
				break trickle
			}
			trickled += 100
		}
	}
	conn.Close()
	code := 0
	if resp != nil {
		code = resp.StatusCode
	}
	fmt.Printf("  upload trickling at 1 KiB/s (minimum 64 KiB/s after 2 s): %d after %.1f s and %d bytes; spool holds %d files\n", code, time.Since(start).Seconds(), trickled, countFiles(spool))

	// 300 stalled logins at once.
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	var held time.Duration
	start = time.Now()
	for range 300 {
		wg.Go(func() {
			c, err := net.Dial("tcp", host)
			if err != nil {
				return
			}
			defer c.Close()
			fmt.Fprintf(c, "POST /api/v1/login HTTP/1.1\r\nHost: kntc\r\nContent-Length: 100\r\n\r\n{\"u")
			r, err := http.ReadResponse(bufio.NewReader(c), nil)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				codes[0]++
				return
			}
			codes[r.StatusCode]++
			held = max(held, time.Since(start))
		})
	}
	wg.Wait()
	fmt.Printf("  300 stalled logins at once (--max-bodies 64): %d refused at once (503), %d cut off (408), %d other; the last answered after %.1f s\n",
		codes[503], codes[408], 300-codes[503]-codes[408], held.Seconds())
}

func countFiles(dir string) int {
	list, _ := os.ReadDir(dir)
	return len(list)
}
