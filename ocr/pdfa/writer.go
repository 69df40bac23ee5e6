// Package pdfa writes the archive copies of scanned documents: PDF/A-2b files that
// also meet PDF/A-2u, one page per scanned page at its physical size, the scan's
// image as scanned (JPEG bytes unchanged, other images lossless: CCITT Group 4 for
// black and white, Flate for grey and colour) under an invisible text layer placed
// on the OCR word boxes, with XMP metadata, an sRGB output intent and nothing
// PDF/A forbids.
//
// The writer streams: each page's objects are written when the page is added, so
// memory holds one page at a time; fonts, metadata and the cross-reference table
// follow at Close. Package kntc/ocr/pdfa/pdfacheck checks the rules these files must
// keep.
package pdfa

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"image"
	"io"
	"strconv"
	"strings"

	"kntc/ingest"
	"kntc/ocr/pdfa/internal/icc"
)

var (
	// ErrInvalidPage reports a page that cannot be written: no image or two, an
	// unreadable JPEG, a resolution or size out of range. The writer stays usable.
	ErrInvalidPage = errors.New("invalid page")
	// ErrUnsupportedJPEG reports a well-formed JPEG that PDF cannot carry unchanged
	// (12-bit, lossless, hierarchical or arithmetic-coded, a DNL height, 2
	// components). Decode it and add it as Page.Image instead. The writer stays
	// usable.
	ErrUnsupportedJPEG = errors.New("JPEG that PDF cannot embed unchanged")
	// ErrClosed is returned by calls after Close.
	ErrClosed = errors.New("pdfa writer closed")
	// ErrNoPages is returned by Close when no page was added: a PDF needs one.
	ErrNoPages = errors.New("no pages")
)

// Page is one scanned page. Exactly one of JPEG, Image and Encoded is set.
type Page struct {
	// JPEG, when set, is embedded byte for byte as a DCTDecode image: 1 component is
	// DeviceGray, 3 DeviceRGB (YCbCr or RGB as its markers say), 4 CMYK — tagged
	// with a naive CMYK ICC profile, since PDF/A forbids DeviceCMYK beside an RGB
	// output intent — inverted when an Adobe marker says so. Baseline and
	// progressive JPEGs are accepted; see ErrUnsupportedJPEG for the rest.
	JPEG []byte
	// Image, otherwise, is embedded losslessly in the smallest form its pixels
	// allow: only black and white pixels as CCITT Group 4; all pixels grey (R = G =
	// B) as 8-bit grey; anything else as RGB, so colour such as a red seal stays.
	// 16-bit samples stay 16-bit unless they are 8-bit values widened. Pixels that
	// are not opaque are composited on white.
	Image image.Image
	// PNG, beside Image, is the PNG file Image was decoded from. Its compressed
	// data goes into the PDF unchanged (PNG's row filters are PDF's Flate
	// predictors), which saves compressing the pixels again, when the file allows:
	// not interlaced, no transparency, at most 8 bits a sample, grey or colour as
	// the pixels are (not colour pixels that are all grey), and not black and white
	// only (CCITT Group 4 is far smaller). Otherwise Image is encoded as above.
	PNG []byte
	// Encoded is a page image encoded ahead by Encode.
	Encoded *Image
	// DPI is the scan resolution: the page is pixels / DPI inches.
	DPI int
	// Words are the OCR words in reading order, boxes in image pixels (origin top
	// left). Words of one OCR line (same Block, Par, Line) become one text line.
	Words []ingest.Word
}

// Writer writes one PDF/A document. It is not safe for concurrent use. After a
// write error every call returns that error; a page rejected with ErrInvalidPage or
// ErrUnsupportedJPEG leaves the writer usable.
type Writer struct {
	out     *output
	meta    Meta
	offsets []int64 // offsets[n] is where object n starts; 0 until written
	pages   []int   // page object numbers, in order
	parents []int   // page-tree nodes under the root: see pageParent
	font    *textFont
	cmyk    int // object number of the CMYK ICC profile, 0 until a CMYK JPEG needs it
	enc     encoder
	err     error
}

// Objects 1 and 2 are the catalog and the root of the page tree: pages written before
// Close refer to the root as their parent.
const (
	catalogObj = 1
	pagesObj   = 2
	// pagesPerNode bounds the /Kids arrays of the page tree.
	pagesPerNode = 1000
)

