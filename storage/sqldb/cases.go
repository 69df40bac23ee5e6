package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/internal/viet"
)

var (
	_ cases.Store          = (*DB)(nil)
	_ ingest.DocumentStore = (*DB)(nil)
	_ auth.Store           = (*DB)(nil)
)

// caseColumns reads a case; handler_id is NULL while unassigned.
const caseColumns = `id, code, kind, source, received_on, subject, summary, unit_id, COALESCE(handler_id, 0),
	round, complex, remote, status, result, accepted_on, decided_on, closed_on, decision_document, published_on,
	extensions, due_on, pin_hash, outcome, version, created_by, created_at, updated_at`

func scanCase(row rowScanner) (cases.Case, error) {
	var c cases.Case
	var received, accepted, decided, closed, published, due, ext, outcome string
	err := row.Scan(&c.ID, &c.Code, &c.Kind, &c.Source, &received, &c.Subject, &c.Summary, &c.UnitID, &c.HandlerID,
		&c.Round, &c.Complex, &c.Remote, &c.Status, &c.Result, &accepted, &decided, &closed, &c.DecisionDocument,
		&published, &ext, &due, &c.PINHash, &outcome, &c.Version, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return c, err
	}
	c.CreatedAt, c.UpdatedAt = ts(c.CreatedAt), ts(c.UpdatedAt)
	for _, d := range []struct {
		text string
		to   *time.Time
	}{
		{received, &c.ReceivedOn}, {accepted, &c.AcceptedOn}, {decided, &c.DecidedOn},
		{closed, &c.ClosedOn}, {published, &c.PublishedOn}, {due, &c.DueOn},
	} {
		if *d.to, err = cases.ParseDate(d.text); err != nil {
			return c, fmt.Errorf("case %s: %w", c.Code, err)
		}
	}
	if err := json.Unmarshal([]byte(ext), &c.Extensions); err != nil {
		return c, fmt.Errorf("case %s: extensions: %w", c.Code, err)
	}
	if len(c.Extensions) == 0 {
		c.Extensions = nil
	}
	if err := json.Unmarshal([]byte(outcome), &c.Outcome); err != nil {
		return c, fmt.Errorf("case %s: outcome: %w", c.Code, err)
	}
	c.Outcome.EnforcedOn = cases.Date(c.Outcome.EnforcedOn)
	return c, nil
}

// normaliseCase makes c what the database gives back: dates at UTC midnight.
func normaliseCase(c *cases.Case) {
	for _, t := range []*time.Time{&c.ReceivedOn, &c.AcceptedOn, &c.DecidedOn, &c.ClosedOn, &c.PublishedOn, &c.DueOn} {
		*t = cases.Date(*t)
	}
}

// caseWriteColumns are the columns CreateCase and UpdateCase write, in caseValues order.
const caseWriteColumns = `kind, source, received_on, subject, subject_key, summary, unit_id, handler_id, round,
	complex, remote, status, result, accepted_on, decided_on, closed_on, decision_document, published_on,
	extensions, due_on, pin_hash, outcome`

func caseValues(c *cases.Case) ([]any, error) {
	ext := []byte("[]")
	if len(c.Extensions) > 0 {
		var err error
		if ext, err = json.Marshal(c.Extensions); err != nil {
			return nil, fmt.Errorf("case extensions: %w", err)
		}
	}
	outcome, err := json.Marshal(c.Outcome)
	if err != nil {
		return nil, fmt.Errorf("case outcome: %w", err)
	}
	return []any{c.Kind, c.Source, cases.FormatDate(c.ReceivedOn), c.Subject, viet.FoldKey(c.Subject), c.Summary,
		c.UnitID, nullID(c.HandlerID), c.Round, c.Complex, c.Remote, c.Status, c.Result,
		cases.FormatDate(c.AcceptedOn), cases.FormatDate(c.DecidedOn), cases.FormatDate(c.ClosedOn),
		c.DecisionDocument, cases.FormatDate(c.PublishedOn), string(ext), cases.FormatDate(c.DueOn), c.PINHash, string(outcome)}, nil
}

