package report_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kntc/auth"
	"kntc/cases"
	"kntc/internal/errs"
	"kntc/internal/testenv"
	"kntc/report"
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

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

var vn = time.FixedZone("ICT", 7*3600)

// province is the fixture: a province (TINH) with a district (HT) that has a
// commune below it (HTX), and a department (STNMT); a leader, handler and clerk at
// the province (their scope is the whole tree) and an inspector of the department.
type province struct {
	svc                    *cases.Service
	rep                    *report.Service
	leader, handler, clerk cases.Actor
	inspector              cases.Actor // of STNMT
	units                  map[string]auth.Unit
	clock                  time.Time
	codes                  map[string]string // fixture name -> case code
	ids                    map[string]int64  // fixture name -> petition / visit ID
}

// secretName is the denouncer's name: it must never leave the sealed store.
const secretName = "Nguyễn Văn Tố Giấu"

func newProvince(t *testing.T, db *sqldb.DB) *province {
	t.Helper()
	ctx := t.Context()
	key := bytes.Repeat([]byte{9}, 32)
	db.SetAuditKey(key)
	accounts := &auth.Service{Store: db}
	if _, _, err := accounts.Bootstrap(ctx, "TINH", "Ủy ban nhân dân tỉnh", "mật khẩu quản trị thử"); err != nil {
		t.Fatal(err)
	}
	root, err := accounts.RootUnit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := &province{units: map[string]auth.Unit{"TINH": root}, codes: map[string]string{}, ids: map[string]int64{}}
	for _, u := range []auth.Unit{
		{Code: "HT", Name: "Thị xã Hòa Thành", Level: auth.LevelDistrict, ParentID: root.ID},
		{Code: "STNMT", Name: "Sở Tài nguyên và Môi trường", Level: auth.LevelDepartment, ParentID: root.ID},
	} {
		if err := accounts.AddUnit(ctx, &u); err != nil {
			t.Fatal(err)
		}
		p.units[u.Code] = u
	}
	htx := auth.Unit{Code: "HTX", Name: "Phường Long Hoa", Level: auth.LevelCommune, ParentID: p.units["HT"].ID}
	if err := accounts.AddUnit(ctx, &htx); err != nil {
		t.Fatal(err)
	}
	p.units["HTX"] = htx
	actor := func(name string, role auth.Role, unit string) cases.Actor {
		u := auth.User{Username: name, Role: role, UnitID: p.units[unit].ID}
		if err := accounts.AddUser(ctx, &u, "mật khẩu thử nghiệm"); err != nil {
			t.Fatal(err)
		}
		a, err := cases.ActorFor(ctx, accounts, u)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	sealer, err := cases.NewSealer("k1", map[string][]byte{"k1": bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	p.svc = &cases.Service{Store: db, Docs: db, Accounts: accounts, Sealer: sealer, AuditKey: key,
		Now: func() time.Time { return p.clock }}
	p.rep = &report.Service{Cases: p.svc}
	p.leader = actor("lanh.dao", auth.RoleLeader, "TINH")
	p.handler = actor("chuyen.vien", auth.RoleHandler, "TINH")
	p.clerk = actor("van.thu", auth.RoleClerk, "TINH")
	p.inspector = actor("thanh.tra", auth.RoleInspector, "STNMT")
	p.fill(t)
	return p
}

// on sets the services' clock to 9:00 in Vietnam on day s.
func (p *province) on(s string) { p.clock = day(s).Add(2 * time.Hour) }

func (p *province) visit(t *testing.T, name, unit string, at time.Time, size int, kind cases.Kind, secret bool) {
	t.Helper()
	who := cases.Person{Name: "Trần Thị Khách " + name}
	if secret {
		who = cases.Person{Name: secretName, IDNumber: "072190009999"}
	}
	r, err := p.svc.RecordReception(t.Context(), p.clerk, cases.Reception{UnitID: p.units[unit].ID, At: at,
		Visitors: []cases.Person{who}, GroupSize: size, Kind: kind, Content: "Trình bày về " + name})
	if err != nil {
		t.Fatalf("visit %s: %v", name, err)
	}
	p.ids[name] = r.ID
}

func (p *province) petition(t *testing.T, name, unit, received string, kind cases.Kind, who, subject string) {
	t.Helper()
	pe, err := p.svc.RegisterPetition(t.Context(), p.clerk, cases.Petition{UnitID: p.units[unit].ID,
		ReceivedOn: day(received), Source: cases.SourcePost, Kind: kind,
		Petitioner: cases.Person{Name: who, IDNumber: "0721900" + strings.Repeat("1", 5)}, Subject: subject})
	if err != nil {
		t.Fatalf("petition %s: %v", name, err)
	}
	p.ids[name] = pe.ID
}

func (p *province) handle(t *testing.T, name string, adm cases.Admissibility, comp cases.Competence, h cases.Handling) {
	t.Helper()
	patch := cases.PetitionPatch{Admissibility: &adm, Competence: &comp, Handling: &h}
	if h == cases.HandlingTransfer {
		to := "Ủy ban nhân dân huyện khác"
		patch.TransferredTo = &to
	}
	if _, err := p.svc.UpdatePetition(t.Context(), p.clerk, p.ids[name], patch); err != nil {
		t.Fatalf("handle %s: %v", name, err)
	}
}

func (p *province) openFrom(t *testing.T, petition, caseName string, round int) {
	t.Helper()
	c, _, _, err := p.svc.OpenCaseFromPetition(t.Context(), p.leader, p.ids[petition], cases.NewCase{Round: round})
	if err != nil {
		t.Fatalf("case from %s: %v", petition, err)
	}
	p.codes[caseName] = c.Code
}

// openFromVisit opens a case from visit (no petition is registered: the
// complaint recorded at the visit is the letter).
func (p *province) openFromVisit(t *testing.T, visit, caseName string) {
	t.Helper()
	c, _, r, err := p.svc.OpenCaseFromReception(t.Context(), p.leader, p.ids[visit], cases.NewCase{})
	if err != nil {
		t.Fatalf("case from %s: %v", visit, err)
	}
	if r.CaseID != c.ID || r.Outcome != cases.OutcomeCaseOpened {
		t.Fatalf("visit %s after opening %s: case %d, outcome %q", visit, c.Code, r.CaseID, r.Outcome)
	}
	p.codes[caseName] = c.Code
}

func (p *province) move(t *testing.T, caseName string, to cases.Status, res cases.Result) {
	t.Helper()
	c, err := p.svc.Case(t.Context(), p.leader, p.codes[caseName])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.Transition(t.Context(), p.leader, c.Code, c.Version, cases.Transition{To: to, Result: res}); err != nil {
		t.Fatalf("%s -> %s: %v", caseName, to, err)
	}
}

func (p *province) outcome(t *testing.T, caseName string, o cases.Outcome) {
	t.Helper()
	c, err := p.svc.Case(t.Context(), p.leader, p.codes[caseName])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.SetOutcome(t.Context(), p.handler, c.Code, c.Version, o); err != nil {
		t.Fatalf("outcome of %s: %v", caseName, err)
	}
}

// fill enters the fixture through the services, day by day. Q1 2026 runs from
// 15/12/2025 to 14/03/2026, Q2 from 15/03 to 14/06/2026.
func (p *province) fill(t *testing.T) {
	ctx := t.Context()
	// Before Q1: complaint P0 at HT, handled (case K0 accepted) before the period.
	p.on("2025-12-01")
	p.petition(t, "P0", "HT", "2025-12-01", cases.KindComplaint, "Lê Văn Một", "Khiếu nại quyết định thu hồi đất nông nghiệp")
	p.on("2025-12-10")
	p.openFrom(t, "P0", "K0", 1)
	// Complaint P1 at HT received before Q1, handled only in Q1 (carried over).
	p.petition(t, "P1", "HT", "2025-12-10", cases.KindComplaint, "Phạm Thị Hai", "Khiếu nại lần hai về bồi thường giải phóng mặt bằng")
	p.on("2025-12-12")
	p.move(t, "K0", cases.StatusClassified, "")
	p.move(t, "K0", cases.StatusScreening, "")
	p.move(t, "K0", cases.StatusAccepted, "")

	// Q1.
	p.on("2026-01-05")
	p.openFrom(t, "P1", "K1", 2) // a second-round complaint
	p.on("2026-01-06")
	for _, st := range []cases.Status{cases.StatusClassified, cases.StatusScreening, cases.StatusAccepted, cases.StatusVerifying, cases.StatusDialogue} {
		p.move(t, "K1", st, "")
	}
	p.on("2026-01-10")
	p.visit(t, "R1", "HT", time.Date(2026, 1, 10, 8, 0, 0, 0, vn), 1, cases.KindComplaint, false)
	p.on("2026-01-20")
	p.move(t, "K0", cases.StatusVerifying, "")
	p.move(t, "K0", cases.StatusDecided, cases.ResultRight)
	p.on("2026-02-01")
	p.visit(t, "R2", "HTX", time.Date(2026, 2, 1, 8, 0, 0, 0, vn), 6, cases.KindPetition, false) // a group of 6
	p.petition(t, "P2", "HTX", "2026-02-01", cases.KindDenunciation, secretName, "Tố cáo cán bộ địa chính phường nhận tiền")
	p.on("2026-02-03")
	p.openFrom(t, "P2", "T1", 1)
	p.on("2026-02-05")
	for _, st := range []cases.Status{cases.StatusClassified, cases.StatusScreening, cases.StatusAccepted, cases.StatusVerifying} {
		p.move(t, "T1", st, "")
	}
	p.on("2026-02-10")
	p.visit(t, "R5", "TINH", time.Date(2026, 2, 10, 14, 0, 0, 0, vn), 1, cases.KindDenunciation, true)
	p.on("2026-02-15")
	p.petition(t, "P8", "HT", "2026-02-15", cases.KindComplaint, "Đỗ Văn Tám", "Khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất")
	p.on("2026-02-16")
	p.openFrom(t, "P8", "K2", 1)
	p.on("2026-02-20")
	for _, st := range []cases.Status{cases.StatusClassified, cases.StatusScreening, cases.StatusAccepted} {
		p.move(t, "K2", st, "")
	}
	// R6: a complaint presented at a visit of STNMT and recorded there, with
	// no petition registered; the case K5 is opened from the visit the next day.
	p.on("2026-02-25")
	p.visit(t, "R6", "STNMT", time.Date(2026, 2, 25, 9, 0, 0, 0, vn), 1, cases.KindComplaint, false)
	p.on("2026-02-26")
	p.openFromVisit(t, "R6", "K5")
	p.on("2026-03-01")
	p.move(t, "K1", cases.StatusDecided, cases.ResultWrong) // lần 2: khiếu nại sai = công nhận lần đầu
	p.petition(t, "P4", "STNMT", "2026-03-01", cases.KindPetition, "Hoàng Văn Bốn", "Phản ánh ô nhiễm nguồn nước kênh tiêu")
	p.petition(t, "P9", "TINH", "2026-03-01", cases.KindComplaint, "Vũ Thị Chín", "Khiếu nại về chế độ trợ cấp")
	p.on("2026-03-02")
	p.handle(t, "P4", cases.Admissible, cases.Competent, cases.HandlingAccept)
	p.openFrom(t, "P9", "K3", 1)
	p.move(t, "K5", cases.StatusClassified, "")
	p.move(t, "K5", cases.StatusScreening, "") // still screening at the end of Q1
	p.on("2026-03-03")
	p.petition(t, "P5", "STNMT", "2026-03-03", cases.KindComplaint, "Ngô Văn Năm", "Khiếu nại quyết định xử phạt hành chính về môi trường")
	p.on("2026-03-04")
	p.move(t, "K3", cases.StatusClassified, "")
	p.move(t, "K3", cases.StatusScreening, "")
	p.move(t, "K3", cases.StatusGuided, "") // không thụ lý
	p.on("2026-03-05")
	p.handle(t, "P5", cases.Admissible, cases.Incompetent, cases.HandlingTransfer)
	p.move(t, "K2", cases.StatusClosed, cases.ResultWithdrawn) // rút toàn bộ, đình chỉ
	p.on("2026-03-08")
	k4, _, err := p.svc.CreateCase(ctx, p.clerk, cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourceInPerson,
		ReceivedOn: day("2026-03-08"), Subject: "Khiếu nại không qua sổ đơn", UnitID: p.units["STNMT"].ID})
	if err != nil {
		t.Fatal(err)
	}
	p.codes["K4"] = k4.Code
	p.on("2026-03-10")
	p.petition(t, "P6", "STNMT", "2026-03-10", cases.KindComplaint, "Lý Thị Sáu", "Khiếu nại việc thu phí bảo vệ môi trường")
	p.on("2026-03-12")
	// P7: the same sender and matter as P5, filed as a duplicate.
	p.petition(t, "P7", "STNMT", "2026-03-12", cases.KindComplaint, "Ngô Văn Năm", "Khiếu nại quyết định xử phạt hành chính về môi trường lần nữa")
	p.handle(t, "P7", cases.Inadmissible, "", cases.HandlingFile)
	// The last evening of Q1 and the first minutes of Q2 (Vietnam time).
	p.on("2026-03-14")
	p.visit(t, "R3", "STNMT", time.Date(2026, 3, 14, 23, 30, 0, 0, vn), 1, cases.KindComplaint, false)
	p.on("2026-03-15")
	p.visit(t, "R4", "STNMT", time.Date(2026, 3, 15, 0, 30, 0, 0, vn), 1, cases.KindComplaint, false)
	// A case is opened from R3 (the visit of 14/03) only on 16/03, in Q2.
	p.on("2026-03-16")
	p.openFromVisit(t, "R3", "K6")

	// Q2.
	p.on("2026-03-20")
	p.handle(t, "P6", cases.Admissible, cases.Incompetent, cases.HandlingGuide)
	p.on("2026-04-02")
	p.outcome(t, "K0", cases.Outcome{RecoverMoney: 100, ReturnPeople: 2, DisciplinePeople: 2, DisciplineOfficials: 1,
		RecoveredMoney: 40, EnforcedOn: day("2026-04-01")})
	p.on("2026-04-20")
	if _, err := p.svc.Extend(ctx, p.leader, p.codes["T1"], cases.Extension{DecisionNumber: "12/QĐ-UBND",
		DecisionDate: day("2026-04-20"), Days: 30, Reason: "Vụ việc phức tạp"}); err != nil {
		t.Fatalf("extend T1: %v", err)
	}
	p.on("2026-05-10")
	p.move(t, "T1", cases.StatusDecided, cases.ResultPartly)
	p.outcome(t, "T1", cases.Outcome{InvestigationCases: 1, InvestigationPeople: 2, InvestigationOfficials: 2})
	p.on("2026-06-20")
}

// cols is the expected non-zero values of a row; every other column must be 0.
type cols map[int]float64

func checkRow(t *testing.T, what string, row report.Row, want cols) {
	t.Helper()
	for i, v := range row.Values {
		if v != want[i+1] {
			t.Errorf("%s column %d = %v, want %v", what, i+1, v, want[i+1])
		}
	}
}

func rowOf(t *testing.T, r *report.Report, code string) report.Row {
	t.Helper()
	for _, row := range r.Rows {
		if row.Code == code {
			return row
		}
	}
	t.Fatalf("%s: no row %s", r.Form.Code, code)
	return report.Row{}
}

func build(t *testing.T, p *province, a cases.Actor, form, unit, period string) *report.Report {
	t.Helper()
	f, err := report.FormByCode(form)
	if err != nil {
		t.Fatal(err)
	}
	per, err := report.ParsePeriod(period)
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.rep.Build(t.Context(), a, f, unit, per)
	if err != nil {
		t.Fatalf("build %s %s %s: %v", form, unit, period, err)
	}
	return r
}

// TestFormsOnDatabases checks every column of the forms for the fixture, on both
// databases; each expected number says why.
func TestFormsOnDatabases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		p := newProvince(t, db)

		// 01/TCD, Q1 (15/12/2025–14/03/2026).
		r := build(t, p, p.leader, "01-TCD", "TINH", "2026-Q1")
		if len(r.Rows) != 3 || r.Rows[0].Code != "TINH" || r.Rows[1].Code != "HT" || r.Rows[2].Code != "STNMT" {
			t.Fatalf("rows: %+v", r.Rows)
		}
		// TINH: R5, one denouncer (1 visit, 1 person, 1 matter).
		checkRow(t, "01/TCD TINH", rowOf(t, r, "TINH"), cols{1: 1, 2: 1, 3: 1, 5: 1, 6: 1, 7: 1})
		// HT with its commune HTX: R1 (1 person) and R2 (a group of 6 at HTX):
		// 2 visits, 7 people, 2 matters, 1 group of 6.
		checkRow(t, "01/TCD HT", rowOf(t, r, "HT"), cols{1: 2, 2: 7, 3: 2, 4: 1, 5: 2, 6: 7, 7: 2, 8: 1, 9: 6})
		// STNMT: R6 (25/02, case K5) and R3 at 23:30 on 14/03 (case K6) are in
		// Q1; R4 at 00:30 on 15/03 is not. 2 visits, 2 people, 2 matters (K5, K6).
		checkRow(t, "01/TCD STNMT", rowOf(t, r, "STNMT"), cols{1: 2, 2: 2, 3: 2, 5: 2, 6: 2, 7: 2})
		// 1 + 2 + 2 visits; 1 + 7 + 2 people; 1 + 2 + 2 matters; HT's group.
		checkRow(t, "01/TCD total", r.Total, cols{1: 5, 2: 10, 3: 5, 4: 1, 5: 5, 6: 10, 7: 5, 8: 1, 9: 6})
		if r.Empty[11] == "" || r.Empty[10] == "" || r.Empty[5] != "" {
			t.Errorf("01/TCD empty columns: %v", r.Empty)
		}
		if len(r.Checks) != 0 || r.Checked == 0 {
			t.Errorf("01/TCD checks: %d of %d failed: %+v", len(r.Checks), r.Checked, r.Checks)
		}
		// Drill-down: column 9 of HT counts R2, the group.
		if got := rowOf(t, r, "HT").Refs[8]; !slices.Equal(got, []string{"tiep-" + itoa(p.ids["R2"])}) {
			t.Errorf("01/TCD HT c9 refs %v", got)
		}
		q2 := build(t, p, p.leader, "01-TCD", "TINH", "2026-Q2")
		checkRow(t, "01/TCD Q2 total", q2.Total, cols{1: 1, 2: 1, 3: 1, 5: 1, 6: 1, 7: 1}) // R4 only

		// 02/XLD, Q1.
		r = build(t, p, p.leader, "02-XLD", "TINH", "2026-Q1")
		// TINH: P9 received and accepted in Q1 (case K3): a competent first complaint.
		checkRow(t, "02/XLD TINH", rowOf(t, r, "TINH"), cols{1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1})
		// HT: P1 (carried over from 10/12/2025, accepted in Q1 as a second-round
		// complaint K1), P2 (denunciation at HTX, case T1), P8 (complaint, case K2);
		// P0 was handled before Q1 and is not counted.
		checkRow(t, "02/XLD HT", rowOf(t, r, "HT"), cols{1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 6: 2, 7: 1, 8: 1, 12: 1, 13: 1})
		// STNMT: P4 (petition, competent), P5 (not competent, transferred), P6
		// (received, handled only on 20/03: in column 1 alone), P7 (duplicate of P5,
		// filed as inadmissible: columns 1 and 2); and the complaints recorded at
		// two visits with no petition, each a letter received through citizen
		// reception: R6 (25/02; case K5 opened on 26/02: handled, admissible,
		// competent, a first complaint: 1–4, 6, 7, its matter K5 in 5) and R3
		// (14/03; its case K6 opened only on 16/03: received, not yet handled on
		// 14/03, column 1 alone). Column 1: 4 + 2; 2: 3 + 1 (R6); 3: 2 + 1; 4: P4
		// and R6; 5: P4 itself and K5.
		checkRow(t, "02/XLD STNMT", rowOf(t, r, "STNMT"), cols{1: 6, 2: 4, 3: 3, 4: 2, 5: 2, 6: 1, 7: 1, 19: 1, 23: 1, 25: 1})
		// TINH + HT + STNMT: 1: 1+3+6, 2: 1+3+4, 3: 1+3+3, 4 and 5: 1+3+2, 6: 1+2+1
		// (P9, P1, P8, R6), 7: 1+1+1 (P9, P8, R6), 8: P1; 12, 13: P2; 19: P4;
		// 23, 25: P5.
		checkRow(t, "02/XLD total", r.Total, cols{1: 10, 2: 8, 3: 7, 4: 6, 5: 6, 6: 4, 7: 3, 8: 1, 12: 1, 13: 1, 19: 1, 23: 1, 25: 1})
		// The petitions first, then the visits, each in the order entered.
		st := rowOf(t, r, "STNMT")
		if got, want := st.Refs[0], []string{"don-" + itoa(p.ids["P4"]), "don-" + itoa(p.ids["P5"]), "don-" + itoa(p.ids["P6"]),
			"don-" + itoa(p.ids["P7"]), "tiep-" + itoa(p.ids["R6"]), "tiep-" + itoa(p.ids["R3"])}; !slices.Equal(got, want) {
			t.Errorf("02/XLD STNMT c1 refs %v, want %v", got, want)
		}
		if got, want := st.Refs[4], []string{"don-" + itoa(p.ids["P4"]), p.codes["K5"]}; !slices.Equal(got, want) {
			t.Errorf("02/XLD STNMT c5 refs %v, want %v", got, want)
		}
		if len(r.Checks) != 0 {
			t.Errorf("02/XLD checks failed: %+v", r.Checks)
		}
		// Q2: P6 carried over (unhandled on 15/03) and guided on 20/03; R3
		// carried over too (received 14/03), handled on 16/03 when K6 was opened
		// from it: a competent first complaint, its matter K6. R6 was handled in Q1.
		q2 = build(t, p, p.leader, "02-XLD", "STNMT", "2026-Q2")
		if len(q2.Rows) != 1 {
			t.Fatalf("02/XLD STNMT rows %d", len(q2.Rows))
		}
		checkRow(t, "02/XLD Q2 STNMT", q2.Total, cols{1: 2, 2: 2, 3: 2, 4: 1, 5: 1, 6: 1, 7: 1, 23: 1, 24: 1})
		if len(q2.Checks) != 0 {
			t.Errorf("02/XLD Q2 checks failed: %+v", q2.Checks)
		}

		// 03/GQKN, Q1.
		r = build(t, p, p.leader, "03-GQKN", "TINH", "2026-Q1")
		// TINH: column 1 from 02/XLD c6; K3 guided on 04/03 (không thụ lý).
		checkRow(t, "03/GQKN TINH", rowOf(t, r, "TINH"), cols{1: 1, 2: 1, 5: 1})
		// HT: columns 2–6 are the cases of column 1's petitions (02/XLD c6: P1,
		// P8), so that c2 <= c1 as the circular prints it: K1 (P1 carried over
		// unhandled, accepted 06/01 as a second round: accepted on 14/03) and K2
		// (P8, withdrawn 05/03). K0 is carried over too, but its petition P0 was
		// handled before Q1: not in 2–6. The decisions of Q1 are in 7–: K0's
		// (20/01 "đúng", with its outcome: 100 Trđ to recover, 2 people restored,
		// 2 recommended for discipline of whom 1 official) and K1's (01/03 "sai"
		// = the first decision upheld).
		checkRow(t, "03/GQKN HT", rowOf(t, r, "HT"), cols{1: 2, 2: 2, 4: 1, 6: 1, 7: 2, 8: 1, 11: 1, 13: 100, 18: 2, 19: 2, 20: 1})
		// STNMT: column 1 is R6, the complaint recorded at the visit (02/XLD c6);
		// its case K5 is in screening on 14/03 (3). K4, opened with neither a
		// petition nor a visit, has no letter of column 1: not in 2–6; nor has
		// K6, whose visit R3 was not handled (no case) by 14/03.
		checkRow(t, "03/GQKN STNMT", rowOf(t, r, "STNMT"), cols{1: 1, 2: 1, 3: 1})
		// 1: 1+2+1; 2: K3, K1, K2, K5; 3: K5; 4: K1; 5: K3; 6: K2; 7–: HT's.
		checkRow(t, "03/GQKN total", r.Total, cols{1: 4, 2: 4, 3: 1, 4: 1, 5: 1, 6: 1, 7: 2, 8: 1, 11: 1, 13: 100, 18: 2, 19: 2, 20: 1})
		// With cases carried over (K0, K1) every check holds, c2 <= c1 included.
		if len(r.Checks) != 0 || r.Checked == 0 {
			t.Errorf("03/GQKN checks: %d of %d failed: %+v", len(r.Checks), r.Checked, r.Checks)
		}
		if got := rowOf(t, r, "HT").Refs[3]; !slices.Equal(got, []string{p.codes["K1"]}) {
			t.Errorf("03/GQKN HT c4 refs %v", got)
		}
		if got := rowOf(t, r, "HT").Refs[6]; !slices.Contains(got, p.codes["K0"]) {
			t.Errorf("03/GQKN HT c7 refs %v: K0's decision of the period is counted", got)
		}
		if st := rowOf(t, r, "STNMT"); !slices.Equal(st.Refs[0], []string{"tiep-" + itoa(p.ids["R6"])}) ||
			!slices.Equal(st.Refs[2], []string{p.codes["K5"]}) {
			t.Errorf("03/GQKN STNMT c1 refs %v, c3 refs %v", st.Refs[0], st.Refs[2])
		}
		// Q2 at STNMT: column 1 is R3 (carried over, handled 16/03); its case K6,
		// opened then and never moved, is in screening on 14/06. K5's visit was
		// handled in Q1: not counted again.
		q2 = build(t, p, p.leader, "03-GQKN", "STNMT", "2026-Q2")
		checkRow(t, "03/GQKN Q2 STNMT", q2.Total, cols{1: 1, 2: 1, 3: 1})
		if len(q2.Checks) != 0 || !slices.Equal(q2.Total.Refs[2], []string{p.codes["K6"]}) {
			t.Errorf("03/GQKN Q2 STNMT: checks %+v, c3 refs %v", q2.Checks, q2.Total.Refs[2])
		}

		// 04/GQTC: T1 accepted in Q1, decided in Q2 "có đúng có sai" with 1 case
		// and 2 officials handed to the investigators.
		r = build(t, p, p.leader, "04-GQTC", "TINH", "2026-Q1")
		checkRow(t, "04/GQTC Q1 HT", rowOf(t, r, "HT"), cols{1: 1, 2: 1, 4: 1})
		r = build(t, p, p.leader, "04-GQTC", "HT", "2026-Q2")
		if len(r.Rows) != 2 || r.Rows[1].Code != "HTX" {
			t.Fatalf("04/GQTC HT rows %+v", r.Rows)
		}
		// Q2: T1 is carried over, its petition P2 handled in Q1: not in 1–6, its
		// conclusion of Q2 in 7–; every check holds (c2 <= c1: 0 <= 0).
		checkRow(t, "04/GQTC Q2 HTX", rowOf(t, r, "HTX"), cols{7: 1, 10: 1, 23: 1, 24: 2, 25: 2})
		checkRow(t, "04/GQTC Q2 HT itself", rowOf(t, r, "HT"), cols{})
		if len(r.Checks) != 0 {
			t.Errorf("04/GQTC Q2 with a carried-over case: %+v", r.Checks)
		}

		// 05/KQTH: K0 (enforced 01/04) and K1 must be carried out in Q1; in Q2 K0 is
		// done and T1's conclusion is added.
		r = build(t, p, p.leader, "05-KQTH", "TINH", "2026-Q1")
		checkRow(t, "05/KQTH Q1 total", r.Total, cols{1: 2, 3: 100, 5: 40})
		r = build(t, p, p.leader, "05-KQTH", "TINH", "2026-Q2")
		checkRow(t, "05/KQTH Q2 total", r.Total, cols{1: 2, 2: 1, 3: 100, 5: 40, 16: 1})
		if len(r.Checks) != 0 {
			t.Errorf("05/KQTH checks: %+v", r.Checks)
		}

		// 06/QLKNTC: no source at all.
		r = build(t, p, p.leader, "06-QLKNTC", "TINH", "2026")
		if len(r.Empty) != 17 {
			t.Errorf("06/QLKNTC empty columns %d", len(r.Empty))
		}

		// The outcome is written by handlers and leaders, on decided cases, with
		// sensible numbers; a petition's handling day is the day it was decided.
		k0, _ := p.svc.Case(t.Context(), p.leader, p.codes["K0"])
		if _, err := p.svc.SetOutcome(t.Context(), p.clerk, k0.Code, k0.Version, cases.Outcome{}); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("clerk writes an outcome: %v", err)
		}
		if _, err := p.svc.SetOutcome(t.Context(), p.handler, k0.Code, k0.Version, cases.Outcome{RecoverMoney: -1}); !errors.Is(err, errs.ErrInvalid) {
			t.Errorf("negative money: %v", err)
		}
		if _, err := p.svc.SetOutcome(t.Context(), p.handler, k0.Code, k0.Version, cases.Outcome{EnforcedOn: day("2026-01-01")}); !errors.Is(err, errs.ErrInvalid) {
			t.Errorf("enforced before the decision: %v", err)
		}
		k4, _ := p.svc.Case(t.Context(), p.leader, p.codes["K4"])
		if _, err := p.svc.SetOutcome(t.Context(), p.handler, k4.Code, k4.Version, cases.Outcome{}); !errors.Is(err, cases.ErrIllegal) {
			t.Errorf("outcome of an undecided case: %v", err)
		}
		for name, want := range map[string]string{"P6": "2026-03-20", "P1": "2026-01-05", "P7": "2026-03-12", "P0": "2025-12-10"} {
			pe, err := p.svc.Store.Petition(t.Context(), p.ids[name])
			if err != nil || cases.FormatDate(pe.HandledOn) != want {
				t.Errorf("%s handled on %s (%v), want %s", name, cases.FormatDate(pe.HandledOn), err, want)
			}
		}

		// Who may read: leaders and inspectors, in their scope.
		f, _ := report.FormByCode("01-TCD")
		per, _ := report.ParsePeriod("2026-Q1")
		if _, err := p.rep.Build(t.Context(), p.handler, f, "TINH", per); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("handler: %v, want forbidden", err)
		}
		if _, err := p.rep.Build(t.Context(), p.inspector, f, "TINH", per); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("inspector of STNMT on TINH: %v, want not found", err)
		}
		if r := build(t, p, p.inspector, "01-TCD", "", "2026-Q1"); r.Unit.Code != "STNMT" || r.Total.Value(5) != 2 { // R6, R3
			t.Errorf("inspector's own unit: %s %v", r.Unit.Code, r.Total.Values)
		}

		// The workbook opens, carries the headings, the MS row and the numbers, and
		// no denouncer.
		r = build(t, p, p.leader, "01-TCD", "TINH", "2026-Q1")
		var buf bytes.Buffer
		if err := report.WriteXLSX(&buf, r); err != nil {
			t.Fatal(err)
		}
		checkWorkbook(t, buf.Bytes(), r)
		js, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(js, []byte(secretName)) || bytes.Contains(buf.Bytes(), []byte("072190009999")) {
			t.Error("the denouncer's identity is in the report")
		}
	})
}

