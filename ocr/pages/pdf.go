package pages

import (
	"bytes"
	"context"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"kntc/internal/vnlegacy"
	"kntc/ocr"
)

// PDF handling. pdfcpu reads the object table once, in Open: encryption, the page
// tree, each page's box, rotation and resources, and whether the page is one image
// filling the page. What Page needs later (the image stream's place in the file and
// how to decode it) is kept in a small plan per page and pdfcpu's context is dropped,
// because pdfcpu holds every stream of the file in memory.
//
// Encryption policy: a PDF that opens with the empty user password (an owner
// password only restricts printing or copying) is processed; its pages are all
// rendered by poppler, which decrypts them. A PDF that needs a user password, or uses
// an encryption pdfcpu cannot open, is ErrEncrypted.

const (
	renderDPI = 300 // for pages that are not one image
	minDPI    = 72  // rendering below this is useless for OCR: ErrTooManyPixels instead

	maxContentRaw     = 256 << 10 // larger content is not a scanner's page: render
	maxContentDecoded = 1 << 20
	maxTreeDepth      = 64
)

type pdfDoc struct {
	encrypted bool
}

// pdfPage is the plan for one PDF page.
type pdfPage struct {
	num    int     // 1-based, as poppler counts
	box    pdfRect // visible area (crop box within media box), unrotated, in points
	rotate int     // clockwise, 0/90/180/270
	fonts  bool    // the page may have a text layer: ask pdftotext
	legacy bool    // a font's name announces a legacy Vietnamese encoding (.VnTime, VNI-Times)
	dpi    int     // resolution to render at when img is nil
	img    *pdfImage
}

// pdfImage describes the image XObject that fills a page.
type pdfImage struct {
	off, n    int64  // the encoded stream in the file
	crc       uint32 // of those bytes, as pdfcpu read them in Open
	w, h      int
	comps     int // 1 (grey) or 3 (RGB)
	bpc       int
	mask      bool // /ImageMask: 0 paints black, 1 leaves white
	invert    bool // /Decode [1 0]
	filter    string
	predictor int // FlateDecode
	blackIs1  bool
	byteAlign bool // CCITTFaxDecode
}

type pdfRect struct{ llx, lly, urx, ury float64 }

func (r pdfRect) w() float64 { return r.urx - r.llx }
func (r pdfRect) h() float64 { return r.ury - r.lly }

// pdfConfig is pdfcpu's configuration for reading. It is built here rather than with
// model.NewDefaultConfiguration, which creates a configuration directory in the
// user's home and installs fonts there.
func pdfConfig(lim Limits) *model.Configuration {
	rl := model.DefaultResourceLimits()
	rl.MaxStreamBytes = min(rl.MaxStreamBytes, lim.MaxFileBytes)
	rl.MaxDecodeBytes = 256 << 20
	rl.MaxImagePixels = lim.MaxPixels
	// A 2000-page scan has some tens of thousands of objects; millions only cost
	// memory (pdfcpu's defaults allow ten million).
	rl.MaxObjectCount = 2_000_000
	rl.MaxXRefEntries = 2_000_000
	return &model.Configuration{
		Reader15:                  true,
		ValidationMode:            model.ValidationRelaxed,
		UnsupportedResourcePolicy: model.UnsupportedResourceSkip,
		Eol:                       types.EolLF,
		Offline:                   true,
		Limits:                    rl,
	}
}

func (f *File) openPDF(ctx context.Context) (err error) {
	// pdfcpu panics on some malformed input; no file may take the process down.
	defer func() {
		if r := recover(); r != nil {
			err = fail(ErrCorrupt, 0, "pdf: %v", r)
		}
	}()
	pc, err := pdfcpu.ReadWithContext(ctx, io.NewSectionReader(f.f, 0, f.size), pdfConfig(f.lim))
	if err != nil {
		return classifyPDF(err)
	}
	xt := pc.XRefTable
	f.pdf = &pdfDoc{encrypted: xt.Encrypt != nil}
	root, err := xt.Catalog()
	if err != nil || root == nil {
		return fail(ErrCorrupt, 0, "pdf: no document catalog: %v", err)
	}
	w := &pageWalker{xt: xt, f: f, seen: map[int]bool{}}
	if err := w.walk(ctx, root["Pages"], inherited{}, 0); err != nil {
		return err
	}
	return nil
}

