package ingest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"kntc/internal/errs"
)

// Origin says where a file came from and where it is routed.
type Origin struct {
	Path     string // the file's path when it arrived (hot folder, upload temp file, CLI path)
	Filename string // the name to show (the hot-folder or upload name)
	Source   string // "hotfolder", "upload" or "cli"
	UnitCode string
	CaseCode string
	// Keep leaves the source in place (kntc ingest copies); otherwise the claim moves it.
	Keep bool
	// Kind is the document kind when the file's origin says it (a QR cover sheet).
	Kind Kind
	// Batch, for a part of a scan batch split at its cover sheets, is the batch's
	// document ID; the part's SourcePath becomes SplitSource(Batch).
	Batch string
	// Confidential and SecretCase mark a file whose name or route already says it
	// carries a protected identity (the case system judges it as it arrives), so
	// it is hidden from the start, not only once processed.
	Confidential bool
	SecretCase   string
	// UserID and Username are who sent the file (the uploader; "cli" for kntc
	// ingest), for the audit entry of its arrival.
	UserID   int64
	Username string
}

// claimRecord is written into the spool before the source is touched, so a crash at
// any instant can be finished from the spool alone.
type claimRecord struct {
	ID     string `json:"id"`
	Origin Origin `json:"origin"`
	// Refused is why the file's route was refused (Spool.CheckRoute): the claim
	// quarantines it instead of recording it.
	Refused string `json:"refused,omitempty"`
}

// Spool claims files: it moves (or copies) them into the spool directory and records
// them. At every instant a claimed file is either still at its source, or in the spool
// with a claim record or a database row. Safe for concurrent use.
type Spool struct {
	Dir       string
	Docs      DocumentStore
	Registrar Registrar
	Logger    *slog.Logger
	// NewID returns a new document ID (UUIDv7 in production).
	NewID func() string
	// CheckRoute, when set, is asked about the unit and case code the sub-folders
	// of a hot-folder file name (Route) before the file is taken. It returns them
	// as they are stored: the unit's code as written in the unit tree, the case
	// code in upper case. An error wrapping errs.ErrInvalid refuses the route: the file
	// goes to Quarantine with that error as the reason (a clerk reads it), taken
	// into no unit nobody can see; on a refusal, unit is the unit's code when the
	// unit itself is known, "" otherwise. Any other error leaves the file in the
	// hot folder, to be tried again. It must be safe for concurrent use.
	CheckRoute func(ctx context.Context, unit, caseCode string) (string, string, error)
	// Quarantine receives the files whose route CheckRoute refuses.
	Quarantine *Quarantine
	// Vet, when set, judges a file by its origin (name, unit, case) as it is
	// claimed, before any page is read: the case system marks a file that already
	// says it carries a protected identity confidential (Origin.Confidential). An
	// error leaves the file where it is, to be tried again. Safe for concurrent use.
	Vet func(ctx context.Context, o *Origin) error
	// Blobs, when set, receives each new document's original as it is claimed,
	// before its job exists: on several machines (kntc serve --role) the job may
	// run on a worker that never sees this spool, and takes the bytes from the
	// object store (Processor.ensureSpool).
	Blobs BlobStore
}

// Path is where document id's bytes wait in the spool.
func (s *Spool) Path(id string) string { return filepath.Join(s.Dir, id) }

func (s *Spool) recordPath(id string) string { return filepath.Join(s.Dir, id+".claim.json") }

// Claim takes the file at o.Path into the spool and records it: status received with
// its job queued, or status duplicate when a document with the same bytes exists.
func (s *Spool) Claim(ctx context.Context, o Origin) (Document, error) {
	return s.claim(ctx, s.NewID(), o)
}

