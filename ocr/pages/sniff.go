package pages

import (
	"bytes"
)

// sniff recognises the format from the first bytes of the file (up to 1024). The
// extension is never consulted: scanners and uploads name files anything.
func sniff(head []byte) (string, error) {
	switch {
	case bytes.HasPrefix(head, []byte("\xFF\xD8\xFF")):
		return TypeJPEG, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1A\n")):
		return TypePNG, nil
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return TypeTIFF, nil
	case bytes.HasPrefix(head, []byte("II+\x00")), bytes.HasPrefix(head, []byte("MM\x00+")):
		return "", fail(ErrUnsupported, 0, "BigTIFF")
	case bytes.Contains(head, []byte("%PDF-")):
		// PDF readers accept a header anywhere in the first 1024 bytes (some
		// scanners and mail gateways prepend junk).
		return TypePDF, nil
	}
	for _, o := range others {
		if bytes.HasPrefix(head, []byte(o.magic)) && (o.also == "" || bytes.Contains(head[:min(len(head), 16)], []byte(o.also))) {
			return "", fail(ErrUnsupported, 0, "%s", o.name)
		}
	}
	return "", fail(ErrUnsupported, 0, "unknown content")
}

// others are formats that clerks are likely to upload by mistake, named in the error
// so that they know what to convert.
var others = []struct{ magic, also, name string }{
	{"GIF8", "", "GIF"},
	{"BM", "", "BMP"},
	{"RIFF", "WEBP", "WebP"},
	{"\x00\x00\x00\x0CjP  ", "", "JPEG 2000"},
	{"\xFF\x4F\xFF\x51", "", "JPEG 2000"},
	{"\x00\x00\x00", "ftypheic", "HEIC"},
	{"\x00\x00\x00", "ftypmif1", "HEIF"},
	{"PK\x03\x04", "", "ZIP"},
	{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "", "OLE2 (PowerPoint, Outlook…)"},
	{"{\\rtf", "", "RTF"},
	{"%!PS", "", "PostScript"},
	{"AT&TFORM", "", "DjVu"},
	{"Rar!", "", "RAR"},
	{"7z\xBC\xAF\x27\x1C", "", "7z"},
}
