package storagetest

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kntc/auth"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

// testAccountChanges: what administrators do to accounts and units after creating
// them: rename a unit, disable and enable a user (revoking their tokens), change a
// role, unit and scope, never disable or demote the last active administrator;
// and duplicates answered in words, not in the database's.
func testAccountChanges(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	svc := &auth.Service{Store: db, TokenTTL: time.Hour}
	root, created, err := svc.EnsureRoot(ctx, "TINH", "Ủy ban nhân dân tỉnh")
	must(t, "ensure root", err)
	if !created || root.ID == 0 || root.Level != auth.LevelProvince {
		t.Fatalf("ensure root on an empty tree: %+v created=%v", root, created)
	}
	again, created, err := svc.EnsureRoot(ctx, "KHAC", "Khác")
	must(t, "ensure root again", err)
	if created || again.ID != root.ID {
		t.Fatalf("ensure root with a root present made %+v (created=%v)", again, created)
	}
	dept := auth.Unit{Code: "STNMT", Name: "Sở Tài nguyên", Level: auth.LevelDepartment, ParentID: root.ID}
	must(t, "add department", svc.AddUnit(ctx, &dept))
	renamed, err := svc.RenameUnit(ctx, dept.ID, "  Sở Tài nguyên và Môi trường ")
	must(t, "rename", err)
	if renamed.Name != "Sở Tài nguyên và Môi trường" || renamed.Code != "STNMT" {
		t.Fatalf("renamed unit %+v", renamed)
	}
	_, err = svc.RenameUnit(ctx, dept.ID, "  ")
	wantErr(t, "empty name", err, errs.ErrInvalid)
	_, err = svc.RenameUnit(ctx, 999999, "Không có")
	wantErr(t, "rename a missing unit", err, errs.ErrNotFound)

	twinUnit := auth.Unit{Code: "STNMT", Name: "Trùng", Level: auth.LevelDepartment, ParentID: root.ID}
	err = svc.AddUnit(ctx, &twinUnit)
	wantErr(t, "duplicate unit code", err, errs.ErrConflict)
	if !strings.Contains(err.Error(), "mã đơn vị STNMT đã có (the unit code STNMT is taken)") || strings.Contains(strings.ToLower(err.Error()), "unique") {
		t.Fatalf("duplicate unit code worded %q", err)
	}

	admin := auth.User{Username: "quan.tri", Role: auth.RoleAdministrator, UnitID: root.ID}
	must(t, "add admin", svc.AddUser(ctx, &admin, "mật-khẩu-đủ-dài"))
	lan := auth.User{Username: "thu.tran", Role: auth.RoleHandler, UnitID: root.ID}
	must(t, "add user", svc.AddUser(ctx, &lan, "mật-khẩu-đủ-dài"))
	twin := auth.User{Username: "thu.tran", Role: auth.RoleClerk, UnitID: root.ID}
	err = svc.AddUser(ctx, &twin, "mật-khẩu-đủ-dài")
	wantErr(t, "duplicate username", err, errs.ErrConflict)
	if !strings.Contains(err.Error(), "tên đăng nhập thu.tran đã có (the username thu.tran is taken)") || strings.Contains(strings.ToLower(err.Error()), "unique") {
		t.Fatalf("duplicate username worded %q", err)
	}

	for _, ref := range []string{"thu.tran", " THU.TRAN ", itoa(lan.ID)} {
		got, err := svc.UserByRef(ctx, ref)
		must(t, "user by "+ref, err)
		if got.ID != lan.ID {
			t.Fatalf("user by %q is %d, want %d", ref, got.ID, lan.ID)
		}
	}
	for _, ref := range []string{"khong.co", "999999", "Ký tự lạ", ""} {
		_, err := svc.UserByRef(ctx, ref)
		wantErr(t, "user by "+ref, err, errs.ErrNotFound)
	}

	// Disabling revokes every token: enabling again does not bring them back.
	token, _, err := svc.Login(ctx, "thu.tran", "mật-khẩu-đủ-dài")
	must(t, "login", err)
	yes, no := true, false
	u, err := svc.ChangeUser(ctx, lan.ID, auth.UserPatch{Disabled: &yes})
	must(t, "disable", err)
	if !u.Disabled {
		t.Fatalf("disabled user %+v", u)
	}
	_, err = svc.Authenticate(ctx, token)
	wantErr(t, "token of a disabled user", err, errs.ErrNotFound)
	_, err = svc.ChangeUser(ctx, lan.ID, auth.UserPatch{Disabled: &no})
	must(t, "enable", err)
	_, err = svc.Authenticate(ctx, token)
	wantErr(t, "token from before the disabling", err, errs.ErrNotFound)
	if _, _, err := svc.Login(ctx, "thu.tran", "mật-khẩu-đủ-dài"); err != nil {
		t.Fatalf("login after enabling: %v", err)
	}

	// Role, unit and scope; a scope that was the own unit follows the unit.
	leader := auth.RoleLeader
	u, err = svc.ChangeUser(ctx, lan.ID, auth.UserPatch{Role: &leader, UnitID: &dept.ID})
	must(t, "change role and unit", err)
	if u.Role != auth.RoleLeader || u.UnitID != dept.ID || u.ScopeUnitID != dept.ID {
		t.Fatalf("changed user %+v", u)
	}
	u, err = svc.ChangeUser(ctx, lan.ID, auth.UserPatch{ScopeUnitID: &root.ID})
	must(t, "change scope", err)
	if u.ScopeUnitID != root.ID || u.UnitID != dept.ID {
		t.Fatalf("changed scope %+v", u)
	}
	stored, err := db.User(ctx, lan.ID)
	must(t, "read back", err)
	if stored.Role != auth.RoleLeader || stored.ScopeUnitID != root.ID {
		t.Fatalf("stored user %+v", stored)
	}
	bad, ghost := auth.Role("vua"), int64(999999)
	_, err = svc.ChangeUser(ctx, lan.ID, auth.UserPatch{Role: &bad, UnitID: &ghost})
	wantErr(t, "bad role and unit", err, errs.ErrInvalid)
	_, err = svc.ChangeUser(ctx, 999999, auth.UserPatch{Disabled: &yes})
	wantErr(t, "change a missing user", err, errs.ErrNotFound)

	// The last active administrator stays one.
	clerk := auth.RoleClerk
	_, err = svc.ChangeUser(ctx, admin.ID, auth.UserPatch{Disabled: &yes})
	wantErr(t, "disable the last administrator", err, auth.ErrLastAdministrator)
	_, err = svc.ChangeUser(ctx, admin.ID, auth.UserPatch{Role: &clerk})
	wantErr(t, "demote the last administrator", err, errs.ErrConflict)
	if a, _ := db.User(ctx, admin.ID); a.Disabled || a.Role != auth.RoleAdministrator {
		t.Fatalf("a refused change was stored: %+v", a)
	}
	// Another user's change is not refused for want of administrators elsewhere.
	if _, err := svc.ChangeUser(ctx, lan.ID, auth.UserPatch{Role: &clerk}); err != nil {
		t.Fatalf("change a clerk: %v", err)
	}

	// Two administrators disabling each other at once: one of them stays.
	admin2 := auth.User{Username: "quan.tri.2", Role: auth.RoleAdministrator, UnitID: root.ID}
	must(t, "add a second admin", svc.AddUser(ctx, &admin2, "mật-khẩu-đủ-dài"))
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, id := range []int64{admin.ID, admin2.ID} {
		wg.Go(func() { _, errs[i] = svc.ChangeUser(ctx, id, auth.UserPatch{Disabled: &yes}) })
	}
	wg.Wait()
	refusedN := 0
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, auth.ErrLastAdministrator):
			refusedN++
		default:
			t.Fatalf("concurrent disabling: %v", err)
		}
	}
	users, err := db.Users(ctx)
	must(t, "users", err)
	active := 0
	for _, x := range users {
		if x.Role == auth.RoleAdministrator && !x.Disabled {
			active++
		}
	}
	if refusedN != 1 || active != 1 {
		t.Fatalf("two admins disabling each other: %d refused, %d active left; want 1 and 1", refusedN, active)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
