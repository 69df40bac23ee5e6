package storagetest

import (
	"testing"
	"time"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

// testPortalForms: online petitions' codes (unique), questions (public and
// folded-word filters, units with the questions of no unit) and reception days
// (weekdays, month day, date) round-trip, each change with its audit entry.
func testPortalForms(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	rec := func(action string) cases.Record { return cases.Record{Username: "cong_dan", Action: action} }

	p := cases.Petition{UnitID: w.unit.ID, Source: cases.SourceOnline, Kind: cases.KindComplaint, Subject: "Khiếu nại", ReceivedOn: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)}
	must(t, "create petition", db.CreatePetition(ctx, &p, rec("create")))
	o := cases.OnlineRecord{PetitionID: p.ID, Code: "DT-2026-000001", PINHash: "$argon2id$x", Anonymous: true, Documents: []string{"a", "b"}}
	must(t, "create online petition", db.CreateOnlinePetition(ctx, &o, rec(cases.ActionPortalPetition)))
	got, err := db.OnlinePetitionByCode(ctx, "DT-2026-000001")
	must(t, "online petition by code", err)
	if got.PetitionID != p.ID || !got.Anonymous || len(got.Documents) != 2 || got.Documents[1] != "b" || got.PINHash != o.PINHash || got.CreatedAt.IsZero() {
		t.Errorf("online petition: %+v", got)
	}
	if _, err := db.OnlinePetition(ctx, p.ID); err != nil {
		t.Errorf("online petition by id: %v", err)
	}
	_, err = db.OnlinePetitionByCode(ctx, "DT-2026-000002")
	wantErr(t, "unknown code", err, errs.ErrNotFound)
	p2 := p
	must(t, "second petition", db.CreatePetition(ctx, &p2, rec("create")))
	dup := cases.OnlineRecord{PetitionID: p2.ID, Code: o.Code, PINHash: "x"}
	wantErr(t, "a taken code", db.CreateOnlinePetition(ctx, &dup, rec(cases.ActionPortalPetition)), errs.ErrConflict)

	asked := time.Now().UTC()
	q1 := cases.Question{UnitID: w.unit.ID, Topic: cases.TopicLand, Text: "Đất?", Contact: "a@b.vn", AskedAt: asked, Folded: " dat dai dat "}
	q2 := cases.Question{Topic: cases.TopicOther, Text: "Khác?", AskedAt: asked.Add(time.Second), Folded: " khac "}
	q3 := cases.Question{UnitID: w.other.ID, Topic: cases.TopicOther, Text: "Sở?", AskedAt: asked, Folded: " so "}
	for _, q := range []*cases.Question{&q1, &q2, &q3} {
		must(t, "create question", db.CreateQuestion(ctx, q, rec(cases.ActionQuestionAsk)))
	}
	list, n, err := db.Questions(ctx, cases.QuestionFilter{UnitIDs: []int64{w.unit.ID}})
	must(t, "questions of a unit", err)
	if n != 2 || len(list) != 2 || list[0].ID != q2.ID || list[1].Contact != "a@b.vn" || !list[1].AnsweredAt.IsZero() {
		t.Errorf("questions of the unit and of none: %d %+v", n, list)
	}
	q1.Answer, q1.AnsweredBy, q1.AnsweredAt, q1.Public, q1.Folded = "Trả lời", w.clerk.ID, time.Now().UTC(), true, " dat dai dat tra loi "
	must(t, "answer", db.UpdateQuestion(ctx, &q1, rec(cases.ActionQuestionAnswer)))
	pub, n, err := db.Questions(ctx, cases.QuestionFilter{PublicOnly: true, Words: []string{"dat", "tra"}, Topic: cases.TopicLand})
	must(t, "public questions", err)
	if n != 1 || pub[0].ID != q1.ID || pub[0].Answer != "Trả lời" || pub[0].AnsweredAt.IsZero() {
		t.Errorf("public search: %d %+v", n, pub)
	}
	if _, n, _ := db.Questions(ctx, cases.QuestionFilter{PublicOnly: true, Words: []string{"khac"}}); n != 0 {
		t.Errorf("an unanswered question is public")
	}
	if _, n, _ := db.Questions(ctx, cases.QuestionFilter{Unanswered: true}); n != 2 {
		t.Errorf("unanswered: %d", n)
	}

	d1 := cases.ReceptionDay{UnitID: w.unit.ID, Kind: cases.ScheduleRegular, Weekdays: []time.Weekday{time.Monday, time.Sunday}, Hours: "7:30", Place: "P"}
	d2 := cases.ReceptionDay{UnitID: w.other.ID, Kind: cases.ScheduleLeader, Leader: "L", OnDate: time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC), Hours: "h", Place: "p"}
	must(t, "create day", db.PutReceptionDay(ctx, &d1, rec(cases.ActionScheduleUpdate)))
	must(t, "create day", db.PutReceptionDay(ctx, &d2, rec(cases.ActionScheduleUpdate)))
	d1.MonthDay, d1.Weekdays = 15, nil
	must(t, "rewrite day", db.PutReceptionDay(ctx, &d1, rec(cases.ActionScheduleUpdate)))
	days, err := db.ReceptionDays(ctx, nil)
	must(t, "reception days", err)
	if len(days) != 2 || days[0].ID != d1.ID || days[0].MonthDay != 15 || len(days[0].Weekdays) != 0 || !days[1].OnDate.Equal(d2.OnDate) {
		t.Errorf("reception days: %+v", days)
	}
	d3 := cases.ReceptionDay{UnitID: w.unit.ID, Kind: cases.ScheduleRegular, Weekdays: []time.Weekday{time.Sunday, time.Saturday}, Hours: "h", Place: "p"}
	must(t, "weekend day", db.PutReceptionDay(ctx, &d3, rec(cases.ActionScheduleUpdate)))
	back, err := db.ReceptionDay(ctx, d3.ID)
	must(t, "reception day", err)
	if len(back.Weekdays) != 2 || back.Weekdays[0] != time.Sunday || back.Weekdays[1] != time.Saturday {
		t.Errorf("weekdays round trip: %v", back.Weekdays)
	}
	mine, err := db.ReceptionDays(ctx, []int64{w.other.ID})
	must(t, "days of a unit", err)
	if len(mine) != 1 || mine[0].ID != d2.ID {
		t.Errorf("days of the other unit: %+v", mine)
	}
	must(t, "delete day", db.DeleteReceptionDay(ctx, d2.ID, rec(cases.ActionScheduleDelete)))
	wantErr(t, "delete again", db.DeleteReceptionDay(ctx, d2.ID, rec(cases.ActionScheduleDelete)), errs.ErrNotFound)

	entries, err := db.AuditEntries(ctx, cases.AuditFilter{Limit: 100})
	must(t, "audit", err)
	if len(entries) != 12 {
		t.Errorf("%d audit entries, want 12 (one per change)", len(entries))
	}
}
