package pages

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// kind is the type of the sentinel errors. Its message is the clerk's: Vietnamese
// first, English in brackets. A kind may have a parent so that, for example, a
// truncated file is also a corrupt one for errors.Is.
type kind struct {
	msg    string
	parent error
}

func (k *kind) Error() string { return k.msg }
func (k *kind) Unwrap() error { return k.parent }

// The sentinels below describe problems with the input itself. Every error this
// package returns for a bad input wraps exactly one of them (errors.Is), and its
// message begins with the sentinel's text so that it can be shown to a clerk or
// written beside a quarantined file as it is. Retrying cannot fix any of them;
// IsPermanent reports true for all.
var (
	// ErrEmpty: the file has zero bytes.
	ErrEmpty error = &kind{msg: "tệp rỗng, không có dữ liệu (empty file)"}

	// ErrCorrupt: the file says it is a PDF, TIFF, JPEG or PNG but its structure is
	// broken.
	ErrCorrupt error = &kind{msg: "tệp bị hỏng, không đọc được (corrupt file)"}

	// ErrTruncated: the file ends early, typically an upload or a scan that did not
	// finish. errors.Is(err, ErrCorrupt) is also true.
	ErrTruncated error = &kind{msg: "tệp bị thiếu phần cuối, có thể chưa tải lên hoặc chưa quét xong (truncated file)", parent: ErrCorrupt}

	// ErrEncrypted: a PDF that cannot be opened without a password, or that uses an
	// encryption this package cannot open.
	ErrEncrypted error = &kind{msg: "tệp PDF được mã hoá, cần mật khẩu để mở, không đọc được (encrypted PDF)"}

	// ErrUnsupported: not one of the accepted formats (PDF, TIFF, JPEG, PNG; the
	// office files ocr/office takes are converted before they get here), or a
	// variant of one that this package cannot decode.
	ErrUnsupported error = &kind{msg: "định dạng tệp không được hỗ trợ, chỉ nhận PDF, TIFF, JPEG, PNG và tệp văn phòng DOC, DOCX, ODT, RTF, XLS, XLSX, ODS (unsupported format)"}

	// ErrTooLarge: the file is larger than Limits.MaxFileBytes.
	ErrTooLarge error = &kind{msg: "tệp quá lớn (file too large)"}

	// ErrTooManyPages: the file has more pages than Limits.MaxPages.
	ErrTooManyPages error = &kind{msg: "tệp có quá nhiều trang (too many pages)"}

	// ErrTooManyPixels: a page image is larger than Limits.MaxPixels, as declared by
	// its header (a decompression bomb or an absurd page size).
	ErrTooManyPixels error = &kind{msg: "trang ảnh quá lớn, quá nhiều điểm ảnh (too many pixels on a page)"}

	// ErrTooSlow: rendering or reading the text of one PDF page took longer than
	// Limits.MaxRenderTime; the page is pathologically complex.
	ErrTooSlow error = &kind{msg: "trang PDF quá phức tạp, xử lý quá lâu (page took too long to render)"}
)

var permanent = []error{ErrEmpty, ErrCorrupt, ErrTruncated, ErrEncrypted, ErrUnsupported, ErrTooLarge, ErrTooManyPages, ErrTooManyPixels, ErrTooSlow}

// IsPermanent reports whether err is a problem with the input that retrying cannot
// fix (any of the sentinels above). It is false for nil, for context cancellation
// and deadlines, and for I/O or environment errors (a missing pdftoppm, a full
// disk), which a later attempt may not meet.
func IsPermanent(err error) bool {
	if err == nil {
		return false
	}
	for _, k := range permanent {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

// fail returns an error wrapping the sentinel k with a technical detail in English.
// page is 1-based; 0 means the whole file.
func fail(k error, page int, format string, args ...any) error {
	detail := fmt.Sprintf(format, args...)
	if page > 0 {
		return fmt.Errorf("%w: trang %d (page %d): %s", k, page, page, detail)
	}
	return fmt.Errorf("%w: %s", k, detail)
}

// classify turns an error from a decoder into one of ours: end of data means
// truncated, context errors pass through, anything else is corruption.
func classify(err error, page int, what string) error {
	switch {
	case err == nil:
		return nil
	case IsPermanent(err):
		return err
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	k := ErrCorrupt
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		k = ErrTruncated
	}
	if msg := err.Error(); strings.HasPrefix(msg, what+":") {
		return fail(k, page, "%s", msg) // the decoder already says what it is
	}
	return fail(k, page, "%s: %v", what, err)
}

// pixels formats a pixel count for a clerk.
func pixels(n int64) string {
	if n >= 1_000_000 {
		return fmt.Sprintf("%.1f megapixel", float64(n)/1e6)
	}
	return fmt.Sprintf("%d pixel", n)
}

// safely runs f and turns a panic inside it (a decoder tripping over malformed
// input) into ErrCorrupt, so that one bad file cannot take the process down.
func safely(page int, what string, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fail(ErrCorrupt, page, "%s: internal decoder failure: %v", what, r)
		}
	}()
	return f()
}
