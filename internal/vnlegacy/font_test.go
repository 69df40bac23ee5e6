package vnlegacy_test

import (
	"testing"

	"kntc/internal/vnlegacy"
)

func TestByFont(t *testing.T) {
	tests := []struct {
		font     string
		enc      vnlegacy.Encoding
		capitals bool
	}{
		{".VnTime", vnlegacy.TCVN3, false},
		{".VnTimeH", vnlegacy.TCVN3, true},
		{".VnArialH", vnlegacy.TCVN3, true},
		{".VnCentury Schoolbook", vnlegacy.TCVN3, false},
		{"ABCDEF+VnTime,Bold", vnlegacy.TCVN3, false},
		{"QWERTY+VnTimeH-BoldItalic", vnlegacy.TCVN3, true},
		{"VNI-Times", vnlegacy.VNI, false},
		{"ABCDEF+VNI-Helve-Bold", vnlegacy.VNI, false},
		{"Times New Roman", vnlegacy.Unicode, false},
		{"Verdana", vnlegacy.Unicode, false},
		{"Vni", vnlegacy.Unicode, false},
		{"", vnlegacy.Unicode, false},
	}
	for _, tt := range tests {
		if enc, capitals := vnlegacy.ByFont(tt.font); enc != tt.enc || capitals != tt.capitals {
			t.Errorf("ByFont(%q) = %v, %v; want %v, %v", tt.font, enc, capitals, tt.enc, tt.capitals)
		}
	}
}

func TestConvertRun(t *testing.T) {
	tests := []struct{ font, in, want string }{
		{".VnTime", "Tù", "Tự"}, // one word: too little for content detection, the font says it
		{".VnTimeH", "quyÕt ®Þnh", "QUYẾT ĐỊNH"},
		{"VNI-Times", "ñaõ", "đã"},
		{"Times New Roman", "Quyết định", "Quyết định"},
		{"Times New Roman", "QuyÕt ®Þnh", "Quyết định"}, // a substituted font: by content
	}
	for _, tt := range tests {
		if got := vnlegacy.ConvertRun(tt.font, tt.in); got != tt.want {
			t.Errorf("ConvertRun(%q, %q) = %q, want %q", tt.font, tt.in, got, tt.want)
		}
	}
}
