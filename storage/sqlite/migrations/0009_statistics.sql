-- Statistics (issue 14): what the forms of Thông tư 06/2025/TT-TTCP need and the
-- workflow did not keep.
--
-- cases.outcome: the results a decision on a complaint or a conclusion on a
-- denunciation sets out and their enforcement (money and land to recover for the
-- State or to return, people recommended for discipline or handed to the
-- investigators, and what was done of it), JSON as cases.Outcome writes it. Entered
-- per case (PUT /api/v1/cases/{code}/outcome) and summed by the report forms
-- 03/GQKN, 04/GQTC and 05/KQTH — never typed into a report.
--
-- petitions.handled_on: the day the petition's handling was decided (xử lý đơn:
-- the 02/XLD form counts petitions handled in the period and carries the
-- unhandled ones over). Existing handled petitions take the day of their last
-- change, the best date they have.
ALTER TABLE cases ADD COLUMN outcome TEXT NOT NULL DEFAULT '{}';
ALTER TABLE petitions ADD COLUMN handled_on TEXT NOT NULL DEFAULT '';
UPDATE petitions SET handled_on = substr(updated_at, 1, 10) WHERE handling <> '';
