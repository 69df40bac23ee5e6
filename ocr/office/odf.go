package office

import "encoding/xml"

// odfStyles is what an OpenDocument's styles say about fonts: font faces by name,
// each style's font and parent (by family and name), and each family's default.
type odfStyles struct {
	faces    map[string]string // style:font-face name → family
	styles   map[string]odfStyle
	defaults map[string]odfStyle // by family
}

type odfStyle struct {
	parent         string
	fontName       string // style:font-name, a font face
	fontFamily     string // fo:font-family
	hasFont        bool
	family, myName string
}

func styleKey(family, name string) string { return family + "\x00" + name }

func newODFStyles() *odfStyles {
	return &odfStyles{faces: map[string]string{}, styles: map[string]odfStyle{}, defaults: map[string]odfStyle{}}
}

// read adds the font faces and styles of one part (styles.xml, content.xml).
func (s *odfStyles) read(data []byte) error {
	var cur *odfStyle
	var isDefault bool
	return walkXML(data, func(tok xml.Token, _, _ int64) {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "font-face":
				name, _ := attr(t, "name")
				fam, _ := attr(t, "font-family")
				s.faces[name] = fontName(fam)
			case "style", "default-style":
				if t.Name.Space != "style" {
					break
				}
				st := odfStyle{}
				st.myName, _ = attr(t, "name")
				st.family, _ = attr(t, "family")
				st.parent, _ = attr(t, "parent-style-name")
				cur, isDefault = &st, t.Name.Local == "default-style"
			case "text-properties":
				if cur == nil {
					break
				}
				if v, ok := attr(t, "font-name"); ok {
					cur.fontName, cur.hasFont = v, true
				}
				for _, a := range t.Attr {
					if a.Name.Local == "font-family" && a.Name.Space == "fo" {
						cur.fontFamily, cur.hasFont = a.Value, true
					}
				}
			}
		case xml.EndElement:
			if (t.Name.Local == "style" || t.Name.Local == "default-style") && t.Name.Space == "style" && cur != nil {
				if isDefault {
					s.defaults[cur.family] = *cur
				} else {
					s.styles[styleKey(cur.family, cur.myName)] = *cur
				}
				cur = nil
			}
		}
	})
}

func (s *odfStyles) fontOfStyle(st odfStyle) string {
	if st.fontName != "" {
		if f, ok := s.faces[st.fontName]; ok && f != "" {
			return f
		}
		return st.fontName
	}
	return fontName(st.fontFamily)
}

// font resolves the font of style name of family through its parents, without
// the family's default.
func (s *odfStyles) font(family, name string) (string, bool) {
	for range 32 {
		if name == "" {
			return "", false
		}
		st, ok := s.styles[styleKey(family, name)]
		if !ok {
			return "", false
		}
		if st.hasFont {
			return s.fontOfStyle(st), true
		}
		name = st.parent
	}
	return "", false
}

func (s *odfStyles) defaultFont(family string) (string, bool) {
	st, ok := s.defaults[family]
	if !ok || !st.hasFont {
		return "", false
	}
	return s.fontOfStyle(st), true
}

