package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"kntc/cases"
	"kntc/internal/errs"
)

func runDocument(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	sub := subcommands{
		{"retract", "rút bỏ tài liệu đưa vào nhầm (retract a document put in by mistake)", runDocumentRetract},
		{"purge", "xoá tệp của tài liệu đã rút (delete a retracted document's files)", runDocumentPurge},
		{"retracted", "liệt kê tài liệu đã rút (list retracted documents)", runDocumentRetracted},
	}
	return sub.run(ctx, "kntc document", "Tài liệu đưa vào nhầm: rút bỏ, xoá tệp (documents put in by mistake: retract, purge).\nEach act is recorded in the audit trail as \"cli\".", args, getenv, stdin, stdout, stderr)
}

// withDocuments opens the configured stores (migrating them) and runs fn with the
// case service; afterwards, when the search index is not held by a running
// server, the documents fn names leave it at once (a running server's index
// follows the database by itself).
func withDocuments(ctx context.Context, cfg *Config, stderr io.Writer, fn func(*cases.Service) ([]string, error)) error {
	st, err := openStores(ctx, cfg, true, cfg.Logger(stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	gone, err := fn(&cases.Service{Store: st.db, Docs: st.db, AuditKey: st.db.AuditKey(), Blobs: st.blobs})
	if err != nil || len(gone) == 0 {
		return err
	}
	ix, err := openIndexHere(cfg.indexDir())
	if err != nil {
		fmt.Fprintln(stderr, "Chỉ mục đang do máy chủ giữ, máy chủ sẽ tự bỏ tài liệu khỏi chỉ mục (the index is held by the server, which drops the document by itself)")
		return nil
	}
	defer ix.Close()
	for _, id := range gone {
		if err := ix.Delete(ctx, id); err != nil {
			return fmt.Errorf("remove %s from the search index: %w", id, err)
		}
	}
	return nil
}

func runDocumentRetract(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("document retract", "ID", "Retracts a document put in by mistake: it leaves every list, search answer,\ncase and the portal; its row and files are kept until a purge.", stderr)
	reason := fs.String("reason", "", "why (required; kept in the database, not in the audit trail)")
	cfg, pos, err := parseConfigArgs(fs, getenv, args, "ID")
	if err != nil {
		return err
	}
	id := pos[0]
	return withDocuments(ctx, cfg, stderr, func(svc *cases.Service) ([]string, error) {
		if _, err := svc.Retract(ctx, cliAdministrator, id, *reason); err != nil {
			return nil, err
		}
		fmt.Fprintf(stdout, "Đã rút tài liệu %s (retracted)\n", id)
		return []string{id}, nil
	})
}

func runDocumentPurge(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("document purge", "ID", "Deletes the files of a retracted document (the original, the archive copy, the\npage results and views) and wipes its page text and file name. Never a decision\nunder its write-once retention. Backups keep what they hold until they expire.", stderr)
	cfg, pos, err := parseConfigArgs(fs, getenv, args, "ID")
	if err != nil {
		return err
	}
	id := pos[0]
	return withDocuments(ctx, cfg, stderr, func(svc *cases.Service) ([]string, error) {
		res, err := svc.Purge(ctx, cliAdministrator, id)
		if errors.Is(err, errs.ErrConflict) {
			return nil, fmt.Errorf("%s", errs.MessageOf(err))
		}
		if err != nil {
			return nil, err
		}
		if res.Shared {
			fmt.Fprintf(stdout, "Đã xoá nội dung tài liệu %s; tệp được giữ vì tài liệu khác có cùng nội dung (purged; its files are kept: another document holds the same bytes)\n", id)
		} else {
			fmt.Fprintf(stdout, "Đã xoá tài liệu %s: %d tệp (purged: %d objects deleted)\n", id, res.Deleted, res.Deleted)
		}
		return nil, nil
	})
}

func runDocumentRetracted(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("document retracted", "", "Lists retracted documents, newest first, and whether each was purged.", stderr)
	cfg, err := parseConfig(fs, getenv, args)
	if err != nil {
		return err
	}
	return withDocuments(ctx, cfg, stderr, func(svc *cases.Service) ([]string, error) {
		list, total, err := svc.Retractions(ctx, cliAdministrator, cases.RetractionFilter{Limit: 1000})
		if err != nil {
			return nil, err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "TÀI LIỆU (DOCUMENT)\tĐƠN VỊ (UNIT)\tHỒ SƠ (CASE)\tRÚT LÚC (RETRACTED)\tBỞI (BY)\tĐÃ XOÁ (PURGED)")
		for _, r := range list {
			purged := "-"
			if !r.PurgedAt.IsZero() {
				purged = r.PurgedAt.Format("02/01/2006 15:04") + " " + r.PurgedBy
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.DocumentID, r.UnitCode, r.CaseCode, r.At.Format("02/01/2006 15:04"), r.By, purged)
		}
		if err := tw.Flush(); err != nil {
			return nil, err
		}
		if total > len(list) {
			fmt.Fprintf(stdout, "… %d trong %d (%d of %d shown)\n", len(list), total, len(list), total)
		}
		return nil, nil
	})
}
