// Package chart draws the statistics' charts for leaders (petitions received
// per month, cases by kind and status, overdue cases by unit, results of the
// decisions) on the server, with no JavaScript and no inline style.
//
// A chart is laid out once, by Bars, as a neutral list of shapes (Rect, Line,
// Text with Vietnamese labels) in chart units (a viewBox of Width × Height);
// two renderers draw the same shapes:
//
//   - Chart.WriteSVG / Chart.SVG: an accessible SVG element for a page, with
//     role="img", a <title> and a <desc> that says every number in words
//     (aria-labelledby points to both), a <title> per bar, text labels on the
//     bars, and presentation attributes only (fill=, stroke=, font-size=): no
//     style attribute, so a strict Content-Security-Policy (style-src 'self')
//     lets it through. IDs are Chart.ID + "-title" / "-desc": give each chart of
//     a page its own ID. The SVG has a viewBox and width/height; a stylesheet
//     may scale it (svg.chart { max-width: 100%; height: auto }).
//   - Chart.DrawPDF: the shapes onto a page of a codeberg.org/go-pdf/fpdf
//     document, scaled to a given width, with a UTF-8 font family the caller
//     has registered (regular "" and bold "B" styles).
//
// The numbers drawn stay on the chart (Categories, Series): tests and tables
// read them there. The charts of a report and their data come from package
// report (Service.ChartData, ChartData.Charts); this package knows nothing of
// cases or units.
package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is what a Shape draws.
type Kind int

// The shapes.
const (
	Rect Kind = iota
	Line
	Text
)

// Anchor is where a Text's point is: at its start, middle or end.
type Anchor string

// The anchors, named as SVG's text-anchor.
const (
	Start  Anchor = "start"
	Middle Anchor = "middle"
	End    Anchor = "end"
)

// Shape is one rectangle, line or text of a chart, in chart units (y grows
// downwards, as in SVG).
type Shape struct {
	Kind   Kind
	X, Y   float64 // Rect: top-left corner; Line: start; Text: the anchor on the baseline
	W, H   float64 // Rect: size
	X2, Y2 float64 // Line: end
	Fill   string  // Rect and Text: "#rrggbb"
	Stroke string  // Line (and a Rect's outline when set): "#rrggbb"
	Text   string  // Text: the words, NFC
	Size   float64 // Text: font size in chart units
	Anchor Anchor  // Text: Start when empty
	Bold   bool    // Text
	// Title says what a Rect shows ("Khiếu nại – Thụ lý: 3"): a <title> in SVG.
	Title string
}

// Series is one set of bars: a value per category.
type Series struct {
	Name   string
	Values []float64
	Color  string // "#rrggbb"; Bars picks one from Palette when empty
}

// Chart is a laid-out chart: its data and its shapes.
type Chart struct {
	ID    string // the SVG's id prefix: "chart-months"
	Title string
	// Desc says the chart's numbers in words, for screen readers.
	Desc string
	Unit string // what the numbers count: "đơn", "vụ việc"
	// Categories are the bars' labels (a month, a kind, a unit); Series[s].Values[i]
	// is series s's number for category i.
	Categories []string
	Series     []Series
	Stacked    bool
	Width      float64
	Height     float64
	Shapes     []Shape
}

// Value is series s's number for category i.
func (c Chart) Value(s, i int) float64 { return c.Series[s].Values[i] }

// Total is the sum of every number of the chart.
func (c Chart) Total() float64 {
	t := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			t += v
		}
	}
	return t
}

// Palette are the series' colours, in order: dark enough for white text and
// distinct for the common colour blindnesses (Okabe–Ito, darkened).
var Palette = []string{"#0b5394", "#b45f06", "#38761d", "#990000", "#674ea7", "#0e7c86", "#7f6000", "#a61c00",
	"#3d3d3d", "#1155cc", "#6aa84f", "#c27ba0"}

// Layout of Bars, in chart units.
const (
	width       = 760.0
	titleSize   = 16.0
	textSize    = 12.0
	labelWidth  = 230.0 // the categories' labels, left of the bars
	marginRight = 56.0  // room for a bar's total
	rowGap      = 8.0
	barHeight   = 18.0
	legendRow   = 20.0
	axisColor   = "#595959"
	gridColor   = "#d9d9d9"
	textColor   = "#1a1a1a"
)

