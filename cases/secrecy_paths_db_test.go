package cases_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

// TestSealedOriginOpensOnlyDenunciationOnDatabases: the sender of a
// denunciation letter and the visitors who came to denounce become the
// petitioners of the case opened from them, sealed only in a denunciation. A
// clerk who is granted nothing opening a complaint from them — by naming the
// kind in the request, or by reclassifying the letter first (it stays sealed) —
// would read the denouncer among the case's parties: refused, and the case
// opened as a denunciation keeps them sealed.
func TestSealedOriginOpensOnlyDenunciationOnDatabases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		who := cases.Person{Name: "Trịnh Thị Kín Đáo", IDNumber: "072190004242", Phone: "0913 424 242"}
		leaks := func(code string) {
			t.Helper()
			ps, err := w.svc.Parties(ctx, w.clerk, code)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				if p.Person.Name == who.Name || p.Person.IDNumber == who.IDNumber || p.Person.Phone == who.Phone {
					t.Errorf("case %s shows the denouncer to a clerk not granted it: %+v", code, p)
				}
			}
		}
		refused := func(what string, err error, c cases.Case) {
			t.Helper()
			if !errors.Is(err, errs.ErrInvalid) {
				t.Errorf("%s: opened a %s case (%v), want the kind refused", what, c.Kind, err)
				if err == nil {
					leaks(c.Code)
				}
			}
		}

		letter, err := w.svc.RegisterPetition(ctx, w.clerk, cases.Petition{Source: cases.SourcePost, Kind: cases.KindDenunciation,
			Petitioner: who, Subject: "Tố cáo cán bộ địa chính xã nhận tiền"})
		if err != nil || !letter.Redacted {
			t.Fatalf("register: %+v %v", letter, err)
		}
		c, _, _, err := w.svc.OpenCaseFromPetition(ctx, w.clerk, letter.ID, cases.NewCase{Kind: cases.KindComplaint})
		refused("a complaint opened from the sealed letter", err, c)

		complaint := cases.KindComplaint
		if _, err := w.svc.UpdatePetition(ctx, w.clerk, letter.ID, cases.PetitionPatch{Kind: &complaint}); err != nil {
			t.Fatal(err)
		}
		if got, err := w.svc.Petition(ctx, w.clerk, letter.ID); err != nil || !got.Secret || got.Petitioner.Name != "" {
			t.Fatalf("the reclassified letter must stay sealed: %+v %v", got, err)
		}
		c, _, _, err = w.svc.OpenCaseFromPetition(ctx, w.clerk, letter.ID, cases.NewCase{})
		refused("the sealed letter reclassified as a complaint, then opened", err, c)

		visit, err := w.svc.RecordReception(ctx, w.clerk, cases.Reception{Kind: cases.KindDenunciation, Visitors: []cases.Person{who},
			Content: "Công dân đến tố cáo cán bộ địa chính xã", Outcome: cases.OutcomeLetterTaken})
		if err != nil || !visit.Redacted {
			t.Fatalf("record: %+v %v", visit, err)
		}
		c, _, _, err = w.svc.OpenCaseFromReception(ctx, w.clerk, visit.ID, cases.NewCase{Kind: cases.KindPetition})
		refused("a petition case opened from the sealed visit", err, c)

		// As a denunciation, both open, and the denouncer stays sealed.
		denunciation := cases.KindDenunciation
		if _, err := w.svc.UpdatePetition(ctx, w.clerk, letter.ID, cases.PetitionPatch{Kind: &denunciation}); err != nil {
			t.Fatal(err)
		}
		c, _, _, err = w.svc.OpenCaseFromPetition(ctx, w.clerk, letter.ID, cases.NewCase{})
		if err != nil || c.Kind != cases.KindDenunciation {
			t.Fatalf("open the letter as a denunciation: %+v %v", c, err)
		}
		leaks(c.Code)
		c, _, _, err = w.svc.OpenCaseFromReception(ctx, w.clerk, visit.ID, cases.NewCase{})
		if err != nil || c.Kind != cases.KindDenunciation {
			t.Fatalf("open the visit as a denunciation: %+v %v", c, err)
		}
		leaks(c.Code)
	})
}

