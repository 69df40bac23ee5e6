// Package enum words the refusal of a value outside a closed set (a kind, a status,
// a role…) the same way everywhere: the value given and every value allowed, so
// that the client learns the whole set from the first refusal.
package enum

import (
	"fmt"
	"strings"
)

// List joins values for a message: "a, b, c".
func List[T ~string](values []T) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// Unknown words got, a value that is not one of allowed, with what it is named in
// Vietnamese (vi) and English (en):
//
//	loại văn bản "x" không hợp lệ (unknown document kind), phải là một trong (one of): a, b, c
func Unknown[T ~string](vi, en string, got T, allowed []T) string {
	return fmt.Sprintf("%s %q không hợp lệ (unknown %s), phải là một trong (one of): %s", vi, string(got), en, List(allowed))
}
