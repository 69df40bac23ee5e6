package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"kntc/ingest"
	"kntc/internal/errs"
)

// Retraction is a retracted document as the retraction and purge lists show it:
// where it was, who took it out and when; never its file name or text. Reason is
// for the store's callers; the web answers leave it out (it may name people).
type Retraction struct {
	DocumentID string
	UnitCode   string
	CaseCode   string
	Kind       ingest.Kind
	Pages      int
	Size       int64
	Reason     string
	By         string
	At         time.Time
	PurgedAt   time.Time // zero until purged
	PurgedBy   string
	SHA256     string // of its original: where its objects are (not shown)
	Pipeline   string
	// WriteOnceUntil is, for a retracted decision whose archive copy is kept
	// write-once (WORM), the end of that retention: no purge before it. Zero
	// otherwise (its objects are then kept until a purge). Service.Retractions
	// fills it for the documents not yet purged.
	WriteOnceUntil time.Time
}

// RetractionFilter selects retracted documents.
type RetractionFilter struct {
	UnitCodes  []string // nil: every unit
	Purged     *bool    // nil: both
	DocumentID string   // "": every document
	Limit      int
	Offset     int
}

// retractable is document id as an actor who may retract it finds it: through
// Document for those who read documents (scope, confidentiality), and by its unit
// for an administrator, who reads no document (a confidential one is not found).
func (s *Service) retractable(ctx context.Context, a Actor, id string) (ingest.Document, error) {
	if a.system() || Can(a.User.Role, PermDocumentRead) {
		return s.Document(ctx, a, id)
	}
	d, err := s.Docs.Document(ctx, id)
	if err != nil {
		return ingest.Document{}, err
	}
	// A confidential document is for those granted its case: to anyone else it
	// does not exist, so that no answer tells it apart.
	if d.Retracted || !a.Scope.Allows(d.UnitCode) || d.Confidential || d.SecretCase != "" {
		return ingest.Document{}, notFound("document " + id)
	}
	return d, nil
}

// Retractions lists the retracted documents of the actor's units (leaders and
// administrators), newest first.
func (s *Service) Retractions(ctx context.Context, a Actor, f RetractionFilter) ([]Retraction, int, error) {
	if err := a.require(PermDocumentRetract); err != nil {
		return nil, 0, err
	}
	f.UnitCodes = nil
	if !a.Scope.All {
		f.UnitCodes = append([]string{}, a.Scope.Codes...)
	}
	list, total, err := s.Store.Retractions(ctx, f)
	if err != nil || s.Blobs == nil {
		return list, total, err
	}
	// The purge's own rule (retainedUntil) says which cannot be purged yet.
	for i, r := range list {
		if !r.PurgedAt.IsZero() || r.SHA256 == "" || r.Pipeline == "" {
			continue
		}
		until, err := retainedUntil(ctx, s.Blobs, ingest.ArchiveKey(r.SHA256, r.Pipeline))
		if err != nil {
			return nil, 0, fmt.Errorf("retractions: %w", err)
		}
		if until.After(s.now()) {
			list[i].WriteOnceUntil = until
		}
	}
	return list, total, nil
}

// PurgeResult says what a purge deleted and what it kept.
type PurgeResult struct {
	Deleted int // objects deleted
	// Shared is true when another document holds the same bytes: its objects are
	// that document's too and were kept.
	Shared bool
}

// Purge deletes the files of a retracted document (administrators of its unit):
// the original, the archive copy, the page results, every copy made from them and
// its public copies,
// and wipes its page text and file name in the database. It is refused for a
// document not retracted, and for a decision whose archive copy is still under a
// write-once retention (WORM) — not even an administrator may delete that. The
// purge is recorded (audited) before anything is deleted, so a purge cut short is
// finished by running it again. Objects another document shares (the same bytes
// put in again) are kept.
func (s *Service) Purge(ctx context.Context, a Actor, documentID string) (PurgeResult, error) {
	var res PurgeResult
	if err := a.require(PermDocumentPurge); err != nil {
		return res, err
	}
	if s.Blobs == nil {
		return res, errors.New("purge: no object store configured")
	}
	d, err := s.Docs.Document(ctx, documentID)
	if err != nil {
		return res, err
	}
	if !a.Scope.Allows(d.UnitCode) {
		return res, notFound("document " + documentID)
	}
	if !d.Retracted {
		return res, errs.Errorf(errs.Conflict, "tài liệu %s chưa bị rút, hãy rút trước khi xoá (document %s is not retracted; retract it first)", d.ID, d.ID)
	}
	if d.SHA256 != "" && d.Pipeline != "" {
		until, err := retainedUntil(ctx, s.Blobs, ingest.ArchiveKey(d.SHA256, d.Pipeline))
		if err != nil {
			return res, fmt.Errorf("purge %s: %w", d.ID, err)
		}
		if until.After(s.now()) {
			return res, errs.Errorf(errs.Conflict, "bản lưu của tài liệu %s là quyết định được lưu giữ không sửa xoá đến %s, không xoá được (the archive copy of %s is write-once until %s)",
				d.ID, FormatDate(until), d.ID, until.Format(time.DateOnly))
		}
	}
	if d.SHA256 != "" {
		if res.Shared, err = s.Store.SHA256Shared(ctx, d.SHA256, d.ID); err != nil {
			return res, err
		}
	}
	detail := fmt.Sprintf("case:%s unit:%s shared:%t", d.CaseCode, d.UnitCode, res.Shared)
	if _, err := s.Store.PurgeDocument(ctx, d.ID, a.record(ActionPurge, "document:"+d.ID, detail)); err != nil {
		return res, err
	}
	var keys []string
	if s.Publications != nil {
		// Its public copies (taken off the portal when it was retracted).
		pubs, _, err := s.Publications.Publications(ctx, PublicationFilter{DocumentID: d.ID, Limit: 1000})
		if err != nil {
			return res, fmt.Errorf("purge %s: its public copies: %w", d.ID, err)
		}
		for _, p := range pubs {
			if p.Key != "" {
				keys = append(keys, p.Key)
			}
		}
	}
	if !res.Shared && len(d.SHA256) >= 2 {
		keys = append(keys, ingest.OriginalKey(d.SHA256))
	}
	if !res.Shared && len(d.SHA256) >= 2 {
		if err := s.Blobs.List(ctx, "derived/"+d.SHA256[:2]+"/"+d.SHA256+"/", func(b ingest.BlobInfo) error {
			keys = append(keys, b.Key)
			return nil
		}); err != nil {
			return res, fmt.Errorf("purge %s: list its objects: %w", d.ID, err)
		}
	}
	for _, k := range keys {
		if err := s.Blobs.Delete(ctx, k); err != nil {
			return res, fmt.Errorf("purge %s: delete %s: %w", d.ID, k, err)
		}
		res.Deleted++
	}
	return res, nil
}

// retainedUntil reads the write-once record of key (WORM.Retain): the end of its
// retention, or the zero time when it has none.
func retainedUntil(ctx context.Context, blobs ingest.BlobStore, key string) (time.Time, error) {
	rc, err := blobs.Get(ctx, wormPrefix+key+".json", 0, -1)
	if errors.Is(err, errs.ErrNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read the write-once record of %s: %w", key, err)
	}
	defer rc.Close()
	var rec WORMRecord
	if err := json.NewDecoder(io.LimitReader(rc, 1<<16)).Decode(&rec); err != nil {
		// A damaged record is no licence to delete: treat the copy as retained.
		return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), nil
	}
	return rec.RetainUntil, nil
}
