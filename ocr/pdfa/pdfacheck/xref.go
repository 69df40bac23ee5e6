package pdfacheck

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// open reads the cross-reference data and the trailer. When they cannot be read it
// reports why and rebuilds both from a scan of the file, as viewers do, so that the
// other rules can still be checked.
func open(b []byte, problems *[]Problem) *file {
	f := &file{b: b, entries: map[int]entry{}, cache: map[int]any{}, busy: map[int]bool{}, problems: problems}
	if err := f.readXref(); err != nil {
		f.problem("6.1.4", 0, "cross-reference data unreadable (%v); objects found by scanning the file", err)
		f.entries = f.scan()
		f.trailer = f.scanTrailer()
	}
	return f
}

func (f *file) readXref() error {
	i := bytes.LastIndex(f.b, []byte("startxref"))
	if i < 0 {
		return errors.New("no startxref")
	}
	l := &lexer{b: f.b, pos: i + len("startxref")}
	off, ok := l.uint()
	if !ok {
		return errors.New("startxref without an offset")
	}
	decided := map[int]bool{} // newer sections shadow older ones, free entries included
	seen := map[int]bool{}
	for first := true; ; first = false {
		if seen[off] {
			return fmt.Errorf("cross-reference sections loop at byte %d", off)
		}
		seen[off] = true
		trailer, err := f.xrefSection(off, decided)
		if err != nil {
			return err
		}
		if first {
			f.trailer = trailer
		}
		if xs, ok := f.intOf(trailer["XRefStm"]); ok { // hybrid file
			if _, err := f.xrefSection(int(xs), decided); err != nil {
				return err
			}
		}
		prev, ok := f.intOf(trailer["Prev"])
		if !ok {
			break
		}
		off = int(prev)
	}
	if f.trailer["Root"] == nil {
		return errors.New("trailer without /Root")
	}
	return nil
}

// xrefSection reads a cross-reference table and its trailer, or a cross-reference
// stream, at off.
func (f *file) xrefSection(off int, decided map[int]bool) (dict, error) {
	if off < 0 || off >= len(f.b) {
		return nil, fmt.Errorf("cross-reference offset %d outside the file", off)
	}
	if bytes.HasPrefix(f.b[off:], []byte("xref")) {
		return f.xrefTable(off, decided)
	}
	v, err := f.objectAt(-1, 0, off)
	if err != nil {
		return nil, fmt.Errorf("no xref table or stream at byte %d: %w", off, err)
	}
	s, ok := v.(*stream)
	if !ok || f.nameOf(s.dict["Type"]) != "XRef" {
		return nil, fmt.Errorf("the object at byte %d is not a cross-reference stream", off)
	}
	return s.dict, f.xrefStream(s, decided)
}

// eol consumes one end-of-line marker at p.
func eol(b []byte, p int) (int, bool) {
	switch {
	case bytes.HasPrefix(b[p:], []byte("\r\n")):
		return p + 2, true
	case p < len(b) && (b[p] == '\n' || b[p] == '\r'):
		return p + 1, true
	}
	return p, false
}

