package report_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/internal/testenv"
	"kntc/report"
	"kntc/storage/postgres"
	"kntc/storage/sqldb"
	"kntc/storage/sqlite"
)

// BenchmarkReports fills every form for the whole province over a year with
// KNTC_BENCH_CASES cases (default 100,000), as many petitions and three times as
// many visits, spread over 72 units, on SQLite and PostgreSQL (make
// bench-reports). It prints the seconds per form (its numbers and checks, as
// the API serves them: Service.Numbers); the baseline beside it is one plain
// scan of the same three tables (SELECT COUNT(*) … GROUP BY unit), the least
// any engine reading these rows must spend.
func BenchmarkReports(b *testing.B) {
	n := 100_000
	if s := os.Getenv("KNTC_BENCH_CASES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			b.Fatalf("KNTC_BENCH_CASES=%q: a positive number", s)
		}
		n = v
	}
	open := map[string]func(b *testing.B) *sqldb.DB{
		"sqlite": func(b *testing.B) *sqldb.DB {
			db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "kntc.db"))
			if err != nil {
				b.Fatal(err)
			}
			return db
		},
		"postgres": func(b *testing.B) *sqldb.DB {
			db, _, err := postgres.Open(b.Context(), testenv.PostgresDatabase(b))
			if err != nil {
				b.Fatal(err)
			}
			return db
		},
	}
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			db := open[name](b)
			b.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(b.Context()); err != nil {
				b.Fatal(err)
			}
			svc, root := seedProvince(b, db, n)
			rep := &report.Service{Cases: svc}
			per, _ := report.ParsePeriod("2026")
			start := time.Now()
			for _, t := range []string{"cases", "petitions", "receptions"} {
				scanAll(b, db, "SELECT unit_id, COUNT(*) FROM "+t+" GROUP BY unit_id")
			}
			baseline := time.Since(start)
			fmt.Fprintf(os.Stderr, "bench-reports %s: %d cases, %d petitions, %d visits, 72 units; baseline scan (COUNT(*) GROUP BY unit of the three tables) %.3f s\n",
				name, n, n, 3*n, baseline.Seconds())
			for _, f := range report.Forms() {
				b.Run(f.Slug(), func(b *testing.B) {
					var r *report.Report
					cpu0 := cpuTime()
					for b.Loop() {
						var err error
						if r, err = rep.Numbers(b.Context(), cases.System, f, root.Code, per); err != nil {
							b.Fatal(err)
						}
					}
					per1 := b.Elapsed() / time.Duration(b.N)
					cpu := (cpuTime() - cpu0) / time.Duration(b.N)
					fmt.Fprintf(os.Stderr, "bench-reports %s %s: %.3f s a form (%d runs; CPU of this process %.3f s); %.1f× the baseline scan; total column 1 = %v\n",
						name, f.Code, per1.Seconds(), b.N, cpu.Seconds(), per1.Seconds()/max(baseline.Seconds(), 1e-9), r.Total.Value(1))
				})
			}
		})
	}
}

// cpuTime is the CPU time this process has used (SQLite runs in it; the
// PostgreSQL server's is not counted): on a loaded machine, the part of the
// wall time that is the work's.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// scanAll reads every row of q.
func scanAll(b *testing.B, db *sqldb.DB, q string) {
	rows, err := db.SQL().QueryContext(b.Context(), q)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
}

