// Package storage holds kntc's persistence: the object stores (localfs, s3), the
// metadata databases (sqlite, postgres, on the shared sqldb code) and their
// conformance suites (storagetest). The interfaces they implement are declared where
// they are used: ingest.BlobStore, ingest.DocumentStore and auth.Store.
package storage
