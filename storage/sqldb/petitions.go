package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"kntc/cases"
	"kntc/internal/errs"
)

const petitionColumns = `id, unit_id, received_on, source, kind, name, id_number, address, phone, secret, sealed,
	id_key, name_key, subject, content, admissibility, competence, handling, handled_on, transferred_to, duplicate_of,
	COALESCE(case_id, 0), document_id, created_by, created_at, updated_at`

func scanPetition(row rowScanner) (cases.Petition, error) {
	var p cases.Petition
	var received, handled string
	err := row.Scan(&p.ID, &p.UnitID, &received, &p.Source, &p.Kind, &p.Petitioner.Name, &p.Petitioner.IDNumber,
		&p.Petitioner.Address, &p.Petitioner.Phone, &p.Secret, &p.Sealed, &p.IDKey, &p.NameKey, &p.Subject, &p.Content,
		&p.Admissibility, &p.Competence, &p.Handling, &handled, &p.TransferredTo, &p.DuplicateOf, &p.CaseID, &p.DocumentID,
		&p.CreatedBy, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return p, err
	}
	p.CreatedAt, p.UpdatedAt = ts(p.CreatedAt), ts(p.UpdatedAt)
	if p.HandledOn, err = cases.ParseDate(handled); err != nil {
		return p, fmt.Errorf("petition %d: %w", p.ID, err)
	}
	if p.ReceivedOn, err = cases.ParseDate(received); err != nil {
		return p, fmt.Errorf("petition %d: %w", p.ID, err)
	}
	return p, nil
}

// petitionPlain is what a petition's plain petitioner columns hold: nothing when the
// identity is secret.
func petitionPlain(p *cases.Petition) (cases.Person, string, error) {
	if !p.Secret {
		return p.Petitioner, "", nil
	}
	if p.Sealed == "" {
		return cases.Person{}, "", errs.Errorf(errs.Invalid, "petition: a secret petitioner must be sealed")
	}
	return cases.Person{}, p.Sealed, nil
}

// CreatePetition implements cases.Store. A secret petitioner is stored only sealed;
// rec.Object, when empty, becomes "petition:ID".
func (db *DB) CreatePetition(ctx context.Context, p *cases.Petition, rec cases.Record) error {
	n := *p
	n.ReceivedOn = cases.Date(n.ReceivedOn)
	plain, sealed, err := petitionPlain(&n)
	if err != nil {
		return err
	}
	n.CreatedAt = now()
	n.UpdatedAt = n.CreatedAt
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO petitions (unit_id, received_on, source, kind, name, id_number,
			address, phone, secret, sealed, id_key, name_key, subject, content, admissibility, competence, handling,
			handled_on, transferred_to, duplicate_of, case_id, document_id, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			n.UnitID, cases.FormatDate(n.ReceivedOn), n.Source, n.Kind, plain.Name, plain.IDNumber, plain.Address,
			plain.Phone, n.Secret, sealed, n.IDKey, n.NameKey, n.Subject, n.Content, n.Admissibility, n.Competence,
			n.Handling, cases.FormatDate(cases.Date(n.HandledOn)), n.TransferredTo, n.DuplicateOf, nullID(n.CaseID), n.DocumentID, n.CreatedBy, n.CreatedAt,
			n.UpdatedAt).Scan(&n.ID)
		if err != nil {
			return db.classify("create petition", err)
		}
		if rec.Object == "" {
			rec.Object = "petition:" + strconv.FormatInt(n.ID, 10)
		}
		return db.appendAudit(ctx, tx, rec)
	})
	if err != nil {
		return err
	}
	*p = n
	return nil
}

// Petition implements cases.Store.
func (db *DB) Petition(ctx context.Context, id int64) (cases.Petition, error) {
	p, err := scanPetition(db.sql.QueryRowContext(ctx, db.q(`SELECT `+petitionColumns+` FROM petitions WHERE id = ?`), id))
	return p, db.classify("get petition "+strconv.FormatInt(id, 10), err)
}

