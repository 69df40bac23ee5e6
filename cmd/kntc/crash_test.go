package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"kntc/internal/testenv"
	"kntc/ocr/ocrtest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// kntcBinary builds the real binary once for the tests that kill it.
func kntcBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kntc-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "kntc")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// proc is a kntc serve process.
type proc struct {
	cmd *exec.Cmd
	url string
	out *testenv.Buffer
}

func startProc(t testing.TB, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(kntcBinary(t), append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "text"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	p := &proc{cmd: cmd, out: &testenv.Buffer{}}
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	cmd.Stderr = p.out
	must(t, cmd.Start())
	urlRE := regexp.MustCompile(`running at\) (http://\S+)`)
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if m := urlRE.FindStringSubmatch(lines.Text()); m != nil {
			p.url = m[1]
			break
		}
	}
	if p.url == "" {
		_ = cmd.Wait()
		t.Fatalf("kntc did not start:\n%s", p.out)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	t.Cleanup(func() { p.kill() })
	return p
}

func (p *proc) kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		_ = p.cmd.Wait()
	}
}

// crashRun drops 50 files into the hot folder while killing kntc with SIGKILL at
// random moments and restarting it, then checks that every file is stored exactly
// once: none lost, none twice.
func crashRun(t *testing.T, env []string) {
	dir := t.TempDir()
	args := []string{"--data-dir", dir, "--stable-delay", "300ms"}
	// Five SIGKILLs in a few seconds stand for power cuts, not for a file that
	// kills its worker: a file in flight at three of them would rightly be
	// quarantined unopened (TestFileKillingItsWorkerIsQuarantined, ingest). Here
	// every file must come through, so the limit is out of reach.
	env = append(env, "KNTC_ADMIN_PASSWORD="+adminPassword, "KNTC_MAX_INTERRUPTIONS=100")
	seed := time.Now().UnixNano()
	t.Logf("random seed %d", seed)
	rng := mrand.New(mrand.NewPCG(uint64(seed), 1))

	const files = 50
	var datas [][]byte
	for i := range files {
		img, _, err := ocrtest.Render(fmt.Sprintf("Tài liệu số %d của hồ sơ vụ việc khiếu nại", i+1), ocrtest.Options{HeightMM: 30, WidthMM: 160, MarginMM: 5})
		must(t, err)
		datas = append(datas, ocrtest.PNG(img))
	}
	hot := filepath.Join(dir, "hotfolder")
	p := startProc(t, env, args...)
	next := 0
	for cycle := 0; cycle < 5; cycle++ {
		for ; next < (cycle+1)*files/5; next++ {
			must(t, os.WriteFile(filepath.Join(hot, fmt.Sprintf("tai-lieu-%02d.png", next+1)), datas[next], 0o644))
		}
		time.Sleep(time.Duration(300+rng.IntN(2500)) * time.Millisecond)
		p.kill()
		t.Logf("cycle %d: killed kntc with %d files in the hot folder and %d in the spool", cycle+1,
			len(filesIn(t, hot)), len(filesIn(t, filepath.Join(dir, "spool"))))
		p = startProc(t, env, args...)
	}
	s := &server{url: p.url, stdout: &testenv.Buffer{}, stderr: p.out}
	token := s.login(t)
	docs := s.waitFinished(t, token, files, hot)
	bySHA := map[string][]docJSON{}
	for _, d := range docs {
		bySHA[d.SHA256] = append(bySHA[d.SHA256], d)
	}
	for i, data := range datas {
		ds := bySHA[sha(data)]
		if len(ds) != 1 || ds[0].Status != "stored" || ds[0].Pages != 1 {
			t.Errorf("file %d: %+v, want exactly one stored document", i+1, ds)
		}
	}
	if len(docs) != files {
		t.Errorf("%d documents for %d files", len(docs), files)
	}
	if left := filesIn(t, filepath.Join(dir, "spool")); len(left) != 0 {
		t.Errorf("spool still holds %v", left)
	}
	if q := filesIn(t, filepath.Join(dir, "quarantine")); len(q) != 0 {
		t.Errorf("quarantine holds %v", q)
	}
	for _, d := range docs[:5] {
		code, b := s.get(t, token, "/api/v1/documents/"+d.ID+"/original")
		if code != http.StatusOK || sha(b) != d.SHA256 {
			t.Errorf("%s: original %d does not have its SHA-256", d.Filename, code)
		}
	}
}

