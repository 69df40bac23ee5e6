// Package cases owns the case file (hồ sơ vụ việc): cases of complaint, denunciation
// and petition with their parties, the workflow and its legal deadlines, the
// petition register (sổ đơn thư) and the reception log (sổ tiếp công dân), the
// linking of scanned documents to cases, the denouncer's secret (sealed with
// AES-256-GCM, readable only with an explicit grant) and the hash-chained audit
// trail. Storage implements Store; cmd/kntc wires it; web serves it.
package cases