func checkWorkbook(t *testing.T, b []byte, r *report.Report) {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	defer x.Close()
	sheet := "01-TCD"
	get := func(c string) string {
		v, err := x.GetCellValue(sheet, c)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := get("A2"); got != r.Form.Title {
		t.Errorf("title %q", got)
	}
	if got := get("A3"); got != "Số liệu tính từ ngày 15/12/2025 đến ngày 14/03/2026" {
		t.Errorf("period line %q", got)
	}
	// Headings: A6 "Đơn vị"; B6 column 1; F6 the group "Tiếp thường xuyên" over
	// columns 5–9 (F–J); I7 its sub-group "Trong đó đoàn đông người".
	for c, want := range map[string]string{"A6": "Đơn vị", "B6": "Tổng số lượt tiếp", "F6": "Tiếp thường xuyên",
		"F7": "Số lượt tiếp", "I7": "Trong đó đoàn đông người", "I8": "Số đoàn được tiếp",
		"K6": "Tiếp định kỳ và đột xuất của Thủ trưởng", "K7": "Thủ trưởng tiếp", "A10": "MS", "B10": "1=5+11+17",
		"A11": "Ủy ban nhân dân tỉnh", "A12": "Thị xã Hòa Thành", "A14": "Tổng cộng", "C12": "7", "F14": "5", "L14": ""} {
		if got := get(c); got != want {
			t.Errorf("cell %s = %q, want %q", c, got, want)
		}
	}
	merged, err := x.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var spans []string
	for _, m := range merged {
		spans = append(spans, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	for _, want := range []string{"F6:J6", "I7:J7", "B6:B9", "A6:A9", "K6:V6"} {
		if !slices.Contains(spans, want) {
			t.Errorf("merge %s missing in %v", want, spans)
		}
	}
	rows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	text := ""
	for _, row := range rows {
		text += strings.Join(row, "|") + "\n"
	}
	if !strings.Contains(text, "22. Ghi chú:") || !strings.Contains(text, "Đoàn đông người là đoàn có từ 5 người trở lên") ||
		!strings.Contains(text, "Cột (11) để trống") {
		t.Errorf("note, guidance or empty-column lines missing:\n%s", text)
	}
	if strings.Contains(text, secretName) {
		t.Error("the denouncer's name is in the workbook")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
