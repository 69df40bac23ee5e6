package pdfacheck

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"unicode/utf16"
)

// fonts checks every font dictionary met: embedded programs (6.2.11.4.1),
// CIDToGIDMap (6.2.11.3.2), widths against the program (6.2.11.5) and ToUnicode
// maps that give every shown code a usable Unicode value (6.2.11.7.2, level U).
func (c *checker) fonts() {
	for _, fd := range c.fontDicts {
		d, n := fd.d, fd.obj
		// Content streams name fonts by reference; a font written inline in a
		// resource dictionary has no shown codes to check against.
		var used map[uint32]bool
		if !fd.direct {
			used = c.used[n]
		}
		sub := c.f.nameOf(d["Subtype"])
		base := c.f.nameOf(d["BaseFont"])
		if sub == "CIDFontType0" || sub == "CIDFontType2" {
			continue // descendants: checked through their Type0 font
		}
		c.unicode(d, n, base, used)
		switch sub {
		case "Type3":
		case "Type0":
			descs, _ := c.f.resolve(d["DescendantFonts"]).(array)
			if len(descs) != 1 {
				c.problem("6.2.11.3.1", n, "Type0 font /%s without exactly one descendant font", base)
				continue
			}
			desc := c.f.dictOf(descs[0])
			descriptor := c.f.dictOf(desc["FontDescriptor"])
			if !embedded(descriptor) {
				c.problem("6.2.11.4.1", n, "font /%s is not embedded", base)
				continue
			}
			if c.f.nameOf(desc["Subtype"]) != "CIDFontType2" {
				continue
			}
			if desc["CIDToGIDMap"] == nil {
				c.problem("6.2.11.3.2", n, "CIDFontType2 font /%s without a CIDToGIDMap", base)
			}
			switch c.f.nameOf(d["Encoding"]) {
			case "Identity-H", "Identity-V": // codes are CIDs: the program can be checked
				c.trueType(desc, descriptor, n, base, used)
			}
		default:
			if !embedded(c.f.dictOf(d["FontDescriptor"])) {
				c.problem("6.2.11.4.1", n, "font /%s is not embedded", base)
			}
		}
	}
}

// fontDict is a font dictionary and the object it is, or is written in.
type fontDict struct {
	d      dict
	obj    int
	direct bool
}

func embedded(fd dict) bool {
	return fd != nil && (fd["FontFile"] != nil || fd["FontFile2"] != nil || fd["FontFile3"] != nil)
}

