package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"kntc/cases"
)

func runAudit(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	sub := subcommands{
		{"anchors", "in các bản neo của nhật ký, cho thanh tra (print the audit anchors, for the inspectorate)", runAuditAnchors},
		{"anchor", "neo đầu nhật ký ngay bây giờ (anchor the audit chain's head now)", runAuditAnchor},
	}
	return sub.run(ctx, "kntc audit", "", args, getenv, stdin, stdout, stderr)
}

// anchorJSON is one anchor as printed: one JSON object a line.
type anchorJSON struct {
	Object string `json:"object"`
	cases.Anchor
}

func runAuditAnchors(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("audit anchors", "", "Prints every anchor of the audit chain found in the object store, one JSON\nobject a line (object, seq, hash, at, key_id, mac): a copy the inspectorate\nkeeps, to check the trail against later (kntc verify) even if the object store\nwere rewritten. Objects under the anchors' names that are not anchors are\nreported on standard error.", stderr)
	cfg, err := parseConfig(fs, getenv, args)
	if err != nil {
		return err
	}
	st, err := openStores(ctx, cfg, false, cfg.Logger(io.Discard))
	if err != nil {
		return err
	}
	defer st.Close()
	anchors, damaged, err := cases.ReadAnchors(ctx, st.blobs)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	for _, a := range anchors {
		if err := enc.Encode(anchorJSON{Object: a.Object, Anchor: a}); err != nil {
			return err
		}
	}
	for _, k := range damaged {
		fmt.Fprintf(stderr, "bản neo hỏng (damaged anchor): %s\n", k)
	}
	return nil
}

func runAuditAnchor(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("audit anchor", "", "Writes a signed anchor of the audit chain's head now (the server does so every\n30 seconds while it runs), and prints it.", stderr)
	cfg, err := parseConfig(fs, getenv, args)
	if err != nil {
		return err
	}
	logger := cfg.Logger(stderr)
	st, err := openStores(ctx, cfg, true, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	a := &cases.Anchorer{Store: st.db, Blobs: st.blobs, Key: st.db.AuditKey(), Logger: logger}
	an, wrote, err := a.Anchor(ctx)
	if err != nil {
		return err
	}
	switch {
	case an.Seq == 0:
		fmt.Fprintln(stdout, "Nhật ký trống, không có gì để neo (the audit trail is empty: nothing to anchor)")
	case wrote:
		fmt.Fprintf(stdout, "Đã neo mục %d (anchored entry %d): %s\n", an.Seq, an.Seq, an.Object)
	default:
		fmt.Fprintf(stdout, "Mục %d đã được neo trước đó (entry %d was anchored already): %s\n", an.Seq, an.Seq, an.Object)
	}
	return nil
}
