package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kntc/cases"
)

// The citizens' portal's forms (cases.PortalStore): online petitions, questions
// and answers, the reception schedule (migration 13).

// CreateOnlinePetition implements cases.PortalStore.
func (db *DB) CreateOnlinePetition(ctx context.Context, o *cases.OnlineRecord, rec cases.Record) error {
	n := *o
	n.CreatedAt = now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, db.q(`INSERT INTO online_petitions (petition_id, code, pin_hash, anonymous, documents, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`), n.PetitionID, n.Code, n.PINHash, n.Anonymous, strings.Join(n.Documents, " "), n.CreatedAt)
		if err != nil {
			return db.classify("create online petition "+n.Code, err)
		}
		return db.appendAudit(ctx, tx, rec)
	})
	if err != nil {
		return err
	}
	*o = n
	return nil
}

const onlineColumns = `petition_id, code, pin_hash, anonymous, documents, created_at`

func scanOnline(row rowScanner) (cases.OnlineRecord, error) {
	var o cases.OnlineRecord
	var docs string
	if err := row.Scan(&o.PetitionID, &o.Code, &o.PINHash, &o.Anonymous, &docs, &o.CreatedAt); err != nil {
		return o, err
	}
	o.Documents = strings.Fields(docs)
	o.CreatedAt = ts(o.CreatedAt)
	return o, nil
}

// OnlinePetitionByCode implements cases.PortalStore.
func (db *DB) OnlinePetitionByCode(ctx context.Context, code string) (cases.OnlineRecord, error) {
	o, err := scanOnline(db.sql.QueryRowContext(ctx, db.q(`SELECT `+onlineColumns+` FROM online_petitions WHERE code = ?`), code))
	return o, db.classify("get online petition "+code, err)
}

// OnlinePetition implements cases.PortalStore.
func (db *DB) OnlinePetition(ctx context.Context, petitionID int64) (cases.OnlineRecord, error) {
	o, err := scanOnline(db.sql.QueryRowContext(ctx, db.q(`SELECT `+onlineColumns+` FROM online_petitions WHERE petition_id = ?`), petitionID))
	return o, db.classify("get online petition of "+strconv.FormatInt(petitionID, 10), err)
}

const questionColumns = `id, COALESCE(unit_id, 0), topic, question, contact, asked_at, answer, answered_by, answered_at, public, folded`

func scanQuestion(row rowScanner) (cases.Question, error) {
	var q cases.Question
	var answered sql.NullTime
	err := row.Scan(&q.ID, &q.UnitID, &q.Topic, &q.Text, &q.Contact, &q.AskedAt, &q.Answer, &q.AnsweredBy, &answered, &q.Public, &q.Folded)
	if err != nil {
		return q, err
	}
	q.AskedAt = ts(q.AskedAt)
	if answered.Valid {
		q.AnsweredAt = ts(answered.Time)
	}
	return q, nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ts(t)
}

// CreateQuestion implements cases.PortalStore; rec.Object, when empty, becomes
// "question:ID".
func (db *DB) CreateQuestion(ctx context.Context, q *cases.Question, rec cases.Record) error {
	n := *q
	n.AskedAt = ts(n.AskedAt)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO questions (unit_id, topic, question, contact, asked_at, answer,
			answered_by, answered_at, public, folded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			nullID(n.UnitID), n.Topic, n.Text, n.Contact, n.AskedAt, n.Answer, n.AnsweredBy, nullTime(n.AnsweredAt), n.Public, n.Folded).Scan(&n.ID)
		if err != nil {
			return db.classify("create question", err)
		}
		if rec.Object == "" {
			rec.Object = "question:" + strconv.FormatInt(n.ID, 10)
		}
		return db.appendAudit(ctx, tx, rec)
	})
	if err != nil {
		return err
	}
	*q = n
	return nil
}

