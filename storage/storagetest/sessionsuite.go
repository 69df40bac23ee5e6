package storagetest

import (
	"testing"
	"time"

	"kntc/auth"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

// testSessions: browser sessions are stored by hash, expire when idle or old,
// and are revoked by logout, a new password and a disabled account.
func testSessions(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	clock := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	svc := &auth.Service{Store: db, SessionIdle: 30 * time.Minute, SessionMax: 8 * time.Hour,
		Now: func() time.Time { return clock }}
	root := auth.Unit{Code: "TINH", Name: "Tỉnh", Level: auth.LevelProvince}
	must(t, "add root", svc.AddUnit(ctx, &root))
	for _, name := range []string{"lan.nguyen", "quan.tri"} {
		role := auth.RoleHandler
		if name == "quan.tri" {
			role = auth.RoleAdministrator
		}
		u := auth.User{Username: name, FullName: name, Role: role, UnitID: root.ID}
		must(t, "add user", svc.AddUser(ctx, &u, "mật-khẩu-đủ-dài"))
	}

	_, _, err := svc.StartSession(ctx, "lan.nguyen", "sai-mật-khẩu-rồi")
	wantErr(t, "wrong password", err, auth.ErrBadCredentials)
	token, u, err := svc.StartSession(ctx, "Lan.Nguyen ", "mật-khẩu-đủ-dài")
	must(t, "start session", err)
	ses, su, err := db.Session(ctx, auth.HashToken(token))
	must(t, "session by hash", err)
	if su.ID != u.ID || ses.UserID != u.ID || !ses.CreatedAt.Equal(clock) || !ses.ExpiresAt.Equal(clock.Add(8*time.Hour)) {
		t.Fatalf("stored session %+v of user %d, want user %d from %s", ses, su.ID, u.ID, clock)
	}
	if _, _, err := db.Session(ctx, token); err == nil {
		t.Fatal("the session is found by its plain token: only the hash may be stored")
	}

	// Used every 20 minutes, it lives past the idle limit, up to the absolute one.
	for range 3 {
		clock = clock.Add(20 * time.Minute)
		_, err := svc.SessionUser(ctx, token)
		must(t, "session in use", err)
	}
	ses, _, err = db.Session(ctx, auth.HashToken(token))
	must(t, "session after use", err)
	if !ses.LastSeenAt.Equal(clock) {
		t.Errorf("last seen %s, want %s", ses.LastSeenAt, clock)
	}
	clock = clock.Add(31 * time.Minute)
	_, err = svc.SessionUser(ctx, token)
	wantErr(t, "idle session", err, errs.ErrNotFound)
	_, _, err = db.Session(ctx, auth.HashToken(token))
	wantErr(t, "idle session deleted", err, errs.ErrNotFound)

	token, _, err = svc.StartSession(ctx, "lan.nguyen", "mật-khẩu-đủ-dài")
	must(t, "second session", err)
	for range 17 {
		clock = clock.Add(29 * time.Minute)
		if _, err := svc.SessionUser(ctx, token); err != nil {
			break
		}
	}
	_, err = svc.SessionUser(ctx, token)
	wantErr(t, "session past its absolute expiry", err, errs.ErrNotFound)

	// A session never presented again is swept when its user next signs in
	// after its absolute expiry; a live one stays.
	stale, _, err := svc.StartSession(ctx, "lan.nguyen", "mật-khẩu-đủ-dài")
	must(t, "session left behind", err)
	clock = clock.Add(4 * time.Hour)
	live, _, err := svc.StartSession(ctx, "lan.nguyen", "mật-khẩu-đủ-dài")
	must(t, "session still live at the sweep", err)
	clock = clock.Add(4*time.Hour + time.Second)
	_, _, err = svc.StartSession(ctx, "lan.nguyen", "mật-khẩu-đủ-dài")
	must(t, "sign in after the first one expired", err)
	_, _, err = db.Session(ctx, auth.HashToken(stale))
	wantErr(t, "expired session swept", err, errs.ErrNotFound)
	if _, _, err := db.Session(ctx, auth.HashToken(live)); err != nil {
		t.Errorf("a session 4 h old was swept: %v", err)
	}

	// Logout, a password change and disabling each end it.
	token, _, err = svc.StartSession(ctx, "lan.nguyen", "mật-khẩu-đủ-dài")
	must(t, "third session", err)
	must(t, "logout", svc.EndSession(ctx, token))
	must(t, "logout twice", svc.EndSession(ctx, token))
	_, err = svc.SessionUser(ctx, token)
	wantErr(t, "after logout", err, errs.ErrNotFound)

	old, _, err := svc.StartSession(ctx, "lan.nguyen", "mật-khẩu-đủ-dài")
	must(t, "session before the password change", err)
	_, err = svc.ChangeOwnPassword(ctx, u, "không-phải-mật-khẩu", "mật-khẩu-mới-dài-hơn")
	wantErr(t, "change with a wrong current password", err, auth.ErrBadCredentials)
	fresh, err := svc.ChangeOwnPassword(ctx, u, "mật-khẩu-đủ-dài", "mật-khẩu-mới-dài-hơn")
	must(t, "change own password", err)
	_, err = svc.SessionUser(ctx, old)
	wantErr(t, "old session after a password change", err, errs.ErrNotFound)
	_, err = svc.SessionUser(ctx, fresh)
	must(t, "the changing browser's new session", err)

	disabled := true
	_, err = svc.ChangeUser(auth.WithActingUser(ctx, auth.User{Username: "cli"}), u.ID, auth.UserPatch{Disabled: &disabled})
	must(t, "disable", err)
	_, err = svc.SessionUser(ctx, fresh)
	wantErr(t, "session of a disabled user", err, errs.ErrNotFound)
	_, _, err = db.Session(ctx, auth.HashToken(fresh))
	wantErr(t, "sessions deleted with the disabling", err, errs.ErrNotFound)
}
