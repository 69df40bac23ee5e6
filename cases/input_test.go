package cases_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

// wantInvalid fails unless err is ErrInvalid with a message holding every part.
func wantInvalid(t *testing.T, what string, err error, parts ...string) {
	t.Helper()
	if !errors.Is(err, errs.ErrInvalid) {
		t.Fatalf("%s: %v, want ErrInvalid", what, err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("%s: %q does not say %q", what, err, p)
		}
	}
}

// TestTextFieldsChecked opens cases, registers letters and records visits with the
// inputs an attack found accepted: control and bidirectional characters in names,
// a subject of nothing but a zero-width space, names of thousands of characters,
// thousands of parties.
func TestTextFieldsChecked(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		newCase := func(parties ...cases.Party) cases.NewCase {
			return cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost, Subject: "Khiếu nại quyết định thu hồi đất", Parties: parties}
		}
		party := func(p cases.Person) cases.Party { return cases.Party{Role: cases.RolePetitioner, Person: p} }
		refused := []struct {
			name  string
			in    cases.NewCase
			parts []string
		}{
			{"NUL in a name", newCase(party(cases.Person{Name: "Nguyễn\x00Văn A"})), []string{"tên đương sự chứa ký tự điều khiển", "(party name contains control characters)"}},
			{"bidi override in a name", newCase(party(cases.Person{Name: "Nguyễn \u202eA nốV"})), []string{"tên đương sự", "bidirectional"}},
			{"5000 characters", newCase(party(cases.Person{Name: strings.Repeat("Nguyễn ", 715)})), []string{"tối đa 200 ký tự"}},
			{"ID number with a dash", newCase(party(cases.Person{Name: "A", IDNumber: "0721-9000"})), []string{"số giấy tờ tùy thân", "digits and ASCII letters"}},
			{"ID number too long", newCase(party(cases.Person{Name: "A", IDNumber: strings.Repeat("1", 21)})), []string{"tối đa 20 ký tự"}},
			{"phone of letters", newCase(party(cases.Person{Name: "A", Phone: "gọi tôi"})), []string{"số điện thoại"}},
			{"address too long", newCase(party(cases.Person{Name: "A", Address: strings.Repeat("x", 501)})), []string{"địa chỉ", "500"}},
			{"subject of a zero-width space", cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost, Subject: "\u200b"}, []string{"trích yếu nội dung bắt buộc", "(subject is required)"}},
			{"summary too long", cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost, Subject: "x", Summary: strings.Repeat("x", 10001)}, []string{"tóm tắt", "10000"}},
			{"51 parties", newCase(make([]cases.Party, 51)...), []string{"tối đa 50 đương sự", "at most 50 parties"}},
		}
		for _, tt := range refused {
			_, _, err := w.svc.CreateCase(ctx, w.clerk, tt.in)
			wantInvalid(t, tt.name, err, tt.parts...)
		}
		many := make([]cases.Party, 20000)
		for i := range many {
			many[i] = party(cases.Person{Name: "\x00"})
		}
		_, _, err := w.svc.CreateCase(ctx, w.clerk, newCase(many...))
		wantInvalid(t, "20,000 parties", err, "at most 50 parties")
		if len(err.Error()) > 1000 {
			t.Fatalf("20,000 parties give a message of %d bytes: one problem is enough", len(err.Error()))
		}

		c, _, err := w.svc.CreateCase(ctx, w.clerk, newCase(party(cases.Person{Name: " Nguye\u0302\u0303n\u200b Văn A ", IDNumber: "072190000001", Phone: "+84 912.345-678"})))
		if err != nil {
			t.Fatalf("a clean case: %v", err)
		}
		ps, err := w.svc.Parties(ctx, w.clerk, c.Code)
		if err != nil || len(ps) != 1 || ps[0].Person.Name != "Nguyễn Văn A" {
			t.Fatalf("parties %+v, %v; want the name in NFC without the zero-width space", ps, err)
		}
		_, err = w.svc.AddParty(ctx, w.clerk, c.Code, party(cases.Person{Name: "B\u2066"}))
		wantInvalid(t, "bidi isolate in an added party", err, "tên đương sự")
		_, err = w.svc.Transition(ctx, w.clerk, c.Code, c.Version, cases.Transition{To: cases.StatusClassified, Note: "ghi\x00chú"})
		wantInvalid(t, "NUL in a transition note", err, "ghi chú")

		letter := func(p cases.Petition) cases.Petition {
			if p.Source == "" {
				p.Source = cases.SourcePost
			}
			if p.Subject == "" {
				p.Subject = "Đề nghị cấp giấy chứng nhận"
			}
			return p
		}
		_, err = w.svc.RegisterPetition(ctx, w.clerk, letter(cases.Petition{Subject: "\u200b\ufeff"}))
		wantInvalid(t, "a letter's subject of zero-width characters", err, "trích yếu nội dung đơn bắt buộc")
		_, err = w.svc.RegisterPetition(ctx, w.clerk, letter(cases.Petition{Petitioner: cases.Person{Name: "Trần\u202eB"}}))
		wantInvalid(t, "a sender's name with an override", err, "tên người gửi đơn", "(petitioner name contains bidirectional")
		_, err = w.svc.RegisterPetition(ctx, w.clerk, letter(cases.Petition{Content: strings.Repeat("ư", 10001)}))
		wantInvalid(t, "a letter's content too long", err, "nội dung đơn")
		p, err := w.svc.RegisterPetition(ctx, w.clerk, letter(cases.Petition{Content: "dòng 1\r\ndòng 2", Petitioner: cases.Person{Name: "Trần Thị B"}}))
		if err != nil || p.Content != "dòng 1\ndòng 2" {
			t.Fatalf("a clean letter: %q, %v", p.Content, err)
		}

		visit := func(n int) cases.Reception {
			r := cases.Reception{Kind: cases.KindComplaint, Content: "Hỏi về tiến độ giải quyết", Outcome: cases.OutcomeGuided}
			for i := range n {
				r.Visitors = append(r.Visitors, cases.Person{Name: "Công dân " + strings.Repeat("I", i%5+1)})
			}
			return r
		}
		_, err = w.svc.RecordReception(ctx, w.clerk, visit(101))
		wantInvalid(t, "101 visitors", err, "tối đa 100 công dân", "group_size")
		r, err := w.svc.RecordReception(ctx, w.clerk, visit(100))
		if err != nil || r.GroupSize != 100 {
			t.Fatalf("100 visitors: size %d, %v", r.GroupSize, err)
		}
		big := visit(3)
		big.GroupSize = 250
		if r, err := w.svc.RecordReception(ctx, w.clerk, big); err != nil || r.GroupSize != 250 {
			t.Fatalf("a group of 250 with 3 representatives: size %d, %v", r.GroupSize, err)
		}
		empty := visit(1)
		empty.Content = "\u200b"
		_, err = w.svc.RecordReception(ctx, w.clerk, empty)
		wantInvalid(t, "a visit's content of a zero-width space", err, "nội dung tiếp công dân bắt buộc")
		bad := visit(2)
		bad.Visitors[1].Name = "Lê\x1bVăn C"
		_, err = w.svc.RecordReception(ctx, w.clerk, bad)
		wantInvalid(t, "an escape in a visitor's name", err, "tên công dân 2")
		// A visit's 100 visitors all become parties of the case it opens.
		if _, _, _, err := w.svc.OpenCaseFromReception(ctx, w.clerk, r.ID, cases.NewCase{}); err != nil {
			t.Fatalf("open a case from a visit of 100: %v", err)
		}
	})
}

