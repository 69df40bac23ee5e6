package tesseract

import (
	"context"
	"image"

	"kntc/ingest"
)

// SetOrient replaces the orientation detection of r, for tests that count or fake
// its calls.
func SetOrient(r *Reader, f func(ctx context.Context, page image.Image, dpi int) (int, float64, error)) {
	r.orient = f
}

// SetCorrect replaces the tone correction of r, for tests and benchmarks that
// compare the words before and after it.
func SetCorrect(r *Reader, f func(words []ingest.Word) []ingest.Word) {
	r.correct = f
}

// Correct runs r's tone correction on words.
func Correct(r *Reader, words []ingest.Word) []ingest.Word { return r.correct(words) }

// RereadWeakLines runs r's second reading of the header zone's weak lines.
func RereadWeakLines(ctx context.Context, r *Reader, g *image.Gray, dpi int, words []ingest.Word) ([]ingest.Word, error) {
	return r.rereadWeakLines(ctx, g, dpi, words)
}
