package office

import (
	"context"
	"time"
)

// Soffice runs one LibreOffice conversion, for tests that make their inputs
// (.doc, .xls…) with LibreOffice itself.
func Soffice(program, job, in, target, ext string, timeout time.Duration) (string, error) {
	return soffice(context.Background(), program, job, in, target, ext, timeout)
}

// Unicode rewrites the legacy text of a .docx, .odt or .ods file, as ToPDFA does
// before LibreOffice sees it.
func Unicode(in string, f Format) (string, Counts, error) {
	var n Counts
	out, err := (&Converter{}).unicode(in, f, &n)
	return out, n, err
}