// Bars lays out a horizontal bar chart: a row per category, labelled on the
// left; per row a bar per series side by side, or stacked into one bar when
// stacked; the number at the end of every bar (and a stacked bar's total); a
// legend when there is more than one series; a scale along the bottom. unit
// is what the numbers count ("đơn"), said in the description.
func Bars(id, title, unit string, categories []string, series []Series, stacked bool) Chart {
	c := Chart{ID: id, Title: title, Unit: unit, Categories: categories, Stacked: stacked, Width: width}
	for i, s := range series {
		if s.Color == "" {
			s.Color = Palette[i%len(Palette)]
		}
		vals := make([]float64, len(categories))
		copy(vals, s.Values)
		s.Values = vals
		c.Series = append(c.Series, s)
	}
	c.Desc = describe(c)

	y := 8.0 + titleSize
	c.text(8, y, title, titleSize, Start, true, textColor)
	y += 10
	// Legend: swatches and names, wrapped.
	if len(c.Series) > 1 {
		x := 8.0
		y += 4
		for _, s := range c.Series {
			w := 14 + 6 + textWidth(s.Name, textSize) + 18
			if x+w > width-8 && x > 8 {
				x = 8
				y += legendRow
			}
			c.Shapes = append(c.Shapes, Shape{Kind: Rect, X: x, Y: y, W: 14, H: 14, Fill: s.Color, Title: s.Name})
			c.text(x+20, y+11.5, s.Name, textSize, Start, false, textColor)
			x += w
		}
		y += legendRow + 4
	}

	// The scale: round steps up to the largest bar.
	most := 0.0
	for i := range categories {
		sum := 0.0
		for _, s := range c.Series {
			if stacked {
				sum += s.Values[i]
			} else {
				most = max(most, s.Values[i])
			}
		}
		most = max(most, sum)
	}
	step, top := scale(most)
	x0, x1 := 8+labelWidth, width-marginRight
	px := func(v float64) float64 { return x0 + (x1-x0)*v/top }

	rowH := barHeight
	if !stacked && len(c.Series) > 1 {
		rowH = barHeight * float64(len(c.Series))
	}
	top0 := y
	bottom := top0 + float64(len(categories))*(rowH+rowGap)
	// Grid lines and the scale's numbers.
	for v := 0.0; v <= top+step/2; v += step {
		x := px(v)
		color := gridColor
		if v == 0 {
			color = axisColor
		}
		c.Shapes = append(c.Shapes, Shape{Kind: Line, X: x, Y: top0 - 2, X2: x, Y2: bottom, Stroke: color})
		c.text(x, bottom+textSize+4, number(v), textSize-1, Middle, false, axisColor)
	}
	for i, cat := range categories {
		ry := top0 + float64(i)*(rowH+rowGap) + rowGap/2
		c.text(x0-8, ry+rowH/2+textSize/2-1.5, clip(cat, labelWidth-12, textSize), textSize, End, false, textColor)
		if stacked {
			x, sum := x0, 0.0
			for _, s := range c.Series {
				v := s.Values[i]
				sum += v
				if v == 0 {
					continue
				}
				w := px(v) - x0
				c.Shapes = append(c.Shapes, Shape{Kind: Rect, X: x, Y: ry, W: w, H: barHeight, Fill: s.Color,
					Title: cat + " – " + s.Name + ": " + number(v)})
				if textWidth(number(v), textSize-1)+6 <= w {
					c.text(x+w/2, ry+barHeight/2+textSize/2-1.5, number(v), textSize-1, Middle, false, "#ffffff")
				}
				x += w
			}
			c.text(x+6, ry+barHeight/2+textSize/2-1.5, number(sum), textSize, Start, true, textColor)
			continue
		}
		for k, s := range c.Series {
			v := s.Values[i]
			by := ry + float64(k)*barHeight
			label := cat
			if len(c.Series) > 1 {
				label += " – " + s.Name
			}
			if v > 0 {
				c.Shapes = append(c.Shapes, Shape{Kind: Rect, X: x0, Y: by + 1, W: px(v) - x0, H: barHeight - 2,
					Fill: s.Color, Title: label + ": " + number(v)})
			}
			c.text(px(v)+6, by+barHeight/2+textSize/2-1.5, number(v), textSize, Start, len(c.Series) == 1, textColor)
		}
	}
	c.Height = bottom + textSize + 14
	return c
}

