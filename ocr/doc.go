// Package ocr turns page images into text: page images, orientation, deskew,
// cleaning, Vietnamese text normalisation, header metadata and PDF/A assembly. The
// engine itself (Tesseract, through cgo) lives in ocr/tesseract so that everything
// else builds and tests without a C toolchain.
package ocr