// TestHiddenFirstLetterIsNoOracleOnDatabases: a denouncer's sealed letter comes
// first; the same person then writes a complaint about the same matter, which
// every clerk reads with its sender's name. A third letter of theirs is shown
// as the complaint's duplicate — what it would be shown as were the sealed
// letter not there — not as no duplicate at all: "a plain repeat of a letter I
// can read, and yet no duplicate" would tell that a hidden, sealed letter of the
// same sender came first, i.e. that they denounced. A user granted the sealed
// letter's case is told of it.
func TestHiddenFirstLetterIsNoOracleOnDatabases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		who := cases.Person{Name: "Phan Văn Lộ Diện", IDNumber: "072080004343"}
		reg := func(a cases.Actor, kind cases.Kind, subject string) cases.Petition {
			t.Helper()
			p, err := w.svc.RegisterPetition(ctx, a, cases.Petition{Source: cases.SourcePost, Kind: kind, Petitioner: who, Subject: subject})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		sealed := reg(w.clerk, cases.KindDenunciation, "Tố cáo việc bồi thường khi thu hồi đất tại ấp Long Yên")
		complaint := reg(w.clerk, cases.KindComplaint, "Khiếu nại việc bồi thường khi thu hồi đất tại ấp Long Yên")
		if complaint.DuplicateOf != 0 {
			t.Fatalf("the complaint is shown as a duplicate of %d: the sealed letter", complaint.DuplicateOf)
		}
		if dup, err := w.svc.PetitionDuplicate(ctx, w.handler, cases.Petition{Source: cases.SourcePost, Kind: cases.KindComplaint,
			Petitioner: who, Subject: "Khiếu nại về bồi thường khi thu hồi đất ấp Long Yên"}); err != nil || dup != complaint.ID {
			t.Errorf("the duplicate warning: %d (%v), want the complaint %d", dup, err, complaint.ID)
		}
		again := reg(w.handler, cases.KindComplaint, "Khiếu nại về bồi thường khi thu hồi đất ấp Long Yên")
		if again.DuplicateOf != complaint.ID {
			t.Errorf("registered: duplicate_of %d, want the complaint %d (the sealed letter is %d)", again.DuplicateOf, complaint.ID, sealed.ID)
		}
		for _, a := range []cases.Actor{w.clerk, w.handler, w.leader} {
			got, err := w.svc.Petition(ctx, a, again.ID)
			if err != nil || got.DuplicateOf != complaint.ID {
				t.Errorf("read by %s: duplicate_of %d (%v), want %d", a.User.Username, got.DuplicateOf, err, complaint.ID)
			}
			list, _, err := w.svc.Petitions(ctx, a, cases.PetitionFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range list {
				if p.ID == again.ID && p.DuplicateOf != complaint.ID {
					t.Errorf("listed to %s: duplicate_of %d, want %d", a.User.Username, p.DuplicateOf, complaint.ID)
				}
			}
		}
		// Granted the sealed letter's case, the leader is told of the first letter.
		c, _, _, err := w.svc.OpenCaseFromPetition(ctx, w.leader, sealed.ID, cases.NewCase{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Grant(ctx, w.leader, c.Code, w.leader.User.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := w.svc.Petition(ctx, w.leader, again.ID); err != nil || got.DuplicateOf != sealed.ID {
			t.Errorf("read by the granted leader: duplicate_of %d (%v), want the sealed letter %d", got.DuplicateOf, err, sealed.ID)
		}
	})
}

// TestCaseTextNeverNamesItsDenouncerOnDatabases: a denunciation opened with its
// denouncer, whose subject and summary name her (as complaints are named after
// their petitioner), keeps them masked: the case list's text search finds no
// case by her name, with or without diacritics, and no reader of the case reads
// it there. The same words in a complaint's subject stay as typed.
func TestCaseTextNeverNamesItsDenouncerOnDatabases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		who := cases.Person{Name: "Trịnh Thị Kín Đáo", IDNumber: "072190004242", Phone: "0913424242"}
		c, _, err := w.svc.CreateCase(ctx, w.clerk, cases.NewCase{Kind: cases.KindDenunciation, Source: cases.SourcePost,
			Subject: "Tố cáo của bà Trịnh Thị Kín Đáo về cán bộ địa chính xã",
			Summary: "Bà Trinh Thi Kin Dao (ĐT 0913 424 242) tố cáo ông Trần Văn Bê nhận tiền.",
			Parties: []cases.Party{{Role: cases.RolePetitioner, Person: who}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []cases.Actor{w.clerk, w.handler, w.leader} {
			got, err := w.svc.Case(ctx, a, c.Code)
			if err != nil {
				t.Fatal(err)
			}
			text := strings.ToLower(got.Subject + " " + got.Summary)
			for _, piece := range []string{"kín đáo", "kin dao", "0913", "424 242"} {
				if strings.Contains(text, piece) {
					t.Errorf("%s reads %q of the denouncer: %q", a.User.Username, piece, got.Subject+" / "+got.Summary)
				}
			}
			if !strings.Contains(got.Summary, "ông Trần Văn Bê nhận tiền") {
				t.Errorf("what is denounced was masked too: %q", got.Summary)
			}
			for _, q := range []string{"Kín Đáo", "kin dao", "Trịnh Thị"} {
				list, _, err := w.svc.Cases(ctx, a, cases.CaseFilter{Text: q})
				if err != nil {
					t.Fatal(err)
				}
				if len(list) != 0 {
					t.Errorf("%s finds the denunciation by %q", a.User.Username, q)
				}
			}
		}
		k, _, err := w.svc.CreateCase(ctx, w.clerk, cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost,
			Subject: "Khiếu nại của bà Trịnh Thị Kín Đáo", Parties: []cases.Party{{Role: cases.RolePetitioner, Person: who}}})
		if err != nil || k.Subject != "Khiếu nại của bà Trịnh Thị Kín Đáo" {
			t.Fatalf("a complaint's subject: %q %v", k.Subject, err)
		}
	})
}

// TestPlainOriginOpenedAsDenunciationIsSealedOnDatabases: a letter registered
// as a complaint, or a visit logged as one, turns out to denounce; the case is
// opened as a denunciation and its petitioners are sealed there. The letter and
// the visit, now linked to that case, must not go on naming them in the
// register and the log: they are sealed too.
func TestPlainOriginOpenedAsDenunciationIsSealedOnDatabases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		who := cases.Person{Name: "Hà Thị Nay Mới Rõ", IDNumber: "072190005151"}
		letter, err := w.svc.RegisterPetition(ctx, w.clerk, cases.Petition{Source: cases.SourcePost, Kind: cases.KindComplaint,
			Petitioner: who, Subject: "Đơn của bà Hà Thị Nay Mới Rõ về cán bộ địa chính xã", Content: "Cán bộ địa chính xã nhận tiền."})
		if err != nil || letter.Secret {
			t.Fatalf("register: %+v %v", letter, err)
		}
		visit, err := w.svc.RecordReception(ctx, w.clerk, cases.Reception{Kind: cases.KindComplaint, Visitors: []cases.Person{who},
			Content: "Bà Hà Thị Nay Mới Rõ trình bày việc cán bộ địa chính xã nhận tiền", Outcome: cases.OutcomeLetterTaken})
		if err != nil || visit.Secret {
			t.Fatalf("record: %+v %v", visit, err)
		}
		if _, _, _, err := w.svc.OpenCaseFromPetition(ctx, w.clerk, letter.ID, cases.NewCase{Kind: cases.KindDenunciation}); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := w.svc.OpenCaseFromReception(ctx, w.clerk, visit.ID, cases.NewCase{Kind: cases.KindDenunciation}); err != nil {
			t.Fatal(err)
		}
		for _, a := range []cases.Actor{w.clerk, w.handler, w.leader} {
			p, err := w.svc.Petition(ctx, a, letter.ID)
			if err != nil {
				t.Fatal(err)
			}
			r, err := w.svc.Reception(ctx, a, visit.ID)
			if err != nil {
				t.Fatal(err)
			}
			shown := fmt.Sprintf("%+v %+v %s %s %s", p.Petitioner, r.Visitors, p.Subject, p.Content, r.Content)
			if !p.Redacted || !r.Redacted || strings.Contains(shown, "Mới Rõ") || strings.Contains(shown, who.IDNumber) {
				t.Errorf("%s reads the denouncer in the register or the log: %s", a.User.Username, shown)
			}
		}
	})
}