// TestDatesChecked: a date given is a real date, never silently today.
func TestDatesChecked(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		day := func(s string) time.Time { d, _ := cases.ParseDate(s); return d }
		in := func(received time.Time) cases.NewCase {
			return cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost, Subject: "Khiếu nại", ReceivedOn: received}
		}
		for _, d := range []string{"1900-01-01", "1944-12-31"} {
			_, _, err := w.svc.CreateCase(ctx, w.clerk, in(day(d)))
			wantInvalid(t, "received on "+d, err, "ngày nhận đơn "+d+" không phải ngày hợp lệ", "1945-01-01")
		}
		_, _, err := w.svc.CreateCase(ctx, w.clerk, in(day("2026-03-11")))
		wantInvalid(t, "received tomorrow", err, "ở tương lai")
		c, _, err := w.svc.CreateCase(ctx, w.clerk, in(day("1945-01-01")))
		if err != nil || cases.FormatDate(c.ReceivedOn) != "1945-01-01" {
			t.Fatalf("received on 1945-01-01: %v %v", c.ReceivedOn, err)
		}
		c, _, err = w.svc.CreateCase(ctx, w.clerk, in(time.Time{}))
		if err != nil || cases.FormatDate(c.ReceivedOn) != "2026-03-10" {
			t.Fatalf("no receipt date: %v %v, want today", c.ReceivedOn, err)
		}
		_, err = w.svc.Transition(ctx, w.clerk, c.Code, c.Version, cases.Transition{To: cases.StatusClassified, On: day("1800-05-05")})
		wantInvalid(t, "a step dated 1800", err, "ngày của bước xử lý 1800-05-05 không phải ngày hợp lệ")

		_, err = w.svc.RegisterPetition(ctx, w.clerk, cases.Petition{Source: cases.SourcePost, Subject: "Đơn", ReceivedOn: day("1000-01-01")})
		wantInvalid(t, "a letter received in 1000", err, "ngày nhận đơn")
		_, err = w.svc.RegisterPetition(ctx, w.clerk, cases.Petition{Source: cases.SourcePost, Subject: "Đơn", ReceivedOn: day("2026-03-12")})
		wantInvalid(t, "a letter received the day after tomorrow", err, "ở tương lai")

		visit := cases.Reception{Content: "Hỏi", Outcome: cases.OutcomeGuided, Visitors: []cases.Person{{Name: "A"}}}
		visit.At = time.Date(1900, 1, 1, 8, 0, 0, 0, time.UTC)
		_, err = w.svc.RecordReception(ctx, w.clerk, visit)
		wantInvalid(t, "a visit in 1900", err, "thời điểm tiếp")
		visit.At = time.Date(2026, 3, 11, 8, 0, 0, 0, time.UTC)
		_, err = w.svc.RecordReception(ctx, w.clerk, visit)
		wantInvalid(t, "a visit tomorrow", err, "ở tương lai")
	})
}
