// Package tonelm restores Vietnamese tone and vowel marks that OCR read as their
// neighbours (hiếm for hiểm, Điêu for Điều, tổ for tố). It owns a model of
// syllable pairs learnt from Vietnamese legal text (model.bin.gz, made by
// ocr/cmd/lmgen), a table of the mark confusions Tesseract makes (confusion.tsv,
// measured by ocr/cmd/confgen on its readings of the benchmark pages) and the
// corrector that, sentence by sentence, chooses among the syllables that differ
// only in those marks (Viterbi over the candidates) and changes a word only when
// the model is clearly surer of another spelling than of the one read.
package tonelm
