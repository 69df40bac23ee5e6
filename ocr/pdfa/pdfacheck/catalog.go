package pdfacheck

import (
	"kntc/ocr/pdfa/internal/icc"
)

// catalog checks the metadata (6.6) and the output intents (6.2.3).
func (c *checker) catalog() {
	root, _ := c.f.trailer["Root"].(ref)
	c.catalogD = c.f.dictOf(c.f.trailer["Root"])
	if c.catalogD == nil {
		c.problem("6.1.3", 0, "the trailer's /Root is not a catalog dictionary")
		return
	}
	c.outputIntents(root.num)
	c.metadata(root.num)
}

func (c *checker) outputIntents(catalog int) {
	intents, _ := c.f.resolve(c.catalogD["OutputIntents"]).(array)
	var profile any // the DestOutputProfile of the first PDF/A intent
	found := false
	for _, v := range intents {
		oi := c.f.dictOf(v)
		if oi == nil {
			continue
		}
		dest := oi["DestOutputProfile"]
		if c.f.nameOf(oi["S"]) != "GTS_PDFA1" {
			if dest != nil && profile != nil && !sameObject(dest, profile) {
				c.problem("6.2.3", catalog, "output intents with different destination profiles")
			}
			continue
		}
		found = true
		if dest == nil {
			c.problem("6.2.3", catalog, "the PDF/A output intent has no DestOutputProfile")
			continue
		}
		if profile != nil {
			if !sameObject(dest, profile) {
				c.problem("6.2.3", catalog, "two PDF/A output intents with different destination profiles")
			}
			continue
		}
		profile = dest
		obj := 0
		if r, ok := dest.(ref); ok {
			obj = r.num
		}
		s := c.f.streamOf(dest)
		if s == nil {
			c.problem("6.2.3", obj, "the output intent's DestOutputProfile is not a stream")
			continue
		}
		data, err := c.f.decode(s)
		if err != nil {
			c.problem("6.2.3", obj, "the output intent's ICC profile cannot be decoded: %v", err)
			continue
		}
		p, err := icc.Parse(data)
		if err != nil {
			c.problem("6.2.3", obj, "the output intent's ICC profile: %v", err)
			continue
		}
		if p.Class != "mntr" && p.Class != "prtr" {
			c.problem("6.2.3", obj, "the output intent's ICC profile is of class %q, not an output ('prtr') or display ('mntr') profile", p.Class)
		}
		if n, ok := c.f.intOf(s.dict["N"]); !ok || int(n) != p.Components() {
			c.problem("6.2.3", obj, "the output intent's profile stream has /N %v for a %q profile", s.dict["N"], p.ColorSpace)
		}
		c.intent = p.ColorSpace
	}
	if !found {
		c.problem("6.2.3", catalog, "no PDF/A output intent (/S /GTS_PDFA1) with an ICC profile")
	}
}

// sameObject reports whether a and b are references to one object.
func sameObject(a, b any) bool {
	ra, ok1 := a.(ref)
	rb, ok2 := b.(ref)
	return ok1 && ok2 && ra == rb
}

// iccBased checks the profile of an ICCBased colour space (6.2.4.2): a valid ICC
// profile, of a device class and data colour space PDF allows, with as many
// components as /N says.
func (c *checker) iccBased(v any, obj int) {
	if r, ok := v.(ref); ok {
		obj = r.num
	}
	s := c.f.streamOf(v)
	if s == nil {
		c.problem("6.2.4.2", obj, "ICCBased colour space without a profile stream")
		return
	}
	data, err := c.f.decode(s)
	if err != nil {
		c.problem("6.2.4.2", obj, "ICC profile cannot be decoded: %v", err)
		return
	}
	p, err := icc.Parse(data)
	if err != nil {
		c.problem("6.2.4.2", obj, "ICCBased colour space: %v", err)
		return
	}
	switch p.Class {
	case "prtr", "mntr", "scnr", "spac":
	default:
		c.problem("6.2.4.2", obj, "ICCBased profile of device class %q (PDF allows prtr, mntr, scnr, spac)", p.Class)
	}
	if p.Components() == 0 {
		c.problem("6.2.4.2", obj, "ICCBased profile for %q data (PDF allows grey, RGB, CMYK, Lab)", p.ColorSpace)
	}
	if n, ok := c.f.intOf(s.dict["N"]); !ok || int(n) != p.Components() {
		c.problem("6.2.4.2", obj, "ICCBased stream has /N %v for a %q profile", s.dict["N"], p.ColorSpace)
	}
}