// CreateCase implements cases.Store.
func (db *DB) CreateCase(ctx context.Context, c *cases.Case, ev cases.Event, rec cases.Record, parties ...cases.NewParty) error {
	n := *c
	normaliseCase(&n)
	if n.Code == "" && (!n.Kind.Valid() || n.ReceivedOn.IsZero()) {
		return errs.Errorf(errs.Invalid, "create case: a code needs a known kind (got %q) and the received date", n.Kind)
	}
	vals, err := caseValues(&n)
	if err != nil {
		return err
	}
	n.Version = 1
	n.CreatedAt = now()
	n.UpdatedAt = n.CreatedAt
	inserted := make([]cases.Party, len(parties))
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if n.Code == "" {
			n.Code, err = db.nextCaseCode(ctx, tx, n.Kind, n.ReceivedOn.Year())
		} else {
			err = db.claimCaseCode(ctx, tx, n.Code)
		}
		if err != nil {
			return err
		}
		args := append([]any{n.Code}, vals...)
		args = append(args, n.Version, n.CreatedBy, n.CreatedAt, n.UpdatedAt)
		err = tx.QueryRowContext(ctx, db.q(`INSERT INTO cases (code, `+caseWriteColumns+`, version, created_by,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING id`), args...).Scan(&n.ID)
		if err != nil {
			return db.classify("create case "+n.Code, err)
		}
		if rec.Object == "" {
			rec.Object = "case:" + n.Code
		}
		if err := db.recordChange(ctx, tx, n.ID, rec, ev); err != nil {
			return err
		}
		for i := range parties {
			np := parties[i]
			np.Party.CaseID = n.ID
			if np.Record.Object == "" {
				np.Record.Object = "case:" + n.Code
			}
			if inserted[i], err = db.insertParty(ctx, tx, *np.Party, np.Event, np.Record); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	*c = n
	for i := range parties {
		*parties[i].Party = inserted[i]
	}
	return nil
}

// nextCaseCode takes the next number of the kind's prefix in year. The counter row
// is updated in tx, so a rolled-back case gives its number back and a committed one
// is never given again.
func (db *DB) nextCaseCode(ctx context.Context, tx *sql.Tx, k cases.Kind, year int) (string, error) {
	var n int
	err := tx.QueryRowContext(ctx, db.q(`INSERT INTO case_counters (prefix, year, last) VALUES (?, ?, 1)
		ON CONFLICT (prefix, year) DO UPDATE SET last = case_counters.last + 1 RETURNING last`), k.Prefix(), year).Scan(&n)
	if err != nil {
		return "", db.classify(fmt.Sprintf("next case code %s-%d", k.Prefix(), year), err)
	}
	return cases.FormatCode(k, year, n), nil
}

// claimCaseCode moves the counter past a code given by the caller (an imported
// case), so a later code of the same prefix and year does not collide with it.
func (db *DB) claimCaseCode(ctx context.Context, tx *sql.Tx, code string) error {
	if !cases.ValidCode(code) {
		return nil
	}
	n, _ := strconv.Atoi(code[len(code)-6:])
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO case_counters (prefix, year, last) VALUES (?, ?, ?)
		ON CONFLICT (prefix, year) DO UPDATE SET
		last = CASE WHEN excluded.last > case_counters.last THEN excluded.last ELSE case_counters.last END`),
		code[:2], cases.CodeYear(code), n)
	return db.classify("claim case code "+code, err)
}

// Case implements cases.Store.
func (db *DB) Case(ctx context.Context, id int64) (cases.Case, error) {
	c, err := scanCase(db.sql.QueryRowContext(ctx, db.q(`SELECT `+caseColumns+` FROM cases WHERE id = ?`), id))
	return c, db.classify("get case "+strconv.FormatInt(id, 10), err)
}

// CaseByCode implements cases.Store.
func (db *DB) CaseByCode(ctx context.Context, code string) (cases.Case, error) {
	c, err := scanCase(db.sql.QueryRowContext(ctx, db.q(`SELECT `+caseColumns+` FROM cases WHERE code = ?`), code))
	return c, db.classify("get case "+code, err)
}

// UpdateCase implements cases.Store. The code, CreatedBy and CreatedAt are the
// creation's and are not rewritten.
func (db *DB) UpdateCase(ctx context.Context, c *cases.Case, events []cases.Event, rec cases.Record) error {
	n := *c
	normaliseCase(&n)
	vals, err := caseValues(&n)
	if err != nil {
		return err
	}
	n.Version = c.Version + 1
	n.UpdatedAt = now()
	op := "update case " + strconv.FormatInt(n.ID, 10)
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE cases SET kind = ?, source = ?, received_on = ?, subject = ?,
			subject_key = ?, summary = ?, unit_id = ?, handler_id = ?, round = ?, complex = ?, remote = ?, status = ?,
			result = ?, accepted_on = ?, decided_on = ?, closed_on = ?, decision_document = ?, published_on = ?,
			extensions = ?, due_on = ?, pin_hash = ?, outcome = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`),
			append(vals, n.Version, n.UpdatedAt, n.ID, c.Version)...)
		if err != nil {
			return db.classify(op, err)
		}
		if affected, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		} else if affected == 0 {
			var stored int
			err := tx.QueryRowContext(ctx, db.q(`SELECT version FROM cases WHERE id = ?`), n.ID).Scan(&stored)
			if err != nil {
				return db.classify(op, err)
			}
			return errs.Errorf(errs.Conflict, "%s: stored version %d, not %d (changed by someone else)", op, stored, c.Version)
		}
		return db.recordChange(ctx, tx, n.ID, rec, events...)
	})
	if err != nil {
		return err
	}
	*c = n
	return nil
}

