package ocrtest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"strings"
)

// PNG encodes img as PNG.
func PNG(img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // encoding an in-memory image into a buffer does not fail
	}
	return b.Bytes()
}

// JPEG encodes img as a baseline JPEG of the given quality.
func JPEG(img image.Image, quality int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// MultiPageTIFF writes grey pages as one uncompressed little-endian TIFF, one IFD per
// page, with the resolution recorded, as office scanners write multi-page scans.
func MultiPageTIFF(pages []*image.Gray, dpi int) []byte {
	var out bytes.Buffer
	le := binary.LittleEndian
	w16 := func(v uint16) { _ = binary.Write(&out, le, v) }
	w32 := func(v uint32) { _ = binary.Write(&out, le, v) }
	out.WriteString("II")
	w16(42)
	w32(8) // first IFD right after the header
	const entries = 11
	for i, pg := range pages {
		b := pg.Bounds()
		w, h := b.Dx(), b.Dy()
		ifd := uint32(out.Len())
		resOff := ifd + 2 + entries*12 + 4
		dataOff := resOff + 16
		next := dataOff + uint32(w*h)
		next += next % 2 // IFDs start on a word boundary
		if i == len(pages)-1 {
			next = 0
		}
		w16(entries)
		entry := func(tag, typ uint16, count, value uint32) { w16(tag); w16(typ); w32(count); w32(value) }
		entry(256, 4, 1, uint32(w))   // ImageWidth
		entry(257, 4, 1, uint32(h))   // ImageLength
		entry(258, 3, 1, 8)           // BitsPerSample
		entry(259, 3, 1, 1)           // Compression: none
		entry(262, 3, 1, 1)           // Photometric: black is zero
		entry(273, 4, 1, dataOff)     // StripOffsets
		entry(277, 3, 1, 1)           // SamplesPerPixel
		entry(278, 4, 1, uint32(h))   // RowsPerStrip
		entry(279, 4, 1, uint32(w*h)) // StripByteCounts
		entry(282, 5, 1, resOff)      // XResolution
		entry(283, 5, 1, resOff+8)    // YResolution
		w32(next)
		w32(uint32(dpi))
		w32(1)
		w32(uint32(dpi))
		w32(1)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			off := pg.PixOffset(b.Min.X, y)
			out.Write(pg.Pix[off : off+w])
		}
		if out.Len()%2 == 1 {
			out.WriteByte(0)
		}
	}
	return out.Bytes()
}

// TextPDF writes a born-digital one-page PDF: ASCII lines in Helvetica, no images.
func TextPDF(lines ...string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 14 Tf 72 760 Td 18 TL\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) Tj T*\n", l)
	}
	content.WriteString("ET\n")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
	}
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	var offs []int
	for i, o := range objs {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return []byte(b.String())
}

// PNGData returns the image data of a PNG file, its IDAT chunks joined: what a PDF
// holds when the PNG's compressed data was passed through. Nil when there is none.
func PNGData(file []byte) []byte {
	var data []byte
	if len(file) < 8 {
		return nil
	}
	for r := file[8:]; len(r) >= 12; {
		n := int(binary.BigEndian.Uint32(r))
		if n > len(r)-12 {
			break
		}
		if string(r[4:8]) == "IDAT" {
			data = append(data, r[8:8+n]...)
		}
		r = r[12+n:]
	}
	return data
}
