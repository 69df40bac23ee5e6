// Package ccitt encodes bilevel images as CCITT Group 4 (ITU-T T.6, two-dimensional
// coding), the compression PDF readers decode with CCITTFaxDecode /K -1. It owns
// encoding only; golang.org/x/image/ccitt decodes.
package ccitt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Encoder writes the rows of one image as a Group 4 stream: MSB first, no byte
// alignment of rows, ending with the EOFB (two EOLs). Not safe for concurrent use.
type Encoder struct {
	bw    bitWriter
	width int
	ref   []int // changing elements of the previous row, then sentinels
	cur   []int // changing elements of the row being coded, then sentinels
	err   error
}

// NewEncoder returns an encoder of rows width pixels wide that writes to w.
func NewEncoder(w io.Writer, width int) (*Encoder, error) {
	if width < 1 {
		return nil, fmt.Errorf("ccitt: width %d: must be at least 1", width)
	}
	e := &Encoder{bw: bitWriter{w: bufio.NewWriter(w)}, width: width}
	// The imaginary row above the first is all white: no changing elements.
	e.ref = append(e.ref, width, width, width)
	return e, nil
}

// WriteRow codes one row: row[x] != 0 is a black pixel, 0 a white one. The row must
// be exactly the width given to NewEncoder.
func (e *Encoder) WriteRow(row []byte) error {
	if e.err != nil {
		return e.err
	}
	if len(row) != e.width {
		return fmt.Errorf("ccitt: row of %d pixels in an image %d wide", len(row), e.width)
	}
	// Changing elements: positions whose colour differs from the pixel before them,
	// the row starting on an imaginary white pixel. Even indices turn black, odd
	// ones turn white.
	e.cur = e.cur[:0]
	black := false
	for x, p := range row {
		if (p != 0) != black {
			e.cur = append(e.cur, x)
			black = !black
		}
	}
	e.cur = append(e.cur, e.width, e.width, e.width)
	e.codeRow()
	e.ref, e.cur = e.cur, e.ref
	e.err = e.bw.err
	return e.err
}

// codeRow is T.6 section 2.2's coding procedure for one line, over the changing
// elements of the reference line (e.ref) and the coding line (e.cur).
func (e *Encoder) codeRow() {
	w := e.width
	a0, black := -1, false
	ri, ci := 0, 0 // search starts in ref and cur; both only move forward
	for a0 < w {
		// b1: first changing element on the reference line to the right of a0 and of
		// opposite colour to a0's colour (an element of index parity 0 turns black).
		// After a vertical code left of b1 the colour flips, so an element just
		// before the previous b1 may now qualify: step back first.
		for ri > 0 && e.ref[ri-1] > a0 {
			ri--
		}
		for e.ref[ri] <= a0 || (ri%2 == 1) != black {
			if e.ref[ri] >= w {
				break
			}
			ri++
		}
		b1 := e.ref[ri]
		b2 := w
		if b1 < w {
			b2 = e.ref[ri+1]
		}
		// a1, a2: the next two changing elements on the coding line.
		for e.cur[ci] <= a0 && e.cur[ci] < w {
			ci++
		}
		a1 := e.cur[ci]
		a2 := w
		if a1 < w {
			a2 = e.cur[ci+1]
		}
		switch d := a1 - b1; {
		case b2 < a1: // pass mode
			e.bw.write(0b0001, 4)
			a0 = b2
		case d >= -3 && d <= 3: // vertical mode
			c := vertical[d+3]
			e.bw.write(c.code, c.len)
			a0 = a1
			black = !black
		default: // horizontal mode
			e.bw.write(0b001, 3)
			start := max(a0, 0)
			e.writeRun(a1-start, black)
			e.writeRun(a2-a1, !black)
			a0 = a2
		}
	}
}

// writeRun writes one run length in the colour's code table: make-up codes of 2560
// while longer, then one make-up code, then the terminating code.
func (e *Encoder) writeRun(n int, black bool) {
	t := &white
	if black {
		t = &blackTable
	}
	for n >= 2560+64 {
		c := t.makeup[len(t.makeup)-1]
		e.bw.write(c.code, c.len)
		n -= 2560
	}
	if n >= 64 {
		c := t.makeup[n/64-1]
		e.bw.write(c.code, c.len)
		n %= 64
	}
	c := t.term[n]
	e.bw.write(c.code, c.len)
}

// Close writes the end of facsimile block and pads the last byte with zeros. It does
// not close the underlying writer.
func (e *Encoder) Close() error {
	if e.err != nil {
		return e.err
	}
	e.bw.write(0b000000000001, 12)
	e.bw.write(0b000000000001, 12)
	e.err = e.bw.flush()
	if e.err == nil {
		e.err = errClosed
		return nil
	}
	return e.err
}

var errClosed = errors.New("ccitt: encoder closed")

type code struct {
	code uint32
	len  uint8
}

