package ocrtest_test

import (
	"testing"

	"kntc/ocr/ocrtest"
)

func TestWER(t *testing.T) {
	tests := []struct {
		name, got, want string
		wer             float64
	}{
		{"same", "khiếu nại lần đầu", "khiếu nại lần đầu", 0},
		{"whitespace runs", "khiếu  nại\nlần\tđầu ", "khiếu nại lần đầu", 0},
		{"NFD against NFC", "khie\u0302\u0301u nại", "khiếu nại", 0},
		{"one word wrong", "khiếu nai lần đầu", "khiếu nại lần đầu", 0.25},
		{"one word missing", "khiếu lần đầu", "khiếu nại lần đầu", 0.25},
		{"one word extra", "khiếu nại nại lần đầu", "khiếu nại lần đầu", 0.25},
		{"nothing read", "", "khiếu nại", 1},
		{"nothing to read", "", "", 0},
		{"noise on a blank page", "| _", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ocrtest.WER(tt.got, tt.want); got != tt.wer {
				t.Errorf("WER(%q, %q) = %v, want %v", tt.got, tt.want, got, tt.wer)
			}
		})
	}
}
