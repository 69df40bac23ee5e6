-- Indexes for the staff pages (issue 12, make bench-web): the dashboard counts
-- the documents stored and quarantined in the last day (a status and a range of
-- updated_at, not created_at: a document is stored after it arrived) and lists
-- the newest timeline events of the cases in scope, newest first.
CREATE INDEX documents_status_updated ON documents (status, updated_at);
CREATE INDEX case_events_at ON case_events (at, id);