// rewriteODFPart converts the legacy text of one OpenDocument part (content.xml,
// styles.xml) and renames its legacy fonts.
func rewriteODFPart(data []byte, styles *odfStyles, counts *Counts) ([]byte, error) {
	var (
		stack []odfFrame
		paras []*paragraph
		cur   []*paragraph // paragraphs being read (a note's paragraphs nest in one)
		edits []edit
	)
	err := walkXML(data, func(tok xml.Token, start, end int64) {
		switch t := tok.(type) {
		case xml.StartElement:
			selfClosing := end-start >= 2 && string(data[end-2:end]) == "/>"
			switch t.Name.Local {
			case "font-face", "text-properties":
				if e, ok := renameFonts(t, start, end, selfClosing, "font-family"); ok {
					edits = append(edits, e)
				}
			case "p", "h":
				if t.Name.Space == "text" {
					p := &paragraph{}
					paras = append(paras, p)
					cur = append(cur, p)
				}
			}
			f := odfFrame{name: t.Name.Space + ":" + t.Name.Local}
			f.style, _ = attr(t, "style-name")
			stack = append(stack, f)
		case xml.EndElement:
			if len(stack) == 0 {
				return
			}
			if n := stack[len(stack)-1].name; (n == "text:p" || n == "text:h") && len(cur) > 0 {
				cur = cur[:len(cur)-1]
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 || len(cur) == 0 {
				return
			}
			switch stack[len(stack)-1].name {
			case "text:p", "text:h", "text:span", "text:a":
			default:
				return
			}
			r := &run{font: odfFont(styles, stack), pieces: []piece{{start, end, string(t)}}}
			p := cur[len(cur)-1]
			p.runs = append(p.runs, r)
		}
	})
	if err != nil {
		return nil, err
	}
	edits = append(edits, convertParagraphs(paras, counts)...)
	return applyEdits(data, edits), nil
}

// odfFrame is an element being read: its prefixed name and style.
type odfFrame struct{ name, style string }

// odfFont resolves the font of text at the innermost element of stack: the
// innermost text span (or link) with a font, its paragraph's style, the style of
// the spreadsheet cell it is in, the defaults.
func odfFont(s *odfStyles, stack []odfFrame) string {
	var para, cell string
	for i := len(stack) - 1; i >= 0; i-- {
		f := stack[i]
		switch f.name {
		case "text:span", "text:a":
			if para == "" && cell == "" {
				if font, ok := s.font("text", f.style); ok {
					return font
				}
			}
		case "text:p", "text:h":
			if para == "" {
				para = f.style
				if para == "" {
					para = "\x00" // a paragraph without a style of its own
				}
			}
		case "table:table-cell", "table:covered-table-cell":
			cell = f.style
			i = 0
		}
	}
	if font, ok := s.font("paragraph", para); ok {
		return font
	}
	if font, ok := s.font("table-cell", cell); ok {
		return font
	}
	if cell == "" {
		if font, ok := s.font("table-cell", "Default"); ok {
			return font
		}
	}
	if font, ok := s.defaultFont("paragraph"); ok {
		return font
	}
	font, _ := s.defaultFont("table-cell")
	return font
}

// rewriteODF returns the rewritten parts of an OpenDocument file whose parts are
// read by get.
func rewriteODF(get func(string) ([]byte, error), counts *Counts) (map[string][]byte, error) {
	stylesXML, err := get("styles.xml")
	if err != nil {
		stylesXML = nil // a flat document written without one: only content.xml
	}
	contentXML, err := get("content.xml")
	if err != nil {
		return nil, fail(ErrCorrupt, "no content.xml: %v", err)
	}
	common := newODFStyles()
	if stylesXML != nil {
		if err := common.read(stylesXML); err != nil {
			return nil, fail(ErrCorrupt, "styles.xml: %v", err)
		}
	}
	forContent := newODFStyles()
	for _, b := range [][]byte{stylesXML, contentXML} {
		if b != nil {
			if err := forContent.read(b); err != nil {
				return nil, fail(ErrCorrupt, "content.xml: %v", err)
			}
		}
	}
	out := map[string][]byte{}
	nb, err := rewriteODFPart(contentXML, forContent, counts)
	if err != nil {
		return nil, fail(ErrCorrupt, "content.xml: %v", err)
	}
	if string(nb) != string(contentXML) {
		out["content.xml"] = nb
	}
	if stylesXML != nil {
		nb, err := rewriteODFPart(stylesXML, common, counts)
		if err != nil {
			return nil, fail(ErrCorrupt, "styles.xml: %v", err)
		}
		if string(nb) != string(stylesXML) {
			out["styles.xml"] = nb
		}
	}
	return out, nil
}
