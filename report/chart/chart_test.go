package chart_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"kntc/report/chart"
)

// svgDoc reads an SVG's elements: every text, every title, the root's attributes.
type svgDoc struct {
	root   map[string]string
	texts  []string
	titles []string
	styled bool // an element has a style attribute
}

func parseSVG(t *testing.T, s string) svgDoc {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	doc := svgDoc{root: map[string]string{}}
	var stack []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v\n%s", err, s)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				for _, a := range tok.Attr {
					doc.root[a.Name.Local] = a.Value
				}
			}
			for _, a := range tok.Attr {
				if a.Name.Local == "style" {
					doc.styled = true
				}
			}
			stack = append(stack, tok.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			switch stack[len(stack)-1] {
			case "text":
				doc.texts = append(doc.texts, string(tok))
			case "title":
				doc.titles = append(doc.titles, string(tok))
			}
		}
	}
	return doc
}

func TestBarsSVG(t *testing.T) {
	c := chart.Bars("chart-x", "Vụ việc theo loại & trạng thái", "vụ việc",
		[]string{"Khiếu nại", "Tố cáo", "Kiến nghị, phản ánh"},
		[]chart.Series{{Name: "Thụ lý", Values: []float64{3, 1, 0}}, {Name: "Xác minh", Values: []float64{2, 0, 0}}, {Name: "Đóng", Values: []float64{0, 4}}},
		true)
	doc := parseSVG(t, c.SVG())
	if doc.root["role"] != "img" || doc.root["aria-labelledby"] != "chart-x-title chart-x-desc" || doc.root["viewBox"] == "" {
		t.Errorf("root attributes: %v", doc.root)
	}
	if doc.styled {
		t.Error("an element has a style attribute (a strict CSP blocks it)")
	}
	if len(doc.titles) == 0 || doc.titles[0] != "Vụ việc theo loại & trạng thái" {
		t.Errorf("titles %q", doc.titles)
	}
	all := strings.Join(doc.texts, "|")
	for _, want := range []string{"Khiếu nại", "Tố cáo", "Kiến nghị, phản ánh", "Thụ lý", "Xác minh", "Đóng", "|5|", "|4|"} {
		if !strings.Contains("|"+all+"|", want) {
			t.Errorf("text %q missing in %q", want, all)
		}
	}
	// Every bar says what it shows; the stacked totals are 5, 5, 0.
	for _, want := range []string{"Khiếu nại – Thụ lý: 3", "Khiếu nại – Xác minh: 2", "Tố cáo – Đóng: 4"} {
		found := false
		for _, ti := range doc.titles {
			found = found || ti == want
		}
		if !found {
			t.Errorf("bar title %q missing in %q", want, doc.titles)
		}
	}
	if got := c.Value(2, 1); got != 4 {
		t.Errorf("value = %v", got)
	}
	if c.Total() != 10 {
		t.Errorf("total = %v", c.Total())
	}
	if !strings.Contains(c.Desc, "Khiếu nại: Thụ lý 3, Xác minh 2") || !strings.Contains(c.Desc, "Kiến nghị, phản ánh: 0 vụ việc") {
		t.Errorf("desc %q", c.Desc)
	}
	for _, s := range c.Shapes {
		if s.Kind == chart.Text && !norm.NFC.IsNormalString(s.Text) {
			t.Errorf("text %q is not NFC", s.Text)
		}
		if s.Kind == chart.Rect && (s.X < 0 || s.Y < 0 || s.X+s.W > c.Width+0.01 || s.Y+s.H > c.Height) {
			t.Errorf("rect out of the chart: %+v", s)
		}
	}
}

func TestBarsGroupedAndEmpty(t *testing.T) {
	c := chart.Bars("g", "Kết quả", "quyết định", []string{"Khiếu nại", "Tố cáo"},
		[]chart.Series{{Name: "Đúng", Values: []float64{1, 0}}, {Name: "Sai", Values: []float64{1, 0}}, {Name: "Đúng một phần", Values: []float64{0, 1}}}, false)
	doc := parseSVG(t, c.SVG())
	bars := 0
	for _, s := range c.Shapes {
		if s.Kind == chart.Rect && strings.Contains(s.Title, ": ") {
			bars++
		}
	}
	if bars != 3 {
		t.Errorf("%d bars drawn, want 3 (the non-zero numbers)", bars)
	}
	if !strings.Contains(strings.Join(doc.texts, "|"), "Đúng một phần") {
		t.Errorf("legend: %q", doc.texts)
	}
	// Nothing to draw: a scale, no bar, still well-formed.
	e := chart.Bars("e", "Không có số liệu", "đơn", []string{"Tháng 01/2026"}, []chart.Series{{Name: "Số đơn"}}, false)
	parseSVG(t, e.SVG())
	if e.Total() != 0 || len(e.Series[0].Values) != 1 {
		t.Errorf("empty chart: %+v", e.Series)
	}
	var b bytes.Buffer
	if err := e.WriteSVG(&b); err != nil || b.String() != e.SVG() {
		t.Errorf("WriteSVG: %v", err)
	}
}
