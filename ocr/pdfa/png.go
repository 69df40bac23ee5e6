package pdfa

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"image"
)

// pngXObject makes an image XObject of a PNG file's compressed data, unchanged, when
// the file and its decoded pixels allow (see Page.PNG); ok is false otherwise.
func pngXObject(file []byte, img image.Image) (x xobject, ok bool) {
	const signature = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(file, []byte(signature)) {
		return xobject{}, false
	}
	var (
		w, h               int
		depth, colour      byte
		palette, data      []byte
		seenIHDR, seenIEND bool
	)
	for r := file[len(signature):]; len(r) >= 12 && !seenIEND; {
		n := binary.BigEndian.Uint32(r)
		if uint64(n)+12 > uint64(len(r)) {
			return xobject{}, false
		}
		typ, body := string(r[4:8]), r[8:8+n]
		r = r[12+n:]
		switch typ {
		case "IHDR":
			if n != 13 || seenIHDR {
				return xobject{}, false
			}
			seenIHDR = true
			w, h = int(binary.BigEndian.Uint32(body)), int(binary.BigEndian.Uint32(body[4:]))
			depth, colour = body[8], body[9]
			// Compression and filter method 0, no interlacing: PDF's predictors
			// know only PNG's plain row order.
			if body[10] != 0 || body[11] != 0 || body[12] != 0 {
				return xobject{}, false
			}
		case "PLTE":
			palette = body
		case "tRNS":
			return xobject{}, false // transparency: composited on white instead
		case "IDAT":
			data = append(data, body...)
		case "IEND":
			seenIEND = true
		}
	}
	b := img.Bounds()
	if !seenIHDR || !seenIEND || len(data) == 0 || w != b.Dx() || h != b.Dy() || depth > 8 {
		return xobject{}, false
	}
	kind, _ := classify(img, rows(img))
	var space string
	colours := 1
	switch {
	case kind == kindBilevel:
		return xobject{}, false // CCITT Group 4 is far smaller
	case colour == 0 && kind == kindGray:
		space = "/DeviceGray"
	case colour == 2 && kind == kindRGB:
		space, colours = "/DeviceRGB", 3
	case colour == 3 && len(palette) >= 3 && len(palette)%3 == 0 && len(palette)/3 <= 1<<depth:
		space = fmt.Sprintf("[/Indexed /DeviceRGB %d <%s>]", len(palette)/3-1, hex.EncodeToString(palette))
	default:
		return xobject{}, false
	}
	x = xobject{width: w, height: h, data: data}
	x.dict = fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent %d "+
		"/Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors %d /BitsPerComponent %d /Columns %d >>",
		w, h, space, depth, colours, depth, w)
	return x, true
}
