package storagetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/ocr/redact"
	"kntc/storage/sqldb"
)

// testPublications: a publication round-trips with its rectangles; lists are
// newest first and filter by unit, kind, year, case and words of the public text
// (folded: with or without diacritics); a second posted copy of one document is a
// conflict; unpublishing takes it out of the posted lists, once; each change
// leaves its audit entry.
func testPublications(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	c := w.createCase(t, cases.KindComplaint, day(2026, 3, 2), nil)
	doc := func(n int) ingest.Document {
		d := sampleDocument()
		d.SHA256 = fmt.Sprintf("%064d", 900+n)
		d.CaseCode = c.Code
		must(t, "create document", db.CreateDocument(ctx, &d))
		return d
	}
	rec := func(action string) cases.Record {
		return cases.Record{UserID: w.leader.ID, Username: w.leader.Username, Action: action, Object: "case:" + c.Code}
	}
	at := time.Date(2026, 3, 20, 3, 4, 5, 123456000, time.UTC)
	pub := func(n int, d ingest.Document, unit string, kind ingest.Kind, year int, text string) cases.Publication {
		p := cases.Publication{ID: fmt.Sprintf("pub%02d", n), CaseCode: c.Code, CaseKind: c.Kind, UnitCode: unit, UnitName: "Đơn vị " + unit,
			DocumentID: d.ID, Kind: kind, Number: fmt.Sprintf("%d/QĐ-UBND", n), Date: fmt.Sprintf("%d-03-09", year), Year: year,
			Key: "public/aa/x.pdf", SHA256: fmt.Sprintf("%064d", n), Size: 1234, Pages: 2, Text: text,
			Rects:       []redact.Rect{{Page: 1, X0: 1, Y0: 2, X1: 30, Y1: 40, Reason: redact.ReasonPhone}},
			PublishedAt: at.Add(time.Duration(n) * time.Hour), PublishedBy: w.leader.ID, MinUntil: day(2026, 4, 4)}
		must(t, "create publication", db.CreatePublication(ctx, &p, rec(cases.ActionPublish)))
		return p
	}
	d1, d2, d3 := doc(1), doc(2), doc(3)
	p1 := pub(1, d1, "TTT", ingest.KindQuyetDinhGiaiQuyetKhieuNai, 2026, "QUYẾT ĐỊNH giải quyết khiếu nại về đất đai")
	p2 := pub(2, d2, "HT", ingest.KindQuyetDinhThuLy, 2025, "Thụ lý khiếu nại về bồi thường")
	p3 := pub(3, d3, "TTT", ingest.KindQuyetDinhThuLy, 2026, "Thụ lý giải quyết đất nông nghiệp")

	got, err := db.Publication(ctx, p1.ID)
	must(t, "get publication", err)
	if !reflect.DeepEqual(got, p1) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, p1)
	}
	if _, err := db.Publication(ctx, "nope"); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("unknown publication: %v", err)
	}
	again := p1
	again.ID = "pub99"
	if err := db.CreatePublication(ctx, &again, rec(cases.ActionPublish)); !errors.Is(err, errs.ErrConflict) {
		t.Errorf("a second posted copy of a document: %v, want a conflict", err)
	}

	ids := func(f cases.PublicationFilter) []string {
		t.Helper()
		list, total, err := db.Publications(ctx, f)
		must(t, "list publications", err)
		out := []string{}
		for _, p := range list {
			if p.Text != "" {
				t.Errorf("a list carries the text of %s", p.ID)
			}
			out = append(out, p.ID)
		}
		if total < len(out) {
			t.Errorf("total %d < %d listed", total, len(out))
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    cases.PublicationFilter
		want []string
	}{
		{"all, newest first", cases.PublicationFilter{}, []string{p3.ID, p2.ID, p1.ID}},
		{"unit", cases.PublicationFilter{UnitCode: "TTT"}, []string{p3.ID, p1.ID}},
		{"scope", cases.PublicationFilter{UnitCodes: []string{"HT"}}, []string{p2.ID}},
		{"empty scope", cases.PublicationFilter{UnitCodes: []string{}}, []string{}},
		{"kind", cases.PublicationFilter{Kind: ingest.KindQuyetDinhThuLy}, []string{p3.ID, p2.ID}},
		{"year", cases.PublicationFilter{Year: 2025}, []string{p2.ID}},
		{"document", cases.PublicationFilter{DocumentID: d1.ID}, []string{p1.ID}},
		{"case", cases.PublicationFilter{CaseCode: c.Code, Limit: 2}, []string{p3.ID, p2.ID}},
		{"offset", cases.PublicationFilter{Offset: 2}, []string{p1.ID}},
		{"words folded", cases.PublicationFilter{Words: []string{"dat"}}, []string{p3.ID, p1.ID}},
		{"two words", cases.PublicationFilter{Words: []string{"dat", "nong"}}, []string{p3.ID}},
		{"word start", cases.PublicationFilter{Words: []string{"boi"}}, []string{p2.ID}},
		{"not inside a word", cases.PublicationFilter{Words: []string{"uong"}}, []string{}},
		// Every word but the last must be a whole word; the last may be a word's
		// start (the visitor may not have finished typing it).
		{"the last word's start", cases.PublicationFilter{Words: []string{"boi", "thuo"}}, []string{p2.ID}},
		{"only the last word by its start", cases.PublicationFilter{Words: []string{"bo", "thuong"}}, []string{}},
		{"words, posted, unit", cases.PublicationFilter{LiveOnly: true, Words: []string{"giai"}, UnitCode: "TTT"}, []string{p3.ID, p1.ID}},
		{"words, kind, year", cases.PublicationFilter{LiveOnly: true, Words: []string{"thu"}, Kind: ingest.KindQuyetDinhThuLy, Year: 2026}, []string{p3.ID}},
		{"words, scope", cases.PublicationFilter{Words: []string{"khieu"}, UnitCodes: []string{"HT"}}, []string{p2.ID}},
		{"words, page 2", cases.PublicationFilter{Words: []string{"khieu"}, Limit: 1, Offset: 1}, []string{p1.ID}},
	} {
		if got := ids(tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}

	p1.UnpublishedAt, p1.UnpublishedBy, p1.Reason, p1.Ground = at.Add(48*time.Hour), w.leader.ID, "quyết định bị hủy", cases.GroundAnnulled
	must(t, "unpublish", db.Unpublish(ctx, &p1, rec(cases.ActionUnpublish)))
	if err := db.Unpublish(ctx, &p1, rec(cases.ActionUnpublish)); !errors.Is(err, errs.ErrConflict) {
		t.Errorf("unpublishing twice: %v", err)
	}
	unknown := cases.Publication{ID: "nope", UnpublishedAt: at}
	if err := db.Unpublish(ctx, &unknown, rec(cases.ActionUnpublish)); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("unpublishing an unknown publication: %v", err)
	}
	got, err = db.Publication(ctx, p1.ID)
	must(t, "get publication", err)
	if got.Live() || !got.UnpublishedAt.Equal(p1.UnpublishedAt) || got.Reason != p1.Reason || got.Ground != p1.Ground || got.UnpublishedBy != w.leader.ID {
		t.Errorf("after unpublishing: %+v", got)
	}
	if got := ids(cases.PublicationFilter{LiveOnly: true}); !slices.Equal(got, []string{p3.ID, p2.ID}) {
		t.Errorf("posted after unpublishing: %v", got)
	}
	if got := ids(cases.PublicationFilter{LiveOnly: true, Words: []string{"dat"}}); !slices.Equal(got, []string{p3.ID}) {
		t.Errorf("posted copies with a word after unpublishing: %v", got)
	}
	if got := ids(cases.PublicationFilter{Words: []string{"dat"}}); !slices.Equal(got, []string{p3.ID, p1.ID}) {
		t.Errorf("all copies with a word after unpublishing: %v", got)
	}
	// The count of a search stops at CountUpTo.
	if list, total, err := db.Publications(ctx, cases.PublicationFilter{Words: []string{"khieu"}, CountUpTo: 1, Limit: 1}); err != nil || total != 1 || len(list) != 1 {
		t.Errorf("capped count of a search: %d, %d rows, %v; want 1, 1 row", total, len(list), err)
	}
	// The document may be published again.
	again.ID, again.SHA256 = "pub98", fmt.Sprintf("%064d", 98)
	must(t, "publish again", db.CreatePublication(ctx, &again, rec(cases.ActionPublish)))
	// A retracted document's copy is posted no more.
	must(t, "retract", db.RetractDocument(ctx, &d2, "nhầm tài liệu", cases.Record{Username: "test", Action: cases.ActionRetract, Object: "document:" + d2.ID}))
	if got := ids(cases.PublicationFilter{LiveOnly: true}); !slices.Equal(got, []string{p3.ID, again.ID}) {
		t.Errorf("posted after a retraction: %v", got)
	}
	// Searched: the copy published again (at the same time as the one taken
	// down) is found, the retracted document's copy is not.
	if got := ids(cases.PublicationFilter{LiveOnly: true, Words: []string{"dat"}}); !slices.Equal(got, []string{p3.ID, again.ID}) {
		t.Errorf("posted copies with a word after a retraction: %v", got)
	}
	if got := ids(cases.PublicationFilter{LiveOnly: true, Words: []string{"boi"}}); !slices.Equal(got, []string{}) {
		t.Errorf("a retracted document's copy searched: %v", got)
	}
	entries, err := db.AuditEntries(ctx, cases.AuditFilter{Object: "case:" + c.Code})
	must(t, "audit", err)
	var acts []string
	for _, e := range entries {
		acts = append(acts, e.Action)
	}
	if want := []string{"create", "publish", "publish", "publish", "unpublish", "publish"}; !slices.Equal(acts, want) {
		t.Errorf("audit of the case: %v, want %v", acts, want)
	}
}
