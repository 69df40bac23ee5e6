package enum_test

import (
	"testing"

	"kntc/internal/enum"
)

type colour string

func TestUnknownListsEveryValue(t *testing.T) {
	got := enum.Unknown("màu", "colour", colour("tím"), []colour{"do", "xanh", "vang"})
	want := `màu "tím" không hợp lệ (unknown colour), phải là một trong (one of): do, xanh, vang`
	if got != want {
		t.Errorf("Unknown: %q, want %q", got, want)
	}
	if got := enum.List([]string{}); got != "" {
		t.Errorf("List of nothing: %q", got)
	}
}
