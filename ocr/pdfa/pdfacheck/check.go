// Package pdfacheck checks PDF files against the PDF/A-2 rules (ISO 19005-2) that
// scanned-document PDFs commonly break: file header and trailer, cross-reference
// table, stream layout and filters, XMP metadata and its agreement with the Info
// dictionary, PDF/A identification, the output intent and its ICC profile, device
// colour spaces, embedded fonts with glyphs, widths and ToUnicode maps (level U),
// actions and JavaScript, interpolated and PostScript images, encryption.
//
// It is the conformance check kntc's tests run on every PDF/A they produce, not a
// complete validator: veraPDF checks many rules more (annotations, forms,
// transparency, optional content, XMP extension schemas…). It reads PDFs with its own
// small parser, which reports what it finds broken instead of repairing it quietly.
package pdfacheck

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
)

// Problem is one violation of a PDF/A-2 rule.
type Problem struct {
	// Clause is the clause of ISO 19005-2 the rule comes from, e.g. "6.1.3";
	// "19005-1:6.7.3" marks the Info/XMP agreement PDF/A-1 states and PDF/A-2
	// validators (Acrobat's preflight among them) still hold files to.
	Clause string
	// Object is the number of the object at fault, 0 for the file as a whole.
	Object int
	// Message says what is wrong, in English.
	Message string
}

func (p Problem) String() string {
	if p.Object > 0 {
		return fmt.Sprintf("%s (object %d): %s", p.Clause, p.Object, p.Message)
	}
	return p.Clause + ": " + p.Message
}

