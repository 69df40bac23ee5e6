package cases

import (
	"context"
	"fmt"
	"strconv"

	"kntc/internal/errs"
)

// granted reports whether the actor holds a grant on c.
func (s *Service) granted(ctx context.Context, a Actor, c Case) (bool, error) {
	if a.User.ID == 0 {
		return false, nil
	}
	return s.Store.Granted(ctx, c.ID, a.User.ID)
}

// Grant lets user read the case's protected identities and confidential documents.
func (s *Service) Grant(ctx context.Context, a Actor, code string, userID int64) error {
	if err := a.require(PermCaseGrant); err != nil {
		return err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return err
	}
	u, err := s.Accounts.Store.User(ctx, userID)
	if err != nil {
		return fmt.Errorf("người được cấp quyền (grantee): %w", err)
	}
	if !Can(u.Role, PermCaseRead) {
		return errs.Errorf(errs.Invalid, "vai trò %s không xem hồ sơ (role %s does not read cases)", u.Role.Label(), u.Role)
	}
	grantee, err := ActorFor(ctx, s.Accounts, u)
	if err != nil {
		return err
	}
	if !grantee.seesUnit(c.UnitID) {
		return errs.Errorf(errs.Invalid, "%s không thuộc phạm vi đơn vị của hồ sơ (%s cannot see this case's unit)", u.Username, u.Username)
	}
	ev := Event{CaseID: c.ID, UserID: a.User.ID, At: s.now(), Type: EventGrant, Note: "cấp quyền xem thông tin bảo mật cho " + u.Username}
	return s.Store.Grant(ctx, c.ID, userID, a.User.ID, ev, a.record(ActionGrant, "case:"+c.Code, "user "+u.Username))
}

// Revoke withdraws a grant.
func (s *Service) Revoke(ctx context.Context, a Actor, code string, userID int64) error {
	if err := a.require(PermCaseGrant); err != nil {
		return err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return err
	}
	ev := Event{CaseID: c.ID, UserID: a.User.ID, At: s.now(), Type: EventGrant, Note: "thu hồi quyền xem thông tin bảo mật của người dùng " + strconv.FormatInt(userID, 10)}
	return s.Store.Revoke(ctx, c.ID, userID, ev, a.record(ActionRevoke, "case:"+c.Code, "user "+strconv.FormatInt(userID, 10)))
}