// claim is Claim under a given document ID: the parts of a split batch have IDs
// derived from the batch's, so that claiming one again after a crash conflicts with
// its row (which finish ignores) instead of recording it twice.
func (s *Spool) claim(ctx context.Context, id string, o Origin) (Document, error) {
	if o.Filename == "" {
		o.Filename = filepath.Base(o.Path)
	}
	dropped := o // the route as its sub-folders name it, before checkRoute
	refused, err := s.checkRoute(ctx, &o)
	if err != nil {
		return Document{}, fmt.Errorf("claim document %s: %w", id, err)
	}
	if s.Vet != nil {
		vet := &o
		if refused != nil {
			// A refused file is judged by its name and the route it was dropped
			// in (a denunciation's code under another unit): one carrying a
			// protected identity goes to quarantine under its ID (Quarantine.Put).
			vet = &dropped
		}
		if err := s.Vet(ctx, vet); err != nil {
			return Document{}, fmt.Errorf("claim document %s: vet its origin: %w", id, err)
		}
		o.Confidential = o.Confidential || vet.Confidential
	}
	rec := claimRecord{ID: id, Origin: o}
	if refused != nil {
		rec.Refused = refused.Error()
	}
	if err := writeFileSync(s.recordPath(id), mustJSON(rec)); err != nil {
		return Document{}, fmt.Errorf("claim document %s: %w", id, err)
	}
	sum, size, err := s.take(id, o, s.Path(id))
	if err != nil {
		if _, serr := os.Lstat(heldPath(o.Path, id)); o.Keep || serr != nil {
			_ = os.Remove(s.recordPath(id))
		}
		return Document{}, fmt.Errorf("claim document %s: %w", id, err)
	}
	if refused != nil {
		return s.refuse(ctx, id, o, sum, size, refused)
	}
	return s.finish(ctx, id, o, sum, size)
}

// checkRoute asks CheckRoute about a hot-folder file's route and writes the
// route as stored into o. refused is the reason a wrong route is refused; err a
// failure to check (the file is not touched).
func (s *Spool) checkRoute(ctx context.Context, o *Origin) (refused, err error) {
	if s.CheckRoute == nil || o.Source != "hotfolder" || o.UnitCode == "" && o.CaseCode == "" {
		return nil, nil
	}
	unit, code, err := s.CheckRoute(ctx, o.UnitCode, o.CaseCode)
	switch {
	case err == nil:
		o.UnitCode, o.CaseCode = unit, code
		return nil, nil
	case !errors.Is(err, errs.ErrInvalid):
		return nil, fmt.Errorf("check the route %s/%s: %w", o.UnitCode, o.CaseCode, err)
	case s.Quarantine == nil:
		return nil, fmt.Errorf("no quarantine for a refused route: %w", err)
	}
	// Taken into no unit it does not belong to, and no case.
	o.UnitCode, o.CaseCode = unit, ""
	return err, nil
}