// NewWriter starts a PDF/A document on w: it validates meta and writes the header.
// Close does not close w.
func NewWriter(w io.Writer, meta Meta) (*Writer, error) {
	m, err := meta.clean()
	if err != nil {
		return nil, fmt.Errorf("pdfa metadata: %w", err)
	}
	pw := &Writer{
		out:     &output{w: bufio.NewWriterSize(w, 64<<10), h: sha256.New()},
		meta:    m,
		offsets: make([]int64, 3),
	}
	// PDF/A-2 6.1.2: the header, then a comment of at least four bytes above 127 so
	// that transfer programs treat the file as binary.
	pw.out.str("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	if pw.out.err != nil {
		return nil, fmt.Errorf("write pdf header: %w", pw.out.err)
	}
	return pw, nil
}

// AddPage writes the page's image, content and page objects. The caller may drop
// the image when it returns.
func (w *Writer) AddPage(p Page) error {
	if w.err != nil {
		return w.err
	}
	n := len(w.pages) + 1
	if p.DPI < 1 {
		return fmt.Errorf("pdfa page %d: %w: resolution %d dpi", n, ErrInvalidPage, p.DPI)
	}
	x, err := w.pageImage(p)
	if err != nil {
		return fmt.Errorf("pdfa page %d: %w", n, err)
	}
	wpt, hpt := float64(x.width)*72/float64(p.DPI), float64(x.height)*72/float64(p.DPI)
	// PDF's page size limits (ISO 32000-1 Annex C): 3 to 14,400 units.
	if wpt < 3 || hpt < 3 || wpt > 14400 || hpt > 14400 {
		return fmt.Errorf("pdfa page %d: %w: %d×%d pixels at %d dpi is %.1f×%.1f pt, outside 3–14400",
			n, ErrInvalidPage, x.width, x.height, p.DPI, wpt, hpt)
	}

	text := w.textLayer(p.Words, x.width, x.height, p.DPI)
	content := fmt.Sprintf("q %s 0 0 %s 0 0 cm /Im0 Do Q\n", num(wpt), num(hpt)) + text
	dict := x.dict
	if x.cmyk {
		if w.cmyk == 0 {
			w.cmyk = w.alloc()
			w.object(w.cmyk, "/N 4 /Alternate /DeviceCMYK /Filter /FlateDecode", w.enc.flate(icc.CMYK()))
		}
		dict = fmt.Sprintf("%s /ColorSpace [/ICCBased %d 0 R]", dict, w.cmyk)
	}
	img := w.alloc()
	w.object(img, dict, x.data)
	contents := w.alloc()
	w.object(contents, "/Filter /FlateDecode", w.enc.flate([]byte(content)))
	page := w.alloc()
	res := fmt.Sprintf("/XObject << /Im0 %d 0 R >>", img)
	if text != "" {
		res += fmt.Sprintf(" /Font << /F0 %d 0 R >>", w.font.type0)
	}
	w.object(page, fmt.Sprintf("/Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources << %s >> /Contents %d 0 R",
		w.pageParent(), num(wpt), num(hpt), res, contents), nil)
	w.pages = append(w.pages, page)
	if w.out.err != nil {
		w.err = fmt.Errorf("write pdfa page %d: %w", n, w.out.err)
		return w.err
	}
	return nil
}

// pageParent returns the page-tree node the next page belongs to: the root for the
// first pagesPerNode pages, then one intermediate node per pagesPerNode pages, each
// a kid of the root, so that no /Kids array grows past pagesPerNode + pages/pagesPerNode.
func (w *Writer) pageParent() int {
	i := len(w.pages)
	if i < pagesPerNode {
		return pagesObj
	}
	node := i/pagesPerNode - 1
	if node == len(w.parents) {
		w.parents = append(w.parents, w.alloc())
	}
	return w.parents[node]
}

// pageImage validates the page's image and encodes it.
func (w *Writer) pageImage(p Page) (xobject, error) {
	if p.Encoded != nil {
		if p.JPEG != nil || p.Image != nil {
			return xobject{}, fmt.Errorf("%w: an encoded image and another", ErrInvalidPage)
		}
		return p.Encoded.x, nil
	}
	return w.enc.encode(p)
}

