// Package ingest owns a document's life from the moment a scan arrives until it is
// stored: the domain types (Document, Page, Status), the interfaces the pipeline needs
// from storage (BlobStore, DocumentStore), hot-folder claiming, the job pipeline and
// quarantine. It imports only the standard library; storage backends implement its
// interfaces and cmd/kntc wires them together.
package ingest
