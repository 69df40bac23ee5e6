package office

import (
	"encoding/xml"
	"strings"
)

// docxStyles is what word/styles.xml says about fonts: each style's font and the
// style it is based on, the default paragraph style and the document default.
type docxStyles struct {
	styles      map[string]docxStyle
	defaultPara string
	defaultFont string
}

type docxStyle struct {
	basedOn string
	font    string
	fontSet bool
}

// rFonts reads a w:rFonts element: the font of the letters beyond ASCII (hAnsi,
// where TCVN3 and VNI put their letters), else of ASCII; set is false when the
// element names no font, and true with "" for a theme font (a Unicode one).
func rFonts(se xml.StartElement) (font string, set bool) {
	for _, k := range []string{"hAnsi", "ascii", "cs", "eastAsia"} {
		if v, ok := attr(se, k); ok && v != "" {
			return v, true
		}
	}
	for _, k := range []string{"hAnsiTheme", "asciiTheme"} {
		if _, ok := attr(se, k); ok {
			return "", true
		}
	}
	return "", false
}

func parseDocxStyles(data []byte) (docxStyles, error) {
	s := docxStyles{styles: map[string]docxStyle{}}
	var stack []string
	var id string
	var cur docxStyle
	err := walkXML(data, func(tok xml.Token, _, _ int64) {
		switch t := tok.(type) {
		case xml.StartElement:
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			stack = append(stack, t.Name.Local)
			switch t.Name.Local {
			case "style":
				id, _ = attr(t, "styleId")
				cur = docxStyle{}
				if typ, _ := attr(t, "type"); typ == "paragraph" {
					if d, _ := attr(t, "default"); d == "1" || d == "true" {
						s.defaultPara = id
					}
				}
			case "basedOn":
				if parent == "style" {
					cur.basedOn, _ = attr(t, "val")
				}
			case "rFonts":
				if parent != "rPr" || len(stack) < 3 {
					break
				}
				switch stack[len(stack)-3] {
				case "style":
					cur.font, cur.fontSet = rFonts(t)
				case "rPrDefault":
					s.defaultFont, _ = rFonts(t)
				}
			}
		case xml.EndElement:
			if len(stack) > 0 {
				if stack[len(stack)-1] == "style" && id != "" {
					s.styles[id] = cur
				}
				stack = stack[:len(stack)-1]
			}
		}
	})
	return s, err
}

// font resolves style id's font through the styles it is based on.
func (s docxStyles) font(id string) (string, bool) {
	for range 32 {
		st, ok := s.styles[id]
		if !ok {
			return "", false
		}
		if st.fontSet {
			return st.font, true
		}
		id = st.basedOn
	}
	return "", false
}

// rewriteDocxPart converts the legacy runs of one WordprocessingML part
// (document, header, footer, notes) and renames its legacy fonts.
func rewriteDocxPart(data []byte, styles docxStyles, counts *Counts) ([]byte, error) {
	type runState struct {
		r             *run
		style, direct string
		directSet     bool
		para          *paraFrame
	}
	var (
		stack  []string
		paras  []*paragraph
		frames []*paraFrame
		runs   []*runState
		edits  []edit
	)
	parentIs := func(names ...string) bool {
		if len(stack) < len(names) {
			return false
		}
		for i, n := range names {
			if stack[len(stack)-len(names)+i] != n {
				return false
			}
		}
		return true
	}
	err := walkXML(data, func(tok xml.Token, start, end int64) {
		switch t := tok.(type) {
		case xml.StartElement:
			selfClosing := end-start >= 2 && string(data[end-2:end]) == "/>"
			if e, ok := renameDocxFonts(t, start, end, selfClosing); ok {
				edits = append(edits, e)
			}
			switch t.Name.Local {
			case "p":
				p := &paraFrame{para: &paragraph{}}
				frames = append(frames, p)
				paras = append(paras, p.para)
			case "pStyle":
				if parentIs("p", "pPr") && len(frames) > 0 {
					frames[len(frames)-1].style, _ = attr(t, "val")
				}
			case "r":
				if len(frames) > 0 {
					rs := &runState{r: &run{}, para: frames[len(frames)-1]}
					runs = append(runs, rs)
					rs.para.para.runs = append(rs.para.para.runs, rs.r)
				}
			case "rStyle":
				if parentIs("r", "rPr") && len(runs) > 0 {
					runs[len(runs)-1].style, _ = attr(t, "val")
				}
			case "rFonts":
				if parentIs("r", "rPr") && len(runs) > 0 {
					runs[len(runs)-1].direct, runs[len(runs)-1].directSet = rFonts(t)
				}
			}
			stack = append(stack, t.Name.Local) // a self-closing one gets its end element too
		case xml.EndElement:
			if len(stack) == 0 {
				return
			}
			name := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			switch name {
			case "p":
				if len(frames) > 0 {
					frames = frames[:len(frames)-1]
				}
			case "r":
				if len(runs) > 0 {
					rs := runs[len(runs)-1]
					runs = runs[:len(runs)-1]
					rs.r.font = docxRunFont(styles, rs.direct, rs.directSet, rs.style, rs.para.style)
				}
			}
		case xml.CharData:
			if len(stack) >= 2 && (stack[len(stack)-1] == "t" || stack[len(stack)-1] == "delText") && stack[len(stack)-2] == "r" && len(runs) > 0 {
				r := runs[len(runs)-1].r
				r.pieces = append(r.pieces, piece{start, end, string(t)})
			}
		}
	})
	if err != nil {
		return nil, err
	}
	edits = append(edits, convertParagraphs(paras, counts)...)
	return applyEdits(data, edits), nil
}