// Close writes the font, the output intent, the metadata, the page tree, the
// catalog, the cross-reference table and the trailer, and flushes. It does not close
// the underlying writer.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if len(w.pages) == 0 {
		w.err = fmt.Errorf("close pdfa: %w", ErrNoPages)
		return w.err
	}
	if w.font != nil {
		w.writeFont()
	}
	profile := w.alloc()
	w.object(profile, "/N 3 /Alternate /DeviceRGB /Filter /FlateDecode", w.enc.flate(icc.SRGB()))
	// PDF/A-2 6.6.2.1: the metadata stream is not filtered.
	metadata := w.alloc()
	w.object(metadata, "/Type /Metadata /Subtype /XML", xmpPacket(w.meta))
	info := w.alloc()
	w.object(info, infoDict(w.meta), nil)

	kids := func(pages []int) string {
		var b strings.Builder
		for i, p := range pages {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%d 0 R", p)
		}
		return b.String()
	}
	rootKids := w.pages[:min(len(w.pages), pagesPerNode)]
	var nodes []string
	for i, node := range w.parents {
		pages := w.pages[(i+1)*pagesPerNode : min(len(w.pages), (i+2)*pagesPerNode)]
		w.object(node, fmt.Sprintf("/Type /Pages /Parent %d 0 R /Kids [%s] /Count %d", pagesObj, kids(pages), len(pages)), nil)
		nodes = append(nodes, fmt.Sprintf("%d 0 R", node))
	}
	all := kids(rootKids)
	if len(nodes) > 0 {
		all += " " + strings.Join(nodes, " ")
	}
	w.object(pagesObj, fmt.Sprintf("/Type /Pages /Kids [%s] /Count %d", all, len(w.pages)), nil)

	catalog := fmt.Sprintf("/Type /Catalog /Pages %d 0 R /Metadata %d 0 R "+
		"/OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) "+
		"/RegistryName (http://www.color.org) /Info (sRGB IEC61966-2.1) /DestOutputProfile %d 0 R >>]",
		pagesObj, metadata, profile)
	if w.meta.Lang != "" {
		catalog += " /Lang " + pdfString(w.meta.Lang)
	}
	if w.meta.Title != "" {
		catalog += " /ViewerPreferences << /DisplayDocTitle true >>"
	}
	w.object(catalogObj, catalog, nil)

	// The file identifier is a hash of everything before it: the same pages and
	// metadata give the same file, byte for byte.
	id := strings.ToUpper(hex.EncodeToString(w.out.h.Sum(nil)[:16]))
	xref := w.out.n
	fmt.Fprintf(w.out, "xref\n0 %d\n0000000000 65535 f \n", len(w.offsets))
	for n := 1; n < len(w.offsets); n++ {
		fmt.Fprintf(w.out, "%010d 00000 n \n", w.offsets[n])
	}
	fmt.Fprintf(w.out, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(w.offsets), catalogObj, info, id, id, xref)
	if w.out.err == nil {
		w.out.err = w.out.w.Flush()
	}
	if w.out.err != nil {
		w.err = fmt.Errorf("close pdfa: %w", w.out.err)
		return w.err
	}
	w.err = ErrClosed
	return nil
}

func (w *Writer) alloc() int {
	w.offsets = append(w.offsets, 0)
	return len(w.offsets) - 1
}

// object writes indirect object n: a dictionary with the given entries, and a stream
// when data is not nil. The layout keeps PDF/A-2 6.1.7 and 6.1.9: EOL after "obj",
// "stream" and before "endstream", Length exact.
func (w *Writer) object(n int, entries string, data []byte) {
	w.offsets[n] = w.out.n
	if data == nil {
		fmt.Fprintf(w.out, "%d 0 obj\n<< %s >>\nendobj\n", n, entries)
		return
	}
	fmt.Fprintf(w.out, "%d 0 obj\n<< %s /Length %d >>\nstream\n", n, entries, len(data))
	_, _ = w.out.Write(data)
	w.out.str("\nendstream\nendobj\n")
}

// output counts and hashes what it writes; the first error sticks.
type output struct {
	w   *bufio.Writer
	h   hash.Hash
	n   int64
	err error
}

func (o *output) Write(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(p)
	o.h.Write(p[:n])
	o.n += int64(n)
	o.err = err
	return n, err
}

func (o *output) str(s string) { _, _ = io.WriteString(o, s) }

// num formats a real with at most three decimals and no exponent (PDF has none).
func num(v float64) string {
	return strconv.FormatFloat(float64(int64(v*1000+0.5*sign(v)))/1000, 'f', -1, 64)
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}
