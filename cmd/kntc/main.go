// Command kntc is the one binary of kntc: the server, and the administration and
// ingestion commands around it. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"kntc/ocr/tesseract"
)

func main() {
	// One Tesseract thread per page, pages in parallel (see ocr/tesseract).
	tesseract.ReexecWithThreadLimit()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "kntc:", err)
		}
		os.Exit(exitCode(err))
	}
}

// exitCode is 0 for help asked for, 2 for a wrong command line, 1 otherwise.
func exitCode(err error) int {
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	return 1
}

// errUsage: the command line was wrong; the usage has been printed.
var errUsage = errors.New("usage error")

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "chạy máy chủ web, API và xử lý tài liệu (run the server)", runServe},
		{"ingest", "đưa tệp vào hệ thống (take files into kntc)", runIngest},
		{"search", "tìm kiếm toàn văn (full-text search)", runSearch},
		{"document", "tài liệu đưa vào nhầm: retract, purge, retracted (documents put in by mistake)", runDocument},
		{"reindex", "lập lại hoặc kiểm tra chỉ mục tìm kiếm (rebuild or check the search index)", runReindex},
		{"verify", "kiểm tra nhật ký kiểm toán và bản gốc (check the audit trail and the originals)", runVerify},
		{"backup", "sao lưu mã hóa, gia tăng; verify, list, keygen (encrypted incremental backup)", runBackup},
		{"restore", "khôi phục từ bản sao lưu vào nơi trống (restore a backup into an empty target)", runRestore},
		{"audit", "bản neo nhật ký kiểm toán: anchors, anchor (audit anchors)", runAudit},
		{"unit", "quản lý đơn vị: add, list (manage units)", runUnit},
		{"user", "quản lý tài khoản: add, list, passwd, disable, enable, set-role (manage user accounts)", runUser},
		{"holiday", "lịch ngày nghỉ: list, add, remove (the working-day calendar)", runHoliday},
		{"report", "biểu số liệu thống kê TT 06/2025/TT-TTCP (a statistical form)", runReport},
		{"version", "in phiên bản, cũng là kntc --version (print the version)", runVersion},
	}
}

// run is kntc's whole command line, testable without a process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return subcommands(commands()).run(ctx, "kntc", "kntc — hệ thống quản lý hồ sơ khiếu nại, tố cáo (complaint and denunciation case files)",
		args, getenv, stdin, stdout, stderr)
}

// version is set by the build (-ldflags "-X main.version=…").
var version = "dev"

func runVersion(_ context.Context, args []string, _ func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "", "print the version", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "kntc", versionString())
	return nil
}

// newFlagSet makes a subcommand's flag set with a usage text that lists its flags
// and the settings it uses, with the environment variables behind them (help.go).
// Help asked for is written to standard output (run passes it as stderr then).
func newFlagSet(name, argsUsage, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("kntc "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { printUsage(stderr, fs, name, argsUsage, summary) }
	return fs
}
