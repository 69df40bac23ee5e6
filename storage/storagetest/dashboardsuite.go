package storagetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"kntc/cases"
	"kntc/ingest"
	"kntc/storage/sqldb"
)

// testDueCounts checks the dashboard's deadline counts and lists (DueCounts,
// Cases with DueFrom and NoTotal) against a count in Go of what Cases lists, on
// cases of two units, open and closed (a closed one keeping its date too),
// assigned or not, due before, on and after today.
func testDueCounts(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	today := day(2026, 6, 15)
	soonEnd := today.AddDate(0, 0, 8)
	rnd := rand.New(rand.NewPCG(15, 1))
	statuses := []cases.Status{cases.StatusReceived, cases.StatusAccepted, cases.StatusVerifying, cases.StatusClosed}
	for i := range 80 {
		w.createCase(t, []cases.Kind{cases.KindComplaint, cases.KindDenunciation}[i%2], today.AddDate(0, 0, -60), func(c *cases.Case) {
			c.Status = statuses[rnd.IntN(len(statuses))]
			c.UnitID = []int64{w.unit.ID, w.other.ID}[rnd.IntN(2)]
			if rnd.IntN(2) == 0 {
				c.HandlerID = w.handler.ID
			}
			switch rnd.IntN(10) {
			case 0:
				c.DueOn = time.Time{}
			case 1:
				c.DueOn = today
			case 2:
				c.DueOn = soonEnd
			default:
				c.DueOn = today.AddDate(0, 0, rnd.IntN(30)-20)
			}
		})
	}
	for _, tt := range []struct {
		name string
		f    cases.CaseFilter
	}{
		{"everything", cases.CaseFilter{}},
		{"a unit", cases.CaseFilter{UnitIDs: []int64{w.unit.ID}}},
		{"two units", cases.CaseFilter{UnitIDs: []int64{w.unit.ID, w.other.ID}}},
		{"empty scope", cases.CaseFilter{UnitIDs: []int64{}}},
		{"a handler", cases.CaseFilter{HandlerID: w.handler.ID}},
		{"a handler in a unit", cases.CaseFilter{UnitIDs: []int64{w.other.ID}, HandlerID: w.handler.ID}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			all := tt.f
			all.Limit = 1000
			list, _, err := db.Cases(ctx, all)
			must(t, "list", err)
			var wantOverdue, wantSoon []string
			for _, c := range list {
				switch {
				case c.Status == cases.StatusClosed || c.DueOn.IsZero():
				case c.DueOn.Before(today):
					wantOverdue = append(wantOverdue, c.Code)
				case c.DueOn.Before(soonEnd):
					wantSoon = append(wantSoon, c.Code)
				}
			}
			overdue, soon, err := db.DueCounts(ctx, tt.f, today, soonEnd)
			must(t, "due counts", err)
			if overdue != len(wantOverdue) || soon != len(wantSoon) {
				t.Errorf("DueCounts = %d overdue, %d due soon; counted %d and %d", overdue, soon, len(wantOverdue), len(wantSoon))
			}
			// The lists, by deadline, without a total.
			for _, l := range []struct {
				what     string
				from, to time.Time
				want     []string
			}{{"overdue", time.Time{}, today, wantOverdue}, {"due soon", today, soonEnd, wantSoon}} {
				f := tt.f
				f.OpenOnly, f.DueFrom, f.DueBefore, f.NoTotal, f.Limit = true, l.from, l.to, true, 1000
				got, total, err := db.Cases(ctx, f)
				must(t, "list "+l.what, err)
				var codes []string
				for i, c := range got {
					codes = append(codes, c.Code)
					if i > 0 && (c.DueOn.Before(got[i-1].DueOn) || c.DueOn.Equal(got[i-1].DueOn) && c.ID < got[i-1].ID) {
						t.Errorf("%s: %s (due %s) listed after %s (due %s)", l.what, c.Code, c.DueOn, got[i-1].Code, got[i-1].DueOn)
					}
				}
				slices.Sort(codes)
				want := slices.Sorted(slices.Values(l.want))
				if total != 0 || !slices.Equal(codes, want) {
					t.Errorf("%s: listed %v (total %d), want %v (total 0: none asked)", l.what, codes, total, want)
				}
			}
		})
	}
}

