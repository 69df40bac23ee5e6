package cases

import (
	"context"
	"fmt"
	"slices"

	"kntc/auth"
	"kntc/internal/errs"
)

// Actor is the user acting, with the units their scope covers.
type Actor struct {
	User auth.User
	// UnitIDs are the units whose cases the user sees; nil means every unit.
	UnitIDs []int64
	// Scope is the same as unit codes (documents carry unit codes).
	Scope auth.Scope
}

// System is the actor of changes the pipeline makes (a stored document moving its
// case): it sees every unit.
var System = Actor{User: auth.User{Username: "system"}, Scope: auth.Scope{All: true}}

// Permission is a kind of act on the case domain.
type Permission string

// The permissions.
const (
	PermCaseRead        Permission = "case.read"
	PermCaseCreate      Permission = "case.create"
	PermCaseWrite       Permission = "case.write"  // subject, parties, flags
	PermCaseAssign      Permission = "case.assign" // handler, handling unit
	PermCaseExtend      Permission = "case.extend" // extension decisions
	PermCaseGrant       Permission = "case.grant"  // grants on secrets
	PermPetitionRead    Permission = "petition.read"
	PermPetitionWrite   Permission = "petition.write"
	PermReceptionRead   Permission = "reception.read"
	PermReceptionWrite  Permission = "reception.write"
	PermDocumentRead    Permission = "document.read"    // documents, their files and text, search
	PermDocumentUpload  Permission = "document.upload"  // uploads
	PermDocumentLink    Permission = "document.link"    // link, unlink, triage, cover sheets, confidentiality
	PermDocumentRetract Permission = "document.retract" // take out a document put in by mistake
	PermDocumentPurge   Permission = "document.purge"   // delete a retracted document's files
	PermAuditRead       Permission = "audit.read"
	PermHolidayWrite    Permission = "holiday.write" // the working-day calendar
	PermReportRead      Permission = "report.read"   // the statistical forms of their unit tree
)

// permissions is who does what (DESIGN.md, "Who uses it"): clerks register,
// upload and link, handlers work cases, leaders also assign, extend and grant;
// inspectors read and audit; administrators keep units, accounts and the holiday
// calendar and read the audit trail — never case content (cases, parties, documents, their text);
// they may retract a document by its ID (from the ingestion monitor) and purge a
// retracted one, which reads none of it.
var permissions = map[auth.Role][]Permission{
	auth.RoleClerk: {PermCaseRead, PermCaseCreate, PermCaseWrite, PermPetitionRead, PermPetitionWrite,
		PermReceptionRead, PermReceptionWrite, PermDocumentRead, PermDocumentUpload, PermDocumentLink},
	auth.RoleHandler: {PermCaseRead, PermCaseCreate, PermCaseWrite, PermPetitionRead, PermPetitionWrite,
		PermReceptionRead, PermDocumentRead, PermDocumentUpload, PermDocumentLink},
	auth.RoleLeader: {PermCaseRead, PermCaseCreate, PermCaseWrite, PermCaseAssign, PermCaseExtend, PermCaseGrant,
		PermPetitionRead, PermPetitionWrite, PermReceptionRead, PermReceptionWrite, PermDocumentRead,
		PermDocumentUpload, PermDocumentLink, PermDocumentRetract, PermReportRead, PermPublish},
	auth.RoleInspector:     {PermCaseRead, PermPetitionRead, PermReceptionRead, PermDocumentRead, PermAuditRead, PermReportRead},
	auth.RoleAdministrator: {PermAuditRead, PermHolidayWrite, PermDocumentRetract, PermDocumentPurge},
}

// Can reports whether role holds p.
func Can(role auth.Role, p Permission) bool { return slices.Contains(permissions[role], p) }

// system reports whether a is the pipeline (System), which acts on every unit.
func (a Actor) system() bool { return a.User.Username == System.User.Username && a.User.ID == 0 }

// Require fails with errs.ErrForbidden unless a may do p.
func (a Actor) Require(p Permission) error { return a.require(p) }

// require fails with errs.ErrForbidden unless a may do p.
func (a Actor) require(p Permission) error {
	if a.system() {
		return nil
	}
	if !Can(a.User.Role, p) {
		return errs.Errorf(errs.Forbidden, "vai trò %s không được thực hiện việc này (role %s lacks %s)", a.User.Role.Label(), a.User.Role, p)
	}
	return nil
}

// seesUnit reports whether the unit is within a's scope.
func (a Actor) seesUnit(id int64) bool { return a.UnitIDs == nil || slices.Contains(a.UnitIDs, id) }

// record starts an audit record of a's act.
func (a Actor) record(action, object, detail string) Record {
	return Record{UserID: a.User.ID, Username: a.User.Username, Action: action, Object: object, Detail: detail}
}

// ActorFor builds the actor of user u (one read of the unit tree).
func ActorFor(ctx context.Context, accounts *auth.Service, u auth.User) (Actor, error) {
	units, err := accounts.Store.Units(ctx)
	if err != nil {
		return Actor{}, fmt.Errorf("scope of %s: %w", u.Username, err)
	}
	sc, ids := auth.ScopeIn(units, u)
	return Actor{User: u, Scope: sc, UnitIDs: ids}, nil
}

// notFound hides an object outside the scope.
func notFound(what string) error { return fmt.Errorf("%s: %w", what, errs.ErrNotFound) }
