package storagetest

import (
	"fmt"
	"reflect"
	"testing"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

func testCaseDocuments(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	c := w.createCase(t, cases.KindDenunciation, day(2026, 3, 2), nil)
	newDoc := func(n int, caseCode, number string, edit func(*ingest.Document)) ingest.Document {
		t.Helper()
		d := sampleDocument()
		d.SHA256 = fmt.Sprintf("%064d", n)
		d.CaseCode, d.Meta.Number = caseCode, number
		if edit != nil {
			edit(&d)
		}
		must(t, "create document", db.CreateDocument(ctx, &d))
		got, err := db.Document(ctx, d.ID)
		must(t, "get document", err)
		if !reflect.DeepEqual(got, d) {
			t.Fatalf("document round trip:\n got %+v\nwant %+v", got, d)
		}
		return d
	}
	inbox := newDoc(1, "", "07/BC-UBND", func(d *ingest.Document) { d.Published = true })
	linked := newDoc(2, c.Code, "12/QĐ-TTr", func(d *ingest.Document) { d.Confidential = true })
	stray := newDoc(3, "", "12/QĐ-TTr", func(d *ingest.Document) { d.UnitCode = "HT" })
	minutes := newDoc(4, c.Code, "15/BB-TTr", nil)
	rescan := newDoc(5, "", "", func(d *ingest.Document) { d.Status, d.DuplicateOf = ingest.StatusDuplicate, linked.ID })

	// Confidential and Published are written by UpdateDocument too.
	minutes.Confidential, minutes.Published = true, true
	must(t, "update document", db.UpdateDocument(ctx, &minutes))
	got, err := db.Document(ctx, minutes.ID)
	must(t, "get document", err)
	if !reflect.DeepEqual(got, minutes) {
		t.Fatalf("after update:\n got %+v\nwant %+v", got, minutes)
	}

	ids := func(docs []ingest.Document) []string {
		var out []string
		for _, d := range docs {
			out = append(out, d.ID)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    ingest.DocumentFilter
		want []string
	}{
		{"unlinked", ingest.DocumentFilter{Unlinked: true}, []string{rescan.ID, stray.ID, inbox.ID}},
		{"unlinked in a unit", ingest.DocumentFilter{Unlinked: true, UnitCodes: []string{"STNMT"}}, []string{rescan.ID, inbox.ID}},
		{"unlinked, empty scope", ingest.DocumentFilter{Unlinked: true, UnitCodes: []string{}}, nil},
		{"linked to the case", ingest.DocumentFilter{CaseCode: c.Code}, []string{minutes.ID, linked.ID}},
		{"no grants: no confidential document, no duplicate of one", ingest.DocumentFilter{ConfidentialCases: []string{}}, []string{stray.ID, inbox.ID}},
		{"granted the case", ingest.DocumentFilter{ConfidentialCases: []string{"TC-2000-000001", c.Code}}, []string{rescan.ID, minutes.ID, stray.ID, linked.ID, inbox.ID}},
		{"granted another case", ingest.DocumentFilter{ConfidentialCases: []string{"TC-2000-000001"}, Unlinked: true}, []string{stray.ID, inbox.ID}},
	} {
		docs, total, err := db.Documents(ctx, tt.f)
		must(t, tt.name, err)
		if got := ids(docs); !reflect.DeepEqual(got, tt.want) || total != len(tt.want) {
			t.Fatalf("%s: %v (total %d), want %v", tt.name, got, total, tt.want)
		}
	}

	byNumber, err := db.DocumentsByNumber(ctx, []string{"12/QĐ-TTr", "15/BB-TTr", "99/XX"})
	must(t, "documents by number", err)
	if got, want := ids(byNumber), []string{linked.ID, minutes.ID}; !reflect.DeepEqual(got, want) {
		t.Fatalf("documents by number: %v, want %v (a document in no case is not one)", got, want)
	}
	if !reflect.DeepEqual(byNumber[0], linked) {
		t.Fatalf("document by number:\n got %+v\nwant %+v", byNumber[0], linked)
	}
	none, err := db.DocumentsByNumber(ctx, nil)
	must(t, "documents by no number", err)
	if none == nil || len(none) != 0 {
		t.Fatalf("documents by no number: %#v, want an empty slice", none)
	}

	// LinkDocument writes the case, kind, confidentiality and publication, nothing
	// else of what it is handed.
	before := inbox
	link := inbox
	link.CaseCode, link.Kind, link.Confidential = c.Code, "don_to_cao", true
	link.Status, link.Filename, link.Meta.Subject, link.Published = ingest.StatusFailed, "khác.pdf", "khác", false
	ev := cases.Event{UserID: w.clerk.ID, CaseID: c.ID, Type: cases.EventLinked, Note: "Từ hộp phân loại"}
	audited(t, db, cases.ActionLink, "document:"+inbox.ID, func() error {
		return db.LinkDocument(ctx, &link, ev, w.rec(cases.ActionLink, "document:"+inbox.ID))
	})
	got, err = db.Document(ctx, inbox.ID)
	must(t, "get linked document", err)
	want := before
	want.CaseCode, want.Kind, want.Confidential, want.Published, want.UpdatedAt = c.Code, "don_to_cao", true, false, link.UpdatedAt
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after linking:\n got %+v\nwant %+v", got, want)
	}
	if !got.UpdatedAt.After(before.UpdatedAt) {
		t.Fatalf("linking did not move UpdatedAt (%v, before %v): the search index would miss it", got.UpdatedAt, before.UpdatedAt)
	}
	changed, err := db.DocumentsChangedSince(ctx, minutes.UpdatedAt, minutes.ID, 100)
	must(t, "changed since", err)
	if len(changed) != 1 || changed[0].ID != inbox.ID || !changed[0].Confidential || changed[0].CaseCode != c.Code {
		t.Fatalf("changes after linking: %+v", changed)
	}
	evs, err := db.Events(ctx, c.ID)
	must(t, "events", err)
	if last := evs[len(evs)-1]; len(evs) != 2 || last.Type != cases.EventLinked || last.DocumentID != inbox.ID || last.Note != ev.Note {
		t.Fatalf("timeline after linking: %+v", evs)
	}
	docs, _, err := db.Documents(ctx, ingest.DocumentFilter{Unlinked: true})
	must(t, "unlinked after linking", err)
	if got := ids(docs); !reflect.DeepEqual(got, []string{rescan.ID, stray.ID}) {
		t.Fatalf("unlinked after linking: %v", got)
	}
	// Without a case event (ev.CaseID 0) only the audit entry is written.
	unlink := got
	unlink.CaseCode, unlink.Kind, unlink.Confidential = "", "", false
	audited(t, db, cases.ActionUnlink, "document:"+inbox.ID, func() error {
		return db.LinkDocument(ctx, &unlink, cases.Event{}, w.rec(cases.ActionUnlink, "document:"+inbox.ID))
	})
	evs, err = db.Events(ctx, c.ID)
	must(t, "events", err)
	if len(evs) != 2 {
		t.Fatalf("an unlink without a case event added to the timeline: %+v", evs)
	}
	got, err = db.Document(ctx, inbox.ID)
	must(t, "get unlinked document", err)
	if got.CaseCode != "" || got.Confidential || got.Published {
		t.Fatalf("after unlinking: %+v", got)
	}
	ghost := sampleDocument()
	ghost.ID = "0190a0a0-0000-7000-8000-00000000dead"
	refused(t, db, "link a missing document", errs.ErrNotFound, func() error {
		return db.LinkDocument(ctx, &ghost, ev, w.rec(cases.ActionLink, "document:"+ghost.ID))
	})
}

func testSuggestions(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	w := newCaseWorld(t, db)
	c1 := w.createCase(t, cases.KindComplaint, day(2026, 3, 2), nil)
	c2 := w.createCase(t, cases.KindComplaint, day(2026, 3, 3), nil)
	var docs [2]ingest.Document
	for i := range docs {
		docs[i] = sampleDocument()
		docs[i].SHA256, docs[i].CaseCode = fmt.Sprintf("%064d", i), ""
		must(t, "create document", db.CreateDocument(ctx, &docs[i]))
	}
	a, b := docs[0].ID, docs[1].ID
	before := lastAuditSeq(t, db)
	must(t, "set suggestions", db.SetSuggestions(ctx, a, []cases.Suggestion{
		{CaseCode: c1.Code, Reason: "code_in_text", Detail: c1.Code, Score: 0.9},
		{CaseCode: c2.Code, Reason: "subject", Score: 0.4},
		{CaseCode: c2.Code, Reason: "number_follows", Detail: "12/QĐ-TTr", Score: 0.95},
	}))
	must(t, "set suggestions", db.SetSuggestions(ctx, b, []cases.Suggestion{{CaseCode: c1.Code, Reason: "subject", Score: 0.5}}))
	if lastAuditSeq(t, db) != before {
		t.Fatal("suggestions were audited: they are derived data, not acts")
	}
	wantA := []cases.Suggestion{
		{DocumentID: a, CaseCode: c2.Code, Reason: "number_follows", Detail: "12/QĐ-TTr", Score: 0.95},
		{DocumentID: a, CaseCode: c1.Code, Reason: "code_in_text", Detail: c1.Code, Score: 0.9},
		{DocumentID: a, CaseCode: c2.Code, Reason: "subject", Score: 0.4},
	}
	wantB := []cases.Suggestion{{DocumentID: b, CaseCode: c1.Code, Reason: "subject", Score: 0.5}}
	got, err := db.Suggestions(ctx, []string{b, a})
	must(t, "suggestions", err)
	var gotA, gotB []cases.Suggestion
	for i, s := range got {
		if i > 0 && s.DocumentID != got[i-1].DocumentID && (s.DocumentID == a && len(gotA) > 0 || s.DocumentID == b && len(gotB) > 0) {
			t.Fatalf("suggestions are not grouped by document: %+v", got)
		}
		switch s.DocumentID {
		case a:
			gotA = append(gotA, s)
		case b:
			gotB = append(gotB, s)
		}
	}
	if !reflect.DeepEqual(gotA, wantA) || !reflect.DeepEqual(gotB, wantB) {
		t.Fatalf("suggestions:\n got %+v\nwant %+v and %+v", got, wantA, wantB)
	}
	must(t, "replace suggestions", db.SetSuggestions(ctx, a, []cases.Suggestion{{CaseCode: c1.Code, Reason: "subject", Score: 0.7}}))
	got, err = db.Suggestions(ctx, []string{a})
	must(t, "suggestions after replacing", err)
	if len(got) != 1 || got[0].Score != 0.7 {
		t.Fatalf("after replacing: %+v", got)
	}
	wantErr(t, "suggestion for a missing case", db.SetSuggestions(ctx, a, []cases.Suggestion{{CaseCode: "KN-2026-999999", Reason: "subject"}}), errs.ErrNotFound)
	got, err = db.Suggestions(ctx, []string{a})
	must(t, "suggestions after a refused replace", err)
	if len(got) != 1 || got[0].Score != 0.7 {
		t.Fatalf("a refused replace changed the suggestions: %+v", got)
	}
	wantErr(t, "suggestion for a missing document", db.SetSuggestions(ctx, "0190a0a0-0000-7000-8000-00000000dead",
		[]cases.Suggestion{{CaseCode: c1.Code, Reason: "subject"}}), errs.ErrNotFound)
	must(t, "clear suggestions", db.SetSuggestions(ctx, a, nil))
	must(t, "delete a document with suggestions", db.DeleteDocument(ctx, b))
	got, err = db.Suggestions(ctx, []string{a, b})
	must(t, "suggestions after clearing", err)
	if got == nil || len(got) != 0 {
		t.Fatalf("after clearing and deleting: %#v, want an empty slice", got)
	}
	got, err = db.Suggestions(ctx, nil)
	must(t, "suggestions of no document", err)
	if got == nil || len(got) != 0 {
		t.Fatalf("suggestions of no document: %#v", got)
	}
}
