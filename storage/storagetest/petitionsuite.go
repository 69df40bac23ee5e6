package storagetest

import (
	"fmt"
	"reflect"
	"testing"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

func testPetitions(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	create := func(p cases.Petition) cases.Petition {
		t.Helper()
		e := audited(t, db, cases.ActionCreate, "", func() error { return db.CreatePetition(ctx, &p, w.rec(cases.ActionCreate, "")) })
		if p.ID == 0 || p.CreatedAt.IsZero() || !p.UpdatedAt.Equal(p.CreatedAt) {
			t.Fatalf("create petition did not assign ID and times: %+v", p)
		}
		if want := fmt.Sprintf("petition:%d", p.ID); e.Object != want {
			t.Fatalf("petition audited as %q, want %q", e.Object, want)
		}
		return p
	}
	base := cases.Petition{UnitID: w.unit.ID, Source: cases.SourcePost, Kind: cases.KindComplaint,
		Subject: "Khiếu nại việc thu hồi đất", Content: "Đề nghị xem xét lại mức bồi thường.", CreatedBy: w.clerk.ID}
	p1 := base
	p1.ReceivedOn = day(2026, 3, 2)
	p1.Petitioner = cases.Person{Name: "Nguyễn Văn An", IDNumber: "072080001111", Address: "Hòa Thành"}
	p1.IDKey, p1.NameKey = "id-an", "name-an"
	p1.DocumentID = "0190a0a0-0000-7000-8000-0000000000bb"
	p1 = create(p1)
	got, err := db.Petition(ctx, p1.ID)
	must(t, "get petition", err)
	if !reflect.DeepEqual(got, p1) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, p1)
	}
	p2 := base
	p2.ReceivedOn = day(2026, 3, 10)
	p2.Petitioner = cases.Person{Name: "Nguyen Van An", IDNumber: "072080001111"}
	p2.IDKey, p2.NameKey = "id-an", "name-an-khong-dau"
	p2 = create(p2)
	p3 := base
	p3.ReceivedOn, p3.Kind = day(2026, 3, 5), cases.KindDenunciation
	p3.Petitioner = cases.Person{Name: "Người tố cáo", Phone: "0909000000"}
	p3.Secret, p3.Sealed, p3.NameKey = true, "sealed:v1:k2026:c2VjcmV0", "name-secret"
	p3 = create(p3)
	var name, phone, sealed string
	must(t, "read the secret petition's row", db.SQL().QueryRowContext(ctx, fmt.Sprintf(
		`SELECT name, phone, sealed FROM petitions WHERE id = %d`, p3.ID)).Scan(&name, &phone, &sealed))
	if name != "" || phone != "" || sealed != p3.Sealed {
		t.Fatalf("secret petition stored as name=%q phone=%q sealed=%q", name, phone, sealed)
	}
	got, err = db.Petition(ctx, p3.ID)
	must(t, "get secret petition", err)
	if got.Petitioner != (cases.Person{}) || got.Sealed != p3.Sealed || !got.Secret {
		t.Fatalf("secret petition read back as %+v", got)
	}
	p4 := base
	p4.UnitID, p4.ReceivedOn = w.other.ID, day(2026, 3, 7)
	p4.Petitioner = cases.Person{Name: "Nguyễn Văn An"}
	p4.NameKey = "name-an"
	p4 = create(p4)

	c := w.createCase(t, cases.KindComplaint, day(2026, 3, 2), nil)
	p1.Admissibility, p1.Competence, p1.Handling, p1.CaseID = cases.Admissible, cases.Competent, cases.HandlingAccept, c.ID
	p1.DuplicateOf, p1.HandledOn = 0, day(2026, 3, 4)
	audited(t, db, cases.ActionUpdate, fmt.Sprintf("petition:%d", p1.ID), func() error {
		return db.UpdatePetition(ctx, &p1, w.rec(cases.ActionUpdate, fmt.Sprintf("petition:%d", p1.ID)))
	})
	p2.Handling, p2.DuplicateOf, p2.TransferredTo = cases.HandlingFile, p1.ID, ""
	audited(t, db, cases.ActionUpdate, "", func() error {
		return db.UpdatePetition(ctx, &p2, w.rec(cases.ActionUpdate, fmt.Sprintf("petition:%d", p2.ID)))
	})
	got, err = db.Petition(ctx, p1.ID)
	must(t, "get after update", err)
	if !reflect.DeepEqual(got, p1) || got.UpdatedAt.Before(got.CreatedAt) {
		t.Fatalf("after update:\n got %+v\nwant %+v", got, p1)
	}
	_, err = db.Petition(ctx, 999999)
	wantErr(t, "get missing petition", err, errs.ErrNotFound)
	ghost := p1
	ghost.ID = 999999
	refused(t, db, "update a missing petition", errs.ErrNotFound, func() error {
		return db.UpdatePetition(ctx, &ghost, w.rec(cases.ActionUpdate, "petition:999999"))
	})
	orphan := base
	orphan.UnitID = 999999
	refused(t, db, "petition of a missing unit", errs.ErrNotFound, func() error {
		return db.CreatePetition(ctx, &orphan, w.rec(cases.ActionCreate, ""))
	})
	unsealed := base
	unsealed.Secret = true
	refused(t, db, "secret petition without its sealed petitioner", errs.ErrInvalid, func() error {
		return db.CreatePetition(ctx, &unsealed, w.rec(cases.ActionCreate, ""))
	})

	tests := []struct {
		name      string
		f         cases.PetitionFilter
		want      []cases.Petition
		wantTotal int
	}{
		{"all, latest received first", cases.PetitionFilter{}, []cases.Petition{p2, p4, p3, p1}, 4},
		{"by ID key", cases.PetitionFilter{IDKey: "id-an"}, []cases.Petition{p2, p1}, 2},
		{"by name key", cases.PetitionFilter{NameKey: "name-an"}, []cases.Petition{p4, p1}, 2},
		{"by either key", cases.PetitionFilter{IDKey: "id-an", NameKey: "name-an"}, []cases.Petition{p2, p4, p1}, 3},
		{"unhandled", cases.PetitionFilter{Unhandled: true}, []cases.Petition{p4, p3}, 2},
		{"kind", cases.PetitionFilter{Kind: cases.KindDenunciation}, []cases.Petition{p3}, 1},
		{"unit scope", cases.PetitionFilter{UnitIDs: []int64{w.unit.ID}}, []cases.Petition{p2, p3, p1}, 3},
		{"empty unit scope", cases.PetitionFilter{UnitIDs: []int64{}}, nil, 0},
		{"paged", cases.PetitionFilter{Limit: 1, Offset: 1}, []cases.Petition{p4}, 4},
		{"unknown key", cases.PetitionFilter{IDKey: "id-khac"}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := db.Petitions(ctx, tt.f)
			must(t, "list", err)
			var gotIDs, wantIDs []int64
			for _, p := range got {
				gotIDs = append(gotIDs, p.ID)
			}
			for _, p := range tt.want {
				wantIDs = append(wantIDs, p.ID)
			}
			if total != tt.wantTotal || !reflect.DeepEqual(gotIDs, wantIDs) {
				t.Fatalf("got %v (total %d), want %v (total %d)", gotIDs, total, wantIDs, tt.wantTotal)
			}
		})
	}
}