// refuse quarantines spooled document id, whose route was refused, and records
// it as quarantined. The file goes to quarantine (with its reason) before its row
// is written: a crash between the two leaves it in quarantine, explained.
func (s *Spool) refuse(ctx context.Context, id string, o Origin, sum string, size int64, reason error) (Document, error) {
	d := Document{
		ID: id, Status: StatusQuarantined, SHA256: sum, Size: size, Filename: o.Filename,
		SourcePath: o.Path, UnitCode: o.UnitCode, Kind: o.Kind, Error: reason.Error(), Confidential: o.Confidential,
	}
	if s.Quarantine == nil {
		return Document{}, fmt.Errorf("no quarantine for document %s: %w", id, reason)
	}
	if _, err := os.Stat(s.Path(id)); err == nil {
		if _, err := s.Quarantine.Put(d, s.Path(id), reason); err != nil {
			return Document{}, err
		}
	}
	if err := s.Docs.CreateDocument(ctx, &d); err != nil && !errors.Is(err, errs.ErrConflict) {
		return Document{}, fmt.Errorf("record quarantined document %s: %w", id, err)
	}
	if err := removeSource(o, id); err != nil {
		return Document{}, fmt.Errorf("remove the source of document %s: %w", id, err)
	}
	if err := os.Remove(s.recordPath(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return Document{}, fmt.Errorf("remove claim record of %s: %w", id, err)
	}
	s.Logger.Warn("file quarantined: route refused", "document_id", id, "source", o.Source, "unit", o.UnitCode, "reason", reason.Error())
	return d, nil
}

// take moves the source into dst and returns the bytes' SHA-256. On one file
// system it is a rename. Across file systems (a hot folder on a share, the spool
// on local disk) the file is first renamed to a name of this claim's own beside
// it (held), atomically on the share, so that of two nodes claiming the same file
// (a lease changing hands) exactly one gets it; the other finds no file. Then it
// is copied, synced and verified; finish removes the held file once recorded.
func (s *Spool) take(id string, o Origin, dst string) (string, int64, error) {
	src := o.Path
	if !o.Keep {
		err := os.Rename(o.Path, dst)
		if err == nil {
			if err := syncDir(s.Dir); err != nil {
				return "", 0, err
			}
			return hashFile(dst)
		}
		if !isCrossDevice(err) {
			return "", 0, err
		}
		src = heldPath(o.Path, id)
		if err := os.Rename(o.Path, src); err != nil {
			return "", 0, err
		}
		if err := syncDir(filepath.Dir(src)); err != nil {
			return "", 0, err
		}
		sum, size, err := s.copyIn(src, dst)
		if err != nil {
			// Put the file back to be offered again, unless a new file of the same
			// name arrived meanwhile (then the claim record stays, and Recover
			// finishes the claim from the held file).
			if _, serr := os.Lstat(o.Path); errors.Is(serr, os.ErrNotExist) {
				_ = os.Rename(src, o.Path)
			}
		}
		return sum, size, err
	}
	return s.copyIn(src, dst)
}

// heldPath is where a claim across file systems holds its file while copying it:
// beside it, hidden (the watcher ignores dot files), named by the claim.
func heldPath(path, id string) string {
	return filepath.Join(filepath.Dir(path), ".kntc-claim-"+id)
}

// removeSource removes what is left of a claimed file at its source: the held
// file of a claim across file systems. Never the original path: after the claim
// took the file a new one of the same name may have arrived there.
func removeSource(o Origin, id string) error {
	if o.Keep {
		return nil
	}
	if err := os.Remove(heldPath(o.Path, id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// copyIn copies src into dst, verified against a second read of src.
func (s *Spool) copyIn(src, dst string) (string, int64, error) {
	_ = os.Remove(dst + ".part") // left by an interrupted copy
	sum, size, err := copyFileSync(src, dst+".part")
	if err != nil {
		_ = os.Remove(dst + ".part")
		return "", 0, err
	}
	// The copy is verified against a second read of the source: a file changing under
	// us must not be recorded with a hash its spool copy does not have.
	check, _, err := hashFile(src)
	if err != nil || check != sum {
		_ = os.Remove(dst + ".part")
		if err == nil {
			err = fmt.Errorf("the file changed while it was copied")
		}
		return "", 0, err
	}
	if err := os.Rename(dst+".part", dst); err != nil {
		return "", 0, err
	}
	return sum, size, syncDir(s.Dir)
}

// finish records the spooled file and removes the claim record (and, when the file
// was copied from elsewhere and not kept, the source).
func (s *Spool) finish(ctx context.Context, id string, o Origin, sum string, size int64) (Document, error) {
	d := Document{
		ID: id, Status: StatusReceived, SHA256: sum, Size: size, Filename: o.Filename,
		SourcePath: o.Path, UnitCode: o.UnitCode, CaseCode: o.CaseCode, Kind: o.Kind,
		Confidential: o.Confidential, SecretCase: o.SecretCase,
		Arrival: Arrival{Source: o.Source, UserID: o.UserID, Username: o.Username},
	}
	if o.Batch != "" {
		d.SourcePath = SplitSource(o.Batch)
	}
	orig, err := s.Docs.DocumentBySHA256(ctx, sum)
	switch {
	case err == nil:
		d.Status, d.DuplicateOf = StatusDuplicate, orig.ID
		d.Error = fmt.Sprintf("trùng với tài liệu %s đã nhận (same bytes as document %s)", orig.ID, orig.ID)
		if err := s.Docs.CreateDocument(ctx, &d); err != nil && !errors.Is(err, errs.ErrConflict) {
			return Document{}, fmt.Errorf("record duplicate %s: %w", id, err)
		}
		// The bytes are kept under the original document.
		if err := os.Remove(s.Path(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return Document{}, fmt.Errorf("remove duplicate %s from the spool: %w", id, err)
		}
	case errors.Is(err, errs.ErrNotFound):
		if s.Blobs != nil {
			if err := s.storeOriginal(ctx, &d); err != nil {
				return Document{}, err // the claim record stays: Recover finishes it
			}
		}
		if err := s.Registrar.Register(ctx, &d); err != nil && !errors.Is(err, errs.ErrConflict) {
			return Document{}, fmt.Errorf("record %s: %w", id, err)
		}
	default:
		return Document{}, fmt.Errorf("look up %s by SHA-256: %w", id, err)
	}
	// After a copy across file systems the held file is still there; after a
	// rename there is nothing.
	if err := removeSource(o, id); err != nil {
		return Document{}, fmt.Errorf("remove the source of document %s: %w", id, err)
	}
	if err := os.Remove(s.recordPath(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return Document{}, fmt.Errorf("remove claim record of %s: %w", id, err)
	}
	// Never the file's name: letters are often named after their sender.
	s.Logger.Info("file claimed", "document_id", id, "source", o.Source,
		"status", string(d.Status), "size", size, "unit", o.UnitCode, "case", o.CaseCode)
	return d, nil
}

// Recover finishes the claims a crash interrupted and clears leftovers: claim records
// whose file reached the spool are recorded; records whose file never left its source
// are dropped (the hot folder will offer the file again); partial copies and temporary
// files are removed. Run it before any worker starts.
func (s *Spool) Recover(ctx context.Context) error {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return fmt.Errorf("read spool: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasSuffix(name, ".part"), strings.Contains(name, ".tmp"):
			if err := os.Remove(filepath.Join(s.Dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		case strings.HasSuffix(name, ".claim.json"):
			if err := s.recoverClaim(ctx, filepath.Join(s.Dir, name)); err != nil {
				return err
			}
		case strings.HasSuffix(name, ".img"):
			// A page image encoded ahead whose document is no longer spooled (a crash
			// after it was stored): nothing will read it.
			id, _, _ := strings.Cut(name, ".")
			if _, err := os.Stat(s.Path(id)); errors.Is(err, os.ErrNotExist) {
				if err := os.Remove(filepath.Join(s.Dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
					return err
				}
			}
		}
	}
	return nil
}

// removeScratch removes what processing left in the spool beside document id's file
// (page images encoded ahead, temporary archive copies, an office file's PDF and
// the work directory of its conversion): names "ID.…".
func (s *Spool) removeScratch(id string) error {
	names, err := filepath.Glob(filepath.Join(s.Dir, id+".*"))
	if err != nil {
		return err
	}
	for _, n := range names {
		if strings.HasSuffix(n, ".claim.json") {
			continue // the claim's own record: Recover's
		}
		if err := os.RemoveAll(n); err != nil {
			return err
		}
	}
	return nil
}

func (s *Spool) recoverClaim(ctx context.Context, path string) error {
	raw, err := os.ReadFile(path)
	var rec claimRecord
	if err == nil {
		err = json.Unmarshal(raw, &rec)
	}
	if err != nil || rec.ID == "" {
		// A torn record: its write never completed, so its file was never moved.
		s.Logger.Warn("dropping unreadable claim record", "path", path, "error", err)
		return os.Remove(path)
	}
	if _, err := s.Docs.Document(ctx, rec.ID); err == nil {
		_ = removeSource(rec.Origin, rec.ID) // the copy is recorded; finish the move
		return os.Remove(path)
	}
	var sum string
	var size int64
	_, err = os.Stat(s.Path(rec.ID))
	switch {
	case err == nil:
		sum, size, err = hashFile(s.Path(rec.ID))
	case !errors.Is(err, os.ErrNotExist):
	case rec.Origin.Keep:
		return os.Remove(path) // the source was never touched
	default:
		// Held beside its source (a claim across file systems), or never moved.
		held := heldPath(rec.Origin.Path, rec.ID)
		if _, serr := os.Stat(held); serr != nil {
			return os.Remove(path) // the source was never moved
		}
		sum, size, err = s.copyIn(held, s.Path(rec.ID))
	}
	if err != nil {
		return err
	}
	s.Logger.Info("finishing an interrupted claim", "document_id", rec.ID)
	if rec.Refused != "" {
		_, err = s.refuse(ctx, rec.ID, rec.Origin, sum, size, errors.New(rec.Refused))
		return err
	}
	_, err = s.finish(ctx, rec.ID, rec.Origin, sum, size)
	return err
}

// Leftovers lists spool files (document IDs) that have no claim record: the pipeline
// decides what each one is (queued, stored and not yet removed, …).
func (s *Spool) Leftovers() ([]string, error) {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && !strings.Contains(n, ".") {
			ids = append(ids, n)
		}
	}
	return ids, nil
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func copyFileSync(src, dst string) (string, int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", 0, err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return "", 0, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func writeFileSync(path string, data []byte) error {
	tmp := path + ".tmp-" + randomHex(4)
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain structs are marshalled here
	}
	return b
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// storeOriginal puts d's spooled bytes under their content address (see Blobs).
func (s *Spool) storeOriginal(ctx context.Context, d *Document) error {
	key := OriginalKey(d.SHA256)
	if info, err := s.Blobs.Stat(ctx, key); err == nil && info.Size == d.Size {
		return nil
	}
	f, err := os.Open(s.Path(d.ID))
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := s.Blobs.Put(ctx, key, f, d.Size, d.SHA256); err != nil {
		return fmt.Errorf("store original of %s: %w", d.ID, err)
	}
	return nil
}
