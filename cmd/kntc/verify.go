package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"kntc/cases"
	"kntc/ingest"
)

// errVerifyFailed: verify found damage; the details are already printed.
var errVerifyFailed = errors.New("kiểm tra phát hiện sai lệch (verification failed)")

func runVerify(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", "", "Checks the audit trail: every entry numbered without gaps and chained to the one\nbefore by HMAC-SHA256 under the audit key (older entries by SHA-256), so an\nedited, inserted or deleted row is found, and no unkeyed entry after a keyed one;\nand every signed anchor the server wrote to the object store (audit/anchors/)\ngood and still in the chain, so rows cut off the end or a chain rewritten whole\nare found too. Needs the audit key (KNTC_AUDIT_KEY or DATA/audit.key). With\n--objects also reads every stored original back and checks its SHA-256.\nExits 1 on any damage.", stderr)
	objects := fs.Bool("objects", false, "also check the SHA-256 of every stored original")
	cfg, err := parseConfig(fs, getenv, args)
	if err != nil {
		return err
	}
	st, err := openStores(ctx, cfg, false, cfg.Logger(io.Discard))
	if err != nil {
		return err
	}
	defer st.Close()

	rep, err := cases.VerifyAuditTrail(ctx, st.db, st.blobs, st.db.AuditKey())
	if err != nil {
		return err
	}
	printAuditReport(stdout, rep, st.db.AuditKey() != nil)
	failed := !rep.OK()
	worm, changed, err := cases.VerifyWORM(ctx, st.blobs)
	if err != nil {
		return err
	}
	if worm > 0 || len(changed) > 0 {
		fmt.Fprintf(stdout, "Bản lưu trữ không được sửa (write-once archive copies): %d đã kiểm, %d sai lệch (%d checked, %d changed)\n", worm, len(changed), worm, len(changed))
		for _, p := range changed {
			fmt.Fprintf(stdout, "  %s\n", p)
		}
		failed = failed || len(changed) > 0
	}
	if *objects {
		checked, bad, err := verifyOriginals(ctx, st, stdout)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Bản gốc (originals): %d đã kiểm, %d hỏng (%d checked, %d damaged)\n", checked, bad, checked, bad)
		failed = failed || bad > 0
	}
	if failed {
		return errVerifyFailed
	}
	return nil
}

// verifyOriginals reads back the original of every stored document once per
// SHA-256 and compares its hash.
func verifyOriginals(ctx context.Context, st *stores, stdout io.Writer) (checked, bad int, err error) {
	seen := map[string]bool{}
	var since time.Time
	after := ""
	for {
		batch, err := st.db.DocumentsChangedSince(ctx, since, after, 500)
		if err != nil {
			return checked, bad, err
		}
		for _, d := range batch {
			if d.Status != ingest.StatusStored || seen[d.SHA256] {
				continue
			}
			seen[d.SHA256] = true
			checked++
			if why := checkOriginal(ctx, st.blobs, d); why != "" {
				bad++
				fmt.Fprintf(stdout, "  %s (%s): %s\n", d.ID, d.Filename, why)
			}
		}
		if len(batch) < 500 {
			return checked, bad, nil
		}
		last := batch[len(batch)-1]
		since, after = last.UpdatedAt, last.ID
	}
}

func checkOriginal(ctx context.Context, blobs ingest.BlobStore, d ingest.Document) string {
	rc, err := blobs.Get(ctx, ingest.OriginalKey(d.SHA256), 0, -1)
	if err != nil {
		return "không đọc được (cannot read): " + err.Error()
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		return "không đọc hết (read failed): " + err.Error()
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != d.SHA256 {
		return "mã băm SHA-256 không khớp (SHA-256 mismatch): " + got
	}
	return ""
}

// printAuditReport prints what VerifyAuditTrail found.
func printAuditReport(w io.Writer, rep cases.AuditReport, keyed bool) {
	if rep.OK() {
		fmt.Fprintf(w, "Nhật ký kiểm toán (audit trail): %d mục, nguyên vẹn (%d entries, intact)\n", rep.Entries, rep.Entries)
	} else {
		fmt.Fprintf(w, "Nhật ký kiểm toán (audit trail): HỎNG (BROKEN) — %d mục, %d mục đầu nối đúng (%d entries, the first %d chain correctly):\n",
			rep.Entries, rep.Intact, rep.Entries, rep.Intact)
		for _, p := range rep.Problems {
			fmt.Fprintf(w, "  - %s\n", p)
		}
	}
	if rep.FirstKeyed > 0 {
		fmt.Fprintf(w, "  có khóa từ mục %d (keyed from entry %d)\n", rep.FirstKeyed, rep.FirstKeyed)
	}
	fmt.Fprintf(w, "  bản neo (anchors): %d, có chữ ký đúng (good signatures): %d\n", rep.Anchors, rep.Signed)
	if keyed {
		fmt.Fprintf(w, "  khóa nhật ký (audit key): %s\n", rep.KeyID)
	} else {
		fmt.Fprintln(w, "  không có khóa nhật ký: chỉ kiểm được mục không khóa (no audit key: only unkeyed entries could be checked)")
	}
}
