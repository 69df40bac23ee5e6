package cases

import (
	"context"
	"strings"
	"time"

	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/internal/textin"
)

// The header fields a person may correct when the scan was misread.
var (
	fieldDocNumber  = textin.Field{Key: "number", Name: "số, ký hiệu", English: "number", Max: 100}
	fieldDocDate    = textin.Field{Key: "date", Name: "ngày ban hành", English: "date", Max: 10}
	fieldDocIssuer  = textin.Field{Key: "issuer", Name: "cơ quan ban hành", English: "issuer", Max: 300}
	fieldDocType    = textin.Field{Key: "type", Name: "loại văn bản", English: "type", Max: 100}
	fieldDocSubject = textin.Field{Key: "subject", Name: "trích yếu", English: "subject", Max: 1000}
)

// HeaderCorrection is a document's header as a person corrected it: every
// field is written (an empty one becomes unknown). Date is YYYY-MM-DD.
type HeaderCorrection struct {
	Meta ingest.Metadata
	Kind ingest.Kind // "" keeps the kind unknown
}

// CorrectHeader writes a document's header fields (number, date, issuer, type,
// subject, kind) as a person read them off the scan, for those who may file
// documents (PermDocumentLink) and see this one. The change is audited (which
// fields, not their text: a subject may name a person) and, as the row's
// UpdatedAt moves, the search follower indexes the new values. A field that is
// wrong (too long, control characters, a date that is not one) is a field
// problem (errs.Problems) and nothing is written.
func (s *Service) CorrectHeader(ctx context.Context, a Actor, documentID string, h HeaderCorrection) (ingest.Document, error) {
	if err := a.require(PermDocumentLink); err != nil {
		return ingest.Document{}, err
	}
	var p errs.Problems
	m := h.Meta
	fieldDocNumber.Check(&p, &m.Number)
	fieldDocDate.Check(&p, &m.Date)
	fieldDocIssuer.Check(&p, &m.Issuer)
	fieldDocType.Check(&p, &m.Type)
	fieldDocSubject.Check(&p, &m.Subject)
	if m.Date != "" {
		if t, err := time.Parse(time.DateOnly, m.Date); err != nil || t.Year() < 1945 || t.After(s.today().AddDate(0, 0, 1)) {
			p.Add("date", "ngày ban hành phải là một ngày có thật, không ở tương lai, dạng YYYY-MM-DD (date must be a real date, not in the future, as YYYY-MM-DD)")
		}
	}
	if h.Kind != "" && !h.Kind.Valid() {
		p.Add("kind", "loại văn bản không có trong danh mục (unknown document kind)")
	}
	if err := p.Err(); err != nil {
		return ingest.Document{}, err
	}
	d, err := s.Document(ctx, a, documentID)
	if err != nil {
		return ingest.Document{}, err
	}
	var changed []string
	for _, f := range []struct {
		name     string
		old, new string
	}{{"number", d.Meta.Number, m.Number}, {"date", d.Meta.Date, m.Date}, {"issuer", d.Meta.Issuer, m.Issuer},
		{"type", d.Meta.Type, m.Type}, {"subject", d.Meta.Subject, m.Subject}, {"kind", string(d.Kind), string(h.Kind)}} {
		if f.old != f.new {
			changed = append(changed, f.name)
		}
	}
	if len(changed) == 0 {
		return d, nil
	}
	d.Meta, d.Kind = m, h.Kind
	if err := s.Store.CorrectDocumentHeader(ctx, &d, a.record(ActionUpdate, "document:"+d.ID, "header corrected: "+strings.Join(changed, ", "))); err != nil {
		return ingest.Document{}, err
	}
	return d, nil
}
