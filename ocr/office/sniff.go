package office

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Format is an office file format kntc accepts.
type Format string

// The accepted formats.
const (
	DOC  Format = "doc"  // Word 97–2003 (OLE2 compound file)
	DOCX Format = "docx" // Word 2007+ (Office Open XML)
	ODT  Format = "odt"  // OpenDocument text
	RTF  Format = "rtf"  // Rich Text Format
	XLS  Format = "xls"  // Excel 97–2003 (OLE2 compound file)
	XLSX Format = "xlsx" // Excel 2007+ (Office Open XML)
	ODS  Format = "ods"  // OpenDocument spreadsheet
)

// MIME returns the format's media type, the document's content type.
func (f Format) MIME() string {
	switch f {
	case DOC:
		return "application/msword"
	case DOCX:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case ODT:
		return "application/vnd.oasis.opendocument.text"
	case RTF:
		return "application/rtf"
	case XLS:
		return "application/vnd.ms-excel"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ODS:
		return "application/vnd.oasis.opendocument.spreadsheet"
	}
	return "application/octet-stream"
}

// Spreadsheet reports whether f is a spreadsheet format.
func (f Format) Spreadsheet() bool { return f == XLS || f == XLSX || f == ODS }

// Limits bound what Sniff accepts inside a zip-based office file before
// LibreOffice sees it. A zero field takes its value from DefaultLimits.
type Limits struct {
	MaxUnzipped int64 // bytes of all the zip's entries together, uncompressed
	MaxEntries  int   // entries in the zip
	MaxRatio    int64 // uncompressed / compressed size of an entry over 16 MiB
}

// DefaultLimits returns 512 MiB uncompressed, 10 000 entries and a ratio of 200
// (XML compresses 5 to 30 times; zeros a thousand times).
func DefaultLimits() Limits { return Limits{MaxUnzipped: 512 << 20, MaxEntries: 10000, MaxRatio: 200} }

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxUnzipped <= 0 {
		l.MaxUnzipped = d.MaxUnzipped
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	return l
}

// Sniff recognises an office file by its content (never by its name) and checks
// what can be checked before LibreOffice opens it: a zip-based file (DOCX, XLSX,
// ODT, ODS) is read through once, every entry decompressed and counted against
// lim (a zip bomb, a damaged entry), and its encryption markers looked for; an OLE2
// file holding an encrypted Office Open XML package is refused. It returns "" and
// no error for a file that is not an office file (a PDF, an image, a plain zip).
func Sniff(path string, lim Limits) (Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte(`{\rtf`)):
		return RTF, nil
	case bytes.HasPrefix(head, cfbMagic):
		names, err := cfbNames(f, st.Size())
		if err != nil {
			return "", fail(ErrCorrupt, "OLE2: %v", err)
		}
		switch {
		case names["EncryptedPackage"] || names["EncryptionInfo"]:
			return "", fail(ErrEncrypted, "OLE2 EncryptedPackage")
		case names["WordDocument"]:
			return DOC, nil
		case names["Workbook"] || names["Book"]:
			return XLS, nil
		}
		return "", nil // PowerPoint, Outlook…: not taken
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return sniffZip(f, st.Size(), lim.withDefaults())
	}
	return "", nil
}

// sniffZip recognises a zip-based office file and checks it.
func sniffZip(r io.ReaderAt, size int64, lim Limits) (Format, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "", fail(ErrCorrupt, "zip: %v", err)
	}
	entries := map[string]*zip.File{}
	for _, e := range zr.File {
		entries[e.Name] = e
	}
	var format Format
	switch {
	case entries["mimetype"] != nil:
		m, err := readEntry(entries["mimetype"], 200)
		if err != nil {
			return "", fail(ErrCorrupt, "mimetype: %v", err)
		}
		switch strings.TrimSpace(string(m)) {
		case "application/vnd.oasis.opendocument.text":
			format = ODT
		case "application/vnd.oasis.opendocument.spreadsheet":
			format = ODS
		default:
			return "", nil
		}
	case entries["[Content_Types].xml"] != nil && entries["word/document.xml"] != nil:
		format = DOCX
	case entries["[Content_Types].xml"] != nil && entries["xl/workbook.xml"] != nil:
		format = XLSX
	default:
		return "", nil
	}
	if err := checkZip(zr, lim); err != nil {
		return "", err
	}
	if format == ODT || format == ODS {
		if m := entries["META-INF/manifest.xml"]; m != nil {
			b, err := readEntry(m, 16<<20)
			if err != nil {
				return "", fail(ErrCorrupt, "manifest: %v", err)
			}
			if bytes.Contains(b, []byte("encryption-data")) {
				return "", fail(ErrEncrypted, "OpenDocument encryption-data")
			}
		}
	}
	return format, nil
}

// checkZip refuses a zip with too many entries or too many bytes once
// uncompressed, by the sizes its directory declares and by what decompressing
// every entry gives (archive/zip refuses an entry longer than declared, or whose
// checksum is wrong).
func checkZip(zr *zip.Reader, lim Limits) error {
	if len(zr.File) > lim.MaxEntries {
		return fail(ErrBomb, "%d entries, at most %d", len(zr.File), lim.MaxEntries)
	}
	var declared uint64
	for _, e := range zr.File {
		declared += e.UncompressedSize64
		if declared > uint64(lim.MaxUnzipped) {
			return fail(ErrBomb, "more than %d bytes uncompressed", lim.MaxUnzipped)
		}
		if e.UncompressedSize64 > 16<<20 && e.UncompressedSize64/max(e.CompressedSize64, 1) > uint64(lim.MaxRatio) {
			return fail(ErrBomb, "entry %q compressed %d times", e.Name, e.UncompressedSize64/max(e.CompressedSize64, 1))
		}
	}
	budget := lim.MaxUnzipped
	for _, e := range zr.File {
		if strings.HasSuffix(e.Name, "/") {
			continue
		}
		rc, err := e.Open()
		if err != nil {
			return fail(ErrCorrupt, "entry %q: %v", e.Name, err)
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, budget+1))
		rc.Close()
		budget -= n
		switch {
		case budget < 0:
			return fail(ErrBomb, "more than %d bytes uncompressed", lim.MaxUnzipped)
		case err != nil:
			return fail(ErrCorrupt, "entry %q: %v", e.Name, err)
		}
	}
	return nil
}

// readEntry reads a zip entry of at most max bytes.
func readEntry(e *zip.File, max int64) ([]byte, error) {
	if e.UncompressedSize64 > uint64(max) {
		return nil, fmt.Errorf("%s: %d bytes, at most %d", e.Name, e.UncompressedSize64, max)
	}
	rc, err := e.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err == nil && int64(len(b)) > max {
		err = errors.New("entry longer than declared")
	}
	return b, err
}
