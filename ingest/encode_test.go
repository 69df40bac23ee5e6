package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"kntc/ingest"
)

// countingOpener opens toy files and counts the pages decoded.
type countingOpener struct{ decoded atomic.Int64 }

func (o *countingOpener) open(ctx context.Context, path string) (ingest.PageFile, error) {
	f, err := openToy(ctx, path)
	if err != nil {
		return nil, err
	}
	return countingFile{f.(toyFile), o}, nil
}

type countingFile struct {
	toyFile
	o *countingOpener
}

func (f countingFile) Page(ctx context.Context, i int) (ingest.PageImage, error) {
	f.o.decoded.Add(1)
	return f.toyFile.Page(ctx, i)
}

// A toy archive image is "ENC:" and the page's text; anything else is damaged.
func toyEncode(pg ingest.PageImage) ([]byte, error) { return []byte("ENC:" + toyText(pg.Image)), nil }

type encodedArchive struct {
	w       io.Writer
	encoded *atomic.Int64 // pages added from their encoded image
}

func (a encodedArchive) AddPage(p ingest.ArchivePage) error {
	text := ""
	switch {
	case p.Encoded != nil:
		t, ok := bytes.CutPrefix(p.Encoded, []byte("ENC:"))
		if !ok {
			return ingest.ErrEncodedPage
		}
		text = string(t)
		a.encoded.Add(1)
	default:
		text = toyText(p.Page.Image)
	}
	_, err := io.WriteString(a.w, text+"\n")
	return err
}
func (a encodedArchive) Close() error { return nil }

// Pages are decoded once: the page stage encodes each page's archive image into the
// spool and the archive step takes it from there. A damaged encoded image (a crash
// cut it short) costs that page a second decode, not its text; nothing is left in
// the spool once the document is stored; and Recover removes encoded images whose
// document is gone.
func TestPagesEncodedAhead(t *testing.T) {
	e := newSplitEnv(t)
	opener := &countingOpener{}
	var encoded atomic.Int64
	failArchive := true
	e.proc.Open = opener.open
	e.proc.Cover = nil
	e.proc.EncodeArchive = toyEncode
	e.proc.Archive = func(w io.Writer, _ ingest.ArchiveMeta) (ingest.Archive, error) {
		if failArchive {
			return nil, errors.New("disk full")
		}
		return encodedArchive{w, &encoded}, nil
	}
	pages := []string{"trang một", "trang hai", "trang ba"}
	d := e.claimBatch(t, "STNMT/biên bản.txt", pages...)

	// First attempt: every page read and encoded, then the archive step fails.
	if err := e.proc.Process(t.Context(), d.ID, false); err == nil {
		t.Fatal("the first attempt succeeded; want the archive step to fail")
	}
	imgs, _ := filepath.Glob(e.spool.Path(d.ID) + ".page-*.img")
	if len(imgs) != 3 || opener.decoded.Load() != 3 {
		t.Fatalf("after the page stage: %d encoded images, %d pages decoded; want 3 and 3", len(imgs), opener.decoded.Load())
	}
	// Page 2's encoded image is damaged.
	must(t, os.WriteFile(e.spool.Path(d.ID)+".page-0002-r0.img", []byte("EN"), 0o640))

	failArchive = false
	must(t, e.proc.Process(t.Context(), d.ID, false))
	got, err := e.db.Document(t.Context(), d.ID)
	must(t, err)
	if got.Status != ingest.StatusStored {
		t.Fatalf("document %s: %s", got.Status, got.Error)
	}
	rc, err := e.proc.Blobs.Get(t.Context(), ingest.ArchiveKey(d.SHA256, "v1"), 0, -1)
	must(t, err)
	archived, err := io.ReadAll(rc)
	rc.Close()
	must(t, err)
	if want := strings.Join(pages, "\n") + "\n"; string(archived) != want {
		t.Errorf("archive copy %q, want %q", archived, want)
	}
	// Pages 1 and 3 from their encoded images; page 2 decoded again; the OCR
	// results of the first attempt kept (no page read twice).
	if encoded.Load() != 2 || opener.decoded.Load() != 4 || e.ocr.reads.Load() != 3 {
		t.Errorf("%d pages from encoded images, %d decoded, %d read; want 2, 4 and 3", encoded.Load(), opener.decoded.Load(), e.ocr.reads.Load())
	}
	for _, name := range spoolFiles(t, e.spool.Dir) {
		t.Errorf("the spool still holds %s after the document was stored", name)
	}

	// Recover: an encoded image without its document's spool file goes; one beside
	// it stays.
	orphan := filepath.Join(e.spool.Dir, "0199aaaa-0000-7000-8000-000000000001.page-0001-r0.img")
	kept := filepath.Join(e.spool.Dir, "0199aaaa-0000-7000-8000-000000000002.page-0001-r90.img")
	must(t, os.WriteFile(orphan, []byte("ENC:x"), 0o640))
	must(t, os.WriteFile(kept, []byte("ENC:y"), 0o640))
	must(t, os.WriteFile(strings.TrimSuffix(kept, ".page-0001-r90.img"), []byte("y"), 0o640))
	must(t, e.spool.Recover(t.Context()))
	if _, err := os.Stat(orphan); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Recover left an orphaned encoded image: %v", err)
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("Recover removed the encoded image of a spooled document: %v", err)
	}
}

// A batch cut at its cover sheets decodes each page once: its parts are written
// from the pages' encoded images, and each part's archive copy takes them too.
func TestSplitPartsUseEncodedPages(t *testing.T) {
	e := newSplitEnv(t)
	opener := &countingOpener{}
	var encoded atomic.Int64
	e.proc.Open = opener.open
	e.proc.EncodeArchive = toyEncode
	e.proc.Archive = func(w io.Writer, _ ingest.ArchiveMeta) (ingest.Archive, error) {
		return encodedArchive{w, &encoded}, nil
	}
	batch := e.claimBatch(t, "STNMT/lô.txt", "trang một", "COVER KN-2026-000001 quyet_dinh_thu_ly", "trang hai", "trang ba")
	must(t, e.proc.Process(t.Context(), batch.ID, false))
	for k, want := range []string{"trang một\n", "trang hai\ntrang ba\n"} {
		id := ingest.PartID(batch.ID, k+1)
		must(t, e.proc.Process(t.Context(), id, false))
		d, err := e.db.Document(t.Context(), id)
		must(t, err)
		if d.Status != ingest.StatusStored {
			t.Fatalf("part %d: %s %s", k+1, d.Status, d.Error)
		}
		rc, err := e.proc.Blobs.Get(t.Context(), ingest.ArchiveKey(d.SHA256, "v1"), 0, -1)
		must(t, err)
		archived, err := io.ReadAll(rc)
		rc.Close()
		must(t, err)
		if string(archived) != want {
			t.Errorf("part %d archived %q, want %q", k+1, archived, want)
		}
	}
	// 4 pages decoded by the batch's page stage, none after; 3 pages written into
	// the parts and 3 into their archive copies from encoded images.
	if opener.decoded.Load() != 4 || encoded.Load() != 6 {
		t.Errorf("%d pages decoded, %d added from encoded images; want 4 and 6", opener.decoded.Load(), encoded.Load())
	}
	for _, name := range spoolFiles(t, e.spool.Dir) {
		t.Errorf("the spool still holds %s", name)
	}
}