// classifyPDF maps a pdfcpu read error to our sentinels.
func classifyPDF(err error) error {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, pdfcpu.ErrWrongPassword), strings.Contains(strings.ToLower(err.Error()), "encrypt"):
		return fail(ErrEncrypted, 0, "pdf: %v", err)
	case errors.Is(err, pdfcpu.ErrMissingXRefSection), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fail(ErrTruncated, 0, "pdf: %v", err)
	}
	return fail(ErrCorrupt, 0, "pdf: %v", err)
}

// inherited are the page attributes a page takes from its ancestors (PDF 32000-1
// 7.7.3.4).
type inherited struct {
	resources, mediaBox, cropBox, rotate types.Object
}

type pageWalker struct {
	xt   *model.XRefTable
	f    *File
	seen map[int]bool
}

// deref resolves indirect references (a reference to a reference included).
func (w *pageWalker) deref(o types.Object) types.Object {
	for range 8 {
		ir, ok := o.(types.IndirectRef)
		if !ok {
			return o
		}
		var err error
		if o, err = w.xt.Dereference(ir); err != nil {
			return nil
		}
	}
	return nil
}

func (w *pageWalker) dict(o types.Object) types.Dict {
	switch d := w.deref(o).(type) {
	case types.Dict:
		return d
	case types.StreamDict:
		return d.Dict
	}
	return nil
}

func (w *pageWalker) number(o types.Object) (float64, bool) {
	switch v := w.deref(o).(type) {
	case types.Integer:
		return float64(v), true
	case types.Float:
		return float64(v), true
	}
	return 0, false
}

func (w *pageWalker) int(d types.Dict, key string, def int) (int, bool) {
	o, ok := d.Find(key)
	if !ok || w.deref(o) == nil {
		return def, true
	}
	v, ok := w.number(o)
	if !ok || v != math.Trunc(v) || math.Abs(v) > 1<<30 {
		return 0, false
	}
	return int(v), true
}

func (w *pageWalker) name(o types.Object) string {
	if n, ok := w.deref(o).(types.Name); ok {
		return string(n)
	}
	return ""
}

func (w *pageWalker) rect(o types.Object) (pdfRect, bool) {
	a, ok := w.deref(o).(types.Array)
	if !ok || len(a) != 4 {
		return pdfRect{}, false
	}
	var v [4]float64
	for i := range v {
		if v[i], ok = w.number(a[i]); !ok || math.IsNaN(v[i]) || math.Abs(v[i]) > 1e7 {
			return pdfRect{}, false
		}
	}
	r := pdfRect{min(v[0], v[2]), min(v[1], v[3]), max(v[0], v[2]), max(v[1], v[3])}
	return r, r.w() > 0 && r.h() > 0
}

