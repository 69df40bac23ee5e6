package pages

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
)

// maxJPEGScans bounds the scans of a progressive JPEG: each scan costs a pass over
// the whole image, so a small file with thousands of empty scans is a CPU bomb.
// Real encoders write at most a dozen or so.
const maxJPEGScans = 100

// jpegInfo is what a walk over a JPEG's markers learns.
type jpegInfo struct {
	w, h, comps int
	dpi         int   // 0 when not declared
	end         int64 // offset just past the end-of-image marker
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

func (c *countingReader) full(p []byte) error {
	n, err := io.ReadFull(c.r, p)
	c.n += int64(n)
	return err
}

func (c *countingReader) skip(n int) error {
	m, err := c.r.Discard(n)
	c.n += int64(m)
	return err
}

// scanJPEG walks every marker of a JPEG stream from SOI to EOI, through the
// entropy-coded data, without decoding it. It finds the size and density, checks
// that the decoder (image/jpeg) supports the coding, and finds where the stream
// ends, so that a truncated file is reported by Open and trailing data (a phone's
// appended video, say) is not taken for the image.
func scanJPEG(ctx context.Context, r io.Reader) (jpegInfo, error) {
	var info jpegInfo
	cr := &countingReader{r: bufio.NewReaderSize(r, 64<<10)}
	var two [2]byte
	if err := cr.full(two[:]); err != nil || two != [2]byte{0xFF, 0xD8} {
		return info, errors.New("jpeg: missing start-of-image marker")
	}
	sof, scans := false, 0
	var exifDPI int
	afterScan := false // skipEntropy has consumed the marker's first 0xFF
	for i := 0; ; i++ {
		if i&4095 == 4095 {
			if err := ctx.Err(); err != nil {
				return info, err
			}
		}
		if !afterScan {
			b, err := cr.ReadByte()
			if err != nil {
				return info, err
			}
			if b != 0xFF {
				return info, fmt.Errorf("jpeg: expected a marker at offset %d, found 0x%02X", cr.n-1, b)
			}
		}
		afterScan = false
		// Markers may be preceded by any number of 0xFF fill bytes.
		var err error
		m := byte(0xFF)
		for m == 0xFF {
			if m, err = cr.ReadByte(); err != nil {
				return info, err
			}
		}
		switch {
		case m == 0xD9: // EOI
			if !sof || scans == 0 {
				return info, errors.New("jpeg: end of image before any image data")
			}
			if info.dpi == 0 {
				info.dpi = exifDPI
			}
			info.end = cr.n
			return info, nil
		case m == 0x01, m >= 0xD0 && m <= 0xD7, m == 0x00: // standalone markers
			continue
		}
		if err := cr.full(two[:]); err != nil {
			return info, err
		}
		n := int(binary.BigEndian.Uint16(two[:])) - 2
		if n < 0 {
			return info, fmt.Errorf("jpeg: marker 0x%02X with length %d", m, n+2)
		}
		switch {
		case m == 0xC0 || m == 0xC1 || m == 0xC2: // baseline, extended, progressive
			if sof {
				return info, errors.New("jpeg: more than one frame header")
			}
			seg := make([]byte, n)
			if err := cr.full(seg); err != nil {
				return info, err
			}
			if len(seg) < 6 {
				return info, errors.New("jpeg: short frame header")
			}
			if seg[0] != 8 {
				return info, fail(ErrUnsupported, 0, "JPEG with %d-bit samples", seg[0])
			}
			info.h = int(binary.BigEndian.Uint16(seg[1:3]))
			info.w = int(binary.BigEndian.Uint16(seg[3:5]))
			info.comps = int(seg[5])
			if info.h == 0 {
				return info, fail(ErrUnsupported, 0, "JPEG with the height in a DNL marker")
			}
			if info.comps != 1 && info.comps != 3 && info.comps != 4 {
				return info, fail(ErrUnsupported, 0, "JPEG with %d colour components", info.comps)
			}
			sof = true
		case m >= 0xC3 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC:
			return info, fail(ErrUnsupported, 0, "JPEG coding 0x%02X (lossless, hierarchical or arithmetic)", m)
		case m == 0xE0 || m == 0xE1: // JFIF, EXIF
			seg := make([]byte, n)
			if err := cr.full(seg); err != nil {
				return info, err
			}
			switch {
			case m == 0xE0 && len(seg) >= 12 && string(seg[:5]) == "JFIF\x00":
				info.dpi = densityDPI(int(seg[7]), int(binary.BigEndian.Uint16(seg[8:10])))
			case m == 0xE1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00":
				exifDPI = exifResolution(seg[6:])
			}
		case m == 0xDA: // SOS, then entropy-coded data up to the next marker
			if !sof {
				return info, errors.New("jpeg: scan before frame header")
			}
			if scans++; scans > maxJPEGScans {
				return info, fmt.Errorf("jpeg: more than %d scans", maxJPEGScans)
			}
			if err := cr.skip(n); err != nil {
				return info, err
			}
			if err := skipEntropy(ctx, cr); err != nil {
				return info, err
			}
			afterScan = true
		default:
			if err := cr.skip(n); err != nil {
				return info, err
			}
		}
	}
}

// skipEntropy reads entropy-coded data up to the next marker, consuming the marker's
// 0xFF but not its code. Inside the data 0xFF is followed by 0x00 (stuffing) or a
// restart marker 0xD0–0xD7.
func skipEntropy(ctx context.Context, cr *countingReader) error {
	for i := 0; ; i++ {
		if i&(1<<20-1) == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b, err := cr.ReadByte()
		if err != nil {
			return err
		}
		if b != 0xFF {
			continue
		}
		next, err := cr.r.Peek(1)
		if err != nil {
			return err
		}
		if next[0] == 0x00 || next[0] >= 0xD0 && next[0] <= 0xD7 {
			cr.ReadByte()
			continue
		}
		return nil // a marker
	}
}

// densityDPI converts a JFIF density to dots per inch (0 when unknown).
func densityDPI(unit, v int) int {
	switch unit {
	case 1:
		return v
	case 2:
		return int(float64(v)*2.54 + 0.5)
	}
	return 0
}

// exifResolution reads XResolution and ResolutionUnit from the first IFD of an
// EXIF block (a little TIFF file); 0 when absent or unreadable.
func exifResolution(b []byte) int {
	t, err := newTIFFReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return 0
	}
	entries, _, err := t.readIFD(t.first)
	if err != nil {
		return 0
	}
	return t.resolution(entries)
}