// UpdatePetition implements cases.Store. CreatedBy and CreatedAt are not rewritten.
func (db *DB) UpdatePetition(ctx context.Context, p *cases.Petition, rec cases.Record) error {
	n := *p
	n.ReceivedOn = cases.Date(n.ReceivedOn)
	plain, sealed, err := petitionPlain(&n)
	if err != nil {
		return err
	}
	n.UpdatedAt = now()
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE petitions SET unit_id = ?, received_on = ?, source = ?, kind = ?,
			name = ?, id_number = ?, address = ?, phone = ?, secret = ?, sealed = ?, id_key = ?, name_key = ?,
			subject = ?, content = ?, admissibility = ?, competence = ?, handling = ?, handled_on = ?, transferred_to = ?,
			duplicate_of = ?, case_id = ?, document_id = ?, updated_at = ? WHERE id = ?`),
			n.UnitID, cases.FormatDate(n.ReceivedOn), n.Source, n.Kind, plain.Name, plain.IDNumber, plain.Address,
			plain.Phone, n.Secret, sealed, n.IDKey, n.NameKey, n.Subject, n.Content, n.Admissibility, n.Competence,
			n.Handling, cases.FormatDate(cases.Date(n.HandledOn)), n.TransferredTo, n.DuplicateOf, nullID(n.CaseID), n.DocumentID, n.UpdatedAt, n.ID)
		if err := db.mustAffect("update petition "+strconv.FormatInt(n.ID, 10), res, err); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, rec)
	})
	if err != nil {
		return err
	}
	*p = n
	return nil
}

// Petitions implements cases.Store: the latest received first.
func (db *DB) Petitions(ctx context.Context, f cases.PetitionFilter) ([]cases.Petition, int, error) {
	var where []string
	var args []any
	if f.UnitIDs != nil {
		w, a := inList("unit_id", f.UnitIDs)
		where, args = append(where, w), append(args, a...)
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.SecretOnly {
		where = append(where, "secret")
	}
	if f.Unhandled {
		where = append(where, "handling = ''")
	}
	switch {
	case f.IDKey != "" && f.NameKey != "":
		where, args = append(where, "(id_key = ? OR name_key = ?)"), append(args, f.IDKey, f.NameKey)
	case f.IDKey != "":
		where, args = append(where, "id_key = ?"), append(args, f.IDKey)
	case f.NameKey != "":
		where, args = append(where, "name_key = ?"), append(args, f.NameKey)
	}
	return listPage(ctx, db, "petitions", petitionColumns, where, args, "received_on DESC, id DESC", listLimit(f.Limit, 50), f.Offset, scanPetition)
}

const receptionColumns = `id, unit_id, at, COALESCE(officer_id, 0), visitors, secret, sealed, group_size, kind, content,
	outcome, COALESCE(case_id, 0), created_by, created_at`

func scanReception(row rowScanner) (cases.Reception, error) {
	var r cases.Reception
	var visitors string
	err := row.Scan(&r.ID, &r.UnitID, &r.At, &r.OfficerID, &visitors, &r.Secret, &r.Sealed, &r.GroupSize, &r.Kind,
		&r.Content, &r.Outcome, &r.CaseID, &r.CreatedBy, &r.CreatedAt)
	if err != nil {
		return r, err
	}
	r.At, r.CreatedAt = ts(r.At), ts(r.CreatedAt)
	if err := json.Unmarshal([]byte(visitors), &r.Visitors); err != nil {
		return r, fmt.Errorf("reception %d: visitors: %w", r.ID, err)
	}
	if len(r.Visitors) == 0 {
		r.Visitors = nil
	}
	return r, nil
}

// receptionPlain is what a reception's visitors column holds: "[]" when they are
// secret.
func receptionPlain(r *cases.Reception) (visitors, sealed string, err error) {
	if r.Secret {
		if r.Sealed == "" {
			return "", "", errs.Errorf(errs.Invalid, "reception: secret visitors must be sealed")
		}
		return "[]", r.Sealed, nil
	}
	if len(r.Visitors) == 0 {
		return "[]", "", nil
	}
	b, err := json.Marshal(r.Visitors)
	if err != nil {
		return "", "", fmt.Errorf("reception visitors: %w", err)
	}
	return string(b), "", nil
}

// CreateReception implements cases.Store. Secret visitors are stored only sealed;
// rec.Object, when empty, becomes "reception:ID".
func (db *DB) CreateReception(ctx context.Context, r *cases.Reception, rec cases.Record) error {
	n := *r
	n.At = ts(n.At)
	visitors, sealed, err := receptionPlain(&n)
	if err != nil {
		return err
	}
	n.CreatedAt = now()
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO receptions (unit_id, at, officer_id, visitors, secret, sealed,
			group_size, kind, content, outcome, case_id, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			n.UnitID, n.At, nullID(n.OfficerID), visitors, n.Secret, sealed, n.GroupSize, n.Kind, n.Content, n.Outcome,
			nullID(n.CaseID), n.CreatedBy, n.CreatedAt).Scan(&n.ID)
		if err != nil {
			return db.classify("create reception", err)
		}
		if rec.Object == "" {
			rec.Object = "reception:" + strconv.FormatInt(n.ID, 10)
		}
		return db.appendAudit(ctx, tx, rec)
	})
	if err != nil {
		return err
	}
	*r = n
	return nil
}

// Reception implements cases.Store.
func (db *DB) Reception(ctx context.Context, id int64) (cases.Reception, error) {
	r, err := scanReception(db.sql.QueryRowContext(ctx, db.q(`SELECT `+receptionColumns+` FROM receptions WHERE id = ?`), id))
	return r, db.classify("get reception "+strconv.FormatInt(id, 10), err)
}

// UpdateReception implements cases.Store: every field of r (matched by ID) but
// CreatedBy and CreatedAt.
func (db *DB) UpdateReception(ctx context.Context, r *cases.Reception, rec cases.Record) error {
	n := *r
	n.At = ts(n.At)
	visitors, sealed, err := receptionPlain(&n)
	if err != nil {
		return err
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE receptions SET unit_id = ?, at = ?, officer_id = ?, visitors = ?,
			secret = ?, sealed = ?, group_size = ?, kind = ?, content = ?, outcome = ?, case_id = ? WHERE id = ?`),
			n.UnitID, n.At, nullID(n.OfficerID), visitors, n.Secret, sealed, n.GroupSize, n.Kind, n.Content, n.Outcome,
			nullID(n.CaseID), n.ID)
		if err := db.mustAffect("update reception "+strconv.FormatInt(n.ID, 10), res, err); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, rec)
	})
	if err != nil {
		return err
	}
	*r = n
	return nil
}

// Receptions implements cases.Store: the latest first.
func (db *DB) Receptions(ctx context.Context, f cases.ReceptionFilter) ([]cases.Reception, int, error) {
	var where []string
	var args []any
	if f.UnitIDs != nil {
		w, a := inList("unit_id", f.UnitIDs)
		where, args = append(where, w), append(args, a...)
	}
	if f.SecretOnly {
		where = append(where, "secret")
	}
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, ts(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, ts(f.To))
	}
	return listPage(ctx, db, "receptions", receptionColumns, where, args, "at DESC, id DESC", listLimit(f.Limit, 50), f.Offset, scanReception)
}
