// Command lmgen makes the syllable model of the tone corrector
// (ocr/tonelm/model.bin.gz) from the Vietnamese legal corpus: syllable and
// syllable-pair and triple counts of every document but the held-back ones
// (tonelm.HeldBack), pairs and triples seen once left out. Only counts go into the file,
// never text. Run from the repository root (make model):
//
//	go run ./ocr/cmd/lmgen -corpus ../shared/corpus/vbpl-legal.txt.xz -out ocr/tonelm/model.bin.gz
package main

import (
	"flag"
	"fmt"
	"os"

	"kntc/ocr/tonelm"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "lmgen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("lmgen", flag.ContinueOnError)
	corpus := fs.String("corpus", "../shared/corpus/vbpl-legal.txt.xz", "corpus file (.xz or plain text)")
	out := fs.String("out", "ocr/tonelm/model.bin.gz", "model file to write")
	minSyllable := fs.Uint64("min-syllable", 2, "keep syllables seen at least this often")
	minPair := fs.Uint64("min-pair", 2, "keep pairs seen at least this often")
	minTriple := fs.Uint64("min-triple", 2, "keep triples seen at least this often")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c := tonelm.NewCounts()
	docs, held, lines := 0, 0, 0
	err := tonelm.ReadCorpus(*corpus, func(doc int, _ string, ls []string) {
		docs++
		if tonelm.HeldBack(doc) {
			held++
			return
		}
		for _, l := range ls {
			c.AddLine(l)
		}
		lines += len(ls)
	})
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	nv, np, nt, err := c.Write(f, *minSyllable, *minPair, *minTriple)
	if err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Printf("%d documents (%d held back), %d lines: %d syllables, %d pairs, %d triples, %d bytes in %s\n", docs, held, lines, nv, np, nt, st.Size(), *out)
	return nil
}
