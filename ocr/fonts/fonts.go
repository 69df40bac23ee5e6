// Package fonts finds the system TrueType fonts kntc draws Vietnamese text with
// (cover sheets, test pages): Liberation (Debian's fonts-liberation2) or DejaVu
// (fonts-dejavu-core), both of which have every Vietnamese letter. Fonts are read
// from disk, not embedded, so the binary stays small and the fonts keep their own
// licences; deploy/lib.sh installs both packages.
package fonts

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/image/font/opentype"
)

// Style is a typeface and weight.
type Style int

// The styles kntc draws with.
const (
	Serif    Style = iota // body text of decisions (Times New Roman's metric twin)
	Sans                  // notices, instructions
	SansBold              // titles, case codes
	numStyles
)

// ErrNotFound is returned when no font of a style is installed.
var ErrNotFound = errors.New("font not found")

// dirs are where Debian puts the fonts.
var dirs = []string{
	"/usr/share/fonts/truetype/liberation2",
	"/usr/share/fonts/truetype/liberation",
	"/usr/share/fonts/truetype/dejavu",
}

// files lists, per style, the font files to try in order of preference.
var files = [numStyles][]string{
	Serif:    {"LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"},
	Sans:     {"LiberationSans-Regular.ttf", "DejaVuSans.ttf"},
	SansBold: {"LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf"},
}

var cache [numStyles]struct {
	once sync.Once
	font *opentype.Font
	err  error
}

// Load returns the font of style s, parsed once and shared (an *opentype.Font is safe
// for concurrent use; faces made from it are not). It returns an error wrapping
// ErrNotFound when neither Liberation nor DejaVu is installed.
func Load(s Style) (*opentype.Font, error) {
	if s < 0 || s >= numStyles {
		return nil, fmt.Errorf("font style %d: %w", s, ErrNotFound)
	}
	c := &cache[s]
	c.once.Do(func() {
		for _, name := range files[s] {
			for _, dir := range dirs {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					continue
				}
				if c.font, c.err = opentype.Parse(b); c.err != nil {
					c.err = fmt.Errorf("parse font %s: %w", name, c.err)
				}
				return
			}
		}
		c.err = fmt.Errorf("không tìm thấy phông chữ tiếng Việt %v; hãy cài fonts-dejavu-core hoặc fonts-liberation2 (no font with Vietnamese letters found; install fonts-dejavu-core or fonts-liberation2): %w", files[s], ErrNotFound)
	})
	return c.font, c.err
}
