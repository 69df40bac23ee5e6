package chart

import (
	"strconv"

	"codeberg.org/go-pdf/fpdf"
)

// ptPerMM is the number of points in a millimetre.
const ptPerMM = 72 / 25.4

// DrawPDF draws the chart on pdf's current page with its top-left corner at
// (x, y), scaled to width w (in the document's unit, millimetres), in the
// UTF-8 font family (registered with styles "" and "B"); it returns the height
// drawn. The bars' titles have no place on paper: the numbers are printed.
func (c Chart) DrawPDF(pdf *fpdf.Fpdf, family string, x, y, w float64) float64 {
	k := w / c.Width
	for _, s := range c.Shapes {
		switch s.Kind {
		case Rect:
			r, g, b := rgb(s.Fill)
			pdf.SetFillColor(r, g, b)
			style := "F"
			if s.Stroke != "" {
				r, g, b := rgb(s.Stroke)
				pdf.SetDrawColor(r, g, b)
				style = "FD"
			}
			pdf.Rect(x+s.X*k, y+s.Y*k, s.W*k, s.H*k, style)
		case Line:
			r, g, b := rgb(s.Stroke)
			pdf.SetDrawColor(r, g, b)
			pdf.SetLineWidth(0.2)
			pdf.Line(x+s.X*k, y+s.Y*k, x+s.X2*k, y+s.Y2*k)
		case Text:
			style := ""
			if s.Bold {
				style = "B"
			}
			pdf.SetFont(family, style, s.Size*k*ptPerMM)
			r, g, b := rgb(s.Fill)
			pdf.SetTextColor(r, g, b)
			tx := x + s.X*k
			switch s.Anchor {
			case Middle:
				tx -= pdf.GetStringWidth(s.Text) / 2
			case End:
				tx -= pdf.GetStringWidth(s.Text)
			}
			pdf.Text(tx, y+s.Y*k, s.Text)
		}
	}
	pdf.SetTextColor(0, 0, 0)
	pdf.SetDrawColor(0, 0, 0)
	return c.Height * k
}

// rgb reads "#rrggbb"; black when it is not.
func rgb(s string) (r, g, b int) {
	if len(s) != 7 || s[0] != '#' {
		return 0, 0, 0
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return 0, 0, 0
	}
	return int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)
}
