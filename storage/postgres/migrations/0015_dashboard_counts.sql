-- The dashboard's counts (issue 12, make bench-web) from indexes alone: the
-- open cases with a deadline, by deadline (a whole province's), by unit and
-- deadline (a district's) and by handler and deadline (a handler's own).
-- DueCounts counts the overdue and the due-soon ones in one pass over one of
-- them without reading the table. Partial: closed cases (most of a province's,
-- over the years) are in none; the queries write the same conditions out.
CREATE INDEX cases_open_due ON cases (due_on, unit_id, handler_id) WHERE status <> 'closed' AND due_on <> '';
CREATE INDEX cases_open_unit_due ON cases (unit_id, due_on, handler_id) WHERE status <> 'closed' AND due_on <> '';
CREATE INDEX cases_open_handler_due ON cases (handler_id, due_on) WHERE status <> 'closed' AND due_on <> '';
-- A district's documents in the pipeline and stored or quarantined in the last
-- day (DocumentCounts): by unit, status and time, where the unit's index alone
-- would read every document the unit ever had.
CREATE INDEX documents_unit_status_updated ON documents (unit_code, status, updated_at);
-- The triage inbox (TriageCount, Triage): the documents in no case, by status
-- and unit; partial, since they are few of all. Without it SQLite counted a
-- province's inbox by reading every stored document (documents_status_updated).
CREATE INDEX documents_unfiled ON documents (status, unit_code, created_at) WHERE case_code = '';