// Check returns the problems found in pdf, none when it keeps every rule checked.
// It never fails: an unreadable part is itself a problem. Safe for concurrent use.
func Check(pdf []byte) []Problem {
	var problems []Problem
	c := &checker{b: pdf, problems: &problems}
	c.header()
	c.f = open(pdf, &problems)
	c.trailer()
	c.catalog()
	for _, n := range c.objectNumbers() {
		c.walk(c.f.load(n), n, 0)
	}
	c.pages()
	c.deviceSpaces()
	c.fonts()
	// Dedupe: a rule broken the same way in the same object is said once.
	seen := map[Problem]bool{}
	out := problems[:0]
	for _, p := range problems {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

type checker struct {
	b        []byte
	f        *file
	problems *[]Problem
	catalogD dict
	// intent is the colour space of the PDF/A output intent's profile ("RGB ",
	// "CMYK", "GRAY"), "" when there is none.
	intent string
	// defaults records the Default colour spaces set anywhere in the file, which
	// make the matching device space legal (6.2.4.3).
	defaults map[name]bool
	devices  []deviceUse
	// fontDicts are the font dictionaries met, and used the codes content streams
	// show with each font object.
	fontDicts []fontDict
	used      map[int]map[uint32]bool
	// conformance is the declared pdfaid:conformance: the Unicode rules (6.2.11.7.2)
	// bind levels U and A, not B.
	conformance string
	// formsSeen are the form XObjects already scanned.
	formsSeen map[int]bool
}

func (c *checker) problem(clause string, obj int, format string, args ...any) {
	*c.problems = append(*c.problems, Problem{Clause: clause, Object: obj, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) objectNumbers() []int {
	nums := make([]int, 0, len(c.f.entries))
	for n := range c.f.entries {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	return nums
}

var headerRE = regexp.MustCompile(`^%PDF-1\.[0-7](\r\n|\r|\n)`)

// header: PDF/A-2 6.1.2, the version header at byte 0 and a comment line of at
// least four bytes above 127 right after it.
func (c *checker) header() {
	m := headerRE.FindIndex(c.b)
	if m == nil {
		c.problem("6.1.2", 0, "the file does not begin with %%PDF-1.n (n 0–7) and an end of line")
		return
	}
	rest := c.b[m[1]:]
	if len(rest) == 0 || rest[0] != '%' {
		c.problem("6.1.2", 0, "no comment line of binary bytes after the header")
		return
	}
	end := bytes.IndexAny(rest, "\r\n")
	if end < 0 {
		end = len(rest)
	}
	high := 0
	for _, b := range rest[1:end] {
		if b > 127 {
			high++
		}
	}
	if high < 4 {
		c.problem("6.1.2", 0, "the comment after the header has %d bytes above 127, fewer than 4", high)
	}
}

// trailer: PDF/A-2 6.1.3: an ID, no encryption, nothing after the last %%EOF but an
// end of line.
func (c *checker) trailer() {
	t := c.f.trailer
	id, _ := c.f.resolve(t["ID"]).(array)
	ok := len(id) == 2
	for _, v := range id {
		if _, isStr := c.f.resolve(v).(str); !isStr {
			ok = false
		}
	}
	if !ok {
		c.problem("6.1.3", 0, "the trailer has no /ID of two strings")
	}
	if t["Encrypt"] != nil {
		c.problem("6.1.3", 0, "the file is encrypted (the trailer has /Encrypt)")
	}
	i := bytes.LastIndex(c.b, []byte("%%EOF"))
	if i < 0 {
		c.problem("6.1.3", 0, "no %%%%EOF marker")
		return
	}
	switch string(c.b[i+5:]) {
	case "", "\n", "\r", "\r\n":
	default:
		c.problem("6.1.3", 0, "%d bytes follow the last %%%%EOF", len(c.b)-i-5)
	}
}

// forbiddenActions are the action types PDF/A-2 6.5.1 excludes.
var forbiddenActions = map[name]bool{
	"Launch": true, "Sound": true, "Movie": true, "ResetForm": true, "ImportData": true, "Hide": true,
	"SetOCGState": true, "Rendition": true, "Trans": true, "GoTo3DView": true, "JavaScript": true,
}

// walk applies the rules that hold for any object, wherever it sits: stream layout
// and filters, actions, image and XObject rules; and notes fonts for fonts().
func (c *checker) walk(v any, obj, depth int) {
	if depth > 50 {
		return
	}
	switch v := v.(type) {
	case *stream:
		for _, k := range []name{"F", "FFilter", "FDecodeParms"} {
			if v.dict[k] != nil {
				c.problem("6.1.7.1", obj, "stream dictionary with /%s (external stream data)", k)
			}
		}
		filters, _ := c.f.filters(v.dict)
		for _, fl := range filters {
			switch fl {
			case "LZWDecode", "LZW":
				c.problem("6.1.7.2", obj, "stream compressed with LZWDecode")
			case "Crypt":
				c.problem("6.1.7.2", obj, "stream with the Crypt filter")
			}
		}
		c.dict(v.dict, obj, depth)
	case dict:
		c.dict(v, obj, depth)
	case array:
		if len(v) >= 2 && c.f.nameOf(v[0]) == "ICCBased" {
			c.iccBased(v[1], obj)
		}
		for _, x := range v {
			c.walk(x, obj, depth+1)
		}
	}
}

func (c *checker) dict(d dict, obj, depth int) {
	typ, sub, s := c.f.nameOf(d["Type"]), c.f.nameOf(d["Subtype"]), c.f.nameOf(d["S"])
	if forbiddenActions[s] && (typ == "Action" || (typ == "" && d["P"] == nil)) {
		c.problem("6.5.1", obj, "action of forbidden type /%s", s)
	}
	if s == "Named" {
		switch c.f.nameOf(d["N"]) {
		case "NextPage", "PrevPage", "FirstPage", "LastPage":
		default:
			c.problem("6.5.1", obj, "named action /%s (only page navigation is allowed)", c.f.nameOf(d["N"]))
		}
	}
	if d["JS"] != nil {
		c.problem("6.5.1", obj, "JavaScript (/JS)")
	}
	if d["AA"] != nil {
		c.problem("6.5.2", obj, "additional actions (/AA)")
	}
	if b, _ := c.f.resolve(d["Interpolate"]).(bool); b {
		c.problem("6.2.8", obj, "/Interpolate true")
	}
	if typ == "Catalog" {
		if names := c.f.dictOf(d["Names"]); names != nil && names["JavaScript"] != nil {
			c.problem("6.5.1", obj, "document-level JavaScript in the names dictionary")
		}
	}
	switch {
	case sub == "Image":
		c.image(d, obj)
	case sub == "Form" && (typ == "XObject" || typ == ""):
		if d["OPI"] != nil {
			c.problem("6.2.9", obj, "form XObject with /OPI")
		}
		if d["PS"] != nil || c.f.nameOf(d["Subtype2"]) == "PS" {
			c.problem("6.2.9", obj, "form XObject with PostScript")
		}
	case sub == "PS":
		c.problem("6.2.9", obj, "PostScript XObject")
	case typ == "Font":
		c.fontDicts = append(c.fontDicts, fontDict{d: d, obj: obj, direct: depth > 0})
	}
	if cs := c.f.dictOf(d["ColorSpace"]); cs != nil && (typ == "" || typ == "Resources") {
		for _, k := range []name{"DefaultGray", "DefaultRGB", "DefaultCMYK"} {
			if cs[k] != nil {
				if c.defaults == nil {
					c.defaults = map[name]bool{}
				}
				c.defaults[k] = true
			}
		}
	}
	for _, k := range sortedKeys(d) {
		if k == "Parent" || k == "P" {
			continue
		}
		if _, isRef := d[k].(ref); !isRef {
			c.walk(d[k], obj, depth+1)
		}
	}
}

func sortedKeys(d dict) []name {
	keys := make([]name, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// image: PDF/A-2 6.2.8, and 6.2.4.3 for its colour space.
func (c *checker) image(d dict, obj int) {
	if d["Alternates"] != nil {
		c.problem("6.2.8", obj, "image with /Alternates")
	}
	if d["OPI"] != nil {
		c.problem("6.2.8", obj, "image with /OPI")
	}
	if bpc, ok := c.f.intOf(d["BitsPerComponent"]); ok {
		switch bpc {
		case 1, 2, 4, 8, 16:
		default:
			c.problem("6.2.8", obj, "image with %d bits per component", bpc)
		}
	}
	if mask, _ := c.f.resolve(d["ImageMask"]).(bool); !mask {
		c.colorSpace(d["ColorSpace"], obj, 0)
	}
}

// colorSpace reports the device colour spaces in cs that the output intent does not
// cover (PDF/A-2 6.2.4.3): DeviceRGB needs an RGB intent, DeviceCMYK a CMYK one,
// DeviceGray any — unless a Default colour space replaces them.
func (c *checker) colorSpace(cs any, obj, depth int) {
	if depth > 8 {
		return
	}
	switch v := c.f.resolve(cs).(type) {
	case name:
		c.deviceSpace(v, obj)
	case array:
		if len(v) == 0 {
			return
		}
		switch c.f.nameOf(v[0]) {
		case "Indexed", "I":
			if len(v) > 1 {
				c.colorSpace(v[1], obj, depth+1)
			}
		case "Separation":
			if len(v) > 2 {
				c.colorSpace(v[2], obj, depth+1)
			}
		case "DeviceN":
			if len(v) > 2 {
				c.colorSpace(v[2], obj, depth+1)
			}
		case "Pattern":
			if len(v) > 1 {
				c.colorSpace(v[1], obj, depth+1)
			}
		case "ICCBased":
			if len(v) > 1 {
				c.iccBased(v[1], obj)
			}
		}
	}
}

func (c *checker) deviceSpace(n name, obj int) {
	switch n {
	case "DeviceRGB", "RGB", "DeviceCMYK", "CMYK", "DeviceGray", "G":
		c.devices = append(c.devices, deviceUse{n, obj})
	}
}

type deviceUse struct {
	space name
	obj   int
}

// deviceSpaces judges the device colour spaces met, once every Default colour space
// in the file is known.
func (c *checker) deviceSpaces() {
	for _, u := range c.devices {
		switch u.space {
		case "DeviceRGB", "RGB":
			if c.intent != "RGB " && !c.defaults["DefaultRGB"] {
				c.problem("6.2.4.3", u.obj, "DeviceRGB used without an RGB output intent (intent %q)", c.intent)
			}
		case "DeviceCMYK", "CMYK":
			if c.intent != "CMYK" && !c.defaults["DefaultCMYK"] {
				c.problem("6.2.4.3", u.obj, "DeviceCMYK used without a CMYK output intent (intent %q)", c.intent)
			}
		default:
			if c.intent == "" && !c.defaults["DefaultGray"] {
				c.problem("6.2.4.3", u.obj, "DeviceGray used without an output intent")
			}
		}
	}
}