// xrefTable reads a classic table, holding it to the syntax of ISO 32000-1 7.5.4
// that PDF/A-2 6.1.4 insists on: one EOL after "xref", subsection headers on their
// own line, entries of exactly 20 bytes.
func (f *file) xrefTable(off int, decided map[int]bool) (dict, error) {
	p, ok := eol(f.b, off+len("xref"))
	if !ok {
		return nil, errors.New("no EOL after the xref keyword")
	}
	for {
		l := &lexer{b: f.b, pos: p}
		l.skipSpace()
		if bytes.HasPrefix(f.b[l.pos:], []byte("trailer")) {
			l.pos += len("trailer")
			v, err := l.object(0)
			if err != nil {
				return nil, fmt.Errorf("trailer: %w", err)
			}
			d, ok := v.(dict)
			if !ok {
				return nil, errors.New("trailer is not a dictionary")
			}
			return d, nil
		}
		start, ok1 := l.uint()
		count, ok2 := l.uint()
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("bad subsection header at byte %d", l.pos)
		}
		for l.pos < len(f.b) && f.b[l.pos] == ' ' {
			l.pos++
		}
		if p, ok = eol(f.b, l.pos); !ok {
			return nil, fmt.Errorf("no EOL after subsection header %d %d", start, count)
		}
		if count > len(f.b)/20 {
			return nil, fmt.Errorf("subsection of %d entries is longer than the file", count)
		}
		for i := range count {
			if p+20 > len(f.b) {
				return nil, errors.New("cross-reference table ends inside an entry")
			}
			e := f.b[p : p+20]
			p += 20
			o, err1 := strconv.ParseInt(string(e[:10]), 10, 64)
			g, err2 := strconv.Atoi(string(e[11:16]))
			kind := e[17]
			tail := string(e[18:20])
			if err1 != nil || err2 != nil || e[10] != ' ' || e[16] != ' ' || (kind != 'n' && kind != 'f') ||
				(tail != " \n" && tail != " \r" && tail != "\r\n") {
				return nil, fmt.Errorf("cross-reference entry %q is not 20 bytes of the form \"oooooooooo ggggg n\" + EOL", e)
			}
			n := start + i
			if decided[n] {
				continue
			}
			decided[n] = true
			if kind == 'n' && n != 0 {
				f.entries[n] = entry{off: o, gen: g, classic: true}
			}
		}
	}
}

func (f *file) xrefStream(s *stream, decided map[int]bool) error {
	data, err := f.decode(s)
	if err != nil {
		return fmt.Errorf("cross-reference stream: %w", err)
	}
	wa, _ := f.resolve(s.dict["W"]).(array)
	if len(wa) != 3 {
		return errors.New("cross-reference stream without a /W of three widths")
	}
	var w [3]int
	for i := range w {
		v, _ := f.intOf(wa[i])
		if v < 0 || v > 8 {
			return errors.New("cross-reference stream field width out of range")
		}
		w[i] = int(v)
	}
	size, _ := f.intOf(s.dict["Size"])
	index := []int64{0, size}
	if ia, ok := f.resolve(s.dict["Index"]).(array); ok {
		index = index[:0]
		for _, v := range ia {
			n, _ := f.intOf(v)
			index = append(index, n)
		}
	}
	rec := w[0] + w[1] + w[2]
	if rec == 0 {
		return errors.New("cross-reference stream with zero-width records")
	}
	field := func(b []byte, def int64) int64 {
		if len(b) == 0 {
			return def
		}
		var v int64
		for _, c := range b {
			v = v<<8 | int64(c)
		}
		return v
	}
	for i := 0; i+1 < len(index); i += 2 {
		for k := range index[i+1] {
			if len(data) < rec {
				return errors.New("cross-reference stream shorter than its /Index says")
			}
			r := data[:rec]
			data = data[rec:]
			n := int(index[i] + k)
			if decided[n] {
				continue
			}
			decided[n] = true
			t := field(r[:w[0]], 1)
			a, c := field(r[w[0]:w[0]+w[1]], 0), field(r[w[0]+w[1]:], 0)
			switch t {
			case 1:
				f.entries[n] = entry{off: a, gen: int(c)}
			case 2:
				f.entries[n] = entry{inStream: int(a), index: int(c)}
			}
		}
	}
	return nil
}

// scanTrailer finds the last trailer dictionary in the file, or else makes one that
// points at the first catalog found.
func (f *file) scanTrailer() dict {
	if i := bytes.LastIndex(f.b, []byte("trailer")); i >= 0 {
		l := &lexer{b: f.b, pos: i + len("trailer")}
		if v, err := l.object(0); err == nil {
			if d, ok := v.(dict); ok && d["Root"] != nil {
				return d
			}
		}
	}
	nums := make([]int, 0, len(f.entries))
	for n := range f.entries {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	for _, n := range nums {
		if d := f.dictOf(ref{n, f.entries[n].gen}); d != nil && f.nameOf(d["Type"]) == "Catalog" {
			return dict{"Root": ref{n, f.entries[n].gen}}
		}
	}
	return dict{}
}
