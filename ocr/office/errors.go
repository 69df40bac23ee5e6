package office

import (
	"errors"
	"fmt"
)

// kind is the type of the sentinel errors; its message is the clerk's: Vietnamese
// first, English in brackets.
type kind struct{ msg string }

func (k *kind) Error() string { return k.msg }

// The sentinels below describe problems with the office file itself. Every error
// this package returns for a bad file wraps one of them (errors.Is) and begins with
// its text, so that it can be written beside a quarantined file as it is. Retrying
// cannot fix any of them; IsPermanent reports true for all.
var (
	// ErrEncrypted: the file needs a password to open.
	ErrEncrypted error = &kind{"tệp văn phòng có đặt mật khẩu hoặc được mã hoá, không mở được; hãy gỡ mật khẩu rồi gửi lại (password-protected office file)"}

	// ErrCorrupt: the file says it is an office file but cannot be read, by this
	// package (a damaged zip) or by LibreOffice.
	ErrCorrupt error = &kind{"tệp văn phòng bị hỏng, không mở được (corrupt office file)"}

	// ErrBomb: the zip inside a .docx, .xlsx, .odt or .ods holds more than
	// Limits allow once uncompressed (a zip bomb, or an absurdly large document).
	ErrBomb error = &kind{"tệp văn phòng chứa dữ liệu nén quá lớn khi giải nén, có thể là bom nén (zip bomb: contents over the limit once uncompressed)"}

	// ErrTimeout: LibreOffice did not finish converting within Converter.Timeout;
	// it was stopped with every process it started.
	ErrTimeout error = &kind{"LibreOffice chuyển đổi tệp văn phòng quá thời gian cho phép, đã bị dừng (office conversion timed out)"}
)

// IsPermanent reports whether err is a problem with the file that retrying cannot
// fix (one of the sentinels above). It is false for nil, cancellation, and
// environment errors (LibreOffice missing, a full disk).
func IsPermanent(err error) bool {
	for _, k := range []error{ErrEncrypted, ErrCorrupt, ErrBomb, ErrTimeout} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

// fail returns an error wrapping sentinel k with a detail in English.
func fail(k error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", k, fmt.Sprintf(format, args...))
}