// Cases implements cases.Store.
func (db *DB) Cases(ctx context.Context, f cases.CaseFilter) ([]cases.Case, int, error) {
	where, args := caseScope(f)
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.OpenOnly {
		where = append(where, openCase)
	}
	order := "id DESC"
	if !f.DueBefore.IsZero() {
		where, args = append(where, "due_on <> '' AND due_on < ?"), append(args, cases.FormatDate(cases.Date(f.DueBefore)))
		if !f.DueFrom.IsZero() {
			where, args = append(where, "due_on >= ?"), append(args, cases.FormatDate(cases.Date(f.DueFrom)))
		}
		order = "due_on, id"
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		where = append(where, `(LOWER(code) LIKE ? ESCAPE '\' OR subject_key LIKE ? ESCAPE '\')`)
		args = append(args, likeContains(strings.ToLower(t)), likeContains(viet.FoldKey(t)))
	}
	if f.NoTotal {
		list, err := listRows(ctx, db, "cases", caseColumns, where, args, order, listLimit(f.Limit, 50), f.Offset, scanCase)
		return list, 0, err
	}
	return listPage(ctx, db, "cases", caseColumns, where, args, order, listLimit(f.Limit, 50), f.Offset, scanCase)
}

// openCase is the condition of an open case. The status is written out, not a
// parameter, so that the planners may use the partial index of open cases'
// deadlines (migration 15) whatever the plan is prepared for.
const openCase = "status <> '" + string(cases.StatusClosed) + "'"

// caseScope is the condition of f's UnitIDs and HandlerID on the cases table.
func caseScope(f cases.CaseFilter) ([]string, []any) {
	var where []string
	var args []any
	if f.UnitIDs != nil {
		w, a := inList("unit_id", f.UnitIDs)
		where, args = append(where, w), append(args, a...)
	}
	if f.HandlerID != 0 {
		where, args = append(where, "handler_id = ?"), append(args, f.HandlerID)
	}
	return where, args
}

// DueCounts implements cases.Store: one pass over the open cases due before
// soonEnd, which the index cases_open_due (migration 15) holds with every column
// the query reads.
func (db *DB) DueCounts(ctx context.Context, f cases.CaseFilter, today, soonEnd time.Time) (overdue, soon int, err error) {
	where, args := caseScope(f)
	t, e := cases.FormatDate(cases.Date(today)), cases.FormatDate(cases.Date(soonEnd))
	where = append(where, openCase, "due_on <> ''", "due_on < ?")
	args = append([]any{t, t}, append(args, e)...)
	err = db.sql.QueryRowContext(ctx, db.q(`SELECT COALESCE(SUM(CASE WHEN due_on < ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN due_on >= ? THEN 1 ELSE 0 END), 0) FROM cases WHERE `+strings.Join(where, " AND ")),
		args...).Scan(&overdue, &soon)
	return overdue, soon, db.classify("count cases by deadline", err)
}

func (db *DB) addEvent(ctx context.Context, tx *sql.Tx, ev cases.Event) error {
	if ev.At.IsZero() {
		ev.At = now()
	}
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO case_events (case_id, at, user_id, type, from_status, to_status,
		document_id, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		ev.CaseID, ts(ev.At), ev.UserID, ev.Type, ev.From, ev.To, ev.DocumentID, ev.Note)
	return db.classify(fmt.Sprintf("add %s event to case %d", ev.Type, ev.CaseID), err)
}

