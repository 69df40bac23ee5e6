package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"kntc/auth"
	"kntc/cases"
	"kntc/report"
	"kntc/web"
)

// runReport fills one form of Thông tư 06/2025/TT-TTCP for the administrator's
// scripts: a table on standard output (or --json), with --xlsx the workbook, with
// --pdf the PDF to sign followed by the leaders' charts.
// The command line reads as the system (every unit), like the other
// maintenance commands of a machine's operator; the numbers carry no identity.
func runReport(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", "FORM", "Fills a statistical form (01-TCD 02-XLD 03-GQKN 04-GQTC 05-KQTH 06-QLKNTC) of\nThông tư 06/2025/TT-TTCP for a unit and the units below it, one row each and\nthe total; columns kntc has no data for stay empty and say why; the checks\nthat fail are listed.\n\nExample: kntc report 02-XLD --unit HT --period 2026-Q1 --xlsx 02-XLD.xlsx --pdf 02-XLD.pdf", stderr)
	unit := fs.String("unit", "", "the unit's code (the root unit by default)")
	period := fs.String("period", "", "2026-Q1…Q4, 2026-H1, 2026-9M or 2026 (data from 15/12 of the year before to the 14th)")
	from := fs.String("from", "", "first day YYYY-MM-DD, instead of --period")
	to := fs.String("to", "", "last day YYYY-MM-DD (included)")
	xlsx := fs.String("xlsx", "", "also write the workbook to this file")
	pdfFile := fs.String("pdf", "", "also write the PDF to sign (A4 landscape, with the charts) to this file")
	asJSON := fs.Bool("json", false, "print the report as JSON instead of a table")
	cfg, pos, err := parseConfigArgs(fs, getenv, args, "FORM")
	if err != nil {
		return err
	}
	f, err := report.FormByCode(pos[0])
	if err != nil {
		return fmt.Errorf("%w: %w", err, errUsage)
	}
	p, err := report.PeriodOf(*period, *from, *to)
	if err != nil {
		return err
	}
	db, _, err := openDatabase(ctx, cfg, true, cfg.Logger(stderr))
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	accounts := &auth.Service{Store: db}
	code := *unit
	if code == "" {
		root, err := accounts.RootUnit(ctx)
		if err != nil {
			return fmt.Errorf("chưa có đơn vị gốc: chạy kntc serve một lần hoặc kntc unit add, hoặc ghi --unit (no root unit): %w", err)
		}
		code = root.Code
	}
	svc := &report.Service{Cases: &cases.Service{Store: db, Accounts: accounts, AuditKey: db.AuditKey()}}
	rep, err := svc.Numbers(ctx, cases.System, f, code, p)
	if err != nil {
		return err
	}
	if *xlsx != "" {
		if err := writeFile(*xlsx, func(w io.Writer) error { return report.WriteXLSX(w, rep) }); err != nil {
			return err
		}
	}
	if *pdfFile != "" {
		data, err := svc.ChartData(ctx, cases.System, code, p)
		if err != nil {
			return err
		}
		if err := writeFile(*pdfFile, func(w io.Writer) error { return report.WritePDF(w, rep, data.Charts()) }); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(web.ReportJSON(rep))
	}
	return printReport(stdout, rep)
}

// writeFile creates path and has write fill it.
func writeFile(path string, write func(io.Writer) error) (err error) {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	return write(out)
}

// printReport writes the form turned on its side: a line per column, a column per
// unit and the total.
func printReport(w io.Writer, rep *report.Report) error {
	fmt.Fprintf(w, "%s %s\n%s, từ %s đến %s\n\n", rep.Form.Code, rep.Form.Title, rep.Unit.Name,
		rep.Period.From.Format("02/01/2006"), rep.Period.To.Format("02/01/2006"))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	head := []string{"MS", "Cột (column)"}
	for _, r := range rep.Rows {
		head = append(head, r.Code)
	}
	head = append(head, "Tổng cộng")
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	rows := append(append([]report.Row(nil), rep.Rows...), rep.Total)
	for _, c := range rep.Form.Columns {
		line := []string{c.MS, strings.Join(c.Heading, " › ")}
		for _, r := range rows {
			if _, none := rep.Empty[c.No]; none {
				line = append(line, "–")
				continue
			}
			line = append(line, strconv.FormatFloat(r.Value(c.No), 'f', -1, 64))
		}
		fmt.Fprintln(tw, strings.Join(line, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rep.Empty) > 0 {
		fmt.Fprintln(w, "\nCột để trống (no source in kntc):")
		for _, c := range rep.Form.Columns {
			if why, none := rep.Empty[c.No]; none {
				fmt.Fprintf(w, "  (%d) %s\n", c.No, why)
			}
		}
	}
	fmt.Fprintf(w, "\nKiểm tra (checks): %d quy tắc, %d không đạt (failed)\n", rep.Checked, len(rep.Checks))
	for _, ch := range rep.Checks {
		fmt.Fprintf(w, "  %s\n", ch.Detail)
	}
	return nil
}
