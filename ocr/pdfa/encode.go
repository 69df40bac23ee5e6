package pdfa

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"sync"
)

// encoder turns page images into image XObjects. It keeps its compressors between
// images: their state is large next to most streams.
type encoder struct {
	small *zlib.Writer // content, fonts, profiles: as tight as zlib can
	img   *zlib.Writer // image samples
}

// flate compresses a small stream (content, font, profile) as tightly as zlib can.
func (e *encoder) flate(b []byte) []byte {
	var out bytes.Buffer
	if e.small == nil {
		e.small, _ = zlib.NewWriterLevel(&out, zlib.BestCompression) // a valid level: no error
	} else {
		e.small.Reset(&out)
	}
	_, _ = e.small.Write(b)
	_ = e.small.Close()
	return out.Bytes()
}

// encode validates a page's image and encodes it.
func (e *encoder) encode(p Page) (xobject, error) {
	switch {
	case p.JPEG != nil && p.Image != nil:
		return xobject{}, fmt.Errorf("%w: both a JPEG and an image", ErrInvalidPage)
	case p.PNG != nil && p.Image == nil:
		return xobject{}, fmt.Errorf("%w: a PNG without its decoded image", ErrInvalidPage)
	case p.JPEG != nil:
		return e.jpeg(p.JPEG)
	case p.Image != nil:
		if p.PNG != nil {
			if x, ok := pngXObject(p.PNG, p.Image); ok {
				return x, nil
			}
		}
		x, zw, err := encodeImage(p.Image, e.img)
		e.img = zw
		return x, err
	}
	return xobject{}, fmt.Errorf("%w: no image", ErrInvalidPage)
}

// jpeg embeds a JPEG stream unchanged.
func (e *encoder) jpeg(b []byte) (xobject, error) {
	info, err := parseJPEG(b)
	if err != nil {
		return xobject{}, err
	}
	x := xobject{width: info.width, height: info.height, data: b}
	filter := "/DCTDecode"
	// Many scanners' (and Go's) JPEGs use generic Huffman tables that Flate still
	// shrinks by 10–15%. Wrapping the stream in Flate keeps the JPEG bytes exactly
	// as they came (pdfimages -all gives them back) and keeps the archive copy no
	// larger than OCRmyPDF's, which does the same.
	if z := e.flate(b); len(z) < len(b)*97/100 {
		x.data, filter = z, "[/FlateDecode /DCTDecode]"
	}
	x.dict = fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /BitsPerComponent 8 /Filter %s",
		info.width, info.height, filter)
	switch info.components {
	case 1:
		x.dict += " /ColorSpace /DeviceGray"
	case 3:
		x.dict += " /ColorSpace /DeviceRGB"
	case 4:
		x.cmyk = true
		if info.adobe {
			// Adobe's applications store CMYK JPEGs inverted (APP14 marker; 0 is
			// full ink). DCTDecode does not undo that; this Decode array does, as in
			// the PDFs Acrobat itself writes.
			x.dict += " /Decode [1 0 1 0 1 0 1 0]"
		}
	}
	return x, nil
}

// Image is a page image encoded as the archive copy holds it: made ahead by
// Encode, where the page was decoded anyway (the pipeline's page stage, pages in
// parallel), kept as bytes (MarshalBinary) and added later as Page.Encoded, so
// writing the document only assembles it.
type Image struct{ x xobject }

// Width and Height are the image's size in pixels.
func (im *Image) Width() int  { return im.x.width }
func (im *Image) Height() int { return im.x.height }

// Size is the number of bytes the image takes in the PDF.
func (im *Image) Size() int { return len(im.x.data) }

var encoders = sync.Pool{New: func() any { return new(encoder) }}

// Encode encodes the image of p (its JPEG, or its Image with or without PNG, as
// AddPage would) for a later Page.Encoded. Words and DPI are not used. The Image
// may share p's JPEG or PNG bytes: the caller leaves them as they are. Safe for
// concurrent use.
func Encode(p Page) (*Image, error) {
	if p.Encoded != nil {
		return p.Encoded, nil
	}
	e := encoders.Get().(*encoder)
	defer encoders.Put(e)
	x, err := e.encode(p)
	if err != nil {
		return nil, err
	}
	return &Image{x: x}, nil
}

// imageMagic starts a marshalled Image; the number is the format's version.
const imageMagic = "kntc-pdfa-image-1\n"

// ErrCorruptImage reports marshalled image bytes that are cut short or damaged.
var ErrCorruptImage = errors.New("corrupt encoded image")

// MarshalBinary writes the image as bytes that UnmarshalBinary reads back,
// checked by a CRC-32 so that a file cut short by a crash is found.
func (im *Image) MarshalBinary() ([]byte, error) {
	x := im.x
	out := make([]byte, 0, len(imageMagic)+len(x.dict)+len(x.data)+32)
	out = append(out, imageMagic...)
	out = binary.AppendUvarint(out, uint64(x.width))
	out = binary.AppendUvarint(out, uint64(x.height))
	cmyk := byte(0)
	if x.cmyk {
		cmyk = 1
	}
	out = append(out, cmyk)
	out = binary.AppendUvarint(out, uint64(len(x.dict)))
	out = append(out, x.dict...)
	out = binary.AppendUvarint(out, uint64(len(x.data)))
	out = append(out, x.data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out)), nil
}

// UnmarshalBinary reads what MarshalBinary wrote; damaged bytes give
// ErrCorruptImage.
func (im *Image) UnmarshalBinary(b []byte) error {
	bad := func(what string) error { return fmt.Errorf("%w: %s", ErrCorruptImage, what) }
	if len(b) < len(imageMagic)+4 || string(b[:len(imageMagic)]) != imageMagic {
		return bad("not an encoded page image")
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return bad("checksum mismatch")
	}
	r := body[len(imageMagic):]
	next := func() (int, bool) {
		v, n := binary.Uvarint(r)
		if n <= 0 || v > 1<<40 {
			return 0, false
		}
		r = r[n:]
		return int(v), true
	}
	var x xobject
	var ok bool
	if x.width, ok = next(); !ok {
		return bad("width")
	}
	if x.height, ok = next(); !ok || len(r) < 1 {
		return bad("height")
	}
	x.cmyk, r = r[0] == 1, r[1:]
	n, ok := next()
	if !ok || n > len(r) {
		return bad("dictionary")
	}
	x.dict, r = string(r[:n]), r[n:]
	if n, ok = next(); !ok || n != len(r) {
		return bad("data")
	}
	x.data = r
	if x.width < 1 || x.height < 1 || x.dict == "" {
		return bad("empty image")
	}
	im.x = x
	return nil
}