// recordChange records a change of case caseID in tx: its timeline events (their
// CaseID set) and its audit record.
func (db *DB) recordChange(ctx context.Context, tx *sql.Tx, caseID int64, rec cases.Record, events ...cases.Event) error {
	for _, ev := range events {
		ev.CaseID = caseID
		if err := db.addEvent(ctx, tx, ev); err != nil {
			return err
		}
	}
	return db.appendAudit(ctx, tx, rec)
}

// Events implements cases.Store.
func (db *DB) Events(ctx context.Context, caseID int64) ([]cases.Event, error) {
	op := "events of case " + strconv.FormatInt(caseID, 10)
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT id, case_id, at, user_id, type, from_status, to_status,
		document_id, note FROM case_events WHERE case_id = ? ORDER BY at, id`), caseID)
	if err != nil {
		return nil, db.classify(op, err)
	}
	defer rows.Close()
	out := []cases.Event{}
	for rows.Next() {
		var e cases.Event
		if err := rows.Scan(&e.ID, &e.CaseID, &e.At, &e.UserID, &e.Type, &e.From, &e.To, &e.DocumentID, &e.Note); err != nil {
			return nil, db.classify(op, err)
		}
		e.At = ts(e.At)
		out = append(out, e)
	}
	return out, db.classify(op, rows.Err())
}

// Activity implements cases.Store.
func (db *DB) Activity(ctx context.Context, f cases.CaseFilter) ([]cases.Activity, error) {
	where := []string{"1 = 1"}
	var args []any
	if f.UnitIDs != nil {
		w, a := inList("c.unit_id", f.UnitIDs)
		where, args = append(where, w), append(args, a...)
	}
	if f.HandlerID != 0 {
		where, args = append(where, "c.handler_id = ?"), append(args, f.HandlerID)
	}
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT e.id, e.case_id, e.at, e.user_id, e.type, e.from_status, e.to_status,
		e.document_id, e.note, c.code, c.kind FROM case_events e JOIN cases c ON c.id = e.case_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY e.at DESC, e.id DESC LIMIT ?`), append(args, listLimit(f.Limit, 50))...)
	if err != nil {
		return nil, db.classify("case activity", err)
	}
	defer rows.Close()
	out := []cases.Activity{}
	for rows.Next() {
		var e cases.Activity
		if err := rows.Scan(&e.ID, &e.CaseID, &e.At, &e.UserID, &e.Type, &e.From, &e.To, &e.DocumentID, &e.Note, &e.Code, &e.Kind); err != nil {
			return nil, db.classify("case activity", err)
		}
		e.At = ts(e.At)
		out = append(out, e)
	}
	return out, db.classify("case activity", rows.Err())
}

// partyPlain is what a party's plain columns hold: nothing when the identity is
// secret, whatever the caller left in Person.
func partyPlain(p *cases.Party) (cases.Person, string, error) {
	if !p.Secret {
		return p.Person, "", nil
	}
	if p.Sealed == "" {
		return cases.Person{}, "", errs.Errorf(errs.Invalid, "party of case %d: a secret identity must be sealed", p.CaseID)
	}
	return cases.Person{}, p.Sealed, nil
}

// CreateParty implements cases.Store. A secret party's Person is not stored: only
// Sealed is.
func (db *DB) CreateParty(ctx context.Context, p *cases.Party, ev cases.Event, rec cases.Record) error {
	var n cases.Party
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = db.insertParty(ctx, tx, *p, ev, rec)
		return err
	})
	if err != nil {
		return err
	}
	*p = n
	return nil
}

// insertParty inserts p (assigning ID and CreatedAt) with its event and audit
// record in tx, and returns it.
func (db *DB) insertParty(ctx context.Context, tx *sql.Tx, p cases.Party, ev cases.Event, rec cases.Record) (cases.Party, error) {
	plain, sealed, err := partyPlain(&p)
	if err != nil {
		return p, err
	}
	p.CreatedAt = now()
	err = tx.QueryRowContext(ctx, db.q(`INSERT INTO parties (case_id, role, secret, name, id_number, address, phone,
		sealed, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		p.CaseID, p.Role, p.Secret, plain.Name, plain.IDNumber, plain.Address, plain.Phone, sealed, p.Note,
		p.CreatedAt).Scan(&p.ID)
	if err != nil {
		return p, db.classify("add party to case "+strconv.FormatInt(p.CaseID, 10), err)
	}
	return p, db.recordChange(ctx, tx, p.CaseID, rec, ev)
}

// UpdateParty implements cases.Store.
func (db *DB) UpdateParty(ctx context.Context, p *cases.Party, ev cases.Event, rec cases.Record) error {
	plain, sealed, err := partyPlain(p)
	if err != nil {
		return err
	}
	op := fmt.Sprintf("update party %d of case %d", p.ID, p.CaseID)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE parties SET role = ?, secret = ?, name = ?, id_number = ?,
			address = ?, phone = ?, sealed = ?, note = ? WHERE id = ? AND case_id = ?`),
			p.Role, p.Secret, plain.Name, plain.IDNumber, plain.Address, plain.Phone, sealed, p.Note, p.ID, p.CaseID)
		if err := db.mustAffect(op, res, err); err != nil {
			return err
		}
		return db.recordChange(ctx, tx, p.CaseID, rec, ev)
	})
}

