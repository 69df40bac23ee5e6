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
	fs := newFlagSet("verify", "", "Checks the audit trail: every entry numbered without gaps and chained by\nSHA-256 to the one before, so an edited, inserted or deleted row is found, and\nthe head that the server copies to the object store every minute still in it, so\nrows cut off the end are found too. With\n--objects also reads every stored original back and checks its SHA-256.\nExits 1 on any damage.", stderr)
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

	failed := false
	svc := &cases.Service{Store: st.db}
	n, err := svc.VerifyAuditAnchored(ctx, st.blobs)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		fmt.Fprintf(stdout, "Nhật ký kiểm toán (audit trail): HỎNG (BROKEN) sau %d mục (after %d good entries): %v\n", n, n, err)
		failed = true
	} else {
		fmt.Fprintf(stdout, "Nhật ký kiểm toán (audit trail): %d mục, nguyên vẹn (%d entries, intact)\n", n, n)
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
