package cases_test

import (
	"errors"
	"testing"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

// TestPetitionDuplicateAgreesWithRegister: the check a form runs before saving
// finds what registering the same letter then links it to, saves nothing, and
// refuses what RegisterPetition refuses (bad input, a role without the right).
func TestPetitionDuplicateAgreesWithRegister(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		count := func() int {
			_, n, err := w.svc.Petitions(ctx, w.leader, cases.PetitionFilter{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		letters := []cases.Petition{
			{Kind: cases.KindComplaint, Petitioner: cases.Person{Name: "Đỗ Văn Tâm", IDNumber: "072080000111"}, Subject: "Khiếu nại việc bồi thường khi thu hồi đất tại ấp Long Yên"},
			{Kind: cases.KindComplaint, Petitioner: cases.Person{Name: "Đỗ Văn Tâm", IDNumber: "072080000111"}, Subject: "Đề nghị cấp giấy chứng nhận quyền sử dụng đất"},
			{Kind: cases.KindDenunciation, Petitioner: cases.Person{Name: "Do Van Tam", IDNumber: "072080000111"}, Subject: "Về việc bồi thường thu hồi đất ở ấp Long Yên"},
			{Kind: cases.KindComplaint, Petitioner: cases.Person{Name: "Lê Văn Khác", IDNumber: "072080000999"}, Subject: "Khiếu nại việc bồi thường khi thu hồi đất tại ấp Long Yên"},
		}
		dups := 0
		for i, p := range letters {
			p.Source = cases.SourcePost
			before := count()
			got, err := w.svc.PetitionDuplicate(ctx, w.clerk, p)
			if err != nil {
				t.Fatalf("letter %d: %v", i, err)
			}
			if count() != before {
				t.Fatalf("letter %d: the check saved something", i)
			}
			saved, err := w.svc.RegisterPetition(ctx, w.clerk, p)
			if err != nil {
				t.Fatal(err)
			}
			if got != saved.DuplicateOf {
				t.Errorf("letter %d: the check said %d, registering linked %d", i, got, saved.DuplicateOf)
			}
			if got != 0 {
				dups++
			}
		}
		if dups != 1 {
			t.Errorf("%d duplicates found, want 1 (the third letter)", dups)
		}
		if _, err := w.svc.PetitionDuplicate(ctx, w.clerk, cases.Petition{Source: "x", Subject: ""}); !errors.Is(err, errs.ErrInvalid) || len(errs.ProblemsOf(err)) < 2 {
			t.Errorf("a bad letter: %v", err)
		}
		inspector := w.clerk
		inspector.User.Role = "inspector"
		if _, err := w.svc.PetitionDuplicate(ctx, inspector, letters[0]); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("an inspector's check: %v, want forbidden", err)
		}
	})
}