// DeleteParty implements cases.Store.
func (db *DB) DeleteParty(ctx context.Context, caseID, partyID int64, ev cases.Event, rec cases.Record) error {
	op := fmt.Sprintf("delete party %d of case %d", partyID, caseID)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`DELETE FROM parties WHERE id = ? AND case_id = ?`), partyID, caseID)
		if err := db.mustAffect(op, res, err); err != nil {
			return err
		}
		return db.recordChange(ctx, tx, caseID, rec, ev)
	})
}

// Parties implements cases.Store.
func (db *DB) Parties(ctx context.Context, caseID int64) ([]cases.Party, error) {
	op := "parties of case " + strconv.FormatInt(caseID, 10)
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT id, case_id, role, secret, name, id_number, address, phone,
		sealed, note, created_at FROM parties WHERE case_id = ? ORDER BY id`), caseID)
	if err != nil {
		return nil, db.classify(op, err)
	}
	defer rows.Close()
	out := []cases.Party{}
	for rows.Next() {
		var p cases.Party
		if err := rows.Scan(&p.ID, &p.CaseID, &p.Role, &p.Secret, &p.Person.Name, &p.Person.IDNumber, &p.Person.Address,
			&p.Person.Phone, &p.Sealed, &p.Note, &p.CreatedAt); err != nil {
			return nil, db.classify(op, err)
		}
		p.CreatedAt = ts(p.CreatedAt)
		out = append(out, p)
	}
	return out, db.classify(op, rows.Err())
}

// Grant implements cases.Store.
func (db *DB) Grant(ctx context.Context, caseID, userID, by int64, ev cases.Event, rec cases.Record) error {
	op := fmt.Sprintf("grant case %d to user %d", caseID, userID)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, db.q(`INSERT INTO case_grants (case_id, user_id, granted_by, granted_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (case_id, user_id) DO NOTHING`), caseID, userID, by, now())
		if err != nil {
			return db.classify(op, err)
		}
		return db.recordChange(ctx, tx, caseID, rec, ev)
	})
}

// Revoke implements cases.Store. Revoking a grant the user does not hold is
// ErrNotFound.
func (db *DB) Revoke(ctx context.Context, caseID, userID int64, ev cases.Event, rec cases.Record) error {
	op := fmt.Sprintf("revoke case %d from user %d", caseID, userID)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`DELETE FROM case_grants WHERE case_id = ? AND user_id = ?`), caseID, userID)
		if err := db.mustAffect(op, res, err); err != nil {
			return err
		}
		return db.recordChange(ctx, tx, caseID, rec, ev)
	})
}

// Granted implements cases.Store.
func (db *DB) Granted(ctx context.Context, caseID, userID int64) (bool, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM case_grants WHERE case_id = ? AND user_id = ?`),
		caseID, userID).Scan(&n)
	return n > 0, db.classify(fmt.Sprintf("grant of case %d to user %d", caseID, userID), err)
}

// GrantedCodes implements cases.Store. The codes are in code order.
func (db *DB) GrantedCodes(ctx context.Context, userID int64) ([]string, error) {
	op := "cases granted to user " + strconv.FormatInt(userID, 10)
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT c.code FROM case_grants g JOIN cases c ON c.id = g.case_id
		WHERE g.user_id = ? ORDER BY c.code`), userID)
	if err != nil {
		return nil, db.classify(op, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return nil, db.classify(op, err)
		}
		out = append(out, code)
	}
	return out, db.classify(op, rows.Err())
}

// LinkDocument implements cases.Store. It also sets UpdatedAt (on d too), so the
// search index, which follows DocumentsChangedSince, learns the new case and
// confidentiality.
func (db *DB) LinkDocument(ctx context.Context, d *ingest.Document, ev cases.Event, rec cases.Record) error {
	at := now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE documents SET unit_code = ?, case_code = ?, kind = ?, confidential = ?,
			secret_case = ?, cleared = ?, published = ?, updated_at = ? WHERE id = ?`),
			d.UnitCode, d.CaseCode, d.Kind, d.Confidential, d.SecretCase, d.Cleared, d.Published, at, d.ID)
		if err := db.mustAffect("link document "+d.ID, res, err); err != nil {
			return err
		}
		if ev.CaseID != 0 {
			if ev.DocumentID == "" {
				ev.DocumentID = d.ID
			}
			if err := db.addEvent(ctx, tx, ev); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, rec)
	})
	if err != nil {
		return err
	}
	d.UpdatedAt = at
	return nil
}

