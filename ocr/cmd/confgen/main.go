// Command confgen measures the tone and vowel-mark confusions of Tesseract for
// the tone corrector (ocr/tonelm/confusion.tsv) on a dump of OCR readings of
// pages whose text is known, written by BenchmarkOCRDump (make confusions): each
// page's words are aligned with its text and the words read with the right
// letters are counted by tone and vowel mark, read against meant. Only the pages
// of the "confusion" set are used: sample texts that BenchmarkOCRVariants does
// not read, so the benchmark measures the corrector on pages it was not fitted
// on.
//
//	go run ./ocr/cmd/confgen -dump /tmp/ocr-dump.jsonl -out ocr/tonelm/confusion.tsv
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"kntc/ingest"
	"kntc/ocr/ocrtest"
	"kntc/ocr/tonelm"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "confgen:", err)
		os.Exit(1)
	}
}

type page struct {
	Set     string        `json:"set"`
	Variant string        `json:"variant"`
	Truth   string        `json:"truth"`
	Words   []ingest.Word `json:"words"`
}

func run(args []string) error {
	fs := flag.NewFlagSet("confgen", flag.ContinueOnError)
	dump := fs.String("dump", "", "OCR dump (JSON lines of BenchmarkOCRDump)")
	out := fs.String("out", "ocr/tonelm/confusion.tsv", "table to write")
	set := fs.String("set", "confusion", "pages of this set only")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Open(*dump)
	if err != nil {
		return err
	}
	defer f.Close()
	var c tonelm.Confusions
	pages, words := 0, 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var p page
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return fmt.Errorf("dump line %d: %w", pages+1, err)
		}
		if p.Set != *set {
			continue
		}
		pages++
		got := make([]string, len(p.Words))
		for i, w := range p.Words {
			got[i] = w.Text
		}
		// Confidence by position: AlignWords pairs strings, so look the read word
		// up in order.
		next := 0
		for _, pair := range ocrtest.AlignWords(got, strings.Fields(p.Truth)) {
			conf := 0.0
			for k := next; k < len(p.Words); k++ {
				if p.Words[k].Text == pair[1] {
					conf, next = p.Words[k].Confidence, k+1
					break
				}
			}
			c.Add(pair[0], pair[1], conf)
			words++
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	o, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := c.Write(o); err != nil {
		o.Close()
		return err
	}
	fmt.Printf("%d pages, %d aligned words -> %s\n", pages, words, *out)
	return o.Close()
}
