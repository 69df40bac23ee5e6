package ingest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Quarantine keeps the files kntc could not process, each beside a NAME.error.txt that
// says why, in Vietnamese and English, for the clerk who scanned it.
type Quarantine struct {
	Dir string
	Now func() time.Time // time.Now when nil
}

// Put moves the spool file src of document d into quarantine/YYYY-MM-DD/ under the
// name it arrived with (numbered when taken) and writes the reason beside it. It
// returns the quarantined path. A confidential document's name may name the
// denouncer (letters are named after their sender): it goes in under its ID
// instead, since the quarantine's names are listed on the ingestion monitor,
// written in the audit trail and logged; the reason file beside it still gives
// the name, for the clerk at the server's disk.
func (q *Quarantine) Put(d Document, src string, reason error) (string, error) {
	now := time.Now()
	if q.Now != nil {
		now = q.Now()
	}
	dir := filepath.Join(q.Dir, now.Format("2006-01-02"))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("quarantine %s: %w", d.ID, err)
	}
	name := safeName(d.Filename)
	if d.Confidential || d.SecretCase != "" {
		name = d.ID + plainExt(name)
	}
	if name == "" {
		name = d.ID
	}
	dst := filepath.Join(dir, name)
	ext := filepath.Ext(name)
	for i := 2; ; i++ {
		if _, err := os.Lstat(dst); errors.Is(err, os.ErrNotExist) {
			break
		}
		dst = filepath.Join(dir, fmt.Sprintf("%s (%d)%s", strings.TrimSuffix(name, ext), i, ext))
	}
	// The reason first: a crash between the two leaves an explanation, never a bare file.
	if err := writeFileSync(dst+".error.txt", []byte(errorText(d, reason, now))); err != nil {
		return "", fmt.Errorf("quarantine %s: %w", d.ID, err)
	}
	if err := os.Rename(src, dst); err != nil {
		if !isCrossDevice(err) {
			return "", fmt.Errorf("quarantine %s: %w", d.ID, err)
		}
		if _, _, err := copyFileSync(src, dst); err != nil {
			return "", fmt.Errorf("quarantine %s: %w", d.ID, err)
		}
		if err := os.Remove(src); err != nil {
			return "", fmt.Errorf("quarantine %s: %w", d.ID, err)
		}
	}
	return dst, syncDir(dir)
}

func errorText(d Document, reason error, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tệp: %s\n", d.Filename)
	fmt.Fprintf(&b, "Mã tài liệu (document ID): %s\n", d.ID)
	fmt.Fprintf(&b, "SHA-256: %s\n", d.SHA256)
	fmt.Fprintf(&b, "Thời điểm (time): %s\n\n", now.Format(time.RFC3339))
	fmt.Fprintf(&b, "Không xử lý được tệp này. Lý do:\n%s\n\n", userMessage(reason))
	fmt.Fprintf(&b, "This file could not be processed. Reason: see above (English in brackets).\n")
	fmt.Fprintf(&b, "Sửa tệp (ví dụ quét lại) rồi đặt lại vào thư mục nhận. (Fix the file, e.g. scan it again, and drop it into the hot folder again.)\n")
	return b.String()
}

// plainExt is name's extension when it is a short one of ASCII letters and
// digits (".pdf", ".tiff"), else "": whatever follows a name's last dot is not
// always an extension ("Đơn của ông Nguyễn V. Tâm").
func plainExt(name string) string {
	ext := filepath.Ext(name)
	if len(ext) < 2 || len(ext) > 6 {
		return ""
	}
	for _, r := range ext[1:] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return ""
		}
	}
	return ext
}

// safeName keeps a file name usable on disk: no directories, no control characters.
func safeName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "." || name == "/" || name == ".." {
		return ""
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, name)
}