// paraFrame is a paragraph being read and its style.
type paraFrame struct {
	para  *paragraph
	style string
}

// docxRunFont resolves a run's font: its own w:rFonts, its character style, its
// paragraph's style (or the default paragraph style), the document default.
func docxRunFont(s docxStyles, direct string, directSet bool, runStyle, paraStyle string) string {
	if directSet {
		return direct
	}
	if f, ok := s.font(runStyle); runStyle != "" && ok {
		return f
	}
	if paraStyle == "" {
		paraStyle = s.defaultPara
	}
	if f, ok := s.font(paraStyle); paraStyle != "" && ok {
		return f
	}
	return s.defaultFont
}

// docxPart tells whether a part of a .docx holds text to convert (the body,
// headers, footers, notes, comments) and whether it names fonts.
func docxPart(name string) (text, fonts bool) {
	if !strings.HasPrefix(name, "word/") || !strings.HasSuffix(name, ".xml") || strings.Count(name, "/") != 1 {
		return false, false
	}
	base := strings.TrimSuffix(strings.TrimPrefix(name, "word/"), ".xml")
	switch {
	case base == "document", strings.HasPrefix(base, "header"), strings.HasPrefix(base, "footer"),
		base == "footnotes", base == "endnotes", base == "comments":
		return true, true
	case base == "styles", base == "fontTable", base == "numbering", base == "settings":
		return false, true
	}
	return false, false
}

// rewriteDocx returns the rewritten parts of a .docx whose parts are read by get.
func rewriteDocx(names []string, get func(string) ([]byte, error), counts *Counts) (map[string][]byte, error) {
	var styles docxStyles
	if b, err := get("word/styles.xml"); err == nil {
		if styles, err = parseDocxStyles(b); err != nil {
			return nil, fail(ErrCorrupt, "word/styles.xml: %v", err)
		}
	}
	out := map[string][]byte{}
	for _, n := range names {
		text, fonts := docxPart(n)
		if !text && !fonts {
			continue
		}
		b, err := get(n)
		if err != nil {
			return nil, err
		}
		var nb []byte
		if text {
			nb, err = rewriteDocxPart(b, styles, counts)
		} else {
			nb, err = renameAllFonts(b)
		}
		if err != nil {
			return nil, fail(ErrCorrupt, "%s: %v", n, err)
		}
		if string(nb) != string(b) {
			out[n] = nb
		}
	}
	return out, nil
}

// renameAllFonts renames every attribute naming a legacy font in a part that has
// no text to convert.
func renameAllFonts(data []byte) ([]byte, error) {
	var edits []edit
	err := walkXML(data, func(tok xml.Token, start, end int64) {
		if se, ok := tok.(xml.StartElement); ok {
			selfClosing := end-start >= 2 && string(data[end-2:end]) == "/>"
			if e, ok := renameDocxFonts(se, start, end, selfClosing); ok {
				edits = append(edits, e)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return applyEdits(data, edits), nil
}

// renameDocxFonts renames the legacy fonts a w:rFonts or a font table's w:font
// names.
func renameDocxFonts(se xml.StartElement, start, end int64, selfClosing bool) (edit, bool) {
	switch se.Name.Local {
	case "rFonts":
		return renameFonts(se, start, end, selfClosing, "ascii", "hAnsi", "cs", "eastAsia")
	case "font":
		return renameFonts(se, start, end, selfClosing, "name")
	}
	return edit{}, false
}