// CorrectDocumentHeader implements cases.Store.
func (db *DB) CorrectDocumentHeader(ctx context.Context, d *ingest.Document, rec cases.Record) error {
	at := now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE documents SET kind = ?, meta_number = ?, meta_date = ?, meta_issuer = ?,
			meta_type = ?, meta_subject = ?, updated_at = ? WHERE id = ?`),
			d.Kind, d.Meta.Number, d.Meta.Date, d.Meta.Issuer, d.Meta.Type, d.Meta.Subject, at, d.ID)
		if err := db.mustAffect("correct header of document "+d.ID, res, err); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, rec)
	})
	if err != nil {
		return err
	}
	d.UpdatedAt = at
	return nil
}

// DocumentsByNumber implements cases.Store, oldest first.
func (db *DB) DocumentsByNumber(ctx context.Context, numbers []string) ([]ingest.Document, error) {
	docs := []ingest.Document{}
	if len(numbers) == 0 {
		return docs, nil
	}
	args := make([]any, len(numbers))
	for i, n := range numbers {
		args[i] = n
	}
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT `+documentSelect+` FROM documents
		WHERE case_code <> '' AND `+notRetracted+` AND meta_number IN (?`+strings.Repeat(", ?", len(numbers)-1)+`)
		ORDER BY created_at, id`), args...)
	if err != nil {
		return nil, db.classify("documents by number", err)
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, db.classify("documents by number", err)
		}
		docs = append(docs, d)
	}
	return docs, db.classify("documents by number", rows.Err())
}

// SetSuggestions implements cases.Store. An unknown document or case code is
// ErrNotFound.
func (db *DB) SetSuggestions(ctx context.Context, documentID string, s []cases.Suggestion) error {
	op := "set suggestions of " + documentID
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM document_suggestions WHERE document_id = ?`), documentID); err != nil {
			return db.classify(op, err)
		}
		for _, x := range s {
			if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO document_suggestions (document_id, case_code, reason,
				detail, score) VALUES (?, ?, ?, ?, ?)`), documentID, x.CaseCode, x.Reason, x.Detail, x.Score); err != nil {
				return db.classify(op+" ("+x.CaseCode+")", err)
			}
		}
		return nil
	})
}

// Suggestions implements cases.Store: grouped by document, best first in each.
func (db *DB) Suggestions(ctx context.Context, documentIDs []string) ([]cases.Suggestion, error) {
	out := []cases.Suggestion{}
	if len(documentIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(documentIDs))
	for i, id := range documentIDs {
		args[i] = id
	}
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT document_id, case_code, reason, detail, score
		FROM document_suggestions WHERE document_id IN (?`+strings.Repeat(", ?", len(documentIDs)-1)+`)
		ORDER BY document_id, score DESC, id`), args...)
	if err != nil {
		return nil, db.classify("suggestions", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s cases.Suggestion
		if err := rows.Scan(&s.DocumentID, &s.CaseCode, &s.Reason, &s.Detail, &s.Score); err != nil {
			return nil, db.classify("suggestions", err)
		}
		out = append(out, s)
	}
	return out, db.classify("suggestions", rows.Err())
}

// inList is "col IN (?, …)" for a scope list (unit ids or codes) with its
// arguments; an empty list matches nothing.
func inList[T any](col string, vals []T) (string, []any) {
	if len(vals) == 0 {
		return "1 = 0", nil
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	return col + " IN (?" + strings.Repeat(", ?", len(vals)-1) + ")", args
}

// listLimit applies the lists' rule: 0 means def, at most 1000.
func listLimit(n, def int) int {
	switch {
	case n <= 0:
		return def
	case n > 1000:
		return 1000
	}
	return n
}

// likeContains is a LIKE pattern (with ESCAPE '\') matching s anywhere.
func likeContains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}
