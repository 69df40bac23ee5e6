package tesseract

import (
	"context"
	"image"
)

// SetOrient replaces the orientation detection of r, for tests that count or fake
// its calls.
func SetOrient(r *Reader, f func(ctx context.Context, page image.Image, dpi int) (int, float64, error)) {
	r.orient = f
}
