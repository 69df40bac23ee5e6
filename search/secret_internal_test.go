package search

import (
	"context"
	"strings"
	"testing"
	"time"

	index "github.com/blevesearch/bleve_index_api"

	"kntc/ingest"
)

// TestConfidentialTermsAreNotInTheIndex looks inside the index itself (white-box:
// no query can prove a term is absent from every field): after indexing a
// confidential letter, no term of any field and no stored field holds a piece of
// its sender's identity.
func TestConfidentialTermsAreNotInTheIndex(t *testing.T) {
	ix, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	at := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	d := ingest.Document{ID: "d-letter", Status: ingest.StatusStored, UnitCode: "CT", CaseCode: "TC-2026-000001", Kind: "khac",
		Meta: ingest.Metadata{Issuer: "Phạm Thị Hồng Nhung", Subject: "Tố cáo của bà Nhung"}, Confidential: true, CreatedAt: at, UpdatedAt: at}
	pages := []ingest.Page{
		{DocumentID: d.ID, Number: 1, Text: "Tôi là Phạm Thị Hồng Nhung, CCCD 079187654321, điện thoại 0912345678."},
		{DocumentID: d.ID, Number: 2, Text: "Người tố cáo ký tên: Nhung."},
	}
	if err := ix.Put(context.Background(), Entry{Document: d, Pages: pages}); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"nhung", "hồng", "hong", "079187654321", "0912345678", "phạm", "pham"}
	for i, s := range ix.shards {
		adv, err := s.Advanced()
		if err != nil {
			t.Fatal(err)
		}
		r, err := adv.Reader()
		if err != nil {
			t.Fatal(err)
		}
		fields, err := r.Fields()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fields {
			dict, err := r.FieldDict(f)
			if err != nil {
				t.Fatal(err)
			}
			for de, err := dict.Next(); de != nil || err != nil; de, err = dict.Next() {
				if err != nil {
					t.Fatal(err)
				}
				for _, sec := range secrets {
					if strings.Contains(strings.ToLower(de.Term), sec) {
						t.Errorf("shard %d field %s holds the term %q", i, f, de.Term)
					}
				}
			}
			dict.Close()
		}
		for _, id := range []string{"d-letter", "d-letter/1", "d-letter/2"} {
			doc, err := r.Document(id)
			if err != nil || doc == nil {
				continue // held by the other shard
			}
			doc.VisitFields(func(f index.Field) {
				for _, sec := range secrets {
					if strings.Contains(strings.ToLower(string(f.Value())), sec) {
						t.Errorf("shard %d stores %q in %s of %s", i, f.Value(), f.Name(), id)
					}
				}
			})
		}
		r.Close()
	}
}
