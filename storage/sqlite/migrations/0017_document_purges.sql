-- An administrator may purge a retracted document (issue 17): its objects are
-- deleted from the object store (unless another document holds the same bytes, or
-- a write-once retention still runs) and its page text and file name are wiped.
-- The row stays, retracted, so that the audit trail keeps naming something; these
-- columns say when and by whom it was purged.
ALTER TABLE document_retractions ADD COLUMN purged_at TIMESTAMP;
ALTER TABLE document_retractions ADD COLUMN purged_by TEXT NOT NULL DEFAULT '';
