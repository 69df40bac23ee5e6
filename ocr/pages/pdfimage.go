package pages

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"hash/crc32"
	"image"
	"io"

	"golang.org/x/image/ccitt"
)

// decodePDFImage decodes the image that fills a PDF page, as planned by Open. For a
// DCT image it also returns the embedded JPEG stream unchanged. Errors wrapping a
// sentinel mean the stream is damaged; the caller then renders the page.
func (f *File) decodePDFImage(ctx context.Context, img *pdfImage, page int) (image.Image, []byte, error) {
	raw := make([]byte, img.n)
	if _, err := f.f.ReadAt(raw, img.off); err != nil {
		return nil, nil, fmt.Errorf("read page %d image: %w", page, err)
	}
	if crc32.ChecksumIEEE(raw) != img.crc {
		return nil, nil, fmt.Errorf("read page %d image: the file changed after it was opened", page)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	switch img.filter {
	case "DCTDecode":
		im, err := decodeJPEG(raw, page)
		if err != nil {
			return nil, nil, err
		}
		if b := im.Bounds(); b.Dx() != img.w || b.Dy() != img.h {
			return nil, nil, fail(ErrCorrupt, page, "pdf: JPEG image is %d×%d, dictionary says %d×%d", b.Dx(), b.Dy(), img.w, img.h)
		}
		return im, raw, nil
	case "CCITTFaxDecode":
		g := image.NewGray(image.Rect(0, 0, img.w, img.h))
		err := safely(page, "ccitt", func() error {
			return ccitt.DecodeIntoGray(g, bytes.NewReader(raw), ccitt.MSB, ccitt.Group4, &ccitt.Options{Align: img.byteAlign, Invert: img.blackIs1})
		})
		if err != nil {
			return nil, nil, classify(err, page, "pdf: CCITT image")
		}
		if img.invert {
			invert(g.Pix)
		}
		return g, nil, nil
	case "FlateDecode":
		data, err := inflate(raw, img)
		if err != nil {
			return nil, nil, classify(err, page, "pdf: Flate image")
		}
		return samplesToImage(data, img), nil, nil
	case "":
		return samplesToImage(raw, img), nil, nil
	}
	return nil, nil, fail(ErrUnsupported, page, "pdf: image filter %s", img.filter)
}

// rowBytes is the size of one row of samples.
func (img *pdfImage) rowBytes() int { return (img.w*img.comps*img.bpc + 7) / 8 }

// inflate decompresses a Flate image stream to exactly the expected number of
// bytes, undoing a PNG or TIFF predictor. It never allocates more than the image
// needs, whatever the stream claims.
func inflate(raw []byte, img *pdfImage) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	rb := img.rowBytes()
	stride := rb
	if img.predictor >= 10 {
		stride++ // each row starts with its PNG filter type
	}
	buf := make([]byte, img.h*stride)
	// Trailing garbage or a missing checksum after the pixels is common and harmless.
	if _, err := io.ReadFull(zr, buf); err != nil {
		return nil, err
	}
	switch {
	case img.predictor >= 10:
		bpp := max(1, img.comps*img.bpc/8)
		out := make([]byte, img.h*rb)
		prev := make([]byte, rb)
		for y := range img.h {
			ft, row := buf[y*stride], buf[y*stride+1:(y+1)*stride]
			if err := unfilterPNG(ft, row, prev, bpp); err != nil {
				return nil, err
			}
			copy(out[y*rb:], row)
			prev = row
		}
		return out, nil
	case img.predictor == 2: // TIFF predictor, 8 bits per component
		for y := range img.h {
			row := buf[y*rb : (y+1)*rb]
			for i := img.comps; i < len(row); i++ {
				row[i] += row[i-img.comps]
			}
		}
	}
	return buf, nil
}

// unfilterPNG reverses one PNG row filter in place (PNG specification 9).
func unfilterPNG(ft byte, row, prev []byte, bpp int) error {
	switch ft {
	case 0:
	case 1:
		for i := bpp; i < len(row); i++ {
			row[i] += row[i-bpp]
		}
	case 2:
		for i := range row {
			row[i] += prev[i]
		}
	case 3:
		for i := range row {
			left := 0
			if i >= bpp {
				left = int(row[i-bpp])
			}
			row[i] += byte((left + int(prev[i])) / 2)
		}
	case 4:
		for i := range row {
			var a, c int
			if i >= bpp {
				a, c = int(row[i-bpp]), int(prev[i-bpp])
			}
			b := int(prev[i])
			p := a + b - c
			pa, pb, pc := abs(p-a), abs(p-b), abs(p-c)
			switch {
			case pa <= pb && pa <= pc:
				row[i] += byte(a)
			case pb <= pc:
				row[i] += byte(b)
			default:
				row[i] += byte(c)
			}
		}
	default:
		return fmt.Errorf("png predictor: filter type %d", ft)
	}
	return nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// samplesToImage turns unpacked PDF image samples into an image: grey (any depth
// up to 8, and stencil masks, black where the sample is 0) or 8-bit RGB.
func samplesToImage(data []byte, img *pdfImage) image.Image {
	rb := img.rowBytes()
	r := image.Rect(0, 0, img.w, img.h)
	if img.comps == 3 {
		m := image.NewRGBA(r)
		for y := range img.h {
			row := data[y*rb:]
			pix := m.Pix[y*m.Stride:]
			for x := range img.w {
				copy(pix[4*x:4*x+3], row[3*x:3*x+3])
				pix[4*x+3] = 0xFF
			}
		}
		return m
	}
	g := image.NewGray(r)
	if img.bpc == 8 {
		for y := range img.h {
			copy(g.Pix[y*g.Stride:y*g.Stride+img.w], data[y*rb:])
		}
	} else {
		maxv := 1<<img.bpc - 1
		perByte := 8 / img.bpc
		for y := range img.h {
			row := data[y*rb:]
			pix := g.Pix[y*g.Stride:]
			for x := range img.w {
				shift := uint(8 - img.bpc*(x%perByte+1))
				v := int(row[x/perByte]>>shift) & maxv
				pix[x] = byte(v * 255 / maxv)
			}
		}
	}
	if img.invert {
		invert(g.Pix)
	}
	return g
}

func invert(p []byte) {
	for i, v := range p {
		p[i] = 255 - v
	}
}
