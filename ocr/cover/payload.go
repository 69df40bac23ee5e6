package cover

import (
	"errors"
	"fmt"
	"strings"

	"kntc/ingest"
)

// payloadVersion opens every kntc cover QR. A later format gets "KNTC2": old sheets
// that are still lying in offices keep working because ParsePayload knows every
// version it ever wrote, and an unknown version is not taken for a cover. Any other
// QR code kntc may print one day (a receipt, a portal link) must not start with
// "KNTC<digits>|", or its page would be taken for a cover and dropped.
const payloadVersion = "KNTC1"

// ErrNotCover is returned by ParsePayload for a QR text that is not a kntc cover
// sheet's: another system's QR (a citizen ID card, a bank transfer, a URL), an unknown
// version, or a damaged field.
var ErrNotCover = errors.New("not a kntc cover sheet")

// Payload returns the text of the QR code of a cover sheet: "KNTC1|<case code>|<kind>",
// for example "KNTC1|KN-2026-000123|quyet_dinh_thu_ly"; kind may be empty. The case
// code must pass ValidCaseCode and the kind must be one of ingest.Kinds().
func Payload(caseCode string, kind ingest.Kind) (string, error) {
	if !ValidCaseCode(caseCode) {
		return "", fmt.Errorf("mã hồ sơ %q không hợp lệ (invalid case code, want e.g. KN-2026-000123)", caseCode)
	}
	if kind != "" {
		if !kind.Valid() {
			return "", fmt.Errorf("loại tài liệu %q không hợp lệ (unknown document kind)", kind)
		}
	}
	return payloadVersion + "|" + caseCode + "|" + string(kind), nil
}

// ParsePayload reads the text of a QR code. Anything but exactly what Payload writes
// (version, separators, a valid case code, a known kind or none) returns an error
// wrapping ErrNotCover: a page is only ever split on a code kntc printed.
func ParsePayload(s string) (caseCode string, kind ingest.Kind, err error) {
	// The longest valid payload is well under 100 bytes; splitting a long text from
	// another system's QR would only waste time.
	if len(s) > 100 {
		return "", "", fmt.Errorf("payload of %d bytes: %w", len(s), ErrNotCover)
	}
	f := strings.Split(s, "|")
	if len(f) != 3 || f[0] != payloadVersion {
		return "", "", fmt.Errorf("payload %q: %w", s, ErrNotCover)
	}
	caseCode, kind = f[1], ingest.Kind(f[2])
	if !ValidCaseCode(caseCode) {
		return "", "", fmt.Errorf("case code %q: %w", caseCode, ErrNotCover)
	}
	if kind != "" {
		if !kind.Valid() {
			return "", "", fmt.Errorf("kind %q: %w", kind, ErrNotCover)
		}
	}
	return caseCode, kind, nil
}

// ValidCaseCode reports whether code has the form of a case code: two capital ASCII
// letters (the case type: KN, TC, PA, ND), a dash, a four-digit year, a dash and a
// six-digit number: "KN-2026-000123" (the cases package's format). The check is strict
// because a cover's code decides where a scan is filed.
func ValidCaseCode(code string) bool {
	return len(code) == 14 && all(code[0:2], 'A', 'Z') && code[2] == '-' && all(code[3:7], '0', '9') &&
		code[7] == '-' && all(code[8:], '0', '9')
}

func all(s string, lo, hi byte) bool {
	for i := range len(s) {
		if s[i] < lo || s[i] > hi {
			return false
		}
	}
	return true
}
