package pages

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"io"
	"math"

	"golang.org/x/image/tiff"
)

// x/image/tiff decodes only the first image of a file and has no JPEG support. Open
// therefore walks the whole IFD chain itself and validates every page; Page hands
// x/image a view of the file whose header points at the page's IFD, or, for JPEG
// compression, decodes the strips or tiles with image/jpeg and stitches them.

// TIFF tags used here (TIFF 6.0 and TIFF Technical Note 2).
const (
	tNewSubfileType   = 254
	tSubfileType      = 255
	tImageWidth       = 256
	tImageLength      = 257
	tBitsPerSample    = 258
	tCompression      = 259
	tPhotometric      = 262
	tStripOffsets     = 273
	tSamplesPerPixel  = 277
	tRowsPerStrip     = 278
	tStripByteCounts  = 279
	tXResolution      = 282
	tPlanarConfig     = 284
	tResolutionUnit   = 296
	tPredictor        = 317
	tColorMap         = 320
	tTileWidth        = 322
	tTileLength       = 323
	tTileOffsets      = 324
	tTileByteCounts   = 325
	tExtraSamples     = 338
	tSampleFormat     = 339
	tJPEGTables       = 347
	maxTIFFBlocks     = 1 << 18 // strips or tiles in one page
	maxJPEGTablesSize = 1 << 16
)

// TIFF compressions accepted. x/image decodes all but JPEG (7), which we do.
var tiffCompressions = map[uint64]string{
	1: "none", 3: "CCITT G3", 4: "CCITT G4", 5: "LZW", 7: "JPEG", 8: "Deflate", 32773: "PackBits", 32946: "Deflate",
}

// tiffTypeSize is the size in bytes of one value of each TIFF field type.
var tiffTypeSize = [...]int64{0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4}

type tiffReader struct {
	r     io.ReaderAt
	size  int64
	bo    binary.ByteOrder
	magic [4]byte
	first int64 // offset of the first IFD
}

type tiffEntry struct {
	tag, typ uint16
	count    uint32
	val      [4]byte // the value, or its offset when it does not fit
}

func newTIFFReader(r io.ReaderAt, size int64) (*tiffReader, error) {
	t := &tiffReader{r: r, size: size}
	var h [8]byte
	if _, err := r.ReadAt(h[:], 0); err != nil {
		return nil, err
	}
	switch string(h[:4]) {
	case "II*\x00":
		t.bo = binary.LittleEndian
	case "MM\x00*":
		t.bo = binary.BigEndian
	default:
		return nil, errors.New("tiff: bad header")
	}
	copy(t.magic[:], h[:4])
	t.first = int64(t.bo.Uint32(h[4:]))
	return t, nil
}

