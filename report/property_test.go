package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/report"
	"kntc/storage/sqldb"
)

// TestCountsMatchOracle: on a random register (cases in every state, round and
// result, outcomes, moves out of the workflow, petitions in every handling with
// duplicates and cases, visits around Vietnam's midnight, some linked to cases
// of other subtrees, most of those the visits the case was opened from, which
// 02/XLD counts as letters handled on the day of the case's opening), the counts made in SQL equal the old classification in Go
// (the oracle) in every column of every row and the total of every form, for
// several units and periods; and so do the references of every cell, listed by
// Build and by Cell.
func TestCountsMatchOracle(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		rep := seedRandom(t, db, rand.New(rand.NewPCG(14, 2026)))
		for _, tc := range []struct {
			unit, period string
			cells        bool // also ask Cell for a few cells (each a query of its own)
		}{
			{"TINH", "2026-Q1", true}, {"TINH", "2026-Q2", false}, {"TINH", "2026", false}, {"D1", "2026-H1", true},
			{"D1X1", "2026-9M", false}, {"SO", "2026-Q1", false},
		} {
			per, err := report.ParsePeriod(tc.period)
			if err != nil {
				t.Fatal(err)
			}
			want, err := rep.OracleBuildAll(t.Context(), cases.System, tc.unit, per)
			if err != nil {
				t.Fatal(err)
			}
			got, err := rep.BuildAll(t.Context(), cases.System, tc.unit, per)
			if err != nil {
				t.Fatal(err)
			}
			nonZero := 0
			for i, g := range got {
				w := want[i]
				what := tc.unit + " " + tc.period + " " + g.Form.Code
				nonZero += compareReports(t, what, g, w, true)
				n, err := rep.Numbers(t.Context(), cases.System, g.Form, tc.unit, per)
				if err != nil {
					t.Fatal(err)
				}
				compareReports(t, what+" (numbers)", n, w, false)
				// Cell lists one cell as Build does: a few of every form.
				for _, col := range []int{1, 5, 7} {
					if !tc.cells || col > len(g.Form.Columns) {
						continue
					}
					for _, row := range []string{"total", g.Rows[len(g.Rows)-1].Code} {
						c, err := rep.Cell(t.Context(), cases.System, g.Form, tc.unit, per, row, col)
						if err != nil {
							t.Fatal(err)
						}
						wr := w.Total
						if row != "total" {
							wr = w.Rows[len(w.Rows)-1]
						}
						cr := c.Total
						if row != "total" {
							cr = c.Rows[len(c.Rows)-1]
						}
						if !slices.Equal(cr.Refs[col-1], wr.Refs[col-1]) {
							t.Errorf("%s cell %s,%d refs %v, want %v", what, row, col, cr.Refs[col-1], wr.Refs[col-1])
						}
					}
				}
			}
			if nonZero < 60 {
				t.Errorf("%s %s: only %d non-zero cells: the fixture tests little", tc.unit, tc.period, nonZero)
			}
		}
	})
}

// compareReports compares every cell of got with want (and the references
// when refs), and returns how many cells are not zero.
func compareReports(t *testing.T, what string, got, want *report.Report, refs bool) int {
	t.Helper()
	nonZero := 0
	if len(got.Rows) != len(want.Rows) {
		t.Fatalf("%s: %d rows, want %d", what, len(got.Rows), len(want.Rows))
	}
	rows := append(append([]report.Row(nil), got.Rows...), got.Total)
	wrows := append(append([]report.Row(nil), want.Rows...), want.Total)
	for i, r := range rows {
		w := wrows[i]
		for c := range r.Values {
			if math.Abs(r.Values[c]-w.Values[c]) > 1e-9 {
				t.Errorf("%s row %s column %d = %v, want %v", what, w.Code, c+1, r.Values[c], w.Values[c])
			}
			if w.Values[c] != 0 {
				nonZero++
			}
			if refs && !slices.Equal(r.Refs[c], w.Refs[c]) {
				t.Errorf("%s row %s column %d refs %v, want %v", what, w.Code, c+1, r.Refs[c], w.Refs[c])
			}
		}
	}
	if len(got.Checks) != len(want.Checks) || got.Checked != want.Checked {
		t.Errorf("%s: %d of %d checks failed, want %d of %d", what, len(got.Checks), got.Checked, len(want.Checks), want.Checked)
	}
	return nonZero
}

