package ingest

import (
	"context"
	"image"
)

// Word is one recognised word with its box in page pixels (origin top left) and the
// engine's confidence (0–100).
type Word struct {
	Text       string  `json:"text"`
	X0         int     `json:"x0"`
	Y0         int     `json:"y0"`
	X1         int     `json:"x1"`
	Y1         int     `json:"y1"`
	Confidence float64 `json:"conf"`
	Block      int     `json:"block"`
	Par        int     `json:"par"`
	Line       int     `json:"line"` // line number within the paragraph, from 1
	// Cell is the word's cell in a table row (the row is the line), from 1; 0
	// outside tables. The page text separates cells by " | ".
	Cell int `json:"cell,omitempty"`
}

// Recognition is what OCR read on one page image.
type Recognition struct {
	Text       string  // lines joined by "\n", paragraphs by a blank line, table cells by " | "; UTF-8 NFC
	Words      []Word  // in reading order
	Confidence float64 // mean word confidence, 0–100 (0 when no words)
	// Rotation is how far, clockwise, the page image was turned to read upright: 0,
	// 90, 180 or 270. Words are in the pixels of the turned image, which is the one
	// to archive.
	Rotation int
}

// Recognizer reads text from a decoded page image scanned at dpi dots per inch.
// Implementations are safe for concurrent use and bound their own concurrency.
type Recognizer interface {
	Recognize(ctx context.Context, page image.Image, dpi int) (Recognition, error)
}
