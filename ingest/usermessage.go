package ingest

import (
	"path/filepath"
	"regexp"
)

// absPath finds an absolute file path in an error's text: a slash-led run after
// the start, a space, a quote, a bracket or a colon (so "12/2024/QĐ-UBND", a
// document number, is left alone).
var absPath = regexp.MustCompile(`(^|[\s"'(\[=:])(/[^\s"'()\[\]:;,]+)`)

// userMessage is err's text as a clerk may read it (Document.Error, a quarantine
// note): every absolute path of the server cut to its last element. The log keeps
// the whole error.
func userMessage(err error) string {
	return absPath.ReplaceAllStringFunc(err.Error(), func(m string) string {
		sub := absPath.FindStringSubmatch(m)
		return sub[1] + filepath.Base(sub[2])
	})
}
