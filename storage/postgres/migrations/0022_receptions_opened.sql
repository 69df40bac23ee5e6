-- The visits a case was opened from count in 02/XLD as petitions received at
-- citizen reception, and in 03/GQKN and 04/GQTC through their cases
-- (storage/sqldb/reports.go, letters). They are a small part of a year's
-- visits: read by unit and time from an index of their own, not picked out of
-- every visit.
CREATE INDEX receptions_opened ON receptions (unit_id, at) INCLUDE (kind, case_id)
	WHERE case_id IS NOT NULL AND outcome = 'mo_ho_so';
