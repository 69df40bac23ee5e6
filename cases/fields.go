package cases

import (
	"slices"

	"kntc/auth"
	"kntc/internal/errs"
)

// Stage is a coarse state of a case for the field rules: before the decision,
// decided (decided or published), closed.
type Stage string

// The stages.
const (
	StageOpen    Stage = "open"    // received to verification or dialogue
	StageDecided Stage = "decided" // decided or published
	StageClosed  Stage = "closed"
)

// StageOf is the stage of a case in status st.
func StageOf(st Status) Stage {
	switch st {
	case StatusDecided, StatusPublished:
		return StageDecided
	case StatusClosed:
		return StageClosed
	}
	return StageOpen
}

// A field of a case and who may change it in which stage. The result and the
// decision are set only by the workflow (Transition, a linked decision), never
// written directly: they are not in this table, so no role may PATCH them.
type fieldRule struct {
	roles  []auth.Role
	stages []Stage
}

var (
	writers = []auth.Role{auth.RoleClerk, auth.RoleHandler, auth.RoleLeader}
	workers = []auth.Role{auth.RoleHandler, auth.RoleLeader}
	leaders = []auth.Role{auth.RoleLeader}
)

// caseFields is the field × role × stage table of the case writers (PATCH
// /cases/{code}; the parties are in partyRules).
var caseFields = map[string][]fieldRule{
	// What the case is about: its staff, until the decision; then only a leader.
	"subject": {{writers, []Stage{StageOpen}}, {leaders, []Stage{StageDecided}}},
	"summary": {{writers, []Stage{StageOpen}}, {leaders, []Stage{StageDecided}}},
	// They set the legal period: who handles it, before the decision.
	"complex": {{workers, []Stage{StageOpen}}},
	"remote":  {{workers, []Stage{StageOpen}}},
	"round":   {{workers, []Stage{StageOpen}}},
	// Assignment: a leader, while the case is not closed.
	"unit":    {{leaders, []Stage{StageOpen, StageDecided}}},
	"handler": {{leaders, []Stage{StageOpen, StageDecided}}},
}

// CaseFields lists the fields of the case writers' table, for tests and docs.
func CaseFields() []string {
	out := make([]string, 0, len(caseFields))
	for f := range caseFields {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// MayWriteField reports whether role may change field of a case in stage st.
func MayWriteField(role auth.Role, field string, st Stage) bool {
	for _, r := range caseFields[field] {
		if slices.Contains(r.roles, role) && slices.Contains(r.stages, st) {
			return true
		}
	}
	return false
}

// checkField refuses a change of field by a's role in c's stage: 403 when the role
// never may, 422 when the stage forbids it.
func checkField(a Actor, c Case, field string) error {
	if a.system() {
		return nil
	}
	st := StageOf(c.Status)
	if MayWriteField(a.User.Role, field, st) {
		return nil
	}
	for _, s := range []Stage{StageOpen, StageDecided, StageClosed} {
		if MayWriteField(a.User.Role, field, s) {
			return ErrIllegal.Errorf("trường %s không sửa được khi hồ sơ ở trạng thái %s (%s cannot change in status %s)",
				field, c.Status.Label(), field, c.Status)
		}
	}
	return errs.Errorf(errs.Forbidden, "vai trò %s không được sửa trường %s (role %s may not change %s)", a.User.Role.Label(), field, a.User.Role, field)
}

// checkPartyWrite refuses a change to the parties of c: by the case writers (the
// roles with PermCaseWrite) while the case is not closed; a protected party
// (sealed) only by a user granted the case, who is the only one to see what
// they would overwrite or delete.
func (s *Service) checkPartyWrite(a Actor, c Case, secret, granted bool) error {
	if err := a.require(PermCaseWrite); err != nil {
		return err
	}
	if StageOf(c.Status) == StageClosed {
		return ErrIllegal.Errorf("hồ sơ đã đóng, không sửa đương sự (the case is closed)")
	}
	if secret && !granted && !a.system() {
		return errs.Errorf(errs.Forbidden, "chỉ người được cấp quyền mới sửa, xóa người tố cáo (only a user granted the case changes a protected party)")
	}
	return nil
}

// errNoResultPatch: the result is the workflow's (Transition to ket_luan).
var errNoResultPatch = errs.Errorf(errs.Invalid, "kết quả giải quyết chỉ ghi qua bước kết luận của quy trình (POST …/transitions), không sửa trực tiếp (the result is set by the decision step, not by PATCH)")
