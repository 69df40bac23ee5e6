-- A document that kills its worker every time (a crash inside OCR or conversion)
-- was handed to a worker again without end (issue 15): interrupted counts the
-- attempts that ended without their worker finishing them, and at
-- ingest.Processor.MaxInterrupted (3) the file is quarantined instead.
ALTER TABLE documents ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;