// openJPEG validates a JPEG file: one page.
func (f *File) openJPEG(ctx context.Context) error {
	info, err := scanJPEG(ctx, io.NewSectionReader(f.f, 0, f.size))
	if err != nil {
		return classify(err, 0, "jpeg")
	}
	if err := f.checkPixels(0, info.w, info.h); err != nil {
		return err
	}
	// Grey decodes to Gray, colour to YCbCr (3 bytes a pixel at most, unsubsampled),
	// four components to CMYK.
	f.pages = []pageInfo{{w: info.w, h: info.h, dpi: info.dpi, bpp: info.comps, jpegEnd: info.end}}
	return nil
}

func (f *File) pageJPEG(pi *pageInfo) (Page, error) {
	b := make([]byte, pi.jpegEnd)
	if _, err := f.f.ReadAt(b, 0); err != nil {
		return Page{}, classify(err, 1, "read jpeg")
	}
	img, err := decodeJPEG(b, 1)
	if err != nil {
		return Page{}, err
	}
	return Page{Image: img, DPI: effectiveDPI(pi.dpi), JPEG: b}, nil
}

// decodeJPEG decodes a JPEG stream whose size has already been checked.
func decodeJPEG(b []byte, page int) (image.Image, error) {
	var img image.Image
	err := safely(page, "jpeg", func() error {
		var err error
		img, err = jpeg.Decode(bytes.NewReader(b))
		return err
	})
	if err != nil {
		var ue jpeg.UnsupportedError
		if errors.As(err, &ue) {
			return nil, fail(ErrUnsupported, page, "%v", err)
		}
		return nil, classify(err, page, "jpeg")
	}
	return img, nil
}