// readAt reads exactly len(p) bytes at off; beyond the end of the data is truncation.
func (t *tiffReader) readAt(p []byte, off int64) error {
	if off < 0 || off > t.size || int64(len(p)) > t.size-off {
		return fmt.Errorf("tiff: %d bytes at offset %d beyond the end (%d): %w", len(p), off, t.size, io.ErrUnexpectedEOF)
	}
	_, err := t.r.ReadAt(p, off)
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// readIFD reads the entries of the IFD at off and the offset of the next one.
func (t *tiffReader) readIFD(off int64) ([]tiffEntry, int64, error) {
	if off < 8 {
		return nil, 0, fmt.Errorf("tiff: IFD offset %d", off)
	}
	var c [2]byte
	if err := t.readAt(c[:], off); err != nil {
		return nil, 0, err
	}
	n := int(t.bo.Uint16(c[:]))
	if n == 0 {
		return nil, 0, errors.New("tiff: empty IFD")
	}
	b := make([]byte, n*12+4)
	if err := t.readAt(b, off+2); err != nil {
		return nil, 0, err
	}
	entries := make([]tiffEntry, n)
	for i := range entries {
		p := b[i*12:]
		e := &entries[i]
		e.tag, e.typ, e.count = t.bo.Uint16(p), t.bo.Uint16(p[2:]), t.bo.Uint32(p[4:])
		copy(e.val[:], p[8:12])
	}
	return entries, int64(t.bo.Uint32(b[n*12:])), nil
}

func find(entries []tiffEntry, tag uint16) (tiffEntry, bool) {
	for _, e := range entries {
		if e.tag == tag {
			return e, true
		}
	}
	return tiffEntry{}, false
}

// raw returns the bytes of an entry's values, reading at most max values.
func (t *tiffReader) raw(e tiffEntry, max int) ([]byte, int, error) {
	if int(e.typ) >= len(tiffTypeSize) || e.typ == 0 {
		return nil, 0, fmt.Errorf("tiff: tag %d has field type %d", e.tag, e.typ)
	}
	size := tiffTypeSize[e.typ]
	n := min(int64(e.count), int64(max))
	if int64(e.count)*size <= 4 {
		return e.val[:n*size], int(n), nil
	}
	b := make([]byte, n*size)
	if err := t.readAt(b, int64(t.bo.Uint32(e.val[:]))); err != nil {
		return nil, 0, err
	}
	return b, int(n), nil
}

// uints returns up to max unsigned integer values of a BYTE, SHORT or LONG entry.
func (t *tiffReader) uints(e tiffEntry, max int) ([]uint64, error) {
	if e.typ != 1 && e.typ != 3 && e.typ != 4 {
		return nil, fmt.Errorf("tiff: tag %d has field type %d, want an unsigned integer", e.tag, e.typ)
	}
	b, n, err := t.raw(e, max)
	if err != nil {
		return nil, err
	}
	u := make([]uint64, n)
	for i := range u {
		switch e.typ {
		case 1:
			u[i] = uint64(b[i])
		case 3:
			u[i] = uint64(t.bo.Uint16(b[2*i:]))
		case 4:
			u[i] = uint64(t.bo.Uint32(b[4*i:]))
		}
	}
	return u, nil
}

// uint returns the first value of the tag, or def when the tag is absent.
func (t *tiffReader) uint(entries []tiffEntry, tag uint16, def uint64) (uint64, error) {
	e, ok := find(entries, tag)
	if !ok {
		return def, nil
	}
	u, err := t.uints(e, 1)
	if err != nil {
		return 0, err
	}
	if len(u) == 0 {
		return def, nil
	}
	return u[0], nil
}

// resolution returns the horizontal density in dots per inch, 0 when unknown.
func (t *tiffReader) resolution(entries []tiffEntry) int {
	e, ok := find(entries, tXResolution)
	if !ok || e.typ != 5 {
		return 0
	}
	b, n, err := t.raw(e, 1)
	if err != nil || n != 1 {
		return 0
	}
	num, den := t.bo.Uint32(b), t.bo.Uint32(b[4:])
	if den == 0 {
		return 0
	}
	v := float64(num) / float64(den)
	unit, err := t.uint(entries, tResolutionUnit, 2)
	if err != nil {
		return 0
	}
	switch unit {
	case 2:
	case 3:
		v *= 2.54
	default:
		return 0
	}
	if v > 1e6 {
		return 0
	}
	return int(math.Round(v))
}

// tiffPage is what Open learnt about one TIFF page.
type tiffPage struct {
	ifd         int64
	compression uint64
	photometric uint64
	spp         int
}

// tiffBlocks locates the strips or tiles of a page.
type tiffBlocks struct {
	bw, bh         int // block size in pixels
	across, down   int
	offsets, sizes []uint64
}

// parsePage validates the IFD at off as a page. skip is true for IFDs that are not
// pages (thumbnails and masks).
func (t *tiffReader) parsePage(entries []tiffEntry, lim Limits, page int) (tp tiffPage, w, h int, bl tiffBlocks, skip bool, err error) {
	bad := func(k error, format string, args ...any) error { return fail(k, page, format, args...) }
	u := func(tag uint16, def uint64) uint64 {
		if err != nil {
			return 0
		}
		var v uint64
		v, err = t.uint(entries, tag, def)
		return v
	}
	nst, st := u(tNewSubfileType, 0), u(tSubfileType, 0)
	if err != nil {
		return
	}
	if nst&(1|4) != 0 || st == 2 { // reduced-resolution copy or transparency mask
		skip = true
		return
	}
	w64, h64 := u(tImageWidth, 0), u(tImageLength, 0)
	tp.compression = u(tCompression, 1)
	tp.photometric = u(tPhotometric, math.MaxUint64)
	spp := u(tSamplesPerPixel, 1)
	planar := u(tPlanarConfig, 1)
	if err != nil {
		return
	}
	if w64 == 0 || h64 == 0 || w64 > 1<<24 || h64 > 1<<24 {
		err = bad(ErrCorrupt, "tiff: image size %d×%d", w64, h64)
		return
	}
	w, h = int(w64), int(h64)
	if int64(w)*int64(h) > lim.MaxPixels {
		err = bad(ErrTooManyPixels, "%d×%d = %s, tối đa (max) %s", w, h, pixels(int64(w)*int64(h)), pixels(lim.MaxPixels))
		return
	}
	name, ok := tiffCompressions[tp.compression]
	if !ok {
		err = bad(ErrUnsupported, "TIFF compression %d", tp.compression)
		return
	}
	if spp == 0 || spp > 4 {
		err = bad(ErrUnsupported, "TIFF with %d samples per pixel", spp)
		return
	}
	tp.spp = int(spp)
	if planar != 1 && spp > 1 {
		err = bad(ErrUnsupported, "TIFF with separate colour planes")
		return
	}
	bpsAll := []uint64{1}
	if e, ok := find(entries, tBitsPerSample); ok {
		if bpsAll, err = t.uints(e, 4); err != nil {
			return
		}
	}
	for _, b := range bpsAll {
		if b != bpsAll[0] {
			err = bad(ErrUnsupported, "TIFF with different bits per sample %v", bpsAll)
			return
		}
	}
	if len(bpsAll) == 0 {
		err = bad(ErrCorrupt, "tiff: empty BitsPerSample")
		return
	}
	bps := bpsAll[0]
	if sf := u(tSampleFormat, 1); err == nil && sf != 1 {
		err = bad(ErrUnsupported, "TIFF sample format %d", sf)
		return
	}
	if tp.compression == 7 {
		if bps != 8 || spp != 1 && spp != 3 {
			err = bad(ErrUnsupported, "JPEG-compressed TIFF with %d samples of %d bits", spp, bps)
			return
		}
		switch tp.photometric {
		case 0, 1, 2, 6:
		default:
			err = bad(ErrUnsupported, "JPEG-compressed TIFF with photometric interpretation %d", tp.photometric)
			return
		}
	} else {
		// x/image requires the tags in ascending order, as the specification does.
		for i := 1; i < len(entries); i++ {
			if entries[i].tag <= entries[i-1].tag {
				err = bad(ErrCorrupt, "tiff: tags not in ascending order")
				return
			}
		}
		if bps != 1 && bps != 8 && bps != 16 {
			err = bad(ErrUnsupported, "TIFF with %d bits per sample", bps)
			return
		}
		switch tp.photometric {
		case 0, 1:
			if spp != 1 {
				err = bad(ErrUnsupported, "grey TIFF with %d samples per pixel", spp)
				return
			}
		case 2:
			if spp != 3 && spp != 4 || bps == 1 {
				err = bad(ErrUnsupported, "RGB TIFF with %d samples of %d bits", spp, bps)
				return
			}
		case 3:
			if _, ok := find(entries, tColorMap); !ok || spp != 1 {
				err = bad(ErrCorrupt, "tiff: palette image without a colour map")
				return
			}
		case math.MaxUint64:
			err = bad(ErrCorrupt, "tiff: no photometric interpretation")
			return
		default:
			err = bad(ErrUnsupported, "TIFF photometric interpretation %d (CMYK, YCbCr, Lab…)", tp.photometric)
			return
		}
		if (tp.compression == 3 || tp.compression == 4) && (bps != 1 || spp != 1) {
			err = bad(ErrCorrupt, "tiff: %s with %d samples of %d bits", name, spp, bps)
			return
		}
		if p := u(tPredictor, 1); err == nil && p != 1 && (p != 2 || bps == 1) {
			err = bad(ErrUnsupported, "TIFF predictor %d with %d bits per sample", p, bps)
			return
		}
	}
	if err != nil {
		return
	}

	// Strips or tiles, as x/image computes them.
	offTag, sizeTag := uint16(tStripOffsets), uint16(tStripByteCounts)
	bl.bw, bl.bh, bl.across, bl.down = w, h, 1, 1
	if _, tiled := find(entries, tTileWidth); tiled {
		tw, th := u(tTileWidth, 0), u(tTileLength, 0)
		if err != nil {
			return
		}
		if tw < 8 || th < 8 || tw > 1<<16 || th > 1<<16 {
			err = bad(ErrCorrupt, "tiff: tile size %d×%d", tw, th)
			return
		}
		bl.bw, bl.bh = int(tw), int(th)
		bl.across, bl.down = (w+bl.bw-1)/bl.bw, (h+bl.bh-1)/bl.bh
		offTag, sizeTag = tTileOffsets, tTileByteCounts
	} else if rps := u(tRowsPerStrip, 0); rps > 0 && rps < uint64(h) {
		bl.bh = int(rps)
		bl.down = (h + bl.bh - 1) / bl.bh
	}
	if err != nil {
		return
	}
	n := bl.across * bl.down
	if n > maxTIFFBlocks {
		err = bad(ErrUnsupported, "TIFF page in %d strips or tiles", n)
		return
	}
	eo, ok1 := find(entries, offTag)
	es, ok2 := find(entries, sizeTag)
	if !ok1 || !ok2 {
		err = bad(ErrCorrupt, "tiff: no strip or tile offsets")
		return
	}
	if bl.offsets, err = t.uints(eo, n); err != nil {
		return
	}
	if bl.sizes, err = t.uints(es, n); err != nil {
		return
	}
	if len(bl.offsets) < n || len(bl.sizes) < n {
		err = bad(ErrCorrupt, "tiff: %d strips or tiles, %d offsets, %d sizes", n, len(bl.offsets), len(bl.sizes))
		return
	}
	for i := range n {
		if bl.offsets[i] > uint64(t.size) || bl.sizes[i] > uint64(t.size)-bl.offsets[i] {
			err = bad(ErrTruncated, "tiff: strip or tile %d at %d+%d beyond the end of the file (%d)", i, bl.offsets[i], bl.sizes[i], t.size)
			return
		}
	}
	return
}

func (f *File) openTIFF(ctx context.Context) error {
	t, err := newTIFFReader(f.f, f.size)
	if err != nil {
		return classify(err, 0, "tiff")
	}
	seen := map[int64]bool{}
	for off := t.first; off != 0; {
		if err := ctx.Err(); err != nil {
			return err
		}
		if seen[off] {
			return fail(ErrCorrupt, 0, "tiff: IFD chain loops at offset %d", off)
		}
		seen[off] = true
		if len(seen) > 2*f.lim.MaxPages+16 { // thumbnails may double the chain
			return f.checkPages(f.lim.MaxPages + 1)
		}
		entries, next, err := t.readIFD(off)
		if err != nil {
			return classify(err, len(f.pages)+1, "tiff")
		}
		tp, w, h, _, skip, err := t.parsePage(entries, f.lim, len(f.pages)+1)
		if err != nil {
			return classify(err, len(f.pages)+1, "tiff")
		}
		if !skip {
			tp.ifd = off
			if err := f.checkPages(len(f.pages) + 1); err != nil {
				return err
			}
			bps, _ := t.uint(entries, tBitsPerSample, 1)
			f.pages = append(f.pages, pageInfo{w: w, h: h, dpi: t.resolution(entries), bilevel: bps == 1 && tp.spp == 1, tiff: &tp})
		}
		off = next
	}
	return nil
}

// tiffView presents the file to x/image/tiff as if page k's IFD were the first.
type tiffView struct {
	r   io.ReaderAt
	hdr [8]byte
}

func (v *tiffView) ReadAt(p []byte, off int64) (int, error) {
	n, err := v.r.ReadAt(p, off)
	if off >= 0 && off < int64(len(v.hdr)) {
		copy(p[:n], v.hdr[off:])
	}
	return n, err
}

// Read is never called: x/image/tiff uses ReadAt when the reader has it.
func (v *tiffView) Read([]byte) (int, error) { return 0, errors.New("tiffView: Read not supported") }

func (f *File) pageTIFF(ctx context.Context, i int, pi *pageInfo) (Page, error) {
	page := i + 1
	t, err := newTIFFReader(f.f, f.size)
	if err != nil {
		return Page{}, classify(err, page, "tiff")
	}
	tp := pi.tiff
	p := Page{DPI: effectiveDPI(pi.dpi), Bilevel: pi.bilevel}
	if tp.compression == 7 {
		entries, _, err := t.readIFD(tp.ifd)
		if err != nil {
			return Page{}, classify(err, page, "tiff")
		}
		_, w, h, bl, _, err := t.parsePage(entries, f.lim, page)
		if err != nil {
			return Page{}, classify(err, page, "tiff")
		}
		p.Image, p.JPEG, err = f.tiffJPEG(ctx, t, entries, tp, w, h, bl, page)
		if err != nil {
			return Page{}, err
		}
		return p, nil
	}
	v := &tiffView{r: f.f}
	copy(v.hdr[:4], t.magic[:])
	t.bo.PutUint32(v.hdr[4:], uint32(tp.ifd))
	err = safely(page, "tiff", func() error {
		var err error
		p.Image, err = tiff.Decode(v)
		return err
	})
	if err != nil {
		var ue tiff.UnsupportedError
		if errors.As(err, &ue) {
			return Page{}, fail(ErrUnsupported, page, "%v", err)
		}
		return Page{}, classify(err, page, "tiff")
	}
	return p, nil
}

// tiffJPEG decodes a JPEG-compressed page (compression 7, TIFF Technical Note 2):
// each strip or tile is an abbreviated JPEG stream that gets its quantisation and
// Huffman tables from the JPEGTables field.
func (f *File) tiffJPEG(ctx context.Context, t *tiffReader, entries []tiffEntry, tp *tiffPage, w, h int, bl tiffBlocks, page int) (image.Image, []byte, error) {
	var tables []byte
	if e, ok := find(entries, tJPEGTables); ok {
		if e.count > maxJPEGTablesSize || e.typ != 7 && e.typ != 1 {
			return nil, nil, fail(ErrCorrupt, page, "tiff: JPEGTables of %d values of type %d", e.count, e.typ)
		}
		b, _, err := t.raw(e, maxJPEGTablesSize)
		if err != nil {
			return nil, nil, classify(err, page, "tiff")
		}
		if len(b) >= 4 && bytes.HasPrefix(b, []byte{0xFF, 0xD8}) && bytes.HasSuffix(b, []byte{0xFF, 0xD9}) {
			tables = b[:len(b)-2] // SOI and tables, without EOI
		} else if len(b) > 0 {
			return nil, nil, fail(ErrCorrupt, page, "tiff: JPEGTables is not a JPEG tables stream")
		}
	}
	var dst draw.Image
	if tp.spp == 1 {
		dst = image.NewGray(image.Rect(0, 0, w, h))
	} else {
		dst = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	n := bl.across * bl.down
	for k := range n {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		size := bl.sizes[k]
		if size > uint64(bl.bw)*uint64(bl.bh)*uint64(tp.spp)*2+1<<20 {
			return nil, nil, fail(ErrCorrupt, page, "tiff: JPEG strip or tile %d of %d bytes for %d×%d pixels", k, size, bl.bw, bl.bh)
		}
		data := make([]byte, size)
		if err := t.readAt(data, int64(bl.offsets[k])); err != nil {
			return nil, nil, classify(err, page, "tiff")
		}
		if !bytes.HasPrefix(data, []byte{0xFF, 0xD8}) {
			return nil, nil, fail(ErrCorrupt, page, "tiff: JPEG strip or tile %d does not start with SOI", k)
		}
		stream := data
		if tables != nil {
			stream = make([]byte, 0, len(tables)+len(data)-2)
			stream = append(append(stream, tables...), data[2:]...)
		}
		cfg, err := jpegConfig(stream)
		if err != nil {
			return nil, nil, classify(err, page, fmt.Sprintf("tiff: JPEG strip or tile %d", k))
		}
		if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > bl.bw || cfg.Height > bl.bh {
			return nil, nil, fail(ErrCorrupt, page, "tiff: JPEG strip or tile %d is %d×%d, block is %d×%d", k, cfg.Width, cfg.Height, bl.bw, bl.bh)
		}
		img, err := decodeJPEG(stream, page)
		if err != nil {
			return nil, nil, err
		}
		if n == 1 && cfg.Width == w && cfg.Height == h && tp.photometric != 0 {
			return img, stream, nil // the page is exactly one JPEG
		}
		at := image.Pt(k%bl.across*bl.bw, k/bl.across*bl.bh)
		pasteImage(dst, img, at)
	}
	if g, ok := dst.(*image.Gray); ok && tp.photometric == 0 {
		for i, v := range g.Pix {
			g.Pix[i] = 255 - v
		}
	}
	return dst, nil, nil
}

// jpegConfig reads a JPEG header, guarding the decoder with recover.
func jpegConfig(b []byte) (image.Config, error) {
	var cfg image.Config
	err := safely(0, "jpeg", func() error {
		var err error
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(b))
		return err
	})
	return cfg, err
}

// pasteImage draws src with its top-left corner at at, clipped to dst.
func pasteImage(dst draw.Image, src image.Image, at image.Point) {
	sb := src.Bounds()
	r := image.Rectangle{Min: at, Max: at.Add(sb.Size())}.Intersect(dst.Bounds())
	if r.Empty() {
		return
	}
	// image/draw has no fast path for grey onto grey; copy rows.
	if d, ok := dst.(*image.Gray); ok {
		if s, ok := src.(*image.Gray); ok {
			for y := r.Min.Y; y < r.Max.Y; y++ {
				so := s.PixOffset(sb.Min.X, sb.Min.Y+y-at.Y)
				do := d.PixOffset(r.Min.X, y)
				copy(d.Pix[do:do+r.Dx()], s.Pix[so:so+r.Dx()])
			}
			return
		}
	}
	draw.Draw(dst, r, src, sb.Min, draw.Src)
}
