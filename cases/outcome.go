package cases

import (
	"context"
	"math"
	"time"

	"kntc/auth"
	"kntc/internal/errs"
)

// Outcome is what a decision on a complaint or a conclusion on a denunciation sets
// out, and what came of it: the figures the report forms 03/GQKN, 04/GQTC and
// 05/KQTH of Thông tư 06/2025/TT-TTCP sum per case. Money is in millions of đồng
// (triệu đồng, "Trđ" on the forms), land in square metres; people and bodies are
// counts. The zero Outcome records nothing.
type Outcome struct {
	// Set out by the decision or conclusion (03/GQKN 13–23, 04/GQTC 14–25; the
	// "phải thu / phải trả" of 05/KQTH).
	RecoverMoney float64 `json:"recover_money"` // kiến nghị thu hồi cho Nhà nước: tiền (Trđ)
	RecoverLand  float64 `json:"recover_land"`  // … đất (m2)
	ReturnMoney  float64 `json:"return_money"`  // trả lại cho tổ chức, cá nhân: tiền (Trđ)
	ReturnLand   float64 `json:"return_land"`   // … đất (m2)
	ReturnOrgs   int     `json:"return_orgs"`   // số tổ chức được trả lại quyền lợi
	ReturnPeople int     `json:"return_people"` // số cá nhân được trả lại quyền lợi
	// Recommended for administrative discipline (kiến nghị xử lý hành chính).
	DisciplineOrgs      int `json:"discipline_orgs"`
	DisciplinePeople    int `json:"discipline_people"`
	DisciplineOfficials int `json:"discipline_officials"` // of them cán bộ, công chức, viên chức
	// Handed to the investigating body (chuyển cơ quan điều tra).
	InvestigationCases     int `json:"investigation_cases"` // số vụ
	InvestigationPeople    int `json:"investigation_people"`
	InvestigationOfficials int `json:"investigation_officials"`

	// Enforcement (05/KQTH): what has been done so far.
	RecoveredMoney       float64   `json:"recovered_money"` // đã thu (Trđ)
	RecoveredLand        float64   `json:"recovered_land"`  // đã thu (m2)
	ReturnedMoney        float64   `json:"returned_money"`  // đã trả (Trđ)
	ReturnedLand         float64   `json:"returned_land"`   // đã trả (m2)
	DisciplinedOrgs      int       `json:"disciplined_orgs"`
	DisciplinedPeople    int       `json:"disciplined_people"`
	DisciplinedOfficials int       `json:"disciplined_officials"`
	ProsecutedCases      int       `json:"prosecuted_cases"` // đã khởi tố: số vụ
	ProsecutedPeople     int       `json:"prosecuted_people"`
	ProsecutedOfficials  int       `json:"prosecuted_officials"`
	EnforcedOn           time.Time `json:"enforced_on"` // thi hành xong / thực hiện xong; zero while not done
}

