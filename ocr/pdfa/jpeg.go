package pdfa

import (
	"encoding/binary"
	"fmt"
)

// jpegInfo is what the PDF image dictionary needs from a JPEG's markers.
type jpegInfo struct {
	width, height int
	components    int  // 1 grey, 3 YCbCr or RGB, 4 CMYK or YCCK
	progressive   bool // SOF2: DCTDecode reads it (PDF 1.3 and later)
	adobe         bool // an Adobe APP14 segment: 4-component data is stored inverted
}

// parseJPEG walks the marker segments up to the first scan. It reads the frame
// header, not the entropy-coded data: the bytes go into the PDF unchanged.
func parseJPEG(b []byte) (jpegInfo, error) {
	var info jpegInfo
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 {
		return info, fmt.Errorf("%w: not a JPEG (no start-of-image marker)", ErrInvalidPage)
	}
	sawFrame := false
	for i := 2; ; {
		// A marker is 0xff, optional 0xff fill bytes, then a code.
		if i >= len(b) || b[i] != 0xff {
			return info, fmt.Errorf("%w: JPEG marker expected at byte %d", ErrInvalidPage, i)
		}
		for i < len(b) && b[i] == 0xff {
			i++
		}
		if i >= len(b) {
			return info, fmt.Errorf("%w: JPEG ends inside a marker", ErrInvalidPage)
		}
		m := b[i]
		i++
		switch {
		case m == 0xd9: // EOI
			return info, fmt.Errorf("%w: JPEG ends before its first scan", ErrInvalidPage)
		case m == 0x01 || (m >= 0xd0 && m <= 0xd7): // TEM, RSTn: no length
			continue
		}
		if i+2 > len(b) {
			return info, fmt.Errorf("%w: JPEG ends inside segment %#x", ErrInvalidPage, m)
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || i+n > len(b) {
			return info, fmt.Errorf("%w: JPEG segment %#x of length %d overruns the file", ErrInvalidPage, m, n)
		}
		seg := b[i+2 : i+n]
		i += n
		switch m {
		case 0xc0, 0xc1, 0xc2: // baseline, extended sequential, progressive; Huffman
			if sawFrame {
				return info, fmt.Errorf("%w: JPEG has two frame headers", ErrInvalidPage)
			}
			sawFrame = true
			if len(seg) < 6 {
				return info, fmt.Errorf("%w: JPEG frame header too short", ErrInvalidPage)
			}
			if seg[0] != 8 {
				return info, fmt.Errorf("%w: %d-bit samples (PDF's DCTDecode reads 8-bit JPEGs)", ErrUnsupportedJPEG, seg[0])
			}
			info.height = int(binary.BigEndian.Uint16(seg[1:]))
			info.width = int(binary.BigEndian.Uint16(seg[3:]))
			info.components = int(seg[5])
			info.progressive = m == 0xc2
			if len(seg) < 6+3*info.components {
				return info, fmt.Errorf("%w: JPEG frame header too short for %d components", ErrInvalidPage, info.components)
			}
			if info.height == 0 {
				return info, fmt.Errorf("%w: height defined by a DNL marker", ErrUnsupportedJPEG)
			}
			if info.width == 0 {
				return info, fmt.Errorf("%w: JPEG of width 0", ErrInvalidPage)
			}
			switch info.components {
			case 1, 3, 4:
			default:
				return info, fmt.Errorf("%w: JPEG with %d components", ErrUnsupportedJPEG, info.components)
			}
		case 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf:
			return info, fmt.Errorf("%w: lossless, hierarchical or arithmetic-coded JPEG (frame type %#x)", ErrUnsupportedJPEG, m)
		case 0xee: // APP14
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
				info.adobe = true
			}
		case 0xda: // SOS: the entropy-coded data follows
			if !sawFrame {
				return info, fmt.Errorf("%w: JPEG scan before its frame header", ErrInvalidPage)
			}
			return info, nil
		}
	}
}
