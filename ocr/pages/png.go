package pages

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
)

// scanPNG walks the chunks of a PNG file up to IEND without inflating anything: it
// reads the size from IHDR, the density from pHYs, and checks that the file is
// complete.
func scanPNG(ctx context.Context, r io.Reader) (pageInfo, error) {
	var pi pageInfo
	br := bufio.NewReaderSize(r, 64<<10)
	var sig [8]byte
	if _, err := io.ReadFull(br, sig[:]); err != nil {
		return pi, err
	}
	var (
		hdr                [8]byte
		depth, colour      byte
		seenIHDR, seenIDAT bool
	)
	for i := 0; ; i++ {
		if i&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return pi, err
			}
		}
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return pi, err
		}
		n := binary.BigEndian.Uint32(hdr[:4])
		typ := string(hdr[4:])
		if n > 1<<31-1 {
			return pi, fmt.Errorf("png: chunk %q length %d", typ, n)
		}
		for _, c := range hdr[4:] {
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
				return pi, fmt.Errorf("png: invalid chunk type %q", typ)
			}
		}
		if !seenIHDR && typ != "IHDR" {
			return pi, errors.New("png: first chunk is not IHDR")
		}
		switch typ {
		case "IHDR", "pHYs":
			if n > 64 {
				return pi, fmt.Errorf("png: %s chunk length %d", typ, n)
			}
			b := make([]byte, n+4)
			if _, err := io.ReadFull(br, b); err != nil {
				return pi, err
			}
			if typ == "IHDR" {
				if n != 13 || seenIHDR {
					return pi, errors.New("png: bad IHDR")
				}
				seenIHDR = true
				w, h := binary.BigEndian.Uint32(b[0:4]), binary.BigEndian.Uint32(b[4:8])
				if w > 1<<31-1 || h > 1<<31-1 {
					return pi, fmt.Errorf("png: size %d×%d", w, h)
				}
				pi.w, pi.h = int(w), int(h)
				depth, colour = b[8], b[9]
			} else if n == 9 && b[8] == 1 { // pixels per metre
				pi.dpi = int(float64(binary.BigEndian.Uint32(b[0:4]))*0.0254 + 0.5)
			}
		case "IEND":
			if !seenIDAT {
				return pi, errors.New("png: no image data")
			}
			// Bilevel: 1-bit grey, or a 1-bit palette (two colours at most).
			pi.bilevel = depth == 1 && (colour == 0 || colour == 3)
			pi.bpp = pngBytesPerPixel(depth, colour)
			return pi, nil
		default:
			if typ == "IDAT" {
				seenIDAT = true
			}
			if _, err := br.Discard(int(n) + 4); err != nil {
				return pi, err
			}
		}
	}
}

func (f *File) openPNG(ctx context.Context) error {
	pi, err := scanPNG(ctx, io.NewSectionReader(f.f, 0, f.size))
	if err != nil {
		return classify(err, 0, "png")
	}
	if err := f.checkPixels(0, pi.w, pi.h); err != nil {
		return err
	}
	f.pages = []pageInfo{pi}
	return nil
}

func (f *File) pagePNG(pi *pageInfo) (Page, error) {
	// The whole file is read (its size is within Limits.MaxFileBytes): the archive
	// can take its compressed data as it is (Page.PNG).
	file := make([]byte, f.size)
	if _, err := f.f.ReadAt(file, 0); err != nil {
		return Page{}, classify(err, 1, "png")
	}
	var img image.Image
	err := safely(1, "png", func() error {
		var err error
		img, err = png.Decode(bytes.NewReader(file))
		return err
	})
	if err != nil {
		var ue png.UnsupportedError
		if errors.As(err, &ue) {
			return Page{}, fail(ErrUnsupported, 1, "%v", err)
		}
		return Page{}, classify(err, 1, "png")
	}
	return Page{Image: img, PNG: file, DPI: effectiveDPI(pi.dpi), Bilevel: pi.bilevel}, nil
}

// pngBytesPerPixel is what image/png decodes a PNG of this bit depth and colour
// type into: Gray or Gray16, Paletted, and RGBA/NRGBA (or their 64-bit forms)
// for colour and for grey with alpha.
func pngBytesPerPixel(depth, colour byte) int {
	switch colour {
	case 0:
		if depth == 16 {
			return 2
		}
		return 1
	case 3:
		return 1
	}
	if depth == 16 {
		return 8
	}
	return 4
}
