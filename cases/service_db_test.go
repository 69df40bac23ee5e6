package cases_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/internal/errs"
	"kntc/internal/testenv"
	"kntc/storage/postgres"
	"kntc/storage/sqldb"
	"kntc/storage/sqlite"
)

// onBothDatabases runs fn on a fresh migrated SQLite and PostgreSQL database.
func onBothDatabases(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "kntc.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		fn(t, db)
	})
	t.Run("postgres", func(t *testing.T) {
		db, _, err := postgres.Open(t.Context(), testenv.PostgresDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		fn(t, db)
	})
}

// testAuditKey keys the audit chain in these tests.
var testAuditKey = bytes.Repeat([]byte{9}, 32)

// world is a province with one district, its leader, handler and clerk.
type world struct {
	svc                    *cases.Service
	leader, handler, clerk cases.Actor
	unit                   auth.Unit
	clock                  *time.Time
}

func newWorld(t *testing.T, db *sqldb.DB) *world {
	t.Helper()
	ctx := t.Context()
	db.SetAuditKey(testAuditKey)
	accounts := &auth.Service{Store: db}
	if _, _, err := accounts.Bootstrap(ctx, "TINH", "Ủy ban nhân dân tỉnh", "mật khẩu quản trị thử"); err != nil {
		t.Fatal(err)
	}
	root, err := accounts.RootUnit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	unit := auth.Unit{Code: "HT", Name: "Thị xã Hòa Thành", Level: auth.LevelDistrict, ParentID: root.ID}
	if err := accounts.AddUnit(ctx, &unit); err != nil {
		t.Fatal(err)
	}
	actor := func(name string, role auth.Role) cases.Actor {
		u := auth.User{Username: name, Role: role, UnitID: unit.ID}
		if err := accounts.AddUser(ctx, &u, "mật khẩu thử nghiệm"); err != nil {
			t.Fatal(err)
		}
		a, err := cases.ActorFor(ctx, accounts, u)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	clock := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	sealer, err := cases.NewSealer("k1", map[string][]byte{"k1": bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{unit: unit, clock: &clock}
	w.svc = &cases.Service{Store: db, Docs: db, Accounts: accounts, Sealer: sealer, AuditKey: testAuditKey,
		Now: func() time.Time { return *w.clock }}
	w.leader, w.handler, w.clerk = actor("lanh.dao", auth.RoleLeader), actor("chuyen.vien", auth.RoleHandler), actor("van.thu", auth.RoleClerk)
	return w
}

// TestDenunciationWorkflowOnDatabases walks a denunciation through its workflow on
// both databases: the steps each role may take, the refused ones, the deadlines the
// law sets with both extensions, and the due-soon and overdue lists.
func TestDenunciationWorkflowOnDatabases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		c, pin, err := w.svc.CreateCase(ctx, w.clerk, cases.NewCase{
			Kind: cases.KindDenunciation, Source: cases.SourcePost, ReceivedOn: day("2026-03-02"),
			Subject: "Tố cáo cán bộ địa chính xã nhận tiền khi làm thủ tục",
			Parties: []cases.Party{{Role: cases.RolePetitioner, Person: cases.Person{Name: "Võ Thị Bí Mật", IDNumber: "072190000001"}}},
		})
		if err != nil || c.Code != "TC-2026-000001" || len(pin) != cases.PINDigits {
			t.Fatalf("create: %+v %q %v", c, pin, err)
		}
		if got := cases.FormatDate(c.DueOn); got != "2026-03-11" {
			t.Fatalf("accept deadline %s, want 2026-03-11 (7 working days, Luật Tố cáo 2018 Điều 24)", got)
		}
		// The denouncer is stored sealed: no plain trace in the parties table.
		var plain int
		if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM parties WHERE name LIKE '%Bí Mật%' OR id_number = '072190000001' OR sealed LIKE '%Bí Mật%'`).Scan(&plain); err != nil || plain != 0 {
			t.Fatalf("plain identity rows: %d, %v", plain, err)
		}
		if _, err := w.svc.Lookup(ctx, c.Code, pin); err != nil {
			t.Fatalf("lookup with the PIN: %v", err)
		}
		if _, err := w.svc.Lookup(ctx, c.Code, "00000000"); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("lookup with a wrong PIN: %v", err)
		}

		step := func(a cases.Actor, tr cases.Transition, want error) {
			t.Helper()
			cur, err := w.svc.Case(ctx, w.leader, c.Code)
			if err != nil {
				t.Fatal(err)
			}
			got, err := w.svc.Transition(ctx, a, c.Code, cur.Version, tr)
			if want == nil && err != nil || want != nil && !errors.Is(err, want) {
				t.Fatalf("%s → %s: %v, want %v", a.User.Username, tr.To, err, want)
			}
			if err == nil {
				c = got
			}
		}
		step(w.clerk, cases.Transition{To: cases.StatusClassified}, nil)
		step(w.clerk, cases.Transition{To: cases.StatusScreening}, nil)
		step(w.clerk, cases.Transition{To: cases.StatusAccepted}, errs.ErrForbidden)
		step(w.handler, cases.Transition{To: cases.StatusVerifying}, cases.ErrIllegal)
		step(w.handler, cases.Transition{To: cases.StatusAccepted, On: day("2026-03-09")}, nil)
		if got := cases.FormatDate(c.DueOn); got != "2026-04-08" {
			t.Fatalf("resolution deadline %s, want 2026-04-08 (thụ lý + 30)", got)
		}
		step(w.handler, cases.Transition{To: cases.StatusVerifying}, nil)
		step(w.handler, cases.Transition{To: cases.StatusDialogue}, cases.ErrIllegal)

		// Stale version: a concurrent change is refused.
		if _, err := w.svc.Transition(ctx, w.handler, c.Code, c.Version-1, cases.Transition{To: cases.StatusDecided, Result: cases.ResultWrong}); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("stale version: %v", err)
		}

		// Two extensions of 30 days, by leaders only; a third is refused. The
		// decision is recorded once it is signed (a future date is refused).
		*w.clock = time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)
		ext := cases.Extension{DecisionNumber: "20/QĐ-UBND", DecisionDate: day("2026-04-01"), Days: 30, Reason: "vụ việc phức tạp"}
		if _, err := w.svc.Extend(ctx, w.handler, c.Code, ext); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("handler extends: %v", err)
		}
		for i, want := range []string{"2026-05-08", "2026-06-07"} {
			if c, err = w.svc.Extend(ctx, w.leader, c.Code, ext); err != nil || cases.FormatDate(c.DueOn) != want {
				t.Fatalf("extension %d: due %s, %v; want %s", i+1, cases.FormatDate(c.DueOn), err, want)
			}
		}
		if _, err := w.svc.Extend(ctx, w.leader, c.Code, ext); !errors.Is(err, cases.ErrIllegal) {
			t.Fatalf("third extension: %v", err)
		}
		stored, err := w.svc.Case(ctx, w.handler, c.Code)
		if err != nil || len(stored.Extensions) != 2 || cases.FormatDate(stored.DueOn) != "2026-06-07" {
			t.Fatalf("stored extensions: %+v, %v", stored, err)
		}

		// Deadlines: three days before the due date the case is due soon; after, overdue.
		*w.clock = time.Date(2026, 6, 4, 9, 0, 0, 0, time.UTC)
		overdue, soon, err := w.svc.Deadlines(ctx, w.handler, 0, 0)
		if err != nil || len(overdue) != 0 || len(soon) != 1 || soon[0].Code != c.Code {
			t.Fatalf("due soon: %v %v %v", overdue, soon, err)
		}
		*w.clock = time.Date(2026, 6, 9, 9, 0, 0, 0, time.UTC)
		if overdue, soon, err = w.svc.Deadlines(ctx, w.handler, 0, 0); err != nil || len(overdue) != 1 || len(soon) != 0 {
			t.Fatalf("overdue: %v %v %v", overdue, soon, err)
		}

		step(w.handler, cases.Transition{To: cases.StatusDecided}, cases.ErrIllegal) // no result
		step(w.handler, cases.Transition{To: cases.StatusDecided, Result: cases.ResultPartly}, nil)
		step(w.leader, cases.Transition{To: cases.StatusPublished}, cases.ErrIllegal) // no scanned decision
		step(w.leader, cases.Transition{To: cases.StatusClosed}, cases.ErrIllegal)    // not published
		if overdue, soon, _ = w.svc.Deadlines(ctx, w.handler, 0, 0); len(overdue)+len(soon) != 0 {
			t.Fatalf("a decided case is still on the deadline lists: %v %v", overdue, soon)
		}

		// The timeline holds every step; the audit chain verifies.
		evs, err := w.svc.Events(ctx, w.handler, c.Code)
		if err != nil || len(evs) < 8 {
			t.Fatalf("timeline: %d events, %v", len(evs), err)
		}
		for _, e := range evs {
			if strings.Contains(e.Note, "Bí Mật") {
				t.Fatalf("the timeline names the denouncer: %+v", e)
			}
		}
		// The accounts (root, district, admin and three users), then create, party,
		// 5 steps, 2 extensions.
		if n, err := w.svc.VerifyAudit(ctx); err != nil || n != 15 {
			t.Fatalf("audit: %d entries, %v", n, err)
		}
	})
}

// TestDuplicatePetitionsOnDatabases registers letters on both databases: the same
// person writing again about the same matter is a duplicate, even when the second
// letter is a denunciation whose sender is sealed.
func TestDuplicatePetitionsOnDatabases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		reg := func(kind cases.Kind, name, id, subject string) cases.Petition {
			t.Helper()
			p, err := w.svc.RegisterPetition(ctx, w.clerk, cases.Petition{Source: cases.SourcePost, Kind: kind,
				Petitioner: cases.Person{Name: name, IDNumber: id}, Subject: subject})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		first := reg(cases.KindComplaint, "Đỗ Văn Tâm", "072080000111", "Khiếu nại việc bồi thường khi thu hồi đất tại ấp Long Yên")
		other := reg(cases.KindComplaint, "Đỗ Văn Tâm", "072080000111", "Đề nghị cấp giấy chứng nhận quyền sử dụng đất")
		again := reg(cases.KindDenunciation, "Do Van Tam", "072080000111", "Về việc bồi thường thu hồi đất ở ấp Long Yên")
		stranger := reg(cases.KindComplaint, "Lê Văn Khác", "072080000999", "Khiếu nại việc bồi thường khi thu hồi đất tại ấp Long Yên")
		if first.DuplicateOf != 0 || other.DuplicateOf != 0 || stranger.DuplicateOf != 0 || again.DuplicateOf != first.ID {
			t.Fatalf("duplicates: first %d, other %d, again %d (want %d), stranger %d", first.DuplicateOf, other.DuplicateOf, again.DuplicateOf, first.ID, stranger.DuplicateOf)
		}
		if !again.Redacted || again.Petitioner.Name != "" {
			t.Fatalf("a denunciation's sender must be sealed: %+v", again)
		}
		// Read by anyone else, the sealed letter does not say whose duplicate it is:
		// the earlier letter names its sender.
		for _, a := range []cases.Actor{w.clerk, w.handler, w.leader} {
			if got, err := w.svc.Petition(ctx, a, again.ID); err != nil || got.DuplicateOf != 0 {
				t.Fatalf("the sealed letter read by %s: duplicate_of %d (%v), want hidden", a.User.Username, got.DuplicateOf, err)
			}
		}
		// A letter guessing the sealed sender's name is not told it matches.
		guess := reg(cases.KindComplaint, "do van tam", "", "Về việc bồi thường thu hồi đất ở ấp Long Yên")
		if guess.DuplicateOf == again.ID {
			t.Fatalf("a guessed name is confirmed as the denouncer's: %+v", guess)
		}
	})
}
