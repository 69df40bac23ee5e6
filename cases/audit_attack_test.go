package cases_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"kntc/cases"
	"kntc/ingest"
	"kntc/storage/localfs"
	"kntc/storage/sqldb"
)

// trail is a world whose audit trail holds a grant and a secret read in the
// middle, anchored twice, with the object store the anchors are in.
type trail struct {
	w       *world
	db      *sqldb.DB
	blobs   ingest.BlobStore
	code    string
	first   cases.Anchor // anchored before the grant
	last    cases.Anchor // the head
	entries []cases.AuditEntry
}

func newTrail(t *testing.T, db *sqldb.DB) *trail {
	t.Helper()
	ctx := t.Context()
	w := newWorld(t, db)
	blobs, err := localfs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tr := &trail{w: w, db: db, blobs: blobs}
	anchorer := &cases.Anchorer{Store: db, Blobs: blobs, Key: testAuditKey}
	c, _, err := w.svc.CreateCase(ctx, w.clerk, cases.NewCase{
		Kind: cases.KindDenunciation, Source: cases.SourcePost, ReceivedOn: day("2026-03-02"),
		Subject: "Tố cáo cán bộ địa chính xã nhận tiền khi làm thủ tục",
		Parties: []cases.Party{{Role: cases.RolePetitioner, Person: cases.Person{Name: "Võ Thị Bí Mật", IDNumber: "072190000001"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	tr.code = c.Code
	if tr.first, _, err = anchorer.Anchor(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Grant(ctx, w.leader, c.Code, w.handler.User.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Parties(ctx, w.handler, c.Code); err != nil {
		t.Fatal(err)
	}
	for _, what := range []string{cases.AccessPDF, cases.AccessText} {
		if err := w.svc.Audit(ctx, w.clerk, cases.ActionDownload, "document:0190", what); err != nil {
			t.Fatal(err)
		}
	}
	if tr.last, _, err = anchorer.Anchor(ctx); err != nil {
		t.Fatal(err)
	}
	if tr.entries, err = db.AuditEntries(ctx, cases.AuditFilter{Limit: 1000}); err != nil {
		t.Fatal(err)
	}
	rep := tr.verify(t)
	if !rep.OK() || rep.Signed != 2 || rep.FirstKeyed != 1 || rep.Entries != int64(len(tr.entries)) {
		t.Fatalf("before the attack: %+v", rep)
	}
	return tr
}

func (tr *trail) verify(t *testing.T) cases.AuditReport {
	t.Helper()
	rep, err := cases.VerifyAuditTrail(t.Context(), tr.db, tr.blobs, testAuditKey)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// sqlExec runs a statement written with "?" placeholders on either dialect.
func sqlExec(t *testing.T, db *sqldb.DB, q string, args ...any) {
	t.Helper()
	if db.Dialect() == "postgres" {
		n := 0
		var b strings.Builder
		for _, c := range q {
			if c == '?' {
				n++
				fmt.Fprintf(&b, "$%d", n)
				continue
			}
			b.WriteRune(c)
		}
		q = b.String()
	}
	if _, err := db.SQL().ExecContext(t.Context(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// dropTriggers is the attacker's first step: the append-only triggers go.
func dropTriggers(t *testing.T, db *sqldb.DB) {
	t.Helper()
	triggers := []string{"audit_log_no_update", "audit_log_no_delete"}
	if db.Dialect() == "postgres" {
		triggers = append(triggers, "audit_log_no_truncate")
	}
	for _, name := range triggers {
		stmt := "DROP TRIGGER " + name
		if db.Dialect() == "postgres" {
			stmt += " ON audit_log"
		}
		sqlExec(t, db, stmt)
	}
}

// rewrite replaces the whole audit_log with entries, written straight into the table.
func rewrite(t *testing.T, db *sqldb.DB, entries []cases.AuditEntry) {
	t.Helper()
	sqlExec(t, db, `DELETE FROM audit_log`)
	for _, e := range entries {
		sqlExec(t, db, `INSERT INTO audit_log (seq, at, user_id, username, action, object, detail, unit, hash_version,
			prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, e.At, e.UserID, e.Username, e.Action, e.Object, e.Detail, e.Unit, e.Version, e.PrevHash, e.Hash)
	}
}

// forge drops the grant and the secret read, renumbers what is left and chains it
// again with hash, as someone without the audit key would.
func forge(entries []cases.AuditEntry, hash func(cases.AuditEntry) cases.AuditEntry) []cases.AuditEntry {
	var out []cases.AuditEntry
	prev := cases.AuditEntry{}
	for _, e := range entries {
		if e.Action == cases.ActionGrant || e.Action == cases.ActionSecretRead {
			continue
		}
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
		e = hash(e)
		out = append(out, e)
		prev = e
	}
	return out
}

func putObject(t *testing.T, blobs ingest.BlobStore, key string, v any) {
	t.Helper()
	body, _ := json.Marshal(v)
	if _, err := blobs.Put(t.Context(), key, bytes.NewReader(body), int64(len(body)), ""); err != nil {
		t.Fatal(err)
	}
}

// rewriteAnchors points every anchor at the forged chain: its head under the
// anchors' names, each signed as sign says (nil: the old MAC kept).
func rewriteAnchors(t *testing.T, tr *trail, forged []cases.AuditEntry, sign func(cases.Anchor) cases.Anchor) {
	t.Helper()
	head := forged[len(forged)-1]
	for _, old := range []cases.Anchor{tr.first, tr.last} {
		if err := tr.blobs.Delete(t.Context(), old.Object); err != nil {
			t.Fatal(err)
		}
		a := old
		a.Seq, a.Hash = head.Seq, head.Hash
		if sign != nil {
			a = sign(a)
		}
		putObject(t, tr.blobs, cases.AnchorObject(a.Seq), a)
	}
}

func wantProblems(t *testing.T, rep cases.AuditReport, wants ...string) {
	t.Helper()
	if rep.OK() {
		t.Fatalf("the attack went unseen: %+v", rep)
	}
	all := strings.Join(rep.Problems, "\n")
	t.Logf("reported:\n%s", all)
	for _, w := range wants {
		if !strings.Contains(all, w) {
			t.Errorf("the report does not say %q:\n%s", w, all)
		}
	}
}

// TestAuditAttack plays someone who may write the database and the object store
// but does not hold the audit key (issue 19): they drop the triggers, take a grant
// and a secret read out of the middle of the trail, renumber and chain the rest
// again, and rewrite the anchors to match. Every variant is reported as tampering,
// naming what can be named. Edited rows, a deleted middle row and a cut-off tail
// of the keyed chain are found as before.
func TestAuditAttack(t *testing.T) {
	unkeyed := func(e cases.AuditEntry) cases.AuditEntry {
		e.Version, e.Unit = cases.AuditV1, ""
		e.Hash = cases.ChainHash(e)
		return e
	}
	for _, tt := range []struct {
		name   string
		attack func(t *testing.T, tr *trail)
		want   func(tr *trail) []string
	}{
		{"unkeyed as the old code, anchors rewritten", func(t *testing.T, tr *trail) {
			forged := forge(tr.entries, unkeyed)
			rewrite(t, tr.db, forged)
			rewriteAnchors(t, tr, forged, nil)
		}, func(*trail) []string { return []string{"has a wrong signature", "no signed anchor"} }},
		{"unkeyed, signed anchors deleted, an old unsigned anchor written", func(t *testing.T, tr *trail) {
			forged := forge(tr.entries, unkeyed)
			rewrite(t, tr.db, forged)
			for _, a := range []cases.Anchor{tr.first, tr.last} {
				if err := tr.blobs.Delete(t.Context(), a.Object); err != nil {
					t.Fatal(err)
				}
			}
			head := forged[len(forged)-1]
			putObject(t, tr.blobs, cases.AnchorKey, cases.Anchor{Seq: head.Seq, Hash: head.Hash, At: tr.last.At})
		}, func(*trail) []string { return []string{"no signed anchor"} }},
		{"unkeyed, anchors rewritten unsigned", func(t *testing.T, tr *trail) {
			forged := forge(tr.entries, unkeyed)
			rewrite(t, tr.db, forged)
			rewriteAnchors(t, tr, forged, func(a cases.Anchor) cases.Anchor { a.MAC, a.KeyID = "", ""; return a })
		}, func(*trail) []string { return []string{"is unsigned: forged", "no signed anchor"} }},
		{"old hash under the keyed version", func(t *testing.T, tr *trail) {
			forged := forge(tr.entries, func(e cases.AuditEntry) cases.AuditEntry { e.Hash = cases.ChainHash(e); return e })
			rewrite(t, tr.db, forged)
			rewriteAnchors(t, tr, forged, nil)
		}, func(*trail) []string {
			return []string{"audit entry 1 was edited, or keyed with another key", "has a wrong signature"}
		}},
		{"a key of their own", func(t *testing.T, tr *trail) {
			forged := forge(tr.entries, func(e cases.AuditEntry) cases.AuditEntry { e.Hash = cases.ChainMAC(keyB, e); return e })
			rewrite(t, tr.db, forged)
			rewriteAnchors(t, tr, forged, func(a cases.Anchor) cases.Anchor { return cases.SignAnchor(keyB, a) })
		}, func(*trail) []string {
			return []string{"audit entry 1 was edited, or keyed with another key",
				"key " + cases.AuditKeyID(keyB) + " instead of " + cases.AuditKeyID(testAuditKey), "no signed anchor"}
		}},
		{"anchors left alone", func(t *testing.T, tr *trail) {
			rewrite(t, tr.db, forge(tr.entries, unkeyed))
		}, func(tr *trail) []string {
			// Two entries fewer: the last anchor is past the end, the first one
			// no longer matches its entry.
			return []string{fmt.Sprintf("audit entry %d differs from its anchored copy %s", tr.first.Seq, tr.first.Object),
				fmt.Sprintf("the anchor %s reached %d", tr.last.Object, tr.last.Seq)}
		}},
		{"edited row", func(t *testing.T, tr *trail) {
			sqlExec(t, tr.db, `UPDATE audit_log SET detail = 'sửa' WHERE seq = 3`)
		}, func(*trail) []string { return []string{"audit entry 3 was edited"} }},
		{"deleted middle row", func(t *testing.T, tr *trail) {
			sqlExec(t, tr.db, `DELETE FROM audit_log WHERE seq = 3`)
		}, func(*trail) []string { return []string{"audit entries 2→4"} }},
		{"cut-off tail", func(t *testing.T, tr *trail) {
			sqlExec(t, tr.db, `DELETE FROM audit_log WHERE seq > ?`, tr.first.Seq)
		}, func(tr *trail) []string {
			return []string{fmt.Sprintf("audit entries after %d were deleted; the anchor %s reached %d", tr.first.Seq, tr.last.Object, tr.last.Seq)}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
				tr := newTrail(t, db)
				dropTriggers(t, db)
				tt.attack(t, tr)
				wantProblems(t, tr.verify(t), tt.want(tr)...)
			})
		})
	}
}
