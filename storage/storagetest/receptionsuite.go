package storagetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

func testReceptions(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	c := w.createCase(t, cases.KindComplaint, day(2026, 3, 2), nil)
	ict := time.FixedZone("ICT", 7*3600)
	create := func(r cases.Reception) cases.Reception {
		t.Helper()
		e := audited(t, db, cases.ActionCreate, "", func() error { return db.CreateReception(ctx, &r, w.rec(cases.ActionCreate, "")) })
		if want := fmt.Sprintf("reception:%d", r.ID); r.ID == 0 || e.Object != want {
			t.Fatalf("reception %d audited as %q, want %q", r.ID, e.Object, want)
		}
		return r
	}
	r1 := create(cases.Reception{UnitID: w.unit.ID, At: time.Date(2026, 3, 2, 8, 30, 0, 500, ict), OfficerID: w.clerk.ID,
		Visitors:  []cases.Person{{Name: "Nguyễn Văn An", IDNumber: "072080001111"}, {Name: "Lê Thị Cúc", Address: "Hòa Thành"}},
		GroupSize: 2, Kind: cases.KindComplaint, Content: "Khiếu nại bồi thường", Outcome: cases.OutcomeLetterTaken, CreatedBy: w.clerk.ID})
	if !r1.At.Equal(time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC)) || r1.At.Location() != time.UTC {
		t.Fatalf("reception time kept as %v, want UTC to the microsecond", r1.At)
	}
	got, err := db.Reception(ctx, r1.ID)
	must(t, "get reception", err)
	if !reflect.DeepEqual(got, r1) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, r1)
	}
	r2 := create(cases.Reception{UnitID: w.unit.ID, At: time.Date(2026, 3, 3, 7, 0, 0, 0, time.UTC),
		Visitors: []cases.Person{{Name: "Người tố cáo"}}, Secret: true, Sealed: "sealed:v1:k2026:dmlzaXRvcnM=",
		GroupSize: 1, Kind: cases.KindDenunciation, Outcome: cases.OutcomeLetterTaken})
	var visitors, sealed string
	must(t, "read the secret reception's row", db.SQL().QueryRowContext(ctx, fmt.Sprintf(
		`SELECT visitors, sealed FROM receptions WHERE id = %d`, r2.ID)).Scan(&visitors, &sealed))
	if visitors != "[]" || sealed != r2.Sealed {
		t.Fatalf("secret reception stored as visitors=%q sealed=%q", visitors, sealed)
	}
	got, err = db.Reception(ctx, r2.ID)
	must(t, "get secret reception", err)
	if got.Visitors != nil || got.Sealed != r2.Sealed || !got.Secret || got.OfficerID != 0 {
		t.Fatalf("secret reception read back as %+v", got)
	}
	r3 := create(cases.Reception{UnitID: w.other.ID, At: time.Date(2026, 3, 4, 2, 0, 0, 0, time.UTC),
		Visitors: []cases.Person{{Name: "Trần Văn Dũng"}}, GroupSize: 7, Kind: cases.KindMixed, CaseID: c.ID,
		Outcome: cases.OutcomeCaseOpened})

	r1.Outcome, r1.CaseID, r1.Content = cases.OutcomeCaseOpened, c.ID, "Khiếu nại bồi thường; đã mở hồ sơ"
	r1.Visitors = append(r1.Visitors, cases.Person{Name: "Phạm Văn Em"})
	audited(t, db, cases.ActionUpdate, fmt.Sprintf("reception:%d", r1.ID), func() error {
		return db.UpdateReception(ctx, &r1, w.rec(cases.ActionUpdate, fmt.Sprintf("reception:%d", r1.ID)))
	})
	got, err = db.Reception(ctx, r1.ID)
	must(t, "get after update", err)
	if !reflect.DeepEqual(got, r1) {
		t.Fatalf("after update:\n got %+v\nwant %+v", got, r1)
	}
	_, err = db.Reception(ctx, 999999)
	wantErr(t, "get missing reception", err, errs.ErrNotFound)
	ghost := r1
	ghost.ID = 999999
	refused(t, db, "update a missing reception", errs.ErrNotFound, func() error {
		return db.UpdateReception(ctx, &ghost, w.rec(cases.ActionUpdate, "reception:999999"))
	})
	badCase := r3
	badCase.CaseID = 999999
	refused(t, db, "reception of a missing case", errs.ErrNotFound, func() error {
		return db.UpdateReception(ctx, &badCase, w.rec(cases.ActionUpdate, fmt.Sprintf("reception:%d", r3.ID)))
	})

	tests := []struct {
		name      string
		f         cases.ReceptionFilter
		want      []cases.Reception
		wantTotal int
	}{
		{"all, latest first", cases.ReceptionFilter{}, []cases.Reception{r3, r2, r1}, 3},
		{"from", cases.ReceptionFilter{From: day(2026, 3, 3)}, []cases.Reception{r3, r2}, 2},
		{"to is exclusive", cases.ReceptionFilter{From: day(2026, 3, 2), To: r2.At}, []cases.Reception{r1}, 1},
		{"to includes what is just before", cases.ReceptionFilter{To: r2.At.Add(time.Microsecond)}, []cases.Reception{r2, r1}, 2},
		{"range in another zone", cases.ReceptionFilter{From: time.Date(2026, 3, 3, 14, 0, 0, 0, ict), To: time.Date(2026, 3, 4, 9, 0, 0, 0, ict)}, []cases.Reception{r2}, 1},
		{"unit scope", cases.ReceptionFilter{UnitIDs: []int64{w.other.ID}}, []cases.Reception{r3}, 1},
		{"empty unit scope", cases.ReceptionFilter{UnitIDs: []int64{}}, nil, 0},
		{"paged", cases.ReceptionFilter{Limit: 1, Offset: 2}, []cases.Reception{r1}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := db.Receptions(ctx, tt.f)
			must(t, "list", err)
			var gotIDs, wantIDs []int64
			for _, r := range got {
				gotIDs = append(gotIDs, r.ID)
			}
			for _, r := range tt.want {
				wantIDs = append(wantIDs, r.ID)
			}
			if total != tt.wantTotal || !reflect.DeepEqual(gotIDs, wantIDs) {
				t.Fatalf("got %v (total %d), want %v (total %d)", gotIDs, total, wantIDs, tt.wantTotal)
			}
		})
	}
}