// seedRandom writes a random register straight into the tables: a province
// (TINH) with two districts (D0, D1) of two communes each and a department (SO).
func seedRandom(t *testing.T, db *sqldb.DB, rnd *rand.Rand) *report.Service {
	ctx := t.Context()
	db.SetAuditKey(bytes.Repeat([]byte{9}, 32))
	accounts := &auth.Service{Store: db}
	if _, _, err := accounts.Bootstrap(ctx, "TINH", "Ủy ban nhân dân tỉnh", "mật khẩu quản trị thử"); err != nil {
		t.Fatal(err)
	}
	root, err := accounts.RootUnit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	units := []int64{root.ID}
	add := func(code string, parent int64, level auth.Level) int64 {
		u := auth.Unit{Code: code, Name: "Đơn vị " + code, Level: level, ParentID: parent}
		if err := accounts.AddUnit(ctx, &u); err != nil {
			t.Fatal(err)
		}
		units = append(units, u.ID)
		return u.ID
	}
	for i := range 2 {
		d := add(fmt.Sprintf("D%d", i), root.ID, auth.LevelDistrict)
		for j := range 2 {
			add(fmt.Sprintf("D%dX%d", i, j), d, auth.LevelCommune)
		}
	}
	add("SO", root.ID, auth.LevelDepartment)
	unit := func() int64 { return units[rnd.IntN(len(units))] }
	now := time.Now().UTC().Truncate(time.Microsecond)
	// Days from 01/11/2025 to 31/12/2026, often on a period's edges.
	edges := []string{"2025-12-14", "2025-12-15", "2026-03-14", "2026-03-15", "2026-06-14", "2026-06-15", "2026-09-14", "2026-09-15", "2026-12-14"}
	day := func() string {
		if rnd.IntN(4) == 0 {
			return edges[rnd.IntN(len(edges))]
		}
		return time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rnd.IntN(425)).Format(time.DateOnly)
	}
	maybe := func(p int, s string) string {
		if rnd.IntN(100) < p {
			return s
		}
		return ""
	}
	after := func(d string, upTo int) string {
		x, _ := time.Parse(time.DateOnly, d)
		return x.AddDate(0, 0, rnd.IntN(upTo)).Format(time.DateOnly)
	}
	// A moment near midnight in Vietnam, or any time of the day.
	moment := func() time.Time {
		d, _ := time.Parse(time.DateOnly, day())
		at := d.Add(-7 * time.Hour) // 00:00 in Vietnam
		if rnd.IntN(3) == 0 {
			return at.Add(time.Duration(rnd.IntN(120)-60) * time.Minute)
		}
		return at.Add(time.Duration(rnd.IntN(24*60)) * time.Minute)
	}
	const nCases, nPetitions, nVisits = 300, 300, 600
	kinds := []cases.Kind{cases.KindComplaint, cases.KindComplaint, cases.KindDenunciation, cases.KindDenunciation, cases.KindPetition, cases.KindMixed}
	results := []cases.Result{cases.ResultRight, cases.ResultWrong, cases.ResultPartly, cases.ResultWithdrawn, cases.ResultNone}
	statuses := []cases.Status{cases.StatusScreening, cases.StatusAccepted, cases.StatusDecided, cases.StatusClosed, cases.StatusGuided, cases.StatusTransferred}
	half := func() float64 { return float64(rnd.IntN(8)) / 2 }
	count := func() int { return rnd.IntN(3) }
	insertRows(t, db, "cases", "code, kind, source, received_on, unit_id, round, status, result, accepted_on, decided_on, closed_on, outcome, created_at, updated_at", nCases, func(i int) []any {
		rec := maybe(97, day())
		acc, dec, closed := "", "", ""
		if rec != "" {
			acc = maybe(60, after(rec, 20))
			if acc != "" || rnd.IntN(5) == 0 {
				dec = maybe(60, after(rec, 120))
			}
			closed = maybe(30, after(rec, 150))
		}
		res := cases.ResultNone
		if dec != "" || closed != "" {
			res = results[rnd.IntN(len(results))]
		}
		outcome := "{}"
		if dec != "" && rnd.IntN(2) == 0 {
			o := cases.Outcome{RecoverMoney: half(), RecoverLand: half(), ReturnMoney: half(), ReturnLand: half(), ReturnOrgs: count(),
				ReturnPeople: count(), DisciplineOrgs: count(), DisciplinePeople: count(), DisciplineOfficials: count(),
				InvestigationCases: count(), InvestigationPeople: count(), InvestigationOfficials: count(),
				RecoveredMoney: half(), RecoveredLand: half(), ReturnedMoney: half(), ReturnedLand: half(),
				DisciplinedOrgs: count(), DisciplinedPeople: count(), DisciplinedOfficials: count(),
				ProsecutedCases: count(), ProsecutedPeople: count(), ProsecutedOfficials: count()}
			if rnd.IntN(2) == 0 {
				o.EnforcedOn, _ = time.Parse(time.DateOnly, after(dec, 100))
			}
			b, err := json.Marshal(o)
			if err != nil {
				t.Fatal(err)
			}
			outcome = string(b)
		}
		k := kinds[rnd.IntN(len(kinds))]
		return []any{fmt.Sprintf("%s-R-%05d", k.Prefix(), i), k, cases.SourcePost, rec, unit(), 1 + rnd.IntN(2),
			statuses[rnd.IntN(len(statuses))], res, acc, dec, closed, outcome, now, now}
	})
	// Moves out of the workflow (and other transitions), some of them twice.
	to := []cases.Status{cases.StatusGuided, cases.StatusTransferred, cases.StatusAccepted, cases.StatusScreening}
	insertRows(t, db, "case_events", "case_id, at, type, from_status, to_status", 700, func(int) []any {
		typ := cases.EventTransition
		if rnd.IntN(10) == 0 {
			typ = "note"
		}
		return []any{1 + rnd.IntN(nCases), moment(), typ, cases.StatusScreening, to[rnd.IntN(len(to))]}
	})
	handlings := []cases.Handling{cases.HandlingAccept, cases.HandlingGuide, cases.HandlingTransfer, cases.HandlingFile, ""}
	adms := []cases.Admissibility{cases.Admissible, cases.Inadmissible, ""}
	comps := []cases.Competence{cases.Competent, cases.Incompetent, ""}
	insertRows(t, db, "petitions", "unit_id, received_on, source, kind, subject, admissibility, competence, handling, handled_on, duplicate_of, case_id, created_at, updated_at", nPetitions, func(i int) []any {
		rec := maybe(98, day())
		h := handlings[rnd.IntN(len(handlings))]
		on := ""
		if h != "" || rnd.IntN(10) == 0 {
			on = maybe(90, after(max(rec, "2025-11-01"), 60))
		}
		dup := 0
		if i > 0 && rnd.IntN(6) == 0 {
			dup = 1 + rnd.IntN(i)
		}
		var caseID any
		if rnd.IntN(3) == 0 {
			caseID = 1 + rnd.IntN(nCases)
		}
		return []any{unit(), rec, cases.SourcePost, kinds[rnd.IntN(len(kinds))], "Đơn thử", adms[rnd.IntN(len(adms))],
			comps[rnd.IntN(len(comps))], h, on, dup, caseID, now, now}
	})
	// Most cases' opening ("created" event, the day a visit's case was opened),
	// some on another day than they were received.
	insertRows(t, db, "case_events", "case_id, at, type, from_status, to_status", nCases, func(i int) []any {
		if rnd.IntN(8) == 0 {
			return []any{1 + i, moment(), "note", "", ""}
		}
		return []any{1 + i, moment(), cases.EventCreated, "", cases.StatusReceived}
	})
	outcomes := []string{cases.OutcomeGuided, cases.OutcomeAnswered, cases.OutcomeLetterTaken, cases.OutcomeCaseOpened, ""}
	insertRows(t, db, "receptions", "unit_id, at, group_size, kind, content, outcome, case_id, created_at", nVisits, func(int) []any {
		size := rnd.IntN(3)
		if rnd.IntN(6) == 0 {
			size = 4 + rnd.IntN(6)
		}
		var caseID any
		outcome := outcomes[rnd.IntN(len(outcomes))] // "mở hồ sơ" without a case: not a letter
		if rnd.IntN(3) == 0 {
			caseID = 1 + rnd.IntN(nCases/4) // often the same case
			if rnd.IntN(6) != 0 {
				outcome = cases.OutcomeCaseOpened // a letter of 02/XLD
			}
		}
		return []any{unit(), moment(), size, kinds[rnd.IntN(len(kinds))], "Công dân trình bày", outcome, caseID, now}
	})
	svc := &cases.Service{Store: db, Docs: db, Accounts: accounts, AuditKey: db.AuditKey()}
	return &report.Service{Cases: svc}
}