func (c *Chart) text(x, y float64, s string, size float64, a Anchor, bold bool, color string) {
	c.Shapes = append(c.Shapes, Shape{Kind: Text, X: x, Y: y, Text: s, Size: size, Anchor: a, Bold: bold, Fill: color})
}

// describe says the chart's numbers: "Tháng 01/2026: 3 đơn; …".
func describe(c Chart) string {
	var b strings.Builder
	b.WriteString(c.Title)
	b.WriteString(". ")
	for i, cat := range c.Categories {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(cat)
		b.WriteString(": ")
		if len(c.Series) == 1 {
			b.WriteString(number(c.Series[0].Values[i]) + " " + c.Unit)
			continue
		}
		var parts []string
		for _, s := range c.Series {
			if s.Values[i] != 0 {
				parts = append(parts, s.Name+" "+number(s.Values[i]))
			}
		}
		if len(parts) == 0 {
			parts = append(parts, "0 "+c.Unit)
		}
		b.WriteString(strings.Join(parts, ", "))
	}
	b.WriteString(".")
	return b.String()
}

// scale is the step of the grid and the scale's end for numbers up to most:
// 1, 2 or 5 times a power of ten, about five steps.
func scale(most float64) (step, top float64) {
	if most <= 0 {
		return 1, 1
	}
	raw := most / 5
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		step = m * p
		if step >= raw {
			break
		}
	}
	step = max(step, 1)
	top = math.Ceil(most/step) * step
	return step, top
}

// number writes v as the charts print it: no decimals for whole numbers.
func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// textWidth estimates the width of s in a sans-serif font of size size.
func textWidth(s string, size float64) float64 {
	return float64(utf8.RuneCountInString(s)) * size * 0.56
}

// clip shortens s to fit w, ending it with "…".
func clip(s string, w, size float64) string {
	if textWidth(s, size) <= w {
		return s
	}
	r := []rune(s)
	n := int(w/(size*0.56)) - 1
	if n < 1 {
		n = 1
	}
	if n > len(r) {
		n = len(r)
	}
	return string(r[:n]) + "…"
}

// SVG is the chart as an <svg> element (WriteSVG).
func (c Chart) SVG() string {
	var b bytes.Buffer
	_ = c.WriteSVG(&b)
	return b.String()
}

// WriteSVG writes the chart as an accessible <svg> element: role="img" with
// aria-labelledby its <title> and its <desc>, presentation attributes only.
func (c Chart) WriteSVG(w io.Writer) error {
	var b bytes.Buffer
	esc := func(s string) string {
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	f := func(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
	id := esc(c.ID)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="%s-title %s-desc" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif">`,
		f(c.Width), f(c.Height), f(c.Width), f(c.Height), id, id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(c.Title), id, esc(c.Desc))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%s" height="%s" fill="#ffffff"/>`, f(c.Width), f(c.Height))
	for _, s := range c.Shapes {
		switch s.Kind {
		case Rect:
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"`, f(s.X), f(s.Y), f(s.W), f(s.H), esc(s.Fill))
			if s.Stroke != "" {
				fmt.Fprintf(&b, ` stroke="%s"`, esc(s.Stroke))
			}
			if s.Title != "" {
				fmt.Fprintf(&b, `><title>%s</title></rect>`, esc(s.Title))
			} else {
				b.WriteString(`/>`)
			}
		case Line:
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, f(s.X), f(s.Y), f(s.X2), f(s.Y2), esc(s.Stroke))
		case Text:
			a := s.Anchor
			if a == "" {
				a = Start
			}
			fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="%s" text-anchor="%s" fill="%s"`, f(s.X), f(s.Y), f(s.Size), a, esc(s.Fill))
			if s.Bold {
				b.WriteString(` font-weight="bold"`)
			}
			fmt.Fprintf(&b, `>%s</text>`, esc(s.Text))
		}
	}
	b.WriteString(`</svg>`)
	_, err := w.Write(b.Bytes())
	return err
}
