package report

// The old way of filling the forms, kept as the test oracle of the counts in
// SQL: read the unit tree's registers whole and classify each row in Go, each
// rule written once more, independently of the SQL (TestCountsMatchOracle).

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"kntc/auth"
	"kntc/cases"
)

// oracleBuildAll fills the six forms the old way.
func (s *Service) oracleBuildAll(ctx context.Context, a cases.Actor, unitCode string, p Period) ([]*Report, error) {
	fr, err := s.frameFor(ctx, a, unitCode, p)
	if err != nil {
		return nil, err
	}
	units, err := s.Cases.Accounts.Store.Units(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.load(ctx, units, fr)
	if err != nil {
		return nil, err
	}
	return compute(d), nil
}

// data is what the forms are computed from: the unit tree's cases (with the
// timeline of those that left the workflow without thụ lý), petitions and the
// period's visits.
type data struct {
	root     auth.Unit
	rows     []auth.Unit   // the root, then its children
	rowOf    map[int64]int // unit ID -> row index
	period   Period
	cases    []cases.Case // ordered by ID
	caseByID map[int64]cases.Case
	// leftOn is the day a case was guided (hướng dẫn: không thụ lý) or transferred
	// (chuyển đơn), from its timeline; absent when it never was.
	leftOn     map[int64]leftWorkflow
	petitions  []cases.Petition
	receptions []cases.Reception
	// visitLetters are the visits a case was opened from, received by the
	// period's end, as the petitions 02/XLD counts them (ID the visit's).
	visitLetters []cases.Petition
}

type leftWorkflow struct {
	to cases.Status // StatusGuided or StatusTransferred
	on time.Time
}

// vietnam is the zone reception times are counted in (UTC+7).
var vietnam = time.FixedZone("ICT", 7*3600)

// Source streams a unit tree's registers in one read each (the paged lists
// would count and skip rows again for every thousand). The SQL stores implement
// it; the case store must.
type Source interface {
	EachCase(ctx context.Context, unitIDs []int64, fn func(cases.Case) error) error
	EachPetition(ctx context.Context, unitIDs []int64, to time.Time, fn func(cases.Petition) error) error
	EachReception(ctx context.Context, unitIDs []int64, from, to time.Time, fn func(cases.Reception) error) error
	// EachLeftWorkflow gives each case's first move to guided or transferred.
	EachLeftWorkflow(ctx context.Context, unitIDs []int64, fn func(caseID int64, to cases.Status, at time.Time) error) error
}

// loadStreamed fills d from a Source.
func loadStreamed(ctx context.Context, src Source, events func(context.Context, int64) ([]cases.Event, error), d *data, ids []int64, from, to time.Time) error {
	err := src.EachCase(ctx, ids, func(c cases.Case) error {
		d.cases = append(d.cases, c)
		d.caseByID[c.ID] = c
		return nil
	})
	if err != nil {
		return fmt.Errorf("cases: %w", err)
	}
	slices.SortFunc(d.cases, func(x, y cases.Case) int { return cmp.Compare(x.ID, y.ID) })
	err = src.EachLeftWorkflow(ctx, ids, func(id int64, st cases.Status, at time.Time) error {
		if c, ok := d.caseByID[id]; ok && c.AcceptedOn.IsZero() {
			d.leftOn[id] = leftWorkflow{to: st, on: cases.Date(at.In(vietnam))}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("timelines: %w", err)
	}
	err = src.EachPetition(ctx, ids, d.period.To, func(p cases.Petition) error {
		d.petitions = append(d.petitions, p)
		return nil
	})
	if err != nil {
		return fmt.Errorf("petitions: %w", err)
	}
	// Every visit up to the period's end: those of the period for 01/TCD, and
	// those a case was opened from, which are letters received on the visit's
	// day and handled on the day the case was opened (its "created" event).
	var opened []cases.Reception
	err = src.EachReception(ctx, ids, time.Time{}, to, func(r cases.Reception) error {
		if !r.At.Before(from) {
			d.receptions = append(d.receptions, r)
		}
		if r.Outcome == cases.OutcomeCaseOpened && r.CaseID != 0 {
			opened = append(opened, r)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reception log: %w", err)
	}
	for _, r := range opened {
		l := cases.Petition{ID: r.ID, UnitID: r.UnitID, ReceivedOn: cases.Date(r.At.In(vietnam)), Kind: r.Kind,
			Handling: cases.HandlingAccept, CaseID: r.CaseID}
		evs, err := events(ctx, r.CaseID)
		if err != nil {
			return fmt.Errorf("timeline of case %d: %w", r.CaseID, err)
		}
		for _, e := range evs {
			if e.Type == cases.EventCreated && (l.HandledOn.IsZero() || cases.Date(e.At.In(vietnam)).Before(l.HandledOn)) {
				l.HandledOn = cases.Date(e.At.In(vietnam))
			}
		}
		d.visitLetters = append(d.visitLetters, l)
	}
	slices.SortFunc(d.visitLetters, func(x, y cases.Petition) int { return cmp.Compare(x.ID, y.ID) })
	// In ID order: the drill-down lists come out in the order things were entered.
	slices.SortFunc(d.petitions, func(x, y cases.Petition) int { return cmp.Compare(x.ID, y.ID) })
	slices.SortFunc(d.receptions, func(x, y cases.Reception) int { return cmp.Compare(x.ID, y.ID) })
	return nil
}

func (s *Service) load(ctx context.Context, units []auth.Unit, fr frame) (*data, error) {
	d := &data{root: fr.root, rows: fr.rows, rowOf: fr.rowOf, period: fr.period, caseByID: map[int64]cases.Case{}, leftOn: map[int64]leftWorkflow{}}
	p := fr.period
	ids := auth.Subtree(units, fr.root.ID)
	from := time.Date(p.From.Year(), p.From.Month(), p.From.Day(), 0, 0, 0, 0, vietnam)
	to := time.Date(p.To.Year(), p.To.Month(), p.To.Day()+1, 0, 0, 0, 0, vietnam)
	src, ok := s.Cases.Store.(Source)
	if !ok {
		return nil, fmt.Errorf("the case store %T cannot stream its registers for the reports", s.Cases.Store)
	}
	return d, loadStreamed(ctx, src, s.Cases.Store.Events, d, ids, from, to)
}

func (d *data) frame() frame {
	return frame{root: d.root, rows: d.rows, rowOf: d.rowOf, period: d.period}
}

// oracleSheet is a sheet filled item by item.
type oracleSheet struct {
	sheet
}

func newOracleSheet(f Form, d *data) oracleSheet {
	s := oracleSheet{newSheet(f, d.frame())}
	layout(s.sheet)
	return s
}

// add counts v in column col of the row of unit, with what it counts. Each
// caller adds an item once per column (distinct matters go through addOnce).
func (s oracleSheet) add(d *data, unit int64, col int, v float64, ref string) {
	i, ok := d.rowOf[unit]
	if !ok {
		return
	}
	row := &s.r.Rows[i]
	row.Values[col-1] += v
	if ref != "" {
		row.Refs[col-1] = append(row.Refs[col-1], ref)
	}
}

// addOnce counts ref once in column col of the unit's row, however often it is
// added: the distinct matters (vụ việc). seen keeps what was counted.
func (s oracleSheet) addOnce(d *data, seen map[string]bool, unit int64, col int, ref string) {
	i, ok := d.rowOf[unit]
	if !ok {
		return
	}
	key := strconv.Itoa(i) + "|" + strconv.Itoa(col) + "|" + ref
	if seen[key] {
		return
	}
	seen[key] = true
	s.add(d, unit, col, 1, ref)
}

func petitionRef(p cases.Petition) string { return "don-" + strconv.FormatInt(p.ID, 10) }

func receptionRef(r cases.Reception) string { return "tiep-" + strconv.FormatInt(r.ID, 10) }

// compute fills the six forms from d.
func compute(d *data) []*Report {
	out := make([]*Report, 0, len(forms))
	xld := formXLD(d)
	out = append(out, formTCD(d), xld)
	out = append(out, formResolution(d, xld, cases.KindComplaint), formResolution(d, xld, cases.KindDenunciation))
	out = append(out, formKQTH(d), formQLKNTC(d))
	byCode := map[string]*Report{}
	for _, r := range out {
		byCode[r.Form.Code] = r
	}
	for _, r := range out {
		r.Checks, r.Checked = runChecks(r, byCode)
	}
	return out
}

func mustForm(code string) Form {
	f, err := FormByCode(code)
	if err != nil {
		panic(err) // the generated table lacks a form of the circular: a build error
	}
	return f
}

// formTCD is 01/TCD from the reception log.
func formTCD(d *data) *Report {
	s := newOracleSheet(mustForm("01/TCD"), d)
	seen := map[string]bool{}
	for _, r := range d.receptions {
		people := max(r.GroupSize, 1)
		ref := receptionRef(r)
		s.add(d, r.UnitID, 5, 1, ref)
		s.add(d, r.UnitID, 6, float64(people), ref)
		matter := ref
		if c, ok := d.caseByID[r.CaseID]; ok {
			matter = c.Code
		}
		s.addOnce(d, seen, r.UnitID, 7, matter)
		if people >= 5 {
			s.add(d, r.UnitID, 8, 1, ref)
			s.add(d, r.UnitID, 9, float64(people), ref)
		}
	}
	s.sumInto(1, 5, 11, 17)
	s.sumInto(2, 6, 12, 18)
	s.sumInto(3, 7, 13, 19)
	s.sumInto(4, 8, 14, 20)
	return s.finish()
}

// petitionInPeriod reports whether a petition is counted in 02/XLD column 1:
// received in the period, or received before it and not handled before it.
func petitionInPeriod(p cases.Petition, per Period) bool {
	if per.Contains(p.ReceivedOn) {
		return true
	}
	return p.ReceivedOn.Before(per.From) && (p.HandledOn.IsZero() || !p.HandledOn.Before(per.From))
}

// xldCompetent reports whether 02/XLD counts p in its column 4 (competent,
// admissible, handled in the period).
func xldCompetent(p cases.Petition, per Period) bool {
	if !petitionInPeriod(p, per) || p.Handling == "" || p.HandledOn.IsZero() || p.HandledOn.After(per.To) {
		return false
	}
	admissible := p.Admissibility == cases.Admissible || p.Admissibility == "" && p.Handling == cases.HandlingAccept
	competent := p.Competence == cases.Competent || p.Competence == "" && p.Handling == cases.HandlingAccept
	return admissible && competent
}

// formXLD is 02/XLD from the petition register.
func formXLD(d *data) *Report {
	s := newOracleSheet(mustForm("02/XLD"), d)
	seen := map[string]bool{}
	type letter struct {
		p   cases.Petition
		ref string
	}
	var letters []letter
	for _, p := range d.petitions {
		letters = append(letters, letter{p, petitionRef(p)})
	}
	for _, p := range d.visitLetters {
		letters = append(letters, letter{p, "tiep-" + strconv.FormatInt(p.ID, 10)})
	}
	for _, l := range letters {
		p, ref := l.p, l.ref
		if !petitionInPeriod(p, d.period) {
			continue
		}
		s.add(d, p.UnitID, 1, 1, ref)
		if p.Handling == "" || p.HandledOn.IsZero() || p.HandledOn.After(d.period.To) {
			continue
		}
		s.add(d, p.UnitID, 2, 1, ref)
		admissible := p.Admissibility == cases.Admissible || p.Admissibility == "" && p.Handling == cases.HandlingAccept
		if !admissible {
			continue
		}
		s.add(d, p.UnitID, 3, 1, ref)
		competent := p.Competence == cases.Competent || p.Competence == "" && p.Handling == cases.HandlingAccept
		if !competent {
			s.add(d, p.UnitID, 23, 1, ref)
			switch p.Handling {
			case cases.HandlingGuide:
				s.add(d, p.UnitID, 24, 1, ref)
			case cases.HandlingTransfer:
				s.add(d, p.UnitID, 25, 1, ref)
			}
			continue
		}
		s.add(d, p.UnitID, 4, 1, ref)
		matter := ref
		if c, ok := d.caseByID[p.CaseID]; ok {
			matter = c.Code
		} else if p.DuplicateOf != 0 {
			matter = "don-" + strconv.FormatInt(p.DuplicateOf, 10)
		}
		s.addOnce(d, seen, p.UnitID, 5, matter)
		switch p.Kind {
		case cases.KindComplaint:
			s.add(d, p.UnitID, 6, 1, ref)
			if c, ok := d.caseByID[p.CaseID]; ok && c.Round == 2 {
				s.add(d, p.UnitID, 8, 1, ref)
			} else {
				s.add(d, p.UnitID, 7, 1, ref)
			}
		case cases.KindDenunciation:
			s.add(d, p.UnitID, 12, 1, ref)
			s.add(d, p.UnitID, 13, 1, ref)
		default: // kiến nghị, phản ánh; nhiều nội dung; not yet classified
			s.add(d, p.UnitID, 19, 1, ref)
		}
	}
	return s.finish()
}

// stateAt is where a case stood at the end of day t.
type caseState int

const (
	stateNone        caseState = iota // not received yet
	stateScreening                    // đang xem xét điều kiện thụ lý
	stateAccepted                     // đã thụ lý (decided ones too)
	stateNotAccepted                  // không thụ lý (hướng dẫn)
	stateWithdrawn                    // rút đơn, đình chỉ
	stateTransferred                  // chuyển đơn: not the unit's
)

func stateAt(d *data, c cases.Case, t time.Time) caseState {
	switch {
	case c.ReceivedOn.After(t):
		return stateNone
	case c.Result == cases.ResultWithdrawn && !c.ClosedOn.IsZero() && !c.ClosedOn.After(t):
		return stateWithdrawn
	case !c.AcceptedOn.IsZero() && !c.AcceptedOn.After(t):
		return stateAccepted
	}
	if l, ok := d.leftOn[c.ID]; ok && !l.on.After(t) {
		if l.to == cases.StatusTransferred {
			return stateTransferred
		}
		return stateNotAccepted
	}
	return stateScreening
}

// decided reports whether c's decision (not a withdrawal) was issued by day t.
func decided(c cases.Case, t time.Time) bool {
	return !c.DecidedOn.IsZero() && !c.DecidedOn.After(t) && c.Result != cases.ResultWithdrawn && c.Result != cases.ResultNone
}

// formResolution is 03/GQKN (complaints) or 04/GQTC (denunciations).
func formResolution(d *data, xld *Report, kind cases.Kind) *Report {
	complaint := kind == cases.KindComplaint
	code, kindCol := "04/GQTC", 12
	if complaint {
		code, kindCol = "03/GQKN", 6
	}
	s := newOracleSheet(mustForm(code), d)
	for i := range s.r.Rows {
		s.r.Rows[i].Values[0] = xld.Rows[i].Values[kindCol-1]
		s.r.Rows[i].Refs[0] = slices.Clone(xld.Rows[i].Refs[kindCol-1])
	}
	per := d.period
	// Columns 2–6 count the cases of the letters column 1 counts (02/XLD's
	// column 6 or 12: petitions and visits cases were opened from), so that
	// column 2 <= column 1.
	ofCounted := map[int64]bool{}
	for _, p := range slices.Concat(d.petitions, d.visitLetters) {
		if p.Kind == kind && p.CaseID != 0 && xldCompetent(p, per) {
			ofCounted[p.CaseID] = true
		}
	}
	for _, c := range d.cases {
		if c.Kind != kind {
			continue
		}
		if ofCounted[c.ID] {
			col := 0
			switch stateAt(d, c, per.To) {
			case stateScreening:
				col = 3
			case stateAccepted:
				col = 4
			case stateNotAccepted:
				col = 5
			case stateWithdrawn:
				col = 6
			}
			if col != 0 {
				s.add(d, c.UnitID, col, 1, c.Code)
			}
		}
		if !decided(c, per.To) || c.DecidedOn.Before(per.From) {
			continue
		}
		col := 0
		switch {
		case complaint && c.Round == 2 && c.Result == cases.ResultWrong:
			col = 11
		case complaint && c.Round == 2:
			col = 12
		case c.Result == cases.ResultRight:
			col = 8
		case c.Result == cases.ResultWrong:
			col = 9
		case c.Result == cases.ResultPartly:
			col = 10
		}
		if col == 0 {
			continue
		}
		s.add(d, c.UnitID, col, 1, c.Code)
		o := c.Outcome
		base := 13
		if !complaint {
			base = 14
		}
		for i, v := range []float64{o.RecoverMoney, o.RecoverLand, o.ReturnMoney, o.ReturnLand, float64(o.ReturnOrgs), float64(o.ReturnPeople)} {
			if v != 0 {
				s.add(d, c.UnitID, base+i, v, c.Code)
			}
		}
		var rest []float64
		if complaint { // 19–23
			rest = []float64{float64(o.DisciplinePeople), float64(o.DisciplineOfficials), float64(o.InvestigationCases), float64(o.InvestigationPeople), float64(o.InvestigationOfficials)}
		} else { // 20–25
			rest = []float64{float64(o.DisciplineOrgs), float64(o.DisciplinePeople), float64(o.DisciplineOfficials), float64(o.InvestigationCases), float64(o.InvestigationPeople), float64(o.InvestigationOfficials)}
		}
		for i, v := range rest {
			if v != 0 {
				s.add(d, c.UnitID, base+6+i, v, c.Code)
			}
		}
	}
	s.sumInto(2, 3, 4, 5, 6)
	if complaint {
		s.sumInto(7, 8, 9, 10, 11, 12)
	} else {
		s.sumInto(7, 8, 9, 10, 11, 12, 13)
	}
	return s.finish()
}

// enforcedBy reports whether c's decision was carried out by day t: the day
// recorded in its outcome, else the day the case was closed.
func enforcedOn(c cases.Case) time.Time {
	if !c.Outcome.EnforcedOn.IsZero() {
		return c.Outcome.EnforcedOn
	}
	return c.ClosedOn
}

// formKQTH is 05/KQTH from the decisions and their recorded outcomes.
func formKQTH(d *data) *Report {
	s := newOracleSheet(mustForm("05/KQTH"), d)
	per := d.period
	for _, c := range d.cases {
		if c.Kind != cases.KindComplaint && c.Kind != cases.KindDenunciation || !decided(c, per.To) {
			continue
		}
		done := enforcedOn(c)
		if !done.IsZero() && done.Before(per.From) {
			continue
		}
		o := c.Outcome
		var cols []float64
		base := 1
		if c.Kind == cases.KindComplaint {
			// 1 2 | 3–10 money/land | 11 12 disciplined | 13 14 15 prosecuted
			cols = []float64{1, 0, o.RecoverMoney, o.RecoverLand, o.RecoveredMoney, o.RecoveredLand, o.ReturnMoney, o.ReturnLand,
				o.ReturnedMoney, o.ReturnedLand, float64(o.DisciplinedPeople), float64(o.DisciplinedOfficials),
				float64(o.ProsecutedCases), float64(o.ProsecutedPeople), float64(o.ProsecutedOfficials)}
		} else {
			// 16 17 | 18–25 | 26 27 28 disciplined | 29 30 31 prosecuted
			base = 16
			cols = []float64{1, 0, o.RecoverMoney, o.RecoverLand, o.RecoveredMoney, o.RecoveredLand, o.ReturnMoney, o.ReturnLand,
				o.ReturnedMoney, o.ReturnedLand, float64(o.DisciplinedOrgs), float64(o.DisciplinedPeople), float64(o.DisciplinedOfficials),
				float64(o.ProsecutedCases), float64(o.ProsecutedPeople), float64(o.ProsecutedOfficials)}
		}
		if !done.IsZero() && !done.After(per.To) {
			cols[1] = 1
		}
		for i, v := range cols {
			if v != 0 {
				s.add(d, c.UnitID, base+i, v, c.Code)
			}
		}
	}
	return s.finish()
}

// formQLKNTC is 06/QLKNTC: kntc holds none of its sources yet.
func formQLKNTC(d *data) *Report {
	return newOracleSheet(mustForm("06/QLKNTC"), d).finish()
}
