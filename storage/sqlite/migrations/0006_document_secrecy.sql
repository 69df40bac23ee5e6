-- Confidentiality is kept true as cases change (issue 19): a document that names a
-- protected party of another case, or of a case not linked yet, records that case
-- (secret_case) so users granted it may see the document; cleared records that a
-- granted user lifted the mark, so the next check does not set it again.
ALTER TABLE documents ADD COLUMN secret_case TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN cleared BOOLEAN NOT NULL DEFAULT 0;
CREATE INDEX documents_unit ON documents (unit_code, created_at);