// unicode checks the font's ToUnicode map: present, values that are not U+0000,
// U+FEFF or U+FFFE, and a value for every code shown with the font.
func (c *checker) unicode(d dict, n int, base name, used map[uint32]bool) {
	if c.conformance == "B" {
		return // level B asks no Unicode mapping
	}
	if d["ToUnicode"] == nil {
		c.problem("6.2.11.7.2", n, "font /%s has no ToUnicode map", base)
		return
	}
	s := c.f.streamOf(d["ToUnicode"])
	if s == nil {
		c.problem("6.2.11.7.2", n, "font /%s: ToUnicode is not a stream", base)
		return
	}
	data, err := c.f.decode(s)
	if err != nil {
		c.problem("6.2.11.7.2", n, "font /%s: ToUnicode cannot be decoded: %v", base, err)
		return
	}
	m, bad := parseToUnicode(data)
	for _, u := range bad {
		c.problem("6.2.11.7.2", n, "font /%s: ToUnicode maps code <%04X> to U+%04X, which PDF/A forbids", base, u.code, u.r)
	}
	var missing []uint32
	for code := range used {
		if _, ok := m[code]; !ok {
			missing = append(missing, code)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		c.problem("6.2.11.7.2", n, "font /%s: %d shown codes have no Unicode value, first <%04X>", base, len(missing), missing[0])
	}
}

type badValue struct {
	code uint32
	r    rune
}

// parseToUnicode reads the bfchar and bfrange mappings of a ToUnicode CMap.
func parseToUnicode(data []byte) (map[uint32][]rune, []badValue) {
	m := map[uint32][]rune{}
	var bad []badValue
	code := func(s str) uint32 {
		var v uint32
		for _, b := range s {
			v = v<<8 | uint32(b)
		}
		return v
	}
	set := func(c uint32, u []uint16) {
		r := utf16.Decode(u)
		for _, x := range r {
			if x == 0 || x == 0xfeff || x == 0xfffe {
				bad = append(bad, badValue{c, x})
			}
		}
		m[c] = r
	}
	units := func(s str) []uint16 {
		u := make([]uint16, 0, len(s)/2)
		for i := 0; i+1 < len(s); i += 2 {
			u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
		}
		return u
	}
	l := &lexer{b: data}
	var ops []any
	for {
		v, err := l.object(0)
		if err != nil {
			return m, bad
		}
		k, ok := v.(keyword)
		if !ok {
			ops = append(ops, v)
			continue
		}
		switch k {
		case "endbfchar":
			for i := 0; i+1 < len(ops); i += 2 {
				src, ok1 := ops[i].(str)
				dst, ok2 := ops[i+1].(str)
				if ok1 && ok2 {
					set(code(src), units(dst))
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(ops); i += 3 {
				lo, ok1 := ops[i].(str)
				hi, ok2 := ops[i+1].(str)
				if !ok1 || !ok2 || len(lo) > 4 || len(hi) > 4 || code(hi) < code(lo) || code(hi)-code(lo) > 0xffff {
					continue
				}
				switch dst := ops[i+2].(type) {
				case str:
					u := units(dst)
					for c := uint64(code(lo)); c <= uint64(code(hi)); c++ {
						set(uint32(c), slices.Clone(u))
						if len(u) > 0 {
							u[len(u)-1]++
						}
					}
				case array:
					for j, x := range dst {
						if s, ok := x.(str); ok && code(lo)+uint32(j) <= code(hi) {
							set(code(lo)+uint32(j), units(s))
						}
					}
				}
			}
		}
		ops = ops[:0]
	}
}

// trueType checks a CIDFontType2 font's embedded program against the codes shown
// with it: each maps through CIDToGIDMap to a glyph the program has (6.2.11.4.1),
// whose advance width is the width the PDF gives it (6.2.11.5).
func (c *checker) trueType(desc, fd dict, n int, base name, used map[uint32]bool) {
	if len(used) == 0 {
		return
	}
	s := c.f.streamOf(fd["FontFile2"])
	if s == nil {
		return
	}
	data, err := c.f.decode(s)
	if err != nil {
		c.problem("6.2.11.4.1", n, "font /%s: embedded program cannot be decoded: %v", base, err)
		return
	}
	prog, err := readTrueType(data)
	if err != nil {
		c.problem("6.2.11.4.1", n, "font /%s: embedded TrueType program: %v", base, err)
		return
	}
	var gidMap []byte
	// A missing map means Identity to readers (and is reported as 6.2.11.3.2).
	identity := desc["CIDToGIDMap"] == nil || c.f.nameOf(desc["CIDToGIDMap"]) == "Identity"
	if m := c.f.streamOf(desc["CIDToGIDMap"]); m != nil {
		if gidMap, err = c.f.decode(m); err != nil {
			c.problem("6.2.11.3.2", n, "font /%s: CIDToGIDMap cannot be decoded: %v", base, err)
			return
		}
	}
	widths := c.cidWidths(desc)
	cids := make([]uint32, 0, len(used))
	for cid := range used {
		cids = append(cids, cid)
	}
	slices.Sort(cids)
	var missing, wrong []uint32
	for _, cid := range cids {
		gid := uint32(0)
		switch {
		case identity:
			gid = cid
		case int(2*cid+1) < len(gidMap):
			gid = uint32(binary.BigEndian.Uint16(gidMap[2*cid:]))
		}
		if gid >= uint32(prog.numGlyphs) {
			missing = append(missing, cid)
			continue
		}
		if math.Abs(prog.advance(gid)-widths(cid)) > 1 {
			wrong = append(wrong, cid)
		}
	}
	if len(missing) > 0 {
		c.problem("6.2.11.4.1", n, "font /%s: %d shown CIDs map to glyphs the program lacks, first %d", base, len(missing), missing[0])
	}
	if len(wrong) > 0 {
		cid := wrong[0]
		c.problem("6.2.11.5", n, "font /%s: %d shown CIDs have a PDF width that differs from the program's, first %d (%g in the PDF)",
			base, len(wrong), cid, widths(cid))
	}
}

// cidWidths returns the width of a CID from /W, else /DW, else 1000.
func (c *checker) cidWidths(desc dict) func(uint32) float64 {
	def := 1000.0
	if v, ok := c.f.resolve(desc["DW"]).(int64); ok {
		def = float64(v)
	} else if v, ok := c.f.resolve(desc["DW"]).(float64); ok {
		def = v
	}
	num := func(v any) (float64, bool) {
		switch x := c.f.resolve(v).(type) {
		case int64:
			return float64(x), true
		case float64:
			return x, true
		}
		return 0, false
	}
	w := map[uint32]float64{}
	arr, _ := c.f.resolve(desc["W"]).(array)
	for i := 0; i < len(arr); {
		first, ok := num(arr[i])
		if !ok || i+1 >= len(arr) {
			break
		}
		if list, isList := c.f.resolve(arr[i+1]).(array); isList {
			if first < 0 || first > 0xffff {
				break
			}
			for j, x := range list {
				if v, ok := num(x); ok && j < 0x10000 {
					w[uint32(first)+uint32(j)] = v
				}
			}
			i += 2
			continue
		}
		last, ok1 := num(arr[i+1])
		if i+2 >= len(arr) || !ok1 || first < 0 || last < first || last > 0xffff {
			break
		}
		v, _ := num(arr[i+2])
		for cid := int(first); cid <= int(last); cid++ {
			w[uint32(cid)] = v
		}
		i += 3
	}
	return func(cid uint32) float64 {
		if v, ok := w[cid]; ok {
			return v
		}
		return def
	}
}

// trueTypeProgram is what the checks need from a TrueType font: glyph count and
// advance widths in PDF glyph space (thousandths of an em).
type trueTypeProgram struct {
	numGlyphs  int
	unitsPerEm int
	hmtx       []byte
	numMetrics int
}

func (p trueTypeProgram) advance(gid uint32) float64 {
	i := min(int(gid), p.numMetrics-1)
	return float64(binary.BigEndian.Uint16(p.hmtx[4*i:])) * 1000 / float64(p.unitsPerEm)
}

// readTrueType reads the head, hhea, maxp and hmtx tables.
func readTrueType(b []byte) (trueTypeProgram, error) {
	var p trueTypeProgram
	if len(b) < 12 {
		return p, errors.New("shorter than a table directory")
	}
	switch v := binary.BigEndian.Uint32(b); v {
	case 0x00010000, 0x74727565: // 1.0, 'true'
	default:
		return p, fmt.Errorf("not a TrueType font (version %#x)", v)
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	if 12+16*n > len(b) {
		return p, errors.New("table directory overruns the font")
	}
	tables := map[string][]byte{}
	for i := range n {
		e := b[12+16*i:]
		off, size := int64(binary.BigEndian.Uint32(e[8:])), int64(binary.BigEndian.Uint32(e[12:]))
		if off+size > int64(len(b)) {
			return p, fmt.Errorf("table %q overruns the font", e[:4])
		}
		tables[string(e[:4])] = b[off : off+size]
	}
	head, hhea, maxp, hmtx := tables["head"], tables["hhea"], tables["maxp"], tables["hmtx"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 || hmtx == nil {
		return p, errors.New("missing or short head, hhea, maxp or hmtx table")
	}
	p.unitsPerEm = int(binary.BigEndian.Uint16(head[18:]))
	p.numGlyphs = int(binary.BigEndian.Uint16(maxp[4:]))
	p.numMetrics = int(binary.BigEndian.Uint16(hhea[34:]))
	p.hmtx = hmtx
	if p.unitsPerEm < 16 || p.numMetrics < 1 || 4*p.numMetrics > len(hmtx) {
		return p, errors.New("bad unitsPerEm or horizontal metrics")
	}
	return p, nil
}
