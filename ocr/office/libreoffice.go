package office

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// LibreOffice is run as a separate program (soffice --headless --convert-to), one
// run per conversion, each with a user profile of its own in the job's directory
// (two runs sharing a profile would hand their work to each other, and a profile
// left locked by a killed run would block the next), in a process group of its
// own that is killed whole when the run outlives its time limit. The profile is
// written before LibreOffice first starts: macros never run, and the Internet
// settings name a proxy that answers nothing, so a document cannot make the
// server fetch a URL.

// profileSettings is the registrymodifications.xcu every run starts with.
const profileSettings = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetProxyType" oor:op="fuse"><value>1</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPProxyName" oor:op="fuse"><value>127.0.0.1</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPProxyPort" oor:op="fuse"><value>9</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPSProxyName" oor:op="fuse"><value>127.0.0.1</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPSProxyPort" oor:op="fuse"><value>9</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetFTPProxyName" oor:op="fuse"><value>127.0.0.1</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetFTPProxyPort" oor:op="fuse"><value>9</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetNoProxy" oor:op="fuse"><value></value></prop></item>
</oor:items>
`

// pdfFilter is the --convert-to target that writes PDF/A-2b: LibreOffice's PDF
// export with SelectPdfVersion 2.
func pdfFilter(sheet bool) string {
	filter := "writer_pdf_Export"
	if sheet {
		filter = "calc_pdf_Export"
	}
	return `pdf:` + filter + `:{"SelectPdfVersion":{"type":"long","value":"2"}}`
}

// soffice runs one LibreOffice conversion of in (a file in the job directory job)
// to the --convert-to target, and returns the file it wrote. The run is bounded by
// timeout; then, as after every run, its whole process group is killed.
func soffice(ctx context.Context, program, job, in, target, ext string, timeout time.Duration) (string, error) {
	profile := filepath.Join(job, "profile")
	if err := os.MkdirAll(filepath.Join(profile, "user"), 0o700); err != nil {
		return "", err
	}
	xcu := filepath.Join(profile, "user", "registrymodifications.xcu")
	if _, err := os.Stat(xcu); errors.Is(err, os.ErrNotExist) {
		if err := os.WriteFile(xcu, []byte(profileSettings), 0o600); err != nil {
			return "", err
		}
	}
	outDir, err := os.MkdirTemp(job, "out-")
	if err != nil {
		return "", err
	}
	tmp := filepath.Join(job, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return "", err
	}
	// The output goes to a file, not a pipe: a process that outlived the run
	// could hold a pipe open and keep Wait waiting.
	logPath := filepath.Join(job, "soffice.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return "", err
	}
	defer logFile.Close()

	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(rctx, program,
		"--headless", "--invisible", "--nologo", "--nodefault", "--nofirststartwizard", "--nolockcheck", "--norestore",
		"-env:UserInstallation="+(&url.URL{Scheme: "file", Path: profile}).String(),
		"--convert-to", target, "--outdir", outDir, in)
	cmd.Dir = job
	// A clean environment: the job's own home and temporary directory; the Indochina
	// time zone, which also makes LibreOffice write PDF dates PDF/A accepts (with UTC
	// it writes "Z'").
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + job, "TMPDIR=" + tmp, "TZ=ICT-7", "LANG=C.UTF-8", "SAL_USE_VCLPLUGIN=svp"}
	cmd.Stdin = nil
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return killGroup(cmd.Process.Pid) }
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	if cmd.Process != nil {
		// oosplash starts soffice.bin, which may start more: none may stay.
		_ = killGroup(cmd.Process.Pid)
	}
	switch {
	case ctx.Err() != nil:
		return "", ctx.Err()
	case errors.Is(rctx.Err(), context.DeadlineExceeded):
		return "", fail(ErrTimeout, "LibreOffice ran longer than %s", timeout)
	case errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) && cmd.Process == nil:
		return "", fmt.Errorf("run LibreOffice %s (install libreoffice-writer-nogui and libreoffice-calc-nogui): %w", program, err)
	}
	out := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))+"."+ext)
	if st, serr := os.Stat(out); serr != nil || st.Size() == 0 {
		// LibreOffice says "Error: source file could not be loaded" and exits 0, or
		// crashes: either way the file is one it cannot read.
		return "", fail(ErrCorrupt, "LibreOffice wrote nothing (%v): %s", err, logTail(logPath))
	}
	return out, nil
}

// killGroup kills process group pgid; a group already gone is no error.
func killGroup(pgid int) error {
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return nil
}

// logTail returns the last lines LibreOffice wrote, for the error.
func logTail(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, 64<<10))
	lines := strings.Split(strings.TrimSpace(strings.ToValidUTF8(string(b), "")), "\n")
	var keep []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" && !strings.Contains(l, "javaldx") {
			keep = append(keep, l)
		}
	}
	if len(keep) > 3 {
		keep = keep[len(keep)-3:]
	}
	return strings.Join(keep, " / ")
}