// testDocumentCounts checks the dashboard's pipeline figures (DocumentCounts)
// against a count in Go of what Documents lists with the same filter, on
// documents of several statuses, units, ages and pages, some confidential, some
// duplicates, one retracted.
func testDocumentCounts(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	c := w.createCase(t, cases.KindDenunciation, day(2026, 3, 2), nil)
	now := time.Now().UTC()
	rnd := rand.New(rand.NewPCG(15, 2))
	statuses := []ingest.Status{ingest.StatusProcessing, ingest.StatusStored, ingest.StatusStored, ingest.StatusQuarantined, ingest.StatusReceived}
	var ids []string
	for i := range 60 {
		d := sampleDocument()
		d.SHA256 = fmt.Sprintf("%064d", 1000+i)
		d.Status = statuses[rnd.IntN(len(statuses))]
		d.UnitCode = []string{"STNMT", "HT"}[rnd.IntN(2)]
		d.CaseCode = []string{"", c.Code, "KN-2026-999999"}[rnd.IntN(3)]
		d.Confidential = rnd.IntN(4) == 0
		d.Pages = 1 + rnd.IntN(5)
		if len(ids) > 0 && rnd.IntN(8) == 0 {
			d.DuplicateOf = ids[rnd.IntN(len(ids))]
		}
		must(t, "create document", db.CreateDocument(ctx, &d))
		ids = append(ids, d.ID)
		// Half an hour off the whole hours, so that no document sits on a bound.
		at := now.Add(-time.Duration(rnd.IntN(48))*time.Hour - 30*time.Minute)
		_, err := db.SQL().ExecContext(ctx, dialectQuery(db, `UPDATE documents SET updated_at = ? WHERE id = ?`), at, d.ID)
		must(t, "age document", err)
	}
	_, err := db.SQL().ExecContext(ctx, dialectQuery(db, `INSERT INTO document_retractions (document_id, reason, user_id, username,
		retracted_at) VALUES (?, 'sai đơn vị', 0, 'test', ?)`), ids[3], now)
	must(t, "retract", err)
	since, recent := now.Add(-24*time.Hour), now.Add(-12*time.Hour)
	for _, tt := range []struct {
		name string
		f    ingest.DocumentFilter
	}{
		{"everything", ingest.DocumentFilter{}},
		{"a unit", ingest.DocumentFilter{UnitCodes: []string{"HT"}}},
		{"empty scope", ingest.DocumentFilter{UnitCodes: []string{}}},
		{"no grant", ingest.DocumentFilter{ConfidentialCases: []string{}}},
		{"a grant, unfiled too, linked only", ingest.DocumentFilter{ConfidentialCases: []string{c.Code}, ConfidentialUnfiled: true, LinkedOnly: true}},
		{"a unit and a grant", ingest.DocumentFilter{UnitCodes: []string{"STNMT"}, ConfidentialCases: []string{c.Code}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			all := tt.f
			all.Limit = 1000
			list, _, err := db.Documents(ctx, all)
			must(t, "list", err)
			var want ingest.DocumentCounts
			for _, d := range list {
				switch {
				case d.Status == ingest.StatusProcessing:
					want.Processing++
				case d.UpdatedAt.Before(since):
				case d.Status == ingest.StatusStored:
					want.Stored++
					if !d.UpdatedAt.Before(recent) {
						want.RecentPages += d.Pages
					}
				case d.Status == ingest.StatusQuarantined:
					want.Quarantined++
				}
			}
			f := tt.f
			f.Status, f.ChangedSince = ingest.StatusReceived, now // ignored
			got, err := db.DocumentCounts(ctx, f, since, recent)
			must(t, "document counts", err)
			if got != want {
				t.Errorf("DocumentCounts = %+v; counted %+v", got, want)
			}
			if tt.name == "everything" && (want.Processing == 0 || want.Stored == 0 || want.Quarantined == 0 || want.RecentPages == 0) {
				t.Errorf("the fixture leaves a figure at 0: %+v", want)
			}
		})
	}
}