// pages walks the page tree, scanning each page's content streams with the
// resources it inherits.
func (c *checker) pages() {
	if c.catalogD == nil {
		return
	}
	seen := map[int]bool{}
	var walk func(node any, res dict, depth int)
	walk = func(node any, res dict, depth int) {
		r, isRef := node.(ref)
		if isRef {
			if seen[r.num] {
				return
			}
			seen[r.num] = true
		}
		d := c.f.dictOf(node)
		if d == nil || depth > 64 {
			return
		}
		if own := c.f.dictOf(d["Resources"]); own != nil {
			res = own
		}
		if c.f.nameOf(d["Type"]) == "Pages" {
			kids, _ := c.f.resolve(d["Kids"]).(array)
			for _, k := range kids {
				walk(k, res, depth+1)
			}
			return
		}
		switch v := c.f.resolve(d["Contents"]).(type) {
		case *stream:
			c.content(d["Contents"], res, 0)
		case array:
			var joined []byte
			for _, s := range v {
				if st := c.f.streamOf(s); st != nil {
					data, err := c.f.decode(st)
					if err != nil {
						continue
					}
					joined = append(append(joined, data...), '\n')
				}
			}
			c.scan(joined, res, r.num, 0)
		}
	}
	walk(c.catalogD["Pages"], nil, 0)
}

// content scans the content stream v (a page's or a form XObject's).
func (c *checker) content(v any, res dict, depth int) {
	obj := 0
	if r, ok := v.(ref); ok {
		obj = r.num
	}
	s := c.f.streamOf(v)
	if s == nil {
		return
	}
	data, err := c.f.decode(s)
	if err != nil {
		return // a filter the checker does not decode; the filter rules still ran
	}
	c.scan(data, res, obj, depth)
}

func (c *checker) fontNum(res dict, n name) int {
	fonts := c.f.dictOf(res["Font"])
	if r, ok := fonts[n].(ref); ok {
		return r.num
	}
	return 0
}