// Question implements cases.PortalStore.
func (db *DB) Question(ctx context.Context, id int64) (cases.Question, error) {
	q, err := scanQuestion(db.sql.QueryRowContext(ctx, db.q(`SELECT `+questionColumns+` FROM questions WHERE id = ?`), id))
	return q, db.classify("get question "+strconv.FormatInt(id, 10), err)
}

// UpdateQuestion implements cases.PortalStore.
func (db *DB) UpdateQuestion(ctx context.Context, q *cases.Question, rec cases.Record) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE questions SET answer = ?, answered_by = ?, answered_at = ?, public = ?,
			folded = ? WHERE id = ?`), q.Answer, q.AnsweredBy, nullTime(q.AnsweredAt), q.Public, q.Folded, q.ID)
		if err := db.mustAffect("update question "+strconv.FormatInt(q.ID, 10), res, err); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, rec)
	})
}

// Questions implements cases.PortalStore. Words match as substrings of the folded
// text (folded words are ASCII letters and digits: nothing to escape).
func (db *DB) Questions(ctx context.Context, f cases.QuestionFilter) ([]cases.Question, int, error) {
	var where []string
	var args []any
	if f.UnitIDs != nil {
		w, a := inList("unit_id", f.UnitIDs)
		where, args = append(where, "(unit_id IS NULL OR "+w+")"), append(args, a...)
	}
	order := "asked_at DESC, id DESC"
	if f.PublicOnly {
		where = append(where, "public", "answered_at IS NOT NULL")
		order = "answered_at DESC, id DESC"
	}
	if f.Unanswered {
		where = append(where, "answered_at IS NULL")
	}
	if f.Topic != "" {
		where, args = append(where, "topic = ?"), append(args, f.Topic)
	}
	for _, w := range f.Words {
		where, args = append(where, "folded LIKE ?"), append(args, "%"+w+"%")
	}
	return listPage(ctx, db, "questions", questionColumns, where, args, order, listLimit(f.Limit, 50), f.Offset, scanQuestion)
}

const receptionDayColumns = `id, unit_id, kind, leader, weekdays, month_day, on_date, hours, place, note, updated_at`

func scanReceptionDay(row rowScanner) (cases.ReceptionDay, error) {
	var d cases.ReceptionDay
	var weekdays, onDate string
	err := row.Scan(&d.ID, &d.UnitID, &d.Kind, &d.Leader, &weekdays, &d.MonthDay, &onDate, &d.Hours, &d.Place, &d.Note, &d.UpdatedAt)
	if err != nil {
		return d, err
	}
	d.UpdatedAt = ts(d.UpdatedAt)
	for w := range strings.SplitSeq(weekdays, ",") {
		if w == "" {
			continue
		}
		n, err := strconv.Atoi(w)
		if err != nil || n < 1 || n > 7 {
			return d, fmt.Errorf("reception day %d: weekday %q", d.ID, w)
		}
		d.Weekdays = append(d.Weekdays, time.Weekday(n%7)) // ISO 7 is Sunday
	}
	if d.OnDate, err = cases.ParseDate(onDate); err != nil {
		return d, fmt.Errorf("reception day %d: %w", d.ID, err)
	}
	return d, nil
}

// isoWeekdays writes weekdays as ISO numbers (Monday 1 … Sunday 7).
func isoWeekdays(ws []time.Weekday) string {
	var out []string
	for _, w := range ws {
		n := int(w)
		if n == 0 {
			n = 7
		}
		out = append(out, strconv.Itoa(n))
	}
	return strings.Join(out, ",")
}

// ReceptionDays implements cases.PortalStore.
func (db *DB) ReceptionDays(ctx context.Context, unitIDs []int64) ([]cases.ReceptionDay, error) {
	query, args := `SELECT `+receptionDayColumns+` FROM reception_days`, []any{}
	if unitIDs != nil {
		w, a := inList("unit_id", unitIDs)
		query, args = query+` WHERE `+w, a
	}
	rows, err := db.sql.QueryContext(ctx, db.q(query+` ORDER BY unit_id, kind DESC, id`), args...)
	if err != nil {
		return nil, db.classify("list reception days", err)
	}
	defer rows.Close()
	var out []cases.ReceptionDay
	for rows.Next() {
		d, err := scanReceptionDay(rows)
		if err != nil {
			return nil, db.classify("list reception days", err)
		}
		out = append(out, d)
	}
	return out, db.classify("list reception days", rows.Err())
}

// ReceptionDay implements cases.PortalStore.
func (db *DB) ReceptionDay(ctx context.Context, id int64) (cases.ReceptionDay, error) {
	d, err := scanReceptionDay(db.sql.QueryRowContext(ctx, db.q(`SELECT `+receptionDayColumns+` FROM reception_days WHERE id = ?`), id))
	return d, db.classify("get reception day "+strconv.FormatInt(id, 10), err)
}

// PutReceptionDay implements cases.PortalStore; rec.Object, when empty, becomes
// "reception_day:ID".
func (db *DB) PutReceptionDay(ctx context.Context, d *cases.ReceptionDay, rec cases.Record) error {
	n := *d
	n.UpdatedAt = now()
	onDate := cases.FormatDate(cases.Date(n.OnDate))
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if n.ID == 0 {
			err := tx.QueryRowContext(ctx, db.q(`INSERT INTO reception_days (unit_id, kind, leader, weekdays, month_day, on_date,
				hours, place, note, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
				n.UnitID, n.Kind, n.Leader, isoWeekdays(n.Weekdays), n.MonthDay, onDate, n.Hours, n.Place, n.Note, n.UpdatedAt).Scan(&n.ID)
			if err != nil {
				return db.classify("create reception day", err)
			}
		} else {
			res, err := tx.ExecContext(ctx, db.q(`UPDATE reception_days SET unit_id = ?, kind = ?, leader = ?, weekdays = ?,
				month_day = ?, on_date = ?, hours = ?, place = ?, note = ?, updated_at = ? WHERE id = ?`),
				n.UnitID, n.Kind, n.Leader, isoWeekdays(n.Weekdays), n.MonthDay, onDate, n.Hours, n.Place, n.Note, n.UpdatedAt, n.ID)
			if err := db.mustAffect("update reception day "+strconv.FormatInt(n.ID, 10), res, err); err != nil {
				return err
			}
		}
		if rec.Object == "" {
			rec.Object = "reception_day:" + strconv.FormatInt(n.ID, 10)
		}
		return db.appendAudit(ctx, tx, rec)
	})
	if err != nil {
		return err
	}
	*d = n
	return nil
}

// DeleteReceptionDay implements cases.PortalStore.
func (db *DB) DeleteReceptionDay(ctx context.Context, id int64, rec cases.Record) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`DELETE FROM reception_days WHERE id = ?`), id)
		if err := db.mustAffect("delete reception day "+strconv.FormatInt(id, 10), res, err); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, rec)
	})
}

var _ cases.PINRehasher = (*DB)(nil)

// RehashCasePIN implements cases.PINRehasher.
func (db *DB) RehashCasePIN(ctx context.Context, id int64, old, new string) error {
	_, err := db.sql.ExecContext(ctx, db.q(`UPDATE cases SET pin_hash = ? WHERE id = ? AND pin_hash = ?`), new, id, old)
	return db.classify("rehash the PIN of case "+strconv.FormatInt(id, 10), err)
}

// RehashOnlinePIN implements cases.PINRehasher.
func (db *DB) RehashOnlinePIN(ctx context.Context, petitionID int64, old, new string) error {
	_, err := db.sql.ExecContext(ctx, db.q(`UPDATE online_petitions SET pin_hash = ? WHERE petition_id = ? AND pin_hash = ?`), new, petitionID, old)
	return db.classify("rehash the PIN of online petition "+strconv.FormatInt(petitionID, 10), err)
}
