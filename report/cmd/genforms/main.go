// Command genforms writes report/forms_gen.go, the table of the six forms of
// Thông tư 06/2025/TT-TTCP (codes, titles, column headings, MS numbers, units and
// the guidance printed under each form), from the machine-readable summary kept
// beside the repository (../shared/reports/tt-06-2025-forms.json) and the
// guidance quoted in its companion Markdown file. The output is committed: the
// report package and its tests never need ../shared (make forms).
//
//	go run ./report/cmd/genforms [-json FILE] [-md FILE] [-out FILE]
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"kntc/report/internal/formsgen"
)

func main() {
	jsonPath := flag.String("json", "../shared/reports/tt-06-2025-forms.json", "the forms' machine-readable summary")
	mdPath := flag.String("md", "", "the Markdown companion with the guidance (default: beside -json, .md)")
	out := flag.String("out", "report/forms_gen.go", "the Go file to write")
	flag.Parse()
	if *mdPath == "" {
		*mdPath = strings.TrimSuffix(*jsonPath, ".json") + ".md"
	}
	src, err := formsgen.Generate(*jsonPath, *mdPath)
	if err == nil {
		err = os.WriteFile(*out, src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genforms:", err)
		os.Exit(1)
	}
}