// scan reads a content stream's operators: inline images (6.1.10, 6.2.8), device
// colour operators (6.2.4.3), graphics state nesting (6.1.13), the codes shown with
// each font (for fonts()), and form XObjects it paints, which it scans in turn.
func (c *checker) scan(data []byte, res dict, obj, depth int) {
	if depth > 16 {
		return
	}
	l := &lexer{b: data, note: func(cl, m string) { c.problem(cl, obj, "content stream: %s", m) }}
	var ops []any
	qDepth, font := 0, 0
	deepReported := false
	for {
		v, err := l.object(0)
		if err != nil {
			return
		}
		k, isOp := v.(keyword)
		if !isOp {
			ops = append(ops, v)
			continue
		}
		switch k {
		case "BI":
			c.inlineImage(l, obj)
		case "q":
			qDepth++
			if qDepth > 28 && !deepReported {
				c.problem("6.1.13", obj, "graphics states nested more than 28 deep")
				deepReported = true
			}
		case "Q":
			qDepth--
		case "rg", "RG":
			c.deviceSpace("DeviceRGB", obj)
		case "k", "K":
			c.deviceSpace("DeviceCMYK", obj)
		case "g", "G":
			c.deviceSpace("DeviceGray", obj)
		case "cs", "CS":
			if len(ops) > 0 {
				if n, ok := ops[len(ops)-1].(name); ok {
					c.deviceSpace(n, obj)
				}
			}
		case "Tf":
			if len(ops) >= 2 {
				if n, ok := ops[len(ops)-2].(name); ok {
					font = c.fontNum(res, n)
				}
			}
		case "Tj", "'", `"`:
			if len(ops) > 0 {
				if s, ok := ops[len(ops)-1].(str); ok {
					c.show(font, s)
				}
			}
		case "TJ":
			if len(ops) > 0 {
				if a, ok := ops[len(ops)-1].(array); ok {
					for _, x := range a {
						if s, ok := x.(str); ok {
							c.show(font, s)
						}
					}
				}
			}
		case "Do":
			if len(ops) > 0 {
				if n, ok := ops[len(ops)-1].(name); ok {
					xo := c.f.dictOf(res["XObject"])
					x := xo[n]
					r, _ := x.(ref)
					if s := c.f.streamOf(x); s != nil && c.f.nameOf(s.dict["Subtype"]) == "Form" && !c.formsSeen[r.num] {
						// Each form once: forms painting forms must not multiply the work.
						if c.formsSeen == nil {
							c.formsSeen = map[int]bool{}
						}
						c.formsSeen[r.num] = true
						fres := c.f.dictOf(s.dict["Resources"])
						if fres == nil {
							fres = res
						}
						c.content(x, fres, depth+1)
					}
				}
			}
		}
		ops = ops[:0]
	}
}

// show records the codes of a shown string under the font's object number.
func (c *checker) show(font int, s str) {
	if font == 0 {
		return
	}
	if c.used == nil {
		c.used = map[int]map[uint32]bool{}
	}
	if c.used[font] == nil {
		c.used[font] = map[uint32]bool{}
	}
	d := c.f.dictOf(ref{font, 0})
	if c.f.nameOf(d["Subtype"]) == "Type0" {
		switch c.f.nameOf(d["Encoding"]) {
		case "Identity-H", "Identity-V":
			for i := 0; i+1 < len(s); i += 2 {
				c.used[font][uint32(s[i])<<8|uint32(s[i+1])] = true
			}
		}
		return
	}
	for _, b := range s {
		c.used[font][uint32(b)] = true
	}
}

// inlineImage reads an inline image's dictionary after BI and skips its data.
func (c *checker) inlineImage(l *lexer, obj int) {
	d := dict{}
	for {
		k, err := l.object(0)
		if err != nil {
			return
		}
		if k == keyword("ID") {
			break
		}
		n, ok := k.(name)
		if !ok {
			return
		}
		v, err := l.object(0)
		if err != nil {
			return
		}
		d[n] = v
	}
	for _, key := range []name{"F", "Filter"} {
		var fs array
		switch v := d[key].(type) {
		case name:
			fs = array{v}
		case array:
			fs = v
		}
		for _, f := range fs {
			switch f {
			case name("LZW"), name("LZWDecode"):
				c.problem("6.1.10", obj, "inline image compressed with LZW")
			case name("Crypt"):
				c.problem("6.1.10", obj, "inline image with the Crypt filter")
			}
		}
	}
	for _, key := range []name{"I", "Interpolate"} {
		if b, _ := d[key].(bool); b {
			c.problem("6.2.8", obj, "inline image with /Interpolate true")
		}
	}
	if cs, ok := d["CS"]; ok {
		c.colorSpace(cs, obj, 0)
	} else if cs, ok := d["ColorSpace"]; ok {
		c.colorSpace(cs, obj, 0)
	}
	// The data runs from one white-space byte after ID to an EI between white space.
	p := l.pos + 1
	for p+2 <= len(l.b) {
		if l.b[p] == 'E' && l.b[p+1] == 'I' && isSpace(l.b[p-1]) && (p+2 == len(l.b) || isSpace(l.b[p+2])) {
			l.pos = p + 2
			return
		}
		p++
	}
	l.pos = len(l.b)
}
