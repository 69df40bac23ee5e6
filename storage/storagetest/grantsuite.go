package storagetest

import (
	"reflect"
	"testing"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

func testGrants(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	c1 := w.createCase(t, cases.KindDenunciation, day(2026, 3, 2), nil)
	c2 := w.createCase(t, cases.KindDenunciation, day(2026, 3, 3), nil)
	ev := cases.Event{UserID: w.leader.ID, Type: cases.EventGrant}
	grant := func(c cases.Case, user int64) {
		t.Helper()
		audited(t, db, cases.ActionGrant, "case:"+c.Code, func() error {
			return db.Grant(ctx, c.ID, user, w.leader.ID, ev, w.rec(cases.ActionGrant, "case:"+c.Code))
		})
	}
	grant(c2, w.handler.ID)
	grant(c1, w.handler.ID)
	grant(c1, w.handler.ID) // again: not an error
	for _, tt := range []struct {
		c    cases.Case
		user int64
		want bool
	}{{c1, w.handler.ID, true}, {c2, w.handler.ID, true}, {c1, w.clerk.ID, false}, {c1, 999999, false}} {
		got, err := db.Granted(ctx, tt.c.ID, tt.user)
		must(t, "granted", err)
		if got != tt.want {
			t.Fatalf("Granted(%s, %d) = %v, want %v", tt.c.Code, tt.user, got, tt.want)
		}
	}
	codes, err := db.GrantedCodes(ctx, w.handler.ID)
	must(t, "granted codes", err)
	if want := []string{c1.Code, c2.Code}; !reflect.DeepEqual(codes, want) {
		t.Fatalf("granted codes %v, want %v", codes, want)
	}
	codes, err = db.GrantedCodes(ctx, w.clerk.ID)
	must(t, "granted codes of someone without grants", err)
	if codes == nil || len(codes) != 0 {
		t.Fatalf("granted codes of someone without grants: %#v, want an empty slice", codes)
	}
	audited(t, db, cases.ActionRevoke, "case:"+c1.Code, func() error {
		return db.Revoke(ctx, c1.ID, w.handler.ID, ev, w.rec(cases.ActionRevoke, "case:"+c1.Code))
	})
	if ok, err := db.Granted(ctx, c1.ID, w.handler.ID); err != nil || ok {
		t.Fatalf("granted after revoke: %v, %v", ok, err)
	}
	refused(t, db, "revoke a grant not held", errs.ErrNotFound, func() error {
		return db.Revoke(ctx, c1.ID, w.handler.ID, ev, w.rec(cases.ActionRevoke, "case:"+c1.Code))
	})
	refused(t, db, "grant to a missing user", errs.ErrNotFound, func() error {
		return db.Grant(ctx, c1.ID, 999999, w.leader.ID, ev, w.rec(cases.ActionGrant, "case:"+c1.Code))
	})
	refused(t, db, "grant on a missing case", errs.ErrNotFound, func() error {
		return db.Grant(ctx, 999999, w.handler.ID, w.leader.ID, ev, w.rec(cases.ActionGrant, "case:TC-2026-999999"))
	})
	codes, err = db.GrantedCodes(ctx, w.handler.ID)
	must(t, "granted codes after revoke", err)
	if want := []string{c2.Code}; !reflect.DeepEqual(codes, want) {
		t.Fatalf("granted codes after revoke %v, want %v", codes, want)
	}
	evs, err := db.Events(ctx, c1.ID)
	must(t, "events", err)
	if len(evs) != 1+3 { // created; granted twice, revoked
		t.Fatalf("%d events, want 4: %+v", len(evs), evs)
	}
}
