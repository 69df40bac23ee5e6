// Package ocr turns page images into text: page images, orientation, deskew,
// cleaning, header metadata and PDF/A assembly; the Vietnamese text helpers it uses
// are in internal/viet. The engine itself (Tesseract, through cgo) lives in
// ocr/tesseract so that everything else builds and tests without a C toolchain.
package ocr
