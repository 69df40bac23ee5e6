-- A scan batch cut at its QR cover sheets into one document per cover ends with
-- status 'split' (ingest.StatusSplit).
ALTER TABLE documents DROP CONSTRAINT documents_status_check;
ALTER TABLE documents ADD CONSTRAINT documents_status_check
	CHECK (status IN ('received', 'processing', 'stored', 'failed', 'quarantined', 'duplicate', 'split'));
