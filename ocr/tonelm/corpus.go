package tonelm

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// HeldBack reports whether the corpus document with this index (0-based, in the
// order of the corpus file) is kept out of training: every 20th, so that the
// corrector can be checked on legal text its model has never seen.
func HeldBack(doc int) bool { return doc%20 == 19 }

// ReadCorpus calls f with each document of the corpus file at path (the format of
// ../shared/corpus/vbpl-legal.txt.xz: a "### name" line opens each document, a
// form feed line closes it; an .xz file is read through the xz command), in
// order, with its index and its lines.
func ReadCorpus(path string, f func(doc int, name string, lines []string)) error {
	var r io.Reader
	if strings.HasSuffix(path, ".xz") {
		cmd := exec.Command("xz", "-dc", path)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			return fmt.Errorf("read corpus %s: %w", path, err)
		}
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("read corpus %s (needs the xz command): %w", path, err)
		}
		defer func() { _ = cmd.Wait() }()
		r = out
	} else {
		file, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("read corpus: %w", err)
		}
		defer file.Close()
		r = file
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	doc, name := -1, ""
	var lines []string
	flush := func() {
		if doc >= 0 && len(lines) > 0 {
			f(doc, name, lines)
		}
		lines = nil
	}
	for sc.Scan() {
		line := sc.Text()
		if after, ok := strings.CutPrefix(line, "### "); ok {
			flush()
			doc++
			name = after
			continue
		}
		if strings.TrimSpace(line) == "\f" || line == "\f" {
			continue
		}
		if doc >= 0 && strings.TrimSpace(line) != "" {
			lines = append(lines, line)
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read corpus %s: %w", path, err)
	}
	return nil
}
