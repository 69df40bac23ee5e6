package pdfa

import (
	"encoding/binary"
	"sort"
	"unicode/utf16"
)

// The text layer's font is glyph-less, like Tesseract's own PDF renderer: every
// character code is shown with one empty glyph 500 units wide, and the ToUnicode map
// carries the text. The font program is a TrueType font generated here (no file is
// read at run time) with two glyphs: .notdef, a box, and the empty glyph.
const (
	fontName     = "GlyphLessFont"
	glyphAdvance = 500  // font units; the font dictionary's /DW says the same
	unitsPerEm   = 1000 // so that font units equal PDF glyph-space units
)

// glyphLessTrueType returns the font program. Widths in the program and in the
// PDF font dictionary agree (PDF/A-2 6.2.11.5), and every glyph a CID maps to
// exists (6.2.11.4.1).
func glyphLessTrueType() []byte {
	be := binary.BigEndian
	u16 := func(b []byte, v ...uint16) []byte {
		for _, x := range v {
			b = be.AppendUint16(b, x)
		}
		return b
	}
	// glyf: .notdef is one closed rectangle, 50,0–450,700; glyph 1 is empty.
	var glyf []byte
	glyf = u16(glyf, 1, 50, 0, 450, 700) // contours, bounding box
	glyf = u16(glyf, 3, 0)               // last point of the contour, no instructions
	glyf = append(glyf, 1, 1, 1, 1)      // four on-curve points, coordinates as int16 deltas
	glyf = u16(glyf, 50, 0, 400, 0)      // x deltas
	glyf = u16(glyf, 0, 700, 0, 0xfd44)  // y deltas (0xfd44 is -700)
	loca := u16(nil, 0, uint16(len(glyf)/2), uint16(len(glyf)/2))

	head := be.AppendUint32(nil, 0x00010000) // version
	head = be.AppendUint32(head, 0x00010000) // fontRevision
	head = be.AppendUint32(head, 0)          // checkSumAdjustment, set below
	head = be.AppendUint32(head, 0x5F0F3CF5) // magic
	head = u16(head, 0x000B, unitsPerEm)     // flags: baseline and lsb at 0, integer ppem
	head = be.AppendUint64(head, 3786912000) // created: 2024-01-01, fixed for reproducible output
	head = be.AppendUint64(head, 3786912000) // modified
	head = u16(head, 50, 0, 450, 700)        // bounding box of all glyphs
	head = u16(head, 0, 8, 2, 0, 0)          // macStyle, lowestRecPPEM, direction hint, short loca, glyf format

	hhea := be.AppendUint32(nil, 0x00010000)
	hhea = u16(hhea, 1000, 0, 0, glyphAdvance, 0, 0, 450) // ascender, descender, lineGap, advanceWidthMax, minLSB, minRSB, xMaxExtent
	hhea = u16(hhea, 1, 0, 0, 0, 0, 0, 0, 0, 2)           // caret rise/run/offset, 4 reserved, metricDataFormat, numberOfHMetrics

	hmtx := u16(nil, glyphAdvance, 50, glyphAdvance, 0)

	maxp := be.AppendUint32(nil, 0x00010000)
	maxp = u16(maxp, 2, 4, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0) // numGlyphs 2, maxPoints 4, maxContours 1, …, maxZones 2

	post := be.AppendUint32(nil, 0x00030000) // version 3: no glyph names
	post = be.AppendUint32(post, 0)          // italicAngle
	post = u16(post, 0xff9c, 50)             // underline position -100, thickness
	post = be.AppendUint32(post, 1)          // isFixedPitch
	post = append(post, make([]byte, 16)...) // memory hints

	// cmap: one Windows Unicode BMP subtable (format 4) mapping U+0020 to the empty
	// glyph. The PDF reaches glyphs through CIDToGIDMap, not this table; it is here
	// for font tools that expect one.
	sub := u16(nil, 4, 32, 0, 4, 4, 1, 0) // format, length, language, segCountX2, searchRange, entrySelector, rangeShift
	sub = u16(sub, 0x0020, 0xffff, 0)     // end codes, reservedPad
	sub = u16(sub, 0x0020, 0xffff)        // start codes
	sub = u16(sub, 0xffe1, 1)             // id deltas: 0x20+0xffe1 = 1 (mod 65536); 0xffff → 0
	sub = u16(sub, 0, 0)                  // id range offsets
	cmap := u16(nil, 0, 1, 3, 1)
	cmap = be.AppendUint32(cmap, 12)
	cmap = append(cmap, sub...)

	names := []string{1: fontName, 2: "Regular", 3: "kntc: " + fontName, 4: fontName, 5: "Version 1.0", 6: fontName}
	var strs []byte
	name := u16(nil, 0, uint16(len(names)-1), uint16(6+12*(len(names)-1)))
	for id := 1; id < len(names); id++ {
		s := utf16.Encode([]rune(names[id]))
		name = u16(name, 3, 1, 0x0409, uint16(id), uint16(2*len(s)), uint16(len(strs)))
		strs = u16(strs, s...)
	}
	name = append(name, strs...)

	os2 := u16(nil, 4, glyphAdvance, 400, 5, 0)       // version, xAvgCharWidth, weight, width, fsType 0: installable
	os2 = u16(os2, 650, 600, 0, 75, 650, 600, 0, 350) // sub- and superscript size and offset
	os2 = u16(os2, 50, 300, 0)                        // strikeout size, position, family class
	os2 = append(os2, make([]byte, 10)...)            // PANOSE
	os2 = be.AppendUint32(os2, 1)                     // Unicode ranges: Basic Latin
	os2 = append(os2, make([]byte, 12)...)            //
	os2 = append(os2, "KNTC"...)                      // vendor
	os2 = u16(os2, 0x0040, 0x0020, 0xffff)            // fsSelection REGULAR, first and last char
	os2 = u16(os2, 1000, 0, 0, 1000, 0)               // typo ascender, descender, line gap; win ascent, descent
	os2 = be.AppendUint32(os2, 1)                     // code pages: Latin 1
	os2 = be.AppendUint32(os2, 0)                     //
	os2 = u16(os2, 500, 700, 0, 0x20, 1)              // x height, cap height, default char, break char, max context

	tables := map[string][]byte{
		"OS/2": os2, "cmap": cmap, "glyf": glyf, "head": head, "hhea": hhea,
		"hmtx": hmtx, "loca": loca, "maxp": maxp, "name": name, "post": post,
	}
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)

	n := uint16(len(tags))
	entrySelector := uint16(0)
	for 1<<(entrySelector+1) <= n {
		entrySelector++
	}
	searchRange := uint16(16) << entrySelector
	font := be.AppendUint32(nil, 0x00010000)
	font = u16(font, n, searchRange, entrySelector, n*16-searchRange)
	dir := len(font)
	font = append(font, make([]byte, 16*len(tags))...)
	headAt := 0
	for i, t := range tags {
		data := tables[t]
		e := font[dir+16*i:]
		copy(e, t)
		be.PutUint32(e[4:], checksum(data))
		be.PutUint32(e[8:], uint32(len(font)))
		be.PutUint32(e[12:], uint32(len(data)))
		if t == "head" {
			headAt = len(font)
		}
		font = append(font, data...)
		for len(font)%4 != 0 {
			font = append(font, 0)
		}
	}
	be.PutUint32(font[headAt+8:], 0xB1B0AFBA-checksum(font))
	return font
}

// checksum is the TrueType table checksum: the sum of big-endian uint32s, the data
// padded with zeros to a multiple of four.
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
