-- Indexes for the statistics (issue 14, make bench-reports): the forms are
-- counted in SQL per row of the report (storage/sqldb/reports.go). A year of a
-- province's visits is read from the index alone (the visit's unit, time,
-- group size and case), as are its petitions (every field 02/XLD classifies
-- by); a form of cases reads only its kind (03/GQKN, 04/GQTC) and, for
-- 05/KQTH, the decisions issued by the period's end. The new indexes begin
-- with the columns of the ones they replace.
DROP INDEX receptions_unit_at;
CREATE INDEX receptions_report ON receptions (unit_id, at, group_size, case_id);
DROP INDEX petitions_unit;
CREATE INDEX petitions_report ON petitions (unit_id, received_on, handled_on, handling, admissibility, competence, kind, duplicate_of, case_id);
CREATE INDEX cases_report ON cases (kind, unit_id, decided_on);