// vertical holds VL3, VL2, VL1, V0, VR1, VR2, VR3 (T.6 Table 1).
var vertical = [7]code{
	{0b0000010, 7}, {0b000010, 6}, {0b010, 3}, {0b1, 1}, {0b011, 3}, {0b000011, 6}, {0b0000011, 7},
}

type runTable struct {
	term   [64]code // run lengths 0–63
	makeup [40]code // run lengths 64, 128, … 2560
}

var white, blackTable = mustTable(whiteCodes), mustTable(blackCodes)

func mustTable(bits [104]string) runTable {
	var t runTable
	for i, s := range bits {
		v, err := strconv.ParseUint(s, 2, 32)
		if err != nil {
			panic("ccitt: bad code table entry " + s)
		}
		c := code{uint32(v), uint8(len(s))}
		if i < 64 {
			t.term[i] = c
		} else {
			t.makeup[i-64] = c
		}
	}
	return t
}

// whiteCodes and blackCodes are ITU-T T.4 Tables 2 and 3: terminating codes for run
// lengths 0–63, then make-up codes for 64–1728 (step 64), then the extended make-up
// codes for 1792–2560 that both colours share.
var whiteCodes = [104]string{
	"00110101", "000111", "0111", "1000", "1011", "1100", "1110", "1111",
	"10011", "10100", "00111", "01000", "001000", "000011", "110100", "110101",
	"101010", "101011", "0100111", "0001100", "0001000", "0010111", "0000011", "0000100",
	"0101000", "0101011", "0010011", "0100100", "0011000", "00000010", "00000011", "00011010",
	"00011011", "00010010", "00010011", "00010100", "00010101", "00010110", "00010111", "00101000",
	"00101001", "00101010", "00101011", "00101100", "00101101", "00000100", "00000101", "00001010",
	"00001011", "01010010", "01010011", "01010100", "01010101", "00100100", "00100101", "01011000",
	"01011001", "01011010", "01011011", "01001010", "01001011", "00110010", "00110011", "00110100",
	// make-up 64–1728
	"11011", "10010", "010111", "0110111", "00110110", "00110111", "01100100", "01100101",
	"01101000", "01100111", "011001100", "011001101", "011010010", "011010011", "011010100", "011010101",
	"011010110", "011010111", "011011000", "011011001", "011011010", "011011011", "010011000", "010011001",
	"010011010", "011000", "010011011",
	// extended make-up 1792–2560
	"00000001000", "00000001100", "00000001101", "000000010010", "000000010011", "000000010100", "000000010101",
	"000000010110", "000000010111", "000000011100", "000000011101", "000000011110", "000000011111",
}

var blackCodes = [104]string{
	"0000110111", "010", "11", "10", "011", "0011", "0010", "00011",
	"000101", "000100", "0000100", "0000101", "0000111", "00000100", "00000111", "000011000",
	"0000010111", "0000011000", "0000001000", "00001100111", "00001101000", "00001101100", "00000110111", "00000101000",
	"00000010111", "00000011000", "000011001010", "000011001011", "000011001100", "000011001101", "000001101000", "000001101001",
	"000001101010", "000001101011", "000011010010", "000011010011", "000011010100", "000011010101", "000011010110", "000011010111",
	"000001101100", "000001101101", "000011011010", "000011011011", "000001010100", "000001010101", "000001010110", "000001010111",
	"000001100100", "000001100101", "000001010010", "000001010011", "000000100100", "000000110111", "000000111000", "000000100111",
	"000000101000", "000001011000", "000001011001", "000000101011", "000000101100", "000001011010", "000001100110", "000001100111",
	// make-up 64–1728
	"0000001111", "000011001000", "000011001001", "000001011011", "000000110011", "000000110100", "000000110101", "0000001101100",
	"0000001101101", "0000001001010", "0000001001011", "0000001001100", "0000001001101", "0000001110010", "0000001110011", "0000001110100",
	"0000001110101", "0000001110110", "0000001110111", "0000001010010", "0000001010011", "0000001010100", "0000001010101", "0000001011010",
	"0000001011011", "0000001100100", "0000001100101",
	// extended make-up 1792–2560
	"00000001000", "00000001100", "00000001101", "000000010010", "000000010011", "000000010100", "000000010101",
	"000000010110", "000000010111", "000000011100", "000000011101", "000000011110", "000000011111",
}

// bitWriter packs codes MSB first.
type bitWriter struct {
	w     *bufio.Writer
	acc   uint64
	nbits uint
	err   error
}

func (b *bitWriter) write(code uint32, n uint8) {
	b.acc = b.acc<<n | uint64(code)
	b.nbits += uint(n)
	for b.nbits >= 8 {
		b.nbits -= 8
		if err := b.w.WriteByte(byte(b.acc >> b.nbits)); err != nil && b.err == nil {
			b.err = err
		}
	}
}

func (b *bitWriter) flush() error {
	if b.nbits > 0 {
		b.write(0, uint8(8-b.nbits))
	}
	if b.err != nil {
		return b.err
	}
	return b.w.Flush()
}