// seedProvince writes the data set straight into the tables (the services would
// take hours for it), in batches.
func seedProvince(b testing.TB, db *sqldb.DB, n int) (*cases.Service, auth.Unit) {
	ctx := b.Context()
	db.SetAuditKey(bytes.Repeat([]byte{9}, 32))
	accounts := &auth.Service{Store: db}
	if _, _, err := accounts.Bootstrap(ctx, "TINH", "Ủy ban nhân dân tỉnh", "mật khẩu quản trị thử"); err != nil {
		b.Fatal(err)
	}
	root, err := accounts.RootUnit(ctx)
	if err != nil {
		b.Fatal(err)
	}
	units := []int64{root.ID}
	for i := range 11 {
		u := auth.Unit{Code: fmt.Sprintf("D%02d", i), Name: fmt.Sprintf("Huyện %d", i), Level: auth.LevelDistrict, ParentID: root.ID}
		if err := accounts.AddUnit(ctx, &u); err != nil {
			b.Fatal(err)
		}
		units = append(units, u.ID)
		for j := range 5 {
			c := auth.Unit{Code: fmt.Sprintf("D%02dX%d", i, j), Name: fmt.Sprintf("Xã %d.%d", i, j), Level: auth.LevelCommune, ParentID: u.ID}
			if err := accounts.AddUnit(ctx, &c); err != nil {
				b.Fatal(err)
			}
			units = append(units, c.ID)
		}
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	now := time.Now().UTC()
	kinds := []cases.Kind{cases.KindComplaint, cases.KindDenunciation, cases.KindPetition}
	date := func(d time.Time) string { return d.Format(time.DateOnly) }
	insert := func(table, cols string, rows int, row func(i int) []any) { insertRows(b, db, table, cols, rows, row) }
	results := []cases.Result{cases.ResultRight, cases.ResultWrong, cases.ResultPartly}
	insert("cases", "code, kind, source, received_on, unit_id, round, status, result, accepted_on, decided_on, closed_on, created_at, updated_at", n, func(i int) []any {
		k := kinds[i%3]
		rec := start.AddDate(0, 0, rnd.IntN(380))
		st, res, acc, dec, closed := cases.StatusAccepted, cases.Result(""), date(rec.AddDate(0, 0, 5)), "", ""
		switch r := rnd.IntN(20); {
		case r < 6:
			st, res, dec = cases.StatusDecided, results[rnd.IntN(3)], date(rec.AddDate(0, 0, 40))
		case r < 8:
			st, res, dec, closed = cases.StatusClosed, results[rnd.IntN(3)], date(rec.AddDate(0, 0, 40)), date(rec.AddDate(0, 0, 60))
		case r < 9:
			st, acc = cases.StatusScreening, ""
		}
		return []any{fmt.Sprintf("%s-B-%07d", k.Prefix(), i), k, cases.SourcePost, date(rec), units[rnd.IntN(len(units))], 1, st, res, acc, dec, closed, now, now}
	})
	handlings := []cases.Handling{cases.HandlingAccept, cases.HandlingGuide, cases.HandlingTransfer, cases.HandlingFile, ""}
	insert("petitions", "unit_id, received_on, source, kind, subject, admissibility, competence, handling, handled_on, created_at, updated_at", n, func(i int) []any {
		rec := start.AddDate(0, 0, rnd.IntN(380))
		h := handlings[rnd.IntN(len(handlings))]
		adm, comp, on := cases.Admissible, cases.Competent, date(rec.AddDate(0, 0, 3))
		switch h {
		case cases.HandlingGuide, cases.HandlingTransfer:
			comp = cases.Incompetent
		case cases.HandlingFile:
			adm, comp = cases.Inadmissible, ""
		case "":
			adm, comp, on = "", "", ""
		}
		return []any{units[rnd.IntN(len(units))], date(rec), cases.SourcePost, kinds[i%3], "Đơn thử", adm, comp, h, on, now, now}
	})
	// Every case's opening in its timeline.
	insert("case_events", "case_id, at, type, from_status, to_status", n, func(i int) []any {
		return []any{1 + i, start.AddDate(0, 0, rnd.IntN(380)), cases.EventCreated, "", cases.StatusReceived}
	})
	// One visit in ten opened a case (02/XLD counts it as a petition).
	insert("receptions", "unit_id, at, group_size, kind, content, outcome, case_id, created_at", 3*n, func(i int) []any {
		at := start.Add(time.Duration(rnd.IntN(380*24)) * time.Hour)
		size := 1
		if rnd.IntN(20) == 0 {
			size = 5 + rnd.IntN(10)
		}
		outcome, caseID := cases.OutcomeAnswered, any(nil)
		if i%10 == 0 {
			outcome, caseID = cases.OutcomeCaseOpened, 1+rnd.IntN(n)
		}
		return []any{units[rnd.IntN(len(units))], at, size, kinds[i%3], "Công dân trình bày", outcome, caseID, now}
	})
	// The planner's statistics, as a database in use has them (PostgreSQL's
	// autovacuum; VACUUM also lets it read the visits from the index alone).
	analyze := "ANALYZE"
	if db.Dialect() == "postgres" {
		analyze = "VACUUM ANALYZE"
	}
	if _, err := db.SQL().ExecContext(ctx, analyze); err != nil {
		b.Fatal(err)
	}
	return &cases.Service{Store: db, Docs: db, Accounts: accounts, AuditKey: db.AuditKey()}, root
}

// insertRows writes rows rows into table, in batches, in one transaction.
func insertRows(tb testing.TB, db *sqldb.DB, table, cols string, rows int, row func(i int) []any) {
	ncol := strings.Count(cols, ",") + 1
	ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", ncol), ", ") + ")"
	const batch = 500
	err := db.InTx(tb.Context(), func(tx *sql.Tx) error {
		for lo := 0; lo < rows; lo += batch {
			hi := min(lo+batch, rows)
			var args []any
			for i := lo; i < hi; i++ {
				args = append(args, row(i)...)
			}
			q := "INSERT INTO " + table + " (" + cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(ph+", ", hi-lo), ", ")
			if _, err := tx.ExecContext(tb.Context(), benchQuery(db, q), args...); err != nil {
				return fmt.Errorf("%s: %w", table, err)
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// benchQuery turns "?" placeholders into PostgreSQL's "$1, $2, …" there.
func benchQuery(db *sqldb.DB, q string) string {
	if db.Dialect() != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}