// Problems lists what is wrong with o, in Vietnamese with the field in English.
func (o Outcome) Problems(today time.Time) errs.Problems {
	var probs errs.Problems
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"recover_money", o.RecoverMoney}, {"recover_land", o.RecoverLand}, {"return_money", o.ReturnMoney},
		{"return_land", o.ReturnLand}, {"recovered_money", o.RecoveredMoney}, {"recovered_land", o.RecoveredLand},
		{"returned_money", o.ReturnedMoney}, {"returned_land", o.ReturnedLand},
	} {
		if f.v < 0 || math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v > 1e12 {
			probs.Add(f.name, "phải là số không âm (must be a non-negative number)")
		}
	}
	for _, f := range []struct {
		name string
		v    int
	}{
		{"return_orgs", o.ReturnOrgs}, {"return_people", o.ReturnPeople}, {"discipline_orgs", o.DisciplineOrgs},
		{"discipline_people", o.DisciplinePeople}, {"discipline_officials", o.DisciplineOfficials},
		{"investigation_cases", o.InvestigationCases}, {"investigation_people", o.InvestigationPeople},
		{"investigation_officials", o.InvestigationOfficials}, {"disciplined_orgs", o.DisciplinedOrgs},
		{"disciplined_people", o.DisciplinedPeople}, {"disciplined_officials", o.DisciplinedOfficials},
		{"prosecuted_cases", o.ProsecutedCases}, {"prosecuted_people", o.ProsecutedPeople},
		{"prosecuted_officials", o.ProsecutedOfficials},
	} {
		if f.v < 0 || f.v > 1e9 {
			probs.Add(f.name, "phải là số nguyên không âm (must be a non-negative count)")
		}
	}
	if o.DisciplineOfficials > o.DisciplinePeople {
		probs.Add("discipline_officials", "số cán bộ, công chức bị kiến nghị xử lý không thể lớn hơn số người (discipline_officials > discipline_people)")
	}
	if o.InvestigationOfficials > o.InvestigationPeople {
		probs.Add("investigation_officials", "số cán bộ, công chức chuyển cơ quan điều tra không thể lớn hơn số người (investigation_officials > investigation_people)")
	}
	if o.DisciplinedOfficials > o.DisciplinedPeople {
		probs.Add("disciplined_officials", "số cán bộ, công chức đã bị xử lý không thể lớn hơn số người (disciplined_officials > disciplined_people)")
	}
	if o.ProsecutedOfficials > o.ProsecutedPeople {
		probs.Add("prosecuted_officials", "số cán bộ, công chức đã khởi tố không thể lớn hơn số người (prosecuted_officials > prosecuted_people)")
	}
	checkDate(&probs, "enforced_on", "ngày thi hành xong", "enforced_on", o.EnforcedOn, today, false)
	return probs
}

// SetOutcome records the results of a case's decision or conclusion and their
// enforcement. Only complaints and denunciations that have been decided carry
// one; handlers and leaders write it while the case is decided or published,
// leaders also after it is closed (enforcement often ends later).
func (s *Service) SetOutcome(ctx context.Context, a Actor, code string, version int, o Outcome) (Case, error) {
	if err := a.require(PermCaseWrite); err != nil {
		return Case{}, err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return Case{}, err
	}
	if err := checkVersion(c, version); err != nil {
		return Case{}, err
	}
	if c.Kind != KindComplaint && c.Kind != KindDenunciation {
		return Case{}, ErrIllegal.Errorf("chỉ khiếu nại, tố cáo có kết quả giải quyết (only complaints and denunciations have an outcome)")
	}
	if c.DecidedOn.IsZero() || c.Result == ResultWithdrawn {
		return Case{}, ErrIllegal.Errorf("hồ sơ %s chưa có quyết định / kết luận (no decision yet)", c.Code)
	}
	if !a.system() {
		role := a.User.Role
		switch StageOf(c.Status) {
		case StageClosed:
			if role != auth.RoleLeader {
				return Case{}, errs.Errorf(errs.Forbidden, "hồ sơ đã đóng: chỉ lãnh đạo ghi kết quả thi hành (the case is closed: only a leader records the outcome)")
			}
		default:
			if role != auth.RoleLeader && role != auth.RoleHandler {
				return Case{}, errs.Errorf(errs.Forbidden, "vai trò %s không ghi kết quả giải quyết (role %s may not record the outcome)", role.Label(), role)
			}
		}
	}
	o.EnforcedOn = Date(o.EnforcedOn)
	if err := o.Problems(s.today()).Err(); err != nil {
		return Case{}, err
	}
	if !o.EnforcedOn.IsZero() && o.EnforcedOn.Before(c.DecidedOn) {
		return Case{}, errs.Errorf(errs.Invalid, "ngày thi hành xong trước ngày quyết định (enforced_on is before the decision)")
	}
	c.Outcome = o
	ev := Event{Type: EventUpdated, Note: "kết quả giải quyết, thi hành"}
	return c, s.updateCase(ctx, a, &c, []Event{ev}, ActionUpdate, "outcome")
}