func (w *pageWalker) walk(ctx context.Context, node types.Object, inh inherited, depth int) error {
	if depth > maxTreeDepth {
		return fail(ErrCorrupt, 0, "pdf: page tree deeper than %d", maxTreeDepth)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if ir, ok := node.(types.IndirectRef); ok {
		n := ir.ObjectNumber.Value()
		if w.seen[n] {
			return fail(ErrCorrupt, 0, "pdf: page tree visits object %d twice", n)
		}
		w.seen[n] = true
	}
	d := w.dict(node)
	if d == nil {
		return fail(ErrCorrupt, 0, "pdf: page tree node is not a dictionary")
	}
	for key, p := range map[string]*types.Object{"Resources": &inh.resources, "MediaBox": &inh.mediaBox, "CropBox": &inh.cropBox, "Rotate": &inh.rotate} {
		if o, ok := d.Find(key); ok && o != nil {
			*p = o
		}
	}
	if kids, ok := w.deref(d["Kids"]).(types.Array); ok && w.name(d["Type"]) != "Page" {
		for _, k := range kids {
			if err := w.walk(ctx, k, inh, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if t := w.name(d["Type"]); t != "Page" && t != "" {
		return fail(ErrCorrupt, 0, "pdf: page tree node of type %s", t)
	}
	if err := w.f.checkPages(len(w.f.pages) + 1); err != nil {
		return err
	}
	pi, err := w.plan(ctx, d, inh, len(w.f.pages)+1)
	if err != nil {
		return err
	}
	w.f.pages = append(w.f.pages, pi)
	return nil
}

// plan decides how page num will be decoded.
func (w *pageWalker) plan(ctx context.Context, d types.Dict, inh inherited, num int) (pageInfo, error) {
	p := &pdfPage{num: num}
	media, ok := w.rect(inh.mediaBox)
	if !ok {
		media = pdfRect{0, 0, 612, 792} // what poppler assumes: US Letter
	}
	p.box = media
	if crop, ok := w.rect(inh.cropBox); ok {
		c := pdfRect{max(crop.llx, media.llx), max(crop.lly, media.lly), min(crop.urx, media.urx), min(crop.ury, media.ury)}
		if c.w() > 0 && c.h() > 0 {
			p.box = c
		}
	}
	if r, ok := w.number(inh.rotate); ok && r == math.Trunc(r) && math.Abs(r) < 1e6 {
		if rot := (int(r)%360 + 360) % 360; rot%90 == 0 {
			p.rotate = rot
		}
	}
	res := w.dict(inh.resources)
	p.fonts = w.mayHaveText(res)
	p.legacy = p.fonts && w.legacyFonts(res, 0)
	pi := pageInfo{pdf: p}

	// Rendering resolution: 300 dpi, or less when the page is so large that it would
	// exceed the pixel limit.
	wIn, hIn := p.box.w()/72, p.box.h()/72
	dpi := float64(renderDPI)
	if px := wIn * dpi * hIn * dpi; px > float64(w.f.lim.MaxPixels) {
		dpi = math.Floor(math.Sqrt(float64(w.f.lim.MaxPixels) / (wIn * hIn)))
	}
	p.dpi = int(max(dpi, 1))

	var img *pdfImage
	if !w.f.pdf.encrypted { // encrypted streams are left to poppler to decrypt
		var err error
		if img, err = w.image(ctx, d, res, p, num); err != nil {
			return pi, err
		}
	}
	if img != nil {
		p.img = img
		pi.w, pi.h = img.w, img.h
		pi.dpi = int(math.Round(float64(img.w) / wIn))
		pi.bilevel = img.mask || img.bpc == 1
		return pi, nil
	}
	if dpi < minDPI {
		return pi, fail(ErrTooManyPixels, num, "page of %.0f×%.0f pt cannot be rendered at %d dpi within %s", p.box.w(), p.box.h(), minDPI, pixels(w.f.lim.MaxPixels))
	}
	pi.dpi = p.dpi
	return pi, nil
}

// mayHaveText reports whether a page with these resources can have a text layer:
// it has fonts, or form XObjects that may have their own.
func (w *pageWalker) mayHaveText(res types.Dict) bool {
	if res == nil {
		return false
	}
	if fonts := w.dict(res["Font"]); len(fonts) > 0 {
		return true
	}
	for _, o := range w.dict(res["XObject"]) {
		if sd, ok := w.deref(o).(types.StreamDict); ok && w.name(sd.Dict["Subtype"]) == "Form" {
			return true
		}
	}
	return false
}

// legacyFonts reports whether resources res, or those of the form XObjects they
// hold, have a font whose name announces a legacy Vietnamese encoding
// (vnlegacy.ByFont: ".VnTime", "ABCDEF+VnTimeH", "VNI-Times").
func (w *pageWalker) legacyFonts(res types.Dict, depth int) bool {
	if res == nil || depth > 3 {
		return false
	}
	for _, o := range w.dict(res["Font"]) {
		if e, _ := vnlegacy.ByFont(w.name(w.dict(o)["BaseFont"])); e != vnlegacy.Unicode {
			return true
		}
	}
	for _, o := range w.dict(res["XObject"]) {
		if sd, ok := w.deref(o).(types.StreamDict); ok && w.name(sd.Dict["Subtype"]) == "Form" {
			if w.legacyFonts(w.dict(sd.Dict["Resources"]), depth+1) {
				return true
			}
		}
	}
	return false
}

// image returns the page's image when the page is exactly one image XObject
// filling the visible area, drawn upright, in a form this package decodes; nil
// otherwise (the page is then rendered). It fails only when the image is too large.
func (w *pageWalker) image(ctx context.Context, page types.Dict, res types.Dict, p *pdfPage, num int) (*pdfImage, error) {
	content, ok := w.content(page)
	if !ok || res == nil {
		return nil, nil
	}
	use, ok := simpleContent(content)
	if !ok {
		return nil, nil
	}
	// The image must fill the visible area, to within 1%.
	m := use.ctm
	if math.Abs(m[1]) > 1e-6 || math.Abs(m[2]) > 1e-6 || m[0] <= 0 || m[3] <= 0 {
		return nil, nil
	}
	tx, ty := p.box.w()/100+0.5, p.box.h()/100+0.5
	if math.Abs(m[4]-p.box.llx) > tx || math.Abs(m[4]+m[0]-p.box.urx) > tx || math.Abs(m[5]-p.box.lly) > ty || math.Abs(m[5]+m[3]-p.box.ury) > ty {
		return nil, nil
	}
	xo := w.dict(res["XObject"])
	ref, ok := xo[use.name].(types.IndirectRef)
	if !ok {
		return nil, nil
	}
	sd, ok := w.deref(ref).(types.StreamDict)
	if !ok || w.name(sd.Dict["Subtype"]) != "Image" || sd.StreamLength == nil {
		return nil, nil
	}
	img, err := w.imageParams(ctx, sd, num)
	if err != nil || img == nil {
		return nil, err
	}
	if img.mask && !use.black {
		return nil, nil // a stencil mask painted in some colour
	}
	// Keep where the encoded bytes are, after checking that the file holds exactly
	// what pdfcpu read there (it repairs some files by moving offsets).
	img.off, img.n, img.crc = sd.StreamOffset, int64(len(sd.Raw)), crc32.ChecksumIEEE(sd.Raw)
	if img.off < 0 || img.n == 0 || img.off > w.f.size-img.n {
		return nil, nil
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.NewSectionReader(w.f.f, img.off, img.n)); err != nil {
		return nil, err
	}
	if h.Sum32() != img.crc {
		return nil, nil
	}
	return img, nil
}

// content returns the page's content streams, decoded and concatenated, when they
// are small enough to be a scanner's page.
func (w *pageWalker) content(page types.Dict) ([]byte, bool) {
	var streams []types.StreamDict
	switch c := w.deref(page["Contents"]).(type) {
	case types.StreamDict:
		streams = append(streams, c)
	case types.Array:
		if len(c) > 16 {
			return nil, false
		}
		for _, o := range c {
			sd, ok := w.deref(o).(types.StreamDict)
			if !ok {
				return nil, false
			}
			streams = append(streams, sd)
		}
	default:
		return nil, false
	}
	var buf bytes.Buffer
	raw := 0
	for _, sd := range streams {
		if raw += len(sd.Raw); raw > maxContentRaw {
			return nil, false
		}
		sd.Content = nil // decode into this copy, not into pdfcpu's table
		b, err := sd.DecodeLengthWithLimit(-1, maxContentDecoded)
		if err != nil || buf.Len()+len(b) > maxContentDecoded {
			return nil, false
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes(), true
}

// imageParams reads an image XObject's dictionary. It returns nil for images this
// package does not decode itself.
func (w *pageWalker) imageParams(ctx context.Context, sd types.StreamDict, num int) (*pdfImage, error) {
	d := sd.Dict
	img := &pdfImage{}
	var ok bool
	if img.w, ok = w.int(d, "Width", 0); !ok {
		return nil, nil
	}
	if img.h, ok = w.int(d, "Height", 0); !ok {
		return nil, nil
	}
	if img.w <= 0 || img.h <= 0 {
		return nil, nil
	}
	if err := w.f.checkPixels(num, img.w, img.h); err != nil {
		return nil, err
	}
	if _, ok := d.Find("SMask"); ok {
		return nil, nil
	}
	if _, ok := d.Find("Mask"); ok {
		return nil, nil
	}
	if b, ok := w.deref(d["ImageMask"]).(types.Boolean); ok && bool(b) {
		img.mask, img.comps, img.bpc = true, 1, 1
		if bpc, ok := w.int(d, "BitsPerComponent", 1); !ok || bpc != 1 {
			return nil, nil
		}
	} else {
		if img.comps = w.components(d["ColorSpace"]); img.comps == 0 {
			return nil, nil
		}
		if img.bpc, ok = w.int(d, "BitsPerComponent", 0); !ok {
			return nil, nil
		}
		switch {
		case img.comps == 1 && (img.bpc == 1 || img.bpc == 2 || img.bpc == 4 || img.bpc == 8):
		case img.comps == 3 && img.bpc == 8:
		default:
			return nil, nil
		}
	}
	if o, ok := d.Find("Decode"); ok && w.deref(o) != nil {
		a, ok := w.deref(o).(types.Array)
		if !ok || len(a) != 2*img.comps {
			return nil, nil
		}
		var v []float64
		for _, x := range a {
			f, ok := w.number(x)
			if !ok {
				return nil, nil
			}
			v = append(v, f)
		}
		switch {
		case img.comps == 1 && v[0] == 1 && v[1] == 0:
			img.invert = true
		case img.comps == 1 && v[0] == 0 && v[1] == 1:
		case img.comps == 3 && slicesEqual(v, []float64{0, 1, 0, 1, 0, 1}):
		default:
			return nil, nil
		}
	}

	filter, parms, ok := w.filter(d)
	if !ok {
		return nil, nil
	}
	// The encoded stream is read into memory by Page: refuse to plan one much larger
	// than the pixels it claims to hold.
	if raw := int64(img.h) * int64(img.rowBytes()); int64(len(sd.Raw)) > 2*raw+1<<20 {
		return nil, nil
	}
	img.filter = filter
	switch filter {
	case "":
		if int64(len(sd.Raw)) < int64(img.h)*int64((img.w*img.comps*img.bpc+7)/8) {
			return nil, nil
		}
	case "DCTDecode":
		if img.invert || img.mask || parms != nil && parms["ColorTransform"] != nil {
			return nil, nil
		}
		info, err := scanJPEG(ctx, bytes.NewReader(sd.Raw))
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return nil, err
			}
			return nil, nil // damaged: let poppler show what it can
		}
		if info.w != img.w || info.h != img.h || info.comps != img.comps {
			return nil, nil
		}
	case "FlateDecode":
		img.predictor = 1
		if parms != nil {
			var ok1, ok2, ok3, ok4 bool
			var colors, bpc, cols int
			img.predictor, ok1 = w.int(parms, "Predictor", 1)
			colors, ok2 = w.int(parms, "Colors", 1)
			bpc, ok3 = w.int(parms, "BitsPerComponent", 8)
			cols, ok4 = w.int(parms, "Columns", 1)
			if !ok1 || !ok2 || !ok3 || !ok4 {
				return nil, nil
			}
			switch {
			case img.predictor == 1:
			case img.predictor == 2 && img.bpc == 8 || img.predictor >= 10 && img.predictor <= 15:
				if colors != img.comps || bpc != img.bpc || cols != img.w {
					return nil, nil
				}
			default:
				return nil, nil
			}
		}
	case "CCITTFaxDecode":
		if img.comps != 1 || img.bpc != 1 || parms == nil {
			return nil, nil
		}
		k, ok1 := w.int(parms, "K", 0)
		cols, ok2 := w.int(parms, "Columns", 1728)
		rows, ok3 := w.int(parms, "Rows", 0)
		if !ok1 || !ok2 || !ok3 || k >= 0 || cols != img.w || rows != 0 && rows != img.h {
			return nil, nil // Group 3 (K ≥ 0) is left to poppler
		}
		img.blackIs1 = w.bool(parms, "BlackIs1")
		img.byteAlign = w.bool(parms, "EncodedByteAlign")
	default:
		return nil, nil
	}
	return img, nil
}

func (w *pageWalker) bool(d types.Dict, key string) bool {
	b, ok := w.deref(d[key]).(types.Boolean)
	return ok && bool(b)
}

// components returns the number of colour components of a grey or RGB colour space,
// 0 for anything else (CMYK, Lab, Indexed, Separation…, left to poppler).
func (w *pageWalker) components(o types.Object) int {
	switch cs := w.deref(o).(type) {
	case types.Name:
		switch cs {
		case "DeviceGray":
			return 1
		case "DeviceRGB":
			return 3
		}
	case types.Array:
		if len(cs) != 2 {
			return 0
		}
		switch w.name(cs[0]) {
		case "CalGray":
			return 1
		case "CalRGB":
			return 3
		case "ICCBased":
			sd, ok := w.deref(cs[1]).(types.StreamDict)
			if !ok {
				return 0
			}
			if n, ok := w.int(sd.Dict, "N", 0); ok && (n == 1 || n == 3) {
				return n
			}
		}
	}
	return 0
}

// filter returns the image's single filter and its parameters; ok is false for a
// chain of filters or a malformed entry.
func (w *pageWalker) filter(d types.Dict) (name string, parms types.Dict, ok bool) {
	fo := w.deref(d["Filter"])
	po := w.deref(d["DecodeParms"])
	if a, isArr := fo.(types.Array); isArr {
		if len(a) > 1 {
			return "", nil, false
		}
		if len(a) == 1 {
			fo = w.deref(a[0])
		} else {
			fo = nil
		}
		if pa, isArr := po.(types.Array); isArr {
			if len(pa) > 1 {
				return "", nil, false
			}
			po = nil
			if len(pa) == 1 {
				po = w.deref(pa[0])
			}
		}
	}
	switch f := fo.(type) {
	case nil:
	case types.Name:
		name = string(f)
	default:
		return "", nil, false
	}
	switch p := po.(type) {
	case nil:
	case types.Dict:
		parms = p
	default:
		return "", nil, false
	}
	return name, parms, true
}

func slicesEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (f *File) pagePDF(ctx context.Context, pi *pageInfo) (Page, error) {
	p := pi.pdf
	page := Page{WidthPt: p.box.w(), HeightPt: p.box.h()}
	if p.rotate == 90 || p.rotate == 270 {
		page.WidthPt, page.HeightPt = page.HeightPt, page.WidthPt
	}
	if p.fonts {
		text, err := f.pdfText(ctx, p.num, p.legacy)
		if err != nil {
			return Page{}, err
		}
		page.Text = text
	}
	if p.img != nil {
		img, jpg, err := f.decodePDFImage(ctx, p.img, p.num)
		switch {
		case err == nil:
			if p.rotate != 0 {
				img, jpg = ocr.Rotate(img, p.rotate), nil
			}
			page.Image, page.JPEG, page.DPI, page.Bilevel = img, jpg, effectiveDPI(pi.dpi), pi.bilevel
			return page, nil
		case !IsPermanent(err):
			return Page{}, err
		}
		// A damaged image stream: poppler shows what any PDF viewer would.
	}
	if p.dpi < minDPI {
		return Page{}, fail(ErrTooManyPixels, p.num, "page of %.0f×%.0f pt cannot be rendered at %d dpi within %s", p.box.w(), p.box.h(), minDPI, pixels(f.lim.MaxPixels))
	}
	img, err := f.render(ctx, p.num, p.dpi)
	if err != nil {
		return Page{}, err
	}
	page.Image, page.DPI = img, p.dpi
	return page, nil
}