func TestCrashResumeEmbedded(t *testing.T) {
	crashRun(t, nil)
}

func TestCrashResumePostgresMinIO(t *testing.T) {
	s3 := testenv.RequireS3(t)
	crashRun(t, []string{
		"KNTC_DATABASE_URL=" + testenv.PostgresDatabase(t), "KNTC_SEAL_KEY=" + testSealKey,
		"KNTC_S3_ENDPOINT=" + s3.Endpoint, "KNTC_S3_ACCESS_KEY=" + s3.AccessKey, "KNTC_S3_SECRET_KEY=" + s3.SecretKey,
		"KNTC_S3_BUCKET=kntc-crash-" + randHex(4),
	})
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// TestMinIOOutage stops the object store for 30 s while documents are being
// processed: nothing fails for good, and the work resumes when it is back.
func TestMinIOOutage(t *testing.T) {
	bin := os.Getenv("KNTC_TEST_MINIO_BIN")
	if bin == "" {
		testenv.Missing(t, testenv.MinIO, "KNTC_TEST_MINIO_BIN (the MinIO server binary) is not set")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	data := t.TempDir()
	secret := "minio-" + randHex(8)
	startMinIO := func() *exec.Cmd {
		cmd := exec.Command(bin, "server", "--quiet", "--address", "127.0.0.1:"+strconv.Itoa(port), "--console-address", "127.0.0.1:0", data)
		cmd.Env = append(os.Environ(), "MINIO_ROOT_USER=kntc-outage", "MINIO_ROOT_PASSWORD="+secret, "MINIO_BROWSER=off")
		must(t, cmd.Start())
		waitFor(t, "MinIO to start", func() bool {
			resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/minio/health/live", port))
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		})
		return cmd
	}
	minio := startMinIO()
	t.Cleanup(func() { _ = minio.Process.Kill(); _ = minio.Wait() })

	dir := t.TempDir()
	p := startProc(t, []string{"KNTC_ADMIN_PASSWORD=" + adminPassword,
		"KNTC_S3_ENDPOINT=127.0.0.1:" + strconv.Itoa(port), "KNTC_S3_ACCESS_KEY=kntc-outage", "KNTC_S3_SECRET_KEY=" + secret},
		"--data-dir", dir, "--stable-delay", "300ms")
	s := &server{url: p.url, stdout: &testenv.Buffer{}, stderr: p.out}
	token := s.login(t)
	hot := filepath.Join(dir, "hotfolder")
	const files = 6
	for i := range files {
		img, _, err := ocrtest.Render(fmt.Sprintf("Văn bản số %d gửi trong lúc kho lưu trữ ngừng hoạt động", i+1), ocrtest.Options{HeightMM: 30, WidthMM: 160, MarginMM: 5})
		must(t, err)
		if i == 2 {
			_ = minio.Process.Kill()
			_ = minio.Wait()
			t.Log("MinIO stopped")
		}
		must(t, os.WriteFile(filepath.Join(hot, fmt.Sprintf("van-ban-%d.png", i+1)), ocrtest.PNG(img), 0o644))
	}
	time.Sleep(30 * time.Second)
	minio = startMinIO()
	t.Log("MinIO started again")
	for _, d := range s.waitFinished(t, token, files, "") {
		if d.Status != "stored" {
			t.Errorf("%s ended %s: %s", d.Filename, d.Status, d.Error)
		}
	}
}

// TestGracefulShutdownOnSIGTERM sends the real binary SIGTERM (what systemd sends):
// it stops taking requests, finishes, logs it and exits 0.
func TestGracefulShutdownOnSIGTERM(t *testing.T) {
	p := startProc(t, []string{"KNTC_ADMIN_PASSWORD=" + adminPassword}, "--data-dir", t.TempDir())
	resp, err := http.Get(p.url + "/healthz")
	must(t, err)
	resp.Body.Close()
	must(t, p.cmd.Process.Signal(syscall.SIGTERM))
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("kntc exited with %v after SIGTERM\n%s", err, p.out)
	}
	if !strings.Contains(p.out.String(), "kntc stopped") {
		t.Fatalf("no shutdown in the log:\n%s", p.out)
	}
}
