// Package cover makes and recognises the QR cover sheets (phiếu bìa hồ sơ) that
// file scans into cases. A clerk prints a sheet for a case and a document kind
// (Render, WritePDF), puts it on top of that document's paper and scans a whole stack
// as one batch; the pipeline checks every scanned page with Detect, starts a new
// document of that case and kind at each sheet and drops the sheet itself.
//
// The QR code carries a short versioned text (Payload, ParsePayload) and nothing
// else: the case's subject and parties are printed for people to read but never
// encoded, so a sheet left on a desk discloses no more than its print.
package cover

import "kntc/ingest"

// Sheet is one cover sheet.
type Sheet struct {
	CaseCode string      // "KN-2026-000123"; see ValidCaseCode
	Kind     ingest.Kind // a document kind of ingest.Kinds(), or empty: the kind is then read from the document
	// Lines are printed under the code for people: the case's subject, its handling
	// unit, and so on. They are not in the QR code, and Detect does not return them.
	Lines []string
}
