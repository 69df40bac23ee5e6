package ingest

import (
	"context"
	"errors"
	"image"
	"io"
	"time"
)

// ErrBadInput marks a problem with the file itself (corrupt, encrypted, empty, over a
// limit, not a supported format): retrying cannot help, so the document goes to
// quarantine at once. The error text is for a clerk: Vietnamese, English in brackets.
var ErrBadInput = errors.New("bad input")

// PageImage is one page of an input file.
type PageImage struct {
	Image   image.Image // the page as scanned
	DPI     int
	JPEG    []byte // the page's JPEG stream, byte-identical, when the page is exactly one JPEG
	PNG     []byte // the PNG file, when the page is one: the archive may keep its compressed data
	Bilevel bool
	Text    string // text the page already carries (PDF text layer): OCR is skipped
}

// PageFile is an opened input file, split into pages.
type PageFile interface {
	ContentType() string
	NumPages() int
	// Page decodes page i (0-based). Only one page's pixels are held per call.
	Page(ctx context.Context, i int) (PageImage, error)
	Close() error
}

// ConvertedFile is a PageFile whose pages are not the input file's own but those
// of a PDF made from it (an office file, converted by LibreOffice): its pages are
// never cut at cover sheets, and when ArchivePath is not empty it names that PDF,
// a PDF/A already checked, which is stored as the document's archive copy instead
// of one assembled from page images.
type ConvertedFile interface {
	PageFile
	ArchivePath() string
}

// PageOpener opens and validates an input file; problems of the file wrap ErrBadInput.
type PageOpener func(ctx context.Context, path string) (PageFile, error)

// ArchiveMeta is the metadata of an archive copy.
type ArchiveMeta struct {
	Title      string
	CreateDate time.Time
}

// ArchivePage is one page of an archive copy: the page image and its OCR words.
type ArchivePage struct {
	Page  PageImage
	Words []Word
	// Encoded, when set, is the page image as an ArchiveEncoder made it; of Page
	// only DPI is used then. Bytes that do not read back give an error wrapping
	// ErrEncodedPage, and the archive stays usable.
	Encoded []byte
}

// ErrEncodedPage reports ArchivePage.Encoded bytes that are damaged (a crash cut
// their file short): the page is archived from its image instead.
var ErrEncodedPage = errors.New("damaged encoded page image")

// ArchiveEncoder encodes a page image, upright, as the archive copy will hold it,
// into bytes an Archive takes back as ArchivePage.Encoded. The pipeline runs it in
// the page stage, on the image decoded for OCR and with pages in parallel, so that
// the archive step neither decodes pages again nor compresses them one by one.
type ArchiveEncoder func(pg PageImage) ([]byte, error)

// Archive is an archive copy being written page by page.
type Archive interface {
	AddPage(p ArchivePage) error
	Close() error
}

// Archiver starts archive copies (PDF/A) written to w.
type Archiver func(w io.Writer, meta ArchiveMeta) (Archive, error)

// Registrar records a newly claimed document and schedules its processing in one
// transaction, so a document is never recorded without its job or the reverse.
type Registrar interface {
	Register(ctx context.Context, d *Document) error
}

// BadInput marks err as a problem of the file itself (errors.Is(err, ErrBadInput)),
// keeping its message as it is.
func BadInput(err error) error {
	if err == nil {
		return nil
	}
	return badInput{err}
}

type badInput struct{ err error }

func (b badInput) Error() string   { return b.err.Error() }
func (b badInput) Unwrap() []error { return []error{b.err, ErrBadInput} }
